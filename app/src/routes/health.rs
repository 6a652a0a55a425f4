use actix_web::{HttpRequest, HttpResponse, web};
use secrecy::{ExposeSecret, SecretString};
use subtle::ConstantTimeEq;

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
/// Whether the request may read the metrics: always, unless the settings set a token, which
/// it must then carry as `Authorization: Bearer <token>` (compared in constant time).
fn may_read_metrics(req: &HttpRequest, token: Option<&SecretString>) -> bool {
    let Some(token) = token else {
        return true;
    };
    let given = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    bool::from(given.as_bytes().ct_eq(token.expose_secret().as_bytes()))
}

pub async fn metrics(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    if !may_read_metrics(&req, state.metrics_token.as_ref()) {
        return HttpResponse::Unauthorized()
            .insert_header((actix_web::http::header::WWW_AUTHENTICATE, "Bearer"))
            .content_type("text/plain")
            .body("a bearer token is required");
    }
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
