//! Previews of unit changes: what Autotask prorates in the current period and bills in the next.

use super::*;

#[test]
fn an_increase_prorated_by_autotask_bills_the_rest_of_the_period_then_the_next_one() {
    let input = change(&MONTHLY_1ST, "2025-11-19", 5, AUTOTASK, (4, 7));
    assert_eq!(
        preview_of_plan(&input),
        InvoicePreview {
            lines: vec![
                // 3 × 22 × 12/30 = 26.40; 3 × 18.70 × 12/30 = 22.44
                billed(
                    1,
                    ("2025-11-19", "2025-11-30"),
                    "26.40",
                    "22.44",
                    "Prorated 12 of 30 days"
                ),
                // 3 × 22 = 66; 3 × 18.70 = 56.10
                billed(
                    1,
                    ("2025-12-01", "2025-12-31"),
                    "66",
                    "56.10",
                    "Next period"
                ),
            ],
            recurring_before: money("110"), // 5 × 22
            recurring_after: money("176"),  // 8 × 22
        }
    );
}

#[test]
fn an_increase_on_the_first_day_of_a_period_bills_the_whole_period() {
    let input = change(&MONTHLY_1ST, "2026-02-01", 5, AUTOTASK, (4, 7));
    assert_eq!(
        preview_of_plan(&input).lines,
        vec![
            // 3 × 22 × 28/28 = 66
            billed(
                1,
                ("2026-02-01", "2026-02-28"),
                "66",
                "56.10",
                "Prorated 28 of 28 days"
            ),
            billed(
                1,
                ("2026-03-01", "2026-03-31"),
                "66",
                "56.10",
                "Next period"
            ),
        ]
    );
}

#[test]
fn a_decrease_bills_less_only_from_the_next_period() {
    let input = change(&MONTHLY_1ST, "2025-11-19", 5, AUTOTASK, (4, 2));
    assert_eq!(
        preview_of_plan(&input),
        InvoicePreview {
            // −2 × 22 = −44; −2 × 18.70 = −37.40
            lines: vec![billed(
                1,
                ("2025-12-01", "2025-12-31"),
                "-44",
                "-37.40",
                "Next period"
            )],
            recurring_before: money("110"), // 5 × 22
            recurring_after: money("66"),   // 3 × 22
        }
    );
}

#[test]
fn a_refunded_decrease_prorated_by_autotask_is_credited_for_the_rest_of_the_period() {
    let mut input = change(&MONTHLY_1ST, "2025-11-19", 5, AUTOTASK, (4, 2));
    input.settings = settings(PriceSource::Autotask, Proration::Autotask, true);
    assert_eq!(
        preview_of_plan(&input).lines,
        vec![
            // −2 × 22 × 12/30 = −17.60; −2 × 18.70 × 12/30 = −14.96
            billed(
                1,
                ("2025-11-19", "2025-11-30"),
                "-17.60",
                "-14.96",
                "Prorated 12 of 30 days"
            ),
            billed(
                1,
                ("2025-12-01", "2025-12-31"),
                "-44",
                "-37.40",
                "Next period"
            ),
        ]
    );
}

#[test]
fn a_refunded_decrease_on_the_last_day_of_february_is_credited_for_that_day() {
    let mut input = change(&MONTHLY_1ST, "2026-02-28", 5, AUTOTASK, (4, 3));
    input.settings = settings(PriceSource::Autotask, Proration::Autotask, true);
    assert_eq!(
        preview_of_plan(&input),
        InvoicePreview {
            lines: vec![
                // −1 × 22 × 1/28 = −0.785714 → −0.7857; −18.70/28 = −0.667857 → −0.6679
                billed(
                    1,
                    ("2026-02-28", "2026-02-28"),
                    "-0.7857",
                    "-0.6679",
                    "Prorated 1 of 28 days"
                ),
                billed(
                    1,
                    ("2026-03-01", "2026-03-31"),
                    "-22",
                    "-18.70",
                    "Next period"
                ),
            ],
            recurring_before: money("110"), // 5 × 22
            recurring_after: money("88"),   // 4 × 22
        }
    );
}

#[test]
fn a_sale_of_a_service_new_to_the_contract_bills_from_nothing() {
    let mut input = given(TaskType::Sales, &MONTHLY_1ST, "2025-11-19");
    quantities(&mut input, 0, 3);
    assert_eq!(
        preview_of_plan(&input),
        InvoicePreview {
            // the new contract service itself bills nothing; its units do, at its price
            lines: vec![
                billed(
                    2,
                    ("2025-11-19", "2025-11-30"),
                    "26.40",
                    "22.44",
                    "Prorated 12 of 30 days"
                ),
                billed(
                    2,
                    ("2025-12-01", "2025-12-31"),
                    "66",
                    "56.10",
                    "Next period"
                ),
            ],
            recurring_before: money("0"),
            recurring_after: money("66"), // 3 × 22
        }
    );
}

#[test]
fn a_yearly_increase_is_prorated_by_the_days_left_in_the_year() {
    let mut input = change(&YEARLY_1ST, "2025-10-01", 5, ("120", "100"), (1, 3));
    input.service.price = money("120");
    input.service.cost = money("100");
    assert_eq!(
        preview_of_plan(&input),
        InvoicePreview {
            lines: vec![
                // 1 Oct – 31 Mar = 31 + 30 + 31 + 31 + 28 + 31 = 182 of 365 days:
                // 2 × 120 × 182/365 = 43680/365 = 119.67123 → 119.6712;
                // 2 × 100 × 182/365 = 36400/365 = 99.72602 → 99.7260
                billed(
                    1,
                    ("2025-10-01", "2026-03-31"),
                    "119.6712",
                    "99.7260",
                    "Prorated 182 of 365 days"
                ),
                billed(1, ("2026-04-01", "2027-03-31"), "240", "200", "Next period"),
            ],
            recurring_before: money("600"), // 5 × 120
            recurring_after: money("840"),  // 7 × 120
        }
    );
}

#[test]
fn a_29_day_period_of_a_mid_month_contract_prorates_by_29() {
    let input = change(&MONTHLY_15TH, "2028-03-01", 5, AUTOTASK, (2, 3));
    assert_eq!(
        preview_of_plan(&input).lines,
        vec![
            // 1–14 Mar of 15 Feb – 14 Mar 2028 (15 + 14 = 29 days):
            // 22 × 14/29 = 308/29 = 10.62068 → 10.6207; 18.70 × 14/29 = 261.8/29 = 9.02758 → 9.0276
            billed(
                1,
                ("2028-03-01", "2028-03-14"),
                "10.6207",
                "9.0276",
                "Prorated 14 of 29 days"
            ),
            billed(
                1,
                ("2028-03-15", "2028-04-14"),
                "22",
                "18.70",
                "Next period"
            ),
        ]
    );
}

#[test]
fn a_quarter_with_29_february_prorates_by_91_days() {
    let input = change(&QUARTERLY_1ST, "2028-02-29", 5, AUTOTASK, (2, 4));
    assert_eq!(
        preview_of_plan(&input),
        InvoicePreview {
            lines: vec![
                // 29 Feb – 31 Mar = 32 of 91 days: 2 × 22 × 32/91 = 1408/91 = 15.47252 → 15.4725;
                // 2 × 18.70 × 32/91 = 1196.8/91 = 13.15164 → 13.1516
                billed(
                    1,
                    ("2028-02-29", "2028-03-31"),
                    "15.4725",
                    "13.1516",
                    "Prorated 32 of 91 days"
                ),
                billed(
                    1,
                    ("2028-04-01", "2028-06-30"),
                    "44",
                    "37.40",
                    "Next period"
                ),
            ],
            recurring_before: money("110"), // 5 × 22
            recurring_after: money("154"),  // 7 × 22
        }
    );
}

#[test]
fn a_contract_ending_inside_the_next_period_bills_only_its_share_of_it() {
    let mut input = change(&MONTHLY_1ST, "2025-11-19", 5, AUTOTASK, (4, 7));
    input.contract = ContractTerms {
        end: day("2025-12-15"),
        ..input.contract
    };
    assert_eq!(
        preview_of_plan(&input).lines,
        vec![
            billed(
                1,
                ("2025-11-19", "2025-11-30"),
                "26.40",
                "22.44",
                "Prorated 12 of 30 days"
            ),
            // 1–15 Dec of 31 days: 3 × 22 × 15/31 = 990/31 = 31.93548 → 31.9355;
            // 3 × 18.70 × 15/31 = 841.5/31 = 27.14516 → 27.1452
            billed(
                1,
                ("2025-12-01", "2025-12-15"),
                "31.9355",
                "27.1452",
                "Prorated 15 of 31 days"
            ),
        ]
    );
}
