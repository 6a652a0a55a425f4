//! Previews of one-time charges, price lines and edited plans.

use super::*;

#[test]
fn an_increase_prorated_by_the_marketplace_bills_a_charge_now_and_the_units_from_next_period() {
    let mut input = change(&MONTHLY_1ST, "2025-11-19", 5, MARKETPLACE, (4, 7));
    input.settings = settings(PriceSource::Marketplace, Proration::Marketplace, false);
    assert_eq!(
        preview_of_plan(&input),
        InvoicePreview {
            lines: vec![
                // 3 × 20 = 60; 3 × 17 = 51
                billed(1, ("2025-12-01", "2025-12-31"), "60", "51", "Next period"),
                // 3 × 8.00 = 24.00; 3 × 6.80 = 20.40
                billed(
                    2,
                    ("2025-11-19", "2025-11-19"),
                    "24.00",
                    "20.40",
                    "One-time charge"
                ),
            ],
            recurring_before: money("100"), // 5 × 20
            recurring_after: money("160"),  // 8 × 20
        }
    );
}

#[test]
fn a_charge_bills_its_quantity_times_its_rounded_unit_price() {
    let mut input = change(&MONTHLY_1ST, "2025-11-30", 5, AUTOTASK, (4, 7));
    input.settings = settings(PriceSource::Autotask, Proration::Marketplace, false);
    let lines = preview_of_plan(&input).lines;
    // unit price 22/30 → 0.7333: 3 × 0.7333 = 2.1999 (not 2.20); 3 × 0.6233 = 1.8699
    assert_eq!(
        lines[1],
        billed(
            2,
            ("2025-11-30", "2025-11-30"),
            "2.1999",
            "1.8699",
            "One-time charge"
        )
    );
}

#[test]
fn a_price_change_bills_the_difference_on_every_unit_of_the_next_period() {
    let mut input = change(&MONTHLY_1ST, "2025-11-19", 5, AUTOTASK, (4, 4));
    input.settings = settings(PriceSource::Marketplace, Proration::Autotask, false);
    assert_eq!(
        preview_of_plan(&input),
        InvoicePreview {
            // 5 × (20 − 22) = −10; 5 × (17 − 18.70) = −8.50
            lines: vec![billed(
                1,
                ("2025-12-01", "2025-12-31"),
                "-10",
                "-8.50",
                "Next period"
            )],
            recurring_before: money("110"), // 5 × 22
            recurring_after: money("100"),  // 5 × 20
        }
    );
}

#[test]
fn an_increase_at_a_new_price_bills_the_added_units_at_the_old_price_and_the_difference_on_all() {
    let mut input = change(&MONTHLY_1ST, "2025-11-19", 5, MARKETPLACE, (4, 7));
    input.settings = settings(PriceSource::Autotask, Proration::Autotask, false);
    assert_eq!(
        preview_of_plan(&input),
        InvoicePreview {
            lines: vec![
                // 3 × 20 × 12/30 = 24; 3 × 17 × 12/30 = 20.40
                billed(
                    1,
                    ("2025-11-19", "2025-11-30"),
                    "24",
                    "20.40",
                    "Prorated 12 of 30 days"
                ),
                billed(1, ("2025-12-01", "2025-12-31"), "60", "51", "Next period"),
                // 8 × (22 − 20) = 16; 8 × (18.70 − 17) = 13.60
                billed(
                    2,
                    ("2025-12-01", "2025-12-31"),
                    "16",
                    "13.60",
                    "Next period"
                ),
            ],
            recurring_before: money("100"), // 5 × 20
            recurring_after: money("176"),  // 8 × 22 = 100 + 60 + 16
        }
    );
}

#[test]
fn units_added_on_the_day_of_a_price_line_are_billed_at_the_old_price_by_their_own_line() {
    // Marketplace proration: +3 and the new price both take effect on 1 Dec.
    let mut input = change(&MONTHLY_1ST, "2025-11-19", 5, MARKETPLACE, (4, 7));
    input.settings = settings(PriceSource::Autotask, Proration::Marketplace, false);
    assert_eq!(
        preview_of_plan(&input),
        InvoicePreview {
            lines: vec![
                // 3 × 20 = 60; 3 × 17 = 51 (the price in force before line 3)
                billed(1, ("2025-12-01", "2025-12-31"), "60", "51", "Next period"),
                // 3 × (22 × 12/30 = 8.80) = 26.40; 3 × (18.70 × 12/30 = 7.48) = 22.44
                billed(
                    2,
                    ("2025-11-19", "2025-11-19"),
                    "26.40",
                    "22.44",
                    "One-time charge"
                ),
                // 8 × (22 − 20) = 16; 8 × (18.70 − 17) = 13.60
                billed(
                    3,
                    ("2025-12-01", "2025-12-31"),
                    "16",
                    "13.60",
                    "Next period"
                ),
            ],
            recurring_before: money("100"), // 5 × 20
            recurring_after: money("176"),  // 8 × 22 = 100 + 60 + 16
        }
    );
}

#[test]
fn a_refunded_decrease_prorated_by_the_marketplace_shows_its_credit_as_a_negative_charge() {
    let mut input = change(&MONTHLY_1ST, "2025-11-19", 5, MARKETPLACE, (4, 2));
    input.settings = settings(PriceSource::Marketplace, Proration::Marketplace, true);
    assert_eq!(
        preview_of_plan(&input),
        InvoicePreview {
            lines: vec![
                // −2 × 20 = −40; −2 × 17 = −34
                billed(1, ("2025-12-01", "2025-12-31"), "-40", "-34", "Next period"),
                // 2 × −8.00 = −16; 2 × −6.80 = −13.60
                billed(
                    2,
                    ("2025-11-19", "2025-11-19"),
                    "-16",
                    "-13.60",
                    "One-time charge"
                ),
            ],
            recurring_before: money("100"), // 5 × 20
            recurring_after: money("60"),   // 3 × 20
        }
    );
}

#[test]
fn a_cancellation_with_a_fee_bills_the_fee_once_and_nothing_from_the_next_period() {
    let mut input = given(TaskType::Cancellation, &MONTHLY_1ST, "2025-11-19");
    quantities(&mut input, 5, 0);
    input.on_contract = Some(on_contract(&input, 5, AUTOTASK));
    input.fee = Some(fee());
    assert_eq!(
        preview_of_plan(&input),
        InvoicePreview {
            lines: vec![
                // −5 × 22 = −110; −5 × 18.70 = −93.50
                billed(
                    1,
                    ("2025-12-01", "2025-12-31"),
                    "-110",
                    "-93.50",
                    "Next period"
                ),
                // 1 × 25.00; 1 × 10.00
                billed(
                    2,
                    ("2025-11-19", "2025-11-19"),
                    "25",
                    "10",
                    "One-time charge"
                ),
            ],
            recurring_before: money("110"),
            recurring_after: money("0"),
        }
    );
}

#[test]
fn a_usage_charge_bills_its_exact_quantity() {
    let mut input = given(TaskType::Billing, &MONTHLY_1ST, "2025-12-01");
    input.on_contract = Some(on_contract(&input, 5, AUTOTASK));
    input.usage = Some(usage("12.5"));
    assert_eq!(
        preview_of_plan(&input),
        InvoicePreview {
            // 12.5 × 1.20 = 15.00; 12.5 × 0.95 = 11.875 (not 13 × …)
            lines: vec![billed(
                1,
                ("2025-12-01", "2025-12-01"),
                "15",
                "11.875",
                "One-time charge"
            )],
            recurring_before: money("110"), // 5 × 22, usage changes no units
            recurring_after: money("110"),
        }
    );
}

#[test]
fn an_unchecked_line_is_left_out_of_the_preview() {
    // The plan is +3 then a price line; the person unchecks the +3.
    let mut input = change(&MONTHLY_1ST, "2025-11-19", 5, MARKETPLACE, (4, 7));
    input.settings = settings(PriceSource::Autotask, Proration::Autotask, false);
    let lines = plan(&input).unwrap();
    assert_eq!(
        preview(&input, &lines[1..]),
        InvoicePreview {
            // 5 × (22 − 20) = 10; 5 × (18.70 − 17) = 8.50
            lines: vec![billed(
                2,
                ("2025-12-01", "2025-12-31"),
                "10",
                "8.50",
                "Next period"
            )],
            recurring_before: money("100"), // 5 × 20
            recurring_after: money("110"),  // 5 × 22
        }
    );
}

#[test]
fn units_that_carry_a_price_bill_at_it_even_without_their_new_contract_service_line() {
    let mut input = given(TaskType::Sales, &MONTHLY_1ST, "2025-11-19");
    quantities(&mut input, 0, 3);
    let lines = plan(&input).unwrap();
    assert_eq!(
        preview(&input, &lines[1..]).lines,
        vec![
            // 3 × 22 × 12/30 = 26.40; 3 × 18.70 × 12/30 = 22.44
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
        ]
    );
}

#[test]
fn an_empty_plan_bills_nothing_new() {
    let input = change(&MONTHLY_1ST, "2025-11-19", 5, AUTOTASK, (4, 4));
    assert_eq!(
        preview_of_plan(&input),
        InvoicePreview {
            lines: vec![],
            recurring_before: money("110"),
            recurring_after: money("110"),
        }
    );
}
