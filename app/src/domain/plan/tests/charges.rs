//! Cancellation fees and usage charges: design §4, rows "Cancellation with a fee" and "Billing".

use rust_decimal::Decimal;

use crate::model::journal::LineKind;
use crate::model::plan::{PlanInput, PriceSource, Proration};
use crate::model::task::TaskType;

use super::calendar::{CALENDAR, row};
use super::{AUTOTASK, MONTHLY_1ST, YEARLY_1ST};
use super::{charge, every_setting, fee, given, negative, on_contract, planned, usage};
use super::{planned_lines, quantities, settings, unit};

/// A cancellation of all 5 units, with the marketplace's fee.
fn cancellation_with_fee(contract: &super::Contract, d: &str) -> PlanInput {
    let mut input = given(TaskType::Cancellation, contract, d);
    quantities(&mut input, 5, 0);
    input.on_contract = Some(on_contract(&input, 5, AUTOTASK));
    input.fee = Some(fee());
    input
}

#[test]
fn a_cancellation_with_a_fee_also_charges_the_fee_on_the_effective_date() {
    for day in &CALENDAR {
        for proration in [Proration::Autotask, Proration::Marketplace] {
            let mut input = cancellation_with_fee(day.contract, day.d);
            input.settings = settings(PriceSource::Autotask, proration, false);
            assert_eq!(
                planned(&input),
                vec![
                    unit(day.next, day.next_end, 5, -5),
                    charge(day.d, day.period_end, 1, ("25.00", "10.00")),
                ],
                "{}: {proration:?}",
                day.what
            );
        }
    }
}

#[test]
fn a_refunded_cancellation_with_a_fee_charges_the_fee_after_the_unit_lines() {
    let day = row(&MONTHLY_1ST, "2025-11-19");
    let mut input = cancellation_with_fee(day.contract, day.d);

    input.settings = settings(PriceSource::Autotask, Proration::Autotask, true);
    assert_eq!(
        planned(&input),
        vec![
            unit("2025-11-19", "2025-11-30", 5, -5),
            charge("2025-11-19", "2025-11-30", 1, ("25.00", "10.00")),
        ]
    );

    input.settings = settings(PriceSource::Autotask, Proration::Marketplace, true);
    let credit = negative(day.autotask); // −(22 × 12/30) = −8.80; −(18.70 × 12/30) = −7.48
    assert_eq!(
        planned(&input),
        vec![
            unit("2025-12-01", "2025-12-31", 5, -5),
            charge(
                "2025-11-19",
                "2025-11-30",
                5,
                (credit.0.as_str(), credit.1.as_str())
            ),
            charge("2025-11-19", "2025-11-30", 1, ("25.00", "10.00")),
        ]
    );
}

#[test]
fn the_fee_bills_through_the_service_the_fee_is_mapped_to() {
    let input = cancellation_with_fee(&MONTHLY_1ST, "2025-11-19");
    let lines = planned_lines(&input);
    let fee_line = &lines[1];
    assert_eq!(fee_line.kind, LineKind::OneTimeCharge);
    assert_eq!(
        (fee_line.service_id, fee_line.service_name.as_str()),
        (30_099_999, "Cancellation fee")
    );
    assert_eq!(
        fee_line.invoice_description.as_deref(),
        Some("Early cancellation")
    );
    assert_eq!(fee_line.current_quantity, 0);
    assert_eq!(
        fee_line.detail,
        "Charges the cancellation fee of 25.00 through Cancellation fee."
    );
}

#[test]
fn a_cancellation_without_a_fee_plans_only_the_units() {
    let mut input = cancellation_with_fee(&MONTHLY_1ST, "2025-11-19");
    input.fee = None;
    assert_eq!(
        planned(&input),
        vec![unit("2025-12-01", "2025-12-31", 5, -5)]
    );
}

#[test]
fn a_cancellation_of_nothing_still_charges_its_fee() {
    let mut input = cancellation_with_fee(&MONTHLY_1ST, "2025-11-19");
    quantities(&mut input, 0, 0);
    assert_eq!(
        planned(&input),
        vec![charge("2025-11-19", "2025-11-30", 1, ("25.00", "10.00"))]
    );
}

fn billing(quantity: &str) -> PlanInput {
    let mut input = given(TaskType::Billing, &MONTHLY_1ST, "2025-12-01");
    input.on_contract = Some(on_contract(&input, 5, AUTOTASK));
    input.usage = Some(usage(quantity));
    input
}

#[test]
fn a_usage_charge_is_one_charge_on_its_billing_date_ending_with_its_period() {
    for setting in every_setting() {
        let mut input = billing("7");
        input.settings = setting;
        assert_eq!(
            planned(&input),
            vec![charge("2025-12-01", "2025-11-30", 7, ("1.20", "0.95"))],
            "{setting:?}"
        );
    }
}

#[test]
fn a_usage_charge_keeps_its_exact_quantity_and_names_its_period() {
    let lines = planned_lines(&billing("12.5"));
    let usage = &lines[0];
    assert_eq!(usage.charge_quantity, Some(Decimal::new(125, 1)));
    assert_eq!(usage.quantity_change, 13, "12.5 rounds half away from zero");
    assert_eq!(
        usage.invoice_description.as_deref(),
        Some("Azure consumption (1 Nov 2025 – 30 Nov 2025)")
    );
    assert_eq!(
        usage.detail,
        "Charges the usage of 1 Nov 2025 – 30 Nov 2025: 12.5 at 1.20 (Azure consumption)."
    );
}

#[test]
fn a_usage_quantity_is_rounded_to_whole_units_only_for_the_review_table() {
    for (quantity, whole) in [("2.4", 2), ("2.5", 3), ("3.5", 4), ("0.49", 0), ("7", 7)] {
        let lines = planned_lines(&billing(quantity));
        assert_eq!(lines[0].quantity_change, whole, "{quantity}");
        assert_eq!(
            lines[0].charge_quantity,
            Some(quantity.parse().unwrap()),
            "{quantity}"
        );
    }
}

#[test]
fn a_usage_charge_needs_no_contract_service_and_changes_no_units() {
    let mut input = billing("7");
    input.on_contract = None;
    assert_eq!(
        planned(&input),
        vec![charge("2025-12-01", "2025-11-30", 7, ("1.20", "0.95"))]
    );
    // on a yearly contract it ends with its usage period just the same
    let mut input = given(TaskType::Billing, &YEARLY_1ST, "2025-12-01");
    input.usage = Some(usage("7"));
    assert_eq!(
        planned(&input),
        vec![charge("2025-12-01", "2025-11-30", 7, ("1.20", "0.95"))]
    );
}
