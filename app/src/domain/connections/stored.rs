//! Saving and showing a reseller's connections. Secrets are sealed before they are stored and are
//! never handed back to a page: summaries only say whether one is set.

use anyhow::Context;
use sea_orm::DatabaseConnection;
use secrecy::{ExposeSecret, SecretString};

use chrono::Utc;

use super::registry::Connections;
use crate::autotask::{AutotaskError, ConnectionReport};
use crate::crypto::MasterKey;
use crate::db;
use crate::marketplace::MarketplaceError;
use crate::model::{
    connection::{StoredAutotaskConnection, StoredMarketplaceConnection},
    ids::ResellerId,
};

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
        (Some(secret), _) => key.seal(&secret).context("sealing the API secret")?,
        (None, Some(existing)) => existing.secret_ciphertext,
        (None, None) => return Err(ConnectionError::Missing("The API secret")),
    };
    db::connections::upsert_autotask_connection(
        db,
        reseller,
        &StoredAutotaskConnection {
            api_url: input
                .api_url
                .map(|u| u.trim().trim_end_matches('/').to_owned())
                .filter(|u| !u.is_empty()),
            username,
            integration_code,
            secret_ciphertext,
            zone_url: None,
            test_result: None,
            updated_at: Utc::now(),
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
        (Some(secret), _) => key.seal(&secret).context("sealing the password")?,
        (None, Some(existing)) => existing.password_ciphertext.clone(),
        (None, None) => return Err(ConnectionError::Missing("The password")),
    };
    let subscription_key_ciphertext = match (non_empty(input.subscription_key), &existing) {
        (Some(secret), _) => key.seal(&secret).context("sealing the subscription key")?,
        (None, Some(existing)) => existing.subscription_key_ciphertext.clone(),
        (None, None) => return Err(ConnectionError::Missing("The subscription key")),
    };
    db::connections::upsert_marketplace_connection(
        db,
        reseller,
        &StoredMarketplaceConnection {
            base_url,
            marketplace_code,
            username,
            password_ciphertext,
            subscription_key_ciphertext,
            test_result: None,
            updated_at: Utc::now(),
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
    connections: &Connections,
    reseller: ResellerId,
) -> anyhow::Result<ConnectionTest> {
    let Some(client) = connections.autotask(reseller).await? else {
        return Ok(ConnectionTest::NotSetUp);
    };
    let outcome = match client.test_connection().await {
        Ok(report) => ConnectionTest::Connected(report),
        Err(e) => {
            tracing::warn!(reseller = reseller.0, error = %e, "the Autotask connection test failed");
            ConnectionTest::Failed(autotask_failure(&e))
        }
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

/// Tests the marketplace connection: a token and one page of the catalogue.
pub async fn test_marketplace_connection(
    connections: &Connections,
    reseller: ResellerId,
) -> anyhow::Result<Result<String, String>> {
    let Some(client) = connections.marketplace(reseller).await? else {
        return Ok(Err("Save the marketplace connection first.".to_owned()));
    };
    Ok(match client.products().await {
        Ok(products) => Ok(format!(
            "The marketplace answered: {} products in the catalogue.",
            products.items.len() + products.unreadable.len()
        )),
        Err(e) => {
            tracing::warn!(reseller = reseller.0, error = %e, "the marketplace connection test failed");
            Err(format!(
                "The marketplace connection does not work: {}",
                marketplace_failure(&e)
            ))
        }
    })
}

/// What a failed Autotask call means for the person who made it, with a stable code; what
/// Autotask itself said goes to the server log only.
pub fn autotask_failure(error: &AutotaskError) -> String {
    match error {
        AutotaskError::Auth(_) => "Autotask refused the credentials: check the API user, the secret and the integration code. (ATC01)",
        AutotaskError::Permission(_) => "The API user lacks a permission in Autotask: give its security level access to contracts and services. (ATC02)",
        AutotaskError::RateLimited(_) | AutotaskError::ThreadLimited(_) => "Autotask asks to slow down: try again in a minute. (ATC03)",
        AutotaskError::Transient(_) => "Autotask could not be reached or did not answer in time: check the API address, or try again later. (ATC04)",
        AutotaskError::Decode(_) | AutotaskError::NotFound => "The API address does not answer as Autotask does: check it. (ATC05)",
        AutotaskError::BusinessRule(_) => "Autotask refused the request; the server log has its reason. (ATC06)",
    }
    .to_owned()
}

/// What a failed marketplace call means for the person who made it, with a stable code.
pub fn marketplace_failure(error: &MarketplaceError) -> String {
    match error {
        MarketplaceError::Auth(_) => "the marketplace refused the credentials: check the user name, password, subscription key and marketplace code. (MPC01)",
        MarketplaceError::RateLimited(_) => "the marketplace asks to slow down: try again in a minute. (MPC03)",
        MarketplaceError::Transient(_) => "the marketplace could not be reached or did not answer in time: check the URL, or try again later. (MPC04)",
        MarketplaceError::Decode(_) | MarketplaceError::Unreadable(_) | MarketplaceError::NotFound => "the URL does not answer as the marketplace does: check it. (MPC05)",
        MarketplaceError::Rejected { .. } => "the marketplace refused the request: check the marketplace code. (MPC06)",
    }
    .to_owned()
}
