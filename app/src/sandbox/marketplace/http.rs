//! The HTTP face of the marketplace emulator: `/token`, lists with `offset`/`limit` and
//! `{data, pagination}` newest first, single objects bare, errors with `correlationId`, and
//! `X-Correlation-ID` on every response.
// An early answer here *is* an HTTP response; boxing each one would only add noise.
#![allow(clippy::result_large_err)]

use std::{collections::HashMap, time::Duration};

use actix_web::{
    HttpRequest, HttpResponse,
    http::{Method, StatusCode},
    web,
};
use base64::{Engine, engine::general_purpose::STANDARD};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::{Value, json};

use super::orders::{self, datetime};
use super::requests::NewOrder;
use super::service::{MarketplaceFaults, MarketplaceSandbox};
use crate::sandbox::faults::Injected;

const PREFIX: &str = "/sandbox/marketplace";

/// Mounts the emulator under `/sandbox/marketplace`.
pub fn configure(cfg: &mut web::ServiceConfig, sandbox: web::Data<MarketplaceSandbox>) {
    cfg.service(
        web::scope(PREFIX)
            .app_data(sandbox)
            .default_service(web::to(dispatch)),
    );
}

struct Call<'a> {
    req: &'a HttpRequest,
    path: String,
    correlation: String,
}

impl Call<'_> {
    fn json(&self, status: StatusCode, body: &Value) -> HttpResponse {
        HttpResponse::build(status)
            .insert_header(("X-Correlation-ID", self.correlation.as_str()))
            .content_type("application/json")
            .body(body.to_string())
    }

    fn ok(&self, body: &Value) -> HttpResponse {
        self.json(StatusCode::OK, body)
    }

    fn error(&self, status: StatusCode, message: &str) -> HttpResponse {
        let now = Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
        let body = json!({
            "timestamp": now, "timeStamp": now, "status": status.as_u16(),
            "error": status.canonical_reason().unwrap_or("Error"), "message": message,
            "path": self.path, "correlationId": self.correlation,
        });
        self.json(status, &body)
    }

    /// An error that asks the caller to come back in a second (`Retry-After: 1`), as APIM does.
    fn retry_later(&self, status: StatusCode, message: &str) -> HttpResponse {
        let mut response = self.error(status, message);
        response.headers_mut().insert(
            actix_web::http::header::RETRY_AFTER,
            actix_web::http::header::HeaderValue::from_static("1"),
        );
        response
    }

    fn params(&self) -> HashMap<String, String> {
        serde_urlencoded::from_str::<Vec<(String, String)>>(self.req.query_string())
            .unwrap_or_default()
            .into_iter()
            .collect()
    }
}

async fn dispatch(
    req: HttpRequest,
    body: web::Bytes,
    sandbox: web::Data<MarketplaceSandbox>,
) -> HttpResponse {
    let path = req
        .path()
        .strip_prefix(PREFIX)
        .unwrap_or_default()
        .trim_end_matches('/')
        .to_owned();
    let call = Call {
        req: &req,
        path: path.clone(),
        correlation: format!("a8n-{}", uuid::Uuid::new_v4()),
    };
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match segments.as_slice() {
        [] if req.method() == Method::GET => {
            let message = call.params().remove("message");
            let page = super::page::render(&sandbox, message.as_deref());
            return HttpResponse::Ok()
                .content_type("text/html; charset=utf-8")
                .body(page.into_string());
        }
        ["_place"] if req.method() == Method::POST => {
            let form: Vec<(String, String)> =
                serde_urlencoded::from_bytes(&body).unwrap_or_default();
            return super::page::place(&sandbox, &form);
        }
        ["_control"] => return control(&call, &body, &sandbox),
        ["_control", "reset"] if req.method() == Method::POST => {
            return match sandbox.reset() {
                Ok(()) => call.ok(&json!({"reset": true})),
                Err(e) => call.error(StatusCode::INTERNAL_SERVER_ERROR, &format!("{e:#}")),
            };
        }
        _ => {}
    }
    let faults = sandbox.faults();
    if faults.injected.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(faults.injected.latency_ms)).await;
    }
    let injected = sandbox
        .faults
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .injected
        .next_fault();
    match injected {
        Injected::ServerError => {
            return call.retry_later(
                StatusCode::SERVICE_UNAVAILABLE,
                "The service is temporarily unavailable.",
            );
        }
        Injected::RateLimited => {
            return call.retry_later(
                StatusCode::TOO_MANY_REQUESTS,
                "Rate limit is exceeded. Try again in 1 seconds.",
            );
        }
        Injected::Timeout => {
            tokio::time::sleep(Duration::from_millis(faults.injected.hold_ms)).await;
            return HttpResponse::GatewayTimeout().finish();
        }
        Injected::None => {}
    }
    if segments.as_slice() == ["token"] {
        return token(&call, &body, &sandbox, &faults);
    }
    if let Err(response) = authorise(&call, &sandbox) {
        return response;
    }
    let method = req.method().clone();
    match (method, segments.as_slice()) {
        (Method::GET, ["customers"]) => list_customers(&call, &sandbox),
        (Method::POST, ["customers"]) => create_customer(&call, &body, &sandbox).await,
        (Method::GET, ["customers", id]) => one(
            &call,
            sandbox.read(|s, _| {
                id.parse()
                    .ok()
                    .and_then(|id: i64| s.customers.get(&id).cloned())
            }),
            "Customer",
            id,
        ),
        (Method::GET, ["orders"]) => list_orders(&call, &sandbox, &faults),
        (Method::POST, ["orders"]) => place_order(&call, &body, &sandbox),
        (Method::GET, ["orders", id]) => one(
            &call,
            sandbox.read(|s, now| {
                id.parse()
                    .ok()
                    .and_then(|id: i64| s.orders.get(&id))
                    .map(|o| orders::view(o, now, true))
            }),
            "Order",
            id,
        ),
        (Method::GET, ["subscriptions"]) => list_subscriptions(&call, &sandbox, &faults),
        (Method::GET, ["subscriptions", id]) => one(
            &call,
            sandbox.read(|s, _| {
                id.parse()
                    .ok()
                    .and_then(|id: i64| s.subscriptions.get(&id).cloned())
            }),
            "Subscription",
            id,
        ),
        (Method::GET, ["products"]) => list_products(&call, &sandbox, &faults),
        _ => call.error(StatusCode::NOT_FOUND, "Resource not found"),
    }
}

fn control(call: &Call<'_>, body: &[u8], sandbox: &MarketplaceSandbox) -> HttpResponse {
    if call.req.method() == Method::POST {
        let Ok(Value::Object(mut changes)) = serde_json::from_slice::<Value>(body) else {
            return call.error(StatusCode::BAD_REQUEST, "Send a JSON object of switches.");
        };
        if let Some(seconds) = changes.remove("advance_secs").and_then(|v| v.as_i64())
            && let Err(e) = sandbox.advance_clock(seconds)
        {
            return call.error(StatusCode::INTERNAL_SERVER_ERROR, &format!("{e:#}"));
        }
        let mut current = serde_json::to_value(sandbox.faults()).unwrap_or_default();
        if let Value::Object(current) = &mut current {
            current.extend(changes);
        }
        match serde_json::from_value::<MarketplaceFaults>(current) {
            Ok(faults) => sandbox.set_faults(faults),
            Err(e) => return call.error(StatusCode::BAD_REQUEST, &e.to_string()),
        }
    }
    call.ok(&json!({"faults": sandbox.faults(), "now": datetime(sandbox.now())}))
}

fn token(
    call: &Call<'_>,
    body: &[u8],
    sandbox: &MarketplaceSandbox,
    faults: &MarketplaceFaults,
) -> HttpResponse {
    if call.req.method() != Method::POST {
        return call.error(StatusCode::METHOD_NOT_ALLOWED, "Use POST /token.");
    }
    let key = header(call.req, "X-Subscription-Key").unwrap_or_default();
    let basic = header(call.req, "Authorization")
        .and_then(|h| h.strip_prefix("Basic "))
        .and_then(|b| STANDARD.decode(b.trim()).ok())
        .and_then(|raw| String::from_utf8(raw).ok())
        .unwrap_or_default();
    let (username, password) = basic.split_once(':').unwrap_or_default();
    let marketplace = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|b| b["marketplace"].as_str().map(str::to_owned));
    let valid = sandbox.read(|store, _| {
        store.user_by_key(key).is_some_and(|u| {
            u.username == username
                && u.password == password
                && Some(&u.marketplace) == marketplace.as_ref()
        })
    });
    if !valid {
        return call.error(
            StatusCode::UNAUTHORIZED,
            "Invalid credentials, subscription key or marketplace.",
        );
    }
    let token = format!("eyJ{}", uuid::Uuid::new_v4().simple());
    let expires = sandbox.now() + faults.token_ttl_secs;
    let saved = sandbox.write(|store| {
        let now = Utc::now().timestamp() + store.clock_offset;
        store.tokens.retain(|_, exp| *exp > now);
        store.tokens.insert(token.clone(), expires);
    });
    match saved {
        Ok(()) => call.ok(&json!({"token": token, "expiresInSeconds": faults.token_ttl_secs})),
        Err(e) => call.error(StatusCode::INTERNAL_SERVER_ERROR, &format!("{e:#}")),
    }
}

fn header<'a>(req: &'a HttpRequest, name: &str) -> Option<&'a str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

fn authorise(call: &Call<'_>, sandbox: &MarketplaceSandbox) -> Result<(), HttpResponse> {
    let key = header(call.req, "X-Subscription-Key").unwrap_or_default();
    let token = header(call.req, "Authorization")
        .and_then(|h| h.strip_prefix("Bearer "))
        .unwrap_or_default();
    let ok = sandbox.read(|store, now| {
        store.user_by_key(key).is_some() && store.tokens.get(token).is_some_and(|exp| *exp > now)
    });
    if ok {
        Ok(())
    } else {
        Err(call.error(
            StatusCode::UNAUTHORIZED,
            "Access denied due to missing, invalid or expired token or subscription key.",
        ))
    }
}

fn one(call: &Call<'_>, found: Option<Value>, what: &str, id: &str) -> HttpResponse {
    match found {
        Some(body) => call.ok(&body),
        None => call.error(StatusCode::NOT_FOUND, &format!("{what} {id} not found")),
    }
}

/// `offset`/`limit` paging (default 10, capped) over an already newest-first list.
fn page(call: &Call<'_>, items: Vec<Value>, faults: &MarketplaceFaults) -> HttpResponse {
    let params = call.params();
    let offset = params
        .get("offset")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    let limit = params
        .get("limit")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(10)
        .clamp(1, faults.max_limit.max(1));
    let total = items.len();
    let data: Vec<Value> = items.into_iter().skip(offset).take(limit).collect();
    call.ok(
        &json!({"data": data, "pagination": {"offset": offset, "limit": limit, "total": total}}),
    )
}

fn parse_time(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Some(dt.timestamp());
    }
    if let Ok(dt) = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S") {
        return Some(dt.and_utc().timestamp());
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc().timestamp())
}

fn list_orders(
    call: &Call<'_>,
    sandbox: &MarketplaceSandbox,
    faults: &MarketplaceFaults,
) -> HttpResponse {
    let params = call.params();
    let from = params.get("creationTimeFrom").and_then(|t| parse_time(t));
    let to = params.get("creationTimeTo").and_then(|t| parse_time(t));
    let offset = params
        .get("offset")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    let limit = params
        .get("limit")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(10)
        .clamp(1, faults.max_limit.max(1));
    let field = |order: &super::store::OrderRecord, name: &str| {
        order.body[name].as_str().map(str::to_owned)
    };
    let (total, data) = sandbox.read(|store, now| {
        let mut keys: Vec<(i64, i64)> = store
            .orders
            .iter()
            .filter(|(_, o)| o.created <= now)
            .filter(|(_, o)| {
                from.is_none_or(|f| o.created >= f) && to.is_none_or(|t| o.created <= t)
            })
            .filter(|(_, o)| {
                ["customerId", "orderNumber", "subscriptionId"]
                    .iter()
                    .all(|f| {
                        params
                            .get(*f)
                            .is_none_or(|want| field(o, f).as_deref() == Some(want.as_str()))
                    })
            })
            .filter(|(_, o)| {
                params.get("status").is_none_or(|want| {
                    orders::view(o, now, false)["status"].as_str() == Some(want.as_str())
                })
            })
            .map(|(id, o)| (o.created, *id))
            .collect();
        keys.sort_by_key(|key| std::cmp::Reverse(*key));
        let data: Vec<Value> = keys
            .iter()
            .skip(offset)
            .take(limit)
            .filter_map(|(_, id)| store.orders.get(id).map(|o| orders::view(o, now, false)))
            .collect();
        (keys.len(), data)
    });
    call.ok(
        &json!({"data": data, "pagination": {"offset": offset, "limit": limit, "total": total}}),
    )
}

fn list_subscriptions(
    call: &Call<'_>,
    sandbox: &MarketplaceSandbox,
    faults: &MarketplaceFaults,
) -> HttpResponse {
    let params = call.params();
    let items = sandbox.read(|store, _| {
        store
            .subscriptions
            .values()
            .rev()
            .filter(|s| {
                ["customerId", "status"].iter().all(|f| {
                    params
                        .get(*f)
                        .is_none_or(|w| s[*f].as_str() == Some(w.as_str()))
                })
            })
            .filter(|s| {
                let created = s["creationDate"].as_str().unwrap_or_default();
                params
                    .get("creationDateFrom")
                    .is_none_or(|f| created >= f.as_str())
                    && params
                        .get("creationDateTo")
                        .is_none_or(|t| created <= t.as_str())
            })
            .map(|s| {
                let mut item = s.clone();
                if let Some(o) = item.as_object_mut() {
                    for detailed in [
                        "products",
                        "totalPrice",
                        "planId",
                        "orderParameters",
                        "fulfillmentParameters",
                    ] {
                        o.remove(detailed);
                    }
                }
                item
            })
            .collect::<Vec<_>>()
    });
    page(call, items, faults)
}

fn list_products(
    call: &Call<'_>,
    sandbox: &MarketplaceSandbox,
    faults: &MarketplaceFaults,
) -> HttpResponse {
    let params = call.params();
    let items = sandbox.read(|store, _| {
        store
            .products
            .iter()
            .filter(|p| {
                ["mpn", "vendor", "serviceName"].iter().all(|f| {
                    params
                        .get(*f)
                        .is_none_or(|w| p[*f].as_str() == Some(w.as_str()))
                })
            })
            .filter(|p| {
                params.get("name").is_none_or(|w| {
                    p["name"]
                        .as_str()
                        .is_some_and(|n| n.to_lowercase().contains(&w.to_lowercase()))
                })
            })
            .cloned()
            .collect::<Vec<_>>()
    });
    page(call, items, faults)
}

fn list_customers(call: &Call<'_>, sandbox: &MarketplaceSandbox) -> HttpResponse {
    let params = call.params();
    let faults = sandbox.faults();
    let items = sandbox.read(|store, _| {
        store
            .customers
            .values()
            .rev()
            .filter(|c| {
                params
                    .get("externalId")
                    .is_none_or(|w| c["externalId"].as_str() == Some(w.as_str()))
            })
            .filter(|c| {
                params.get("name").is_none_or(|w| {
                    c["name"]
                        .as_str()
                        .is_some_and(|n| n.to_lowercase().contains(&w.to_lowercase()))
                })
            })
            .filter(|c| {
                params.get("email").is_none_or(|w| {
                    c["contactPersons"].as_array().is_some_and(|people| {
                        people
                            .iter()
                            .any(|p| p["email"].as_str() == Some(w.as_str()))
                    })
                })
            })
            .cloned()
            .collect::<Vec<_>>()
    });
    page(call, items, &faults)
}

/// The first field a customer body lacks or gets wrong, named as the spec names it.
fn customer_problem(body: &Value) -> Option<String> {
    let text = |v: &Value| v.as_str().is_some_and(|s| !s.trim().is_empty());
    if !body.is_object() {
        return Some("the body must be a Customer object".into());
    }
    if !text(&body["name"]) {
        return Some("name is required".into());
    }
    // Optional fields still have their types (`Account`, `Address`).
    for (value, field) in [
        (&body["externalId"], "externalId"),
        (&body["taxRegId"], "taxRegId"),
        (
            &body["address"]["addressExtension"],
            "address.addressExtension",
        ),
        (&body["address"]["state"], "address.state"),
    ] {
        if !(value.is_null() || value.is_string()) {
            return Some(format!("{field} must be a string"));
        }
    }
    if let Some(attributes) = body.get("attributes")
        && !attributes
            .as_object()
            .is_some_and(|a| a.values().all(Value::is_string))
    {
        return Some("attributes must be an object of strings".into());
    }
    for field in ["streetAddress", "postalCode", "city", "countryCode"] {
        if !text(&body["address"][field]) {
            return Some(format!("address.{field} is required"));
        }
    }
    let country = body["address"]["countryCode"].as_str().unwrap_or_default();
    if country.len() != 2 || !country.chars().all(|c| c.is_ascii_uppercase()) {
        return Some("address.countryCode must be an ISO 3166-1 alpha-2 code in upper case".into());
    }
    let people = body["contactPersons"].as_array().filter(|p| !p.is_empty());
    let Some(people) = people else {
        return Some("contactPersons is required".into());
    };
    for (n, person) in people.iter().enumerate() {
        if !person.is_object() {
            return Some(format!(
                "contactPersons[{n}] must be a ContactPerson object"
            ));
        }
        // `type` is required (`ContactPerson.required`); its default only documents the usual value.
        let Some(kind) = person["type"].as_str() else {
            return Some(format!("contactPersons[{n}].type is required"));
        };
        if !["admin", "billing", "technical"].contains(&kind) {
            return Some(format!(
                "contactPersons[{n}].type must be admin, billing or technical"
            ));
        }
        for field in ["firstName", "lastName", "email", "phoneNumber"] {
            if !text(&person[field]) {
                return Some(format!("contactPersons[{n}].{field} is required"));
            }
        }
        if let Some(login) = person["login"].as_str() {
            let ok = login.len() >= 5
                && login
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphanumeric())
                && login
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_.@-".contains(c));
            if !ok {
                return Some(format!(
                    "contactPersons[{n}].login must match ^[A-Za-z0-9][A-Za-z0-9_.@-]{{0,255}}$ and have at least 5 characters"
                ));
            }
        }
    }
    if !text(&body["language"]) {
        return Some("language is required".into());
    }
    None
}

async fn create_customer(
    call: &Call<'_>,
    body: &[u8],
    sandbox: &MarketplaceSandbox,
) -> HttpResponse {
    let Ok(mut customer) = serde_json::from_slice::<Value>(body) else {
        return call.error(
            StatusCode::BAD_REQUEST,
            "The request body is not valid JSON.",
        );
    };
    if let Some(problem) = customer_problem(&customer) {
        return call.error(StatusCode::BAD_REQUEST, &problem);
    }
    let faults = sandbox.faults();
    if customer["name"]
        .as_str()
        .is_some_and(|name| faults.fail_customers_named.iter().any(|n| n == name))
    {
        return call.error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The account could not be created: the provisioning service failed.",
        );
    }
    if let Some(people) = customer["contactPersons"].as_array_mut() {
        for person in people.iter_mut().filter_map(Value::as_object_mut) {
            person.remove("login");
            person.remove("password");
        }
    }
    let saved = sandbox.write(|store| {
        let id = store.new_id();
        customer["id"] = json!(id.to_string());
        customer["status"] = json!("active");
        customer["resellerId"] = json!(
            store
                .users
                .first()
                .map(|u| u.reseller_id.clone())
                .unwrap_or_default()
        );
        if customer.get("attributes").is_none() {
            customer["attributes"] = json!({});
        }
        store.customers.insert(id, customer.clone());
        customer.clone()
    });
    let lost = sandbox
        .faults
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .injected
        .lose_answer();
    match saved {
        // Created, but the caller never hears so (the gateway gives up).
        Ok(_) if lost => {
            tokio::time::sleep(Duration::from_millis(faults.injected.hold_ms)).await;
            HttpResponse::GatewayTimeout().finish()
        }
        Ok(customer) => call.json(StatusCode::CREATED, &customer),
        Err(e) => call.error(StatusCode::INTERNAL_SERVER_ERROR, &format!("{e:#}")),
    }
}

fn place_order(call: &Call<'_>, body: &[u8], sandbox: &MarketplaceSandbox) -> HttpResponse {
    let order: NewOrder = match serde_json::from_slice(body) {
        Ok(order) => order,
        Err(e) => {
            return call.error(
                StatusCode::BAD_REQUEST,
                &format!("The order could not be read: {e}"),
            );
        }
    };
    match sandbox.place_order(&order) {
        Ok(Ok(id)) => {
            let view = sandbox.read(|s, now| {
                id.parse()
                    .ok()
                    .and_then(|id: i64| s.orders.get(&id))
                    .map(|o| orders::view(o, now, true))
            });
            call.json(StatusCode::CREATED, &view.unwrap_or_default())
        }
        Ok(Err(refusal)) => call.error(StatusCode::BAD_REQUEST, &refusal),
        Err(e) => call.error(StatusCode::INTERNAL_SERVER_ERROR, &format!("{e:#}")),
    }
}
