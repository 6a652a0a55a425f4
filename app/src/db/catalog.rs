//! Marketplace customers, products and subscriptions as Check Changes last saw them.

use chrono::Utc;
use entities::{customers, products, subscriptions};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set, sea_query::OnConflict,
};

use crate::model::{
    catalog::{Customer, ProductKey, Subscription, SubscriptionSnapshot},
    ids::{CustomerRowId, ProductRowId, ResellerId, SubscriptionRowId},
    money::Money,
};

fn customer_of(row: customers::Model) -> Customer {
    Customer {
        id: CustomerRowId(row.id),
        mp_customer_id: row.mp_customer_id,
        name: row.name,
        autotask_company_id: row.autotask_company_id,
    }
}

fn subscription_of(row: subscriptions::Model) -> Subscription {
    Subscription {
        id: SubscriptionRowId(row.id),
        mp_subscription_id: row.mp_subscription_id,
        customer: CustomerRowId(row.customer_id),
        product: row.product_id.map(ProductRowId),
        status: row.status,
        billing_period: row.billing_period,
        currency: row.currency,
        unit_price: row.unit_price_e4.map(Money::from_e4),
        unit_cost: row.unit_cost_e4.map(Money::from_e4),
        synced_quantity: row.synced_quantity,
        autotask_contract_id: row.autotask_contract_id,
        autotask_contract_service_id: row.autotask_contract_service_id,
    }
}

fn e4(amount: Option<Money>) -> Result<Option<i64>, DbErr> {
    amount
        .map(|m| m.to_e4().map_err(|e| DbErr::Type(e.to_string())))
        .transpose()
}

/// Records (or renames) a marketplace customer and returns its row id.
pub async fn upsert_customer<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    mp_customer_id: &str,
    name: &str,
) -> Result<CustomerRowId, DbErr> {
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
        .map(|c| CustomerRowId(c.id))
        .ok_or_else(|| DbErr::RecordNotFound(format!("customer {mp_customer_id}")))
}

pub async fn upsert_product<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    key: &ProductKey,
    name: &str,
) -> Result<ProductRowId, DbErr> {
    use products::Column;
    let row = products::ActiveModel {
        reseller_id: Set(reseller.0),
        mpn: Set(key.mpn.clone()),
        vendor: Set(key.vendor.clone()),
        billing_period: Set(key.billing_period.clone()),
        subscription_period: Set(key.subscription_period.clone()),
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
        .filter(Column::Mpn.eq(key.mpn.as_str()))
        .filter(Column::Vendor.eq(key.vendor.as_str()))
        .filter(Column::BillingPeriod.eq(key.billing_period.as_str()))
        .filter(Column::SubscriptionPeriod.eq(key.subscription_period.as_str()))
        .one(db)
        .await?
        .map(|p| ProductRowId(p.id))
        .ok_or_else(|| DbErr::RecordNotFound(format!("product {}", key.mpn)))
}

/// Records the subscription as the marketplace shows it now. The quantity last synced to
/// Autotask and the bound contract are not touched here.
pub async fn upsert_subscription<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    s: &SubscriptionSnapshot,
) -> Result<Subscription, DbErr> {
    use subscriptions::Column;
    let row = subscriptions::ActiveModel {
        reseller_id: Set(reseller.0),
        mp_subscription_id: Set(s.mp_subscription_id.clone()),
        customer_id: Set(s.customer.0),
        product_id: Set(s.product.map(|p| p.0)),
        status: Set(s.status.clone()),
        billing_period: Set(s.billing_period.clone()),
        currency: Set(s.currency.clone()),
        unit_price_e4: Set(e4(s.unit_price)?),
        unit_cost_e4: Set(e4(s.unit_cost)?),
        snapshot: Set(Some(s.snapshot.clone())),
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
    find_subscription(db, reseller, &s.mp_subscription_id)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("subscription {}", s.mp_subscription_id)))
}

pub async fn find_subscription<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    mp_subscription_id: &str,
) -> Result<Option<Subscription>, DbErr> {
    Ok(subscriptions::Entity::find()
        .filter(subscriptions::Column::ResellerId.eq(reseller.0))
        .filter(subscriptions::Column::MpSubscriptionId.eq(mp_subscription_id))
        .one(db)
        .await?
        .map(subscription_of))
}

pub async fn find_customers_for_reseller<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
) -> Result<Vec<Customer>, DbErr> {
    use sea_orm::QueryOrder;
    Ok(customers::Entity::find()
        .filter(customers::Column::ResellerId.eq(reseller.0))
        .order_by_asc(customers::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(customer_of)
        .collect())
}

/// How many of the reseller's customers have no Autotask company yet (one COUNT, no rows read).
pub async fn count_unmapped_customers<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    customers::Entity::find()
        .filter(customers::Column::ResellerId.eq(reseller.0))
        .filter(customers::Column::AutotaskCompanyId.is_null())
        .count(db)
        .await
}

/// How many of the reseller's products have no Autotask service yet.
pub async fn count_unmapped_products<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    products::Entity::find()
        .filter(products::Column::ResellerId.eq(reseller.0))
        .filter(products::Column::AutotaskServiceId.is_null())
        .count(db)
        .await
}
