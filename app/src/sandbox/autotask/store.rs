//! The emulator's data: every record as a JSON object keyed by entity and id, kept in one file
//! in the data directory so that it survives restarts.

use std::collections::BTreeMap;

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
        self.tables.get_mut(entity)?.get_mut(&id)
    }

    /// Inserts a record under a fresh id and returns the id.
    pub fn insert(&mut self, entity: &str, mut record: Record) -> i64 {
        let id = self.new_id();
        record.insert("id".into(), Value::from(id));
        self.tables
            .entry(entity.to_owned())
            .or_default()
            .insert(id, record);
        id
    }

    /// Removes a record and returns it.
    pub fn remove(&mut self, entity: &str, id: i64) -> Option<Record> {
        self.tables.get_mut(entity)?.remove(&id)
    }

    pub fn user(&self, username: &str) -> Option<&ApiUser> {
        self.users
            .iter()
            .find(|u| u.username.eq_ignore_ascii_case(username))
    }
}
