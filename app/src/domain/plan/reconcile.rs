//! Reconcile (migration, drift): bring the units to what the marketplace shows, on the date the
//! person chose (design §4, last row).

use crate::model::plan::PlanRefusal;

use super::context::Planner;
use super::quantity::put_on_contract;
use super::words;

/// Plans `marketplace quantity − units on the date`; nothing when they already agree.
pub(super) fn plan_reconcile(planner: &mut Planner<'_>) -> Result<(), PlanRefusal> {
    let input = planner.input;
    let target = input.reconcile_quantity.ok_or(PlanRefusal::NoQuantity)?;
    let date = input.reconcile_date.unwrap_or(input.effective_date);
    let units = planner.units_on(date);
    let change = target.checked_sub(units).ok_or(PlanRefusal::NoQuantity)?;
    if change == 0 {
        return Ok(());
    }
    let verb = if change > 0 { "adds" } else { "removes" };
    let detail = format!(
        "Brings the units to {target} from {}, as the marketplace shows ({verb} {}).",
        words::day(date),
        words::licences(change),
    );
    // A service not yet on the contract is put on it first, like a sale's.
    let carried = if !planner.was_on_contract() && change > 0 {
        let wanted = planner.wanted()?;
        put_on_contract(planner, date, wanted)?;
        Some(wanted)
    } else {
        None
    };
    planner.push_unit_change(date, change, carried, detail)
}
