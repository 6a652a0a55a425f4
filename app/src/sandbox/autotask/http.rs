//! The HTTP face of the emulator: routing (case-insensitive), authentication headers, limits
//! and faults; reads and writes are in `reads.rs` and `writes.rs`.
// An early answer here *is* an HTTP response; boxing each one would only add noise.
#![allow(clippy::result_large_err)]

use std::{net::TcpListener, sync::Arc, time::Duration};

use actix_web::{
    App, HttpRequest, HttpResponse, HttpServer,
    dev::Server,
    http::{Method, StatusCode},
    web,
};
use serde_json::{Value, json};

use super::answers::{
    PREFIX, errors, header, method_not_allowed, not_found, ok, parse_id, query_params, rest_root,
};
use super::limits::{Budget, Faults, Injected};
use super::reads::{entity_information, fields, get_one, query_first, query_next};
use super::schema;
use super::service::AutotaskSandbox;
use super::writes::{Child, contract_child, root_write};

/// Mounts the emulator under `/sandbox/autotask`.
pub fn configure(cfg: &mut web::ServiceConfig, sandbox: web::Data<AutotaskSandbox>) {
    cfg.service(
        web::scope(PREFIX)
            .app_data(sandbox)
            .default_service(web::to(dispatch)),
    );
}

/// Serves the emulator on its own (for a test that wants it without the app).
pub fn serve(listener: TcpListener, sandbox: Arc<AutotaskSandbox>) -> std::io::Result<Server> {
    let data = web::Data::from(sandbox);
    Ok(
        HttpServer::new(move || App::new().configure(|cfg| configure(cfg, data.clone())))
            .listen(listener)?
            .disable_signals()
            .workers(2)
            .run(),
    )
}

/// A thread-threshold or hourly-threshold refusal: 429 as the reference reads it, or 500 with
/// the same `errors` array when the faults say so (reference §8.9.3). Only the 429 carries
/// `Retry-After`: a 500 is the business-rule status, which carries none.
fn limit_refused(faults: &Faults, message: String, retry_after_secs: Option<u64>) -> HttpResponse {
    if faults.limit_refusals_as_500 {
        return errors(StatusCode::INTERNAL_SERVER_ERROR, vec![message]);
    }
    too_many_requests(message, retry_after_secs)
}

/// A 429 with Autotask's error envelope and, when known, how long to wait.
fn too_many_requests(message: String, retry_after_secs: Option<u64>) -> HttpResponse {
    let mut response = errors(StatusCode::TOO_MANY_REQUESTS, vec![message]);
    if let Some(seconds) = retry_after_secs
        && let Ok(value) = actix_web::http::header::HeaderValue::from_str(&seconds.to_string())
    {
        response
            .headers_mut()
            .insert(actix_web::http::header::RETRY_AFTER, value);
    }
    response
}

async fn dispatch(
    req: HttpRequest,
    body: web::Bytes,
    sandbox: web::Data<AutotaskSandbox>,
) -> HttpResponse {
    let path = req
        .path()
        .strip_prefix(PREFIX)
        .unwrap_or_default()
        .to_owned();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let lower: Vec<String> = segments.iter().map(|s| s.to_ascii_lowercase()).collect();
    let lower: Vec<&str> = lower.iter().map(String::as_str).collect();
    match lower.as_slice() {
        ["_control"] => control(&req, &body, &sandbox),
        ["_control", "reset"] if req.method() == Method::POST => match sandbox.reset() {
            Ok(()) => ok(json!({"reset": true})),
            Err(e) => errors(StatusCode::INTERNAL_SERVER_ERROR, vec![format!("{e:#}")]),
        },
        ["atservicesrest", "versioninformation"] => ok(json!({"apiVersions": ["1.0"]})),
        ["atservicesrest", "v1.0", "zoneinformation"] => zone_information(&req, &sandbox),
        ["atservicesrest", "v1.0", rest @ ..] if !rest.is_empty() => {
            api(&req, &body, &sandbox, rest).await
        }
        _ => not_found(),
    }
}

fn control(req: &HttpRequest, body: &[u8], sandbox: &AutotaskSandbox) -> HttpResponse {
    if req.method() == Method::POST {
        let mut current = serde_json::to_value(sandbox.faults()).unwrap_or_default();
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(changes)) => {
                if let Value::Object(current) = &mut current {
                    current.extend(changes);
                }
            }
            _ => {
                return errors(
                    StatusCode::BAD_REQUEST,
                    vec!["Send a JSON object of fault switches.".into()],
                );
            }
        }
        match serde_json::from_value::<Faults>(current) {
            Ok(faults) => sandbox.set_faults(faults),
            Err(e) => return errors(StatusCode::BAD_REQUEST, vec![e.to_string()]),
        }
    }
    let faults = sandbox.faults();
    ok(json!({
        "faults": faults,
        "requestsInWindow": sandbox.limits.usage(&faults),
        "observed": sandbox.limits.observed(),
    }))
}

fn zone_information(req: &HttpRequest, sandbox: &AutotaskSandbox) -> HttpResponse {
    let user = query_params(req).get("user").cloned().unwrap_or_default();
    if user.trim().is_empty() || sandbox.read(|s| s.user(&user).is_none()) {
        return errors(
            StatusCode::INTERNAL_SERVER_ERROR,
            vec!["Zone information could not be determined".into()],
        );
    }
    sandbox.limits.zone_lookup();
    let info = req.connection_info();
    ok(json!({
        "zoneName": "Sandbox",
        "url": format!("{}/", rest_root(req)),
        "webUrl": format!("{}://{}/", info.scheme(), info.host()),
        "ci": 1,
    }))
}

/// Who is calling: the integration code their thread slots count under, and the resource they
/// act as.
struct Caller {
    integration_code: String,
    resource: Option<i64>,
}

/// Checks `UserName`, `Secret` and `ApiIntegrationCode` as Autotask does (reference §2).
fn authenticate(req: &HttpRequest, sandbox: &AutotaskSandbox) -> Result<Caller, HttpResponse> {
    let username = header(req, "UserName").unwrap_or_default();
    let secret = header(req, "Secret").unwrap_or_default();
    let code = header(req, "ApiIntegrationCode").unwrap_or_default();
    sandbox.read(|store| match store.user(username) {
        None => Err(errors(
            StatusCode::INTERNAL_SERVER_ERROR,
            vec!["Zone information could not be determined".into()],
        )),
        Some(user) if user.secret != secret => Err(errors(
            StatusCode::UNAUTHORIZED,
            vec!["Unauthorized: the user name or secret is not valid.".into()],
        )),
        Some(user) if !user.integration_code.eq_ignore_ascii_case(code) => Err(errors(
            StatusCode::INTERNAL_SERVER_ERROR,
            vec!["IntegrationCode is invalid.".into()],
        )),
        Some(user) => Ok(Caller {
            integration_code: user.integration_code.clone(),
            resource: user.resource_id,
        }),
    })
}

/// Releases a thread slot when the request ends, however it ends.
struct ThreadSlot<'a> {
    sandbox: &'a AutotaskSandbox,
    code: String,
    entity: String,
}

impl Drop for ThreadSlot<'_> {
    fn drop(&mut self) {
        self.sandbox.limits.leave(&self.code, &self.entity);
    }
}

/// The entity a request counts against for the thread limit (the "object endpoint"): the first
/// segment, so a child URL (`/Contracts/{id}/Charges`) takes one of its parent's threads
/// (reference §8.9.2).
fn bucket(rest: &[&str]) -> String {
    match rest {
        [first, ..] => schema::entity(first).map_or((*first).to_owned(), |e| e.name.to_owned()),
        [] => String::new(),
    }
}

async fn api(
    req: &HttpRequest,
    body: &[u8],
    sandbox: &AutotaskSandbox,
    rest: &[&str],
) -> HttpResponse {
    let caller = match authenticate(req, sandbox) {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let mut faults = sandbox.faults();
    let added_latency = match sandbox.limits.count(&faults) {
        Budget::Exceeded { retry_after } => {
            return limit_refused(
                &faults,
                format!(
                    "The API request threshold of {} requests per hour has been exceeded. Further requests are blocked until the rolling hour clears.",
                    faults.threshold
                ),
                Some(retry_after.as_secs().max(1)),
            );
        }
        Budget::Allowed { added_latency } => added_latency,
    };
    let entity = bucket(rest);
    let code = caller.integration_code;
    if !sandbox.limits.enter(&code, &entity, faults.thread_limit) {
        return limit_refused(
            &faults,
            format!(
                "Thread Threshold Exceeded: The Autotask API thread threshold of {} threads has been exceeded. (Itgenatr005)",
                faults.thread_limit
            ),
            None,
        );
    }
    let _slot = ThreadSlot {
        sandbox,
        code,
        entity,
    };
    let delay = added_latency + Duration::from_millis(faults.injected.latency_ms);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let injected = {
        let mut live = sandbox.faults.lock().unwrap_or_else(|e| e.into_inner());
        let injected = live.injected.next_fault();
        faults = live.clone();
        injected
    };
    match injected {
        Injected::ServerError => {
            return HttpResponse::ServiceUnavailable()
                .content_type("text/html")
                .body("<h1>Service Unavailable</h1>");
        }
        Injected::RateLimited => {
            return too_many_requests("Too many requests. Please retry later.".into(), Some(1));
        }
        Injected::Timeout => {
            tokio::time::sleep(Duration::from_millis(faults.injected.hold_ms)).await;
            return HttpResponse::GatewayTimeout().finish();
        }
        Injected::None => {}
    }
    let response = route(req, body, sandbox, rest, caller.resource);
    let is_write = matches!(
        *req.method(),
        Method::POST | Method::PATCH | Method::PUT | Method::DELETE
    ) && !rest
        .iter()
        .any(|s| *s == "query" || *s == "count" || *s == "next");
    if is_write && response.status().is_success() {
        let lose = sandbox
            .faults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .injected
            .lose_answer();
        if lose {
            // The write is applied; the caller never hears so.
            tokio::time::sleep(Duration::from_millis(faults.injected.hold_ms)).await;
            return HttpResponse::GatewayTimeout().finish();
        }
    }
    response
}

fn route(
    req: &HttpRequest,
    body: &[u8],
    sandbox: &AutotaskSandbox,
    rest: &[&str],
    by: Option<i64>,
) -> HttpResponse {
    let method = req.method();
    if rest == ["thresholdinformation"] {
        let faults = sandbox.faults();
        return ok(json!({
            "externalRequestThreshold": faults.threshold,
            "requestThresholdTimeframe": 60,
            "currentTimeframeRequestCount": sandbox.limits.usage(&faults),
        }));
    }
    if rest == ["version"] {
        return ok(
            json!({"majorVersion":"1","minorVersion":"0","build":"sandbox","customerType":"Sandbox"}),
        );
    }
    if let ["contracts", id, child, tail @ ..] = rest
        && let (Some(contract), Some(entity)) = (parse_id(id), schema::contract_child(child))
    {
        return contract_child(
            method,
            body,
            sandbox,
            Child {
                contract,
                entity,
                id: tail.first().copied(),
            },
            by,
        );
    }
    let Some(entity) = rest.first().and_then(|name| schema::entity(name)) else {
        return not_found();
    };
    match &rest[1..] {
        [] => root_write(method, body, sandbox, entity, by),
        ["query"] => query_first(req, body, sandbox, entity, false),
        ["query", "count"] => query_first(req, body, sandbox, entity, true),
        ["query", "next"] => query_next(req, body, sandbox, entity),
        ["entityinformation"] => entity_information(entity),
        ["entityinformation", "fields"] => fields(entity),
        ["entityinformation", "userdefinedfields"] => ok(json!({"fields": []})),
        [id] if *method == Method::GET => match parse_id(id) {
            Some(id) => get_one(sandbox, entity, id),
            None => not_found(),
        },
        // Children are deleted through /Contracts/{id}/<child>/{id} only.
        [_] if *method == Method::DELETE && entity.can_delete => method_not_allowed(method),
        [_] if *method == Method::DELETE => errors(
            StatusCode::INTERNAL_SERVER_ERROR,
            vec![format!(
                "The {} entity cannot be deleted.",
                entity.info_name
            )],
        ),
        _ => not_found(),
    }
}
