//! One pass over the marketplace's new orders: each order in its own transaction, oldest first,
//! exactly one task per order however often and on however many nodes it runs.
//!
//! A failure stops the pass: everything older than the newest task is then settled, so the next
//! run's window catches up without gaps. An order that cannot be read is skipped (and logged
//! with the field at fault), never allowed to stop every later run. Orders not yet completed
//! are remembered and polled again.

use std::collections::HashMap;

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};

use super::window::window;
use crate::db;
use crate::domain::{action_log, classify::classify};
use crate::marketplace::{
    MarketplaceClient, MarketplaceError,
    models::{OrderDetail, Subscription, Unreadable},
};
use crate::model::{
    catalog::{ProductKey, SubscriptionSnapshot},
    check_run::{OrderOutcome, RunCounts, RunOrder},
    ids::{CheckRunId, CustomerRowId, ProductRowId, ResellerId, SubscriptionRowId, TaskId},
    log::Level,
    money::Money,
    task::{NewTask, OrderRef},
};

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
    /// Orders that could not be read, skipped and logged.
    pub unreadable: usize,
}

impl CheckOutcome {
    fn counts(&self) -> RunCounts {
        let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
        RunCounts {
            orders_seen: count(self.orders_seen),
            tasks_created: count(self.tasks_created),
            skipped: count(self.skipped + self.pending),
            unreadable: count(self.unreadable),
        }
    }
}

/// Per-run caches: one call per distinct subscription and customer.
#[derive(Default)]
struct RunCache {
    subscriptions: HashMap<String, Result<Option<Subscription>, Unreadable>>,
    customers: HashMap<String, String>,
}

/// Looks at the orders of the window and records a task for each new completed one.
pub async fn check(
    db: &DatabaseConnection,
    client: &MarketplaceClient,
    reseller: ResellerId,
    run: CheckRunId,
    now: DateTime<Utc>,
    progress: &impl Fn(Progress),
) -> anyhow::Result<CheckOutcome> {
    let settings = db::settings::find_check_settings(db, reseller)
        .await
        .context("reading the settings")?;
    let (overlap, completed_only) = (settings.overlap_minutes, settings.completed_orders_only);
    let newest = db::tasks::find_newest_task_order_time(db, reseller)
        .await
        .context("reading the newest task")?;
    let (from, to) = window(newest, now, overlap);
    let listed = client
        .orders_created_between(from, to)
        .await
        .context("listing marketplace orders")?;
    let mut outcome = CheckOutcome::default();
    for bad in &listed.unreadable {
        let note = log_unreadable(db, reseller, bad, None).await?;
        let entry = RunOrder {
            mp_order_id: bad.id.clone(),
            order_number: None,
            outcome: OrderOutcome::Unreadable,
            task: None,
            note: Some(note),
        };
        db::check_runs::insert_check_run_order(db, reseller, run, &entry).await?;
        outcome.unreadable += 1;
    }
    // The list is newest first; orders are handled oldest first.
    let mut candidates: Vec<String> = listed.items.iter().rev().map(|o| o.id.clone()).collect();
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
    outcome.orders_seen = known.len();
    let total = i32::try_from(todo.len()).unwrap_or(i32::MAX);
    db::check_runs::record_check_window(db, run, (from, to), total).await?;
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

    let mut cache = RunCache::default();
    for (done, order_id) in todo.iter().enumerate() {
        match client.order(order_id).await {
            Ok(order) => {
                outcome.orders_seen += 1;
                let seen = Seen {
                    reseller,
                    run,
                    order: &order,
                };
                handle_order(db, client, seen, completed_only, &mut cache, &mut outcome).await?;
            }
            Err(MarketplaceError::NotFound) => {
                db::pending_orders::forget_pending_order(db, reseller, order_id).await?;
                let entry = RunOrder {
                    mp_order_id: Some(order_id.clone()),
                    order_number: None,
                    outcome: OrderOutcome::Skipped,
                    task: None,
                    note: Some("The marketplace no longer has this order.".into()),
                };
                db::check_runs::insert_check_run_order(db, reseller, run, &entry).await?;
                outcome.skipped += 1;
            }
            Err(MarketplaceError::Unreadable(bad)) => {
                let note = log_unreadable(db, reseller, &bad, None).await?;
                let entry = RunOrder {
                    mp_order_id: Some(order_id.clone()),
                    order_number: None,
                    outcome: OrderOutcome::Unreadable,
                    task: None,
                    note: Some(note),
                };
                db::check_runs::insert_check_run_order(db, reseller, run, &entry).await?;
                outcome.unreadable += 1;
            }
            Err(e) => {
                return Err(anyhow::Error::new(e).context(format!("reading order {order_id}")));
            }
        }
        db::check_runs::record_check_progress(db, run, outcome.counts(), Utc::now()).await?;
        progress(Progress {
            done: done + 1,
            total: todo.len(),
        });
    }
    Ok(outcome)
}

/// Records that an order could not be read: which order, and which field. Returns what was
/// logged, for the run's detail.
async fn log_unreadable<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    bad: &Unreadable,
    subscription_of: Option<&str>,
) -> anyhow::Result<String> {
    let order = bad.id.as_deref().unwrap_or("without an id");
    let message = match subscription_of {
        Some(order_id) => format!(
            "Order {order_id} was skipped: its subscription {order} could not be read (field {}: {}). Fix it on the marketplace; the next run looks again.",
            bad.field, bad.problem
        ),
        None => format!(
            "Order {order} was skipped: it could not be read (field {}: {}). Fix it on the marketplace; the next run looks again.",
            bad.field, bad.problem
        ),
    };
    tracing::warn!(reseller = reseller.0, %message, "an unreadable marketplace record was skipped");
    action_log::record(db, reseller, Level::Warning, "CHK12", &message, None).await?;
    Ok(message)
}

/// An order a run has read, and which run read it.
#[derive(Clone, Copy)]
struct Seen<'a> {
    reseller: ResellerId,
    run: CheckRunId,
    order: &'a OrderDetail,
}

impl Seen<'_> {
    /// Records on the run what became of the order.
    async fn note<C: ConnectionTrait>(
        &self,
        db: &C,
        outcome: OrderOutcome,
        task: Option<TaskId>,
        note: Option<String>,
    ) -> anyhow::Result<()> {
        let entry = RunOrder {
            mp_order_id: Some(self.order.id.clone()),
            order_number: Some(self.order.order_number.clone()),
            outcome,
            task,
            note,
        };
        db::check_runs::insert_check_run_order(db, self.reseller, self.run, &entry).await?;
        Ok(())
    }
}

async fn handle_order(
    db: &DatabaseConnection,
    client: &MarketplaceClient,
    seen: Seen<'_>,
    completed_only: bool,
    cache: &mut RunCache,
    outcome: &mut CheckOutcome,
) -> anyhow::Result<()> {
    let (reseller, order) = (seen.reseller, seen.order);
    match order.status.as_str() {
        "completed" => {}
        // A reseller may choose to see orders as soon as they are placed.
        "submitted" | "processing" if !completed_only => {}
        "submitted" | "processing" => {
            db::pending_orders::remember_pending_order(db, reseller, &order.id, &order.status)
                .await?;
            let note = format!("The order is {}; the next run looks again.", order.status);
            seen.note(db, OrderOutcome::Pending, None, Some(note))
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
            let note = format!("The order is {other}; no task was made.");
            seen.note(db, OrderOutcome::Skipped, None, Some(note))
                .await?;
            outcome.skipped += 1;
            return Ok(());
        }
    }
    let subscription = match &order.subscription_id {
        Some(id) => match subscription_cached(client, cache, id).await? {
            Ok(found) => found,
            Err(bad) => {
                let note = log_unreadable(db, reseller, &bad, Some(&order.id)).await?;
                seen.note(db, OrderOutcome::Unreadable, None, Some(note))
                    .await?;
                outcome.unreadable += 1;
                return Ok(());
            }
        },
        None => None,
    };
    let customer_name = customer_name_cached(client, cache, &order.customer_id).await?;
    let synced = match &order.subscription_id {
        Some(id) => db::catalog::find_subscription(db, reseller, id)
            .await?
            .and_then(|s| s.synced_quantity),
        None => None,
    };
    let Some(facts) = classify(order, subscription.as_ref(), synced) else {
        db::pending_orders::forget_pending_order(db, reseller, &order.id).await?;
        let note =
            "Nothing to bill: the order is neither a subscription change nor a usage charge.";
        seen.note(db, OrderOutcome::Skipped, None, Some(note.into()))
            .await?;
        outcome.skipped += 1;
        return Ok(());
    };
    let txn = db.begin().await.context("starting a transaction")?;
    let customer =
        db::catalog::upsert_customer(&txn, reseller, &order.customer_id, &customer_name).await?;
    let product = match product_key(order, subscription.as_ref()) {
        Some((key, name)) => Some(db::catalog::upsert_product(&txn, reseller, &key, &name).await?),
        None => None,
    };
    let subscription_row = match (&order.subscription_id, &subscription) {
        (Some(id), Some(sub)) => {
            Some(record_subscription(&txn, reseller, customer, product, id, sub).await?)
        }
        _ => None,
    };
    let task = NewTask {
        reseller,
        order: OrderRef {
            mp_order_id: order.id.clone(),
            order_number: order.order_number.clone(),
            order_type: order.kind.clone(),
            created_at: order.creation_date,
        },
        facts,
        customer,
        subscription: subscription_row,
        mp_subscription_id: order.subscription_id.clone(),
        product,
        effective_date: order
            .provisioning_date
            .unwrap_or(order.creation_date)
            .date_naive(),
        order_snapshot: serde_json::to_value(order).context("keeping the order as received")?,
    };
    let created = db::tasks::insert_task_if_new(&txn, &task).await?;
    db::pending_orders::forget_pending_order(&txn, reseller, &order.id).await?;
    if created {
        let id = db::tasks::find_task_id_for_order(&txn, reseller, &order.id).await?;
        seen.note(&txn, OrderOutcome::TaskCreated, id, None).await?;
    } else {
        let note = "A task for this order exists already.";
        seen.note(&txn, OrderOutcome::Skipped, None, Some(note.into()))
            .await?;
    }
    txn.commit().await.context("saving the task")?;
    if created {
        outcome.tasks_created += 1;
    } else {
        outcome.skipped += 1;
    }
    Ok(())
}

/// The subscription, once per run; `Ok(None)` when the marketplace has no such subscription,
/// `Err` when it sent one that cannot be read.
async fn subscription_cached(
    client: &MarketplaceClient,
    cache: &mut RunCache,
    id: &str,
) -> anyhow::Result<Result<Option<Subscription>, Unreadable>> {
    if let Some(found) = cache.subscriptions.get(id) {
        return Ok(found.clone());
    }
    let found = match client.subscription(id).await {
        Ok(sub) => Ok(Some(sub)),
        Err(MarketplaceError::NotFound) => Ok(None),
        Err(MarketplaceError::Unreadable(bad)) => Err(bad),
        Err(e) => return Err(anyhow::Error::new(e).context(format!("reading subscription {id}"))),
    };
    cache.subscriptions.insert(id.to_owned(), found.clone());
    Ok(found)
}

/// The customer's name, once per run; only shown, so an unreadable customer gets a stand-in.
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
        Err(MarketplaceError::NotFound | MarketplaceError::Unreadable(_)) => {
            format!("Customer {id}")
        }
        Err(e) => return Err(anyhow::Error::new(e).context(format!("reading customer {id}"))),
    };
    cache.customers.insert(id.to_owned(), name.clone());
    Ok(name)
}

/// The product key of the order (design §2.3) and the product's name: from the subscription
/// when the marketplace sent it, else from the order's own first line.
fn product_key(order: &OrderDetail, sub: Option<&Subscription>) -> Option<(ProductKey, String)> {
    let key = |mpn: &str, vendor: Option<&str>, billing: Option<String>, term: Option<String>| {
        ProductKey {
            mpn: mpn.to_owned(),
            vendor: vendor.unwrap_or_default().to_owned(),
            billing_period: billing.unwrap_or_default(),
            subscription_period: term.unwrap_or_default(),
        }
    };
    if let Some(sub) = sub
        && let Some(p) = sub.products.first()
    {
        let name = p.name.as_deref().or(sub.name.as_deref()).unwrap_or(&p.mpn);
        return Some((
            key(
                &p.mpn,
                p.vendor.as_deref(),
                sub.billing_period.as_ref().map(|p| p.key()),
                sub.subscription_period.as_ref().map(|p| p.key()),
            ),
            name.to_owned(),
        ));
    }
    let line = order.products.first().filter(|l| !l.mpn.is_empty())?;
    Some((
        key(
            &line.mpn,
            line.vendor.as_deref(),
            line.billing_period.as_ref().map(|p| p.key()),
            line.subscription_period.as_ref().map(|p| p.key()),
        ),
        line.name.clone().unwrap_or_else(|| line.mpn.clone()),
    ))
}

async fn record_subscription<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    customer: CustomerRowId,
    product: Option<ProductRowId>,
    id: &str,
    sub: &Subscription,
) -> anyhow::Result<SubscriptionRowId> {
    let line = sub.products.first();
    let price = line.and_then(|p| p.unit_price.as_ref());
    let snapshot = SubscriptionSnapshot {
        mp_subscription_id: id.to_owned(),
        customer,
        product,
        status: sub.status.clone(),
        billing_period: sub
            .billing_period
            .as_ref()
            .map_or_else(|| "unknown".into(), |p| p.key()),
        currency: price.map(|m| m.currency.clone()),
        unit_price: price.map(|m| Money::rounded(m.amount)),
        unit_cost: line
            .and_then(|p| p.unit_cost.as_ref())
            .map(|m| Money::rounded(m.amount)),
        snapshot: serde_json::to_value(sub).context("keeping the subscription as received")?,
    };
    Ok(db::catalog::upsert_subscription(db, reseller, &snapshot)
        .await?
        .id)
}
