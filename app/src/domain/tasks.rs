//! Sync tasks: listing them, and moving them between states by [`TaskStatus::apply`].

use anyhow::Context;
use sea_orm::DatabaseConnection;

use crate::db;
use crate::domain::action_log;
use crate::model::{
    catalog::Customer,
    ids::{ResellerId, TaskId},
    log::Level,
    task::{Refused, Task, TaskEvent, TaskFilter, TaskStatus},
};

#[derive(Debug, thiserror::Error)]
pub enum TaskError {
    #[error("task not found")]
    NotFound,
    /// The task's state does not allow the move; the reason says why in words.
    #[error("{0}")]
    Refused(Refused),
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
) -> Result<Task, TaskError> {
    db::tasks::find_task_for_reseller(db, reseller, task)
        .await
        .context("reading a task")?
        .ok_or(TaskError::NotFound)
}

/// Tasks shown on one page of the task list.
pub const TASKS_PER_PAGE: u64 = 50;

/// A page of the task list, counted from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageNumber(u64);

impl PageNumber {
    pub const FIRST: PageNumber = PageNumber(1);

    /// The page a link asked for; anything but a whole number from 1 up is the first page.
    pub fn parse(text: &str) -> Self {
        match text.trim().parse::<u64>() {
            Ok(n) if n >= 1 => PageNumber(n),
            _ => Self::FIRST,
        }
    }

    /// The page's number, from 1.
    pub fn get(self) -> u64 {
        self.0
    }

    /// How many matching tasks come before this page.
    fn offset(self) -> u64 {
        (self.0 - 1).saturating_mul(TASKS_PER_PAGE)
    }
}

/// The task list: one page of the tasks matching the filter, how many match, counts per
/// status, and the reseller's customers.
pub struct TaskOverview {
    pub tasks: Vec<Task>,
    pub page: PageNumber,
    /// How many tasks match the filter, on every page.
    pub matching: u64,
    pub counts: Vec<(TaskStatus, i64)>,
    pub customers: Vec<Customer>,
}

/// One page of the task list of a reseller, filtered. A page past the end is empty (the
/// page is not read at all).
pub async fn task_overview(
    db: &DatabaseConnection,
    reseller: ResellerId,
    filter: &TaskFilter,
    page: PageNumber,
) -> anyhow::Result<TaskOverview> {
    let counts = db::tasks::count_tasks_by_status(db, reseller)
        .await
        .context("counting tasks")?;
    // The counts per status answer the list without a filter and the list of one status;
    // only the other filters need a count of their own.
    let matching = match filter {
        TaskFilter {
            task_type: None,
            customer: None,
            status,
        } => counts
            .iter()
            .filter(|(s, _)| status.is_none_or(|wanted| *s == wanted))
            .map(|(_, n)| (*n).max(0) as u64)
            .sum(),
        _ => db::tasks::count_tasks_matching(db, reseller, filter)
            .await
            .context("counting the matching tasks")?,
    };
    let tasks = if page.offset() < matching {
        db::tasks::find_task_page_for_reseller(db, reseller, filter, page.offset(), TASKS_PER_PAGE)
            .await
            .context("listing tasks")?
    } else {
        Vec::new()
    };
    Ok(TaskOverview {
        tasks,
        page,
        matching,
        counts,
        customers: db::catalog::find_customers_for_reseller(db, reseller)
            .await
            .context("listing customers")?,
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
            Err(TaskError::NotFound | TaskError::Refused(_)) => outcome.refused += 1,
            Err(e) => return Err(e),
        }
    }
    Ok(outcome)
}

/// Moves a task by `event`. The move is checked against the status read, and written only if the
/// task is still in it, so two people acting at once cannot both win.
async fn move_task(
    db: &DatabaseConnection,
    reseller: ResellerId,
    task: TaskId,
    event: TaskEvent,
    ignore_reason: Option<&str>,
) -> Result<TaskStatus, TaskError> {
    let current = task_of_reseller(db, reseller, task).await?;
    let target = current.status.apply(event).map_err(TaskError::Refused)?;
    let moved = db::tasks::update_task_status_for_reseller(
        db,
        reseller,
        task,
        current.status,
        target,
        ignore_reason,
    )
    .await
    .context("changing a task's status")?;
    if moved {
        return Ok(target);
    }
    // Someone else moved it first: judge the event against where it is now.
    let now = task_of_reseller(db, reseller, task).await?;
    Err(TaskError::Refused(now.status.apply(event).err().unwrap_or(
        Refused {
            from: now.status,
            event,
            reason: "the task changed while this was being done; look again",
        },
    )))
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
    move_task(db, reseller, task, TaskEvent::Ignore, Some(reason)).await?;
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
    move_task(db, reseller, task, TaskEvent::Unignore, None).await?;
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
