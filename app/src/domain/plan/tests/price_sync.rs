//! Price and cost sync: design §4, row "Δ = 0, price or cost differs", and Renewal.

use crate::model::plan::{PlanInput, PriceSource, Proration};
use crate::model::task::TaskType;

use super::calendar::{CALENDAR, Day, row};
use super::{AUTOTASK, MARKETPLACE, MONTHLY_1ST, QUARTERLY_1ST, YEARLY_15TH};
use super::{every_setting, given, on_contract, planned, planned_lines, quantities, reprice};
use super::{settings, unit, wanted_by};

/// 5 units at `in_force`; the order leaves the quantity alone (4 → 4).
fn same_quantity(task: TaskType, day: &Day, in_force: (&str, &str)) -> PlanInput {
    let mut input = given(task, day.contract, day.d);
    quantities(&mut input, 4, 4);
    input.on_contract = Some(on_contract(&input, 5, in_force));
    input
}

#[test]
fn a_new_marketplace_price_with_no_quantity_change_takes_effect_next_period() {
    for day in &CALENDAR {
        for proration in [Proration::Autotask, Proration::Marketplace] {
            for refunds in [false, true] {
                let mut input = same_quantity(TaskType::Change, day, AUTOTASK);
                input.settings = settings(PriceSource::Marketplace, proration, refunds);
                assert_eq!(
                    planned(&input),
                    vec![reprice(day.next, day.next_end, 5, MARKETPLACE)],
                    "{}: {proration:?}, refunds {refunds}",
                    day.what
                );
            }
        }
    }
}

#[test]
fn a_new_autotask_price_with_no_quantity_change_takes_effect_next_period() {
    for day in &CALENDAR {
        for proration in [Proration::Autotask, Proration::Marketplace] {
            let mut input = same_quantity(TaskType::Change, day, ("25.00", "18.70"));
            input.settings = settings(PriceSource::Autotask, proration, false);
            assert_eq!(
                planned(&input),
                vec![reprice(day.next, day.next_end, 5, AUTOTASK)],
                "{}: {proration:?}",
                day.what
            );
        }
    }
}

#[test]
fn a_cost_that_differs_alone_is_synced_together_with_the_price_it_keeps() {
    let day = row(&QUARTERLY_1ST, "2026-03-31");
    let mut input = same_quantity(TaskType::Change, day, ("22.00", "19.00"));
    input.settings = settings(PriceSource::Autotask, Proration::Autotask, false);
    assert_eq!(
        planned(&input),
        vec![reprice("2026-04-01", "2026-06-30", 5, ("22.00", "18.70"))]
    );
}

#[test]
fn the_price_line_says_what_it_was_and_where_the_new_price_comes_from() {
    let day = row(&MONTHLY_1ST, "2025-11-19");
    let mut input = same_quantity(TaskType::Change, day, AUTOTASK);
    input.settings = settings(PriceSource::Marketplace, Proration::Autotask, false);
    assert_eq!(
        planned_lines(&input)[0].detail,
        "Sets the price to 20.00 and the cost to 17.00 from 1 Dec 2025, the start of the next \
         billing period, to match the marketplace price (was 22.00 and 18.70)."
    );
}

#[test]
fn no_quantity_change_and_nothing_that_differs_plans_nothing() {
    for day in &CALENDAR {
        for setting in every_setting() {
            let mut input = same_quantity(TaskType::Change, day, wanted_by(setting.price_source));
            input.settings = setting;
            assert_eq!(planned(&input), vec![], "{}: {setting:?}", day.what);
        }
    }
}

#[test]
fn a_renewal_syncs_a_new_price_at_the_start_of_the_next_period() {
    for day in &CALENDAR {
        for proration in [Proration::Autotask, Proration::Marketplace] {
            let mut input = given(TaskType::Renewal, day.contract, day.d);
            input.on_contract = Some(on_contract(&input, 5, AUTOTASK));
            input.settings = settings(PriceSource::Marketplace, proration, false);
            assert_eq!(
                planned(&input),
                vec![reprice(day.next, day.next_end, 5, MARKETPLACE)],
                "{}: {proration:?}",
                day.what
            );
        }
    }
}

#[test]
fn a_renewal_at_the_price_in_force_plans_nothing() {
    let day = row(&YEARLY_15TH, "2028-06-14");
    for setting in every_setting() {
        let mut input = given(TaskType::Renewal, day.contract, day.d);
        input.on_contract = Some(on_contract(&input, 5, wanted_by(setting.price_source)));
        input.settings = setting;
        assert_eq!(planned(&input), vec![], "{setting:?}");
    }
}

#[test]
fn a_renewal_of_a_service_not_on_the_contract_has_no_price_to_sync() {
    let day = row(&MONTHLY_1ST, "2025-11-30");
    for setting in every_setting() {
        let mut input = given(TaskType::Renewal, day.contract, day.d);
        input.settings = setting;
        assert_eq!(planned(&input), vec![], "{setting:?}");
    }
}

#[test]
fn a_decrease_at_a_new_price_plans_the_units_then_the_price_line_seeing_them() {
    let day = row(&MONTHLY_1ST, "2025-11-19");
    let mut input = same_quantity(TaskType::Change, day, AUTOTASK);
    quantities(&mut input, 4, 2);
    input.settings = settings(PriceSource::Marketplace, Proration::Autotask, false);
    assert_eq!(
        planned(&input),
        vec![
            unit("2025-12-01", "2025-12-31", 5, -2),
            // 5 − 2 = 3 on 1 Dec, after the unit line of the same date
            reprice("2025-12-01", "2025-12-31", 3, MARKETPLACE),
        ]
    );
}

#[test]
fn a_cancellation_never_reprices_what_stays_on_the_contract() {
    // 8 units (two subscriptions at 22.00); cancelling the one of 3 leaves 5 at their price,
    // even though the cancelled subscription's marketplace price is 20.00.
    let day = row(&MONTHLY_1ST, "2025-11-19");
    let mut input = given(TaskType::Cancellation, day.contract, day.d);
    quantities(&mut input, 3, 0);
    input.on_contract = Some(on_contract(&input, 8, AUTOTASK));
    input.settings = settings(PriceSource::Marketplace, Proration::Autotask, false);
    assert_eq!(
        planned(&input),
        vec![unit("2025-12-01", "2025-12-31", 8, -3)]
    );

    // and a cancelled subscription without a marketplace price left is still planned
    input.marketplace_price = None;
    input.marketplace_cost = None;
    assert_eq!(
        planned(&input),
        vec![unit("2025-12-01", "2025-12-31", 8, -3)]
    );
}
