//! Prometheus metrics: requests by route and status, jobs by state.

use prometheus::{Encoder, IntCounterVec, IntGaugeVec, Opts, Registry, TextEncoder};

#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    http_requests: IntCounterVec,
    jobs: IntCounterVec,
    jobs_running: IntGaugeVec,
}

impl Metrics {
    pub fn new() -> anyhow::Result<Self> {
        let registry = Registry::new();
        let http_requests = IntCounterVec::new(
            Opts::new(
                "psa_sync_http_requests_total",
                "HTTP requests by route and status",
            ),
            &["method", "route", "status"],
        )?;
        let jobs = IntCounterVec::new(
            Opts::new(
                "psa_sync_jobs_total",
                "Background jobs by job and final state",
            ),
            &["job", "state"],
        )?;
        let jobs_running = IntGaugeVec::new(
            Opts::new(
                "psa_sync_jobs_running",
                "Background jobs running on this node",
            ),
            &["job"],
        )?;
        registry.register(Box::new(http_requests.clone()))?;
        registry.register(Box::new(jobs.clone()))?;
        registry.register(Box::new(jobs_running.clone()))?;
        Ok(Self {
            registry,
            http_requests,
            jobs,
            jobs_running,
        })
    }

    /// Counts a request. `route` is the matched pattern (or `unmatched`), so paths add no label
    /// values; methods outside HTTP's standard ones are counted as `OTHER` for the same reason.
    pub fn record_request(&self, method: &str, route: &str, status: u16) {
        self.http_requests
            .with_label_values(&[method_label(method), route, &status.to_string()])
            .inc();
    }

    pub fn job_started(&self, job: &str) {
        self.jobs_running.with_label_values(&[job]).inc();
    }

    pub fn job_finished(&self, job: &str, state: &str) {
        self.jobs_running.with_label_values(&[job]).dec();
        self.jobs.with_label_values(&[job, state]).inc();
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> anyhow::Result<String> {
        let mut buffer = Vec::new();
        TextEncoder::new()
            .encode(&self.registry.gather(), &mut buffer)
            .map_err(|e| anyhow::anyhow!("encoding the metrics: {e}"))?;
        Ok(String::from_utf8(buffer)?)
    }
}

/// The standard methods by name, any other one as `OTHER` (a client chooses the method).
fn method_label(method: &str) -> &str {
    match method {
        "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" => method,
        _ => "OTHER",
    }
}
