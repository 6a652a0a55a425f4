//! Connections to Autotask and the marketplace. Secrets are sealed before they are stored and are
//! never handed back to a page: summaries only say whether one is set.

use anyhow::Context;
use sea_orm::DatabaseConnection;
use secrecy::{ExposeSecret, SecretString};

use crate::autotask::{AutotaskClient, AutotaskConfig, ConnectionReport};
use crate::crypto::MasterKey;
use crate::db::{
    self,
    connections::{StoredAutotaskConnection, StoredMarketplaceConnection},
};
use crate::domain::ids::ResellerId;
use crate::marketplace::{MarketplaceClient, MarketplaceConfig};

/// A new or changed Autotask connection; `secret: None` keeps the stored secret.
pub struct AutotaskConnectionInput {
    /// Where zone discovery starts; `None` means Autotask's own entry point.
    pub api_url: Option<String>,
    pub username: String,
    pub integration_code: String,
    pub secret: Option<SecretString>,
}

/// A new or changed marketplace connection; a `None` secret keeps the stored one.
pub struct MarketplaceConnectionInput {
    pub base_url: String,
    pub marketplace_code: String,
    pub username: String,
    pub password: Option<SecretString>,
    pub subscription_key: Option<SecretString>,
}

/// What a settings page may show about the Autotask connection.
#[derive(Debug, Clone, Default)]
pub struct AutotaskConnectionSummary {
    pub api_url: Option<String>,
    pub username: String,
    pub integration_code: String,
    pub has_secret: bool,
    pub zone_url: Option<String>,
    pub test_result: Option<String>,
}

/// What a settings page may show about the marketplace connection.
#[derive(Debug, Clone, Default)]
pub struct MarketplaceConnectionSummary {
    pub base_url: String,
    pub marketplace_code: String,
    pub username: String,
    pub has_password: bool,
    pub has_subscription_key: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectionError {
    #[error("{0} is required")]
    Missing(&'static str),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

fn required(value: &str, name: &'static str) -> Result<String, ConnectionError> {
    let value = value.trim();
    if value.is_empty() {
        Err(ConnectionError::Missing(name))
    } else {
        Ok(value.to_owned())
    }
}

fn non_empty(secret: Option<SecretString>) -> Option<SecretString> {
    secret.filter(|s| !s.expose_secret().trim().is_empty())
}

/// Saves the Autotask connection of a reseller, sealing the secret.
pub async fn save_autotask_connection(
    db: &DatabaseConnection,
    key: &MasterKey,
    reseller: ResellerId,
    input: AutotaskConnectionInput,
) -> Result<(), ConnectionError> {
    let username = required(&input.username, "The API user name")?;
    let integration_code = required(&input.integration_code, "The integration code")?;
    let existing = db::connections::find_autotask_connection(db, reseller)
        .await
        .context("reading the Autotask connection")?;
    let secret_ciphertext = match (non_empty(input.secret), existing) {
        (Some(secret), _) => key.seal(&secret),
        (None, Some(existing)) => existing.secret_ciphertext,
        (None, None) => return Err(ConnectionError::Missing("The API secret")),
    };
    db::connections::upsert_autotask_connection(
        db,
        reseller,
        StoredAutotaskConnection {
            api_url: input
                .api_url
                .map(|u| u.trim().trim_end_matches('/').to_owned())
                .filter(|u| !u.is_empty()),
            username,
            integration_code,
            secret_ciphertext,
        },
    )
    .await
    .context("saving the Autotask connection")?;
    Ok(())
}

/// Saves the marketplace connection of a reseller, sealing the password and subscription key.
pub async fn save_marketplace_connection(
    db: &DatabaseConnection,
    key: &MasterKey,
    reseller: ResellerId,
    input: MarketplaceConnectionInput,
) -> Result<(), ConnectionError> {
    let base_url = required(&input.base_url, "The marketplace URL")?;
    let marketplace_code = required(&input.marketplace_code, "The marketplace code")?;
    let username = required(&input.username, "The user name")?;
    let existing = db::connections::find_marketplace_connection(db, reseller)
        .await
        .context("reading the marketplace connection")?;
    let password_ciphertext = match (non_empty(input.password), &existing) {
        (Some(secret), _) => key.seal(&secret),
        (None, Some(existing)) => existing.password_ciphertext.clone(),
        (None, None) => return Err(ConnectionError::Missing("The password")),
    };
    let subscription_key_ciphertext = match (non_empty(input.subscription_key), &existing) {
        (Some(secret), _) => key.seal(&secret),
        (None, Some(existing)) => existing.subscription_key_ciphertext.clone(),
        (None, None) => return Err(ConnectionError::Missing("The subscription key")),
    };
    db::connections::upsert_marketplace_connection(
        db,
        reseller,
        StoredMarketplaceConnection {
            base_url,
            marketplace_code,
            username,
            password_ciphertext,
            subscription_key_ciphertext,
        },
    )
    .await
    .context("saving the marketplace connection")?;
    Ok(())
}

/// The Autotask connection as a page may show it.
pub async fn autotask_connection_summary(
    db: &DatabaseConnection,
    reseller: ResellerId,
) -> anyhow::Result<Option<AutotaskConnectionSummary>> {
    let row = db::connections::find_autotask_connection(db, reseller)
        .await
        .context("reading the Autotask connection")?;
    Ok(row.map(|row| AutotaskConnectionSummary {
        api_url: row.api_url,
        username: row.username,
        integration_code: row.integration_code,
        has_secret: !row.secret_ciphertext.is_empty(),
        zone_url: row.zone_url,
        test_result: row.test_result,
    }))
}

/// The marketplace connection as a page may show it.
pub async fn marketplace_connection_summary(
    db: &DatabaseConnection,
    reseller: ResellerId,
) -> anyhow::Result<Option<MarketplaceConnectionSummary>> {
    let row = db::connections::find_marketplace_connection(db, reseller)
        .await
        .context("reading the marketplace connection")?;
    Ok(row.map(|row| MarketplaceConnectionSummary {
        base_url: row.base_url,
        marketplace_code: row.marketplace_code,
        username: row.username,
        has_password: !row.password_ciphertext.is_empty(),
        has_subscription_key: !row.subscription_key_ciphertext.is_empty(),
    }))
}

/// The decrypted Autotask secret, for the client only.
pub async fn autotask_secret(
    db: &DatabaseConnection,
    key: &MasterKey,
    reseller: ResellerId,
) -> anyhow::Result<Option<SecretString>> {
    let row = db::connections::find_autotask_connection(db, reseller)
        .await
        .context("reading the Autotask connection")?;
    row.map(|row| key.open(&row.secret_ciphertext))
        .transpose()
        .context("opening the Autotask secret")
}

/// Autotask's own entry point for zone discovery.
pub const AUTOTASK_ENTRY_URL: &str = "https://webservices.autotask.net/atservicesrest";

/// A client for the reseller's Autotask, or `None` when no connection is set up. A stored URL
/// that starts with `/` is on this service itself (the built-in sandbox) and is resolved
/// against `self_url`, so the demo keeps working when the port changes.
pub async fn autotask_client(
    db: &DatabaseConnection,
    key: &MasterKey,
    reseller: ResellerId,
    self_url: &str,
) -> anyhow::Result<Option<AutotaskClient>> {
    let Some(row) = db::connections::find_autotask_connection(db, reseller)
        .await
        .context("reading the Autotask connection")?
    else {
        return Ok(None);
    };
    let secret = key
        .open(&row.secret_ciphertext)
        .context("opening the Autotask secret")?;
    let entry = match row.api_url.as_deref() {
        Some(relative) if relative.starts_with('/') => {
            format!("{}{relative}", self_url.trim_end_matches('/'))
        }
        Some(url) => url.to_owned(),
        None => AUTOTASK_ENTRY_URL.to_owned(),
    };
    let config = AutotaskConfig::new(&entry, &row.username, secret, &row.integration_code);
    Ok(Some(AutotaskClient::new(config)?))
}

/// The outcome of the settings page's Autotask **Test** button.
#[derive(Debug, Clone, PartialEq)]
pub enum ConnectionTest {
    Connected(ConnectionReport),
    Failed(String),
    NotSetUp,
}

/// Tests the Autotask connection and records the outcome (zone, time, result).
pub async fn test_autotask_connection(
    db: &DatabaseConnection,
    key: &MasterKey,
    reseller: ResellerId,
    self_url: &str,
) -> anyhow::Result<ConnectionTest> {
    let Some(client) = autotask_client(db, key, reseller, self_url).await? else {
        return Ok(ConnectionTest::NotSetUp);
    };
    let outcome = match client.test_connection().await {
        Ok(report) => ConnectionTest::Connected(report),
        Err(e) => ConnectionTest::Failed(e.to_string()),
    };
    let (zone, text) = match &outcome {
        ConnectionTest::Connected(r) => (
            Some(r.zone_url.clone()),
            format!(
                "Connected to zone {} as {}; {} of {} requests used this hour.",
                r.zone_name, r.api_user, r.used, r.threshold
            ),
        ),
        ConnectionTest::Failed(message) => (None, format!("Failed: {message}")),
        ConnectionTest::NotSetUp => (None, String::new()),
    };
    db::connections::record_autotask_test(db, reseller, zone, &text)
        .await
        .context("recording the connection test")?;
    Ok(outcome)
}

/// Resolves a stored address: one starting with `/` is on this service (a built-in sandbox).
fn resolve(url: &str, self_url: &str) -> String {
    if url.starts_with('/') {
        format!("{}{url}", self_url.trim_end_matches('/'))
    } else {
        url.to_owned()
    }
}

/// A client for the reseller's marketplace, or `None` when no connection is set up.
pub async fn marketplace_client(
    db: &DatabaseConnection,
    key: &MasterKey,
    reseller: ResellerId,
    self_url: &str,
) -> anyhow::Result<Option<MarketplaceClient>> {
    let Some(row) = db::connections::find_marketplace_connection(db, reseller)
        .await
        .context("reading the marketplace connection")?
    else {
        return Ok(None);
    };
    let password = key
        .open(&row.password_ciphertext)
        .context("opening the marketplace password")?;
    let subscription_key = key
        .open(&row.subscription_key_ciphertext)
        .context("opening the subscription key")?;
    let config = MarketplaceConfig::new(
        &resolve(&row.base_url, self_url),
        &row.marketplace_code,
        &row.username,
        password,
        subscription_key,
    );
    Ok(Some(MarketplaceClient::new(config)?))
}

/// Tests the marketplace connection: a token and one page of the catalogue.
pub async fn test_marketplace_connection(
    db: &DatabaseConnection,
    key: &MasterKey,
    reseller: ResellerId,
    self_url: &str,
) -> anyhow::Result<Result<String, String>> {
    let Some(client) = marketplace_client(db, key, reseller, self_url).await? else {
        return Ok(Err("Save the marketplace connection first.".to_owned()));
    };
    Ok(match client.products().await {
        Ok(products) => Ok(format!(
            "The marketplace answered: {} products in the catalogue.",
            products.len()
        )),
        Err(e) => Err(format!("The marketplace connection does not work: {e}")),
    })
}
