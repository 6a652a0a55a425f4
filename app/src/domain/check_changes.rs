//! Check Changes (design §2.1): turn the marketplace's new orders into sync tasks, exactly one
//! per order, however often and on however many nodes it runs.
//!
//! The window starts a month back on the first run, later at the newest task's order time minus
//! an overlap. Orders are handled oldest first, each in its own transaction, and a failure stops
//! the run: everything older than the newest task is then settled, so the next run's window
//! catches up without gaps. Orders not yet completed are remembered and polled again.

use std::collections::HashMap;

use anyhow::Context;
use chrono::{DateTime, Months, Utc};
use entities::sync_tasks;
use rust_decimal::Decimal;
use sea_orm::{DatabaseConnection, Set, TransactionTrait};

use crate::db::{
    self,
    catalog::{ProductKey, SubscriptionSnapshot},
    check_runs::RunCounts,
};
use crate::domain::{
    action_log::{self, Level},
    classify::{Classification, classify},
    ids::ResellerId,
    money::Money,
};
use crate::marketplace::{
    MarketplaceClient, MarketplaceError,
    models::{OrderDetail, Subscription},
};

/// Minutes the window reaches back before the newest task, unless the settings say otherwise.
pub const DEFAULT_OVERLAP_MINUTES: i64 = 10;

/// How far a run has got, for its progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

/// What one run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CheckOutcome {
    pub orders_seen: usize,
    pub tasks_created: usize,
    pub skipped: usize,
    pub pending: usize,
}

/// The window of order creation times a run looks at.
pub fn window(
    newest_task: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    overlap_minutes: i64,
) -> (DateTime<Utc>, DateTime<Utc>) {
    let from = match newest_task {
        Some(newest) => newest - chrono::Duration::minutes(overlap_minutes),
        None => now.checked_sub_months(Months::new(1)).unwrap_or(now),
    };
    (from, now)
}

/// Per-run caches: one call per distinct subscription and customer.
#[derive(Default)]
struct RunCache {
    subscriptions: HashMap<String, Option<Subscription>>,
    customers: HashMap<String, String>,
}

/// Runs Check Changes for one reseller and records it as check run `run`.
pub async fn run_check_changes(
    db: &DatabaseConnection,
    client: &MarketplaceClient,
    reseller: ResellerId,
    run: i64,
    now: DateTime<Utc>,
    progress: impl Fn(Progress),
) -> anyhow::Result<CheckOutcome> {
    let result = check(db, client, reseller, run, now, &progress).await;
    let (status, message, level) = match &result {
        Ok(o) => (
            "done",
            format!(
                "Check Changes found {} orders: {} new tasks, {} skipped, {} not completed yet.",
                o.orders_seen, o.tasks_created, o.skipped, o.pending
            ),
            Level::Info,
        ),
        Err(e) => (
            "failed",
            format!("Check Changes stopped: {e:#}. The next run continues from here."),
            Level::Error,
        ),
    };
    db::check_runs::finish_check_run(db, run, status, &message)
        .await
        .context("finishing the check run")?;
    action_log::record(
        db,
        reseller,
        level,
        if result.is_ok() { "CHK02" } else { "CHK90" },
        &message,
        None,
    )
    .await?;
    result
}

async fn check(
    db: &DatabaseConnection,
    client: &MarketplaceClient,
    reseller: ResellerId,
    run: i64,
    now: DateTime<Utc>,
    progress: &impl Fn(Progress),
) -> anyhow::Result<CheckOutcome> {
    let settings = db::settings::find_settings(db, reseller)
        .await
        .context("reading the settings")?;
    let overlap = settings
        .as_ref()
        .map_or(DEFAULT_OVERLAP_MINUTES, |s| i64::from(s.overlap_minutes));
    let completed_only = settings.as_ref().is_none_or(|s| s.completed_orders_only);
    let newest = db::tasks::find_newest_task_order_time(db, reseller)
        .await
        .context("reading the newest task")?;
    let (from, to) = window(newest.map(|t| t.with_timezone(&Utc)), now, overlap);
    let mut listed = client
        .orders_created_between(from, to)
        .await
        .context("listing marketplace orders")?;
    listed.reverse(); // oldest first
    let mut candidates: Vec<String> = listed.iter().map(|o| o.id.clone()).collect();
    for pending in db::pending_orders::find_pending_order_ids(db, reseller).await? {
        if !candidates.contains(&pending) {
            candidates.insert(0, pending);
        }
    }
    let known = db::tasks::find_task_order_ids_among(db, reseller, &candidates).await?;
    let todo: Vec<String> = candidates
        .into_iter()
        .filter(|id| !known.contains(id))
        .collect();
    db::check_runs::start_check_run(db, run, from, to, todo.len() as i32).await?;
    action_log::record(
        db,
        reseller,
        Level::Info,
        "CHK01",
        &format!(
            "Check Changes started: orders created {} to {} ({} to look at).",
            from.format("%Y-%m-%d %H:%M"),
            to.format("%Y-%m-%d %H:%M"),
            todo.len()
        ),
        None,
    )
    .await?;

    let mut outcome = CheckOutcome {
        orders_seen: known.len(),
        ..CheckOutcome::default()
    };
    let mut cache = RunCache::default();
    let total = todo.len();
    for (done, order_id) in todo.iter().enumerate() {
        let order = match client.order(order_id).await {
            Ok(order) => order,
            Err(MarketplaceError::NotFound) => {
                db::pending_orders::forget_pending_order(db, reseller, order_id).await?;
                outcome.skipped += 1;
                continue;
            }
            Err(e) => {
                return Err(anyhow::Error::new(e).context(format!("reading order {order_id}")));
            }
        };
        outcome.orders_seen += 1;
        handle_order(
            db,
            client,
            reseller,
            &order,
            completed_only,
            &mut cache,
            &mut outcome,
        )
        .await?;
        let counts = RunCounts {
            orders_seen: outcome.orders_seen as i32,
            tasks_created: outcome.tasks_created as i32,
            skipped: (outcome.skipped + outcome.pending) as i32,
            errors: 0,
        };
        db::check_runs::record_check_progress(db, run, counts).await?;
        progress(Progress {
            done: done + 1,
            total,
        });
    }
    Ok(outcome)
}

async fn handle_order(
    db: &DatabaseConnection,
    client: &MarketplaceClient,
    reseller: ResellerId,
    order: &OrderDetail,
    completed_only: bool,
    cache: &mut RunCache,
    outcome: &mut CheckOutcome,
) -> anyhow::Result<()> {
    match order.status.as_str() {
        "completed" => {}
        // A reseller may choose to see orders as soon as they are placed.
        "submitted" | "processing" if !completed_only => {}
        "submitted" | "processing" => {
            db::pending_orders::remember_pending_order(db, reseller, &order.id, &order.status)
                .await?;
            outcome.pending += 1;
            return Ok(());
        }
        other => {
            db::pending_orders::forget_pending_order(db, reseller, &order.id).await?;
            action_log::record(
                db,
                reseller,
                Level::Warning,
                "CHK11",
                &format!("Order {} is {other}; no task was made.", order.order_number),
                None,
            )
            .await?;
            outcome.skipped += 1;
            return Ok(());
        }
    }
    let subscription = match &order.subscription_id {
        Some(id) => subscription_cached(client, cache, id).await?,
        None => None,
    };
    let customer_name = customer_name_cached(client, cache, &order.customer_id).await?;
    let synced = match &order.subscription_id {
        Some(id) => db::catalog::find_subscription(db, reseller, id)
            .await?
            .and_then(|s| s.synced_quantity),
        None => None,
    };
    let Some(classification) = classify(order, subscription.as_ref(), synced) else {
        db::pending_orders::forget_pending_order(db, reseller, &order.id).await?;
        outcome.skipped += 1;
        return Ok(());
    };
    let txn = db.begin().await.context("starting a transaction")?;
    let customer =
        db::catalog::upsert_customer(&txn, reseller, &order.customer_id, &customer_name).await?;
    let subscription_row = match (&order.subscription_id, &subscription) {
        (Some(id), Some(sub)) => {
            Some(record_subscription(&txn, reseller, customer, id, sub).await?)
        }
        _ => None,
    };
    let created = db::tasks::insert_task_if_new(
        &txn,
        task_row(reseller, order, &classification, customer, subscription_row),
    )
    .await?;
    db::pending_orders::forget_pending_order(&txn, reseller, &order.id).await?;
    txn.commit().await.context("saving the task")?;
    if created {
        outcome.tasks_created += 1;
    } else {
        outcome.skipped += 1;
    }
    Ok(())
}

async fn subscription_cached(
    client: &MarketplaceClient,
    cache: &mut RunCache,
    id: &str,
) -> anyhow::Result<Option<Subscription>> {
    if let Some(found) = cache.subscriptions.get(id) {
        return Ok(found.clone());
    }
    let found = match client.subscription(id).await {
        Ok(sub) => Some(sub),
        Err(MarketplaceError::NotFound) => None,
        Err(e) => return Err(anyhow::Error::new(e).context(format!("reading subscription {id}"))),
    };
    cache.subscriptions.insert(id.to_owned(), found.clone());
    Ok(found)
}

async fn customer_name_cached(
    client: &MarketplaceClient,
    cache: &mut RunCache,
    id: &str,
) -> anyhow::Result<String> {
    if let Some(name) = cache.customers.get(id) {
        return Ok(name.clone());
    }
    let name = match client.customer(id).await {
        Ok(customer) => customer.name,
        Err(MarketplaceError::NotFound) => format!("Customer {id}"),
        Err(e) => return Err(anyhow::Error::new(e).context(format!("reading customer {id}"))),
    };
    cache.customers.insert(id.to_owned(), name.clone());
    Ok(name)
}

fn money_e4(amount: Option<Decimal>) -> Option<i64> {
    amount.and_then(|a| Money::rounded(a).to_e4().ok())
}

async fn record_subscription<C: sea_orm::ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    customer: i64,
    id: &str,
    sub: &Subscription,
) -> anyhow::Result<i64> {
    let product = sub.products.first();
    let product_id = match product {
        Some(p) => {
            let billing = sub
                .billing_period
                .as_ref()
                .map(|p| p.key())
                .unwrap_or_default();
            let term = sub
                .subscription_period
                .as_ref()
                .map(|p| p.key())
                .unwrap_or_default();
            let key = ProductKey {
                mpn: &p.mpn,
                vendor: p.vendor.as_deref().unwrap_or(""),
                billing_period: &billing,
                subscription_period: &term,
            };
            Some(
                db::catalog::upsert_product(
                    db,
                    reseller,
                    &key,
                    p.name.as_deref().or(sub.name.as_deref()).unwrap_or(&p.mpn),
                )
                .await?,
            )
        }
        None => None,
    };
    let billing_period = sub
        .billing_period
        .as_ref()
        .map(|p| p.key())
        .unwrap_or_else(|| "unknown".into());
    let price = product.and_then(|p| p.unit_price.as_ref());
    let snapshot = SubscriptionSnapshot {
        mp_subscription_id: id,
        customer_id: customer,
        product_id,
        status: &sub.status,
        billing_period: &billing_period,
        currency: price.map(|m| m.currency.as_str()),
        unit_price_e4: money_e4(price.map(|m| m.amount)),
        unit_cost_e4: money_e4(product.and_then(|p| p.unit_cost.as_ref()).map(|m| m.amount)),
        snapshot: serde_json::to_value(sub).unwrap_or_default(),
    };
    Ok(db::catalog::upsert_subscription(db, reseller, snapshot)
        .await?
        .id)
}

fn task_row(
    reseller: ResellerId,
    order: &OrderDetail,
    classification: &Classification,
    customer: i64,
    subscription: Option<i64>,
) -> sync_tasks::ActiveModel {
    let now = Utc::now().fixed_offset();
    let effective = order
        .provisioning_date
        .unwrap_or(order.creation_date)
        .date_naive();
    sync_tasks::ActiveModel {
        reseller_id: Set(reseller.0),
        mp_order_id: Set(order.id.clone()),
        order_number: Set(order.order_number.clone()),
        order_type: Set(order.kind.clone()),
        task_type: Set(classification.task_type.as_str().to_owned()),
        status: Set("new".into()),
        customer_id: Set(Some(customer)),
        subscription_id: Set(subscription),
        effective_date: Set(Some(effective)),
        order_created_at: Set(order.creation_date.fixed_offset()),
        order_snapshot: Set(serde_json::to_value(order).ok()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn the_first_window_reaches_one_month_back_and_later_ones_start_before_the_newest_task() {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap();
        assert_eq!(
            window(None, now, 10),
            (Utc.with_ymd_and_hms(2026, 10, 23, 12, 0, 0).unwrap(), now)
        );
        let newest = Utc.with_ymd_and_hms(2026, 11, 20, 9, 30, 0).unwrap();
        assert_eq!(
            window(Some(newest), now, 10).0,
            Utc.with_ymd_and_hms(2026, 11, 20, 9, 20, 0).unwrap()
        );
    }
}
