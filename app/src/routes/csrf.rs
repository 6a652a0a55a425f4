//! Every POST outside the sandboxes must carry the session's form token, as the `csrf_token` form
//! field or an `X-CSRF-Token` header. Checked once here, so no handler can forget it.

use actix_session::SessionExt;
use actix_web::{
    Error, HttpMessage, ResponseError,
    body::{EitherBody, MessageBody},
    dev::{Payload, ServiceRequest, ServiceResponse},
    http::Method,
    middleware::Next,
    web::Bytes,
};
use subtle::ConstantTimeEq;

use crate::routes::errors::AppError;
use crate::routes::session::CSRF_KEY;

const FIELD: &str = "csrf_token";
const HEADER: &str = "x-csrf-token";

pub async fn verify_csrf(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    if req.method() != Method::POST || req.path().starts_with("/sandbox/") {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    }
    let expected = req.get_session().get::<String>(CSRF_KEY).ok().flatten();
    let from_header = req
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = req.extract::<Bytes>().await?;
    let from_form = if req.content_type() == "application/x-www-form-urlencoded" {
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body)
            .ok()
            .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == FIELD).map(|(_, v)| v))
    } else {
        None
    };
    req.set_payload(Payload::from(body));

    let valid = match (expected, from_header.or(from_form)) {
        (Some(expected), Some(given)) => bool::from(expected.as_bytes().ct_eq(given.as_bytes())),
        _ => false,
    };
    if valid {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    }
    tracing::warn!(
        path = req.path(),
        "POST refused: missing or wrong form token"
    );
    let response = AppError::Forbidden(
        "This form has expired or did not come from psa-sync. Go back, reload the page and try again.",
    )
    .error_response();
    Ok(req.into_response(response).map_into_right_body())
}
