use std::{
    collections::{BTreeMap, HashSet},
    sync::Mutex,
    time::{Duration, Instant},
};

use chrono::{DateTime, Utc};

use crate::transport::{
    Answer, Calls, Retry, RetryPolicy, Retryable, describe_transport_failure, http_client,
    read_answer, with_retries,
};
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, de::DeserializeOwned};
use serde_json::Value;

use super::error::MarketplaceError;
use super::models::{
    Customer, NewCustomer, OrderDetail, OrderRequest, OrderSummary, Product, Subscription,
    Unreadable, read_record,
};

#[derive(Debug, Clone)]
pub struct MarketplaceConfig {
    /// e.g. `https://api.cloud.im/marketplace/eu` (the sandbox: `http://127.0.0.1:8080/sandbox/marketplace`).
    pub base_url: String,
    pub marketplace: String,
    pub username: String,
    pub password: SecretString,
    pub subscription_key: SecretString,
    pub timeout: Duration,
    pub max_retries: u32,
    pub retry_base: Duration,
    pub max_retry_after: Duration,
    /// Items per list page.
    pub page_size: usize,
}

impl MarketplaceConfig {
    pub fn new(
        base_url: &str,
        marketplace: &str,
        username: &str,
        password: SecretString,
        subscription_key: SecretString,
    ) -> Self {
        Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            marketplace: marketplace.to_owned(),
            username: username.to_owned(),
            password,
            subscription_key,
            timeout: Duration::from_secs(30),
            max_retries: 3,
            retry_base: Duration::from_millis(250),
            max_retry_after: Duration::from_secs(120),
            page_size: 100,
        }
    }
}

#[derive(Debug, Clone)]
struct Token {
    value: String,
    /// Renewed from 80 % of its lifetime on.
    renew_at: Instant,
}

#[derive(Deserialize)]
struct TokenInfo {
    token: String,
    #[serde(rename = "expiresInSeconds")]
    expires_in_seconds: u64,
}

#[derive(Deserialize)]
struct ListPage {
    data: Vec<Value>,
    pagination: Pagination,
}

/// A list as read: the records that could be read, and the ones that could not (one bad record
/// never hides the others).
#[derive(Debug, Clone, PartialEq)]
pub struct Listed<T> {
    pub items: Vec<T>,
    pub unreadable: Vec<Unreadable>,
}

#[derive(Deserialize)]
struct Pagination {
    offset: usize,
    limit: usize,
    total: usize,
}

#[derive(Debug)]
pub struct MarketplaceClient {
    http: reqwest::Client,
    config: MarketplaceConfig,
    token: Mutex<Option<Token>>,
    calls: Calls,
}

impl MarketplaceClient {
    pub fn new(config: MarketplaceConfig) -> Result<Self, MarketplaceError> {
        let http = http_client(config.timeout).map_err(MarketplaceError::Transient)?;
        Ok(Self {
            http,
            config,
            token: Mutex::new(None),
            calls: Calls::default(),
        })
    }

    /// Requests sent so far, by "VERB /resource".
    pub fn calls(&self) -> BTreeMap<String, u64> {
        self.calls.snapshot()
    }

    pub fn total_calls(&self) -> u64 {
        self.calls.total()
    }

    fn count(&self, method: &Method, resource: &str) {
        self.calls.count(format!("{method} {resource}"));
    }

    fn forget_token(&self) {
        *self.token.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    async fn token(&self) -> Result<String, MarketplaceError> {
        if let Some(token) = self
            .token
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            && Instant::now() < token.renew_at
        {
            return Ok(token.value.clone());
        }
        self.count(&Method::POST, "/token");
        let response = self
            .http
            .post(format!("{}/token", self.config.base_url))
            .basic_auth(
                &self.config.username,
                Some(self.config.password.expose_secret()),
            )
            .header(
                "X-Subscription-Key",
                self.config.subscription_key.expose_secret(),
            )
            .json(&serde_json::json!({ "marketplace": self.config.marketplace }))
            .send()
            .await
            .map_err(transport)?;
        let info: TokenInfo = match answer(response).await {
            Ok(value) => read_record(value).map_err(MarketplaceError::Unreadable)?,
            Err(MarketplaceError::Auth(m) | MarketplaceError::Rejected { message: m, .. }) => {
                return Err(MarketplaceError::Auth(m));
            }
            Err(e) => return Err(e),
        };
        let renew_at = Instant::now() + Duration::from_secs(info.expires_in_seconds).mul_f64(0.8);
        *self.token.lock().unwrap_or_else(|e| e.into_inner()) = Some(Token {
            value: info.token.clone(),
            renew_at,
        });
        Ok(info.token)
    }

    /// One request with the bearer token; a 401 renews the token once; 429 and 5xx are retried
    /// (a POST only when it was refused unprocessed).
    async fn send(
        &self,
        method: Method,
        path: &str,
        resource: &str,
        body: Option<&Value>,
    ) -> Result<Value, MarketplaceError> {
        let policy = RetryPolicy {
            max_retries: self.config.max_retries,
            retry_base: self.config.retry_base,
            max_retry_after: self.config.max_retry_after,
        };
        let write = method != Method::GET;
        with_retries(
            policy,
            write,
            || self.forget_token(),
            || self.send_once(method.clone(), path, resource, body),
        )
        .await
    }

    async fn send_once(
        &self,
        method: Method,
        path: &str,
        resource: &str,
        body: Option<&Value>,
    ) -> Result<Value, MarketplaceError> {
        let token = self.token().await?;
        self.count(&method, resource);
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.config.base_url))
            .bearer_auth(token)
            .header(
                "X-Subscription-Key",
                self.config.subscription_key.expose_secret(),
            );
        if let Some(body) = body {
            request = request.json(body);
        }
        answer(request.send().await.map_err(transport)?).await
    }

    async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        resource: &str,
    ) -> Result<T, MarketplaceError> {
        let value = self.send(Method::GET, path, resource, None).await?;
        read_record(value).map_err(MarketplaceError::Unreadable)
    }

    /// Every item of a list, page by page, de-duplicated by `id` (a newest-first list shifts
    /// while new items arrive). Each item is read on its own.
    async fn list_all<T: DeserializeOwned>(
        &self,
        resource: &str,
        query: &[(&str, String)],
    ) -> Result<Listed<T>, MarketplaceError> {
        let mut seen = HashSet::new();
        let mut listed = Listed {
            items: Vec::new(),
            unreadable: Vec::new(),
        };
        let mut offset = 0;
        loop {
            let mut params: Vec<(&str, String)> = query.to_vec();
            params.push(("offset", offset.to_string()));
            params.push(("limit", self.config.page_size.to_string()));
            let qs = serde_urlencoded::to_string(&params)
                .map_err(|e| MarketplaceError::Decode(format!("building a query: {e}")))?;
            let page: ListPage = self.get(&format!("{resource}?{qs}"), resource).await?;
            let received = page.data.len();
            for item in page.data {
                if !seen.insert(identity(&item)) {
                    continue;
                }
                match read_record(item) {
                    Ok(item) => listed.items.push(item),
                    Err(unreadable) => listed.unreadable.push(unreadable),
                }
            }
            offset = page.pagination.offset + page.pagination.limit.max(1);
            if received == 0 || offset >= page.pagination.total {
                return Ok(listed);
            }
        }
    }

    /// Orders created in `[from, to]`, newest first, each once.
    pub async fn orders_created_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Listed<OrderSummary>, MarketplaceError> {
        let format = |t: DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
        self.list_all(
            "/orders",
            &[
                ("creationTimeFrom", format(from)),
                ("creationTimeTo", format(to)),
            ],
        )
        .await
    }

    pub async fn order(&self, id: &str) -> Result<OrderDetail, MarketplaceError> {
        self.get(&format!("/orders/{id}"), "/orders/{id}").await
    }

    pub async fn subscription(&self, id: &str) -> Result<Subscription, MarketplaceError> {
        self.get(&format!("/subscriptions/{id}"), "/subscriptions/{id}")
            .await
    }

    pub async fn customer(&self, id: &str) -> Result<Customer, MarketplaceError> {
        self.get(&format!("/customers/{id}"), "/customers/{id}")
            .await
    }

    pub async fn customers(&self) -> Result<Listed<Customer>, MarketplaceError> {
        self.list_all("/customers", &[]).await
    }

    /// The customers carrying this external id (`GET /customers?externalId=`): how an import
    /// finds a customer it created before, even one whose creation answer was lost.
    pub async fn customers_with_external_id(
        &self,
        external_id: &str,
    ) -> Result<Listed<Customer>, MarketplaceError> {
        self.list_all("/customers", &[("externalId", external_id.to_owned())])
            .await
    }

    pub async fn products(&self) -> Result<Listed<Product>, MarketplaceError> {
        self.list_all("/products", &[]).await
    }

    /// Creates a customer (not retried on a timeout: look it up by `externalId` instead).
    pub async fn create_customer(
        &self,
        customer: &NewCustomer,
    ) -> Result<Customer, MarketplaceError> {
        let body =
            serde_json::to_value(customer).map_err(|e| MarketplaceError::Decode(e.to_string()))?;
        let value = self
            .send(Method::POST, "/customers", "/customers", Some(&body))
            .await?;
        read_record(value).map_err(MarketplaceError::Unreadable)
    }

    /// Places an order (used by tests, benchmarks and the demo; the sync itself only reads).
    pub async fn place_order(&self, order: &OrderRequest) -> Result<OrderDetail, MarketplaceError> {
        let body =
            serde_json::to_value(order).map_err(|e| MarketplaceError::Decode(e.to_string()))?;
        let value = self
            .send(Method::POST, "/orders", "/orders", Some(&body))
            .await?;
        read_record(value).map_err(MarketplaceError::Unreadable)
    }
}

/// What tells two list items apart: the `id`, or for catalogue products without one, the
/// whole record (their key is mpn and periods).
fn identity(item: &Value) -> String {
    match item.get("id") {
        Some(Value::String(id)) => id.clone(),
        Some(Value::Number(id)) => id.to_string(),
        _ => item.to_string(),
    }
}

fn transport(e: reqwest::Error) -> MarketplaceError {
    MarketplaceError::Transient(describe_transport_failure(&e))
}

impl Retryable for MarketplaceError {
    fn retry(&self) -> Retry {
        match self {
            MarketplaceError::Auth(_) => Retry::RefreshCredentials,
            MarketplaceError::RateLimited(after) => Retry::After(*after),
            MarketplaceError::Transient(_) => Retry::IfRead,
            _ => Retry::Never,
        }
    }
}

async fn answer(response: reqwest::Response) -> Result<Value, MarketplaceError> {
    let Answer {
        status,
        retry_after,
        headers,
        text,
    } = read_answer(response).await.map_err(transport)?;
    let correlation_id = headers
        .get("x-correlation-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    if status.is_success() {
        return serde_json::from_str(&text).map_err(|e| MarketplaceError::Decode(e.to_string()));
    }
    let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    let message = ["message", "error", "errorMessage"]
        .iter()
        .find_map(|k| body[*k].as_str())
        .map_or_else(|| format!("HTTP {status}"), str::to_owned);
    if !correlation_id.is_empty() {
        tracing::warn!(%status, %correlation_id, %message, "the marketplace refused a request");
    }
    Err(match status {
        StatusCode::UNAUTHORIZED => MarketplaceError::Auth(message),
        StatusCode::NOT_FOUND => MarketplaceError::NotFound,
        StatusCode::TOO_MANY_REQUESTS => {
            MarketplaceError::RateLimited(retry_after.unwrap_or(Duration::from_secs(30)))
        }
        // APIM's 503 may say when to come back; that is a wait, not a failure.
        StatusCode::SERVICE_UNAVAILABLE if retry_after.is_some() => {
            MarketplaceError::RateLimited(retry_after.unwrap_or_default())
        }
        s if s.is_server_error() => MarketplaceError::Transient(format!("HTTP {s}: {message}")),
        s => MarketplaceError::Rejected {
            status: s.as_u16(),
            message,
            correlation_id,
        },
    })
}
