use std::{path::Path, sync::Mutex};

use chrono::Utc;
use serde::{Deserialize, Serialize};

use super::orders;
use super::requests::{NewOrder, PlacedOrder};
use super::seed;
use super::store::Store;
use crate::sandbox::faults::Injection;
use crate::sandbox::file::JsonFile;

/// The marketplace emulator's switches.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct MarketplaceFaults {
    /// Lifetime of a token from `/token` (the spec's example: 1500 s).
    pub token_ttl_secs: i64,
    /// Seconds from placing an order to its completion (half of it `submitted`, then `processing`).
    pub completion_delay_secs: i64,
    /// Share (0–1) of placed orders that end in `error`.
    pub order_error_rate: f64,
    /// Largest `limit` a list honours.
    pub max_limit: usize,
    /// `POST /customers` for a customer of one of these names answers 500 and creates nothing
    /// (one company of an import failing while the others go through).
    pub fail_customers_named: Vec<String>,
    #[serde(flatten)]
    pub injected: Injection,
}

impl Default for MarketplaceFaults {
    fn default() -> Self {
        Self {
            token_ttl_secs: 1500,
            completion_delay_secs: 20,
            order_error_rate: 0.0,
            max_limit: 1000,
            fail_customers_named: Vec::new(),
            injected: Injection::default(),
        }
    }
}

#[derive(Debug)]
pub struct MarketplaceSandbox {
    file: JsonFile,
    pub(super) store: Mutex<Store>,
    pub(super) faults: Mutex<MarketplaceFaults>,
}

impl MarketplaceSandbox {
    /// Opens the sandbox whose data lives in `data_dir`, seeding it on first use.
    pub fn open(data_dir: &Path) -> anyhow::Result<Self> {
        let file = JsonFile::in_dir(data_dir, "marketplace.json");
        let store = match file.load()? {
            Some(store) => store,
            None => {
                let store = seed::seeded(Utc::now().timestamp());
                file.save(&store)?;
                store
            }
        };
        Ok(Self {
            file,
            store: Mutex::new(store),
            faults: Mutex::new(MarketplaceFaults::default()),
        })
    }

    pub fn in_memory() -> Self {
        Self {
            file: JsonFile::memory(),
            store: Mutex::new(seed::seeded(Utc::now().timestamp())),
            faults: Mutex::new(MarketplaceFaults::default()),
        }
    }

    pub fn reset(&self) -> anyhow::Result<()> {
        let fresh = seed::seeded(Utc::now().timestamp());
        self.file.save(&fresh)?;
        *self.lock_store() = fresh;
        *self.faults.lock().unwrap_or_else(|e| e.into_inner()) = MarketplaceFaults::default();
        Ok(())
    }

    pub fn faults(&self) -> MarketplaceFaults {
        self.faults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn set_faults(&self, faults: MarketplaceFaults) {
        *self.faults.lock().unwrap_or_else(|e| e.into_inner()) = faults;
    }

    pub fn update_faults(&self, change: impl FnOnce(&mut MarketplaceFaults)) {
        change(&mut self.faults.lock().unwrap_or_else(|e| e.into_inner()));
    }

    pub(super) fn lock_store(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The sandbox's clock: real time plus whatever tests moved it forward.
    pub fn now(&self) -> i64 {
        Utc::now().timestamp() + self.lock_store().clock_offset
    }

    /// Moves the sandbox's clock forward (orders complete, usage gets billed).
    pub fn advance_clock(&self, seconds: i64) -> anyhow::Result<()> {
        self.write(|store| store.clock_offset += seconds.max(0))
    }

    /// Runs a change on the data (after settling what is due) and saves it.
    pub fn write<T>(&self, change: impl FnOnce(&mut Store) -> T) -> anyhow::Result<T> {
        let mut store = self.lock_store();
        let now = Utc::now().timestamp() + store.clock_offset;
        orders::settle(&mut store, now);
        let result = change(&mut store);
        self.file.save(&*store)?;
        Ok(result)
    }

    /// Reads the data as of now (settling what is due first).
    pub fn read<T>(&self, look: impl FnOnce(&Store, i64) -> T) -> T {
        let mut store = self.lock_store();
        let now = Utc::now().timestamp() + store.clock_offset;
        orders::settle(&mut store, now);
        look(&store, now)
    }

    /// Places an order as `POST /orders` does; returns the new order id or the refusal.
    pub fn place_order(&self, order: &NewOrder) -> anyhow::Result<Result<String, String>> {
        let faults = self.faults();
        let outcome =
            if faults.order_error_rate > 0.0 && rand::random::<f64>() < faults.order_error_rate {
                "error"
            } else {
                "completed"
            };
        self.write(|store| {
            let now = Utc::now().timestamp() + store.clock_offset;
            orders::place(store, order, now, faults.completion_delay_secs, outcome)
                .map(|id| id.to_string())
        })
    }

    /// Many orders in one save (benchmarks): `(created unix, order)` in time order, completed on
    /// placement; returns how many were accepted.
    pub fn place_history(
        &self,
        orders_to_place: &[(i64, NewOrder)],
    ) -> anyhow::Result<Vec<Result<PlacedOrder, String>>> {
        self.write(|store| {
            orders_to_place
                .iter()
                .map(|(at, order)| {
                    let id = orders::place(store, order, *at, 0, "completed")?;
                    orders::apply(store, id);
                    let subscription_id = store
                        .orders
                        .get(&id)
                        .and_then(|o| o.body["subscriptionId"].as_str().map(str::to_owned));
                    Ok(PlacedOrder {
                        id: id.to_string(),
                        subscription_id,
                    })
                })
                .collect()
        })
    }
}
