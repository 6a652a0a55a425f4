//! Marketplace customers, products and subscriptions as Check Changes last saw them.

use chrono::Utc;
use entities::{customers, products, subscriptions};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set, sea_query::OnConflict,
};
use serde_json::Value;

use crate::domain::ids::ResellerId;

/// Records (or renames) a marketplace customer and returns its row id.
pub async fn upsert_customer<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    mp_customer_id: &str,
    name: &str,
) -> Result<i64, DbErr> {
    use customers::Column;
    let row = customers::ActiveModel {
        reseller_id: Set(reseller.0),
        mp_customer_id: Set(mp_customer_id.to_owned()),
        name: Set(name.to_owned()),
        auto_process: Set(false),
        updated_at: Set(Utc::now().fixed_offset()),
        ..Default::default()
    };
    customers::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([Column::ResellerId, Column::MpCustomerId])
                .update_columns([Column::Name, Column::UpdatedAt])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    customers::Entity::find()
        .filter(Column::ResellerId.eq(reseller.0))
        .filter(Column::MpCustomerId.eq(mp_customer_id))
        .one(db)
        .await?
        .map(|c| c.id)
        .ok_or_else(|| DbErr::RecordNotFound(format!("customer {mp_customer_id}")))
}

/// A product as keyed on the marketplace: (mpn, vendor, billing period, subscription period).
pub struct ProductKey<'a> {
    pub mpn: &'a str,
    pub vendor: &'a str,
    pub billing_period: &'a str,
    pub subscription_period: &'a str,
}

pub async fn upsert_product<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    key: &ProductKey<'_>,
    name: &str,
) -> Result<i64, DbErr> {
    use products::Column;
    let row = products::ActiveModel {
        reseller_id: Set(reseller.0),
        mpn: Set(key.mpn.to_owned()),
        vendor: Set(key.vendor.to_owned()),
        billing_period: Set(key.billing_period.to_owned()),
        subscription_period: Set(key.subscription_period.to_owned()),
        name: Set(name.to_owned()),
        updated_at: Set(Utc::now().fixed_offset()),
        ..Default::default()
    };
    products::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                Column::ResellerId,
                Column::Mpn,
                Column::Vendor,
                Column::BillingPeriod,
                Column::SubscriptionPeriod,
            ])
            .update_columns([Column::Name, Column::UpdatedAt])
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    products::Entity::find()
        .filter(Column::ResellerId.eq(reseller.0))
        .filter(Column::Mpn.eq(key.mpn))
        .filter(Column::Vendor.eq(key.vendor))
        .filter(Column::BillingPeriod.eq(key.billing_period))
        .filter(Column::SubscriptionPeriod.eq(key.subscription_period))
        .one(db)
        .await?
        .map(|p| p.id)
        .ok_or_else(|| DbErr::RecordNotFound(format!("product {}", key.mpn)))
}

/// The subscription as the marketplace shows it now. The quantity last synced to Autotask and the
/// bound contract are not touched here.
pub struct SubscriptionSnapshot<'a> {
    pub mp_subscription_id: &'a str,
    pub customer_id: i64,
    pub product_id: Option<i64>,
    pub status: &'a str,
    pub billing_period: &'a str,
    pub currency: Option<&'a str>,
    pub unit_price_e4: Option<i64>,
    pub unit_cost_e4: Option<i64>,
    pub snapshot: Value,
}

pub async fn upsert_subscription<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    s: SubscriptionSnapshot<'_>,
) -> Result<subscriptions::Model, DbErr> {
    use subscriptions::Column;
    let row = subscriptions::ActiveModel {
        reseller_id: Set(reseller.0),
        mp_subscription_id: Set(s.mp_subscription_id.to_owned()),
        customer_id: Set(s.customer_id),
        product_id: Set(s.product_id),
        status: Set(s.status.to_owned()),
        billing_period: Set(s.billing_period.to_owned()),
        currency: Set(s.currency.map(str::to_owned)),
        unit_price_e4: Set(s.unit_price_e4),
        unit_cost_e4: Set(s.unit_cost_e4),
        snapshot: Set(Some(s.snapshot)),
        updated_at: Set(Utc::now().fixed_offset()),
        ..Default::default()
    };
    subscriptions::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([Column::ResellerId, Column::MpSubscriptionId])
                .update_columns([
                    Column::ProductId,
                    Column::Status,
                    Column::BillingPeriod,
                    Column::Currency,
                    Column::UnitPriceE4,
                    Column::UnitCostE4,
                    Column::Snapshot,
                    Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    find_subscription(db, reseller, s.mp_subscription_id)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("subscription {}", s.mp_subscription_id)))
}

pub async fn find_subscription<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    mp_subscription_id: &str,
) -> Result<Option<subscriptions::Model>, DbErr> {
    subscriptions::Entity::find()
        .filter(subscriptions::Column::ResellerId.eq(reseller.0))
        .filter(subscriptions::Column::MpSubscriptionId.eq(mp_subscription_id))
        .one(db)
        .await
}

pub async fn find_customers_for_reseller<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
) -> Result<Vec<customers::Model>, DbErr> {
    use sea_orm::QueryOrder;
    customers::Entity::find()
        .filter(customers::Column::ResellerId.eq(reseller.0))
        .order_by_asc(customers::Column::Name)
        .all(db)
        .await
}
