//! The emulator's data: every record as a JSON object keyed by entity and id, kept in one file
//! in the data directory so that it survives restarts.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub type Record = Map<String, Value>;

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
