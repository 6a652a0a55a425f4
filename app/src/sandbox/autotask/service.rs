use std::{path::Path, sync::Mutex};

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
}

impl AutotaskSandbox {
    /// Opens the sandbox whose data lives in `data_dir`, seeding it on first use.
    pub fn open(data_dir: &Path) -> anyhow::Result<Self> {
        let file = JsonFile::in_dir(data_dir, "autotask.json");
        let store = match file.load()? {
            Some(store) => store,
            None => {
                let store = seed::seeded();
                file.save(&store)?;
                store
            }
        };
        Ok(Self::with(file, store))
    }

    /// A sandbox that keeps nothing on disk (for a test that starts one on its own).
    pub fn in_memory() -> Self {
        Self::with(JsonFile::memory(), seed::seeded())
    }

    fn with(file: JsonFile, store: Store) -> Self {
        Self {
            file,
            store: Mutex::new(store),
            faults: Mutex::new(Faults::default()),
            limits: Limits::default(),
        }
    }

    /// Puts the seed back (`psa-sync sandbox reset`).
    pub fn reset(&self) -> anyhow::Result<()> {
        let fresh = seed::seeded();
        self.file.save(&fresh)?;
        *self.lock_store() = fresh;
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

    /// Runs a change on the data and saves it.
    pub fn write<T>(&self, change: impl FnOnce(&mut Store) -> T) -> anyhow::Result<T> {
        let mut store = self.lock_store();
        let result = change(&mut store);
        self.file.save(&*store)?;
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
