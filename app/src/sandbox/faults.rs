//! Faults any sandbox can inject, switched by tests or through its `_control` endpoint.

use serde::{Deserialize, Serialize};

/// What a request runs into before it is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Injected {
    None,
    ServerError,
    RateLimited,
    Timeout,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Injection {
    /// Added to every request, in milliseconds.
    pub latency_ms: u64,
    /// How long a "timeout" or a lost answer holds the connection before giving up.
    pub hold_ms: u64,
    /// Probabilities (0–1) for benchmarks and demos.
    pub error_rate: f64,
    pub rate_limit_rate: f64,
    pub timeout_rate: f64,
    pub lose_answer_rate: f64,
    /// Deterministic one-shots for tests: the next N requests fail that way.
    pub fail_next: u32,
    /// Lets this many requests through before `fail_next` and the others apply (a failure in
    /// the middle of a run).
    pub fail_after: u32,
    pub rate_limit_next: u32,
    pub timeout_next: u32,
    /// The next N writes are applied but their answer is lost.
    pub lose_next_answer: u32,
}

impl Default for Injection {
    fn default() -> Self {
        Self {
            latency_ms: 0,
            hold_ms: 30_000,
            error_rate: 0.0,
            rate_limit_rate: 0.0,
            timeout_rate: 0.0,
            lose_answer_rate: 0.0,
            fail_next: 0,
            fail_after: 0,
            rate_limit_next: 0,
            timeout_next: 0,
            lose_next_answer: 0,
        }
    }
}

impl Injection {
    fn roll(rate: f64) -> bool {
        rate > 0.0 && rand::random::<f64>() < rate
    }

    /// Takes the fault (if any) this request meets.
    pub fn next_fault(&mut self) -> Injected {
        if self.fail_after > 0 {
            self.fail_after -= 1;
            return Injected::None;
        }
        if self.fail_next > 0 {
            self.fail_next -= 1;
            return Injected::ServerError;
        }
        if self.rate_limit_next > 0 {
            self.rate_limit_next -= 1;
            return Injected::RateLimited;
        }
        if self.timeout_next > 0 {
            self.timeout_next -= 1;
            return Injected::Timeout;
        }
        if Self::roll(self.error_rate) {
            Injected::ServerError
        } else if Self::roll(self.rate_limit_rate) {
            Injected::RateLimited
        } else if Self::roll(self.timeout_rate) {
            Injected::Timeout
        } else {
            Injected::None
        }
    }

    /// Whether this write's answer is to be lost.
    pub fn lose_answer(&mut self) -> bool {
        if self.lose_next_answer > 0 {
            self.lose_next_answer -= 1;
            return true;
        }
        Self::roll(self.lose_answer_rate)
    }
}
