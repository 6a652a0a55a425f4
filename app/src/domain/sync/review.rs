//! Sync All from the review step: a fresh plan with the person's choices, their edits and
//! unticked lines applied, refused when Autotask or the task changed since the page was shown
//! (the person approves what they saw, never something else).

use anyhow::Context;
use sea_orm::DatabaseConnection;

use super::planning::{PlanOptions, TaskPlan, plan_tasks_with};
use super::queueing::{SyncOutcome, queue_plan, record_not_planned};
use crate::autotask::AutotaskApi;
use crate::db;
use crate::domain::invoice;
use crate::model::{
    ids::{ResellerId, TaskId},
    journal::LineKind,
    money::Money,
    plan::PlannedLine,
    task::TaskStatus,
};

/// A line as the person left it on the review step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineEdit {
    pub line_no: i32,
    pub selected: bool,
    /// `None` keeps the planned one.
    pub invoice_description: Option<String>,
    pub unit_price: Option<Money>,
    pub unit_cost: Option<Money>,
}

/// What Sync All sends.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Review {
    pub options: PlanOptions,
    /// [`fingerprint`] of the lines the page showed.
    pub seen: String,
    pub lines: Vec<LineEdit>,
}

/// Why Sync All did not sync.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReviewRefused {
    #[error("Autotask or the task changed since the page was shown; look at the lines again.")]
    Changed,
    #[error(
        "Line {0} puts the service on the contract, which the other lines of that service need: tick it too, or untick them."
    )]
    NeedsItsContractService(i32),
    #[error("Tick at least one line to sync, or ignore the task.")]
    NothingTicked,
    #[error("{0}")]
    NotPlanned(String),
    #[error("The task cannot be synced now: it is {0:?}.")]
    NotOpen(TaskStatus),
}

/// Whether a line's price and cost may be edited: lines that write a price (a charge, a new
/// contract service, a price change). A unit change bills at the contract service's price.
pub fn price_editable(kind: LineKind) -> bool {
    kind != LineKind::UnitChange
}

/// What identifies a plan's lines, to tell whether a fresh plan is the one the person saw.
pub fn fingerprint(lines: &[PlannedLine]) -> String {
    lines
        .iter()
        .map(|l| {
            format!(
                "{}:{:?}:{}:{}:{}:{}:{}:{}",
                l.line_no,
                l.kind,
                l.service_id,
                l.effective_date,
                l.current_quantity,
                l.quantity_change,
                l.unit_price.map(|p| p.to_string()).unwrap_or_default(),
                l.unit_cost.map(|p| p.to_string()).unwrap_or_default(),
            )
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// Applies the person's edits to a plan: unticked lines are dropped, descriptions and prices
/// replaced where the line allows it; the invoice preview follows.
pub fn apply_edits(plan: &mut TaskPlan, edits: &[LineEdit]) -> Result<(), ReviewRefused> {
    let edit_of = |n: i32| edits.iter().find(|e| e.line_no == n);
    let dropped: Vec<&PlannedLine> = plan
        .lines
        .iter()
        .filter(|l| edit_of(l.line_no).is_some_and(|e| !e.selected))
        .collect();
    for creating in dropped
        .iter()
        .filter(|l| l.kind == LineKind::NewContractService)
    {
        let needed = plan.lines.iter().any(|l| {
            l.service_id == creating.service_id
                && l.line_no != creating.line_no
                && !dropped.iter().any(|d| d.line_no == l.line_no)
        });
        if needed {
            return Err(ReviewRefused::NeedsItsContractService(creating.line_no));
        }
    }
    let dropped: Vec<i32> = dropped.iter().map(|l| l.line_no).collect();
    if !plan.lines.is_empty() && dropped.len() == plan.lines.len() {
        return Err(ReviewRefused::NothingTicked);
    }
    plan.lines.retain(|l| !dropped.contains(&l.line_no));
    for line in &mut plan.lines {
        let Some(edit) = edit_of(line.line_no) else {
            continue;
        };
        if let Some(text) = &edit.invoice_description {
            line.invoice_description = Some(text.clone()).filter(|t| !t.is_empty());
        }
        if price_editable(line.kind) {
            if edit.unit_price.is_some() {
                line.unit_price = edit.unit_price;
            }
            if edit.unit_cost.is_some() {
                line.unit_cost = edit.unit_cost;
            }
        }
    }
    plan.preview = invoice::preview(&plan.input, &plan.lines);
    Ok(())
}

/// Plans the task again with the person's choices and, if it is the plan they saw, syncs it
/// with their edits. The caller queues the apply job once this has returned.
pub async fn sync_reviewed(
    db: &DatabaseConnection,
    api: &impl AutotaskApi,
    reseller: ResellerId,
    task: TaskId,
    review: &Review,
) -> anyhow::Result<Result<SyncOutcome, ReviewRefused>> {
    let Some(found) = db::tasks::find_task_for_reseller(db, reseller, task)
        .await
        .context("reading the task")?
    else {
        anyhow::bail!("there is no such task");
    };
    if !matches!(found.status, TaskStatus::New | TaskStatus::Ready) {
        return Ok(Err(ReviewRefused::NotOpen(found.status)));
    }
    let planned = plan_tasks_with(db, api, std::slice::from_ref(&found), review.options)
        .await?
        .pop()
        .context("one plan for one task")?;
    let mut plan = match planned {
        Ok(plan) => plan,
        Err(why) => {
            record_not_planned(db, reseller, task, &why).await?;
            return Ok(Err(ReviewRefused::NotPlanned(why.to_string())));
        }
    };
    if fingerprint(&plan.lines) != review.seen {
        return Ok(Err(ReviewRefused::Changed));
    }
    if let Err(refused) = apply_edits(&mut plan, &review.lines) {
        return Ok(Err(refused));
    }
    let mut outcome = SyncOutcome::default();
    queue_plan(db, reseller, &plan, &mut outcome).await?;
    Ok(Ok(outcome))
}
