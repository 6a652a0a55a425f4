use actix_web::{HttpResponse, web};

use crate::db;
use crate::state::AppState;

/// `200 ok` when the database answers, `503` otherwise.
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    match db::ping(&state.db).await {
        Ok(()) => HttpResponse::Ok().content_type("text/plain").body("ok"),
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "health check failed");
            HttpResponse::ServiceUnavailable()
                .content_type("text/plain")
                .body("database unavailable")
        }
    }
}

/// Prometheus text format.
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    match state.metrics.render() {
        Ok(text) => HttpResponse::Ok()
            .content_type("text/plain; version=0.0.4")
            .body(text),
        Err(e) => {
            tracing::error!(
                error = format!("{e:#}"),
                "the metrics could not be rendered"
            );
            HttpResponse::InternalServerError()
                .content_type("text/plain")
                .body("metrics unavailable")
        }
    }
}
