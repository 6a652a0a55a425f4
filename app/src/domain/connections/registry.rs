//! One client per reseller and external system for the life of the process. A client keeps what
//! it learnt (zone, picklists, threshold, token) and its limiter, so every job and request of a
//! reseller shares one set of Autotask thread slots; it is rebuilt only when the stored
//! connection changes (on this node or another).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use anyhow::Context;
use sea_orm::DatabaseConnection;

use crate::autotask::{AutotaskClient, AutotaskConfig};
use crate::crypto::MasterKey;
use crate::db;
use crate::marketplace::{MarketplaceClient, MarketplaceConfig};
use crate::model::{
    connection::{StoredAutotaskConnection, StoredMarketplaceConnection},
    ids::ResellerId,
};

/// Autotask's own entry point for zone discovery.
pub const AUTOTASK_ENTRY_URL: &str = "https://webservices.autotask.net/atservicesrest";

/// Adjusts the clients' settings (tests shorten timeouts and retries).
pub type Tuning<C> = Arc<dyn Fn(&mut C) + Send + Sync>;

struct Cached<C> {
    /// The stored connection the client was built from.
    built_from: String,
    client: Arc<C>,
}

/// The clients of every reseller, built on first use.
pub struct Connections {
    db: DatabaseConnection,
    key: MasterKey,
    /// This service's own address: stored addresses starting with `/` (the built-in sandboxes)
    /// are resolved against it, so the demo keeps working when the port changes.
    self_url: String,
    autotask: Cache<AutotaskClient>,
    marketplace: Cache<MarketplaceClient>,
    autotask_tuning: Option<Tuning<AutotaskConfig>>,
    marketplace_tuning: Option<Tuning<MarketplaceConfig>>,
}

/// Resolves a stored address: one starting with `/` is on this service (a built-in sandbox).
fn resolve(url: &str, self_url: &str) -> String {
    if url.starts_with('/') {
        format!("{}{url}", self_url.trim_end_matches('/'))
    } else {
        url.to_owned()
    }
}

fn autotask_identity(row: &StoredAutotaskConnection) -> String {
    format!(
        "{:?}|{}|{}|{}|{}",
        row.api_url, row.username, row.integration_code, row.secret_ciphertext, row.updated_at
    )
}

fn marketplace_identity(row: &StoredMarketplaceConnection) -> String {
    format!(
        "{}|{}|{}|{}|{}|{}",
        row.base_url,
        row.marketplace_code,
        row.username,
        row.password_ciphertext,
        row.subscription_key_ciphertext,
        row.updated_at
    )
}

impl Connections {
    pub fn new(db: DatabaseConnection, key: MasterKey, self_url: String) -> Self {
        Self {
            db,
            key,
            self_url,
            autotask: Mutex::new(HashMap::new()),
            marketplace: Mutex::new(HashMap::new()),
            autotask_tuning: None,
            marketplace_tuning: None,
        }
    }

    /// Applies `tune` to every Autotask client built from now on.
    pub fn tune_autotask(mut self, tune: Tuning<AutotaskConfig>) -> Self {
        self.autotask_tuning = Some(tune);
        self
    }

    /// Applies `tune` to every marketplace client built from now on.
    pub fn tune_marketplace(mut self, tune: Tuning<MarketplaceConfig>) -> Self {
        self.marketplace_tuning = Some(tune);
        self
    }

    /// The reseller's Autotask client, or `None` when no connection is set up.
    pub async fn autotask(
        &self,
        reseller: ResellerId,
    ) -> anyhow::Result<Option<Arc<AutotaskClient>>> {
        let row = db::connections::find_autotask_connection(&self.db, reseller)
            .await
            .context("reading the Autotask connection")?;
        let Some(row) = row else {
            lock(&self.autotask).remove(&reseller);
            return Ok(None);
        };
        let client = cached(&self.autotask, reseller, autotask_identity(&row), || {
            let secret = self
                .key
                .open(&row.secret_ciphertext)
                .context("opening the Autotask secret")?;
            let entry = match row.api_url.as_deref() {
                Some(url) => resolve(url, &self.self_url),
                None => AUTOTASK_ENTRY_URL.to_owned(),
            };
            let mut config =
                AutotaskConfig::new(&entry, &row.username, secret, &row.integration_code);
            if let Some(tune) = &self.autotask_tuning {
                tune(&mut config);
            }
            AutotaskClient::new(config).context("building the Autotask client")
        })?;
        Ok(Some(client))
    }

    /// The reseller's marketplace client, or `None` when no connection is set up.
    pub async fn marketplace(
        &self,
        reseller: ResellerId,
    ) -> anyhow::Result<Option<Arc<MarketplaceClient>>> {
        let row = db::connections::find_marketplace_connection(&self.db, reseller)
            .await
            .context("reading the marketplace connection")?;
        let Some(row) = row else {
            lock(&self.marketplace).remove(&reseller);
            return Ok(None);
        };
        let client = cached(
            &self.marketplace,
            reseller,
            marketplace_identity(&row),
            || {
                let password = self
                    .key
                    .open(&row.password_ciphertext)
                    .context("opening the marketplace password")?;
                let subscription_key = self
                    .key
                    .open(&row.subscription_key_ciphertext)
                    .context("opening the subscription key")?;
                let mut config = MarketplaceConfig::new(
                    &resolve(&row.base_url, &self.self_url),
                    &row.marketplace_code,
                    &row.username,
                    password,
                    subscription_key,
                );
                if let Some(tune) = &self.marketplace_tuning {
                    tune(&mut config);
                }
                MarketplaceClient::new(config).context("building the marketplace client")
            },
        )?;
        Ok(Some(client))
    }
}

type Cache<C> = Mutex<HashMap<ResellerId, Cached<C>>>;

fn lock<C>(map: &Cache<C>) -> std::sync::MutexGuard<'_, HashMap<ResellerId, Cached<C>>> {
    map.lock().unwrap_or_else(|e| e.into_inner())
}

/// The cached client when it was built from this identity, else a new one (which replaces it).
fn cached<C>(
    map: &Cache<C>,
    reseller: ResellerId,
    identity: String,
    build: impl FnOnce() -> anyhow::Result<C>,
) -> anyhow::Result<Arc<C>> {
    let mut cache = lock(map);
    if let Some(found) = cache.get(&reseller)
        && found.built_from == identity
    {
        return Ok(found.client.clone());
    }
    // Built under the lock: two first uses at once must share one client (one limiter).
    let client = Arc::new(build()?);
    tracing::info!(reseller = reseller.0, "connection client built");
    cache.insert(
        reseller,
        Cached {
            built_from: identity,
            client: client.clone(),
        },
    );
    Ok(client)
}
