//! Which rules a task type goes through, in the order its lines are applied.

use crate::model::plan::{PlanInput, PlanRefusal, PlannedLine};
use crate::model::task::TaskType;

use super::context::Planner;
use super::{charges, price, quantity, reconcile};

/// Plans the lines of one task (design §4), numbered in the order they are applied, or says
/// why the task cannot be planned.
pub fn plan(input: &PlanInput) -> Result<Vec<PlannedLine>, PlanRefusal> {
    let mut planner = Planner::new(input);
    match input.facts.task_type {
        TaskType::Sales | TaskType::Change => {
            quantity::plan_quantity(&mut planner)?;
            price::sync_at_next_period(&mut planner)?;
        }
        // A cancelled subscription's price must not re-price what stays on the contract (other
        // subscriptions), and a cancelled subscription often has no marketplace price left.
        TaskType::Cancellation => {
            quantity::plan_quantity(&mut planner)?;
            charges::cancellation_fee(&mut planner)?;
        }
        TaskType::Billing => charges::usage(&mut planner)?,
        TaskType::Renewal => price::sync_at_next_period(&mut planner)?,
        TaskType::Reconcile => reconcile::plan_reconcile(&mut planner)?,
    }
    Ok(planner.finish())
}
