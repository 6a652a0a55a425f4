//! Builds the application (database, migrations, job queue, HTTP server) and runs it until a
//! shutdown signal, then lets in-flight requests and jobs finish.

use std::{net::TcpListener, sync::Arc, time::Duration};

use actix_session::{
    SessionMiddleware, config::CookieContentSecurity, storage::CookieSessionStore,
};
use actix_web::{
    App, HttpServer,
    body::MessageBody,
    cookie::{Key, SameSite},
    dev::{Server, ServiceRequest, ServiceResponse},
    middleware::{ErrorHandlerResponse, ErrorHandlers, Next, from_fn},
    web,
};
use anyhow::Context;
use apalis::prelude::Monitor;
use tokio::sync::broadcast;
use tracing_actix_web::TracingLogger;

use crate::config::Settings;
use crate::crypto::MasterKey;
use crate::db;
use crate::domain::accounts::{self, DemoLogin};
use crate::domain::connections::{self, AutotaskConnectionInput, MarketplaceConnectionInput};
use crate::jobs::Queues;
use crate::metrics::Metrics;
use crate::routes::{self, csrf::verify_csrf, errors};
use crate::sandbox::{self, autotask::AutotaskSandbox, marketplace::MarketplaceSandbox};
use crate::sandbox::{autotask::seed, marketplace::seed as mp_seed};
use crate::state::AppState;

pub struct Application {
    port: u16,
    autotask_sandbox: web::Data<AutotaskSandbox>,
    marketplace_sandbox: web::Data<MarketplaceSandbox>,
    server: Server,
    monitor: Monitor,
    state: Arc<AppState>,
    shutdown_timeout: Duration,
    /// Set when this start created the demo reseller.
    pub demo_login: Option<DemoLogin>,
}

impl Application {
    pub async fn build(settings: &Settings) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&settings.data_dir).with_context(|| {
            format!(
                "creating the data directory {}",
                settings.data_dir.display()
            )
        })?;
        let database_url = settings.database_url();
        let db = db::connect(&database_url).await?;
        db::migrate(&db).await?;
        let key = MasterKey::load_or_create(settings.master_key.as_ref(), &settings.data_dir)?;
        let demo_login = if settings.create_demo {
            create_demo(&db, &key).await?
        } else {
            None
        };
        let listener = TcpListener::bind(&settings.bind)
            .with_context(|| format!("binding {}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let queues = Queues::connect(&database_url, &settings.data_dir).await?;
        let (events, _) = broadcast::channel(1024);
        let state = Arc::new(AppState {
            db,
            key,
            queues,
            events,
            metrics: Metrics::new()?,
            self_url: format!("http://127.0.0.1:{port}"),
        });

        let autotask_sandbox = web::Data::new(
            AutotaskSandbox::open(&settings.data_dir).context("opening the Autotask sandbox")?,
        );
        let marketplace_sandbox = web::Data::new(
            MarketplaceSandbox::open(&settings.data_dir)
                .context("opening the marketplace sandbox")?,
        );
        let sandboxes = Sandboxes {
            autotask: autotask_sandbox.clone(),
            marketplace: marketplace_sandbox.clone(),
        };
        let server = http_server(listener, state.clone(), sandboxes, settings)?;
        let monitor = state
            .queues
            .monitor(state.clone())
            .shutdown_timeout(Duration::from_secs(settings.shutdown_timeout_secs));
        Ok(Self {
            port,
            autotask_sandbox,
            marketplace_sandbox,
            server,
            monitor,
            state,
            shutdown_timeout: Duration::from_secs(settings.shutdown_timeout_secs),
            demo_login,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> Arc<AppState> {
        self.state.clone()
    }

    /// The marketplace emulator this app serves.
    pub fn marketplace_sandbox(&self) -> Arc<MarketplaceSandbox> {
        self.marketplace_sandbox.clone().into_inner()
    }

    /// The Autotask emulator this app serves (tests switch its faults).
    pub fn autotask_sandbox(&self) -> Arc<AutotaskSandbox> {
        self.autotask_sandbox.clone().into_inner()
    }

    /// Serves until `shutdown` resolves (or the server stops), then stops taking requests, lets
    /// running requests and jobs finish (up to the shutdown timeout) and returns.
    pub async fn run_until(self, shutdown: impl Future<Output = ()>) -> anyhow::Result<()> {
        let handle = self.server.handle();
        let (stop_jobs, jobs_stopped) = tokio::sync::oneshot::channel::<()>();
        let monitor = tokio::spawn(self.monitor.run_with_signal(async move {
            let _ = jobs_stopped.await;
            Ok(())
        }));
        let mut server = tokio::spawn(self.server);
        tokio::select! {
            () = shutdown => {},
            result = &mut server => {
                result.context("the HTTP server task failed")?.context("the HTTP server failed")?;
            }
        }
        tracing::info!("shutting down: finishing running requests and jobs");
        let _ = stop_jobs.send(());
        handle.stop(true).await;
        match tokio::time::timeout(self.shutdown_timeout + Duration::from_secs(1), monitor).await {
            Ok(joined) => joined
                .context("the job monitor task failed")?
                .map_err(|e| anyhow::anyhow!("the job monitor failed: {e}"))?,
            Err(_) => tracing::warn!("jobs did not finish within the shutdown timeout"),
        }
        tracing::info!("stopped");
        Ok(())
    }
}

/// The emulators the server mounts under `/sandbox`.
#[derive(Clone)]
struct Sandboxes {
    autotask: web::Data<AutotaskSandbox>,
    marketplace: web::Data<MarketplaceSandbox>,
}

fn http_server(
    listener: TcpListener,
    state: Arc<AppState>,
    sandboxes: Sandboxes,
    settings: &Settings,
) -> anyhow::Result<Server> {
    let session_key = Key::derive_from(state.key.as_bytes());
    let secure = settings.secure_cookies;
    let data = web::Data::from(state);
    let server = HttpServer::new(move || {
        let session =
            SessionMiddleware::builder(CookieSessionStore::default(), session_key.clone())
                .cookie_name("psa_sync_session".into())
                .cookie_content_security(CookieContentSecurity::Private)
                .cookie_secure(secure)
                .cookie_http_only(true)
                .cookie_same_site(SameSite::Lax)
                .build();
        App::new()
            .app_data(data.clone())
            .app_data(web::FormConfig::default().error_handler(|e, _| errors::bad_input(e)))
            .app_data(
                web::PathConfig::default().error_handler(|_, _| errors::AppError::NotFound.into()),
            )
            .wrap(from_fn(verify_csrf))
            .wrap(session)
            .wrap(ErrorHandlers::new().default_handler(friendly_error_page))
            .wrap(from_fn(record_metrics))
            .wrap(TracingLogger::default())
            .configure(|cfg| sandbox::autotask::configure(cfg, sandboxes.autotask.clone()))
            .configure(|cfg| sandbox::marketplace::configure(cfg, sandboxes.marketplace.clone()))
            .configure(routes::configure)
            .default_service(web::to(|| async {
                errors::status_page(actix_web::http::StatusCode::NOT_FOUND)
            }))
    })
    .listen(listener)?
    .disable_signals()
    .shutdown_timeout(settings.shutdown_timeout_secs)
    .run();
    Ok(server)
}

/// Replaces a bare error response from actix itself (no HTML body) with a friendly page.
fn friendly_error_page<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_html = res
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html || res.request().path().starts_with("/sandbox/") {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let (req, _) = res.into_parts();
    let page = errors::status_page(status);
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, page).map_into_right_body(),
    ))
}

async fn record_metrics(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let method = req.method().to_string();
    let route = req.match_pattern().unwrap_or_else(|| "unmatched".into());
    let metrics = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.metrics.clone());
    let started = std::time::Instant::now();
    let res = next.call(req).await?;
    let status = res.status().as_u16();
    if let Some(metrics) = metrics {
        metrics.record_request(&method, &route, status);
    }
    tracing::info!(%method, %route, status, elapsed_ms = started.elapsed().as_millis() as u64, "request");
    Ok(res)
}

/// On an empty database: the demo reseller, its admin, and its connection to the built-in
/// Autotask sandbox, so a newcomer can work without any credentials.
async fn create_demo(
    db: &sea_orm::DatabaseConnection,
    key: &MasterKey,
) -> anyhow::Result<Option<DemoLogin>> {
    let Some(demo) = accounts::ensure_demo_reseller(db).await? else {
        return Ok(None);
    };
    let input = AutotaskConnectionInput {
        api_url: Some(SANDBOX_AUTOTASK_PATH.to_owned()),
        username: seed::API_USER.to_owned(),
        integration_code: seed::INTEGRATION_CODE.to_owned(),
        secret: Some(secrecy::SecretString::from(seed::API_SECRET)),
    };
    connections::save_autotask_connection(db, key, demo.reseller_id, input)
        .await
        .map_err(|e| {
            anyhow::anyhow!("connecting the demo reseller to the Autotask sandbox: {e}")
        })?;
    let marketplace = MarketplaceConnectionInput {
        base_url: SANDBOX_MARKETPLACE_PATH.to_owned(),
        marketplace_code: mp_seed::MARKETPLACE.to_owned(),
        username: mp_seed::USERNAME.to_owned(),
        password: Some(secrecy::SecretString::from(mp_seed::PASSWORD)),
        subscription_key: Some(secrecy::SecretString::from(mp_seed::SUBSCRIPTION_KEY)),
    };
    connections::save_marketplace_connection(db, key, demo.reseller_id, marketplace)
        .await
        .map_err(|e| {
            anyhow::anyhow!("connecting the demo reseller to the marketplace sandbox: {e}")
        })?;
    Ok(Some(demo))
}

/// The built-in marketplace sandbox's base URL, relative to this service.
pub const SANDBOX_MARKETPLACE_PATH: &str = "/sandbox/marketplace";

/// The built-in Autotask sandbox's entry point, relative to this service.
pub const SANDBOX_AUTOTASK_PATH: &str = "/sandbox/autotask/atservicesrest";

/// Registers SIGTERM and SIGINT handlers now and returns a future that resolves on either.
/// Registering before returning means a signal sent right after this call is never missed.
pub fn shutdown_signal() -> anyhow::Result<impl Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).context("listening for SIGTERM")?;
    let mut int = signal(SignalKind::interrupt()).context("listening for SIGINT")?;
    Ok(async move {
        tokio::select! {
            _ = term.recv() => tracing::info!("SIGTERM received"),
            _ = int.recv() => tracing::info!("SIGINT received"),
        }
    })
}
