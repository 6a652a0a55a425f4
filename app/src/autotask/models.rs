//! Typed Autotask records as the client reads them. Real answers are camelCase with `ID`
//! suffixes; unknown fields are ignored. Money arrives as JSON numbers (doubles) and is turned
//! into exact decimals rounded to four places, the precision Autotask prints.

use chrono::NaiveDate;
use rust_decimal::{Decimal, prelude::FromPrimitive};
use serde::{Deserialize, Deserializer, Serialize};

fn money<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Number(f64),
        Text(String),
    }
    Ok(match Option::<Raw>::deserialize(d)? {
        None => None,
        Some(Raw::Number(n)) => Decimal::from_f64(n).map(|v| v.round_dp(4).normalize()),
        Some(Raw::Text(t)) => t
            .trim()
            .parse::<Decimal>()
            .ok()
            .map(|v| v.round_dp(4).normalize()),
    })
}

/// Reads the calendar date of an Autotask date-time (`2026-01-01T00:00:00Z`, with or without
/// zone or fraction).
fn date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    let text = Option::<String>::deserialize(d)?;
    Ok(text.and_then(|t| {
        t.get(..10)
            .and_then(|day| NaiveDate::parse_from_str(day, "%Y-%m-%d").ok())
    }))
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Company {
    pub id: i64,
    #[serde(rename = "companyName")]
    pub company_name: String,
    #[serde(rename = "companyNumber", default)]
    pub company_number: Option<String>,
    #[serde(rename = "companyType", default)]
    pub company_type: Option<i64>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(rename = "isActive", default)]
    pub is_active: Option<bool>,
    #[serde(default)]
    pub address1: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(rename = "postalCode", default)]
    pub postal_code: Option<String>,
    #[serde(rename = "countryID", default)]
    pub country_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Contact {
    pub id: i64,
    #[serde(rename = "companyID")]
    pub company_id: i64,
    #[serde(rename = "firstName", default)]
    pub first_name: Option<String>,
    #[serde(rename = "lastName", default)]
    pub last_name: Option<String>,
    #[serde(rename = "emailAddress", default)]
    pub email_address: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(rename = "primaryContact", default)]
    pub primary_contact: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Contract {
    pub id: i64,
    #[serde(rename = "companyID")]
    pub company_id: i64,
    #[serde(rename = "contractName")]
    pub contract_name: String,
    #[serde(rename = "contractType")]
    pub contract_type: i64,
    #[serde(rename = "contractPeriodType", default)]
    pub contract_period_type: Option<i64>,
    pub status: i64,
    #[serde(rename = "startDate", deserialize_with = "date", default)]
    pub start_date: Option<NaiveDate>,
    #[serde(rename = "endDate", deserialize_with = "date", default)]
    pub end_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Service {
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(rename = "invoiceDescription", default)]
    pub invoice_description: Option<String>,
    #[serde(rename = "unitPrice", deserialize_with = "money", default)]
    pub unit_price: Option<Decimal>,
    #[serde(rename = "unitCost", deserialize_with = "money", default)]
    pub unit_cost: Option<Decimal>,
    #[serde(rename = "billingCodeID", default)]
    pub billing_code_id: Option<i64>,
    #[serde(rename = "periodType", default)]
    pub period_type: Option<i64>,
    #[serde(rename = "isActive", default)]
    pub is_active: Option<bool>,
    #[serde(rename = "vendorCompanyID", default)]
    pub vendor_company_id: Option<i64>,
    #[serde(default)]
    pub sku: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct ContractService {
    pub id: i64,
    #[serde(rename = "contractID")]
    pub contract_id: i64,
    #[serde(rename = "serviceID")]
    pub service_id: i64,
    #[serde(rename = "unitPrice", deserialize_with = "money", default)]
    pub unit_price: Option<Decimal>,
    #[serde(rename = "adjustedPrice", deserialize_with = "money", default)]
    pub adjusted_price: Option<Decimal>,
    #[serde(rename = "unitCost", deserialize_with = "money", default)]
    pub unit_cost: Option<Decimal>,
    #[serde(rename = "invoiceDescription", default)]
    pub invoice_description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct ContractServiceUnit {
    pub id: i64,
    #[serde(rename = "contractID")]
    pub contract_id: i64,
    #[serde(rename = "serviceID")]
    pub service_id: i64,
    #[serde(rename = "contractServiceID")]
    pub contract_service_id: i64,
    #[serde(rename = "startDate", deserialize_with = "date", default)]
    pub start_date: Option<NaiveDate>,
    #[serde(rename = "endDate", deserialize_with = "date", default)]
    pub end_date: Option<NaiveDate>,
    pub units: i64,
    #[serde(deserialize_with = "money", default)]
    pub price: Option<Decimal>,
    #[serde(deserialize_with = "money", default)]
    pub cost: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct BillingCode {
    pub id: i64,
    pub name: String,
    #[serde(rename = "useType", default)]
    pub use_type: Option<i64>,
    #[serde(rename = "isActive", default)]
    pub is_active: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct ContractCharge {
    pub id: i64,
    #[serde(rename = "contractID")]
    pub contract_id: i64,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(rename = "datePurchased", deserialize_with = "date", default)]
    pub date_purchased: Option<NaiveDate>,
    #[serde(rename = "unitQuantity", deserialize_with = "money", default)]
    pub unit_quantity: Option<Decimal>,
    #[serde(rename = "unitPrice", deserialize_with = "money", default)]
    pub unit_price: Option<Decimal>,
    #[serde(rename = "unitCost", deserialize_with = "money", default)]
    pub unit_cost: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Resource {
    pub id: i64,
    #[serde(rename = "firstName", default)]
    pub first_name: Option<String>,
    #[serde(rename = "lastName", default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

/// One picklist entry of a field (values are strings in Autotask's metadata).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PicklistValue {
    pub value: String,
    pub label: String,
    #[serde(rename = "isActive", default)]
    pub is_active: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct FieldInfo {
    pub name: String,
    #[serde(rename = "dataType", default)]
    pub data_type: Option<String>,
    #[serde(default)]
    pub length: Option<i64>,
    #[serde(rename = "isRequired", default)]
    pub is_required: Option<bool>,
    #[serde(rename = "isReadOnly", default)]
    pub is_read_only: Option<bool>,
    #[serde(rename = "isPickList", default)]
    pub is_pick_list: Option<bool>,
    #[serde(rename = "picklistValues", default)]
    pub picklist_values: Option<Vec<PicklistValue>>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct EntityInfo {
    pub name: String,
    #[serde(rename = "canCreate", default)]
    pub can_create: bool,
    #[serde(rename = "canQuery", default)]
    pub can_query: bool,
    #[serde(rename = "canUpdate", default)]
    pub can_update: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ThresholdInfo {
    #[serde(rename = "externalRequestThreshold")]
    pub external_request_threshold: u64,
    #[serde(rename = "requestThresholdTimeframe")]
    pub request_threshold_timeframe: u64,
    #[serde(rename = "currentTimeframeRequestCount")]
    pub current_timeframe_request_count: u64,
}
