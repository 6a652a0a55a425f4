//! The invoice preview of the review step (design §2.3, step 4): what Autotask will bill for a
//! plan in the current and the next billing period, line by line, and the recurring amount
//! before and after. Pure, and built on [`billing_period`], the proration the Autotask sandbox
//! bills by, so the preview and the sandbox cannot drift apart.
//!
//! It works from the lines it is given, not from a fresh plan: the person may have unchecked or
//! edited some of them.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::domain::billing_period::{self, Period, ServiceTimeline, UnitChange, UnitsRow};
use crate::model::journal::LineKind;
use crate::model::money::Money;
use crate::model::plan::{InvoiceLine, InvoicePreview, PlanInput, PlannedLine};

#[cfg(test)]
mod tests;

/// The current period `P` (containing the effective date) and the one after it.
struct Window {
    current: Period,
    next: Period,
}

/// The contract service before the plan: its units, and the price and cost in force (0 when it
/// is not on the contract yet).
struct Service<'a> {
    input: &'a PlanInput,
    price: Decimal,
    cost: Decimal,
}

impl Service<'_> {
    fn units_before(&self, date: NaiveDate) -> i64 {
        self.input
            .on_contract
            .as_ref()
            .map_or(0, |on| on.units_on(date))
    }

    fn timeline<'c>(
        &self,
        price: Decimal,
        cost: Decimal,
        changes: &'c [UnitChange],
    ) -> ServiceTimeline<'c> {
        let contract = &self.input.contract;
        ServiceTimeline {
            contract_start: contract.start,
            contract_end: contract.end,
            period: contract.period,
            unit_price: price,
            unit_cost: cost,
            changes,
        }
    }

    /// Price and cost in force on `date` once `changes` (earlier lines) are applied.
    fn terms_at(&self, changes: &[UnitChange], date: NaiveDate) -> (Decimal, Decimal) {
        self.timeline(self.price, self.cost, changes)
            .price_and_cost_at(date)
    }

    /// What `units` more units from `date` on, at `price` and `cost`, bill per units row.
    fn rows_of(&self, date: NaiveDate, units: i64, price: Decimal, cost: Decimal) -> Vec<UnitsRow> {
        let change = [UnitChange {
            effective_date: date,
            unit_change: units,
            unit_price: None,
            unit_cost: None,
        }];
        self.timeline(price, cost, &change).rows()
    }
}

/// What Autotask will bill for `lines` of `input`'s plan in the current and the next period,
/// and the recurring amount per period before and after.
pub fn preview(input: &PlanInput, lines: &[PlannedLine]) -> InvoicePreview {
    let empty = InvoicePreview {
        lines: Vec::new(),
        recurring_before: Money::default(),
        recurring_after: Money::default(),
    };
    let Some(window) = window_of(input) else {
        return empty;
    };
    let (price, cost) = input
        .on_contract
        .as_ref()
        .map_or((Decimal::ZERO, Decimal::ZERO), |on| {
            (on.price.amount(), on.cost.amount())
        });
    let service = Service { input, price, cost };
    let every_change: Vec<UnitChange> = lines.iter().filter_map(|l| as_change(input, l)).collect();
    let after = service.timeline(service.price, service.cost, &every_change);
    let mut invoice = Vec::new();
    let mut earlier: Vec<UnitChange> = Vec::new();
    for line in lines {
        match line.kind {
            LineKind::NewContractService => {}
            LineKind::OneTimeCharge => invoice.push(one_time_charge(line)),
            LineKind::UnitChange => {
                let date = line.effective_date;
                // A unit change that carries a price (after a new contract service) bills at it.
                let (price, cost) = service.terms_at(&earlier, date);
                let price = line.unit_price.map_or(price, Money::amount);
                let cost = line.unit_cost.map_or(cost, Money::amount);
                let rows = service.rows_of(date, line.quantity_change, price, cost);
                invoice.extend(in_window(&window, line, &rows));
            }
            LineKind::PriceChange => {
                let date = line.effective_date;
                let (old_price, old_cost) = service.terms_at(&earlier, date);
                let new_price = line.unit_price.map_or(old_price, Money::amount);
                let new_cost = line.unit_cost.map_or(old_cost, Money::amount);
                // Every unit on the date pays the difference, the plan's own included.
                let units = service.units_before(date) + after.units_at(date);
                let rows = service.rows_of(date, units, new_price - old_price, new_cost - old_cost);
                invoice.extend(in_window(&window, line, &rows));
            }
        }
        earlier.extend(as_change(input, line));
    }
    let next = window.next.start;
    let units_after = service.units_before(next) + after.units_at(next);
    let (price_after, _) = after.price_and_cost_at(next);
    InvoicePreview {
        lines: invoice,
        recurring_before: Money::rounded(Decimal::from(service.units_before(next)) * service.price),
        recurring_after: Money::rounded(Decimal::from(units_after) * price_after),
    }
}

/// `P` and the period after it; none before the contract starts (the planner refuses those).
fn window_of(input: &PlanInput) -> Option<Window> {
    let contract = &input.contract;
    let current =
        billing_period::period_containing(contract.start, contract.period, input.effective_date)?;
    let next = billing_period::period_containing(
        contract.start,
        contract.period,
        current.end.succ_opt()?,
    )?;
    Some(Window { current, next })
}

/// A line as the change Autotask's units and prices see; charges and other services' lines
/// change neither.
fn as_change(input: &PlanInput, line: &PlannedLine) -> Option<UnitChange> {
    if line.service_id != input.service.id {
        return None;
    }
    let unit_change = match line.kind {
        LineKind::OneTimeCharge => return None,
        LineKind::UnitChange => line.quantity_change,
        LineKind::PriceChange | LineKind::NewContractService => 0,
    };
    Some(UnitChange {
        effective_date: line.effective_date,
        unit_change,
        unit_price: line.unit_price.map(Money::amount),
        unit_cost: line.unit_cost.map(Money::amount),
    })
}

/// The rows that fall in the current or the next period, labelled for the reseller.
fn in_window(window: &Window, line: &PlannedLine, rows: &[UnitsRow]) -> Vec<InvoiceLine> {
    rows.iter()
        .filter(|row| window.current.start <= row.start && row.start <= window.next.end)
        .map(|row| {
            let span = Period {
                start: row.start,
                end: row.end,
            };
            let label = if row.start <= window.current.end {
                format!("Prorated {} of {} days", span.days(), window.current.days())
            } else if span == window.next {
                "Next period".to_owned()
            } else {
                format!("Prorated {} of {} days", span.days(), window.next.days())
            };
            InvoiceLine {
                line_no: line.line_no,
                start: row.start,
                end: row.end,
                amount: Money::rounded(row.price),
                cost: Money::rounded(row.cost),
                label,
            }
        })
        .collect()
}

/// A charge bills `quantity × unit price` once, on its date, as Autotask computes
/// `billableAmount`.
fn one_time_charge(line: &PlannedLine) -> InvoiceLine {
    let quantity = line
        .charge_quantity
        .unwrap_or_else(|| Decimal::from(line.quantity_change));
    let times =
        |unit: Option<Money>| Money::rounded(quantity * unit.map_or(Decimal::ZERO, Money::amount));
    InvoiceLine {
        line_no: line.line_no,
        start: line.effective_date,
        end: line.effective_date,
        amount: times(line.unit_price),
        cost: times(line.unit_cost),
        label: "One-time charge".to_owned(),
    }
}
