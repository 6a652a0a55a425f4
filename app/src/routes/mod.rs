//! HTTP handlers: extract, parse, call one domain function, answer with a page, a redirect or an
//! error. No SQL, no HTTP calls and no HTML strings here.

use actix_web::web;

pub mod auth;
pub mod check;
pub mod csrf;
pub mod dashboard;
pub mod errors;
pub mod health;
pub mod import;
pub mod labels;
pub mod mapping;
pub mod pages;
pub mod review;
pub mod session;
pub mod settings;
pub mod static_files;
pub mod tasks;
pub mod wizard;
pub mod wizard_company;

/// Every route of the web interface.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(health::healthz))
        .route("/metrics", web::get().to(health::metrics))
        .route("/static/{name}", web::get().to(static_files::script))
        .route("/login", web::get().to(auth::login_form))
        .route("/login", web::post().to(auth::login))
        .route("/logout", web::post().to(auth::logout))
        .route("/", web::get().to(dashboard::show))
        .route("/dashboard/summary", web::get().to(dashboard::summary))
        .route("/check", web::post().to(check::start))
        .route("/check/latest", web::get().to(check::latest))
        .route("/check/runs/{id}", web::get().to(dashboard::run_detail))
        .route("/import", web::get().to(import::show))
        .route("/import/progress", web::get().to(import::progress))
        .route("/import/all", web::post().to(import::import_all))
        .route("/import/companies/{id}", web::get().to(import::form))
        .route("/import/companies/{id}", web::post().to(import::submit))
        .route(
            "/import/companies/{id}/retry",
            web::post().to(import::retry),
        )
        .route("/log", web::get().to(pages::action_log))
        .route("/tasks", web::get().to(tasks::list))
        .route("/tasks/bulk", web::post().to(tasks::bulk))
        .route("/tasks/{id}", web::get().to(tasks::detail))
        .route("/tasks/{id}/ignore", web::post().to(tasks::ignore))
        .route("/tasks/{id}/unignore", web::post().to(tasks::unignore))
        .route("/tasks/{id}/wizard", web::get().to(wizard::start))
        .route("/tasks/{id}/customer", web::get().to(wizard::customer_form))
        .route(
            "/tasks/{id}/customer",
            web::post().to(wizard::customer_choose),
        )
        .route(
            "/tasks/{id}/customer/new",
            web::get().to(wizard_company::form),
        )
        .route(
            "/tasks/{id}/customer/new",
            web::post().to(wizard_company::create),
        )
        .route("/tasks/{id}/product", web::get().to(wizard::product_form))
        .route(
            "/tasks/{id}/product",
            web::post().to(wizard::product_choose),
        )
        .route("/tasks/{id}/contract", web::get().to(wizard::contract_form))
        .route(
            "/tasks/{id}/contract",
            web::post().to(wizard::contract_choose),
        )
        .route("/tasks/{id}/review", web::get().to(review::review))
        .route("/tasks/{id}/sync", web::post().to(review::sync_all))
        .route("/tasks/{id}/progress", web::get().to(review::progress))
        .route(
            "/tasks/{id}/progress/panel",
            web::get().to(review::progress_fragment),
        )
        .route("/tasks/{id}/resolve", web::post().to(review::resolve))
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
        .route("/settings/test-job", web::post().to(settings::run_test_job))
        .configure(mapping::configure);
}
