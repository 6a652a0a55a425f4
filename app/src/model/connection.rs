//! A reseller's connections to Autotask and the marketplace, as stored (secrets sealed).

use chrono::{DateTime, Utc};

/// The Autotask connection of a reseller; the secret is sealed under the master key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAutotaskConnection {
    /// Where zone discovery starts; `None` means Autotask's own entry point, a value starting
    /// with `/` is on this service (the built-in sandbox).
    pub api_url: Option<String>,
    pub username: String,
    pub integration_code: String,
    pub secret_ciphertext: String,
    pub zone_url: Option<String>,
    pub test_result: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// The marketplace connection of a reseller; password and key are sealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMarketplaceConnection {
    pub base_url: String,
    pub marketplace_code: String,
    pub username: String,
    pub password_ciphertext: String,
    pub subscription_key_ciphertext: String,
    pub test_result: Option<String>,
    pub updated_at: DateTime<Utc>,
}
