use std::{
    path::Path,
    sync::{
        Mutex,
        atomic::{AtomicUsize, Ordering},
    },
};

use super::charges;
use super::limits::{Faults, Limits};
use super::seed;
use super::store::Store;
use crate::sandbox::file::JsonFile;

/// The emulator's state: its data (kept in the data directory), limits and faults.
#[derive(Debug)]
pub struct AutotaskSandbox {
    file: JsonFile,
    pub(super) store: Mutex<Store>,
    pub(super) faults: Mutex<Faults>,
    pub(super) limits: Limits,
    /// Writes appended to the log since the data file was last saved.
    logged: AtomicUsize,
}

/// Writes logged before the log is folded into the data file.
const LOG_FOLD: usize = 2_000;

impl AutotaskSandbox {
    /// Opens the sandbox whose data lives in `data_dir`, seeding it on first use.
    pub fn open(data_dir: &Path) -> anyhow::Result<Self> {
        let file = JsonFile::in_dir(data_dir, "autotask.json");
        let mut store = match file.load()? {
            Some(store) => store,
            None => seed::seeded(),
        };
        for changes in file.log()? {
            store.replay(changes);
        }
        file.save(&store)?;
        Ok(Self::with(file, store))
    }

    /// A sandbox that keeps nothing on disk (for a test that starts one on its own).
    pub fn in_memory() -> Self {
        Self::with(JsonFile::memory(), seed::seeded())
    }

    fn with(file: JsonFile, mut store: Store) -> Self {
        store.touched.clear();
        Self {
            file,
            store: Mutex::new(store),
            faults: Mutex::new(Faults::default()),
            limits: Limits::default(),
            logged: AtomicUsize::new(0),
        }
    }

    /// Puts the seed back (`psa-sync sandbox reset`).
    pub fn reset(&self) -> anyhow::Result<()> {
        let mut fresh = seed::seeded();
        fresh.touched.clear();
        let mut store = self.lock_store();
        self.file.save(&fresh)?;
        self.logged.store(0, Ordering::Relaxed);
        *store = fresh;
        drop(store);
        self.limits.reset();
        *self.faults.lock().unwrap_or_else(|e| e.into_inner()) = Faults::default();
        Ok(())
    }

    /// What the limits saw: peak requests in flight per bucket, thread refusals, zone lookups.
    pub fn observed(&self) -> super::limits::Observed {
        self.limits.observed()
    }

    pub fn faults(&self) -> Faults {
        self.faults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn set_faults(&self, faults: Faults) {
        *self.faults.lock().unwrap_or_else(|e| e.into_inner()) = faults;
    }

    /// Changes some fault switches in place.
    pub fn update_faults(&self, change: impl FnOnce(&mut Faults)) {
        change(&mut self.faults.lock().unwrap_or_else(|e| e.into_inner()));
    }

    pub(super) fn lock_store(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs a change on the data and keeps it: appended to the log, which is folded into the
    /// data file every `LOG_FOLD` writes.
    pub fn write<T>(&self, change: impl FnOnce(&mut Store) -> T) -> anyhow::Result<T> {
        let mut store = self.lock_store();
        let result = change(&mut store);
        let Some(changes) = store.take_changes() else {
            return Ok(result);
        };
        if !self.file.is_kept() {
            return Ok(result);
        }
        let logged = self.logged.fetch_add(1, Ordering::Relaxed) + 1;
        if logged >= LOG_FOLD {
            self.file.save(&*store)?;
            self.logged.store(0, Ordering::Relaxed);
        } else {
            self.file.append(&changes)?;
        }
        Ok(result)
    }

    /// Marks a charge billed, as Autotask's Approve and Post would (the API cannot): from then
    /// on it can be neither updated nor deleted. `false` when there is no such charge.
    pub fn bill_charge(&self, id: i64) -> anyhow::Result<bool> {
        self.write(|store| charges::bill(store, id))
    }

    /// Reads the data.
    pub fn read<T>(&self, look: impl FnOnce(&Store) -> T) -> T {
        look(&self.lock_store())
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use serde_json::{Map, Value, json};

    use super::*;

    fn company(name: &str) -> Map<String, Value> {
        json!({"companyName": name, "companyType": 1})
            .as_object()
            .cloned()
            .unwrap_or_default()
    }

    fn names(sandbox: &AutotaskSandbox) -> Vec<String> {
        sandbox.read(|store| {
            store
                .table("Companies")
                .filter_map(|c| c.get("companyName")?.as_str().map(str::to_owned))
                .filter(|n| n.starts_with("Logged"))
                .collect()
        })
    }

    #[test]
    fn writes_survive_a_reopen_through_the_log_and_a_torn_last_line_is_ignored() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let sandbox = AutotaskSandbox::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let kept = sandbox
            .write(|s| s.insert("Companies", company("Logged kept")))
            .unwrap_or_else(|e| panic!("{e}"));
        let gone = sandbox
            .write(|s| s.insert("Companies", company("Logged gone")))
            .unwrap_or_else(|e| panic!("{e}"));
        sandbox
            .write(|s| {
                if let Some(c) = s.get_mut("Companies", kept) {
                    c.insert("companyName".into(), Value::from("Logged renamed"));
                }
                s.remove("Companies", gone);
            })
            .unwrap_or_else(|e| panic!("{e}"));
        let next_id = sandbox.read(|s| s.next_id);
        drop(sandbox);
        let log = dir.path().join("sandbox").join("autotask.log");
        assert_eq!(
            std::fs::read_to_string(&log)
                .unwrap_or_default()
                .lines()
                .count(),
            3,
            "one line per write"
        );
        std::fs::OpenOptions::new()
            .append(true)
            .open(&log)
            .and_then(|mut f| f.write_all(b"{\"next_id\": 9, \"reco"))
            .unwrap_or_else(|e| panic!("{e}"));

        let again = AutotaskSandbox::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(names(&again), vec!["Logged renamed".to_owned()]);
        assert_eq!(again.read(|s| s.next_id), next_id);
        assert!(!log.exists(), "opening folds the log into the data file");
        let fresh = again
            .write(|s| s.insert("Companies", company("Logged later")))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(fresh, next_id + 1, "ids are never handed out twice");
    }

    #[test]
    fn the_log_is_folded_into_the_data_file_every_few_thousand_writes() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let sandbox = AutotaskSandbox::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        for n in 0..LOG_FOLD + 3 {
            sandbox
                .write(|s| s.insert("Companies", company(&format!("Logged {n}"))))
                .unwrap_or_else(|e| panic!("{e}"));
        }
        let log = dir.path().join("sandbox").join("autotask.log");
        assert_eq!(
            std::fs::read_to_string(&log)
                .unwrap_or_default()
                .lines()
                .count(),
            3
        );
        drop(sandbox);
        let again = AutotaskSandbox::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(names(&again).len(), LOG_FOLD + 3);
    }
}
