//! Mappings (design §3): marketplace customer ↔ Autotask company, product → service,
//! subscription → contract (and its contract service), cancellation fee → service.

use chrono::Utc;
use entities::{customers, fee_mappings, products, subscriptions, sync_tasks};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
    sea_query::{Expr, OnConflict},
};

use super::stored::Stored;
use crate::model::{
    catalog::{Customer, Product, ProductKey, Subscription},
    ids::{CustomerRowId, ProductRowId, ResellerId, SubscriptionRowId},
    money::Money,
    task::TaskStatus,
};

fn product_of(row: products::Model) -> Product {
    Product {
        id: ProductRowId(row.id),
        key: ProductKey {
            mpn: row.mpn,
            vendor: row.vendor,
            billing_period: row.billing_period,
            subscription_period: row.subscription_period,
        },
        name: row.name,
        autotask_service_id: row.autotask_service_id,
    }
}

pub async fn find_customer<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    id: CustomerRowId,
) -> Result<Option<Customer>, DbErr> {
    Ok(customers::Entity::find_by_id(id.0)
        .filter(customers::Column::ResellerId.eq(reseller.0))
        .one(db)
        .await?
        .map(|row| Customer {
            id: CustomerRowId(row.id),
            mp_customer_id: row.mp_customer_id,
            name: row.name,
            autotask_company_id: row.autotask_company_id,
        }))
}

/// The customer already mapped to this Autotask company, if any.
pub async fn find_customer_mapped_to<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    company: i64,
) -> Result<Option<CustomerRowId>, DbErr> {
    Ok(customers::Entity::find()
        .filter(customers::Column::ResellerId.eq(reseller.0))
        .filter(customers::Column::AutotaskCompanyId.eq(company))
        .one(db)
        .await?
        .map(|row| CustomerRowId(row.id)))
}

/// Maps (or, with `None`, unmaps) a customer; `false` when it is not the reseller's.
pub async fn set_customer_company<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    customer: CustomerRowId,
    company: Option<i64>,
) -> Result<bool, DbErr> {
    let now = Utc::now().fixed_offset();
    let result = customers::Entity::update_many()
        .col_expr(customers::Column::AutotaskCompanyId, Expr::value(company))
        .col_expr(
            customers::Column::MappedAt,
            Expr::value(company.map(|_| now)),
        )
        .col_expr(customers::Column::UpdatedAt, Expr::value(now))
        .filter(customers::Column::Id.eq(customer.0))
        .filter(customers::Column::ResellerId.eq(reseller.0))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn find_product<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    id: ProductRowId,
) -> Result<Option<Product>, DbErr> {
    Ok(products::Entity::find_by_id(id.0)
        .filter(products::Column::ResellerId.eq(reseller.0))
        .one(db)
        .await?
        .map(product_of))
}

/// Products of the reseller mapped to this service.
pub async fn find_products_mapped_to<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    service: i64,
) -> Result<Vec<Product>, DbErr> {
    Ok(products::Entity::find()
        .filter(products::Column::ResellerId.eq(reseller.0))
        .filter(products::Column::AutotaskServiceId.eq(service))
        .all(db)
        .await?
        .into_iter()
        .map(product_of)
        .collect())
}

/// Maps (or unmaps) a product; `false` when it is not the reseller's.
pub async fn set_product_service<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    product: ProductRowId,
    service: Option<i64>,
) -> Result<bool, DbErr> {
    let now = Utc::now().fixed_offset();
    let result = products::Entity::update_many()
        .col_expr(products::Column::AutotaskServiceId, Expr::value(service))
        .col_expr(
            products::Column::MappedAt,
            Expr::value(service.map(|_| now)),
        )
        .col_expr(products::Column::UpdatedAt, Expr::value(now))
        .filter(products::Column::Id.eq(product.0))
        .filter(products::Column::ResellerId.eq(reseller.0))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn find_subscription_by_row<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    id: SubscriptionRowId,
) -> Result<Option<Subscription>, DbErr> {
    let row = subscriptions::Entity::find_by_id(id.0)
        .filter(subscriptions::Column::ResellerId.eq(reseller.0))
        .one(db)
        .await?;
    Ok(row.map(|row| Subscription {
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
    }))
}

/// Binds a subscription to its contract; a subscription already bound elsewhere stays where it
/// is (one subscription → one contract), so the update only applies when it is unbound or bound
/// to the same contract. Returns whether the binding holds now.
pub async fn bind_subscription_to_contract<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    subscription: SubscriptionRowId,
    contract: i64,
) -> Result<bool, DbErr> {
    use sea_orm::Condition;
    let result = subscriptions::Entity::update_many()
        .col_expr(
            subscriptions::Column::AutotaskContractId,
            Expr::value(Some(contract)),
        )
        .filter(subscriptions::Column::Id.eq(subscription.0))
        .filter(subscriptions::Column::ResellerId.eq(reseller.0))
        .filter(
            Condition::any()
                .add(subscriptions::Column::AutotaskContractId.is_null())
                .add(subscriptions::Column::AutotaskContractId.eq(contract)),
        )
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Records what a synced task left: the quantity now in Autotask and the contract service.
pub async fn record_synced_subscription<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    subscription: SubscriptionRowId,
    quantity: Option<i64>,
    contract_service: Option<i64>,
) -> Result<(), DbErr> {
    let mut update = subscriptions::Entity::update_many()
        .col_expr(
            subscriptions::Column::UpdatedAt,
            Expr::value(Utc::now().fixed_offset()),
        )
        .filter(subscriptions::Column::Id.eq(subscription.0))
        .filter(subscriptions::Column::ResellerId.eq(reseller.0));
    if let Some(quantity) = quantity {
        update = update.col_expr(
            subscriptions::Column::SyncedQuantity,
            Expr::value(Some(quantity)),
        );
    }
    if let Some(contract_service) = contract_service {
        update = update.col_expr(
            subscriptions::Column::AutotaskContractServiceId,
            Expr::value(Some(contract_service)),
        );
    }
    update.exec(db).await?;
    Ok(())
}

/// The service a kind of fee (`cancellation`) is charged through, if mapped.
pub async fn find_fee_service<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    fee_kind: &str,
) -> Result<Option<i64>, DbErr> {
    Ok(fee_mappings::Entity::find()
        .filter(fee_mappings::Column::ResellerId.eq(reseller.0))
        .filter(fee_mappings::Column::FeeKind.eq(fee_kind))
        .one(db)
        .await?
        .map(|row| row.autotask_service_id))
}

/// Maps a kind of fee to a service (replacing an earlier mapping).
pub async fn set_fee_service<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    fee_kind: &str,
    service: i64,
) -> Result<(), DbErr> {
    let row = fee_mappings::ActiveModel {
        reseller_id: Set(reseller.0),
        fee_kind: Set(fee_kind.to_owned()),
        autotask_service_id: Set(service),
        updated_at: Set(Utc::now().fixed_offset()),
        ..Default::default()
    };
    fee_mappings::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                fee_mappings::Column::ResellerId,
                fee_mappings::Column::FeeKind,
            ])
            .update_columns([
                fee_mappings::Column::AutotaskServiceId,
                fee_mappings::Column::UpdatedAt,
            ])
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Every product of the reseller, by name (then key).
pub async fn find_products_for_reseller<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
) -> Result<Vec<Product>, DbErr> {
    use sea_orm::QueryOrder;
    Ok(products::Entity::find()
        .filter(products::Column::ResellerId.eq(reseller.0))
        .order_by_asc(products::Column::Name)
        .order_by_asc(products::Column::Mpn)
        .order_by_asc(products::Column::BillingPeriod)
        .all(db)
        .await?
        .into_iter()
        .map(product_of)
        .collect())
}

/// The subscription of this product the marketplace showed most recently (for its price).
pub async fn find_latest_subscription_of_product<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    product: ProductRowId,
) -> Result<Option<Subscription>, DbErr> {
    use sea_orm::QueryOrder;
    let row = subscriptions::Entity::find()
        .filter(subscriptions::Column::ResellerId.eq(reseller.0))
        .filter(subscriptions::Column::ProductId.eq(product.0))
        .order_by_desc(subscriptions::Column::UpdatedAt)
        .order_by_desc(subscriptions::Column::Id)
        .one(db)
        .await?;
    match row {
        Some(row) => find_subscription_by_row(db, reseller, SubscriptionRowId(row.id)).await,
        None => Ok(None),
    }
}

/// Which tasks a mapping concerns: those of a customer, or those of a product (named on the
/// task or on its subscription).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TasksOf {
    Customer(CustomerRowId),
    Product(ProductRowId),
}

fn tasks_of_condition(of: TasksOf) -> sea_orm::Condition {
    use sea_orm::{Condition, QuerySelect, QueryTrait};
    match of {
        TasksOf::Customer(customer) => {
            Condition::all().add(sync_tasks::Column::CustomerId.eq(customer.0))
        }
        TasksOf::Product(product) => Condition::any()
            .add(sync_tasks::Column::ProductId.eq(product.0))
            .add(
                sync_tasks::Column::SubscriptionId.in_subquery(
                    subscriptions::Entity::find()
                        .select_only()
                        .column(subscriptions::Column::Id)
                        .filter(subscriptions::Column::ProductId.eq(product.0))
                        .into_query(),
                ),
            ),
    }
}

/// How many of the reseller's tasks of a customer or product are in one of `statuses`.
pub async fn count_tasks_of_in_status<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    of: TasksOf,
    statuses: &[TaskStatus],
) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    sync_tasks::Entity::find()
        .filter(sync_tasks::Column::ResellerId.eq(reseller.0))
        .filter(sync_tasks::Column::Status.is_in(statuses.iter().map(|s| s.word())))
        .filter(tasks_of_condition(of))
        .count(db)
        .await
}

/// Moves the reseller's tasks of a customer or product from `from` to `to` (only those still in
/// `from`); returns how many moved.
pub async fn move_tasks_of<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    of: TasksOf,
    from: TaskStatus,
    to: TaskStatus,
) -> Result<u64, DbErr> {
    let result = sync_tasks::Entity::update_many()
        .col_expr(sync_tasks::Column::Status, Expr::value(to.word()))
        .col_expr(
            sync_tasks::Column::UpdatedAt,
            Expr::value(Utc::now().fixed_offset()),
        )
        .filter(sync_tasks::Column::ResellerId.eq(reseller.0))
        .filter(sync_tasks::Column::Status.eq(from.word()))
        .filter(tasks_of_condition(of))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// Removes a fee's mapping; `false` when there was none.
pub async fn delete_fee_service<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    fee_kind: &str,
) -> Result<bool, DbErr> {
    let result = fee_mappings::Entity::delete_many()
        .filter(fee_mappings::Column::ResellerId.eq(reseller.0))
        .filter(fee_mappings::Column::FeeKind.eq(fee_kind))
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}
