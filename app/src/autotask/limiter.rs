//! Keeps the client within Autotask's limits (reference §7): at most three requests in flight
//! per entity (the thread limit applies per integration code and entity; a contract child URL
//! such as `/Contracts/{id}/Charges` takes a slot of `Contracts`, reference §8.9.2), and a pace
//! that slows from 50 % of the hourly threshold, as Autotask itself does. The budget is seeded from
//! `ThresholdInformation` and counted locally in between.
//!
//! Sharing both limits between several nodes through the database is not done here yet.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Requests per entity that may be in flight at once.
pub const THREADS_PER_ENTITY: usize = 3;

#[derive(Debug)]
struct Budget {
    threshold: u64,
    /// Usage Autotask reported, and when.
    reported: u64,
    reported_at: Option<Instant>,
    /// Requests sent since that report.
    since: u64,
}

#[derive(Debug)]
pub struct Limiter {
    entities: Mutex<HashMap<String, Arc<Semaphore>>>,
    budget: Mutex<Budget>,
    /// 1.0 waits 0.5 s from 50 % and 1 s from 75 %; tests scale it down.
    pace_scale: f64,
}

impl Limiter {
    pub fn new(pace_scale: f64) -> Self {
        Self {
            entities: Mutex::new(HashMap::new()),
            budget: Mutex::new(Budget {
                threshold: 10_000,
                reported: 0,
                reported_at: None,
                since: 0,
            }),
            pace_scale,
        }
    }

    /// Waits for a slot for this entity; the slot is held until the permit is dropped.
    /// `None` only if the semaphore were closed, which this module never does.
    pub async fn slot(&self, entity: &str) -> Option<OwnedSemaphorePermit> {
        let semaphore = {
            let mut entities = self.entities.lock().unwrap_or_else(|e| e.into_inner());
            entities
                .entry(entity.to_ascii_lowercase())
                .or_insert_with(|| Arc::new(Semaphore::new(THREADS_PER_ENTITY)))
                .clone()
        };
        semaphore.acquire_owned().await.ok()
    }

    /// Counts a request about to be sent and says how long to wait first.
    pub fn pace(&self) -> Duration {
        let mut budget = self.budget.lock().unwrap_or_else(|e| e.into_inner());
        budget.since += 1;
        let share = (budget.reported + budget.since) as f64 / budget.threshold.max(1) as f64;
        let base = if share >= 0.75 {
            Duration::from_secs(1)
        } else if share >= 0.5 {
            Duration::from_millis(500)
        } else {
            Duration::ZERO
        };
        base.mul_f64(self.pace_scale.max(0.0))
    }

    /// Takes Autotask's own count (from `ThresholdInformation`).
    pub fn report(&self, threshold: u64, used: u64) {
        let mut budget = self.budget.lock().unwrap_or_else(|e| e.into_inner());
        *budget = Budget {
            threshold: threshold.max(1),
            reported: used,
            reported_at: Some(Instant::now()),
            since: 0,
        };
    }

    /// Whether the budget should be refreshed from `ThresholdInformation` (never read, or 250
    /// requests or 5 minutes since).
    pub fn needs_report(&self) -> bool {
        let budget = self.budget.lock().unwrap_or_else(|e| e.into_inner());
        match budget.reported_at {
            None => true,
            Some(at) => budget.since >= 250 || at.elapsed() >= Duration::from_secs(300),
        }
    }

    /// (threshold, estimated usage).
    pub fn usage(&self) -> (u64, u64) {
        let budget = self.budget.lock().unwrap_or_else(|e| e.into_inner());
        (budget.threshold, budget.reported + budget.since)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pacing_starts_at_half_the_threshold_and_doubles_at_three_quarters() {
        let limiter = Limiter::new(1.0);
        limiter.report(100, 48);
        assert_eq!(limiter.pace(), Duration::ZERO, "49 of 100");
        assert_eq!(limiter.pace(), Duration::from_millis(500), "50 of 100");
        limiter.report(100, 74);
        assert_eq!(limiter.pace(), Duration::from_secs(1), "75 of 100");
        assert_eq!(limiter.usage(), (100, 75));
    }

    #[test]
    fn the_budget_is_refreshed_after_250_requests() {
        let limiter = Limiter::new(0.0);
        assert!(limiter.needs_report());
        limiter.report(10_000, 0);
        for _ in 0..249 {
            limiter.pace();
        }
        assert!(!limiter.needs_report());
        limiter.pace();
        assert!(limiter.needs_report());
    }
}
