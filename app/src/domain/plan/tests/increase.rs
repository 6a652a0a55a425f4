//! Δ > 0 (Sales of a service already on the contract, Change up): design §4, rows 1 and 2.

use crate::model::plan::{PriceSource, Proration};
use crate::model::task::TaskType;

use super::calendar::{CALENDAR, row};
use super::{AUTOTASK, MARKETPLACE};
use super::{MONTHLY_1ST, MONTHLY_15TH, YEARLY_1ST};
use super::{charge, given, on_contract, planned, planned_lines, quantities, reprice, unit};
use super::{settings, wanted_by};

const SOURCES: [PriceSource; 2] = [PriceSource::Autotask, PriceSource::Marketplace];

/// 5 units on the contract; the order takes its subscription from 4 to 7 (Δ = 3), so the target is
/// 5 + 3 = 8, not 7. The price in force is the one the setting wants, so no price line follows.
fn increase_of_three(
    task: TaskType,
    day: &super::calendar::Day,
    source: PriceSource,
    proration: Proration,
    refunds: bool,
) -> crate::model::plan::PlanInput {
    let mut input = given(task, day.contract, day.d);
    match task {
        TaskType::Sales => quantities(&mut input, 0, 3),
        _ => quantities(&mut input, 4, 7),
    }
    input.settings = settings(source, proration, refunds);
    input.on_contract = Some(on_contract(&input, 5, wanted_by(source)));
    input
}

#[test]
fn an_increase_prorated_by_autotask_takes_effect_on_the_effective_date() {
    for day in &CALENDAR {
        for task in [TaskType::Sales, TaskType::Change] {
            for source in SOURCES {
                for refunds in [false, true] {
                    let input = increase_of_three(task, day, source, Proration::Autotask, refunds);
                    assert_eq!(
                        planned(&input),
                        vec![unit(day.d, day.period_end, 5, 3)],
                        "{}: {task:?}, {source:?}, refunds {refunds}",
                        day.what
                    );
                }
            }
        }
    }
}

#[test]
fn an_increase_prorated_by_the_marketplace_starts_next_period_and_charges_the_rest_of_this_one() {
    for day in &CALENDAR {
        for task in [TaskType::Sales, TaskType::Change] {
            for source in SOURCES {
                for refunds in [false, true] {
                    let input =
                        increase_of_three(task, day, source, Proration::Marketplace, refunds);
                    assert_eq!(
                        planned(&input),
                        vec![
                            unit(day.next, day.next_end, 5, 3),
                            // 3 licences at the rest-of-P unit price worked out in the calendar
                            charge(day.d, day.period_end, 3, day.rest_of_period(source)),
                        ],
                        "{}: {task:?}, {source:?}, refunds {refunds}",
                        day.what
                    );
                }
            }
        }
    }
}

#[test]
fn an_increase_says_who_prorates_the_rest_of_the_period() {
    let mid_november = row(&MONTHLY_1ST, "2025-11-19");
    let input = increase_of_three(
        TaskType::Change,
        mid_november,
        PriceSource::Autotask,
        Proration::Autotask,
        false,
    );
    let lines = planned_lines(&input);
    assert_eq!(
        lines[0].detail,
        "Adds 3 licences from 19 Nov 2025; Autotask prorates the rest of November 2025."
    );

    let input = increase_of_three(
        TaskType::Change,
        mid_november,
        PriceSource::Marketplace,
        Proration::Marketplace,
        false,
    );
    let lines = planned_lines(&input);
    assert_eq!(
        lines[0].detail,
        "Adds 3 licences from 1 Dec 2025, the start of the next billing period; a one-time charge \
         covers the rest of November 2025."
    );
    // 20.00 × 12/30 = 8.00 a licence
    assert_eq!(
        lines[1].detail,
        "Charges 3 licences for 12 of 30 days of November 2025 at the marketplace price \
         (8.00 a licence)."
    );
    assert_eq!(lines[1].charge_quantity, None, "a whole quantity");
}

#[test]
fn a_period_that_is_not_a_calendar_month_is_named_by_its_dates() {
    let fifteenth = row(&MONTHLY_15TH, "2026-02-14");
    let input = increase_of_three(
        TaskType::Change,
        fifteenth,
        PriceSource::Autotask,
        Proration::Autotask,
        false,
    );
    assert_eq!(
        planned_lines(&input)[0].detail,
        "Adds 3 licences from 14 Feb 2026; Autotask prorates the rest of the period \
         15 Jan 2026 – 14 Feb 2026."
    );
}

#[test]
fn an_increase_at_a_new_price_plans_the_units_then_a_price_line_next_period() {
    // In force 20.00 / 17.00; the Autotask service says 22.00 / 18.70.
    let mid_november = row(&MONTHLY_1ST, "2025-11-19");
    let yearly_last_day = row(&YEARLY_1ST, "2026-03-31");
    for day in [mid_november, yearly_last_day] {
        let mut input = given(TaskType::Change, day.contract, day.d);
        quantities(&mut input, 4, 7);
        input.on_contract = Some(on_contract(&input, 5, MARKETPLACE));

        input.settings = settings(PriceSource::Autotask, Proration::Autotask, false);
        assert_eq!(
            planned(&input),
            vec![
                unit(day.d, day.period_end, 5, 3),
                // the price line sees the 3 added before it: 5 + 3 = 8
                reprice(day.next, day.next_end, 8, AUTOTASK),
            ],
            "{}, Autotask proration",
            day.what
        );

        input.settings = settings(PriceSource::Autotask, Proration::Marketplace, false);
        assert_eq!(
            planned(&input),
            vec![
                unit(day.next, day.next_end, 5, 3),
                charge(day.d, day.period_end, 3, day.autotask),
                reprice(day.next, day.next_end, 8, AUTOTASK),
            ],
            "{}, marketplace proration",
            day.what
        );
    }
}

#[test]
fn a_unit_change_on_a_service_already_on_the_contract_carries_no_price() {
    for day in &CALENDAR {
        for proration in [Proration::Autotask, Proration::Marketplace] {
            let input = increase_of_three(
                TaskType::Change,
                day,
                PriceSource::Marketplace,
                proration,
                false,
            );
            let lines = planned_lines(&input);
            assert_eq!((lines[0].unit_price, lines[0].unit_cost), (None, None));
        }
    }
}
