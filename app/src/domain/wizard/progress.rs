//! What the progress view shows after Sync All: each line's outcome as the worker left it
//! (done; conflict with expected and found; failed with the message and what to do).

use anyhow::Context;
use chrono::NaiveDate;
use sea_orm::DatabaseConnection;

use crate::db;
use crate::domain::sync::Outcome;
use crate::domain::tasks::TaskError;
use crate::model::{
    ids::{ResellerId, TaskId},
    journal::{LineKind, StepStatus},
    task::{Task, TaskStatus},
};

/// One line's progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepProgress {
    pub line_no: i32,
    pub kind: LineKind,
    pub service_name: String,
    pub effective_date: NaiveDate,
    pub status: StepStatus,
    /// Units (or, for a price change, the price in ten-thousandths) expected before and after.
    pub expected_before: i64,
    pub expected_after: i64,
    pub found: Option<i64>,
    pub code: Option<String>,
    pub message: Option<String>,
    /// What to do, for a step that did not end done.
    pub action: Option<&'static str>,
}

/// A synced task's progress.
#[derive(Debug, Clone)]
pub struct TaskProgress {
    pub task: Task,
    pub steps: Vec<StepProgress>,
    /// The worker has nothing more to do on it (done, conflict, failed or ignored).
    pub finished: bool,
}

/// The task's journal with its lines, for the progress view.
pub async fn progress_of_task(
    db: &DatabaseConnection,
    reseller: ResellerId,
    task: TaskId,
) -> Result<TaskProgress, TaskError> {
    let found = db::tasks::find_task_for_reseller(db, reseller, task)
        .await
        .context("reading the task")?
        .ok_or(TaskError::NotFound)?;
    let lines = db::lines::find_task_lines(db, reseller, task)
        .await
        .context("reading the task's lines")?;
    let steps = db::journal::find_steps(db, reseller, task)
        .await
        .context("reading the journal")?;
    let steps = steps
        .into_iter()
        .map(|step| {
            let line = lines.iter().find(|l| l.line.line_no == step.line_no);
            let outcome = step.error_code.as_deref().and_then(Outcome::from_code);
            StepProgress {
                line_no: step.line_no,
                kind: step.kind,
                service_name: line
                    .map(|l| l.line.service_name.clone())
                    .unwrap_or_default(),
                effective_date: step.effective_date,
                status: step.status,
                expected_before: step.expected_before,
                expected_after: step.expected_after,
                found: step.found,
                message: step
                    .last_error
                    .clone()
                    .or_else(|| outcome.map(|o| o.sentence().to_owned())),
                action: outcome
                    .filter(|_| step.status != StepStatus::Done)
                    .map(Outcome::action),
                code: step.error_code,
            }
        })
        .collect();
    let finished = matches!(
        found.status,
        TaskStatus::Done | TaskStatus::Conflict | TaskStatus::Failed | TaskStatus::Ignored
    );
    Ok(TaskProgress {
        task: found,
        steps,
        finished,
    })
}
