//! What a plan sees of the contract service: several subscriptions on it, units that differ per
//! period, changes still pending, and the lines planned before.

use crate::model::plan::{ContractTerms, PendingChange, PlanInput, PriceSource, Proration};
use crate::model::task::TaskType;

use super::{AUTOTASK, MARKETPLACE, MONTHLY_1ST};
use super::{charge, day, every_setting, given, on_contract, planned, planned_lines, quantities};
use super::{reprice, settings, span, unit};

#[test]
fn several_subscriptions_on_one_service_change_it_by_delta_not_to_the_new_quantity() {
    // Two subscriptions, 5 and 3, share the contract service: 8 units. The second goes 3 → 5.
    let mut input = given(TaskType::Change, &MONTHLY_1ST, "2025-11-19");
    quantities(&mut input, 3, 5);
    input.on_contract = Some(on_contract(&input, 8, AUTOTASK));
    // +2 onto 8 (target 10), never "set to 5"
    assert_eq!(
        planned(&input),
        vec![unit("2025-11-19", "2025-11-30", 8, 2)]
    );
}

#[test]
fn a_cancellation_of_one_of_several_subscriptions_removes_only_its_units() {
    let mut input = given(TaskType::Cancellation, &MONTHLY_1ST, "2025-11-19");
    quantities(&mut input, 3, 0);
    input.on_contract = Some(on_contract(&input, 8, AUTOTASK));
    // 8 − 3 = 5 stay for the other subscription
    assert_eq!(
        planned(&input),
        vec![unit("2025-12-01", "2025-12-31", 8, -3)]
    );
}

/// 5 units in November and 4 from December (a decrease already in Autotask), at 22.00.
fn with_spans(task: TaskType, old: i64, new: i64) -> PlanInput {
    let mut input = given(task, &MONTHLY_1ST, "2025-11-19");
    quantities(&mut input, old, new);
    let mut on = on_contract(&input, 0, AUTOTASK);
    on.spans = vec![
        span("2025-12-01", "2025-12-31", 4),
        span("2025-11-01", "2025-11-30", 5),
    ];
    input.on_contract = Some(on);
    input
}

#[test]
fn each_line_sees_the_units_autotask_shows_on_its_own_date() {
    // an increase on 19 Nov sees November's 5; a decrease on 1 Dec sees December's 4
    assert_eq!(
        planned(&with_spans(TaskType::Change, 2, 4)),
        vec![unit("2025-11-19", "2025-11-30", 5, 2)]
    );
    assert_eq!(
        planned(&with_spans(TaskType::Change, 4, 3)),
        vec![unit("2025-12-01", "2025-12-31", 4, -1)]
    );
}

#[test]
fn pending_changes_of_earlier_tasks_count_on_the_line_s_date() {
    let pending = |input: &mut PlanInput| {
        if let Some(on) = input.on_contract.as_mut() {
            on.pending = vec![
                PendingChange {
                    effective_date: day("2025-11-10"),
                    unit_change: 2,
                },
                PendingChange {
                    effective_date: day("2025-12-01"),
                    unit_change: -1,
                },
                PendingChange {
                    effective_date: day("2026-01-01"),
                    unit_change: 6,
                },
            ];
        }
    };
    let mut up = with_spans(TaskType::Change, 2, 4);
    pending(&mut up);
    // 19 Nov: 5 shown + 2 pending = 7 (the December and January changes come later)
    assert_eq!(planned(&up), vec![unit("2025-11-19", "2025-11-30", 7, 2)]);

    let mut down = with_spans(TaskType::Change, 4, 1);
    pending(&mut down);
    // 1 Dec: 4 shown + 2 − 1 pending = 5; −3 leaves 2
    assert_eq!(
        planned(&down),
        vec![unit("2025-12-01", "2025-12-31", 5, -3)]
    );

    let mut too_far = with_spans(TaskType::Change, 6, 0);
    pending(&mut too_far);
    assert_eq!(
        super::refused(&too_far),
        crate::model::plan::PlanRefusal::BelowZero {
            units: 5,
            change: -6
        }
    );
}

#[test]
fn a_later_line_of_the_plan_sees_the_unit_changes_planned_before_it() {
    // +3 prorated by the marketplace; in force 22.00 / 18.70, the marketplace asks 20.00 / 17.00
    let mut input = given(TaskType::Change, &MONTHLY_1ST, "2025-11-19");
    quantities(&mut input, 4, 7);
    input.on_contract = Some(on_contract(&input, 5, AUTOTASK));
    input.settings = settings(PriceSource::Marketplace, Proration::Marketplace, false);
    let lines = planned(&input);
    assert_eq!(
        lines,
        vec![
            unit("2025-12-01", "2025-12-31", 5, 3),
            // 20 × 12/30 = 8.00; 17 × 12/30 = 6.80
            charge("2025-11-19", "2025-11-30", 3, ("8.00", "6.80")),
            // on 1 Dec: 5 + 3 = 8
            reprice("2025-12-01", "2025-12-31", 8, MARKETPLACE),
        ]
    );
    let numbers: Vec<i32> = planned_lines(&input).iter().map(|l| l.line_no).collect();
    assert_eq!(numbers, [1, 2, 3]);
}

#[test]
fn a_line_ends_on_the_contract_end_when_its_period_runs_past_it() {
    let mut input = given(TaskType::Change, &MONTHLY_1ST, "2025-12-02");
    input.contract = ContractTerms {
        end: day("2025-12-15"),
        ..input.contract
    };
    quantities(&mut input, 4, 7);
    input.on_contract = Some(on_contract(&input, 5, AUTOTASK));
    assert_eq!(
        planned(&input),
        vec![unit("2025-12-02", "2025-12-15", 5, 3)]
    );
}

#[test]
fn every_line_bills_through_the_order_s_service_with_its_invoice_description() {
    let mut input = given(TaskType::Sales, &MONTHLY_1ST, "2025-11-19");
    quantities(&mut input, 0, 2);
    input.settings = settings(PriceSource::Autotask, Proration::Marketplace, false);
    for line in planned_lines(&input) {
        assert_eq!(line.service_id, 30_012_345);
        assert_eq!(line.service_name, "Microsoft 365 Business Premium");
        assert_eq!(
            line.invoice_description.as_deref(),
            Some("M365 Business Premium, per user")
        );
    }
}

#[test]
fn an_empty_plan_is_a_plan_not_an_error() {
    for setting in every_setting() {
        let mut change = given(TaskType::Change, &MONTHLY_1ST, "2025-11-19");
        quantities(&mut change, 3, 3);
        change.settings = setting;
        change.on_contract = Some(on_contract(
            &change,
            3,
            super::wanted_by(setting.price_source),
        ));
        assert_eq!(super::super::plan(&change), Ok(vec![]), "{setting:?}");

        let mut cancel = given(TaskType::Cancellation, &MONTHLY_1ST, "2025-11-19");
        quantities(&mut cancel, 0, 0);
        cancel.settings = setting;
        assert_eq!(super::super::plan(&cancel), Ok(vec![]), "{setting:?}");
    }
}
