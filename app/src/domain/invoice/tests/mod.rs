//! Invoice previews with amounts worked out by hand (the arithmetic in a comment): Autotask bills
//! `units × unit price × days in the span ÷ days in the period`, rounded to 4 places.

mod charges_and_prices;
mod unit_lines;

use crate::domain::plan::plan;
use crate::domain::plan::tests::{AUTOTASK, MARKETPLACE, MONTHLY_1ST, MONTHLY_15TH};
use crate::domain::plan::tests::{QUARTERLY_1ST, YEARLY_1ST};
use crate::domain::plan::tests::{
    day, fee, given, money, on_contract, quantities, settings, usage,
};
use crate::model::plan::{
    ContractTerms, InvoiceLine, InvoicePreview, PlanInput, PriceSource, Proration,
};
use crate::model::task::TaskType;

use super::preview;

fn billed(line_no: i32, span: (&str, &str), amount: &str, cost: &str, label: &str) -> InvoiceLine {
    InvoiceLine {
        line_no,
        start: day(span.0),
        end: day(span.1),
        amount: money(amount),
        cost: money(cost),
        label: label.to_owned(),
    }
}

fn preview_of_plan(input: &PlanInput) -> InvoicePreview {
    let lines = plan(input).unwrap();
    preview(input, &lines)
}

/// A Change on `contract` effective `d`: `units` on the contract at `in_force`, `old` → `new`.
fn change(
    contract: &crate::domain::plan::tests::Contract,
    d: &str,
    units: i64,
    in_force: (&str, &str),
    (old, new): (i64, i64),
) -> PlanInput {
    let mut input = given(TaskType::Change, contract, d);
    quantities(&mut input, old, new);
    input.on_contract = Some(on_contract(&input, units, in_force));
    input
}
