//! Reconcile (migration, drift): design §4, last row.

use crate::model::plan::{PendingChange, PlanInput};
use crate::model::task::TaskType;

use super::{AUTOTASK, MONTHLY_1ST, QUARTERLY_15TH};
use super::{day, every_setting, given, new_service, on_contract, planned, planned_lines};
use super::{unit, unit_priced};

/// 5 units on the contract, the marketplace shows `quantity`.
fn reconcile_to(quantity: i64, chosen: Option<&str>) -> PlanInput {
    let mut input = given(TaskType::Reconcile, &MONTHLY_1ST, "2025-11-19");
    input.on_contract = Some(on_contract(&input, 5, AUTOTASK));
    input.reconcile_quantity = Some(quantity);
    input.reconcile_date = chosen.map(day);
    input
}

#[test]
fn a_reconcile_brings_the_units_to_the_marketplace_quantity_on_the_chosen_date() {
    for setting in every_setting() {
        let mut input = reconcile_to(7, Some("2025-11-10"));
        input.settings = setting;
        // 7 − 5 = +2, on the date the person chose, whatever the proration
        assert_eq!(
            planned(&input),
            vec![unit("2025-11-10", "2025-11-30", 5, 2)],
            "{setting:?}"
        );
    }
}

#[test]
fn a_reconcile_without_a_chosen_date_takes_effect_on_the_effective_date() {
    assert_eq!(
        planned(&reconcile_to(7, None)),
        vec![unit("2025-11-19", "2025-11-30", 5, 2)]
    );
}

#[test]
fn a_reconcile_down_takes_effect_on_the_chosen_date_too() {
    for setting in every_setting() {
        let mut input = reconcile_to(1, Some("2025-11-10"));
        input.settings = setting;
        // 1 − 5 = −4, not deferred to the next period
        assert_eq!(
            planned(&input),
            vec![unit("2025-11-10", "2025-11-30", 5, -4)],
            "{setting:?}"
        );
    }
}

#[test]
fn a_reconcile_that_finds_the_units_in_step_plans_nothing() {
    assert_eq!(planned(&reconcile_to(5, Some("2025-11-10"))), vec![]);
}

#[test]
fn a_reconcile_counts_pending_changes_on_its_date() {
    let mut input = reconcile_to(7, Some("2025-12-05"));
    if let Some(on) = input.on_contract.as_mut() {
        on.pending = vec![
            PendingChange {
                effective_date: day("2025-12-01"),
                unit_change: 1,
            },
            // after the chosen date: not counted
            PendingChange {
                effective_date: day("2025-12-10"),
                unit_change: 4,
            },
        ];
    }
    // 5 + 1 = 6 on 5 Dec; 7 − 6 = +1
    assert_eq!(
        planned(&input),
        vec![unit("2025-12-05", "2025-12-31", 6, 1)]
    );
}

#[test]
fn a_reconcile_of_a_service_missing_from_the_contract_puts_it_on_first() {
    let mut input = given(TaskType::Reconcile, &QUARTERLY_15TH, "2026-02-15");
    input.reconcile_quantity = Some(4);
    assert_eq!(
        planned(&input),
        vec![
            new_service("2026-02-15", "2026-05-14", AUTOTASK),
            unit_priced("2026-02-15", "2026-05-14", 0, 4, AUTOTASK),
        ]
    );
}

#[test]
fn a_reconcile_says_what_it_brings_the_units_to() {
    let lines = planned_lines(&reconcile_to(7, Some("2025-11-10")));
    assert_eq!(
        lines[0].detail,
        "Brings the units to 7 from 10 Nov 2025, as the marketplace shows (adds 2 licences)."
    );
}
