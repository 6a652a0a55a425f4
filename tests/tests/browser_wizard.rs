//! The wizard in a real (headless) browser: after Check Changes, a Sales task walks all four
//! steps (with Add Product to Autotask) and is synced; a Change down lands at the next period;
//! a Cancellation charges its mapped fee. Each step is asserted on the page and saved as a
//! screenshot under `target/screenshots/`; what Autotask then holds is read from the sandbox.
//!
//! Orders of Proseware Inc. (marketplace customer 1000008, whom the seed gives no orders), on
//! November 2026 dates inside the first run's one-month window:
//! - 2 Nov, Microsoft 365 E3 monthly, 5 seats (Sales);
//! - 3 Nov, Microsoft 365 Business Premium annual, 2 seats (Sales);
//! - 20 Nov, E3 down to 3 (Change down: from 1 December, no credit for November);
//! - 25 Nov, the annual subscription cancelled, 22 days into its term: past the free week, so
//!   one month of its price for both seats is charged, 2 × 264.00 ÷ 12 = 44.00 (the marketplace
//!   seed's annual Premium price 264.00; cost 2 × 224.40 ÷ 12 = 37.40).

use chrono::{TimeZone, Utc};
use psa_sync::{
    autotask::{
        AutotaskApiExt, Filter, QueryBody,
        models::{ContractCharge, ContractServiceUnit},
    },
    db,
    domain::accounts::Role,
    model::ids::TaskId,
    sandbox::marketplace::seed,
};
use serde_json::json;
use tests::{
    TestApp, autotask,
    browser::Browser,
    engine::{Reseller, day, recurring_contract},
    orders::history::{cancel, change, sale},
    spawn_app,
};

const CUSTOMER: &str = "1000008";
const COMPANY: &str = "Proseware Inc";
const PREMIUM_ANNUAL: &str = "Microsoft 365 Business Premium (Annual)";
const E3_PLAN: usize = 3;
const PREMIUM_PLAN: usize = 2;

fn at(month: u32, day: u32, hour: u32) -> i64 {
    Utc.with_ymd_and_hms(2026, month, day, hour, 0, 0)
        .unwrap()
        .timestamp()
}

async fn task_of_order(app: &TestApp, r: &Reseller, order: &str) -> TaskId {
    db::tasks::find_tasks_for_reseller(app.db(), r.id, &Default::default(), 10_000)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.order.mp_order_id == order)
        .unwrap_or_else(|| panic!("no task for order {order}"))
        .id
}

/// Units of a service on a contract on a day, as the Autotask sandbox shows them.
async fn units(r: &Reseller, contract: i64, service: i64, on: chrono::NaiveDate) -> i64 {
    let rows: Vec<ContractServiceUnit> = r
        .client
        .query_as(
            "ContractServiceUnits",
            &QueryBody::new(vec![
                Filter::eq("contractID", contract),
                Filter::eq("serviceID", service),
            ]),
        )
        .await
        .unwrap();
    rows.iter()
        .find(|u| u.start_date.is_some_and(|s| s <= on) && u.end_date.is_some_and(|e| on <= e))
        .map_or(0, |u| u.units)
}

/// Syncs the task on the review page and waits for every line to be done.
async fn sync_all(browser: &Browser, shot: &str) {
    browser.click_button("Sync All").await;
    browser
        .wait_until("every line done", |page| {
            page.contains("Status: Done") && page.contains("lines done")
        })
        .await;
    browser.screenshot(shot).await;
}

#[tokio::test]
async fn a_sale_a_change_down_and_a_cancellation_with_a_fee_go_through_the_wizard_into_autotask() {
    let app = spawn_app().await;
    let r = Reseller::new(
        &app,
        COMPANY,
        "Microsoft 365 E3 (Monthly)",
        1,
        (day(2026, 1, 1), day(2027, 12, 31)),
    )
    .await;
    let yearly = recurring_contract(
        &r.client,
        r.company,
        4,
        (day(2026, 1, 1), day(2027, 12, 31)),
    )
    .await;
    let premium = autotask::service(&r.client, PREMIUM_ANNUAL).await.id;
    let recurring = autotask::billing_code(&r.client, "Recurring Services").await;
    let fee_service = r
        .client
        .create(
            "Services",
            &json!({"name": "Early cancellation fee", "unitPrice": 0, "periodType": 1,
                    "billingCodeID": recurring}),
        )
        .await
        .unwrap();
    db::mappings::set_fee_service(app.db(), r.id, "cancellation", fee_service)
        .await
        .unwrap();
    let sandbox = &app.marketplace_sandbox;
    let bought = sandbox
        .place_history(&[
            (at(11, 2, 9), sale(CUSTOMER, seed::line(E3_PLAN, false, 5))),
            (
                at(11, 3, 10),
                sale(CUSTOMER, seed::line(PREMIUM_PLAN, true, 2)),
            ),
        ])
        .unwrap();
    let placed = |n: usize| bought[n].as_ref().unwrap().clone();
    let (e3_sale, premium_sale) = (placed(0), placed(1));
    let later = sandbox
        .place_history(&[
            (
                at(11, 20, 9),
                change(CUSTOMER, e3_sale.subscription_id.as_deref().unwrap(), 3),
            ),
            (
                at(11, 25, 9),
                cancel(CUSTOMER, premium_sale.subscription_id.as_deref().unwrap()),
            ),
        ])
        .unwrap();
    let (down_order, cancel_order) = (
        later[0].as_ref().unwrap().id.clone(),
        later[1].as_ref().unwrap().id.clone(),
    );

    let user = app.signed_in("Engine Reseller", Role::Admin).await;
    crate::browser::connect_marketplace(&user).await;
    let browser = Browser::start(&app, "wizard").await;
    browser.goto("/login").await;
    browser.fill("E-mail", &user.email).await;
    browser.fill("Password", &user.password).await;
    browser.click_button("Sign in").await;
    browser.wait_for_text("Check Changes").await;
    browser.click_button("Check Changes").await;
    browser.wait_for_text("new tasks").await;
    browser.screenshot("01-dashboard").await;

    // The E3 sale: all four steps, the product added to Autotask on the way.
    let task = task_of_order(&app, &r, &e3_sale.id).await;
    browser.goto(&format!("/tasks/{task}")).await;
    browser.wait_for_text("for Proseware Inc.").await;
    browser.wait_for_text("from 2 Nov 2026").await;
    browser
        .wait_for_text("The customer mapped to an Autotask company.")
        .await;
    browser.screenshot("02-task").await;
    browser.click_link("Continue").await;
    browser
        .wait_for_text("Map the marketplace customer Proseware Inc.")
        .await;
    let page = browser.text().await;
    let suggested = page.find(COMPANY).expect("the Autotask twin is suggested");
    assert!(page[suggested..].contains("100 %"), "{page}");
    browser.screenshot("03-customer").await;
    browser.click_button("Map and continue").await;
    browser.wait_for_text("to an Autotask service.").await;
    browser.screenshot("04-product").await;
    browser.click_link("Add Product to Autotask").await;
    browser.wait_for_text("Create in Autotask and map").await;
    browser
        .fill("Name", "Microsoft 365 E3 for Proseware (Monthly)")
        .await;
    browser.fill("Price", "36.00").await;
    browser.fill("Cost", "30.60").await;
    browser.screenshot("05-add-product").await;
    browser.click_button("Create in Autotask and map").await;
    browser.wait_for_text("Engine test 2026-01-01 (1)").await;
    browser.screenshot("06-contract").await;
    browser.click_button("Use this contract").await;
    browser.wait_for_text("Invoice preview").await;
    let review = browser.text().await;
    assert!(review.contains("Add service to contract"), "{review}");
    assert!(review.contains("+5"), "{review}");
    browser.screenshot("07-review").await;
    sync_all(&browser, "08-progress").await;
    let page = browser.text().await;
    assert!(page.contains("2 of 2 lines done"), "{page}");
    let e3 = autotask::service(&r.client, "Microsoft 365 E3 for Proseware (Monthly)")
        .await
        .id;
    assert_eq!(units(&r, r.contract, e3, day(2026, 11, 1)).await, 0);
    assert_eq!(units(&r, r.contract, e3, day(2026, 11, 2)).await, 5);

    // The change down: everything is known, so Continue goes straight to the review.
    let task = task_of_order(&app, &r, &down_order).await;
    browser.goto(&format!("/tasks/{task}")).await;
    browser.wait_for_text("5 → 3, -2 from 20 Nov 2026").await;
    browser.click_link("Continue").await;
    browser.wait_for_text("Invoice preview").await;
    let review = browser.text().await;
    assert!(
        review.contains("2026-12-01"),
        "effective at the next period: {review}"
    );
    assert!(review.contains("-2"), "{review}");
    browser.screenshot("09-review-change-down").await;
    sync_all(&browser, "10-progress-change-down").await;
    assert_eq!(units(&r, r.contract, e3, day(2026, 11, 30)).await, 5);
    assert_eq!(units(&r, r.contract, e3, day(2026, 12, 1)).await, 3);

    // The annual sale, mapped to the Premium service Autotask has, on the yearly contract.
    let task = task_of_order(&app, &r, &premium_sale.id).await;
    browser.goto(&format!("/tasks/{task}/wizard")).await;
    browser.wait_for_text("to an Autotask service.").await;
    browser.fill("q", "Business Premium (Annual)").await;
    browser.click_button("Search").await;
    browser
        .wait_for_path("the search's answer", |path| path.contains("q="))
        .await;
    browser.wait_for_text(PREMIUM_ANNUAL).await;
    browser.click_button("Map and continue").await;
    browser.wait_for_text("Use this contract").await;
    browser
        .eval(&format!(
            "document.getElementById('contract-{yearly}').click()"
        ))
        .await;
    browser.click_button("Use this contract").await;
    browser.wait_for_text("Invoice preview").await;
    sync_all(&browser, "11-progress-annual-sale").await;
    assert_eq!(units(&r, yearly, premium, day(2026, 11, 3)).await, 2);

    // The cancellation: the seats go at the next period and the fee is a one-time charge.
    let task = task_of_order(&app, &r, &cancel_order).await;
    browser.goto(&format!("/tasks/{task}")).await;
    browser.wait_for_text("cancelled from 25 Nov 2026").await;
    browser.click_link("Continue").await;
    browser.wait_for_text("Invoice preview").await;
    let review = browser.text().await;
    assert!(review.contains("One-time charge"), "{review}");
    assert!(review.contains("44.00"), "the fee: {review}");
    browser.screenshot("12-review-cancellation").await;
    sync_all(&browser, "13-progress-cancellation").await;
    let charges: Vec<ContractCharge> = r
        .client
        .query_as(
            "ContractCharges",
            &QueryBody::new(vec![Filter::eq("contractID", yearly)]),
        )
        .await
        .unwrap();
    let fees: Vec<&ContractCharge> = charges
        .iter()
        .filter(|c| c.name.contains(&format!("[psa-sync T{task}-")))
        .collect();
    assert_eq!(fees.len(), 1, "{charges:?}");
    browser.close().await;
}
