//! Sync tasks: one per marketplace order, typed, with a status (design §2.2).

use anyhow::Context;
use entities::sync_tasks;
use sea_orm::DatabaseConnection;

use crate::db::{self, tasks::TaskFilter};
use crate::domain::action_log::{self, Level};
use crate::domain::ids::{ResellerId, TaskId};

/// Statuses from which a task may be ignored.
pub const OPEN_STATUSES: [&str; 5] = ["new", "ready", "failed", "conflict", "queued"];

#[derive(Debug, thiserror::Error)]
pub enum TaskError {
    #[error("task not found")]
    NotFound,
    #[error("the task is {0} and cannot be changed that way")]
    WrongState(String),
    #[error("a reason is required to ignore a task")]
    ReasonRequired,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// One task of the signed-in reseller, or `NotFound` (also for another reseller's task).
pub async fn task_of_reseller(
    db: &DatabaseConnection,
    reseller: ResellerId,
    task: TaskId,
) -> Result<sync_tasks::Model, TaskError> {
    db::tasks::find_task_for_reseller(db, reseller, task)
        .await
        .context("reading a task")?
        .ok_or(TaskError::NotFound)
}

/// The task list: tasks matching the filter, counts per status, and the reseller's customers.
pub struct TaskOverview {
    pub tasks: Vec<sync_tasks::Model>,
    pub counts: Vec<(String, i64)>,
    pub customers: Vec<(i64, String)>,
}

/// The task list of a reseller, filtered.
pub async fn task_overview(
    db: &DatabaseConnection,
    reseller: ResellerId,
    filter: &TaskFilter,
) -> anyhow::Result<TaskOverview> {
    Ok(TaskOverview {
        tasks: db::tasks::find_tasks_for_reseller(db, reseller, filter, 500)
            .await
            .context("listing tasks")?,
        counts: db::tasks::count_tasks_by_status(db, reseller)
            .await
            .context("counting tasks")?,
        customers: db::catalog::find_customers_for_reseller(db, reseller)
            .await
            .context("listing customers")?
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect(),
    })
}

/// What a bulk action did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BulkOutcome {
    pub changed: usize,
    pub refused: usize,
}

/// Ignores (with a reason) or un-ignores several tasks; one that cannot change is counted, not fatal.
pub async fn bulk_ignore(
    db: &DatabaseConnection,
    reseller: ResellerId,
    tasks: &[TaskId],
    ignore: bool,
    reason: &str,
) -> Result<BulkOutcome, TaskError> {
    if ignore && reason.trim().is_empty() {
        return Err(TaskError::ReasonRequired);
    }
    let mut outcome = BulkOutcome::default();
    for task in tasks {
        let result = if ignore {
            ignore_task(db, reseller, *task, reason).await
        } else {
            unignore_task(db, reseller, *task).await
        };
        match result {
            Ok(()) => outcome.changed += 1,
            Err(TaskError::NotFound | TaskError::WrongState(_)) => outcome.refused += 1,
            Err(e) => return Err(e),
        }
    }
    Ok(outcome)
}

/// How many of the reseller's tasks are still open.
pub async fn open_task_count(db: &DatabaseConnection, reseller: ResellerId) -> anyhow::Result<i64> {
    let counts = db::tasks::count_tasks_by_status(db, reseller)
        .await
        .context("counting tasks")?;
    Ok(counts
        .iter()
        .filter(|(status, _)| OPEN_STATUSES.contains(&status.as_str()))
        .map(|(_, n)| n)
        .sum())
}

/// Marks an open task ignored, with a reason.
pub async fn ignore_task(
    db: &DatabaseConnection,
    reseller: ResellerId,
    task: TaskId,
    reason: &str,
) -> Result<(), TaskError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(TaskError::ReasonRequired);
    }
    let current = task_of_reseller(db, reseller, task).await?;
    let changed = db::tasks::update_task_status_for_reseller(
        db,
        reseller,
        task,
        &OPEN_STATUSES,
        "ignored",
        Some(reason),
    )
    .await
    .context("ignoring a task")?;
    if !changed {
        return Err(TaskError::WrongState(current.status));
    }
    action_log::record(
        db,
        reseller,
        Level::Info,
        "TASK10",
        &format!("Task ignored: {reason}"),
        Some(task),
    )
    .await?;
    Ok(())
}

/// Returns an ignored task to `new`, where the wizard decides again.
pub async fn unignore_task(
    db: &DatabaseConnection,
    reseller: ResellerId,
    task: TaskId,
) -> Result<(), TaskError> {
    let current = task_of_reseller(db, reseller, task).await?;
    let changed =
        db::tasks::update_task_status_for_reseller(db, reseller, task, &["ignored"], "new", None)
            .await
            .context("un-ignoring a task")?;
    if !changed {
        return Err(TaskError::WrongState(current.status));
    }
    action_log::record(
        db,
        reseller,
        Level::Info,
        "TASK11",
        "Task un-ignored",
        Some(task),
    )
    .await?;
    Ok(())
}
