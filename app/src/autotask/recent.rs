//! Catalogue records (contracts and services) as the client last read them, kept for a short
//! while so that a person going from one review step to the next does not read the same
//! contract and services again for every task, and thirty people reviewing at once do not queue
//! behind the three thread slots of `Contracts` and `Services` for data that rarely changes.
//!
//! Only the review page reads through it. Sync All and the worker always read Autotask (and
//! what they read replaces what is kept), and Sync All refuses a plan other than the one the
//! page showed, so a record kept here can make a review page out of date by at most
//! [`RECENT_FOR`], never a synced plan.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use serde_json::Value;

/// How long a record read from Autotask is used again by the review page.
pub const RECENT_FOR: Duration = Duration::from_secs(30);

/// Records by entity and id, with when they were read.
#[derive(Debug, Default)]
pub struct RecentRecords {
    kept: Mutex<HashMap<(String, i64), (Instant, Value)>>,
}

impl RecentRecords {
    /// The records of these ids read less than [`RECENT_FOR`] ago, and the ids that were not.
    pub fn find(&self, entity: &str, ids: &[i64]) -> (Vec<Value>, Vec<i64>) {
        let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        let mut found = Vec::new();
        let mut missing = Vec::new();
        for id in ids {
            match kept.get(&(entity.to_owned(), *id)) {
                Some((at, record)) if at.elapsed() < RECENT_FOR => found.push(record.clone()),
                _ => missing.push(*id),
            }
        }
        (found, missing)
    }

    /// Keeps records just read (by their `id`), replacing older ones; forgets those too old to
    /// be used.
    pub fn keep(&self, entity: &str, records: &[Value]) {
        let now = Instant::now();
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept.retain(|_, (at, _)| at.elapsed() < RECENT_FOR);
        for record in records {
            if let Some(id) = record.get("id").and_then(Value::as_i64) {
                kept.insert((entity.to_owned(), id), (now, record.clone()));
            }
        }
    }

    /// Forgets a record (after a write to it).
    pub fn forget(&self, entity: &str, id: i64) {
        self.kept
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&(entity.to_owned(), id));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_kept_record_is_found_and_the_others_are_missing() {
        let recent = RecentRecords::default();
        recent.keep(
            "Services",
            &[json!({"id": 1, "name": "A"}), json!({"id": 2})],
        );
        let (found, missing) = recent.find("Services", &[1, 3]);
        assert_eq!(found, vec![json!({"id": 1, "name": "A"})]);
        assert_eq!(missing, vec![3]);
        let (found, missing) = recent.find("Contracts", &[1]);
        assert!(found.is_empty(), "kept by entity");
        assert_eq!(missing, vec![1]);
    }

    #[test]
    fn a_newer_read_replaces_a_kept_record_and_a_forgotten_one_is_missing() {
        let recent = RecentRecords::default();
        recent.keep("Contracts", &[json!({"id": 7, "status": 1})]);
        recent.keep("Contracts", &[json!({"id": 7, "status": 0})]);
        assert_eq!(
            recent.find("Contracts", &[7]).0,
            vec![json!({"id": 7, "status": 0})]
        );
        recent.forget("Contracts", 7);
        assert_eq!(recent.find("Contracts", &[7]).1, vec![7]);
    }
}
