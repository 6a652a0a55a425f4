//! **Sync**: a ready task's plan becomes its journal — every selected line a step with what
//! Autotask must show before and after it — and the task is queued for a worker (design §5).
//! The caller queues the apply job once this has committed.

use anyhow::Context;
use sea_orm::{DatabaseConnection, TransactionTrait};

use super::outcome::Outcome;
use super::planning::{NotPlanned, TaskPlan, plan_tasks};
use crate::autotask::AutotaskApi;
use crate::db;
use crate::db::tasks::StatusChange;
use crate::domain::action_log;
use crate::model::{
    ids::{ResellerId, TaskId},
    journal::{JournalStep, LineKind, StepStatus, reference},
    task::{TaskEvent, TaskFailure, TaskStatus},
};

/// What a sync did, task by task.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncOutcome {
    /// Queued for a worker.
    pub queued: Vec<TaskId>,
    /// Planned with nothing to write: done at once.
    pub nothing_to_do: Vec<TaskId>,
    /// Not synced, and why.
    pub refused: Vec<(TaskId, String)>,
}

/// The journal of a plan: one step per line, expected values before and after.
pub fn journal_of(plan: &TaskPlan) -> Vec<JournalStep> {
    let task = plan.task.id;
    let contract = plan.input.contract.id;
    let price_before = plan
        .input
        .on_contract
        .as_ref()
        .map(|o| o.price)
        .unwrap_or_default();
    plan.lines
        .iter()
        .map(|line| {
            let (before, after) = match line.kind {
                LineKind::UnitChange => (
                    line.current_quantity,
                    line.current_quantity + line.quantity_change,
                ),
                LineKind::PriceChange => (
                    price_before.to_e4().unwrap_or(i64::MIN),
                    line.unit_price
                        .unwrap_or(price_before)
                        .to_e4()
                        .unwrap_or(i64::MIN),
                ),
                // How many of them carry the step's reference.
                LineKind::NewContractService | LineKind::OneTimeCharge => (0, 1),
            };
            JournalStep {
                task,
                line_no: line.line_no,
                kind: line.kind,
                contract_id: contract,
                contract_service_id: plan.contract_service,
                effective_date: line.effective_date,
                expected_before: before,
                expected_after: after,
                found: None,
                reference: reference(task, line.line_no),
                status: StepStatus::Pending,
                attempts: 0,
                error_code: None,
                last_error: None,
            }
        })
        .collect()
}

/// Plans the tasks, keeps their lines (for review), and for those asked to sync writes the
/// journal and queues them. Tasks that are `new` are prepared first; a task that cannot be
/// planned stays where it is, with the reason.
pub async fn sync_tasks(
    db: &DatabaseConnection,
    api: &impl AutotaskApi,
    reseller: ResellerId,
    ids: &[TaskId],
) -> anyhow::Result<SyncOutcome> {
    let mut tasks = Vec::new();
    let mut outcome = SyncOutcome::default();
    for id in ids {
        match db::tasks::find_task_for_reseller(db, reseller, *id)
            .await
            .context("reading a task")?
        {
            Some(task) if matches!(task.status, TaskStatus::New | TaskStatus::Ready) => {
                tasks.push(task)
            }
            Some(task) => outcome.refused.push((
                *id,
                format!(
                    "The task cannot be synced now: {}.",
                    task.status
                        .apply(TaskEvent::Queue)
                        .err()
                        .map_or("it is already on its way", |r| r.reason)
                ),
            )),
            None => outcome.refused.push((*id, "There is no such task.".into())),
        }
    }
    tasks.sort_by_key(|t| (t.order.created_at, t.id));
    let plans = plan_tasks(db, api, &tasks).await?;
    for (task, plan) in tasks.iter().zip(plans) {
        match plan {
            Ok(plan) => queue_plan(db, reseller, &plan, &mut outcome).await?,
            Err(why) => {
                record_not_planned(db, reseller, task.id, &why).await?;
                outcome.refused.push((task.id, why.to_string()));
            }
        }
    }
    Ok(outcome)
}

pub(super) async fn queue_plan(
    db: &DatabaseConnection,
    reseller: ResellerId,
    plan: &TaskPlan,
    outcome: &mut SyncOutcome,
) -> anyhow::Result<()> {
    let task = &plan.task;
    let txn = db.begin().await.context("starting a transaction")?;
    db::lines::replace_task_lines(&txn, reseller, task.id, &plan.lines)
        .await
        .context("keeping the planned lines")?;
    db::journal::replace_steps(&txn, reseller, task.id, &journal_of(plan))
        .await
        .context("writing the journal")?;
    let mut status = task.status;
    if status == TaskStatus::New {
        let ready = status
            .apply(TaskEvent::Prepare)
            .map_err(|r| anyhow::anyhow!("{r}"))?;
        db::tasks::change_task_status(&txn, reseller, task.id, status, ready, Default::default())
            .await?;
        status = ready;
    }
    let moved = if plan.lines.is_empty() {
        // Nothing to write: the task is done as it stands.
        let queued = status
            .apply(TaskEvent::Queue)
            .map_err(|r| anyhow::anyhow!("{r}"))?;
        let applying = queued
            .apply(TaskEvent::Start)
            .map_err(|r| anyhow::anyhow!("{r}"))?;
        let done = applying
            .apply(TaskEvent::Finish)
            .map_err(|r| anyhow::anyhow!("{r}"))?;
        db::tasks::change_task_status(
            &txn,
            reseller,
            task.id,
            status,
            done,
            StatusChange {
                failure: Some(None),
                claimed_by: Some(None),
            },
        )
        .await?
    } else {
        let queued = status
            .apply(TaskEvent::Queue)
            .map_err(|r| anyhow::anyhow!("{r}"))?;
        db::tasks::change_task_status(
            &txn,
            reseller,
            task.id,
            status,
            queued,
            StatusChange {
                failure: Some(None),
                claimed_by: Some(None),
            },
        )
        .await?
    };
    if !moved {
        txn.rollback().await.context("undoing the sync")?;
        outcome.refused.push((
            task.id,
            "The task changed while it was being planned; look again.".into(),
        ));
        return Ok(());
    }
    let (code, message) = if plan.lines.is_empty() {
        (
            Outcome::NothingToDo.code(),
            Outcome::NothingToDo.sentence().to_owned(),
        )
    } else {
        (
            "SYN01",
            format!(
                "Synced: {} lines planned and queued for Autotask.",
                plan.lines.len()
            ),
        )
    };
    action_log::record(
        &txn,
        reseller,
        crate::model::log::Level::Info,
        code,
        &message,
        Some(task.id),
    )
    .await?;
    txn.commit().await.context("saving the sync")?;
    if plan.lines.is_empty() {
        outcome.nothing_to_do.push(task.id);
    } else {
        outcome.queued.push(task.id);
    }
    Ok(())
}

/// Keeps why a task could not be planned, on the task and in the action log.
pub(super) async fn record_not_planned(
    db: &DatabaseConnection,
    reseller: ResellerId,
    task: TaskId,
    why: &NotPlanned,
) -> anyhow::Result<()> {
    let failure = TaskFailure {
        code: why.outcome.code().to_owned(),
        message: why.to_string(),
    };
    db::tasks::set_task_failure(db, reseller, task, Some(&failure))
        .await
        .context("recording why the task has no plan")?;
    action_log::record(
        db,
        reseller,
        why.outcome.level(),
        why.outcome.code(),
        &format!("{} {}", why, why.outcome.action()),
        Some(task),
    )
    .await
}

/// How a person settles a conflicted (or failed) task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// Plan again from what Autotask shows now (the journal is replaced); sync it to write.
    Replan,
    /// Try the same journal again (Autotask was put back, or the failure has passed).
    Retry,
}

/// Settles a conflicted or failed task; recorded in the action log.
pub async fn resolve(
    db: &DatabaseConnection,
    reseller: ResellerId,
    task: TaskId,
    resolution: Resolution,
) -> anyhow::Result<Result<TaskStatus, crate::model::task::Refused>> {
    let Some(current) = db::tasks::find_task_for_reseller(db, reseller, task)
        .await
        .context("reading the task")?
    else {
        anyhow::bail!("there is no such task");
    };
    let event = match resolution {
        Resolution::Replan => TaskEvent::Replan,
        Resolution::Retry => TaskEvent::Retry,
    };
    let to = match current.status.apply(event) {
        Ok(to) => to,
        Err(refused) => return Ok(Err(refused)),
    };
    let txn = db.begin().await.context("starting a transaction")?;
    if resolution == Resolution::Replan {
        db::journal::replace_steps(&txn, reseller, task, &[])
            .await
            .context("clearing the journal")?;
    } else {
        db::journal::reopen_steps(&txn, reseller, task)
            .await
            .context("reopening the journal")?;
    }
    let moved = db::tasks::change_task_status(
        &txn,
        reseller,
        task,
        current.status,
        to,
        StatusChange {
            failure: Some(None),
            claimed_by: Some(None),
        },
    )
    .await?;
    if !moved {
        txn.rollback().await.context("undoing")?;
        anyhow::bail!("the task changed meanwhile; look again");
    }
    let (code, message) = match resolution {
        Resolution::Replan => (
            "SYN02",
            "A person chose to plan the task again from what Autotask shows.",
        ),
        Resolution::Retry => ("SYN03", "A person chose to try the task again as planned."),
    };
    action_log::record(
        &txn,
        reseller,
        crate::model::log::Level::Info,
        code,
        message,
        Some(task),
    )
    .await?;
    txn.commit().await.context("saving")?;
    Ok(Ok(to))
}
