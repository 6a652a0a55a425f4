//! What `POST /orders` accepts, as the sandbox reads it (its own type: the client writes its own).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One product line of an order to place.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewOrderLine {
    pub mpn: String,
    #[serde(default)]
    pub vendor: Option<String>,
    #[serde(default, rename = "billingPeriod")]
    pub billing_period: Option<Value>,
    #[serde(default, rename = "subscriptionPeriod")]
    pub subscription_period: Option<Value>,
    /// The new total quantity (sales: the quantity bought). Clients send `2`, `2.0` or `"2.0"`.
    #[serde(default = "one", deserialize_with = "quantity")]
    pub quantity: i64,
}

fn one() -> i64 {
    1
}

fn quantity<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let value = Value::deserialize(d)?;
    let number = match &value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    match number {
        Some(q) if q.fract() == 0.0 && q.abs() < 1e9 => Ok(q as i64),
        _ => Err(serde::de::Error::custom(format!(
            "quantity must be a whole number, not {value}"
        ))),
    }
}

/// An order to place: sales (a product), change (a subscription and its new quantity) or
/// cancellation (a subscription).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewOrder {
    #[serde(rename = "type", default = "sales")]
    pub kind: String,
    #[serde(rename = "customerId")]
    pub customer_id: String,
    #[serde(rename = "subscriptionId", default)]
    pub subscription_id: Option<String>,
    #[serde(rename = "poNumber", default)]
    pub po_number: Option<String>,
    #[serde(default)]
    pub products: Vec<NewOrderLine>,
}

fn sales() -> String {
    "sales".into()
}

/// An order placed directly in the sandbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedOrder {
    pub id: String,
    pub subscription_id: Option<String>,
}
