//! The HTTP face of the emulator: routing (case-insensitive), authentication headers, limits,
//! faults, queries with paging, and writes.
// An early answer here *is* an HTTP response; boxing each one would only add noise.
#![allow(clippy::result_large_err)]

use std::{collections::HashMap, net::TcpListener, sync::Arc, time::Duration};

use actix_web::{
    App, HttpRequest, HttpResponse, HttpServer,
    dev::Server,
    http::{Method, StatusCode},
    web,
};
use serde_json::{Value, json};

use super::charges;
use super::limits::{Budget, Faults, Injected};
use super::query::{self, Cursor, Query};
use super::rules;
use super::schema::{self, Entity};
use super::service::AutotaskSandbox;
use super::store::{Record, Refusal, Store, int_of};
use super::units;

const PREFIX: &str = "/sandbox/autotask";

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

fn json_response(status: StatusCode, body: Value) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("application/json; charset=utf-8")
        .body(body.to_string())
}

fn ok(body: Value) -> HttpResponse {
    json_response(StatusCode::OK, body)
}

fn errors(status: StatusCode, messages: Vec<String>) -> HttpResponse {
    json_response(status, json!({ "errors": messages }))
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

fn not_found() -> HttpResponse {
    json_response(
        StatusCode::NOT_FOUND,
        json!({"Message": "No HTTP resource was found that matches the request URI."}),
    )
}

fn method_not_allowed(method: &Method) -> HttpResponse {
    json_response(
        StatusCode::METHOD_NOT_ALLOWED,
        json!({"Message": format!("The requested resource does not support http method '{method}'.")}),
    )
}

fn header<'a>(req: &'a HttpRequest, name: &str) -> Option<&'a str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

fn rest_root(req: &HttpRequest) -> String {
    let info = req.connection_info();
    format!("{}://{}{PREFIX}/ATServicesRest", info.scheme(), info.host())
}

fn query_params(req: &HttpRequest) -> HashMap<String, String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(req.query_string())
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v))
        .collect()
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

fn parse_id(text: &str) -> Option<i64> {
    text.parse().ok()
}

fn body_json(body: &[u8]) -> Result<Value, HttpResponse> {
    serde_json::from_slice(body).map_err(|_| {
        errors(
            StatusCode::BAD_REQUEST,
            vec!["The request body is not valid JSON.".into()],
        )
    })
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

fn root_write(
    method: &Method,
    body: &[u8],
    sandbox: &AutotaskSandbox,
    entity: &'static Entity,
    by: Option<i64>,
) -> HttpResponse {
    if entity.child_of_contracts.is_some() && entity.name != "ContractServiceAdjustments" {
        // Children are written through /Contracts/{id}/<child> only.
        return method_not_allowed(method);
    }
    let body = match body_json(body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let contract = if entity.name == "ContractServiceAdjustments" {
        body.as_object()
            .and_then(|o| o.iter().find(|(k, _)| k.eq_ignore_ascii_case("contractID")))
            .and_then(|(_, v)| v.as_i64())
    } else {
        None
    };
    write(method, sandbox, entity, &body, contract, by)
}

fn write(
    method: &Method,
    sandbox: &AutotaskSandbox,
    entity: &'static Entity,
    body: &Value,
    contract: Option<i64>,
    by: Option<i64>,
) -> HttpResponse {
    let result = match *method {
        Method::POST => sandbox.write(|store| rules::create(store, entity, body, contract, by)),
        Method::PATCH => sandbox.write(|store| rules::update(store, entity, body, contract, false)),
        Method::PUT => sandbox.write(|store| rules::update(store, entity, body, contract, true)),
        _ => return method_not_allowed(method),
    };
    saved(result)
}

/// The answer to a write that ran: its id, Autotask's refusal, or the sandbox's own failure.
fn saved(result: anyhow::Result<Result<i64, Refusal>>) -> HttpResponse {
    match result {
        Ok(Ok(id)) => ok(json!({"itemId": id})),
        Ok(Err(messages)) => errors(StatusCode::INTERNAL_SERVER_ERROR, messages),
        Err(e) => {
            tracing::error!(
                error = format!("{e:#}"),
                "the Autotask sandbox could not save"
            );
            errors(
                StatusCode::INTERNAL_SERVER_ERROR,
                vec!["The sandbox could not save the change.".into()],
            )
        }
    }
}

/// A request on `/Contracts/{contract}/<child>[/{id}]`.
struct Child<'a> {
    contract: i64,
    entity: &'static Entity,
    id: Option<&'a str>,
}

fn contract_child(
    method: &Method,
    body: &[u8],
    sandbox: &AutotaskSandbox,
    child: Child<'_>,
    by: Option<i64>,
) -> HttpResponse {
    let Child {
        contract,
        entity,
        id: child_id,
    } = child;
    if sandbox.read(|s| s.get("Contracts", contract).is_none()) {
        return not_found();
    }
    if *method == Method::GET {
        let records = records_of(sandbox, entity, |r| {
            int_of(r, "contractID") == Some(contract)
        });
        return match child_id {
            Some(id) => match parse_id(id)
                .and_then(|id| records.into_iter().find(|r| int_of(r, "id") == Some(id)))
            {
                Some(record) => ok(json!({"item": query::project(entity, &record, None)})),
                None => not_found(),
            },
            None => ok(
                json!({"items": records.iter().map(|r| query::project(entity, r, None)).collect::<Vec<_>>(),
                              "pageDetails": {"count": records.len(), "requestCount": 500, "prevPageUrl": null, "nextPageUrl": null}}),
            ),
        };
    }
    if *method == Method::DELETE && entity.can_delete {
        return match child_id.map(parse_id) {
            Some(Some(id)) => {
                saved(sandbox.write(|store| rules::delete(store, entity, contract, id)))
            }
            // An id that is no number finds nothing either.
            Some(None) => errors(
                StatusCode::INTERNAL_SERVER_ERROR,
                vec![charges::NO_MATCHING_RECORD.into()],
            ),
            None => method_not_allowed(method),
        };
    }
    if child_id.is_some() || entity.name == "ContractServiceUnits" {
        return method_not_allowed(method);
    }
    match body_json(body) {
        Ok(body) => write(method, sandbox, entity, &body, Some(contract), by),
        Err(response) => response,
    }
}

/// The records of an entity as a query sees them, in ascending id order.
fn records_of(
    sandbox: &AutotaskSandbox,
    entity: &Entity,
    keep: impl Fn(&Record) -> bool,
) -> Vec<Record> {
    sandbox.read(|store| {
        let mut records: Vec<Record> = if entity.name == "ContractServiceUnits" {
            units::all_rows(store)
        } else {
            store
                .table(entity.name)
                .map(|r| view(store, entity, r))
                .collect()
        };
        records.retain(|r| keep(r));
        records.sort_by_key(|r| int_of(r, "id").unwrap_or(0));
        records
    })
}

/// "If the contract service is configured to use the standard invoice description, we return the
/// service's invoice description" (reference §8.4).
fn view(store: &Store, entity: &Entity, record: &Record) -> Record {
    let mut record = record.clone();
    if entity.name == "ContractServices"
        && record.get("invoiceDescription").is_none_or(Value::is_null)
    {
        let standard = int_of(&record, "serviceID")
            .and_then(|id| store.get("Services", id))
            .and_then(|s| s.get("invoiceDescription").cloned());
        record.insert("invoiceDescription".into(), standard.unwrap_or(Value::Null));
    }
    record
}

fn get_one(sandbox: &AutotaskSandbox, entity: &'static Entity, id: i64) -> HttpResponse {
    if !entity.can_query {
        return method_not_allowed(&Method::GET);
    }
    match records_of(sandbox, entity, |r| int_of(r, "id") == Some(id)).pop() {
        Some(record) => ok(json!({"item": query::project(entity, &record, None)})),
        None => not_found(),
    }
}

fn search_of(req: &HttpRequest, body: &[u8]) -> Result<Value, HttpResponse> {
    if *req.method() == Method::GET {
        let search = query_params(req).remove("search").unwrap_or_default();
        return serde_json::from_str(&search).map_err(|_| {
            errors(
                StatusCode::INTERNAL_SERVER_ERROR,
                vec!["The search parameter is not valid JSON.".into()],
            )
        });
    }
    body_json(body)
}

fn query_first(
    req: &HttpRequest,
    body: &[u8],
    sandbox: &AutotaskSandbox,
    entity: &'static Entity,
    count: bool,
) -> HttpResponse {
    if !entity.can_query {
        return method_not_allowed(req.method());
    }
    if !matches!(*req.method(), Method::GET | Method::POST) {
        return method_not_allowed(req.method());
    }
    let search = match search_of(req, body) {
        Ok(search) => search,
        Err(response) => return response,
    };
    let parsed = match query::parse(entity, &search) {
        Ok(parsed) => parsed,
        Err(message) => return errors(StatusCode::INTERNAL_SERVER_ERROR, vec![message]),
    };
    if count {
        let n = records_of(sandbox, entity, |r| query::matches(&parsed.conditions, r)).len();
        return ok(json!({"queryCount": n}));
    }
    let cursor = Cursor {
        page_size: parsed.max_records,
        last_id: i64::MIN,
        verb: req.method().to_string(),
        search: (*req.method() == Method::GET).then_some(search),
    };
    page(req, sandbox, entity, &parsed, cursor)
}

fn query_next(
    req: &HttpRequest,
    body: &[u8],
    sandbox: &AutotaskSandbox,
    entity: &'static Entity,
) -> HttpResponse {
    let cursor: Option<Cursor> = query_params(req)
        .get("paging")
        .and_then(|p| serde_json::from_str(p).ok());
    let Some(cursor) = cursor else {
        return errors(
            StatusCode::INTERNAL_SERVER_ERROR,
            vec!["The paging parameter is missing or not valid.".into()],
        );
    };
    if cursor.verb == "POST" && *req.method() == Method::GET {
        return method_not_allowed(req.method());
    }
    let search = match (&cursor.search, req.method()) {
        (Some(search), _) => search.clone(),
        (None, _) => match body_json(body) {
            Ok(search) => search,
            Err(response) => return response,
        },
    };
    match query::parse(entity, &search) {
        Ok(parsed) => page(req, sandbox, entity, &parsed, cursor),
        Err(message) => errors(StatusCode::INTERNAL_SERVER_ERROR, vec![message]),
    }
}

fn page(
    req: &HttpRequest,
    sandbox: &AutotaskSandbox,
    entity: &'static Entity,
    parsed: &Query,
    cursor: Cursor,
) -> HttpResponse {
    let matching = records_of(sandbox, entity, |r| {
        int_of(r, "id").is_some_and(|id| id > cursor.last_id)
            && query::matches(&parsed.conditions, r)
    });
    let size = cursor.page_size.clamp(1, query::MAX_PAGE);
    let items: Vec<Value> = matching
        .iter()
        .take(size)
        .map(|r| query::project(entity, r, parsed.include_fields.as_deref()))
        .collect();
    let next = (matching.len() > size).then(|| {
        let last_id = matching
            .get(size - 1)
            .and_then(|r| int_of(r, "id"))
            .unwrap_or(i64::MAX);
        let next_cursor = Cursor {
            last_id,
            ..cursor.clone()
        };
        let paging = serde_urlencoded::to_string([(
            "paging",
            serde_json::to_string(&next_cursor).unwrap_or_default(),
        )])
        .unwrap_or_default();
        format!(
            "{}/V1.0/{}/query/next?{paging}",
            rest_root(req),
            entity.name
        )
    });
    ok(json!({
        "items": items,
        "pageDetails": {"count": items.len(), "requestCount": size, "prevPageUrl": null, "nextPageUrl": next},
    }))
}

fn entity_information(entity: &Entity) -> HttpResponse {
    ok(json!({"info": {
        "name": entity.info_name,
        "canCreate": entity.can_create,
        "canDelete": entity.can_delete,
        "canQuery": entity.can_query,
        "canUpdate": entity.can_update,
        "userAccessForCreate": {}, "userAccessForDelete": {}, "userAccessForQuery": {}, "userAccessForUpdate": {},
        "hasUserDefinedFields": entity.has_udfs,
        "supportsWebhookCallouts": false,
    }}))
}

fn fields(entity: &Entity) -> HttpResponse {
    let fields: Vec<Value> = entity
        .fields
        .iter()
        .map(|f| {
            let picklist: Option<Vec<Value>> = (!f.picklist.is_empty()).then(|| {
                f.picklist
                    .iter()
                    .enumerate()
                    .map(|(n, (value, label))| json!({"value": value.to_string(), "label": label, "isDefaultValue": false, "sortOrder": n, "parentValue": "", "isActive": true, "isSystem": true}))
                    .collect()
            });
            json!({
                "name": f.name,
                "dataType": f.kind.data_type(),
                "length": f.length,
                "isRequired": f.required,
                "isReadOnly": f.access == schema::Access::ReadOnly,
                "isQueryable": entity.can_query,
                "isReference": f.reference.is_some(),
                "referenceEntityType": f.reference.and_then(schema::entity).map_or("", |e| e.info_name),
                "isPickList": picklist.is_some(),
                "picklistValues": picklist,
                "picklistParentValueField": "",
                "isSupportedWebhookField": false,
            })
        })
        .collect();
    ok(json!({ "fields": fields }))
}
