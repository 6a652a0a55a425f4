//! The exactly-once journal (design §5): rows ↔ [`JournalStep`].

use chrono::Utc;
use entities::{journal_steps, task_lines};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set,
    sea_query::{Expr, OnConflict},
};

use super::stored::Stored;
use crate::model::{
    ids::{ResellerId, TaskId},
    journal::{JournalStep, LineKind, StepStatus},
};

/// The journal's steps of a task, in line order, with each line's kind.
pub async fn find_steps<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    task: TaskId,
) -> Result<Vec<JournalStep>, DbErr> {
    let rows = journal_steps::Entity::find()
        .filter(journal_steps::Column::TaskId.eq(task.0))
        .filter(journal_steps::Column::ResellerId.eq(reseller.0))
        .order_by_asc(journal_steps::Column::LineNo)
        .all(db)
        .await?;
    let kinds: Vec<(i32, String)> = task_lines::Entity::find()
        .filter(task_lines::Column::TaskId.eq(task.0))
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.line_no, l.kind))
        .collect();
    rows.into_iter()
        .map(|row| {
            let kind = kinds
                .iter()
                .find(|(n, _)| *n == row.line_no)
                .map(|(_, k)| LineKind::from_word(k))
                .ok_or_else(|| {
                    DbErr::RecordNotFound(format!("line {} of task {}", row.line_no, row.task_id))
                })??;
            Ok(JournalStep {
                task: TaskId(row.task_id),
                line_no: row.line_no,
                kind,
                contract_id: row.autotask_contract_id,
                contract_service_id: row.autotask_contract_service_id,
                effective_date: row.effective_date,
                expected_before: row.expected_before,
                expected_after: row.expected_after,
                found: row.found_units,
                reference: row.reference,
                status: StepStatus::from_word(&row.status)?,
                attempts: row.attempts,
                error_code: row.error_code,
                last_error: row.last_error,
            })
        })
        .collect()
}

/// Writes the task's journal anew (a re-plan replaces steps that have not been applied).
pub async fn replace_steps<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    task: TaskId,
    steps: &[JournalStep],
) -> Result<(), DbErr> {
    journal_steps::Entity::delete_many()
        .filter(journal_steps::Column::TaskId.eq(task.0))
        .filter(journal_steps::Column::ResellerId.eq(reseller.0))
        .exec(db)
        .await?;
    if steps.is_empty() {
        return Ok(());
    }
    let now = Utc::now().fixed_offset();
    let rows: Vec<journal_steps::ActiveModel> = steps
        .iter()
        .map(|s| journal_steps::ActiveModel {
            reseller_id: Set(reseller.0),
            task_id: Set(task.0),
            line_no: Set(s.line_no),
            autotask_contract_id: Set(s.contract_id),
            autotask_contract_service_id: Set(s.contract_service_id),
            effective_date: Set(s.effective_date),
            expected_before: Set(s.expected_before),
            expected_after: Set(s.expected_after),
            found_units: Set(s.found),
            reference: Set(s.reference.clone()),
            status: Set(s.status.word().to_owned()),
            attempts: Set(s.attempts),
            last_error: Set(s.last_error.clone()),
            error_code: Set(s.error_code.clone()),
            updated_at: Set(now),
            ..Default::default()
        })
        .collect();
    journal_steps::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([journal_steps::Column::TaskId, journal_steps::Column::LineNo])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Records a step's outcome (and, once known, its contract service).
pub async fn record_step<C: ConnectionTrait>(db: &C, step: &JournalStep) -> Result<(), DbErr> {
    journal_steps::Entity::update_many()
        .col_expr(
            journal_steps::Column::Status,
            Expr::value(step.status.word()),
        )
        .col_expr(
            journal_steps::Column::AutotaskContractServiceId,
            Expr::value(step.contract_service_id),
        )
        .col_expr(journal_steps::Column::FoundUnits, Expr::value(step.found))
        .col_expr(journal_steps::Column::Attempts, Expr::value(step.attempts))
        .col_expr(
            journal_steps::Column::ErrorCode,
            Expr::value(step.error_code.clone()),
        )
        .col_expr(
            journal_steps::Column::LastError,
            Expr::value(step.last_error.clone()),
        )
        .col_expr(
            journal_steps::Column::UpdatedAt,
            Expr::value(Utc::now().fixed_offset()),
        )
        .filter(journal_steps::Column::TaskId.eq(step.task.0))
        .filter(journal_steps::Column::LineNo.eq(step.line_no))
        .exec(db)
        .await?;
    Ok(())
}

/// Unit changes journaled but not yet applied on these contract services, by tasks still on
/// their way (queued, applying, failed), except `except`: Autotask does not show them yet, and
/// a later plan must count them.
pub async fn find_pending_unit_changes<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    contract_services: &[i64],
    except: &[TaskId],
) -> Result<Vec<(i64, crate::model::plan::PendingChange)>, DbErr> {
    use crate::model::task::TaskStatus;
    use entities::sync_tasks;
    let mut out = Vec::new();
    for chunk in contract_services.chunks(500) {
        let steps = journal_steps::Entity::find()
            .filter(journal_steps::Column::ResellerId.eq(reseller.0))
            .filter(journal_steps::Column::Status.eq(StepStatus::Pending.word()))
            .filter(journal_steps::Column::AutotaskContractServiceId.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        if steps.is_empty() {
            continue;
        }
        let task_ids: Vec<i64> = steps.iter().map(|s| s.task_id).collect();
        let live: Vec<i64> = sync_tasks::Entity::find()
            .filter(sync_tasks::Column::Id.is_in(task_ids.clone()))
            .filter(sync_tasks::Column::Status.is_in([
                TaskStatus::Queued.word(),
                TaskStatus::Applying.word(),
                TaskStatus::Failed.word(),
            ]))
            .all(db)
            .await?
            .into_iter()
            .map(|t| t.id)
            .collect();
        let unit_lines: Vec<(i64, i32)> = task_lines::Entity::find()
            .filter(task_lines::Column::TaskId.is_in(task_ids))
            .filter(task_lines::Column::Kind.eq(LineKind::UnitChange.word()))
            .all(db)
            .await?
            .into_iter()
            .map(|l| (l.task_id, l.line_no))
            .collect();
        for step in steps {
            if !live.contains(&step.task_id)
                || except.iter().any(|t| t.0 == step.task_id)
                || !unit_lines.contains(&(step.task_id, step.line_no))
            {
                continue;
            }
            if let Some(cs) = step.autotask_contract_service_id {
                out.push((
                    cs,
                    crate::model::plan::PendingChange {
                        effective_date: step.effective_date,
                        unit_change: step.expected_after - step.expected_before,
                    },
                ));
            }
        }
    }
    Ok(out)
}

/// Puts a task's conflicted and failed steps back to pending (done ones stay done), for a retry.
pub async fn reopen_steps<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    task: TaskId,
) -> Result<(), DbErr> {
    journal_steps::Entity::update_many()
        .col_expr(
            journal_steps::Column::Status,
            Expr::value(StepStatus::Pending.word()),
        )
        .col_expr(
            journal_steps::Column::FoundUnits,
            Expr::value(Option::<i64>::None),
        )
        .filter(journal_steps::Column::TaskId.eq(task.0))
        .filter(journal_steps::Column::ResellerId.eq(reseller.0))
        .filter(
            journal_steps::Column::Status
                .is_in([StepStatus::Conflict.word(), StepStatus::Failed.word()]),
        )
        .exec(db)
        .await?;
    Ok(())
}
