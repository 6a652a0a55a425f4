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
use crate::domain::check_changes;
use crate::domain::connections::{
    self, AutotaskConnectionInput, Connections, MarketplaceConnectionInput,
};
use crate::jobs;
use crate::metrics::Metrics;
use crate::queue::Queues;
use crate::routes::{self, csrf::verify_csrf, errors};
use crate::sandbox::{self, autotask::AutotaskSandbox, marketplace::MarketplaceSandbox};
use crate::sandbox::{autotask::seed, marketplace::seed as mp_seed};
use crate::state::AppState;

pub struct Application {
    port: u16,
    sandboxes: Option<Sandboxes>,
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
        let node = node_name(&settings.data_dir)?;
        let given_up = check_changes::give_up_abandoned_runs(&db, &node, chrono::Utc::now())
            .await
            .context("giving up runs this node left unfinished")?;
        if given_up > 0 {
            tracing::warn!(
                given_up,
                "Check Changes runs left unfinished by the last stop were marked failed"
            );
        }
        let demo_login = if settings.create_demo {
            create_demo(&db, &key, settings.sandboxes).await?
        } else {
            None
        };
        let listener = TcpListener::bind(&settings.bind)
            .with_context(|| format!("binding {}", settings.bind))?;
        let address = listener.local_addr()?;
        let port = address.port();
        let queues = Queues::connect(&database_url, &settings.data_dir, &node).await?;
        let (events, _) = broadcast::channel(1024);
        let self_url = format!("http://127.0.0.1:{port}");
        let mut connections = Connections::new(db.clone(), key.clone(), self_url.clone());
        if settings.loopback_only {
            connections = connections
                .tune_autotask(Arc::new(|c| c.entry_url = loopback(&c.entry_url)))
                .tune_marketplace(Arc::new(|c| c.base_url = loopback(&c.base_url)));
        }
        let state = Arc::new(AppState {
            connections,
            db,
            key,
            queues,
            events,
            metrics: Metrics::new()?,
            metrics_token: settings.metrics_token.clone(),
            self_url,
            node,
        });

        let sandboxes = if settings.sandboxes {
            if !address.ip().is_loopback() {
                tracing::warn!(
                    %address,
                    "the built-in sandboxes are on and the service listens beyond this machine: anyone who reaches it can use them (their control endpoints answer only this machine). Set PSA_SYNC_SANDBOXES=false in production."
                );
            }
            Some(Sandboxes {
                autotask: web::Data::new(
                    AutotaskSandbox::open(&settings.data_dir)
                        .context("opening the Autotask sandbox")?,
                ),
                marketplace: web::Data::new(
                    MarketplaceSandbox::open(&settings.data_dir)
                        .context("opening the marketplace sandbox")?,
                ),
            })
        } else {
            None
        };
        // Tasks this node was applying when it stopped are queued again, and every reseller
        // with queued work gets a job (the queue may have lost it with the process).
        for (reseller, task) in
            crate::domain::sync::recover_abandoned(&state.db, &state.node, chrono::Utc::now())
                .await?
        {
            jobs::apply_task::queue(&state, reseller, task).await?;
        }
        let server = http_server(listener, state.clone(), sandboxes.clone(), settings)?;
        let monitor = jobs::monitor(state.clone())
            .shutdown_timeout(Duration::from_secs(settings.shutdown_timeout_secs));
        Ok(Self {
            port,
            sandboxes,
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

    /// The marketplace emulator this app serves, when the sandboxes are on.
    pub fn marketplace_sandbox(&self) -> Option<Arc<MarketplaceSandbox>> {
        self.sandboxes
            .as_ref()
            .map(|s| s.marketplace.clone().into_inner())
    }

    /// The Autotask emulator this app serves (tests switch its faults), when the sandboxes are on.
    pub fn autotask_sandbox(&self) -> Option<Arc<AutotaskSandbox>> {
        self.sandboxes
            .as_ref()
            .map(|s| s.autotask.clone().into_inner())
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
    sandboxes: Option<Sandboxes>,
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
            .wrap(security_headers())
            .wrap(from_fn(sandbox::guard::control_from_this_machine_only))
            .wrap(session)
            .wrap(ErrorHandlers::new().default_handler(friendly_error_page))
            .wrap(from_fn(record_metrics))
            .wrap(TracingLogger::default())
            .configure(|cfg| {
                if let Some(sandboxes) = &sandboxes {
                    sandbox::autotask::configure(cfg, sandboxes.autotask.clone());
                    sandbox::marketplace::configure(cfg, sandboxes.marketplace.clone());
                }
            })
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
    // Machines read the sandboxes, `/metrics` and `/healthz`: their answers stay as written.
    let path = res.request().path();
    if is_html || path.starts_with("/sandbox/") || matches!(path, "/metrics" | "/healthz") {
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
    sandboxes: bool,
) -> anyhow::Result<Option<DemoLogin>> {
    let Some(demo) = accounts::ensure_demo_reseller(db).await? else {
        return Ok(None);
    };
    if !sandboxes {
        // Without the sandboxes there is nothing to connect the demo to.
        return Ok(Some(demo));
    }
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

/// This node's lasting name, kept in the data directory (created on first start).
fn node_name(data_dir: &std::path::Path) -> anyhow::Result<String> {
    let path = data_dir.join("node-id");
    match std::fs::read_to_string(&path) {
        Ok(name) if !name.trim().is_empty() => return Ok(name.trim().to_owned()),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(anyhow::Error::new(e).context(format!("reading {}", path.display())));
        }
    }
    let name = format!("node-{}", &uuid::Uuid::new_v4().simple().to_string()[..12]);
    std::fs::write(&path, &name).with_context(|| format!("writing {}", path.display()))?;
    Ok(name)
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

/// The headers every answer carries: no inline script, no framing, no type sniffing, and no
/// address sent to other sites. Styles may be inline (the pages' one style sheet is).
fn security_headers() -> actix_web::middleware::DefaultHeaders {
    actix_web::middleware::DefaultHeaders::new()
        .add((
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ))
        .add(("X-Frame-Options", "DENY"))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "same-origin"))
}

/// `url` if it is on 127.0.0.1 (or localhost), else a closed local port: with
/// `loopback_only`, nothing leaves the machine.
fn loopback(url: &str) -> String {
    let local = reqwest::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(|h| h == "127.0.0.1" || h == "localhost"))
        .unwrap_or(false);
    if local {
        url.to_owned()
    } else {
        "http://127.0.0.1:9/not-loopback".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::loopback;

    #[test]
    fn with_loopback_only_an_address_off_the_machine_goes_to_a_closed_local_port() {
        assert_eq!(
            loopback("https://webservices.autotask.net/atservicesrest"),
            "http://127.0.0.1:9/not-loopback"
        );
        assert_eq!(
            loopback("https://api.cloud.im/marketplace/eu"),
            "http://127.0.0.1:9/not-loopback"
        );
        assert_eq!(
            loopback("http://127.0.0.1:8080/sandbox/autotask/atservicesrest"),
            "http://127.0.0.1:8080/sandbox/autotask/atservicesrest"
        );
        assert_eq!(loopback("not a url"), "http://127.0.0.1:9/not-loopback");
    }
}
