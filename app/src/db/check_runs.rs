//! Check Changes runs: their window, progress, liveness and result.

use chrono::{DateTime, Utc};
use entities::{check_run_orders, check_runs};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, sea_query::Expr,
};

use super::stored::Stored;
use crate::model::{
    check_run::{CheckRun, CheckRunStatus, OrderOutcome, RunCounts, RunOrder, Trigger},
    ids::{CheckRunId, ResellerId, TaskId},
};

fn run_of(row: check_runs::Model) -> Result<CheckRun, DbErr> {
    Ok(CheckRun {
        id: CheckRunId(row.id),
        reseller: ResellerId(row.reseller_id),
        trigger: Trigger::from_word(&row.trigger)?,
        status: CheckRunStatus::from_word(&row.status)?,
        window: row
            .window_from
            .zip(row.window_to)
            .map(|(from, to)| (from.with_timezone(&Utc), to.with_timezone(&Utc))),
        orders_total: row.orders_total,
        counts: RunCounts {
            orders_seen: row.orders_seen,
            tasks_created: row.tasks_created,
            skipped: row.skipped,
            unreadable: row.errors,
        },
        message: row.message,
        started_at: row.started_at.with_timezone(&Utc),
        finished_at: row.finished_at.map(|t| t.with_timezone(&Utc)),
        heartbeat_at: row.heartbeat_at.map(|t| t.with_timezone(&Utc)),
        node: row.node,
    })
}

pub async fn insert_check_run<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    trigger: Trigger,
    now: DateTime<Utc>,
) -> Result<CheckRunId, DbErr> {
    let run = check_runs::ActiveModel {
        reseller_id: Set(reseller.0),
        trigger: Set(trigger.word().to_owned()),
        status: Set(CheckRunStatus::Queued.word().to_owned()),
        orders_seen: Set(0),
        tasks_created: Set(0),
        skipped: Set(0),
        errors: Set(0),
        orders_total: Set(0),
        started_at: Set(now.fixed_offset()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(CheckRunId(run.id))
}

pub async fn find_check_run_for_reseller<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    id: CheckRunId,
) -> Result<Option<CheckRun>, DbErr> {
    check_runs::Entity::find_by_id(id.0)
        .filter(check_runs::Column::ResellerId.eq(reseller.0))
        .one(db)
        .await?
        .map(run_of)
        .transpose()
}

pub async fn find_latest_check_run<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
) -> Result<Option<CheckRun>, DbErr> {
    check_runs::Entity::find()
        .filter(check_runs::Column::ResellerId.eq(reseller.0))
        .order_by_desc(check_runs::Column::Id)
        .one(db)
        .await?
        .map(run_of)
        .transpose()
}

/// Claims a queued run for a worker on `node`; `false` when it is no longer queued (it ran
/// already, or was given up as abandoned), so a job delivered twice does nothing the second time.
pub async fn claim_check_run<C: ConnectionTrait>(
    db: &C,
    id: CheckRunId,
    node: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = check_runs::Entity::update_many()
        .col_expr(
            check_runs::Column::Status,
            Expr::value(CheckRunStatus::Running.word()),
        )
        .col_expr(check_runs::Column::Node, Expr::value(Some(node.to_owned())))
        .col_expr(
            check_runs::Column::HeartbeatAt,
            Expr::value(Some(now.fixed_offset())),
        )
        .filter(check_runs::Column::Id.eq(id.0))
        .filter(check_runs::Column::Status.eq(CheckRunStatus::Queued.word()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Records the window and how many orders the run will look at.
pub async fn record_check_window<C: ConnectionTrait>(
    db: &C,
    id: CheckRunId,
    window: (DateTime<Utc>, DateTime<Utc>),
    total: i32,
) -> Result<(), DbErr> {
    check_runs::Entity::update_many()
        .col_expr(
            check_runs::Column::WindowFrom,
            Expr::value(Some(window.0.fixed_offset())),
        )
        .col_expr(
            check_runs::Column::WindowTo,
            Expr::value(Some(window.1.fixed_offset())),
        )
        .col_expr(check_runs::Column::OrdersTotal, Expr::value(total))
        .filter(check_runs::Column::Id.eq(id.0))
        .exec(db)
        .await?;
    Ok(())
}

/// Counts so far; also shows the run is alive.
pub async fn record_check_progress<C: ConnectionTrait>(
    db: &C,
    id: CheckRunId,
    counts: RunCounts,
    now: DateTime<Utc>,
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
        .col_expr(check_runs::Column::Errors, Expr::value(counts.unreadable))
        .col_expr(
            check_runs::Column::HeartbeatAt,
            Expr::value(Some(now.fixed_offset())),
        )
        .filter(check_runs::Column::Id.eq(id.0))
        .exec(db)
        .await?;
    Ok(())
}

/// Ends a run that is still active; a run already ended keeps its outcome.
pub async fn finish_check_run<C: ConnectionTrait>(
    db: &C,
    id: CheckRunId,
    status: CheckRunStatus,
    message: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = check_runs::Entity::update_many()
        .col_expr(check_runs::Column::Status, Expr::value(status.word()))
        .col_expr(
            check_runs::Column::Message,
            Expr::value(Some(message.to_owned())),
        )
        .col_expr(
            check_runs::Column::FinishedAt,
            Expr::value(Some(now.fixed_offset())),
        )
        .filter(check_runs::Column::Id.eq(id.0))
        .filter(check_runs::Column::Status.is_in(active_words()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

fn active_words() -> [&'static str; 2] {
    [
        CheckRunStatus::Queued.word(),
        CheckRunStatus::Running.word(),
    ]
}

/// Active runs that are abandoned: running on `node` (a node that has just started owns nothing
/// that is still running), or whose last sign of life is older than `stale_before`.
pub async fn find_abandoned_check_runs<C: ConnectionTrait>(
    db: &C,
    node: Option<&str>,
    stale_before: DateTime<Utc>,
) -> Result<Vec<CheckRun>, DbErr> {
    use sea_orm::Condition;
    let stale = stale_before.fixed_offset();
    let mut abandoned = Condition::any()
        .add(
            Condition::all()
                .add(check_runs::Column::Status.eq(CheckRunStatus::Queued.word()))
                .add(check_runs::Column::StartedAt.lt(stale)),
        )
        .add(
            Condition::all()
                .add(check_runs::Column::Status.eq(CheckRunStatus::Running.word()))
                .add(check_runs::Column::HeartbeatAt.lt(stale)),
        );
    if let Some(node) = node {
        abandoned = abandoned.add(
            Condition::all()
                .add(check_runs::Column::Status.eq(CheckRunStatus::Running.word()))
                .add(check_runs::Column::Node.eq(node)),
        );
    }
    check_runs::Entity::find()
        .filter(abandoned)
        .order_by_asc(check_runs::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(run_of)
        .collect()
}

/// The reseller's newest runs, newest first.
pub async fn find_recent_check_runs<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    limit: u64,
) -> Result<Vec<CheckRun>, DbErr> {
    check_runs::Entity::find()
        .filter(check_runs::Column::ResellerId.eq(reseller.0))
        .order_by_desc(check_runs::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(run_of)
        .collect()
}

/// Records what a run did with one order.
pub async fn insert_check_run_order<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    run: CheckRunId,
    order: &RunOrder,
) -> Result<(), DbErr> {
    check_run_orders::ActiveModel {
        check_run_id: Set(run.0),
        reseller_id: Set(reseller.0),
        mp_order_id: Set(order.mp_order_id.clone()),
        order_number: Set(order.order_number.clone()),
        outcome: Set(order.outcome.word().to_owned()),
        task_id: Set(order.task.map(|t| t.0)),
        note: Set(order.note.clone()),
        at: Set(Utc::now().fixed_offset()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The orders of one of the reseller's runs, in the order the run handled them.
pub async fn find_check_run_orders_for_reseller<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    run: CheckRunId,
) -> Result<Vec<RunOrder>, DbErr> {
    check_run_orders::Entity::find()
        .filter(check_run_orders::Column::CheckRunId.eq(run.0))
        .filter(check_run_orders::Column::ResellerId.eq(reseller.0))
        .order_by_asc(check_run_orders::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|row| {
            Ok(RunOrder {
                mp_order_id: row.mp_order_id,
                order_number: row.order_number,
                outcome: OrderOutcome::from_word(&row.outcome)?,
                task: row.task_id.map(TaskId),
                note: row.note,
            })
        })
        .collect()
}
