//! `psa-sync task plan ID` and `psa-sync task sync ID… | --ready`, on the configured database,
//! like `serve`. A sync applies the tasks in this process, as a worker would, and prints how
//! each ended.

use std::collections::BTreeMap;

use anyhow::Context;

use crate::config::Settings;
use crate::crypto::MasterKey;
use crate::db;
use crate::domain::connections::Connections;
use crate::domain::sync;
use crate::model::{
    ids::{ResellerId, TaskId},
    journal::LineKind,
    task::TaskStatus,
};

async fn open(settings: &Settings) -> anyhow::Result<(sea_orm::DatabaseConnection, Connections)> {
    std::fs::create_dir_all(&settings.data_dir)?;
    let database = db::connect(&settings.database_url()).await?;
    db::migrate(&database).await?;
    let key = MasterKey::load_or_create(settings.master_key.as_ref(), &settings.data_dir)?;
    // Stored addresses starting with `/` are on the running service (the demo's sandboxes).
    let self_url = format!("http://{}", settings.bind.replace("0.0.0.0", "127.0.0.1"));
    let connections = Connections::new(database.clone(), key, self_url);
    Ok((database, connections))
}

fn kind(kind: LineKind) -> &'static str {
    match kind {
        LineKind::NewContractService => "add service",
        LineKind::UnitChange => "units",
        LineKind::PriceChange => "price",
        LineKind::OneTimeCharge => "charge",
    }
}

/// Prints the task's plan and invoice preview.
pub async fn plan(settings: &Settings, id: i64) -> anyhow::Result<()> {
    let (database, connections) = open(settings).await?;
    let task = db::tasks::find_task(&database, TaskId(id))
        .await?
        .with_context(|| format!("there is no task {id}"))?;
    let client = connections
        .autotask(task.reseller)
        .await?
        .context(sync::Outcome::NoConnection.sentence())?;
    let plans = sync::plan_tasks(&database, client.as_ref(), std::slice::from_ref(&task)).await?;
    match plans.into_iter().next() {
        Some(Ok(plan)) => {
            println!(
                "task {id} ({}), contract {} ({}):",
                task.order.order_number, plan.input.contract.name, plan.input.contract.id
            );
            if plan.lines.is_empty() {
                println!("  nothing to write");
            }
            for line in &plan.lines {
                println!(
                    "  {}. {:<11} {}  {:<40} now {:>4}  change {:>+5}  price {:>10}  cost {:>10}  {}",
                    line.line_no,
                    kind(line.kind),
                    line.effective_date,
                    line.service_name,
                    line.current_quantity,
                    line.quantity_change,
                    line.unit_price.map(|p| p.to_string()).unwrap_or_default(),
                    line.unit_cost.map(|p| p.to_string()).unwrap_or_default(),
                    line.detail
                );
            }
            println!("invoice preview:");
            for line in &plan.preview.lines {
                println!(
                    "  line {}: {} – {}  {:>10}  (cost {:>10})  {}",
                    line.line_no, line.start, line.end, line.amount, line.cost, line.label
                );
            }
            println!(
                "recurring per period: {} before, {} after",
                plan.preview.recurring_before, plan.preview.recurring_after
            );
            Ok(())
        }
        Some(Err(why)) => {
            anyhow::bail!(
                "task {id} cannot be planned: {why} {}",
                why.outcome.action()
            )
        }
        None => anyhow::bail!("task {id} could not be planned"),
    }
}

/// Syncs and applies the tasks, printing how each ended.
pub async fn sync(settings: &Settings, ids: &[i64], ready: bool) -> anyhow::Result<()> {
    let (database, connections) = open(settings).await?;
    let mut tasks = Vec::new();
    for id in ids {
        tasks.push(
            db::tasks::find_task(&database, TaskId(*id))
                .await?
                .with_context(|| format!("there is no task {id}"))?,
        );
    }
    if ready {
        tasks.extend(
            db::tasks::find_tasks_in_status_of_all(&database, TaskStatus::Ready, 100_000).await?,
        );
    }
    anyhow::ensure!(!tasks.is_empty(), "name the tasks to sync, or pass --ready");
    let mut by_reseller: BTreeMap<ResellerId, Vec<TaskId>> = BTreeMap::new();
    for task in &tasks {
        by_reseller.entry(task.reseller).or_default().push(task.id);
    }
    let node = format!("cli-{}", std::process::id());
    let mut not_done = 0;
    for (reseller, ids) in by_reseller {
        let Some(client) = connections.autotask(reseller).await? else {
            println!(
                "reseller {reseller}: {}",
                sync::Outcome::NoConnection.sentence()
            );
            not_done += ids.len();
            continue;
        };
        let outcome = sync::sync_tasks(&database, client.as_ref(), reseller, &ids).await?;
        for (task, why) in &outcome.refused {
            println!("task {task}: not synced: {why}");
        }
        let report = sync::apply_queued(&database, client.as_ref(), reseller, &node).await?;
        for id in ids {
            if let Some(task) = db::tasks::find_task(&database, id).await? {
                if task.status != TaskStatus::Done {
                    not_done += 1;
                }
                match &task.failure {
                    Some(f) => {
                        println!("task {id}: {:?} — {} ({})", task.status, f.message, f.code)
                    }
                    None => println!("task {id}: {:?}", task.status),
                }
            }
        }
        println!(
            "reseller {reseller}: {} done, {} conflicts, {} failed; {} Autotask requests",
            report.done,
            report.conflicts,
            report.failed,
            client.total_calls()
        );
    }
    anyhow::ensure!(
        not_done == 0,
        "{not_done} of {} tasks did not end done",
        tasks.len()
    );
    Ok(())
}
