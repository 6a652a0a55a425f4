//! Sales, Change and Cancellation: the order's quantity change `Δ` as unit changes (design §4,
//! rows Δ > 0, Δ < 0 and "service not yet on the contract"). The target is always the units on
//! the date plus `Δ`, never the order's new quantity: a contract service may carry several
//! subscriptions.

use std::cmp::Ordering;

use chrono::NaiveDate;

use crate::domain::billing_period::Period;
use crate::model::journal::LineKind;
use crate::model::plan::{PlanRefusal, Proration};

use super::charges;
use super::context::{Draft, Planner, Terms};
use super::words;

/// Plans the unit lines of `Δ`; a service not yet on the contract is put on it first.
pub(super) fn plan_quantity(planner: &mut Planner<'_>) -> Result<(), PlanRefusal> {
    let delta = planner
        .input
        .facts
        .quantities
        .delta
        .ok_or(PlanRefusal::NoQuantity)?;
    let period = planner.order_period()?;
    if !planner.was_on_contract() {
        return match delta.cmp(&0) {
            Ordering::Less => Err(PlanRefusal::BelowZero {
                units: 0,
                change: delta,
            }),
            Ordering::Equal => Ok(()),
            Ordering::Greater => {
                let wanted = planner.wanted()?;
                put_on_contract(planner, planner.input.effective_date, wanted)?;
                increase(planner, period, delta, Some(wanted))
            }
        };
    }
    match delta.cmp(&0) {
        Ordering::Greater => increase(planner, period, delta, None),
        Ordering::Less => decrease(planner, period, delta),
        Ordering::Equal => Ok(()),
    }
}

/// Creates the contract service with the wanted price, so no price line has to follow.
pub(super) fn put_on_contract(
    planner: &mut Planner<'_>,
    date: NaiveDate,
    wanted: Terms,
) -> Result<(), PlanRefusal> {
    let input = planner.input;
    let detail = format!(
        "Puts {} on the contract from {} at {} (cost {}), {}.",
        input.service.name,
        words::day(date),
        wanted.price,
        wanted.cost,
        words::source(input.settings.price_source),
    );
    planner.push(Draft {
        kind: LineKind::NewContractService,
        service: &input.service,
        date,
        end_date: None,
        current_quantity: 0,
        quantity_change: 0,
        charge_quantity: None,
        terms: Some(wanted),
        invoice_description: None,
        detail,
    })
}

/// `Δ > 0`: from `d` when Autotask prorates; from `next(P)` plus a charge for the rest of `P`
/// when the marketplace does. `carried` is the price a unit change right after a new contract
/// service carries.
fn increase(
    planner: &mut Planner<'_>,
    period: Period,
    delta: i64,
    carried: Option<Terms>,
) -> Result<(), PlanRefusal> {
    let d = planner.input.effective_date;
    match planner.input.settings.proration {
        Proration::Autotask => {
            let detail = format!(
                "Adds {} from {}; Autotask prorates the rest of {}.",
                words::licences(delta),
                words::day(d),
                words::period(period),
            );
            planner.push_unit_change(d, delta, carried, detail)
        }
        Proration::Marketplace => {
            let next = Planner::day_after(period)?;
            let detail = format!(
                "Adds {} from {}, the start of the next billing period; a one-time charge covers \
                 the rest of {}.",
                words::licences(delta),
                words::day(next),
                words::period(period),
            );
            planner.push_unit_change(next, delta, carried, detail)?;
            charges::rest_of_period(planner, period, delta)
        }
    }
}

/// `Δ < 0`: from `next(P)`, no credit for `P`; with refunds on downgrade, from `d` when Autotask
/// prorates, or from `next(P)` plus a credit for the rest of `P` when the marketplace does.
fn decrease(planner: &mut Planner<'_>, period: Period, delta: i64) -> Result<(), PlanRefusal> {
    let input = planner.input;
    let d = input.effective_date;
    let next = Planner::day_after(period)?;
    let removes = words::licences(delta);
    if !input.settings.refunds_on_downgrade {
        let detail = format!(
            "Removes {removes} from {}, the start of the next billing period; no credit for {}.",
            words::day(next),
            words::period(period),
        );
        return planner.push_unit_change(next, delta, None, detail);
    }
    match input.settings.proration {
        Proration::Autotask => {
            let detail = format!(
                "Removes {removes} from {}; Autotask credits the rest of {}.",
                words::day(d),
                words::period(period),
            );
            planner.push_unit_change(d, delta, None, detail)
        }
        Proration::Marketplace => {
            let detail = format!(
                "Removes {removes} from {}, the start of the next billing period; a one-time \
                 credit covers the rest of {}.",
                words::day(next),
                words::period(period),
            );
            planner.push_unit_change(next, delta, None, detail)?;
            charges::rest_of_period(planner, period, delta)
        }
    }
}
