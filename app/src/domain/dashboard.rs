//! The dashboard: counts of tasks by state and type, the last Check Changes runs, what needs
//! attention — each from a COUNT or GROUP BY, never by loading tasks — and one run's detail.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use crate::db;
use crate::domain::{check_changes, connections};
use crate::model::{
    check_run::{CheckRun, RunOrder},
    ids::{CheckRunId, ResellerId},
    task::{TaskStatus, TaskType},
};

/// How many runs the dashboard lists.
pub const RECENT_RUNS: u64 = 10;

/// Counts of the reseller's tasks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskCounts {
    /// Every status, in [`TaskStatus::ALL`] order, zero included.
    pub by_status: Vec<(TaskStatus, i64)>,
    /// Every type, in [`TaskType::ALL`] order, zero included.
    pub by_type: Vec<(TaskType, i64)>,
}

impl TaskCounts {
    /// Tasks that still need something (neither done nor ignored).
    pub fn open(&self) -> i64 {
        self.by_status
            .iter()
            .filter(|(s, _)| s.is_open())
            .map(|(_, n)| n)
            .sum()
    }

    /// Tasks in one status.
    pub fn in_status(&self, status: TaskStatus) -> i64 {
        self.by_status
            .iter()
            .find(|(s, _)| *s == status)
            .map_or(0, |(_, n)| *n)
    }
}

/// What needs a person.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Attention {
    pub unmapped_customers: u64,
    pub unmapped_products: u64,
    pub conflicts: i64,
    pub failed: i64,
}

/// Everything the dashboard shows below the Check Changes panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub counts: TaskCounts,
    /// The newest runs, newest first.
    pub recent_runs: Vec<CheckRun>,
    pub attention: Attention,
}

/// The whole dashboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dashboard {
    /// The newest run (an abandoned one given up first), for the progress panel.
    pub latest_run: Option<CheckRun>,
    pub summary: Summary,
    pub autotask_connected: bool,
    pub marketplace_connected: bool,
}

/// Counts by status and by type, summed from one GROUP BY (status, type).
pub fn task_counts(rows: &[(TaskStatus, TaskType, i64)]) -> TaskCounts {
    let sum_where = |keep: &dyn Fn(TaskStatus, TaskType) -> bool| -> i64 {
        rows.iter()
            .filter(|(s, t, _)| keep(*s, *t))
            .map(|(_, _, n)| n)
            .sum()
    };
    TaskCounts {
        by_status: TaskStatus::ALL
            .iter()
            .map(|status| (*status, sum_where(&|s, _| s == *status)))
            .collect(),
        by_type: TaskType::ALL
            .iter()
            .map(|task_type| (*task_type, sum_where(&|_, t| t == *task_type)))
            .collect(),
    }
}

/// The part of the dashboard a finished run changes (the page refreshes it without a reload).
pub async fn summary(db: &DatabaseConnection, reseller: ResellerId) -> anyhow::Result<Summary> {
    let rows = db::tasks::count_tasks_by_status_and_type(db, reseller)
        .await
        .context("counting tasks")?;
    let counts = task_counts(&rows);
    let attention = Attention {
        unmapped_customers: db::catalog::count_unmapped_customers(db, reseller)
            .await
            .context("counting unmapped customers")?,
        unmapped_products: db::catalog::count_unmapped_products(db, reseller)
            .await
            .context("counting unmapped products")?,
        conflicts: counts.in_status(TaskStatus::Conflict),
        failed: counts.in_status(TaskStatus::Failed),
    };
    let recent_runs = db::check_runs::find_recent_check_runs(db, reseller, RECENT_RUNS)
        .await
        .context("listing check runs")?;
    Ok(Summary {
        counts,
        recent_runs,
        attention,
    })
}

/// The dashboard of a reseller as of `now`.
pub async fn dashboard(
    db: &DatabaseConnection,
    reseller: ResellerId,
    now: DateTime<Utc>,
) -> anyhow::Result<Dashboard> {
    // First, so that a run given up as abandoned is listed as such below.
    let latest_run = check_changes::latest_run(db, reseller, now).await?;
    Ok(Dashboard {
        latest_run,
        summary: summary(db, reseller).await?,
        autotask_connected: connections::autotask_connection_summary(db, reseller)
            .await?
            .is_some(),
        marketplace_connected: connections::marketplace_connection_summary(db, reseller)
            .await?
            .is_some(),
    })
}

/// One run and what it did with each order; `None` when the reseller has no such run.
pub async fn run_detail(
    db: &DatabaseConnection,
    reseller: ResellerId,
    run: CheckRunId,
) -> anyhow::Result<Option<(CheckRun, Vec<RunOrder>)>> {
    let Some(found) = db::check_runs::find_check_run_for_reseller(db, reseller, run)
        .await
        .context("reading a check run")?
    else {
        return Ok(None);
    };
    let orders = db::check_runs::find_check_run_orders_for_reseller(db, reseller, run)
        .await
        .context("reading a check run's orders")?;
    Ok(Some((found, orders)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_by_status_and_by_type_are_sums_of_the_grouped_rows_with_every_value_listed() {
        let rows = [
            (TaskStatus::New, TaskType::Sales, 3),
            (TaskStatus::New, TaskType::Change, 2),
            (TaskStatus::Done, TaskType::Sales, 4),
            (TaskStatus::Conflict, TaskType::Billing, 1),
        ];
        let counts = task_counts(&rows);
        assert_eq!(counts.by_status.len(), TaskStatus::ALL.len());
        assert_eq!(counts.in_status(TaskStatus::New), 5);
        assert_eq!(counts.in_status(TaskStatus::Done), 4);
        assert_eq!(counts.in_status(TaskStatus::Ignored), 0);
        assert_eq!(counts.open(), 6, "5 new and 1 conflict; done is not open");
        let sales = counts
            .by_type
            .iter()
            .find(|(t, _)| *t == TaskType::Sales)
            .map(|(_, n)| *n);
        assert_eq!(sales, Some(7));
    }
}
