//! Test support: `spawn_app()` gives each test its own app on a random port with a fresh
//! database (a temporary SQLite file, or a new PostgreSQL database when `TEST_DATABASE_URL` is
//! set) and a typed client that keeps cookies and carries the form token.

use std::{sync::Arc, time::Duration};

use psa_sync::{
    autotask::{AutotaskClient, AutotaskConfig},
    config::Settings,
    domain::{
        accounts::{self, Email, Role},
        check_changes::{self, CheckFailure, CheckOutcome, RunResult},
    },
    marketplace::{MarketplaceClient, MarketplaceConfig},
    model::{check_run::Trigger, ids::ResellerId},
    queue::JobEvent,
    sandbox::autotask::{AutotaskSandbox, seed},
    sandbox::marketplace::{MarketplaceSandbox, seed as mp_seed},
    startup::Application,
    state::AppState,
};
use reqwest::{StatusCode, redirect::Policy};
use sea_orm::DatabaseConnection;
use secrecy::SecretString;
use tempfile::TempDir;
use tokio::{sync::oneshot, task::JoinHandle};

pub mod autotask;
pub mod browser;
pub mod engine;
pub mod forms;
pub mod node;
pub mod orders;
pub mod postgres;

pub struct TestApp {
    pub address: String,
    pub autotask_sandbox: Arc<AutotaskSandbox>,
    pub marketplace_sandbox: Arc<MarketplaceSandbox>,
    pub settings: Settings,
    pub state: Arc<AppState>,
    pub data_dir: Arc<TempDir>,
    stop: Option<oneshot::Sender<()>>,
    running: Option<JoinHandle<anyhow::Result<()>>>,
}

/// Settings for a test: random port, its own data directory and database, no demo, no signals.
pub async fn test_settings(data_dir: &TempDir) -> Settings {
    Settings {
        bind: "127.0.0.1:0".into(),
        data_dir: data_dir.path().to_path_buf(),
        database_url: postgres::fresh_database_url().await,
        create_demo: false,
        handle_signals: false,
        shutdown_timeout_secs: 10,
        log_level: std::env::var("TEST_LOG").unwrap_or_else(|_| "error".into()),
        loopback_only: true,
        ..Settings::default()
    }
}

pub async fn spawn_app() -> TestApp {
    let data_dir = Arc::new(tempfile::tempdir().expect("temporary directory"));
    let settings = test_settings(&data_dir).await;
    spawn_app_with(settings, data_dir).await
}

/// Starts an app on existing settings (e.g. again on the same data, to test a restart).
pub async fn spawn_app_with(settings: Settings, data_dir: Arc<TempDir>) -> TestApp {
    psa_sync::telemetry::init(&settings.log_level, "text");
    let app = Application::build(&settings).await.expect("the app builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let state = app.state();
    let autotask_sandbox = app
        .autotask_sandbox()
        .expect("tests run with the sandboxes on");
    let marketplace_sandbox = app
        .marketplace_sandbox()
        .expect("tests run with the sandboxes on");
    let (stop, stopped) = oneshot::channel::<()>();
    let running = tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    TestApp {
        address,
        autotask_sandbox,
        marketplace_sandbox,
        settings,
        state,
        data_dir,
        stop: Some(stop),
        running: Some(running),
    }
}

impl TestApp {
    pub fn db(&self) -> &DatabaseConnection {
        &self.state.db
    }

    /// Stops the app as SIGTERM would, waiting for running jobs.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.running.take() {
            Some(running) => running.await?,
            None => Ok(()),
        }
    }

    /// A new user of the named reseller; returns a signed-out client for them.
    pub async fn user(&self, reseller: &str, role: Role) -> TestUser {
        let email = format!(
            "{}@{}.test",
            uuid::Uuid::new_v4().simple(),
            reseller.to_lowercase().replace(' ', "-")
        );
        let password = "correct horse battery".to_owned();
        let (reseller_id, _) = accounts::add_user(
            self.db(),
            reseller,
            &Email::parse(&email).unwrap(),
            role,
            &SecretString::from(password.clone()),
        )
        .await
        .expect("user added");
        TestUser {
            email,
            password,
            reseller_id,
            client: Client::new(&self.address),
        }
    }

    /// A signed-in client for a new user.
    pub async fn signed_in(&self, reseller: &str, role: Role) -> TestUser {
        let user = self.user(reseller, role).await;
        let page = user.client.login(&user.email, &user.password).await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "login failed: {}",
            page.body
        );
        user
    }

    /// The sandbox's Autotask entry URL (where zone discovery starts).
    pub fn autotask_entry_url(&self) -> String {
        format!("{}/sandbox/autotask/atservicesrest", self.address)
    }

    /// Settings for a client of the sandbox's API user: short timeouts, quick retries, no pacing.
    pub fn autotask_config(&self) -> AutotaskConfig {
        let mut config = AutotaskConfig::new(
            &self.autotask_entry_url(),
            seed::API_USER,
            SecretString::from(seed::API_SECRET),
            seed::INTEGRATION_CODE,
        );
        config.timeout = Duration::from_secs(5);
        config.retry_base = Duration::from_millis(10);
        config.max_retry_after = Duration::from_secs(2);
        config.pace_scale = 0.0;
        config
    }

    /// A client of the marketplace sandbox with the seed's API user: short timeouts, quick retries.
    pub fn marketplace_config(&self) -> MarketplaceConfig {
        let mut config = MarketplaceConfig::new(
            &format!("{}/sandbox/marketplace", self.address),
            mp_seed::MARKETPLACE,
            mp_seed::USERNAME,
            SecretString::from(mp_seed::PASSWORD),
            SecretString::from(mp_seed::SUBSCRIPTION_KEY),
        );
        config.timeout = Duration::from_secs(5);
        config.retry_base = Duration::from_millis(10);
        config.max_retry_after = Duration::from_secs(2);
        config
    }

    pub fn marketplace_client(&self) -> MarketplaceClient {
        MarketplaceClient::new(self.marketplace_config()).expect("client")
    }

    pub fn autotask_client(&self) -> AutotaskClient {
        AutotaskClient::new(self.autotask_config()).expect("client")
    }

    /// Runs Check Changes for a reseller now, with the given client, as a run of its own.
    pub async fn check_changes(
        &self,
        reseller: ResellerId,
        client: &MarketplaceClient,
    ) -> Result<CheckOutcome, CheckFailure> {
        self.check_changes_at(reseller, client, chrono::Utc::now())
            .await
    }

    /// Runs Check Changes as if it were `now` (its window ends there).
    pub async fn check_changes_at(
        &self,
        reseller: ResellerId,
        client: &MarketplaceClient,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<CheckOutcome, CheckFailure> {
        let run =
            check_changes::request_run(self.db(), reseller, Trigger::Manual, chrono::Utc::now())
                .await
                .expect("run recorded");
        match check_changes::run_requested_with(
            self.db(),
            client,
            reseller,
            run,
            &self.state.node,
            now,
            |_| {},
        )
        .await?
        {
            RunResult::Finished(outcome) => Ok(outcome),
            RunResult::AlreadyHandled => panic!("a fresh run was taken by someone else"),
        }
    }

    /// Waits (without sleeping) for the next job to finish and says whether it succeeded.
    pub fn job_events(&self) -> tokio::sync::broadcast::Receiver<JobEvent> {
        self.state.events.subscribe()
    }
}

pub struct TestUser {
    pub email: String,
    pub password: String,
    pub reseller_id: ResellerId,
    pub client: Client,
}

/// A response as a test needs it.
#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub content_type: String,
    pub body: String,
}

impl Page {
    pub fn csrf_token(&self) -> Option<String> {
        let marker = "name=\"csrf_token\" value=\"";
        let start = self.body.find(marker)? + marker.len();
        let end = self.body[start..].find('"')? + start;
        Some(self.body[start..end].to_owned())
    }
}

/// An HTTP client with a cookie jar that never follows redirects (tests look at them).
pub struct Client {
    pub base: String,
    http: reqwest::Client,
}

impl Client {
    pub fn new(base: &str) -> Self {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .expect("client");
        Self {
            base: base.to_owned(),
            http,
        }
    }

    async fn page(response: reqwest::Response) -> Page {
        let status = response.status();
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = response.text().await.expect("body");
        Page {
            status,
            location,
            content_type,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Page {
        let response = self
            .http
            .get(format!("{}{}", self.base, path))
            .send()
            .await
            .expect("GET");
        Self::page(response).await
    }

    /// The session's form token, read from a page that carries one.
    pub async fn csrf_token(&self) -> String {
        for path in ["/settings", "/tasks", "/login"] {
            if let Some(token) = self.get(path).await.csrf_token() {
                return token;
            }
        }
        panic!("no page carried a form token")
    }

    /// POSTs a form with the session's form token.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.csrf_token().await;
        let mut fields: Vec<(&str, &str)> = fields.to_vec();
        fields.push(("csrf_token", &token));
        self.post_form_raw(path, &fields).await
    }

    /// POSTs fields as a page's form holds them (`forms::form_fields`), token included.
    pub async fn post_fields(&self, path: &str, fields: &[(String, String)]) -> Page {
        let fields: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        self.post_form_raw(path, &fields).await
    }

    /// POSTs a form exactly as given (no form token added).
    pub async fn post_form_raw(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let response = self
            .http
            .post(format!("{}{}", self.base, path))
            .form(fields)
            .send()
            .await
            .expect("POST");
        Self::page(response).await
    }

    pub async fn login(&self, email: &str, password: &str) -> Page {
        self.post_form("/login", &[("email", email), ("password", password)])
            .await
    }
}

impl TestApp {
    /// One request to the Autotask sandbox's REST API as its API user, without the client, to
    /// see exactly what the sandbox answers. `path` follows `/ATServicesRest/V1.0/`.
    pub async fn autotask_raw(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (StatusCode, serde_json::Value) {
        let mut request = reqwest::Client::new()
            .request(
                method,
                format!(
                    "{}/sandbox/autotask/ATServicesRest/V1.0/{path}",
                    self.address
                ),
            )
            .header("ApiIntegrationCode", seed::INTEGRATION_CODE)
            .header("UserName", seed::API_USER)
            .header("Secret", seed::API_SECRET);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("the sandbox answers");
        let status = response.status();
        let text = response.text().await.expect("a body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
        )
    }
}
