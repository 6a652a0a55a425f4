//! The hourly request threshold per database and the thread limit per (integration code,
//! entity) (reference §7), plus switchable faults.

use std::{
    collections::{HashMap, VecDeque},
    sync::Mutex,
    time::{Duration, Instant},
};

use serde::{Deserialize, Serialize};

pub use crate::sandbox::faults::{Injected, Injection};

/// Autotask's switches: its limits, and the faults every sandbox can inject.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Faults {
    /// Requests per rolling window before 429 (Autotask: 10,000 an hour).
    pub threshold: u64,
    /// Multiplies the hour and the added latencies: 0.001 turns the hour into 3.6 s.
    pub time_scale: f64,
    /// Concurrent requests per (integration code, entity).
    pub thread_limit: usize,
    /// Answers thread-threshold and hourly-threshold refusals with HTTP 500 and the `errors`
    /// array instead of 429, as clients report Autotask sometimes does (reference §8.9.3).
    pub limit_refusals_as_500: bool,
    #[serde(flatten)]
    pub injected: Injection,
}

impl Default for Faults {
    fn default() -> Self {
        Self {
            threshold: 10_000,
            time_scale: 1.0,
            thread_limit: 3,
            limit_refusals_as_500: false,
            injected: Injection::default(),
        }
    }
}

impl Faults {
    pub fn window(&self) -> Duration {
        Duration::from_secs_f64(3600.0 * self.time_scale.max(0.0))
    }

    pub fn scaled(&self, base: Duration) -> Duration {
        base.mul_f64(self.time_scale.max(0.0))
    }
}

/// The outcome of counting one request against the hourly threshold.
#[derive(Debug, Clone, Copy)]
pub enum Budget {
    Allowed { added_latency: Duration },
    Exceeded { retry_after: Duration },
}

#[derive(Debug, Default)]
pub struct Limits {
    requests: Mutex<VecDeque<Instant>>,
    in_flight: Mutex<HashMap<(String, String), usize>>,
    observed: Mutex<Observed>,
}

/// What the limits saw, for tests and benchmarks to check a client against.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Observed {
    /// The most requests that were in flight at once, per thread bucket (lower-case entity).
    pub peak_in_flight: std::collections::BTreeMap<String, usize>,
    /// Requests refused for the thread limit.
    pub thread_refusals: u64,
    /// `zoneInformation` lookups answered.
    pub zone_lookups: u64,
    /// The most requests counted in one rolling window.
    pub peak_usage: u64,
}

impl Limits {
    /// Requests in the current window.
    pub fn usage(&self, faults: &Faults) -> u64 {
        let mut requests = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        prune(&mut requests, faults.window());
        requests.len() as u64
    }

    /// Counts a request; beyond the threshold it is refused (and not counted).
    pub fn count(&self, faults: &Faults) -> Budget {
        let mut requests = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        let window = faults.window();
        prune(&mut requests, window);
        let used = requests.len() as u64;
        if used >= faults.threshold {
            let oldest = requests.front().copied().unwrap_or_else(Instant::now);
            let retry_after = (oldest + window).saturating_duration_since(Instant::now());
            return Budget::Exceeded { retry_after };
        }
        requests.push_back(Instant::now());
        {
            let mut observed = self.observed.lock().unwrap_or_else(|e| e.into_inner());
            observed.peak_usage = observed.peak_usage.max(used + 1);
        }
        let share = (used + 1) as f64 / faults.threshold.max(1) as f64;
        let added_latency = if share >= 0.75 {
            faults.scaled(Duration::from_secs(1))
        } else if share >= 0.5 {
            faults.scaled(Duration::from_millis(500))
        } else {
            Duration::ZERO
        };
        Budget::Allowed { added_latency }
    }

    pub fn reset(&self) {
        self.requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        *self.observed.lock().unwrap_or_else(|e| e.into_inner()) = Observed::default();
    }

    /// Takes a thread slot, or `false` when `limit` requests are already in flight.
    pub fn enter(&self, integration_code: &str, entity: &str, limit: usize) -> bool {
        let mut in_flight = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        let slot = in_flight
            .entry((
                integration_code.to_ascii_lowercase(),
                entity.to_ascii_lowercase(),
            ))
            .or_insert(0);
        let mut observed = self.observed.lock().unwrap_or_else(|e| e.into_inner());
        if *slot >= limit {
            observed.thread_refusals += 1;
            return false;
        }
        *slot += 1;
        let peak = observed
            .peak_in_flight
            .entry(entity.to_ascii_lowercase())
            .or_insert(0);
        *peak = (*peak).max(*slot);
        true
    }

    /// Counts a `zoneInformation` lookup.
    pub fn zone_lookup(&self) {
        self.observed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .zone_lookups += 1;
    }

    /// What the limits saw since the start (or the last reset).
    pub fn observed(&self) -> Observed {
        self.observed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn leave(&self, integration_code: &str, entity: &str) {
        let mut in_flight = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(slot) = in_flight.get_mut(&(
            integration_code.to_ascii_lowercase(),
            entity.to_ascii_lowercase(),
        )) {
            *slot = slot.saturating_sub(1);
        }
    }
}

fn prune(requests: &mut VecDeque<Instant>, window: Duration) {
    let now = Instant::now();
    while requests
        .front()
        .is_some_and(|t| now.duration_since(*t) >= window)
    {
        requests.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latency_is_added_from_half_and_three_quarters_of_the_threshold() {
        let limits = Limits::default();
        let faults = Faults {
            threshold: 8,
            ..Faults::default()
        };
        let latencies: Vec<Duration> = (0..8)
            .map(|_| match limits.count(&faults) {
                Budget::Allowed { added_latency } => added_latency,
                Budget::Exceeded { .. } => panic!("refused too early"),
            })
            .collect();
        let ms: Vec<u128> = latencies.iter().map(Duration::as_millis).collect();
        assert_eq!(ms, [0, 0, 0, 500, 500, 1000, 1000, 1000]);
        assert!(matches!(limits.count(&faults), Budget::Exceeded { .. }));
        assert_eq!(limits.usage(&faults), 8, "refused requests are not counted");
    }

    #[test]
    fn a_fourth_slot_is_refused_until_one_is_left() {
        let limits = Limits::default();
        assert!((0..3).all(|_| limits.enter("CODE", "Companies", 3)));
        assert!(!limits.enter("code", "companies", 3));
        assert!(
            limits.enter("CODE", "Contracts", 3),
            "another entity has its own slots"
        );
        limits.leave("CODE", "Companies");
        assert!(limits.enter("CODE", "Companies", 3));
    }
}
