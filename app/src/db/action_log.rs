use chrono::Utc;
use entities::action_log;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::domain::ids::{ResellerId, TaskId};

pub struct NewLogEntry<'a> {
    pub level: &'a str,
    pub code: &'a str,
    pub message: &'a str,
    pub task: Option<TaskId>,
    pub details: Option<&'a str>,
}

pub async fn insert_log_entry<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    entry: NewLogEntry<'_>,
) -> Result<(), DbErr> {
    action_log::ActiveModel {
        reseller_id: Set(reseller.0),
        at: Set(Utc::now().fixed_offset()),
        level: Set(entry.level.to_owned()),
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
) -> Result<Vec<action_log::Model>, DbErr> {
    action_log::Entity::find()
        .filter(action_log::Column::ResellerId.eq(reseller.0))
        .order_by_desc(action_log::Column::At)
        .order_by_desc(action_log::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

pub async fn find_log_entry_for_reseller<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    id: i64,
) -> Result<Option<action_log::Model>, DbErr> {
    action_log::Entity::find_by_id(id)
        .filter(action_log::Column::ResellerId.eq(reseller.0))
        .one(db)
        .await
}
