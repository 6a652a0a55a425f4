//! The marketplace's records as the client reads them (tolerant: unknown fields are ignored,
//! numbers may arrive as strings, money amounts are decimal strings read exactly).

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize};

/// `{"currency": "EUR", "amount": "20.40"}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Money {
    #[serde(default)]
    pub currency: String,
    #[serde(deserialize_with = "decimal")]
    pub amount: Decimal,
}

/// `{"type": "month", "duration": 1}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize, Serialize)]
pub struct Period {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(deserialize_with = "integer")]
    pub duration: i64,
}

impl Period {
    /// `month:1`, the form product keys use.
    pub fn key(&self) -> String {
        format!("{}:{}", self.kind, self.duration)
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum NumberOrText {
    Number(serde_json::Number),
    Text(String),
}

fn decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    let text = match NumberOrText::deserialize(d)? {
        NumberOrText::Number(n) => n.to_string(),
        NumberOrText::Text(t) => t,
    };
    text.trim().parse().map_err(serde::de::Error::custom)
}

fn integer<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let value = decimal(d)?;
    value.trunc().try_into().map_err(serde::de::Error::custom)
}

fn opt_decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    Option::<NumberOrText>::deserialize(d)?
        .map(|v| match v {
            NumberOrText::Number(n) => n.to_string(),
            NumberOrText::Text(t) => t,
        })
        .map(|t| t.trim().parse().map_err(serde::de::Error::custom))
        .transpose()
}

/// Accepts `…Z`, `…±HH:MM` and `YYYY-MM-DD HH:MM:SS` (taken as UTC).
pub fn parse_datetime(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    DateTime::parse_from_rfc3339(text)
        .map(|d| d.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
                .ok()
                .map(|d| d.and_utc())
        })
        .or_else(|| {
            NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S")
                .ok()
                .map(|d| d.and_utc())
        })
}

fn datetime<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    let text = String::deserialize(d)?;
    parse_datetime(&text)
        .ok_or_else(|| serde::de::Error::custom(format!("not a date-time: {text}")))
}

fn opt_datetime<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.and_then(|t| parse_datetime(&t)))
}

fn opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.and_then(|t| {
        t.get(..10)
            .and_then(|day| NaiveDate::parse_from_str(day, "%Y-%m-%d").ok())
    }))
}

/// An item of `GET /orders` (no products, no subscription).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct OrderSummary {
    pub id: String,
    #[serde(rename = "orderNumber", default)]
    pub order_number: String,
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub status: String,
    #[serde(rename = "customerId")]
    pub customer_id: String,
    #[serde(rename = "creationDate", deserialize_with = "datetime")]
    pub creation_date: DateTime<Utc>,
    #[serde(default)]
    pub total: Option<Money>,
}

/// `GET /orders/{id}`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct OrderDetail {
    pub id: String,
    #[serde(rename = "orderNumber", default)]
    pub order_number: String,
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub status: String,
    #[serde(rename = "customerId")]
    pub customer_id: String,
    #[serde(rename = "creationDate", deserialize_with = "datetime")]
    pub creation_date: DateTime<Utc>,
    #[serde(
        rename = "provisioningDate",
        deserialize_with = "opt_datetime",
        default
    )]
    pub provisioning_date: Option<DateTime<Utc>>,
    #[serde(rename = "poNumber", default)]
    pub po_number: Option<String>,
    #[serde(rename = "subscriptionId", default)]
    pub subscription_id: Option<String>,
    #[serde(rename = "billingModel", default)]
    pub billing_model: Option<String>,
    #[serde(default)]
    pub total: Option<Money>,
    #[serde(default)]
    pub products: Vec<OrderLine>,
    #[serde(default)]
    pub details: Vec<OrderCharge>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct OrderLine {
    #[serde(default)]
    pub mpn: String,
    #[serde(default)]
    pub vendor: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(deserialize_with = "opt_decimal", default)]
    pub quantity: Option<Decimal>,
    #[serde(rename = "billingPeriod", default)]
    pub billing_period: Option<Period>,
    #[serde(rename = "subscriptionPeriod", default)]
    pub subscription_period: Option<Period>,
    #[serde(rename = "extendedPrice", default)]
    pub extended_price: Option<Money>,
    #[serde(rename = "subscriptionId", default)]
    pub subscription_id: Option<String>,
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct OrderCharge {
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub mpn: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(deserialize_with = "opt_decimal", default)]
    pub quantity: Option<Decimal>,
    #[serde(rename = "unitPrice", default)]
    pub unit_price: Option<Money>,
    #[serde(rename = "extendedPrice", default)]
    pub extended_price: Option<Money>,
    #[serde(rename = "salesUnitPrice", default)]
    pub sales_unit_price: Option<Money>,
}

/// `GET /subscriptions/{id}`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Subscription {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(rename = "customerId")]
    pub customer_id: String,
    #[serde(default)]
    pub status: String,
    #[serde(rename = "billingModel", default)]
    pub billing_model: Option<String>,
    #[serde(rename = "billingPeriod", default)]
    pub billing_period: Option<Period>,
    #[serde(rename = "subscriptionPeriod", default)]
    pub subscription_period: Option<Period>,
    #[serde(rename = "creationDate", deserialize_with = "opt_date", default)]
    pub creation_date: Option<NaiveDate>,
    #[serde(rename = "renewalDate", deserialize_with = "opt_date", default)]
    pub renewal_date: Option<NaiveDate>,
    #[serde(default)]
    pub products: Vec<SubscriptionProduct>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct SubscriptionProduct {
    #[serde(default)]
    pub mpn: String,
    #[serde(default)]
    pub vendor: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(deserialize_with = "integer")]
    pub quantity: i64,
    #[serde(rename = "unitPrice", default)]
    pub unit_price: Option<Money>,
    #[serde(rename = "unitCost", default)]
    pub unit_cost: Option<Money>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Customer {
    pub id: String,
    pub name: String,
    #[serde(rename = "externalId", default)]
    pub external_id: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    /// What the wizard offers when the customer is created in Autotask.
    #[serde(default)]
    pub address: Option<CustomerAddress>,
    #[serde(rename = "contactPersons", default)]
    pub contact_persons: Vec<CustomerContact>,
}

/// A customer's postal address as the marketplace keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
pub struct CustomerAddress {
    #[serde(rename = "streetAddress", default)]
    pub street_address: Option<String>,
    #[serde(rename = "postalCode", default)]
    pub postal_code: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(rename = "countryCode", default)]
    pub country_code: Option<String>,
}

/// One of a customer's contact persons (`admin`, `billing`, `technical`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
pub struct CustomerContact {
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(rename = "phoneNumber", default)]
    pub phone_number: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Product {
    pub mpn: String,
    #[serde(default)]
    pub vendor: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    #[serde(rename = "billingPeriod", default)]
    pub billing_period: Option<Period>,
    #[serde(rename = "subscriptionPeriod", default)]
    pub subscription_period: Option<Period>,
    #[serde(rename = "billingModel", default)]
    pub billing_model: Option<String>,
}

/// `POST /customers` (the import from Autotask).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewCustomer {
    #[serde(rename = "externalId", skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    pub name: String,
    pub language: String,
    pub address: NewAddress,
    #[serde(rename = "contactPersons")]
    pub contact_persons: Vec<NewContact>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewAddress {
    #[serde(rename = "streetAddress")]
    pub street_address: String,
    #[serde(rename = "postalCode")]
    pub postal_code: String,
    pub city: String,
    #[serde(rename = "countryCode")]
    pub country_code: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewContact {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(rename = "firstName")]
    pub first_name: String,
    #[serde(rename = "lastName")]
    pub last_name: String,
    pub email: String,
    #[serde(rename = "phoneNumber")]
    pub phone_number: String,
}

/// `POST /orders`: a sales order (a product), a change (a subscription and its new quantity) or
/// a cancellation (a subscription). Used by tests, benchmarks and the demo; the sync only reads.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrderRequest {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(rename = "customerId")]
    pub customer_id: String,
    #[serde(rename = "subscriptionId", skip_serializing_if = "Option::is_none")]
    pub subscription_id: Option<String>,
    #[serde(rename = "poNumber", skip_serializing_if = "Option::is_none")]
    pub po_number: Option<String>,
    pub products: Vec<OrderRequestLine>,
}

/// One product of an [`OrderRequest`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrderRequestLine {
    pub mpn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    #[serde(rename = "billingPeriod", skip_serializing_if = "Option::is_none")]
    pub billing_period: Option<Period>,
    #[serde(rename = "subscriptionPeriod", skip_serializing_if = "Option::is_none")]
    pub subscription_period: Option<Period>,
    /// The new total quantity.
    pub quantity: i64,
}

/// A record the marketplace sent that could not be read, and where it went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// The record's `id`, when it has one.
    pub id: Option<String>,
    /// The field that could not be read (`creationDate`, `total.amount`, …).
    pub field: String,
    /// What was wrong with it.
    pub problem: String,
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.id {
            Some(id) => write!(f, "record {id}: field {}: {}", self.field, self.problem),
            None => write!(
                f,
                "a record without id: field {}: {}",
                self.field, self.problem
            ),
        }
    }
}

/// Reads one record, saying which field is wrong when it cannot.
pub fn read_record<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
) -> Result<T, Unreadable> {
    let id = match value.get("id") {
        Some(serde_json::Value::String(id)) => Some(id.clone()),
        Some(serde_json::Value::Number(id)) => Some(id.to_string()),
        _ => None,
    };
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        // serde names a missing field in its message, at the parent's path.
        let field = match inner.strip_prefix("missing field `") {
            Some(rest) => {
                let name = rest.split('`').next().unwrap_or_default();
                if path == "." {
                    name.to_owned()
                } else {
                    format!("{path}.{name}")
                }
            }
            None => path,
        };
        Unreadable {
            id,
            field,
            problem: inner,
        }
    })
}
