//! Sync tasks: rows ↔ [`Task`].

use chrono::{DateTime, Utc};
use entities::sync_tasks;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    sea_query::{Expr, OnConflict},
};

use super::stored::{Stored, parse_word, word_of};
use crate::model::{
    ids::{CustomerRowId, ProductRowId, ResellerId, SubscriptionRowId, TaskId},
    task::{
        NewTask, OrderRef, Quantities, Task, TaskFacts, TaskFailure, TaskFilter, TaskStatus,
        TaskType,
    },
};

fn task_of(row: sync_tasks::Model) -> Result<Task, DbErr> {
    let failure = match (row.error_code, row.error_message) {
        (Some(code), message) => Some(TaskFailure {
            code,
            message: message.unwrap_or_default(),
        }),
        (None, _) => None,
    };
    Ok(Task {
        id: TaskId(row.id),
        reseller: ResellerId(row.reseller_id),
        order: OrderRef {
            mp_order_id: row.mp_order_id,
            order_number: row.order_number,
            order_type: row.order_type,
            created_at: row.order_created_at.with_timezone(&Utc),
        },
        facts: TaskFacts {
            task_type: TaskType::from_word(&row.task_type)?,
            direction: parse_word(row.direction.as_deref())?,
            quantities: Quantities {
                old: row.quantity_old,
                new: row.quantity_new,
                delta: row.quantity_delta,
            },
        },
        status: TaskStatus::from_word(&row.status)?,
        customer: row.customer_id.map(CustomerRowId),
        subscription: row.subscription_id.map(SubscriptionRowId),
        mp_subscription_id: row.mp_subscription_id,
        product: row.product_id.map(ProductRowId),
        effective_date: row.effective_date,
        order_snapshot: row.order_snapshot,
        ignore_reason: row.ignore_reason,
        failure,
        created_at: row.created_at.with_timezone(&Utc),
        updated_at: row.updated_at.with_timezone(&Utc),
    })
}

fn tasks_of(rows: Vec<sync_tasks::Model>) -> Result<Vec<Task>, DbErr> {
    rows.into_iter().map(task_of).collect()
}

pub async fn find_task_for_reseller<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    task: TaskId,
) -> Result<Option<Task>, DbErr> {
    sync_tasks::Entity::find_by_id(task.0)
        .filter(sync_tasks::Column::ResellerId.eq(reseller.0))
        .one(db)
        .await?
        .map(task_of)
        .transpose()
}

/// Moves a task of this reseller from `from` to `to`, but only if it is still in `from` (a
/// concurrent change wins); returns whether a row changed.
pub async fn update_task_status_for_reseller<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    task: TaskId,
    from: TaskStatus,
    to: TaskStatus,
    ignore_reason: Option<&str>,
) -> Result<bool, DbErr> {
    let result = sync_tasks::Entity::update_many()
        .col_expr(sync_tasks::Column::Status, Expr::value(to.word()))
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
        .filter(sync_tasks::Column::Status.eq(from.word()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// When the newest task's order was created: the next Check Changes starts there (minus overlap).
pub async fn find_newest_task_order_time<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    Ok(sync_tasks::Entity::find()
        .select_only()
        .column(sync_tasks::Column::OrderCreatedAt)
        .filter(sync_tasks::Column::ResellerId.eq(reseller.0))
        .order_by_desc(sync_tasks::Column::OrderCreatedAt)
        .into_tuple::<DateTime<chrono::FixedOffset>>()
        .one(db)
        .await?
        .map(|t| t.with_timezone(&Utc)))
}

/// Which of these order ids already have a task.
pub async fn find_task_order_ids_among<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    order_ids: &[String],
) -> Result<std::collections::HashSet<String>, DbErr> {
    let mut found = std::collections::HashSet::new();
    for chunk in order_ids.chunks(500) {
        let ids: Vec<String> = sync_tasks::Entity::find()
            .select_only()
            .column(sync_tasks::Column::MpOrderId)
            .filter(sync_tasks::Column::ResellerId.eq(reseller.0))
            .filter(sync_tasks::Column::MpOrderId.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(db)
            .await?;
        found.extend(ids);
    }
    Ok(found)
}

/// Inserts a task unless one exists for the order; `true` when this call created it.
pub async fn insert_task_if_new<C: ConnectionTrait>(db: &C, task: &NewTask) -> Result<bool, DbErr> {
    let inserted = sync_tasks::Entity::insert(new_row(task))
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
    Ok(inserted == 1)
}

/// The row of a task Check Changes found: `new`, created now.
fn new_row(task: &NewTask) -> sync_tasks::ActiveModel {
    let now = Utc::now().fixed_offset();
    let facts = &task.facts;
    sync_tasks::ActiveModel {
        reseller_id: Set(task.reseller.0),
        mp_order_id: Set(task.order.mp_order_id.clone()),
        order_number: Set(task.order.order_number.clone()),
        order_type: Set(task.order.order_type.clone()),
        task_type: Set(facts.task_type.word().to_owned()),
        status: Set(TaskStatus::New.word().to_owned()),
        customer_id: Set(Some(task.customer.0)),
        subscription_id: Set(task.subscription.map(|s| s.0)),
        mp_subscription_id: Set(task.mp_subscription_id.clone()),
        product_id: Set(task.product.map(|p| p.0)),
        quantity_old: Set(facts.quantities.old),
        quantity_new: Set(facts.quantities.new),
        quantity_delta: Set(facts.quantities.delta),
        direction: Set(word_of(facts.direction)),
        effective_date: Set(Some(task.effective_date)),
        order_created_at: Set(task.order.created_at.fixed_offset()),
        order_snapshot: Set(Some(task.order_snapshot.clone())),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

pub async fn find_tasks_for_reseller<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    filter: &TaskFilter,
    limit: u64,
) -> Result<Vec<Task>, DbErr> {
    find_task_page_for_reseller(db, reseller, filter, 0, limit).await
}

/// The reseller's tasks that match the filter, as a query (the task list's conditions).
fn tasks_matching(
    reseller: ResellerId,
    filter: &TaskFilter,
) -> sea_orm::Select<sync_tasks::Entity> {
    let mut query =
        sync_tasks::Entity::find().filter(sync_tasks::Column::ResellerId.eq(reseller.0));
    if let Some(t) = filter.task_type {
        query = query.filter(sync_tasks::Column::TaskType.eq(t.word()));
    }
    if let Some(s) = filter.status {
        query = query.filter(sync_tasks::Column::Status.eq(s.word()));
    }
    if let Some(c) = filter.customer {
        query = query.filter(sync_tasks::Column::CustomerId.eq(c.0));
    }
    query
}

/// `limit` tasks matching the filter after the first `offset`, newest order first. The
/// `ix_sync_tasks_*_order` indexes serve each filter in this order, so a page costs its rows,
/// not the reseller's whole history.
pub async fn find_task_page_for_reseller<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    filter: &TaskFilter,
    offset: u64,
    limit: u64,
) -> Result<Vec<Task>, DbErr> {
    tasks_of(
        tasks_matching(reseller, filter)
            .order_by_desc(sync_tasks::Column::OrderCreatedAt)
            .order_by_desc(sync_tasks::Column::Id)
            .offset(offset)
            .limit(limit)
            .all(db)
            .await?,
    )
}

/// How many of the reseller's tasks match the filter.
pub async fn count_tasks_matching<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    filter: &TaskFilter,
) -> Result<u64, DbErr> {
    let n: Option<i64> = tasks_matching(reseller, filter)
        .select_only()
        .column_as(sync_tasks::Column::Id.count(), "n")
        .into_tuple()
        .one(db)
        .await?;
    Ok(n.unwrap_or(0).max(0) as u64)
}

/// Inserts many tasks in a few statements, skipping those whose order already has a task;
/// returns how many were inserted. Each starts `new`, as [`insert_task_if_new`] does.
pub async fn insert_tasks_if_new<C: ConnectionTrait>(
    db: &C,
    tasks: &[NewTask],
) -> Result<u64, DbErr> {
    // 20 columns a row: 400 rows stay well under SQLite's limit of bound values.
    let mut inserted = 0;
    for chunk in tasks.chunks(400) {
        let rows: Vec<sync_tasks::ActiveModel> = chunk.iter().map(new_row).collect();
        inserted += sync_tasks::Entity::insert_many(rows)
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
    }
    Ok(inserted)
}

/// Moves every task of the reseller in `from` among `tasks` to `to`; returns how many moved.
pub async fn change_tasks_status<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    tasks: &[TaskId],
    from: TaskStatus,
    to: TaskStatus,
) -> Result<u64, DbErr> {
    let mut moved = 0;
    for chunk in tasks.chunks(500) {
        moved += sync_tasks::Entity::update_many()
            .col_expr(sync_tasks::Column::Status, Expr::value(to.word()))
            .col_expr(
                sync_tasks::Column::UpdatedAt,
                Expr::value(Utc::now().fixed_offset()),
            )
            .filter(sync_tasks::Column::ResellerId.eq(reseller.0))
            .filter(sync_tasks::Column::Id.is_in(chunk.iter().map(|t| t.0)))
            .filter(sync_tasks::Column::Status.eq(from.word()))
            .exec(db)
            .await?
            .rows_affected;
    }
    Ok(moved)
}

/// How many tasks of the reseller are in each status.
pub async fn count_tasks_by_status<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
) -> Result<Vec<(TaskStatus, i64)>, DbErr> {
    let rows: Vec<(String, i64)> = sync_tasks::Entity::find()
        .select_only()
        .column(sync_tasks::Column::Status)
        .column_as(sync_tasks::Column::Id.count(), "n")
        .filter(sync_tasks::Column::ResellerId.eq(reseller.0))
        .group_by(sync_tasks::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    let mut counts = rows
        .into_iter()
        .map(|(status, n)| Ok((TaskStatus::from_word(&status)?, n)))
        .collect::<Result<Vec<_>, DbErr>>()?;
    counts.sort_by_key(|(status, _)| TaskStatus::ALL.iter().position(|s| s == status));
    Ok(counts)
}

/// How many tasks of the reseller are in each (status, type): one GROUP BY, so the dashboard
/// stays fast however many tasks there are.
pub async fn count_tasks_by_status_and_type<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
) -> Result<Vec<(TaskStatus, TaskType, i64)>, DbErr> {
    let rows: Vec<(String, String, i64)> = sync_tasks::Entity::find()
        .select_only()
        .column(sync_tasks::Column::Status)
        .column(sync_tasks::Column::TaskType)
        .column_as(sync_tasks::Column::Id.count(), "n")
        .filter(sync_tasks::Column::ResellerId.eq(reseller.0))
        .group_by(sync_tasks::Column::Status)
        .group_by(sync_tasks::Column::TaskType)
        .into_tuple()
        .all(db)
        .await?;
    rows.into_iter()
        .map(|(status, task_type, n)| {
            Ok((
                TaskStatus::from_word(&status)?,
                TaskType::from_word(&task_type)?,
                n,
            ))
        })
        .collect()
}

/// The id of the reseller's task for a marketplace order, if it has one.
pub async fn find_task_id_for_order<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    mp_order_id: &str,
) -> Result<Option<TaskId>, DbErr> {
    Ok(sync_tasks::Entity::find()
        .select_only()
        .column(sync_tasks::Column::Id)
        .filter(sync_tasks::Column::ResellerId.eq(reseller.0))
        .filter(sync_tasks::Column::MpOrderId.eq(mp_order_id))
        .into_tuple::<i64>()
        .one(db)
        .await?
        .map(TaskId))
}

/// What else a status change writes.
#[derive(Debug, Clone, Default)]
pub struct StatusChange<'a> {
    /// Set (or clear) why a task failed or conflicts.
    pub failure: Option<Option<&'a TaskFailure>>,
    /// Set (or clear) which node is applying it.
    pub claimed_by: Option<Option<&'a str>>,
}

/// Moves a task from `from` to `to` with the other changes, only if it is still in `from`;
/// returns whether it moved.
pub async fn change_task_status<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    task: TaskId,
    from: TaskStatus,
    to: TaskStatus,
    change: StatusChange<'_>,
) -> Result<bool, DbErr> {
    let now = Utc::now().fixed_offset();
    let mut update = sync_tasks::Entity::update_many()
        .col_expr(sync_tasks::Column::Status, Expr::value(to.word()))
        .col_expr(sync_tasks::Column::UpdatedAt, Expr::value(now));
    if let Some(failure) = change.failure {
        update = update
            .col_expr(
                sync_tasks::Column::ErrorCode,
                Expr::value(failure.map(|f| f.code.clone())),
            )
            .col_expr(
                sync_tasks::Column::ErrorMessage,
                Expr::value(failure.map(|f| f.message.clone())),
            );
    }
    if let Some(node) = change.claimed_by {
        update = update
            .col_expr(
                sync_tasks::Column::ClaimedBy,
                Expr::value(node.map(str::to_owned)),
            )
            .col_expr(
                sync_tasks::Column::ClaimedAt,
                Expr::value(node.map(|_| now)),
            );
    }
    let result = update
        .filter(sync_tasks::Column::Id.eq(task.0))
        .filter(sync_tasks::Column::ResellerId.eq(reseller.0))
        .filter(sync_tasks::Column::Status.eq(from.word()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// The reseller's tasks in one status, oldest order first.
pub async fn find_tasks_in_status<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    status: TaskStatus,
    limit: u64,
) -> Result<Vec<Task>, DbErr> {
    tasks_of(
        sync_tasks::Entity::find()
            .filter(sync_tasks::Column::ResellerId.eq(reseller.0))
            .filter(sync_tasks::Column::Status.eq(status.word()))
            .order_by_asc(sync_tasks::Column::OrderCreatedAt)
            .order_by_asc(sync_tasks::Column::Id)
            .limit(limit)
            .all(db)
            .await?,
    )
}

/// The unfinished (neither done nor ignored) tasks of these subscriptions, oldest first: a task
/// waits for the earlier ones of its subscription (design §2.1).
pub async fn find_unfinished_tasks_of_subscriptions<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    subscriptions: &[SubscriptionRowId],
) -> Result<Vec<Task>, DbErr> {
    let mut out = Vec::new();
    let ids: Vec<i64> = subscriptions.iter().map(|s| s.0).collect();
    for chunk in ids.chunks(500) {
        out.extend(tasks_of(
            sync_tasks::Entity::find()
                .filter(sync_tasks::Column::ResellerId.eq(reseller.0))
                .filter(sync_tasks::Column::SubscriptionId.is_in(chunk.iter().copied()))
                .filter(
                    sync_tasks::Column::Status
                        .is_not_in([TaskStatus::Done.word(), TaskStatus::Ignored.word()]),
                )
                .all(db)
                .await?,
        )?);
    }
    out.sort_by_key(|t| (t.order.created_at, t.id));
    Ok(out)
}

/// Tasks left `applying`: by `node` (a node that has just started is applying nothing), or
/// claimed before `stale_before` by anyone.
pub async fn find_abandoned_applying_tasks<C: ConnectionTrait>(
    db: &C,
    node: &str,
    stale_before: DateTime<Utc>,
) -> Result<Vec<Task>, DbErr> {
    use sea_orm::Condition;
    tasks_of(
        sync_tasks::Entity::find()
            .filter(sync_tasks::Column::Status.eq(TaskStatus::Applying.word()))
            .filter(
                Condition::any()
                    .add(sync_tasks::Column::ClaimedBy.eq(node))
                    .add(sync_tasks::Column::ClaimedAt.lt(stale_before.fixed_offset()))
                    .add(sync_tasks::Column::ClaimedAt.is_null()),
            )
            .all(db)
            .await?,
    )
}

/// Resellers that have queued tasks.
pub async fn find_resellers_with_queued_tasks<C: ConnectionTrait>(
    db: &C,
) -> Result<Vec<ResellerId>, DbErr> {
    let ids: Vec<i64> = sync_tasks::Entity::find()
        .select_only()
        .column(sync_tasks::Column::ResellerId)
        .filter(sync_tasks::Column::Status.eq(TaskStatus::Queued.word()))
        .group_by(sync_tasks::Column::ResellerId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().map(ResellerId).collect())
}

/// Sets (or clears) why a task failed, without moving it.
pub async fn set_task_failure<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    task: TaskId,
    failure: Option<&TaskFailure>,
) -> Result<(), DbErr> {
    sync_tasks::Entity::update_many()
        .col_expr(
            sync_tasks::Column::ErrorCode,
            Expr::value(failure.map(|f| f.code.clone())),
        )
        .col_expr(
            sync_tasks::Column::ErrorMessage,
            Expr::value(failure.map(|f| f.message.clone())),
        )
        .col_expr(
            sync_tasks::Column::UpdatedAt,
            Expr::value(Utc::now().fixed_offset()),
        )
        .filter(sync_tasks::Column::Id.eq(task.0))
        .filter(sync_tasks::Column::ResellerId.eq(reseller.0))
        .exec(db)
        .await?;
    Ok(())
}

/// A task by id, whoever's it is (the operator's command line).
pub async fn find_task<C: ConnectionTrait>(db: &C, task: TaskId) -> Result<Option<Task>, DbErr> {
    sync_tasks::Entity::find_by_id(task.0)
        .one(db)
        .await?
        .map(task_of)
        .transpose()
}

/// Every reseller's tasks in one status, oldest first (the operator's command line).
pub async fn find_tasks_in_status_of_all<C: ConnectionTrait>(
    db: &C,
    status: TaskStatus,
    limit: u64,
) -> Result<Vec<Task>, DbErr> {
    tasks_of(
        sync_tasks::Entity::find()
            .filter(sync_tasks::Column::Status.eq(status.word()))
            .order_by_asc(sync_tasks::Column::OrderCreatedAt)
            .order_by_asc(sync_tasks::Column::Id)
            .limit(limit)
            .all(db)
            .await?,
    )
}
