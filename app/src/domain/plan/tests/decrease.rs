//! Δ < 0 (Change down, Cancellation): design §4, rows 3 and 4.

use crate::model::plan::{PlanInput, PriceSource, Proration};
use crate::model::task::TaskType;

use super::MONTHLY_1ST;
use super::calendar::{CALENDAR, Day, row};
use super::{charge, given, negative, on_contract, planned, planned_lines, quantities, unit};
use super::{settings, wanted_by};

const SOURCES: [PriceSource; 2] = [PriceSource::Autotask, PriceSource::Marketplace];
const PRORATIONS: [Proration; 2] = [Proration::Autotask, Proration::Marketplace];

/// 5 units on the contract; the subscription goes from 4 to 2 (Δ = −2): 5 − 2 = 3, not 2.
fn decrease_of_two(
    day: &Day,
    source: PriceSource,
    proration: Proration,
    refunds: bool,
) -> PlanInput {
    let mut input = given(TaskType::Change, day.contract, day.d);
    quantities(&mut input, 4, 2);
    input.settings = settings(source, proration, refunds);
    input.on_contract = Some(on_contract(&input, 5, wanted_by(source)));
    input
}

#[test]
fn a_decrease_takes_effect_at_the_start_of_the_next_billing_period() {
    for day in &CALENDAR {
        for source in SOURCES {
            for proration in PRORATIONS {
                let input = decrease_of_two(day, source, proration, false);
                assert_eq!(
                    planned(&input),
                    vec![unit(day.next, day.next_end, 5, -2)],
                    "{}: {source:?}, {proration:?}",
                    day.what
                );
            }
        }
    }
}

#[test]
fn a_refunded_decrease_prorated_by_autotask_takes_effect_on_the_effective_date() {
    for day in &CALENDAR {
        for source in SOURCES {
            let input = decrease_of_two(day, source, Proration::Autotask, true);
            assert_eq!(
                planned(&input),
                vec![unit(day.d, day.period_end, 5, -2)],
                "{}: {source:?}",
                day.what
            );
        }
    }
}

#[test]
fn a_refunded_decrease_prorated_by_the_marketplace_is_credited_for_the_rest_of_the_period() {
    for day in &CALENDAR {
        for source in SOURCES {
            let input = decrease_of_two(day, source, Proration::Marketplace, true);
            let credit = negative(day.rest_of_period(source));
            assert_eq!(
                planned(&input),
                vec![
                    unit(day.next, day.next_end, 5, -2),
                    // quantity |Δ| = 2 at the negated rest-of-P unit price and cost
                    charge(
                        day.d,
                        day.period_end,
                        2,
                        (credit.0.as_str(), credit.1.as_str())
                    ),
                ],
                "{}: {source:?}",
                day.what
            );
        }
    }
}

#[test]
fn a_cancellation_removes_the_subscription_at_the_start_of_the_next_period() {
    for day in &CALENDAR {
        for source in SOURCES {
            for proration in PRORATIONS {
                let mut input = decrease_of_two(day, source, proration, false);
                input.facts.task_type = TaskType::Cancellation;
                quantities(&mut input, 5, 0);
                assert_eq!(
                    planned(&input),
                    vec![unit(day.next, day.next_end, 5, -5)],
                    "{}: {source:?}, {proration:?}",
                    day.what
                );
            }
        }
    }
}

#[test]
fn a_decrease_says_whether_the_rest_of_the_period_is_credited() {
    let mid_november = row(&MONTHLY_1ST, "2025-11-19");
    let say = |proration, refunds| {
        let input = decrease_of_two(mid_november, PriceSource::Marketplace, proration, refunds);
        planned_lines(&input)
            .into_iter()
            .map(|l| l.detail)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        say(Proration::Autotask, false),
        [
            "Removes 2 licences from 1 Dec 2025, the start of the next billing period; no credit \
          for November 2025."
        ]
    );
    assert_eq!(
        say(Proration::Autotask, true),
        ["Removes 2 licences from 19 Nov 2025; Autotask credits the rest of November 2025."]
    );
    assert_eq!(
        say(Proration::Marketplace, true),
        [
            "Removes 2 licences from 1 Dec 2025, the start of the next billing period; a \
             one-time credit covers the rest of November 2025.",
            // −(20.00 × 12/30) = −8.00 a licence
            "Credits 2 licences for 12 of 30 days of November 2025 at the marketplace price \
             (-8.00 a licence).",
        ]
    );
}
