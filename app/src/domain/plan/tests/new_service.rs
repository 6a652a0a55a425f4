//! A service not yet on the contract: design §4, row "Sales, service not yet on the contract".

use crate::model::journal::LineKind;
use crate::model::plan::{PlanInput, PriceSource, Proration};
use crate::model::task::TaskType;

use super::calendar::{CALENDAR, Day, row};
use super::{MONTHLY_1ST, QUARTERLY_15TH};
use super::{charge, every_setting, given, new_service, planned, planned_lines, quantities};
use super::{settings, unit_priced, wanted_by};

const SOURCES: [PriceSource; 2] = [PriceSource::Autotask, PriceSource::Marketplace];

/// A sale of 3 of a service the contract does not have yet.
fn sale_of_three(day: &Day, source: PriceSource, proration: Proration, refunds: bool) -> PlanInput {
    let mut input = given(TaskType::Sales, day.contract, day.d);
    quantities(&mut input, 0, 3);
    input.settings = settings(source, proration, refunds);
    input
}

#[test]
fn a_sale_prorated_by_autotask_creates_the_contract_service_at_the_wanted_price_then_adds_units() {
    for day in &CALENDAR {
        for source in SOURCES {
            for refunds in [false, true] {
                let input = sale_of_three(day, source, Proration::Autotask, refunds);
                let wanted = wanted_by(source);
                assert_eq!(
                    planned(&input),
                    vec![
                        new_service(day.d, day.period_end, wanted),
                        unit_priced(day.d, day.period_end, 0, 3, wanted),
                    ],
                    "{}: {source:?}, refunds {refunds}",
                    day.what
                );
            }
        }
    }
}

#[test]
fn a_sale_prorated_by_the_marketplace_adds_units_next_period_and_charges_the_rest_of_this_one() {
    for day in &CALENDAR {
        for source in SOURCES {
            for refunds in [false, true] {
                let input = sale_of_three(day, source, Proration::Marketplace, refunds);
                let wanted = wanted_by(source);
                assert_eq!(
                    planned(&input),
                    vec![
                        new_service(day.d, day.period_end, wanted),
                        unit_priced(day.next, day.next_end, 0, 3, wanted),
                        charge(day.d, day.period_end, 3, day.rest_of_period(source)),
                    ],
                    "{}: {source:?}, refunds {refunds}",
                    day.what
                );
            }
        }
    }
}

#[test]
fn a_new_contract_service_says_what_it_puts_on_the_contract_and_at_which_price() {
    let day = row(&QUARTERLY_15TH, "2026-02-15");
    let input = sale_of_three(day, PriceSource::Marketplace, Proration::Autotask, false);
    let lines = planned_lines(&input);
    assert_eq!(lines[0].kind, LineKind::NewContractService);
    assert_eq!(
        lines[0].detail,
        "Puts Microsoft 365 Business Premium on the contract from 15 Feb 2026 at 20.00 \
         (cost 17.00), the marketplace price."
    );
    assert_eq!(
        lines[0].invoice_description.as_deref(),
        Some("M365 Business Premium, per user")
    );
    assert_eq!(
        lines[1].detail,
        "Adds 3 licences from 15 Feb 2026; Autotask prorates the rest of the period \
         15 Feb 2026 – 14 May 2026."
    );
}

#[test]
fn a_change_up_of_a_service_missing_from_the_contract_puts_it_on_the_contract_first() {
    // The subscription says 2 → 5; Autotask has none of it, so the target is 0 + 3, not 5.
    let day = row(&MONTHLY_1ST, "2025-11-19");
    let mut input = given(TaskType::Change, day.contract, day.d);
    quantities(&mut input, 2, 5);
    assert_eq!(
        planned(&input),
        vec![
            new_service("2025-11-19", "2025-11-30", ("22.00", "18.70")),
            unit_priced("2025-11-19", "2025-11-30", 0, 3, ("22.00", "18.70")),
        ]
    );
}

#[test]
fn a_sale_of_nothing_of_a_service_not_on_the_contract_plans_nothing() {
    let day = row(&MONTHLY_1ST, "2025-11-01");
    for setting in every_setting() {
        let mut input = given(TaskType::Sales, day.contract, day.d);
        quantities(&mut input, 0, 0);
        input.settings = setting;
        assert_eq!(planned(&input), vec![], "{setting:?}");
    }
}
