//! The emulator's data: every record as a JSON object keyed by entity and id, kept in one file
//! in the data directory so that it survives restarts.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub type Record = Map<String, Value>;

/// Why Autotask refused a write: the messages of its `{"errors": [...]}` answer.
pub type Refusal = Vec<String>;

/// Parses the date-time forms clients send: `2025-03-15T00:00:00Z`, with fractions, without a
/// zone (taken as UTC), or a bare date.
pub fn parse_datetime(text: &str) -> Option<NaiveDateTime> {
    let text = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Some(dt.with_timezone(&Utc).naive_utc());
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(text, format) {
            return Some(dt);
        }
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
}

/// A date-time field's calendar date (adjustment dates carry no time zone, reference §5.4).
pub fn date_of(record: &Record, field: &str) -> Option<NaiveDate> {
    record
        .get(field)
        .and_then(Value::as_str)
        .and_then(parse_datetime)
        .map(|dt| dt.date())
}

/// Now, as Autotask writes the date-times it sets.
pub fn timestamp() -> Value {
    Value::from(Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

pub fn int_of(record: &Record, field: &str) -> Option<i64> {
    record
        .get(field)
        .and_then(|v| v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)))
}

/// An API-only user the emulator accepts.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ApiUser {
    pub username: String,
    pub secret: String,
    pub integration_code: String,
    /// The Resource the API user acts as (creator of what it creates). Older data files lack it.
    #[serde(default)]
    pub resource_id: Option<i64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Store {
    pub next_id: i64,
    pub users: Vec<ApiUser>,
    /// Entity name → id → record.
    pub tables: BTreeMap<String, BTreeMap<i64, Record>>,
    /// Records inserted, handed out for change or removed since the last `take_changes`.
    #[serde(skip)]
    pub touched: BTreeSet<(String, i64)>,
}

/// What one write changed, as the sandbox appends it to its log: each touched record as it is
/// now (`None` when removed). Replaying it is idempotent.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Changes {
    pub next_id: i64,
    pub records: Vec<(String, i64, Option<Record>)>,
}

impl Store {
    pub fn new_id(&mut self) -> i64 {
        self.next_id += 1;
        self.next_id
    }

    pub fn table(&self, entity: &str) -> impl Iterator<Item = &Record> {
        self.tables.get(entity).into_iter().flat_map(|t| t.values())
    }

    pub fn get(&self, entity: &str, id: i64) -> Option<&Record> {
        self.tables.get(entity)?.get(&id)
    }

    pub fn get_mut(&mut self, entity: &str, id: i64) -> Option<&mut Record> {
        let record = self.tables.get_mut(entity)?.get_mut(&id)?;
        self.touched.insert((entity.to_owned(), id));
        Some(record)
    }

    /// Inserts a record under a fresh id and returns the id.
    pub fn insert(&mut self, entity: &str, mut record: Record) -> i64 {
        let id = self.new_id();
        record.insert("id".into(), Value::from(id));
        self.tables
            .entry(entity.to_owned())
            .or_default()
            .insert(id, record);
        self.touched.insert((entity.to_owned(), id));
        id
    }

    /// Removes a record and returns it.
    pub fn remove(&mut self, entity: &str, id: i64) -> Option<Record> {
        self.touched.insert((entity.to_owned(), id));
        self.tables.get_mut(entity)?.remove(&id)
    }

    /// What changed since the last call, or `None` when nothing did.
    pub fn take_changes(&mut self) -> Option<Changes> {
        if self.touched.is_empty() {
            return None;
        }
        let records = std::mem::take(&mut self.touched)
            .into_iter()
            .map(|(entity, id)| {
                let now = self.get(&entity, id).cloned();
                (entity, id, now)
            })
            .collect();
        Some(Changes {
            next_id: self.next_id,
            records,
        })
    }

    /// Puts back what a logged write changed.
    pub fn replay(&mut self, changes: Changes) {
        self.next_id = self.next_id.max(changes.next_id);
        for (entity, id, record) in changes.records {
            let table = self.tables.entry(entity).or_default();
            match record {
                Some(record) => table.insert(id, record),
                None => table.remove(&id),
            };
        }
    }

    pub fn user(&self, username: &str) -> Option<&ApiUser> {
        self.users
            .iter()
            .find(|u| u.username.eq_ignore_ascii_case(username))
    }
}
