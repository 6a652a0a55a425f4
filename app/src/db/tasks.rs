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
