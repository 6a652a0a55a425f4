//! The action log: every check, task, write and error, with level and a stable code.

use anyhow::Context;
use sea_orm::ConnectionTrait;

use crate::db::{self, action_log::NewLogEntry};
use crate::model::{
    ids::{ResellerId, TaskId},
    log::{Level, LogEntry},
};

/// Writes one entry to the reseller's action log.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    level: Level,
    code: &str,
    message: &str,
    task: Option<TaskId>,
) -> anyhow::Result<()> {
    db::action_log::insert_log_entry(
        db,
        reseller,
        NewLogEntry {
            level,
            code,
            message,
            task,
            details: None,
        },
    )
    .await
    .context("writing to the action log")
}

/// The newest entries of a reseller's log (the page shows 200).
pub async fn recent_entries<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
) -> anyhow::Result<Vec<LogEntry>> {
    db::action_log::find_recent_log_entries_for_reseller(db, reseller, 200)
        .await
        .context("reading the action log")
}
