//! The action log: rows ↔ [`LogEntry`].

use chrono::Utc;
use entities::action_log;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::stored::Stored;
use crate::model::{
    ids::{ResellerId, TaskId},
    log::{Level, LogEntry},
};

/// An entry about to be written.
pub struct NewLogEntry<'a> {
    pub level: Level,
    pub code: &'a str,
    pub message: &'a str,
    pub task: Option<TaskId>,
    pub details: Option<&'a str>,
}

fn entry_of(row: action_log::Model) -> Result<LogEntry, DbErr> {
    Ok(LogEntry {
        id: row.id,
        reseller: ResellerId(row.reseller_id),
        at: row.at.with_timezone(&Utc),
        level: Level::from_word(&row.level)?,
        code: row.code,
        message: row.message,
        task: row.task_id.map(TaskId),
    })
}

pub async fn insert_log_entry<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    entry: NewLogEntry<'_>,
) -> Result<(), DbErr> {
    action_log::ActiveModel {
        reseller_id: Set(reseller.0),
        at: Set(Utc::now().fixed_offset()),
        level: Set(entry.level.word().to_owned()),
        code: Set(entry.code.to_owned()),
        message: Set(entry.message.to_owned()),
        task_id: Set(entry.task.map(|t| t.0)),
        details: Set(entry.details.map(str::to_owned)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

pub async fn find_recent_log_entries_for_reseller<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    limit: u64,
) -> Result<Vec<LogEntry>, DbErr> {
    action_log::Entity::find()
        .filter(action_log::Column::ResellerId.eq(reseller.0))
        .order_by_desc(action_log::Column::At)
        .order_by_desc(action_log::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(entry_of)
        .collect()
}

pub async fn find_log_entry_for_reseller<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    id: i64,
) -> Result<Option<LogEntry>, DbErr> {
    action_log::Entity::find_by_id(id)
        .filter(action_log::Column::ResellerId.eq(reseller.0))
        .one(db)
        .await?
        .map(entry_of)
        .transpose()
}
