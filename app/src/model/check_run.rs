//! One run of Check Changes: its window, progress and outcome.

use chrono::{DateTime, Utc};

use super::ids::{CheckRunId, ResellerId, TaskId};

/// How a run stands or ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CheckRunStatus {
    /// Waiting for a worker.
    Queued,
    Running,
    /// Finished; every order it saw was handled.
    Done,
    /// Finished, but some orders could not be read and were skipped (see the action log).
    Warning,
    /// Stopped early; the next run continues from where it stopped.
    Failed,
}

impl CheckRunStatus {
    /// Whether the run is still going (or about to).
    pub fn is_active(self) -> bool {
        matches!(self, CheckRunStatus::Queued | CheckRunStatus::Running)
    }
}

/// What started a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Trigger {
    /// The dashboard's button.
    Manual,
    /// Automatic processing.
    Schedule,
}

/// Counts of a run so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunCounts {
    pub orders_seen: i32,
    pub tasks_created: i32,
    pub skipped: i32,
    /// Orders that could not be read and were skipped.
    pub unreadable: i32,
}

/// A run as pages and use cases see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckRun {
    pub id: CheckRunId,
    pub reseller: ResellerId,
    pub trigger: Trigger,
    pub status: CheckRunStatus,
    pub window: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// Orders the run set out to look at.
    pub orders_total: i32,
    pub counts: RunCounts,
    /// What a person reads about the outcome (never an internal error chain).
    pub message: Option<String>,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// When a worker last showed the run is alive.
    pub heartbeat_at: Option<DateTime<Utc>>,
    /// The node whose worker runs it.
    pub node: Option<String>,
}

/// What a run did with one order it looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderOutcome {
    /// A sync task was made for it.
    TaskCreated,
    /// No task: it has one already, needs none, or is gone or cancelled.
    Skipped,
    /// Not completed yet; the next run looks again.
    Pending,
    /// It could not be read; the next run looks again.
    Unreadable,
}

/// One order of a run, as the run's detail page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunOrder {
    /// The marketplace's order id (missing when the order was too broken to have one).
    pub mp_order_id: Option<String>,
    pub order_number: Option<String>,
    pub outcome: OrderOutcome,
    pub task: Option<TaskId>,
    /// Why, in words, when the outcome alone does not say.
    pub note: Option<String>,
}
