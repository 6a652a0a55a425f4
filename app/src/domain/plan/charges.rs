//! One-time charges (design §4): the rest of a period the marketplace prorates, a cancellation
//! fee, and a usage charge. A charge changes no units, so its current quantity is 0.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::domain::billing_period::Period;
use crate::model::journal::LineKind;
use crate::model::money::Money;
use crate::model::plan::PlanRefusal;

use super::context::{Draft, Planner, Terms};
use super::words;

/// The marketplace's proration of `Δ` for the rest of `P` (days from `d` to the end of `P`, both
/// counted) at the wanted price: a charge for an increase, a credit for a refunded decrease.
/// Its quantity is `|Δ|`; a credit carries a negative unit price and cost, because Autotask
/// bills `unitQuantity × unitPrice` and accepts negative prices.
pub(super) fn rest_of_period(
    planner: &mut Planner<'_>,
    period: Period,
    delta: i64,
) -> Result<(), PlanRefusal> {
    let input = planner.input;
    let wanted = planner.wanted()?;
    let d = input.effective_date;
    let days_left = Period {
        start: d,
        end: period.end,
    }
    .days();
    let days = period.days();
    let sign = Decimal::from(delta.signum());
    let share = |unit: Money| {
        Money::rounded(sign * unit.amount() * Decimal::from(days_left) / Decimal::from(days))
    };
    let terms = Terms {
        price: share(wanted.price),
        cost: share(wanted.cost),
    };
    let verb = if delta < 0 { "Credits" } else { "Charges" };
    let detail = format!(
        "{verb} {} for {days_left} of {days} days of {} at {} ({} a licence).",
        words::licences(delta),
        words::period(period),
        words::source(input.settings.price_source),
        terms.price,
    );
    planner.push(Draft {
        kind: LineKind::OneTimeCharge,
        service: &input.service,
        date: d,
        end_date: None,
        current_quantity: 0,
        quantity_change: delta.abs(),
        charge_quantity: None,
        terms: Some(terms),
        invoice_description: None,
        detail,
    })
}

/// The cancellation fee, through the service the fee is mapped to, dated `d`.
pub(super) fn cancellation_fee(planner: &mut Planner<'_>) -> Result<(), PlanRefusal> {
    let input = planner.input;
    let Some(fee) = &input.fee else {
        return Ok(());
    };
    let detail = format!(
        "Charges the cancellation fee of {} through {}.",
        fee.amount, fee.service.name
    );
    planner.push(Draft {
        kind: LineKind::OneTimeCharge,
        service: &fee.service,
        date: input.effective_date,
        end_date: None,
        current_quantity: 0,
        quantity_change: 1,
        charge_quantity: None,
        terms: Some(Terms {
            price: fee.amount,
            cost: fee.cost,
        }),
        invoice_description: None,
        detail,
    })
}

/// A Billing task's usage line as one charge on its billing date, described with its period.
/// The exact quantity goes in `charge_quantity`; `quantity_change` holds it rounded to whole
/// units (half away from zero), for the review table and the journal.
pub(super) fn usage(planner: &mut Planner<'_>) -> Result<(), PlanRefusal> {
    let input = planner.input;
    let usage = input.usage.as_ref().ok_or(PlanRefusal::NoUsage)?;
    let whole = usage
        .quantity
        .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
        .to_i64()
        .ok_or(PlanRefusal::NoQuantity)?;
    let span = format!(
        "{} – {}",
        words::day(usage.period_start),
        words::day(usage.period_end)
    );
    let detail = format!(
        "Charges the usage of {span}: {} at {} ({}).",
        usage.quantity.normalize(),
        usage.unit_price,
        usage.description,
    );
    planner.push(Draft {
        kind: LineKind::OneTimeCharge,
        service: &input.service,
        date: usage.billed_on,
        end_date: Some(usage.period_end),
        current_quantity: 0,
        quantity_change: whole,
        charge_quantity: Some(usage.quantity),
        terms: Some(Terms {
            price: usage.unit_price,
            cost: usage.unit_cost,
        }),
        invoice_description: Some(format!("{} ({span})", usage.description)),
        detail,
    })
}
