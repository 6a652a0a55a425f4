//! Settings: built-in defaults, then an optional `psa-sync.toml`, then the environment
//! (`PSA_SYNC_*`, and `DATABASE_URL` on its own).

use std::path::{Path, PathBuf};

use figment::{
    Figment,
    providers::{Env, Format, Serialized, Toml},
};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct Settings {
    /// Address the HTTP server listens on.
    pub bind: String,
    /// Where the SQLite database, the job queue and the master key file live.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; empty means `<data_dir>/psa-sync.db`.
    pub database_url: Option<String>,
    /// Base64 of 32 bytes; when absent a key file is created in the data directory.
    #[serde(skip_serializing)]
    pub master_key: Option<SecretString>,
    /// A `tracing` filter, e.g. `info` or `psa_sync=debug,info`.
    pub log_level: String,
    /// `text` or `json`.
    pub log_format: String,
    /// Create a demo reseller with an admin login when the database is empty.
    pub create_demo: bool,
    /// Listen for SIGINT/SIGTERM (tests drive shutdown themselves).
    pub handle_signals: bool,
    /// Seconds in-flight jobs are given to finish on shutdown.
    pub shutdown_timeout_secs: u64,
    /// Mark the session cookie `Secure` (enable behind HTTPS).
    pub secure_cookies: bool,
    /// Serve the built-in Autotask and marketplace sandboxes under `/sandbox/` (the demo). Off in
    /// production: every `/sandbox/...` path then answers 404.
    pub sandboxes: bool,
    /// Let the clients reach only 127.0.0.1: any other address is sent to a closed local port
    /// instead (the tests, so a connection saved without an address never reaches the real
    /// Autotask or marketplace).
    pub loopback_only: bool,
    /// When set, `/metrics` answers only requests with `Authorization: Bearer <this token>`
    /// (`PSA_SYNC_METRICS_TOKEN`).
    #[serde(skip_serializing)]
    pub metrics_token: Option<SecretString>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            master_key: None,
            log_level: "info".into(),
            log_format: "text".into(),
            create_demo: true,
            handle_signals: true,
            shutdown_timeout_secs: 30,
            secure_cookies: false,
            sandboxes: true,
            loopback_only: false,
            metrics_token: None,
        }
    }
}

impl Settings {
    /// Loads the settings: defaults, then `config_file` (if it exists), then the environment.
    pub fn load(config_file: &Path) -> Result<Self, Box<figment::Error>> {
        let settings: Settings = Figment::from(Serialized::defaults(Settings::default()))
            .merge(Toml::file(config_file))
            .merge(Env::prefixed("PSA_SYNC_"))
            .merge(Env::raw().only(&["DATABASE_URL"]))
            .extract()
            .map_err(Box::new)?;
        Ok(settings.normalised())
    }

    fn normalised(mut self) -> Self {
        if self
            .database_url
            .as_deref()
            .is_some_and(|u| u.trim().is_empty())
        {
            self.database_url = None;
        }
        self
    }

    /// The database URL in force: the configured one or the SQLite file in the data directory.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}", self.data_dir.join("psa-sync.db").display()),
        }
    }

    pub fn uses_postgres(&self) -> bool {
        is_postgres_url(&self.database_url())
    }
}

pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}
