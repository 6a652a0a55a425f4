//! The client of one Autotask tenant: zone discovery, authentication headers, the limiter, the
//! shared retry loop, and the picklists resolved when it first connects. The operations on
//! entities are in `operations.rs`.

use std::{
    collections::BTreeMap,
    sync::{Arc, RwLock},
    time::{Duration, Instant},
};

use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::Value;
use tokio::sync::OnceCell;
use tracing::Instrument;

use super::answer::{answer, decode, transport_error};
use super::error::AutotaskError;
use super::limiter::Limiter;
use super::models::ThresholdInfo;
use super::picklists::Picklists;
use super::recent::RecentRecords;
use crate::transport::{Calls, RetryPolicy, http_client, with_retries};

/// How to reach one Autotask tenant.
#[derive(Debug, Clone)]
pub struct AutotaskConfig {
    /// Where zone discovery starts, e.g. `https://webservices.autotask.net/atservicesrest`
    /// (the sandbox: `http://127.0.0.1:8080/sandbox/autotask/atservicesrest`).
    pub entry_url: String,
    pub username: String,
    pub secret: SecretString,
    pub integration_code: String,
    /// Per-request timeout.
    pub timeout: Duration,
    /// Further attempts after a retryable failure.
    pub max_retries: u32,
    /// First back-off after a thread-limit or transient failure (doubles each time).
    pub retry_base: Duration,
    /// The longest `Retry-After` honoured before giving up with `RateLimited`.
    pub max_retry_after: Duration,
    /// Scales the limiter's pacing (1.0 in production).
    pub pace_scale: f64,
}

impl AutotaskConfig {
    pub fn new(
        entry_url: &str,
        username: &str,
        secret: SecretString,
        integration_code: &str,
    ) -> Self {
        Self {
            entry_url: entry_url.trim_end_matches('/').to_owned(),
            username: username.to_owned(),
            secret,
            integration_code: integration_code.to_owned(),
            timeout: Duration::from_secs(30),
            max_retries: 3,
            retry_base: Duration::from_millis(250),
            max_retry_after: Duration::from_secs(120),
            pace_scale: 1.0,
        }
    }
}

/// The answer of `zoneInformation` (reference §1.1).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Zone {
    #[serde(rename = "zoneName")]
    pub zone_name: String,
    pub url: String,
    #[serde(rename = "webUrl", default)]
    pub web_url: Option<String>,
    #[serde(default)]
    pub ci: Option<i64>,
}

/// One page of a query.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_page_url: Option<String>,
}

/// What the settings page shows after **Test**.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectionReport {
    pub zone_name: String,
    pub zone_url: String,
    pub api_user: String,
    pub threshold: u64,
    pub used: u64,
}

/// What one request is counted as, and the thread-limit bucket it takes a slot of.
#[derive(Debug, Clone, Copy)]
pub(super) struct Target<'a> {
    entity: &'a str,
    bucket: &'a str,
}

impl<'a> Target<'a> {
    /// A request on the entity's own URL: counted under it, one of its threads.
    pub(super) fn entity(entity: &'a str) -> Self {
        Self {
            entity,
            bucket: entity,
        }
    }
}

impl Target<'static> {
    /// A request on `/Contracts/{id}/<child>`: counted under the child entity, but one of the
    /// *parent's* threads (reference §8.9.2), so children and `Contracts` share three slots.
    pub(super) fn contract_child(child: ContractChild) -> Self {
        Self {
            entity: child.entity(),
            bucket: CONTRACTS,
        }
    }
}

/// The parent of every contract child URL.
const CONTRACTS: &str = "Contracts";

/// Zone answers are kept this long (clients keep them 12–24 h; a 401 refreshes early).
const ZONE_TTL: Duration = Duration::from_secs(12 * 3600);
/// Batch size of `in` filters.
pub const IN_BATCH: usize = 500;

/// One Autotask tenant, as one reseller reaches it. Keep one per reseller for the life of the
/// process (`domain::connections::Connections`): the zone, the picklists, the hourly budget and
/// the three thread slots per entity are the client's, and must be shared by all its callers.
#[derive(Debug)]
pub struct AutotaskClient {
    pub(super) http: reqwest::Client,
    pub(super) config: AutotaskConfig,
    zone: RwLock<Option<(Zone, Instant)>>,
    zone_lookup: tokio::sync::Mutex<()>,
    budget_refresh: tokio::sync::Mutex<()>,
    limiter: Limiter,
    calls: Calls,
    pub(super) picklist_cache: OnceCell<Arc<Picklists>>,
    /// Contracts and services as last read, for the review page.
    pub(super) recent: RecentRecords,
}

impl AutotaskClient {
    pub fn new(config: AutotaskConfig) -> Result<Self, AutotaskError> {
        let http = http_client(config.timeout).map_err(AutotaskError::Transient)?;
        let limiter = Limiter::new(config.pace_scale);
        Ok(Self {
            http,
            config,
            zone: RwLock::new(None),
            zone_lookup: tokio::sync::Mutex::new(()),
            budget_refresh: tokio::sync::Mutex::new(()),
            limiter,
            calls: Calls::default(),
            picklist_cache: OnceCell::new(),
            recent: RecentRecords::default(),
        })
    }

    /// Requests sent so far, by "Entity VERB".
    pub fn calls(&self) -> BTreeMap<String, u64> {
        self.calls.snapshot()
    }

    /// Total requests sent so far.
    pub fn total_calls(&self) -> u64 {
        self.calls.total()
    }

    fn retry_policy(&self) -> RetryPolicy {
        RetryPolicy {
            max_retries: self.config.max_retries,
            retry_base: self.config.retry_base,
            max_retry_after: self.config.max_retry_after,
        }
    }

    /// The tenant's zone, discovered once and cached (no authentication needed).
    pub async fn zone(&self) -> Result<Zone, AutotaskError> {
        if let Some(zone) = self.cached_zone() {
            return Ok(zone);
        }
        // One lookup at a time: callers arriving together wait for it instead of each asking.
        let _lookup = self.zone_lookup.lock().await;
        if let Some(zone) = self.cached_zone() {
            return Ok(zone);
        }
        let query = serde_urlencoded::to_string([("user", &self.config.username)])
            .map_err(|e| AutotaskError::Decode(format!("the API user name: {e}")))?;
        let url = format!("{}/v1.0/zoneInformation?{query}", self.config.entry_url);
        self.calls.count("ZoneInformation GET".into());
        let response = self.http.get(&url).send().await.map_err(transport_error)?;
        let value = answer(response).await?;
        let zone: Zone =
            serde_json::from_value(value).map_err(|e| AutotaskError::Decode(e.to_string()))?;
        *self.zone.write().unwrap_or_else(|e| e.into_inner()) =
            Some((zone.clone(), Instant::now()));
        Ok(zone)
    }

    fn cached_zone(&self) -> Option<Zone> {
        self.zone
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .filter(|(_, at)| at.elapsed() < ZONE_TTL)
            .map(|(zone, _)| zone.clone())
    }

    fn forget_zone(&self) {
        *self.zone.write().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// `https://webservicesN.autotask.net/ATServicesRest/V1.0` for the tenant's zone.
    pub(super) async fn base(&self) -> Result<String, AutotaskError> {
        let zone = self.zone().await?;
        Ok(format!("{}/V1.0", zone.url.trim_end_matches('/')))
    }

    /// Sends one request with the limits, retries and error mapping. `target` says what the
    /// request is counted as and which thread-limit bucket it takes; `write` marks requests that
    /// must not be repeated blindly.
    pub(super) async fn send(
        &self,
        method: Method,
        url: &str,
        target: Target<'_>,
        body: Option<&Value>,
        write: bool,
    ) -> Result<Value, AutotaskError> {
        let span = tracing::debug_span!(
            "autotask",
            entity = target.entity,
            bucket = target.bucket,
            method = %method
        );
        with_retries(
            self.retry_policy(),
            write,
            || self.forget_zone(),
            || self.send_once(method.clone(), url, target, body),
        )
        .instrument(span)
        .await
    }

    async fn send_once(
        &self,
        method: Method,
        url: &str,
        target: Target<'_>,
        body: Option<&Value>,
    ) -> Result<Value, AutotaskError> {
        let _slot = self
            .limiter
            .slot(target.bucket)
            .await
            .ok_or_else(|| AutotaskError::Transient("the request limiter is closed".into()))?;
        let pause = self.limiter.pace();
        if !pause.is_zero() {
            tokio::time::sleep(pause).await;
        }
        self.calls.count(format!("{} {method}", target.entity));
        let mut request = self
            .http
            .request(method, url)
            .header("ApiIntegrationCode", &self.config.integration_code)
            .header("UserName", &self.config.username)
            .header("Secret", self.config.secret.expose_secret());
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.map_err(transport_error)?;
        answer(response).await
    }

    /// Reads `ThresholdInformation` and feeds it to the limiter.
    pub async fn threshold(&self) -> Result<ThresholdInfo, AutotaskError> {
        let url = format!("{}/ThresholdInformation", self.base().await?);
        let value = self
            .send(
                Method::GET,
                &url,
                Target::entity("ThresholdInformation"),
                None,
                false,
            )
            .await?;
        let info: ThresholdInfo = decode(value)?;
        self.limiter.report(
            info.external_request_threshold,
            info.current_timeframe_request_count,
        );
        Ok(info)
    }

    pub(super) async fn keep_budget(&self) -> Result<(), AutotaskError> {
        if !self.limiter.needs_report() {
            return Ok(());
        }
        let _refresh = self.budget_refresh.lock().await;
        if self.limiter.needs_report() {
            self.threshold().await?;
        }
        Ok(())
    }
}

/// The child collections of a contract that are written through `/Contracts/{id}/…`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContractChild {
    Services,
    ServiceAdjustments,
    Charges,
}

impl ContractChild {
    fn segment(self) -> &'static str {
        match self {
            ContractChild::Services => "Services",
            ContractChild::ServiceAdjustments => "ServiceAdjustments",
            ContractChild::Charges => "Charges",
        }
    }

    /// `Contracts/{contract}/<segment>`.
    pub(super) fn path(self, contract: i64) -> String {
        format!("{CONTRACTS}/{contract}/{}", self.segment())
    }

    /// The entity behind the segment, which calls are counted under (their thread-limit bucket
    /// is the parent's, see [`Target::contract_child`]).
    pub(super) fn entity(self) -> &'static str {
        match self {
            ContractChild::Services => "ContractServices",
            ContractChild::ServiceAdjustments => "ContractServiceAdjustments",
            ContractChild::Charges => "ContractCharges",
        }
    }
}
