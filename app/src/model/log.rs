//! The action log's vocabulary.

use chrono::{DateTime, Utc};

use super::ids::{ResellerId, TaskId};

/// Severity of a log entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    Info,
    Warning,
    Error,
}

/// One entry of a reseller's action log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    pub id: i64,
    pub reseller: ResellerId,
    pub at: DateTime<Utc>,
    pub level: Level,
    pub code: String,
    pub message: String,
    pub task: Option<TaskId>,
}
