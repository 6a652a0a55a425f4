//! Marketplace customers, products and subscriptions as this service records them.

use super::ids::{CustomerRowId, ProductRowId, SubscriptionRowId};
use super::money::Money;

/// A marketplace customer and the Autotask company it is mapped to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    pub id: CustomerRowId,
    pub mp_customer_id: String,
    pub name: String,
    pub autotask_company_id: Option<i64>,
}

/// A product as the marketplace keys it (design §2.3): mpn, vendor, billing period and
/// subscription period (`month:1`, `year:1`; empty when the marketplace does not say).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProductKey {
    pub mpn: String,
    pub vendor: String,
    pub billing_period: String,
    pub subscription_period: String,
}

/// A subscription as the marketplace showed it on the last Check Changes.
#[derive(Debug, Clone, PartialEq)]
pub struct SubscriptionSnapshot {
    pub mp_subscription_id: String,
    pub customer: CustomerRowId,
    pub product: Option<ProductRowId>,
    pub status: String,
    pub billing_period: String,
    pub currency: Option<String>,
    pub unit_price: Option<Money>,
    pub unit_cost: Option<Money>,
    /// The subscription as received, for pages.
    pub snapshot: serde_json::Value,
}

/// A recorded subscription with what has been synced of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Subscription {
    pub id: SubscriptionRowId,
    pub mp_subscription_id: String,
    pub customer: CustomerRowId,
    pub product: Option<ProductRowId>,
    pub status: String,
    /// `month:1`, `year:1`, … (`unknown` when the marketplace did not say).
    pub billing_period: String,
    pub currency: Option<String>,
    pub unit_price: Option<Money>,
    pub unit_cost: Option<Money>,
    /// The quantity last written to Autotask.
    pub synced_quantity: Option<i64>,
    pub autotask_contract_id: Option<i64>,
    pub autotask_contract_service_id: Option<i64>,
}

/// A marketplace product and the Autotask service it is mapped to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    pub id: ProductRowId,
    pub key: ProductKey,
    pub name: String,
    pub autotask_service_id: Option<i64>,
}
