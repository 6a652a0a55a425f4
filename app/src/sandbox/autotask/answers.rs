//! The emulator's answers in Autotask's shapes, and reading a request's parts.
// An early answer here *is* an HTTP response; boxing each one would only add noise.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;

use actix_web::{
    HttpRequest, HttpResponse,
    http::{Method, StatusCode},
};
use serde_json::{Value, json};

/// Where the emulator is mounted.
pub(super) const PREFIX: &str = "/sandbox/autotask";

pub(super) fn json_response(status: StatusCode, body: Value) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("application/json; charset=utf-8")
        .body(body.to_string())
}

pub(super) fn ok(body: Value) -> HttpResponse {
    json_response(StatusCode::OK, body)
}

pub(super) fn errors(status: StatusCode, messages: Vec<String>) -> HttpResponse {
    json_response(status, json!({ "errors": messages }))
}

pub(super) fn not_found() -> HttpResponse {
    json_response(
        StatusCode::NOT_FOUND,
        json!({"Message": "No HTTP resource was found that matches the request URI."}),
    )
}

pub(super) fn method_not_allowed(method: &Method) -> HttpResponse {
    json_response(
        StatusCode::METHOD_NOT_ALLOWED,
        json!({"Message": format!("The requested resource does not support http method '{method}'.")}),
    )
}

pub(super) fn header<'a>(req: &'a HttpRequest, name: &str) -> Option<&'a str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

pub(super) fn rest_root(req: &HttpRequest) -> String {
    let info = req.connection_info();
    format!("{}://{}{PREFIX}/ATServicesRest", info.scheme(), info.host())
}

pub(super) fn query_params(req: &HttpRequest) -> HashMap<String, String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(req.query_string())
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v))
        .collect()
}

pub(super) fn parse_id(text: &str) -> Option<i64> {
    text.parse().ok()
}

pub(super) fn body_json(body: &[u8]) -> Result<Value, HttpResponse> {
    serde_json::from_slice(body).map_err(|_| {
        errors(
            StatusCode::BAD_REQUEST,
            vec!["The request body is not valid JSON.".into()],
        )
    })
}
