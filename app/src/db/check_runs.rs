//! Check Changes runs: their window, progress and result.

use chrono::{DateTime, Utc};
use entities::check_runs;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set, sea_query::Expr,
};

use crate::domain::ids::ResellerId;

pub async fn insert_check_run<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    trigger: &str,
) -> Result<i64, DbErr> {
    let run = check_runs::ActiveModel {
        reseller_id: Set(reseller.0),
        trigger: Set(trigger.to_owned()),
        status: Set("queued".into()),
        orders_seen: Set(0),
        tasks_created: Set(0),
        skipped: Set(0),
        errors: Set(0),
        orders_total: Set(0),
        started_at: Set(Utc::now().fixed_offset()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(run.id)
}

pub async fn find_check_run_for_reseller<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    id: i64,
) -> Result<Option<check_runs::Model>, DbErr> {
    check_runs::Entity::find_by_id(id)
        .filter(check_runs::Column::ResellerId.eq(reseller.0))
        .one(db)
        .await
}

pub async fn find_latest_check_run<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
) -> Result<Option<check_runs::Model>, DbErr> {
    check_runs::Entity::find()
        .filter(check_runs::Column::ResellerId.eq(reseller.0))
        .order_by_desc(check_runs::Column::Id)
        .one(db)
        .await
}

pub async fn start_check_run<C: ConnectionTrait>(
    db: &C,
    id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    total: i32,
) -> Result<(), DbErr> {
    check_runs::Entity::update_many()
        .col_expr(check_runs::Column::Status, Expr::value("running"))
        .col_expr(
            check_runs::Column::WindowFrom,
            Expr::value(Some(from.fixed_offset())),
        )
        .col_expr(
            check_runs::Column::WindowTo,
            Expr::value(Some(to.fixed_offset())),
        )
        .col_expr(check_runs::Column::OrdersTotal, Expr::value(total))
        .filter(check_runs::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Counts so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunCounts {
    pub orders_seen: i32,
    pub tasks_created: i32,
    pub skipped: i32,
    pub errors: i32,
}

pub async fn record_check_progress<C: ConnectionTrait>(
    db: &C,
    id: i64,
    counts: RunCounts,
) -> Result<(), DbErr> {
    check_runs::Entity::update_many()
        .col_expr(
            check_runs::Column::OrdersSeen,
            Expr::value(counts.orders_seen),
        )
        .col_expr(
            check_runs::Column::TasksCreated,
            Expr::value(counts.tasks_created),
        )
        .col_expr(check_runs::Column::Skipped, Expr::value(counts.skipped))
        .col_expr(check_runs::Column::Errors, Expr::value(counts.errors))
        .filter(check_runs::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn finish_check_run<C: ConnectionTrait>(
    db: &C,
    id: i64,
    status: &str,
    message: &str,
) -> Result<(), DbErr> {
    check_runs::Entity::update_many()
        .col_expr(check_runs::Column::Status, Expr::value(status))
        .col_expr(
            check_runs::Column::Message,
            Expr::value(Some(message.to_owned())),
        )
        .col_expr(
            check_runs::Column::FinishedAt,
            Expr::value(Some(Utc::now().fixed_offset())),
        )
        .filter(check_runs::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
