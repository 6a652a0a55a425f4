//! `psa-sync bench check-changes`: Check Changes over many orders in the sandbox, reporting
//! marketplace calls and wall time. Runs in a throw-away data directory on SQLite.

use std::time::Instant;

use anyhow::Context;
use chrono::Utc;
use secrecy::SecretString;

use crate::config::Settings;
use crate::domain::{
    accounts::{self, Email, Role},
    check_changes::{self, RunResult},
    connections::{self, MarketplaceConnectionInput},
};
use crate::model::check_run::Trigger;
use crate::sandbox::marketplace::{NewOrder, NewOrderLine, seed};
use crate::startup::{Application, SANDBOX_MARKETPLACE_PATH};

/// Places `orders` orders over the last 25 days (three in five are sales of a new subscription,
/// the rest change one of them), runs Check Changes twice and prints what it cost.
pub async fn run_bench(orders: usize) -> anyhow::Result<()> {
    super::in_throwaway_dir(|settings| async move { run(&settings, orders).await }).await
}

async fn run(settings: &Settings, orders: usize) -> anyhow::Result<()> {
    let app = Application::build(settings).await?;
    let state = app.state();
    let sandbox = app
        .marketplace_sandbox()
        .context("the benchmark needs the sandboxes on")?;
    let (reseller, _) = accounts::add_user(
        &state.db,
        "Bench",
        &Email::parse("bench@bench.test")?,
        Role::Admin,
        &SecretString::from("bench-password-1"),
    )
    .await?;
    connections::save_marketplace_connection(
        &state.db,
        &state.key,
        reseller,
        MarketplaceConnectionInput {
            base_url: SANDBOX_MARKETPLACE_PATH.into(),
            marketplace_code: seed::MARKETPLACE.into(),
            username: seed::USERNAME.into(),
            password: Some(SecretString::from(seed::PASSWORD)),
            subscription_key: Some(SecretString::from(seed::SUBSCRIPTION_KEY)),
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let running = tokio::spawn(app.run_until(std::future::pending()));

    let placing = Instant::now();
    // Three in five orders buy a new subscription (over the first 15 days); the rest change
    // the quantity of one of those (over the last 10 days).
    let sales_count = orders * 3 / 5;
    let now = Utc::now().timestamp();
    let (sales_start, change_start) = (now - 25 * 86_400, now - 10 * 86_400);
    let step = |span: i64, count: usize| (span / count.max(1) as i64).max(1);
    let sales: Vec<(i64, NewOrder)> = (0..sales_count)
        .map(|n| {
            let order = NewOrder {
                kind: "sales".into(),
                customer_id: (1_000_001 + (n % 30) as i64).to_string(),
                subscription_id: None,
                po_number: None,
                products: vec![seed::line(n, n % 7 == 0, 1 + (n % 20) as i64)],
            };
            (
                sales_start + n as i64 * step(15 * 86_400, sales_count),
                order,
            )
        })
        .collect();
    let placed_sales = sandbox
        .place_history(&sales)
        .context("placing the sales orders")?;
    let bought: Vec<(String, String)> = sales
        .iter()
        .zip(&placed_sales)
        .filter_map(|((_, order), placed)| {
            Some((
                order.customer_id.clone(),
                placed.as_ref().ok()?.subscription_id.clone()?,
            ))
        })
        .collect();
    anyhow::ensure!(!bought.is_empty(), "no sales order was accepted");
    let change_count = orders - sales_count;
    let changes: Vec<(i64, NewOrder)> = (0..change_count)
        .map(|n| {
            let (customer, subscription) = bought[(n * 7919) % bought.len()].clone();
            let line = NewOrderLine {
                mpn: String::new(),
                vendor: None,
                billing_period: None,
                subscription_period: None,
                quantity: 1 + (n % 25) as i64,
            };
            let order = NewOrder {
                kind: "change".into(),
                customer_id: customer,
                subscription_id: Some(subscription),
                po_number: None,
                products: vec![line],
            };
            (
                change_start + n as i64 * step(10 * 86_400 - 3_600, change_count),
                order,
            )
        })
        .collect();
    let placed_changes = sandbox
        .place_history(&changes)
        .context("placing the change orders")?;
    let placed = placed_sales
        .iter()
        .chain(&placed_changes)
        .filter(|p| p.is_ok())
        .count();
    println!(
        "placed {placed} of {orders} orders in the sandbox in {:.1} s",
        placing.elapsed().as_secs_f64()
    );

    let client = state
        .connections
        .marketplace(reseller)
        .await?
        .context("the bench reseller has no marketplace connection")?;
    for pass in ["first run", "second run (nothing new)"] {
        let before = client.calls();
        let run =
            check_changes::request_run(&state.db, reseller, Trigger::Manual, Utc::now()).await?;
        let started = Instant::now();
        let result = check_changes::run_requested(
            &state.db,
            &state.connections,
            reseller,
            run,
            &state.node,
            |_| {},
        )
        .await?;
        let RunResult::Finished(outcome) = result else {
            anyhow::bail!("the benchmark's run was taken by another worker");
        };
        let elapsed = started.elapsed().as_secs_f64();
        let after = client.calls();
        let calls = |name: &str| {
            after.get(name).copied().unwrap_or(0) - before.get(name).copied().unwrap_or(0)
        };
        let pages = calls("GET /orders");
        let details = calls("GET /orders/{id}");
        let subs = calls("GET /subscriptions/{id}");
        let customers = calls("GET /customers/{id}");
        let total: u64 = after.keys().map(|name| calls(name)).sum();
        println!(
            "\n{pass}: {} orders seen, {} tasks created, {} skipped in {elapsed:.2} s ({:.0} orders/s)",
            outcome.orders_seen,
            outcome.tasks_created,
            outcome.skipped,
            outcome.orders_seen as f64 / elapsed.max(0.001)
        );
        println!(
            "  marketplace calls: {total} = {details} order details + {pages} list pages + {subs} subscriptions + {customers} customers + {} token",
            calls("POST /token")
        );
        if outcome.tasks_created > 0 {
            println!(
                "  per new order: {:.3} calls",
                total as f64 / outcome.tasks_created as f64
            );
        }
    }
    running.abort();
    Ok(())
}
