//! `psa-sync bench apply`: syncs and applies many change tasks against the Autotask sandbox
//! (three threads per entity, a configurable hourly threshold and latency) and prints what it
//! cost: Autotask calls per applied change by entity and verb, changes per hour, wall time,
//! thread-limit errors, the highest share of the threshold used, and peak memory.

use std::time::Instant;

use anyhow::Context;
use chrono::{Duration, NaiveDate, TimeZone, Utc};
use secrecy::SecretString;
use serde_json::{Value, json};

use crate::config::Settings;
use crate::db;
use crate::domain::{
    accounts::{self, Email, Role},
    connections::{self, AutotaskConnectionInput},
    sync,
};
use crate::model::{
    catalog::{ProductKey, SubscriptionSnapshot},
    ids::TaskId,
    money::Money,
    task::{Direction, NewTask, OrderRef, Quantities, TaskFacts, TaskType},
};
use crate::sandbox::autotask::{AutotaskSandbox, rules, schema, seed};
use crate::startup::{Application, SANDBOX_AUTOTASK_PATH};

/// What to measure.
#[derive(Debug, Clone, Copy)]
pub struct ApplyBench {
    pub changes: usize,
    pub contracts: usize,
    pub latency_ms: u64,
    pub threshold: u64,
}

/// Services per contract: each change goes on one of them.
pub const SERVICES_PER_CONTRACT: usize = 5;
/// Units every contract service starts with.
pub const START_UNITS: i64 = 10;

pub async fn run_bench(bench: ApplyBench) -> anyhow::Result<()> {
    super::in_throwaway_dir(|settings| async move { run(&settings, bench).await }).await
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

async fn run(settings: &Settings, bench: ApplyBench) -> anyhow::Result<()> {
    anyhow::ensure!(
        bench.contracts > 0 && bench.changes > 0,
        "nothing to measure"
    );
    let app = Application::build(settings).await?;
    let state = app.state();
    let sandbox = app
        .autotask_sandbox()
        .context("the benchmark needs the sandboxes on")?;
    let running = tokio::spawn(app.run_until(std::future::pending()));

    let (reseller, _) = accounts::add_user(
        &state.db,
        "Bench",
        &Email::parse("bench@bench.test")?,
        Role::Admin,
        &SecretString::from("bench-password-1"),
    )
    .await?;
    connections::save_autotask_connection(
        &state.db,
        &state.key,
        reseller,
        AutotaskConnectionInput {
            api_url: Some(SANDBOX_AUTOTASK_PATH.into()),
            username: seed::API_USER.into(),
            integration_code: seed::INTEGRATION_CODE.into(),
            secret: Some(SecretString::from(seed::API_SECRET)),
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;

    let setting_up = Instant::now();
    let layout = contracts_in_sandbox(&sandbox, bench.contracts)?;
    let tasks = tasks_in_database(&state.db, reseller, &layout, bench.changes).await?;
    println!(
        "set up {} contracts with {} contract services and {} change tasks in {:.1} s",
        bench.contracts,
        bench.contracts * SERVICES_PER_CONTRACT,
        tasks.len(),
        setting_up.elapsed().as_secs_f64()
    );
    sandbox.update_faults(|f| {
        f.injected.latency_ms = bench.latency_ms;
        f.threshold = bench.threshold;
        f.thread_limit = 3;
    });
    let client = state
        .connections
        .autotask(reseller)
        .await?
        .context("the bench reseller has no Autotask connection")?;
    let seen_before = sandbox.observed();

    let started = Instant::now();
    for chunk in tasks.chunks(500) {
        let outcome = sync::sync_tasks(&state.db, client.as_ref(), reseller, chunk).await?;
        anyhow::ensure!(
            outcome.refused.is_empty(),
            "tasks were refused: {:?}",
            outcome.refused.first()
        );
    }
    let synced_in = started.elapsed().as_secs_f64();
    let report = sync::apply_queued(&state.db, client.as_ref(), reseller, &state.node).await?;
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "planned and journaled in {synced_in:.1} s, applied in {:.1} s",
        elapsed - synced_in
    );

    let calls = client.calls();
    let total = client.total_calls();
    let seen = sandbox.observed();
    println!(
        "\napplied {} of {} changes in {elapsed:.1} s ({:.0} changes/hour); {} conflicts, {} failed",
        report.done,
        tasks.len(),
        report.done as f64 / elapsed.max(0.001) * 3600.0,
        report.conflicts,
        report.failed
    );
    println!(
        "Autotask calls: {total} ({:.3} per applied change, reads included)",
        total as f64 / report.done.max(1) as f64
    );
    for (name, n) in &calls {
        println!("  {name:<40} {n:>6}");
    }
    println!(
        "thread-limit errors: {}",
        seen.thread_refusals - seen_before.thread_refusals
    );
    println!(
        "highest share of the hourly threshold: {:.1} % ({} of {} requests in the window)",
        seen.peak_usage as f64 * 100.0 / bench.threshold.max(1) as f64,
        seen.peak_usage,
        bench.threshold
    );
    match super::peak_rss_mb() {
        Some(mb) => println!("peak RSS: {mb:.1} MB (service and sandbox in one process)"),
        None => println!("peak RSS: not available on this system"),
    }
    running.abort();
    Ok(())
}

/// Per contract: (contract, company, [(service, contract service)]).
pub type Layout = Vec<(i64, i64, Vec<(i64, i64)>)>;

/// Writes the contracts straight into the sandbox's store (set-up is not what is measured):
/// each seeded company in turn gets a monthly Recurring Service contract with five services of
/// ten units.
pub fn contracts_in_sandbox(sandbox: &AutotaskSandbox, contracts: usize) -> anyhow::Result<Layout> {
    sandbox
        .write(|store| {
            let entity = |name| schema::entity(name).context("a sandbox entity");
            let companies: Vec<i64> = store
                .table("Companies")
                .filter(|c| c.get("companyType").and_then(Value::as_i64) == Some(1))
                .filter_map(|c| c.get("id").and_then(Value::as_i64))
                .collect();
            let services: Vec<i64> = store
                .table("Services")
                .filter(|s| {
                    s.get("name")
                        .and_then(Value::as_str)
                        .is_some_and(|n| n.ends_with("(Monthly)"))
                })
                .filter_map(|s| s.get("id").and_then(Value::as_i64))
                .take(SERVICES_PER_CONTRACT)
                .collect();
            anyhow::ensure!(
                !companies.is_empty() && services.len() == SERVICES_PER_CONTRACT,
                "the sandbox seed lacks companies or monthly services"
            );
            let monthly = schema::PERIOD_TYPES
                .iter()
                .find(|(_, label)| *label == "Monthly")
                .map(|(v, _)| *v)
                .context("a monthly period type")?;
            let refused = |e: Vec<String>| anyhow::anyhow!("{}", e.join(" "));
            let mut layout = Vec::with_capacity(contracts);
            for n in 0..contracts {
                let company = companies[n % companies.len()];
                let contract = rules::create(
                    store,
                    entity("Contracts")?,
                    &json!({"companyID": company, "contractName": format!("Bench contract {n}"),
                            "contractType": schema::RECURRING_SERVICE, "contractPeriodType": monthly,
                            "status": 1, "startDate": "2026-01-01T00:00:00Z", "endDate": "2027-12-31T00:00:00Z",
                            "timeReportingRequiresStartAndStopTimes": 0}),
                    None,
                    None,
                )
                .map_err(refused)?;
                let mut on_contract = Vec::with_capacity(services.len());
                for service in &services {
                    let cs = rules::create(
                        store,
                        entity("ContractServices")?,
                        &json!({"contractID": contract, "serviceID": service}),
                        Some(contract),
                        None,
                    )
                    .map_err(refused)?;
                    rules::create(
                        store,
                        entity("ContractServiceAdjustments")?,
                        &json!({"contractID": contract, "contractServiceID": cs,
                                "effectiveDate": "2026-01-01T00:00:00", "unitChange": START_UNITS}),
                        Some(contract),
                        None,
                    )
                    .map_err(refused)?;
                    on_contract.push((*service, cs));
                }
                layout.push((contract, company, on_contract));
            }
            Ok(layout)
        })
        .context("setting up the sandbox")?
}

/// One customer per company (mapped), one product per service (mapped), one subscription per
/// contract service (bound to its contract), and the change tasks: change `i` adds 1–3 units to
/// subscription `i mod (contracts × 5)` on a day of November 2026.
pub async fn tasks_in_database(
    database: &sea_orm::DatabaseConnection,
    reseller: crate::model::ids::ResellerId,
    layout: &Layout,
    changes: usize,
) -> anyhow::Result<Vec<TaskId>> {
    let subscriptions = subscriptions_in_database(database, reseller, layout).await?;
    let mut held: Vec<i64> = vec![START_UNITS; subscriptions.len()];
    let mut tasks = Vec::with_capacity(changes);
    for i in 0..changes {
        let s = i % subscriptions.len();
        let (subscription, customer, product) = &subscriptions[s];
        let old = held[s];
        let new = old + 1 + (i % 3) as i64;
        held[s] = new;
        // Later changes of a subscription come on later days.
        let date = day(2026, 11, 2)
            + Duration::days((i / subscriptions.len()) as i64 * 3 + (s % 3) as i64);
        let order = format!("BENCH-{i}");
        let task = NewTask {
            reseller,
            order: OrderRef {
                mp_order_id: order.clone(),
                order_number: order,
                order_type: "change".into(),
                created_at: Utc.from_utc_datetime(&date.and_hms_opt(9, 0, 0).unwrap_or_default()),
            },
            facts: TaskFacts {
                task_type: TaskType::Change,
                direction: Some(Direction::Up),
                quantities: Quantities::between(Some(old), Some(new)),
            },
            customer: *customer,
            subscription: Some(subscription.id),
            mp_subscription_id: Some(subscription.mp_subscription_id.clone()),
            product: Some(*product),
            effective_date: date,
            order_snapshot: json!({}),
        };
        db::tasks::insert_task_if_new(database, &task).await?;
    }
    for task in db::tasks::find_tasks_for_reseller(
        database,
        reseller,
        &Default::default(),
        changes as u64 + 1,
    )
    .await?
    {
        tasks.push(task.id);
    }
    tasks.reverse();
    Ok(tasks)
}

/// One customer per company and one product per service (both mapped), and one subscription per
/// contract service, bound to its contract: what the benchmarks' tasks are made on.
pub async fn subscriptions_in_database(
    database: &sea_orm::DatabaseConnection,
    reseller: crate::model::ids::ResellerId,
    layout: &Layout,
) -> anyhow::Result<
    Vec<(
        crate::model::catalog::Subscription,
        crate::model::ids::CustomerRowId,
        crate::model::ids::ProductRowId,
    )>,
> {
    let mut products = Vec::new();
    for (k, (service, _)) in layout[0].2.iter().enumerate() {
        let key = ProductKey {
            mpn: format!("BENCH-{k}"),
            vendor: "Microsoft".into(),
            billing_period: "month:1".into(),
            subscription_period: "month:1".into(),
        };
        let product =
            db::catalog::upsert_product(database, reseller, &key, &format!("Plan {k}")).await?;
        db::mappings::set_product_service(database, reseller, product, Some(*service)).await?;
        products.push(product);
    }
    let mut subscriptions = Vec::new();
    // One customer per company (the mapping is one to one); a company may have several of the
    // contracts, each subscription is bound to its own.
    let mut customers = std::collections::HashMap::new();
    for (n, (contract, company, services)) in layout.iter().enumerate() {
        let customer = match customers.get(company) {
            Some(customer) => *customer,
            None => {
                let customer = db::catalog::upsert_customer(
                    database,
                    reseller,
                    &format!("BC{company}"),
                    &format!("Bench customer {company}"),
                )
                .await?;
                db::mappings::set_customer_company(database, reseller, customer, Some(*company))
                    .await?;
                customers.insert(*company, customer);
                customer
            }
        };
        for (k, _) in services.iter().enumerate() {
            let subscription = db::catalog::upsert_subscription(
                database,
                reseller,
                &SubscriptionSnapshot {
                    mp_subscription_id: format!("BS{n}-{k}"),
                    customer,
                    product: Some(products[k]),
                    status: "active".into(),
                    billing_period: "month:1".into(),
                    currency: Some("EUR".into()),
                    unit_price: Some(Money::from_e4(100_000)),
                    unit_cost: Some(Money::from_e4(85_000)),
                    snapshot: json!({}),
                },
            )
            .await?;
            db::mappings::bind_subscription_to_contract(
                database,
                reseller,
                subscription.id,
                *contract,
            )
            .await?;
            subscriptions.push((subscription, customer, products[k]));
        }
    }
    Ok(subscriptions)
}
