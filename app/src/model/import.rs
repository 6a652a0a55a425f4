//! Importing Autotask companies into the marketplace as customers: a run, and what became of
//! each company in it.

use chrono::{DateTime, Utc};

use super::ids::ResellerId;

/// One import run (Import All, or one company's retry).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ImportRunId(pub i64);

impl std::fmt::Display for ImportRunId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// How a run stands or ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImportRunStatus {
    /// Waiting for a worker.
    Queued,
    Running,
    /// Every company was tried (some may have failed; they are listed).
    Done,
    /// Stopped before trying the companies (no connection, Autotask unreadable…).
    Failed,
}

impl ImportRunStatus {
    /// Whether the run is still going (or about to).
    pub fn is_active(self) -> bool {
        matches!(self, ImportRunStatus::Queued | ImportRunStatus::Running)
    }
}

/// What became of one company in a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImportOutcome {
    /// Created in the marketplace and mapped.
    Imported,
    /// Already in the marketplace under its Autotask reference (an earlier try whose answer was
    /// lost): mapped, nothing created.
    Linked,
    /// The marketplace refused it or did not answer; it can be tried again.
    Failed,
    /// Its profile lacks what the marketplace needs; left out until the form fills it in.
    Incomplete,
}

/// A company's result in a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportItem {
    pub company_id: i64,
    pub company_name: String,
    pub outcome: ImportOutcome,
    /// What a person reads: what is missing, or the marketplace's reason.
    pub message: String,
    pub mp_customer_id: Option<String>,
}

/// Counts of a run so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCounts {
    pub imported: i32,
    pub failed: i32,
    pub incomplete: i32,
}

/// A run as pages and use cases see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRun {
    pub id: ImportRunId,
    pub reseller: ResellerId,
    pub status: ImportRunStatus,
    /// Only this company (a retry); `None` for Import All.
    pub company_id: Option<i64>,
    /// Companies the run sets out to import (complete profiles).
    pub total: i32,
    /// Of those, how many have been tried.
    pub done: i32,
    pub counts: ImportCounts,
    /// What a person reads about a run that stopped.
    pub message: Option<String>,
    pub requested_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}
