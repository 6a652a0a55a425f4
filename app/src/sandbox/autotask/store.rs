//! The emulator's data: every record as a JSON object keyed by entity and id, kept in one file
//! in the data directory so that it survives restarts.

use std::{
    collections::BTreeMap,
    fs,
    path::{Path, PathBuf},
};

use anyhow::Context;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub type Record = Map<String, Value>;

/// An API-only user the emulator accepts.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ApiUser {
    pub username: String,
    pub secret: String,
    pub integration_code: String,
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

    pub fn user(&self, username: &str) -> Option<&ApiUser> {
        self.users
            .iter()
            .find(|u| u.username.eq_ignore_ascii_case(username))
    }
}

/// Where the store lives: a file, or nowhere (tests that start a bare emulator).
#[derive(Debug, Clone)]
pub struct StoreFile {
    path: Option<PathBuf>,
}

impl StoreFile {
    pub fn in_dir(data_dir: &Path) -> Self {
        Self {
            path: Some(data_dir.join("sandbox").join("autotask.json")),
        }
    }

    pub fn memory() -> Self {
        Self { path: None }
    }

    pub fn load(&self) -> anyhow::Result<Option<Store>> {
        let Some(path) = &self.path else {
            return Ok(None);
        };
        if !path.exists() {
            return Ok(None);
        }
        let text =
            fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let store =
            serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        Ok(Some(store))
    }

    /// Writes atomically (temporary file, then rename) so a crash never leaves half a file.
    pub fn save(&self, store: &Store) -> anyhow::Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let tmp = path.with_extension("json.tmp");
        fs::write(&tmp, serde_json::to_vec(store)?)
            .with_context(|| format!("writing {}", tmp.display()))?;
        fs::rename(&tmp, path).with_context(|| format!("replacing {}", path.display()))
    }

    pub fn remove(&self) -> anyhow::Result<()> {
        match &self.path {
            Some(path) if path.exists() => {
                fs::remove_file(path).with_context(|| format!("removing {}", path.display()))
            }
            _ => Ok(()),
        }
    }
}
