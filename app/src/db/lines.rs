//! A task's planned lines as reviewed: rows ↔ [`TaskLine`].

use entities::task_lines;
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};

use super::stored::Stored;
use crate::model::{
    ids::{ResellerId, TaskId},
    journal::{LineKind, TaskLine},
    money::Money,
    plan::PlannedLine,
};

fn e4(amount: Option<Money>) -> Result<Option<i64>, DbErr> {
    amount
        .map(|m| m.to_e4().map_err(|e| DbErr::Type(e.to_string())))
        .transpose()
}

fn quantity_e4(quantity: Option<Decimal>) -> Result<Option<i64>, DbErr> {
    quantity
        .map(|q| {
            Money::new(q)
                .and_then(Money::to_e4)
                .map_err(|e| DbErr::Type(format!("a charge quantity: {e}")))
        })
        .transpose()
}

fn line_of(row: task_lines::Model) -> Result<TaskLine, DbErr> {
    Ok(TaskLine {
        task: TaskId(row.task_id),
        selected: row.selected,
        line: PlannedLine {
            line_no: row.line_no,
            kind: LineKind::from_word(&row.kind)?,
            service_id: row.autotask_service_id.unwrap_or_default(),
            service_name: row.service_name,
            invoice_description: row.invoice_description,
            effective_date: row.effective_date,
            end_date: row.end_date,
            current_quantity: row.current_quantity,
            quantity_change: row.quantity_change,
            charge_quantity: row.charge_quantity_e4.map(|q| Money::from_e4(q).amount()),
            unit_price: row.unit_price_e4.map(Money::from_e4),
            unit_cost: row.unit_cost_e4.map(Money::from_e4),
            detail: row.detail.unwrap_or_default(),
        },
    })
}

/// Replaces the task's lines with a new plan (all selected).
pub async fn replace_task_lines<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    task: TaskId,
    lines: &[PlannedLine],
) -> Result<(), DbErr> {
    task_lines::Entity::delete_many()
        .filter(task_lines::Column::TaskId.eq(task.0))
        .filter(task_lines::Column::ResellerId.eq(reseller.0))
        .exec(db)
        .await?;
    if lines.is_empty() {
        return Ok(());
    }
    let mut rows = Vec::with_capacity(lines.len());
    for line in lines {
        rows.push(task_lines::ActiveModel {
            reseller_id: Set(reseller.0),
            task_id: Set(task.0),
            line_no: Set(line.line_no),
            kind: Set(line.kind.word().to_owned()),
            product_id: Set(None),
            autotask_service_id: Set(Some(line.service_id)),
            service_name: Set(line.service_name.chars().take(150).collect()),
            invoice_description: Set(line.invoice_description.clone()),
            effective_date: Set(line.effective_date),
            end_date: Set(line.end_date),
            current_quantity: Set(line.current_quantity),
            quantity_change: Set(line.quantity_change),
            charge_quantity_e4: Set(quantity_e4(line.charge_quantity)?),
            unit_price_e4: Set(e4(line.unit_price)?),
            unit_cost_e4: Set(e4(line.unit_cost)?),
            selected: Set(true),
            detail: Set(Some(line.detail.clone())),
            ..Default::default()
        });
    }
    task_lines::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The task's lines in apply order.
pub async fn find_task_lines<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    task: TaskId,
) -> Result<Vec<TaskLine>, DbErr> {
    task_lines::Entity::find()
        .filter(task_lines::Column::TaskId.eq(task.0))
        .filter(task_lines::Column::ResellerId.eq(reseller.0))
        .order_by_asc(task_lines::Column::LineNo)
        .all(db)
        .await?
        .into_iter()
        .map(line_of)
        .collect()
}
