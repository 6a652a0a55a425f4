//! Price and cost sync (design §4, rows "Δ = 0, price or cost differs" and Renewal): one price
//! line at the start of the next billing period, after any unit lines of the same task.

use crate::model::journal::LineKind;
use crate::model::plan::PlanRefusal;

use super::context::{Draft, Planner};
use super::words;

/// Plans a price line at `next(P)` when the wanted price or cost differs from the one in force.
/// A service not on the contract has no price to sync: one this plan creates is created at the
/// wanted price.
pub(super) fn sync_at_next_period(planner: &mut Planner<'_>) -> Result<(), PlanRefusal> {
    let Some(in_force) = planner.in_force() else {
        return Ok(());
    };
    let period = planner.order_period()?;
    let wanted = planner.wanted()?;
    if wanted == in_force {
        return Ok(());
    }
    let next = Planner::day_after(period)?;
    let input = planner.input;
    let detail = format!(
        "Sets the price to {} and the cost to {} from {}, the start of the next billing period, \
         to match {} (was {} and {}).",
        wanted.price,
        wanted.cost,
        words::day(next),
        words::source(input.settings.price_source),
        in_force.price,
        in_force.cost,
    );
    let current_quantity = planner.units_on(next);
    planner.push(Draft {
        kind: LineKind::PriceChange,
        service: &input.service,
        date: next,
        end_date: None,
        current_quantity,
        quantity_change: 0,
        charge_quantity: None,
        terms: Some(wanted),
        invoice_description: None,
        detail,
    })
}
