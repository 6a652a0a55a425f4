//! Typed Autotask records as the client reads them, and the few bodies it writes. Real answers
//! are camelCase with `ID` suffixes; unknown fields are ignored. Money arrives as JSON numbers
//! (doubles) and is turned into exact decimals rounded to four places, the precision Autotask
//! prints; it is sent back as numbers.

use chrono::NaiveDate;
use rust_decimal::{Decimal, prelude::FromPrimitive};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

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

/// An entry of Autotask's country list, which `Company.countryID` refers to.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Country {
    pub id: i64,
    #[serde(rename = "countryCode", default)]
    pub country_code: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
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

/// A one-time charge on a contract (reference §8.8). `billableAmount`, `extendedCost`, `status`
/// and `isBilled` are Autotask's: read here, never sent.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct ContractCharge {
    pub id: i64,
    #[serde(rename = "contractID")]
    pub contract_id: i64,
    #[serde(rename = "productID", default)]
    pub product_id: Option<i64>,
    #[serde(rename = "billingCodeID", default)]
    pub billing_code_id: Option<i64>,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(rename = "datePurchased", deserialize_with = "date", default)]
    pub date_purchased: Option<NaiveDate>,
    #[serde(rename = "chargeType", default)]
    pub charge_type: Option<i64>,
    #[serde(rename = "unitQuantity", deserialize_with = "money", default)]
    pub unit_quantity: Option<Decimal>,
    #[serde(rename = "unitPrice", deserialize_with = "money", default)]
    pub unit_price: Option<Decimal>,
    #[serde(rename = "unitCost", deserialize_with = "money", default)]
    pub unit_cost: Option<Decimal>,
    #[serde(rename = "billableAmount", deserialize_with = "money", default)]
    pub billable_amount: Option<Decimal>,
    #[serde(rename = "extendedCost", deserialize_with = "money", default)]
    pub extended_cost: Option<Decimal>,
    #[serde(default)]
    pub status: Option<i64>,
    #[serde(rename = "isBilled", default)]
    pub is_billed: Option<bool>,
    #[serde(rename = "isBillableToCompany", default)]
    pub is_billable_to_company: Option<bool>,
    #[serde(rename = "contractServiceID", default)]
    pub contract_service_id: Option<i64>,
    #[serde(rename = "contractServiceBundleID", default)]
    pub contract_service_bundle_id: Option<i64>,
    #[serde(rename = "purchaseOrderNumber", default)]
    pub purchase_order_number: Option<String>,
    #[serde(rename = "internalPurchaseOrderNumber", default)]
    pub internal_purchase_order_number: Option<String>,
}

/// Writes a calendar date as the date-time Autotask expects (`2026-11-01T00:00:00Z`, §5.4).
fn datetime<S: Serializer>(date: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format!("{date}T00:00:00Z"))
}

/// A one-time charge to create through `/Contracts/{contractID}/Charges`: a product or a
/// material billing code, and a charge type (a tenant picklist value, resolved at run time).
/// What Autotask computes or sets is not here, so it cannot be sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewContractCharge {
    #[serde(rename = "contractID")]
    pub contract_id: i64,
    #[serde(rename = "productID", skip_serializing_if = "Option::is_none")]
    pub product_id: Option<i64>,
    #[serde(rename = "billingCodeID", skip_serializing_if = "Option::is_none")]
    pub billing_code_id: Option<i64>,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(rename = "datePurchased", serialize_with = "datetime")]
    pub date_purchased: NaiveDate,
    #[serde(rename = "chargeType")]
    pub charge_type: i64,
    #[serde(rename = "unitQuantity", with = "rust_decimal::serde::float")]
    pub unit_quantity: Decimal,
    /// `None` lets Autotask take the billing code's price.
    #[serde(
        rename = "unitPrice",
        with = "rust_decimal::serde::float_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub unit_price: Option<Decimal>,
    #[serde(
        rename = "unitCost",
        with = "rust_decimal::serde::float_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub unit_cost: Option<Decimal>,
    #[serde(
        rename = "isBillableToCompany",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_billable_to_company: Option<bool>,
    #[serde(rename = "contractServiceID", skip_serializing_if = "Option::is_none")]
    pub contract_service_id: Option<i64>,
    #[serde(
        rename = "purchaseOrderNumber",
        skip_serializing_if = "Option::is_none"
    )]
    pub purchase_order_number: Option<String>,
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
