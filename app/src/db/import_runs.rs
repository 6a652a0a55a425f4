//! Import runs (Autotask companies → marketplace customers) and each company's result.

use chrono::{DateTime, Utc};
use entities::{import_items, import_runs};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, sea_query::Expr,
};

use super::stored::Stored;
use crate::model::{
    ids::ResellerId,
    import::{ImportCounts, ImportItem, ImportOutcome, ImportRun, ImportRunId, ImportRunStatus},
};

fn run_of(row: import_runs::Model) -> Result<ImportRun, DbErr> {
    Ok(ImportRun {
        id: ImportRunId(row.id),
        reseller: ResellerId(row.reseller_id),
        status: ImportRunStatus::from_word(&row.status)?,
        company_id: row.company_id,
        total: row.total,
        done: row.done,
        counts: ImportCounts {
            imported: row.imported,
            failed: row.failed,
            incomplete: row.incomplete,
        },
        message: row.message,
        requested_at: row.requested_at.with_timezone(&Utc),
        updated_at: row.updated_at.with_timezone(&Utc),
        finished_at: row.finished_at.map(|t| t.with_timezone(&Utc)),
    })
}

fn item_of(row: import_items::Model) -> Result<ImportItem, DbErr> {
    Ok(ImportItem {
        company_id: row.company_id,
        company_name: row.company_name,
        outcome: ImportOutcome::from_word(&row.outcome)?,
        message: row.message,
        mp_customer_id: row.mp_customer_id,
    })
}

pub async fn insert_import_run<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    company: Option<i64>,
    now: DateTime<Utc>,
) -> Result<ImportRunId, DbErr> {
    let row = import_runs::ActiveModel {
        reseller_id: Set(reseller.0),
        status: Set(ImportRunStatus::Queued.word().to_owned()),
        company_id: Set(company),
        total: Set(0),
        done: Set(0),
        imported: Set(0),
        failed: Set(0),
        incomplete: Set(0),
        requested_at: Set(now.fixed_offset()),
        updated_at: Set(now.fixed_offset()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(ImportRunId(row.id))
}

pub async fn find_import_run_for_reseller<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    id: ImportRunId,
) -> Result<Option<ImportRun>, DbErr> {
    import_runs::Entity::find_by_id(id.0)
        .filter(import_runs::Column::ResellerId.eq(reseller.0))
        .one(db)
        .await?
        .map(run_of)
        .transpose()
}

pub async fn find_latest_import_run<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
) -> Result<Option<ImportRun>, DbErr> {
    import_runs::Entity::find()
        .filter(import_runs::Column::ResellerId.eq(reseller.0))
        .order_by_desc(import_runs::Column::Id)
        .limit(1)
        .one(db)
        .await?
        .map(run_of)
        .transpose()
}

/// Takes a queued run for this worker; `false` when another delivery took it first.
pub async fn claim_import_run<C: ConnectionTrait>(
    db: &C,
    id: ImportRunId,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = import_runs::Entity::update_many()
        .col_expr(
            import_runs::Column::Status,
            Expr::value(ImportRunStatus::Running.word()),
        )
        .col_expr(
            import_runs::Column::UpdatedAt,
            Expr::value(now.fixed_offset()),
        )
        .filter(import_runs::Column::Id.eq(id.0))
        .filter(import_runs::Column::Status.eq(ImportRunStatus::Queued.word()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Records how far a run has come.
pub async fn record_import_progress<C: ConnectionTrait>(
    db: &C,
    id: ImportRunId,
    total: i32,
    done: i32,
    counts: ImportCounts,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    import_runs::Entity::update_many()
        .col_expr(import_runs::Column::Total, Expr::value(total))
        .col_expr(import_runs::Column::Done, Expr::value(done))
        .col_expr(import_runs::Column::Imported, Expr::value(counts.imported))
        .col_expr(import_runs::Column::Failed, Expr::value(counts.failed))
        .col_expr(
            import_runs::Column::Incomplete,
            Expr::value(counts.incomplete),
        )
        .col_expr(
            import_runs::Column::UpdatedAt,
            Expr::value(now.fixed_offset()),
        )
        .filter(import_runs::Column::Id.eq(id.0))
        .exec(db)
        .await?;
    Ok(())
}

/// Ends a run with its status and, for a stopped one, what a person reads.
pub async fn finish_import_run<C: ConnectionTrait>(
    db: &C,
    id: ImportRunId,
    status: ImportRunStatus,
    message: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    import_runs::Entity::update_many()
        .col_expr(import_runs::Column::Status, Expr::value(status.word()))
        .col_expr(
            import_runs::Column::Message,
            Expr::value(message.map(str::to_owned)),
        )
        .col_expr(
            import_runs::Column::UpdatedAt,
            Expr::value(now.fixed_offset()),
        )
        .col_expr(
            import_runs::Column::FinishedAt,
            Expr::value(Some(now.fixed_offset())),
        )
        .filter(import_runs::Column::Id.eq(id.0))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn insert_import_item<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    run: ImportRunId,
    item: &ImportItem,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    import_items::ActiveModel {
        run_id: Set(run.0),
        reseller_id: Set(reseller.0),
        company_id: Set(item.company_id),
        company_name: Set(item.company_name.chars().take(200).collect()),
        outcome: Set(item.outcome.word().to_owned()),
        message: Set(item.message.clone()),
        mp_customer_id: Set(item.mp_customer_id.clone()),
        recorded_at: Set(now.fixed_offset()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// What became of each company in a run, in the order they were tried.
pub async fn find_import_items_of_run<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    run: ImportRunId,
) -> Result<Vec<ImportItem>, DbErr> {
    import_items::Entity::find()
        .filter(import_items::Column::ResellerId.eq(reseller.0))
        .filter(import_items::Column::RunId.eq(run.0))
        .order_by_asc(import_items::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(item_of)
        .collect()
}

/// The newest result of each of these companies (from whichever run tried it last).
pub async fn find_latest_import_items_for_companies<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    companies: &[i64],
) -> Result<Vec<ImportItem>, DbErr> {
    let mut latest: Vec<ImportItem> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for chunk in companies.chunks(500) {
        let rows = import_items::Entity::find()
            .filter(import_items::Column::ResellerId.eq(reseller.0))
            .filter(import_items::Column::CompanyId.is_in(chunk.iter().copied()))
            .order_by_desc(import_items::Column::Id)
            .all(db)
            .await?;
        for row in rows {
            if seen.insert(row.company_id) {
                latest.push(item_of(row)?);
            }
        }
    }
    Ok(latest)
}
