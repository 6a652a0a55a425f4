//! The marketplace emulator's data, kept as the JSON the API serves, in one file in the data
//! directory. Orders carry their lifecycle beside the body: when they complete and how.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// An API user: Basic credentials, the APIM subscription key and the marketplace code.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ApiUser {
    pub username: String,
    pub password: String,
    pub subscription_key: String,
    pub marketplace: String,
    pub reseller_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OrderRecord {
    /// The `OrderDetailed` body, without `status`/`statusCode`/`provisioningDate` (derived).
    pub body: Value,
    /// Unix seconds of creation and of completion.
    pub created: i64,
    pub completes: i64,
    /// `completed` or `error`.
    pub outcome: String,
    /// Whether the completed order has changed its subscription yet.
    pub applied: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Store {
    pub next_id: i64,
    pub users: Vec<ApiUser>,
    pub customers: BTreeMap<i64, Value>,
    pub products: Vec<Value>,
    pub subscriptions: BTreeMap<i64, Value>,
    pub orders: BTreeMap<i64, OrderRecord>,
    /// Next number per order-number prefix (SO, CH, RN, CL, BO).
    pub numbers: BTreeMap<String, i64>,
    /// Usage subscriptions: the date (Unix seconds) billed up to.
    pub billed_until: BTreeMap<i64, i64>,
    /// Token → expiry (Unix seconds).
    pub tokens: HashMap<String, i64>,
    /// Seconds added to the real clock (tests and demos move time forward).
    pub clock_offset: i64,
}

impl Store {
    pub fn new_id(&mut self) -> i64 {
        self.next_id += 1;
        self.next_id
    }

    pub fn order_number(&mut self, prefix: &str) -> String {
        let n = self.numbers.entry(prefix.to_owned()).or_insert(0);
        *n += 1;
        format!("{prefix}{:06}", *n)
    }

    pub fn user_by_key(&self, key: &str) -> Option<&ApiUser> {
        self.users.iter().find(|u| u.subscription_key == key)
    }
}
