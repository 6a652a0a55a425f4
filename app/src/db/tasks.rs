use chrono::Utc;
use entities::sync_tasks;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::Expr,
};

use crate::domain::ids::{ResellerId, TaskId};

pub async fn find_task_for_reseller<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    task: TaskId,
) -> Result<Option<sync_tasks::Model>, DbErr> {
    sync_tasks::Entity::find_by_id(task.0)
        .filter(sync_tasks::Column::ResellerId.eq(reseller.0))
        .one(db)
        .await
}

pub async fn find_recent_tasks_for_reseller<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    limit: u64,
) -> Result<Vec<sync_tasks::Model>, DbErr> {
    sync_tasks::Entity::find()
        .filter(sync_tasks::Column::ResellerId.eq(reseller.0))
        .order_by_desc(sync_tasks::Column::OrderCreatedAt)
        .order_by_desc(sync_tasks::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// Moves a task of this reseller from one of `from` to `to`; returns whether a row changed.
pub async fn update_task_status_for_reseller<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    task: TaskId,
    from: &[&str],
    to: &str,
    ignore_reason: Option<&str>,
) -> Result<bool, DbErr> {
    let result = sync_tasks::Entity::update_many()
        .col_expr(sync_tasks::Column::Status, Expr::value(to))
        .col_expr(
            sync_tasks::Column::IgnoreReason,
            Expr::value(ignore_reason.map(str::to_owned)),
        )
        .col_expr(
            sync_tasks::Column::UpdatedAt,
            Expr::value(Utc::now().fixed_offset()),
        )
        .filter(sync_tasks::Column::Id.eq(task.0))
        .filter(sync_tasks::Column::ResellerId.eq(reseller.0))
        .filter(sync_tasks::Column::Status.is_in(from.iter().copied()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// When the newest task's order was created: the next Check Changes starts there (minus overlap).
pub async fn find_newest_task_order_time<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
) -> Result<Option<chrono::DateTime<chrono::FixedOffset>>, DbErr> {
    Ok(sync_tasks::Entity::find()
        .filter(sync_tasks::Column::ResellerId.eq(reseller.0))
        .order_by_desc(sync_tasks::Column::OrderCreatedAt)
        .one(db)
        .await?
        .map(|t| t.order_created_at))
}

/// Which of these order ids already have a task.
pub async fn find_task_order_ids_among<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    order_ids: &[String],
) -> Result<std::collections::HashSet<String>, DbErr> {
    let mut found = std::collections::HashSet::new();
    for chunk in order_ids.chunks(500) {
        let rows = sync_tasks::Entity::find()
            .filter(sync_tasks::Column::ResellerId.eq(reseller.0))
            .filter(sync_tasks::Column::MpOrderId.is_in(chunk.iter().cloned()))
            .all(db)
            .await?;
        found.extend(rows.into_iter().map(|t| t.mp_order_id));
    }
    Ok(found)
}

/// Inserts a task unless one exists for the order; `true` when this call created it.
pub async fn insert_task_if_new<C: ConnectionTrait>(
    db: &C,
    task: sync_tasks::ActiveModel,
) -> Result<bool, DbErr> {
    use sea_orm::sea_query::OnConflict;
    let result = sync_tasks::Entity::insert(task)
        .on_conflict(
            OnConflict::columns([
                sync_tasks::Column::ResellerId,
                sync_tasks::Column::MpOrderId,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(result == 1)
}

/// Filters of the task list; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    pub task_type: Option<String>,
    pub status: Option<String>,
    pub customer_id: Option<i64>,
}

pub async fn find_tasks_for_reseller<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    filter: &TaskFilter,
    limit: u64,
) -> Result<Vec<sync_tasks::Model>, DbErr> {
    let mut query =
        sync_tasks::Entity::find().filter(sync_tasks::Column::ResellerId.eq(reseller.0));
    if let Some(t) = &filter.task_type {
        query = query.filter(sync_tasks::Column::TaskType.eq(t.as_str()));
    }
    if let Some(s) = &filter.status {
        query = query.filter(sync_tasks::Column::Status.eq(s.as_str()));
    }
    if let Some(c) = filter.customer_id {
        query = query.filter(sync_tasks::Column::CustomerId.eq(c));
    }
    query
        .order_by_desc(sync_tasks::Column::OrderCreatedAt)
        .order_by_desc(sync_tasks::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// How many tasks of the reseller are in each status.
pub async fn count_tasks_by_status<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
) -> Result<Vec<(String, i64)>, DbErr> {
    sync_tasks::Entity::find()
        .select_only()
        .column(sync_tasks::Column::Status)
        .column_as(sync_tasks::Column::Id.count(), "n")
        .filter(sync_tasks::Column::ResellerId.eq(reseller.0))
        .group_by(sync_tasks::Column::Status)
        .into_tuple::<(String, i64)>()
        .all(db)
        .await
}
