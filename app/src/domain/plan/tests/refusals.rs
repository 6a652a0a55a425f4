//! Tasks that cannot be planned, and why.

use crate::model::plan::{PlanInput, PlanRefusal, PriceSource, Proration};
use crate::model::task::{Quantities, TaskType};

use super::{AUTOTASK, MARKETPLACE, MONTHLY_1ST, QUARTERLY_1ST, YEARLY_1ST};
use super::{day, given, on_contract, planned, quantities, refused, settings, unit};

fn on_five(task: TaskType, contract: &super::Contract, d: &str, old: i64, new: i64) -> PlanInput {
    let mut input = given(task, contract, d);
    quantities(&mut input, old, new);
    input.on_contract = Some(on_contract(&input, 5, AUTOTASK));
    input
}

#[test]
fn an_order_without_a_quantity_change_cannot_be_planned() {
    for task in [TaskType::Sales, TaskType::Change, TaskType::Cancellation] {
        let mut input = on_five(task, &MONTHLY_1ST, "2025-11-19", 0, 0);
        input.facts.quantities = Quantities::between(None, Some(3));
        assert_eq!(refused(&input), PlanRefusal::NoQuantity, "{task:?}");
    }
    let mut input = on_five(TaskType::Reconcile, &MONTHLY_1ST, "2025-11-19", 0, 0);
    input.reconcile_quantity = None;
    assert_eq!(refused(&input), PlanRefusal::NoQuantity);
}

#[test]
fn a_decrease_below_zero_is_refused() {
    for refunds in [false, true] {
        let mut input = on_five(TaskType::Change, &MONTHLY_1ST, "2025-11-19", 8, 2);
        input.settings = settings(PriceSource::Autotask, Proration::Autotask, refunds);
        // 5 on the contract, 8 → 2 asks for −6
        assert_eq!(
            refused(&input),
            PlanRefusal::BelowZero {
                units: 5,
                change: -6
            },
            "refunds {refunds}"
        );
    }
    let mut input = on_five(TaskType::Reconcile, &MONTHLY_1ST, "2025-11-19", 0, 0);
    input.reconcile_quantity = Some(-1);
    assert_eq!(
        refused(&input),
        PlanRefusal::BelowZero {
            units: 5,
            change: -6
        }
    );
}

#[test]
fn a_decrease_of_a_service_missing_from_the_contract_is_refused_as_below_zero() {
    for (task, old) in [(TaskType::Change, 4), (TaskType::Cancellation, 3)] {
        let mut input = given(task, &MONTHLY_1ST, "2025-11-19");
        quantities(&mut input, old, old - 3);
        assert_eq!(
            refused(&input),
            PlanRefusal::BelowZero {
                units: 0,
                change: -3
            },
            "{task:?}"
        );
    }
}

#[test]
fn a_decrease_in_the_last_period_of_the_contract_is_refused_as_outside_it() {
    // The contract ends 31 Dec 2028; next(P) is 1 Jan 2029.
    let input = on_five(TaskType::Change, &MONTHLY_1ST, "2028-12-10", 4, 2);
    assert_eq!(
        refused(&input),
        PlanRefusal::OutsideContract(day("2029-01-01"))
    );
    // refunded and prorated by Autotask, it takes effect on d, inside the contract
    let mut input = input;
    input.settings = settings(PriceSource::Autotask, Proration::Autotask, true);
    assert_eq!(
        planned(&input),
        vec![unit("2028-12-10", "2028-12-31", 5, -2)]
    );
}

#[test]
fn an_increase_prorated_by_the_marketplace_in_the_last_period_is_refused_as_outside_it() {
    // The yearly contract ends 31 Mar 2029; next(P) is 1 Apr 2029.
    let mut input = on_five(TaskType::Change, &YEARLY_1ST, "2028-10-01", 4, 7);
    input.settings = settings(PriceSource::Autotask, Proration::Marketplace, false);
    assert_eq!(
        refused(&input),
        PlanRefusal::OutsideContract(day("2029-04-01"))
    );
}

#[test]
fn a_price_change_after_the_contract_end_is_refused() {
    let mut input = on_five(TaskType::Renewal, &QUARTERLY_1ST, "2028-11-15", 0, 0);
    input.settings = settings(PriceSource::Marketplace, Proration::Autotask, false);
    assert_eq!(
        refused(&input),
        PlanRefusal::OutsideContract(day("2029-01-01"))
    );
}

#[test]
fn an_effective_date_outside_the_contract_is_refused() {
    // before the start: there is no billing period to plan in
    let input = on_five(TaskType::Change, &MONTHLY_1ST, "2024-12-31", 4, 2);
    assert_eq!(
        refused(&input),
        PlanRefusal::OutsideContract(day("2024-12-31"))
    );
    // after the end: the increase would be dated d
    let input = on_five(TaskType::Sales, &MONTHLY_1ST, "2029-01-05", 0, 2);
    assert_eq!(
        refused(&input),
        PlanRefusal::OutsideContract(day("2029-01-05"))
    );
}

#[test]
fn a_reconcile_on_a_date_outside_the_contract_is_refused() {
    for chosen in ["2024-12-31", "2029-01-01"] {
        let mut input = on_five(TaskType::Reconcile, &MONTHLY_1ST, "2025-11-19", 0, 0);
        input.reconcile_quantity = Some(7);
        input.reconcile_date = Some(day(chosen));
        assert_eq!(refused(&input), PlanRefusal::OutsideContract(day(chosen)));
    }
}

#[test]
fn a_billing_order_without_its_usage_line_is_refused() {
    let input = on_five(TaskType::Billing, &MONTHLY_1ST, "2025-12-01", 0, 0);
    assert_eq!(refused(&input), PlanRefusal::NoUsage);
}

#[test]
fn a_usage_billed_after_the_contract_end_is_refused() {
    let mut input = on_five(TaskType::Billing, &MONTHLY_1ST, "2029-01-02", 0, 0);
    let mut late = super::usage("3");
    late.period_start = day("2028-12-01");
    late.period_end = day("2028-12-31");
    late.billed_on = day("2029-01-02");
    input.usage = Some(late);
    assert_eq!(
        refused(&input),
        PlanRefusal::OutsideContract(day("2029-01-02"))
    );
}

#[test]
fn the_marketplace_price_source_without_a_marketplace_price_is_refused() {
    let mut input = on_five(TaskType::Change, &MONTHLY_1ST, "2025-11-19", 4, 4);
    input.settings = settings(PriceSource::Marketplace, Proration::Autotask, false);
    input.marketplace_price = None;
    assert_eq!(refused(&input), PlanRefusal::NoMarketplacePrice("price"));

    input.marketplace_price = Some(super::money(MARKETPLACE.0));
    input.marketplace_cost = None;
    assert_eq!(refused(&input), PlanRefusal::NoMarketplacePrice("cost"));

    // a sale that creates the contract service needs it too
    let mut sale = given(TaskType::Sales, &MONTHLY_1ST, "2025-11-19");
    quantities(&mut sale, 0, 2);
    sale.settings = settings(PriceSource::Marketplace, Proration::Autotask, false);
    sale.marketplace_price = None;
    assert_eq!(refused(&sale), PlanRefusal::NoMarketplacePrice("price"));
}

#[test]
fn the_autotask_price_source_does_not_need_a_marketplace_price() {
    let mut input = on_five(TaskType::Change, &MONTHLY_1ST, "2025-11-19", 4, 6);
    input.marketplace_price = None;
    input.marketplace_cost = None;
    for proration in [Proration::Autotask, Proration::Marketplace] {
        input.settings = settings(PriceSource::Autotask, proration, false);
        assert!(super::super::plan(&input).is_ok(), "{proration:?}");
    }
}

#[test]
fn a_refusal_says_in_words_what_is_wrong() {
    assert_eq!(
        PlanRefusal::BelowZero {
            units: 5,
            change: -6
        }
        .to_string(),
        "the quantity would fall below zero (5 on the contract, -6 asked)"
    );
    assert_eq!(
        PlanRefusal::OutsideContract(day("2029-01-01")).to_string(),
        "the effective date 2029-01-01 is outside the contract's dates"
    );
}
