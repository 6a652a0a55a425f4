//! HTTP handlers: extract, parse, call one domain function, answer with a page, a redirect or an
//! error. No SQL, no HTTP calls and no HTML strings here.

use actix_web::web;

pub mod auth;
pub mod check;
pub mod csrf;
pub mod dashboard;
pub mod errors;
pub mod health;
pub mod labels;
pub mod pages;
pub mod session;
pub mod settings;
pub mod tasks;

/// Every route of the web interface.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(health::healthz))
        .route("/metrics", web::get().to(health::metrics))
        .route("/login", web::get().to(auth::login_form))
        .route("/login", web::post().to(auth::login))
        .route("/logout", web::post().to(auth::logout))
        .route("/", web::get().to(dashboard::show))
        .route("/dashboard/summary", web::get().to(dashboard::summary))
        .route("/check", web::post().to(check::start))
        .route("/check/latest", web::get().to(check::latest))
        .route("/check/runs/{id}", web::get().to(dashboard::run_detail))
        .route("/mapping", web::get().to(pages::mapping))
        .route("/import", web::get().to(pages::import))
        .route("/log", web::get().to(pages::action_log))
        .route("/tasks", web::get().to(tasks::list))
        .route("/tasks/bulk", web::post().to(tasks::bulk))
        .route("/tasks/{id}", web::get().to(tasks::detail))
        .route("/tasks/{id}/ignore", web::post().to(tasks::ignore))
        .route("/tasks/{id}/unignore", web::post().to(tasks::unignore))
        .route("/settings", web::get().to(settings::show))
        .route(
            "/settings/autotask",
            web::post().to(settings::save_autotask),
        )
        .route(
            "/settings/autotask/test",
            web::post().to(settings::test_autotask),
        )
        .route(
            "/settings/marketplace/test",
            web::post().to(settings::test_marketplace),
        )
        .route(
            "/settings/marketplace",
            web::post().to(settings::save_marketplace),
        )
        .route("/settings/test-job", web::post().to(settings::run_test_job));
}
