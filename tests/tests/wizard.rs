//! The wizard over HTTP, without JavaScript: a task from the task page through customer,
//! product, contract and review into Autotask, and every step's refusals.

use psa_sync::{
    db,
    domain::accounts::Role,
    model::task::{TaskStatus, TaskType},
    queue::JobEvent,
};
use reqwest::StatusCode;
use tests::{
    TestApp, TestUser,
    engine::{Reseller, day},
    forms::{form_fields, set},
    spawn_app,
};

const E3: &str = "Microsoft 365 E3 (Monthly)";

async fn reseller(app: &TestApp) -> (Reseller, TestUser) {
    let r = Reseller::new(
        app,
        "Contoso Ltd",
        E3,
        1,
        (day(2026, 1, 1), day(2027, 12, 31)),
    )
    .await;
    let user = app.signed_in("Engine Reseller", Role::Admin).await;
    assert_eq!(user.reseller_id, r.id);
    (r, user)
}

/// Waits (without sleeping) for the apply job to finish.
async fn apply_job_finished(events: &mut tokio::sync::broadcast::Receiver<JobEvent>) {
    loop {
        let event = tokio::time::timeout(std::time::Duration::from_secs(30), events.recv())
            .await
            .expect("the apply job ran")
            .expect("an event");
        if let JobEvent::Finished {
            job: "apply-task",
            ok,
            ..
        } = event
        {
            assert!(ok, "the apply job succeeded");
            return;
        }
    }
}

#[tokio::test]
async fn a_sales_task_walks_customer_product_contract_and_review_into_autotask() {
    let app = spawn_app().await;
    let (r, user) = reseller(&app).await;
    let sub = r
        .unmapped_subscription(&app, "Contoso", "Microsoft 365 E3", "month:1", "36.00")
        .await;
    let task = r
        .task(&app, sub, TaskType::Sales, (0, 3), day(2026, 11, 20))
        .await;

    let page = user.client.get(&format!("/tasks/{task}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("Microsoft 365 E3 for Contoso: 0 → 3, +3 from 20 Nov 2026"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("The customer mapped to an Autotask company.")
    );
    assert!(
        page.body
            .contains("<details class=\"card\"><summary>Order as received</summary>")
    );

    let start = user.client.get(&format!("/tasks/{task}/wizard")).await;
    assert_eq!(
        start.location.as_deref(),
        Some(&*format!("/tasks/{task}/customer"))
    );

    // 1. Customer: Contoso Ltd is suggested first.
    let step = user.client.get(&format!("/tasks/{task}/customer")).await;
    assert_eq!(step.status, StatusCode::OK);
    let first = step
        .body
        .find("Contoso Ltd")
        .expect("Contoso Ltd suggested");
    assert!(step.body[..first].contains(&format!("value=\"{}\"", r.company)));
    let mut fields = form_fields(&step.body, &format!("/tasks/{task}/customer"));
    set(&mut fields, "choice", &r.company.to_string());
    let done = user
        .client
        .post_fields(&format!("/tasks/{task}/customer"), &fields)
        .await;
    assert_eq!(
        done.location.as_deref(),
        Some(&*format!("/tasks/{task}/product")),
        "{fields:?} {}",
        done.body
    );

    // 2. Product.
    let step = user.client.get(&format!("/tasks/{task}/product")).await;
    assert!(step.body.contains(E3), "{}", step.body);
    assert!(step.body.contains("Add Product to Autotask"));
    let mut fields = form_fields(&step.body, &format!("/tasks/{task}/product"));
    set(&mut fields, "choice", &r.service.to_string());
    let done = user
        .client
        .post_fields(&format!("/tasks/{task}/product"), &fields)
        .await;
    assert_eq!(
        done.location.as_deref(),
        Some(&*format!("/tasks/{task}/contract"))
    );

    // 3. Contract.
    let step = user.client.get(&format!("/tasks/{task}/contract")).await;
    assert!(
        step.body.contains("Engine test 2026-01-01 (1)"),
        "{}",
        step.body
    );
    let mut fields = form_fields(&step.body, &format!("/tasks/{task}/contract"));
    set(&mut fields, "contract", &r.contract.to_string());
    let done = user
        .client
        .post_fields(&format!("/tasks/{task}/contract"), &fields)
        .await;
    assert_eq!(
        done.location.as_deref(),
        Some(&*format!("/tasks/{task}/review"))
    );

    // 4. Review: the service goes on the contract, then +3 from 20 Nov (Autotask prorates).
    let step = user.client.get(&format!("/tasks/{task}/review")).await;
    assert_eq!(step.status, StatusCode::OK, "{}", step.body);
    assert!(
        step.body.contains("Add service to contract"),
        "{}",
        step.body
    );
    assert!(step.body.contains("+3"));
    assert!(step.body.contains("Invoice preview"));
    let fields = form_fields(&step.body, &format!("/tasks/{task}/sync"));
    let mut events = app.job_events();
    let synced = user
        .client
        .post_fields(&format!("/tasks/{task}/sync"), &fields)
        .await;
    assert_eq!(
        synced.location.as_deref(),
        Some(&*format!("/tasks/{task}/progress")),
        "{}",
        synced.body
    );
    apply_job_finished(&mut events).await;

    let progress = user.client.get(&format!("/tasks/{task}/progress")).await;
    assert!(
        progress.body.contains("data-finished=\"yes\""),
        "{}",
        progress.body
    );
    assert!(
        progress.body.contains("2 of 2 lines done"),
        "{}",
        progress.body
    );
    assert_eq!(r.units_on(day(2026, 11, 19)).await, 0);
    assert_eq!(r.units_on(day(2026, 11, 20)).await, 3);
    let t = db::tasks::find_task_for_reseller(app.db(), r.id, task)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(t.status, TaskStatus::Done);

    // Done: the wizard steps now lead to the progress, and Sync All again writes nothing.
    let again = user
        .client
        .post_fields(&format!("/tasks/{task}/sync"), &fields)
        .await;
    assert_eq!(
        again.location.as_deref(),
        Some(&*format!("/tasks/{task}/progress"))
    );
    assert_eq!(
        r.client
            .calls()
            .get("ContractServiceAdjustments POST")
            .copied(),
        Some(1)
    );
}

#[tokio::test]
async fn review_edits_that_cannot_be_used_come_back_with_messages_and_nothing_is_synced() {
    let app = spawn_app().await;
    let (r, user) = reseller(&app).await;
    let sub = r
        .subscription(&app, "E3 for Contoso", "month:1", "36.00")
        .await;
    let task = r
        .task(&app, sub, TaskType::Sales, (0, 3), day(2026, 11, 20))
        .await;
    let review = user.client.get(&format!("/tasks/{task}/review")).await;
    assert_eq!(review.status, StatusCode::OK, "{}", review.body);
    let fields = form_fields(&review.body, &format!("/tasks/{task}/sync"));
    let long = "x".repeat(1001);
    let cases: [(&str, &str, &str); 5] = [
        (
            "line-1-price",
            "twelve",
            "The price must be a number, like 12.50.",
        ),
        ("line-1-cost", "-4", "The cost cannot be negative."),
        ("line-1-description", &long, "At most 1000 characters."),
        (
            "date",
            "2026-02-30",
            "Not a date: use a real day as YYYY-MM-DD.",
        ),
        (
            "line-1-description",
            "a\u{0}b",
            "Control characters are not allowed.",
        ),
    ];
    for (field, value, message) in cases {
        let mut bad = fields.clone();
        set(&mut bad, field, value);
        let page = user
            .client
            .post_fields(&format!("/tasks/{task}/sync"), &bad)
            .await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            page.body
        );
        assert!(page.body.contains(message), "{field}: {}", page.body);
        assert!(page.body.contains("Nothing was synced."));
    }
    let mut script = fields.clone();
    set(&mut script, "line-1-price", "<script>alert(1)</script>");
    let page = user
        .client
        .post_fields(&format!("/tasks/{task}/sync"), &script)
        .await;
    assert!(!page.body.contains("<script>alert(1)</script>"));
    assert!(page.body.contains("&lt;script&gt;") || page.body.contains("must be a number"));

    // Unticking the line that puts the service on the contract, but not its units.
    let mut unticked: Vec<(String, String)> = fields
        .iter()
        .filter(|(k, _)| k != "line-1-selected")
        .cloned()
        .collect();
    let page = user
        .client
        .post_fields(&format!("/tasks/{task}/sync"), &unticked)
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body
            .contains("Line 1 puts the service on the contract"),
        "{}",
        page.body
    );
    // A plan that is not the one shown.
    set(&mut unticked, "line-1-selected", "on");
    set(&mut unticked, "seen", "something else");
    let page = user
        .client
        .post_fields(&format!("/tasks/{task}/sync"), &unticked)
        .await;
    assert!(
        page.body.contains("changed since the page was shown"),
        "{}",
        page.body
    );

    assert!(
        db::journal::find_steps(app.db(), r.id, task)
            .await
            .unwrap()
            .is_empty()
    );
    let still = db::tasks::find_task_for_reseller(app.db(), r.id, task)
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(still.status, TaskStatus::New | TaskStatus::Ready));
    assert_eq!(
        r.client.calls().get("ContractServiceAdjustments POST"),
        None
    );
}

#[tokio::test]
async fn a_company_mapped_to_another_customer_cannot_be_chosen_and_other_resellers_tasks_are_404() {
    let app = spawn_app().await;
    let (r, user) = reseller(&app).await;
    // Another customer of the reseller already has Contoso Ltd.
    r.subscription(&app, "Contoso Holdings", "month:1", "36.00")
        .await;
    let sub = r
        .unmapped_subscription(&app, "Contoso", "Microsoft 365 E3", "month:1", "36.00")
        .await;
    let task = r
        .task(&app, sub, TaskType::Sales, (0, 3), day(2026, 11, 20))
        .await;
    let step = user.client.get(&format!("/tasks/{task}/customer")).await;
    assert!(
        step.body
            .contains("Already mapped to the marketplace customer Contoso Holdings."),
        "{}",
        step.body
    );
    let token = user.client.csrf_token().await;
    let company = r.company.to_string();
    let page = user
        .client
        .post_form_raw(
            &format!("/tasks/{task}/customer"),
            &[("choice", &company), ("csrf_token", &token)],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body
            .contains("is already mapped to the marketplace customer Contoso Holdings")
    );
    let sub_row = db::mappings::find_subscription_by_row(app.db(), r.id, sub)
        .await
        .unwrap()
        .unwrap();
    let customer = db::mappings::find_customer(app.db(), r.id, sub_row.customer)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(customer.autotask_company_id, None, "nothing stored");

    for bad in ["", "abc", "-1", "99999999"] {
        let page = user
            .client
            .post_form_raw(
                &format!("/tasks/{task}/customer"),
                &[("choice", bad), ("csrf_token", &token)],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }

    let stranger = app.signed_in("Someone Else", Role::Admin).await;
    for path in [
        "",
        "/wizard",
        "/customer",
        "/product",
        "/contract",
        "/review",
        "/progress",
    ] {
        let page = stranger.client.get(&format!("/tasks/{task}{path}")).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
    }
    let page = stranger
        .client
        .post_form(&format!("/tasks/{task}/customer"), &[("choice", &company)])
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_change_down_goes_straight_to_review_and_takes_effect_at_the_next_period() {
    let app = spawn_app().await;
    let (r, user) = reseller(&app).await;
    let sub = r
        .subscription(&app, "E3 for Contoso", "month:1", "36.00")
        .await;
    let sale = r
        .task(&app, sub, TaskType::Sales, (0, 5), day(2026, 11, 2))
        .await;
    psa_sync::domain::sync::sync_tasks(app.db(), r.client.as_ref(), r.id, &[sale])
        .await
        .unwrap();
    psa_sync::domain::sync::apply_queued(app.db(), r.client.as_ref(), r.id, "test-node")
        .await
        .unwrap();
    let down = r
        .task(&app, sub, TaskType::Change, (5, 3), day(2026, 11, 20))
        .await;

    let page = user.client.get(&format!("/tasks/{down}")).await;
    assert!(
        page.body.contains("5 → 3, -2 from 20 Nov 2026"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("Your review of the planned lines, then Sync All.")
    );
    let start = user.client.get(&format!("/tasks/{down}/wizard")).await;
    assert_eq!(
        start.location.as_deref(),
        Some(&*format!("/tasks/{down}/review")),
        "customer, product and contract are known: the wizard skips them"
    );
    let review = user.client.get(&format!("/tasks/{down}/review")).await;
    assert!(
        review.body.contains("<td class=\"nowrap\">2026-12-01</td>"),
        "{}",
        review.body
    );
    assert!(review.body.contains("-2"));
    let fields = form_fields(&review.body, &format!("/tasks/{down}/sync"));
    let mut events = app.job_events();
    let synced = user
        .client
        .post_fields(&format!("/tasks/{down}/sync"), &fields)
        .await;
    assert_eq!(
        synced.location.as_deref(),
        Some(&*format!("/tasks/{down}/progress"))
    );
    apply_job_finished(&mut events).await;
    let progress = user.client.get(&format!("/tasks/{down}/progress")).await;
    assert!(
        progress.body.contains("1 of 1 lines done"),
        "{}",
        progress.body
    );
    assert_eq!(
        r.units_on(day(2026, 11, 30)).await,
        5,
        "no credit for November"
    );
    assert_eq!(r.units_on(day(2026, 12, 1)).await, 3);
}

#[tokio::test]
async fn a_conflict_shows_expected_and_found_and_accepting_it_replans_from_autotask() {
    use psa_sync::autotask::{AutotaskApi, ContractChild, WriteTarget};
    use psa_sync::domain::sync;
    let app = spawn_app().await;
    let (r, user) = reseller(&app).await;
    let sub = r
        .subscription(&app, "E3 for Contoso", "month:1", "36.00")
        .await;
    let sale = r
        .task(&app, sub, TaskType::Sales, (0, 3), day(2026, 11, 2))
        .await;
    sync::sync_tasks(app.db(), r.client.as_ref(), r.id, &[sale])
        .await
        .unwrap();
    sync::apply_queued(app.db(), r.client.as_ref(), r.id, "test-node")
        .await
        .unwrap();
    let change = r
        .task(&app, sub, TaskType::Change, (3, 5), day(2026, 11, 20))
        .await;
    sync::sync_tasks(app.db(), r.client.as_ref(), r.id, &[change])
        .await
        .unwrap();
    let cs = db::mappings::find_subscription_by_row(app.db(), r.id, sub)
        .await
        .unwrap()
        .unwrap()
        .autotask_contract_service_id
        .unwrap();
    AutotaskApi::create(
        r.client.as_ref(),
        WriteTarget::ContractChild {
            contract: r.contract,
            child: ContractChild::ServiceAdjustments,
        },
        &serde_json::json!({"contractID": r.contract, "contractServiceID": cs, "effectiveDate": "2026-11-10T00:00:00", "unitChange": 1}),
    )
    .await
    .unwrap();
    let report = sync::apply_queued(app.db(), r.client.as_ref(), r.id, "test-node")
        .await
        .unwrap();
    assert_eq!(report.conflicts, 1);

    let task_page = user.client.get(&format!("/tasks/{change}")).await;
    assert!(
        task_page.body.contains("See the sync progress"),
        "{}",
        task_page.body
    );
    let progress = user.client.get(&format!("/tasks/{change}/progress")).await;
    assert!(
        progress
            .body
            .contains("Expected 3 units (to make them 5), Autotask shows 4."),
        "{}",
        progress.body
    );
    assert!(
        progress
            .body
            .contains("Accept what Autotask shows (plan again)")
    );
    assert!(progress.body.contains("What to do: Compare with Autotask"));

    let accepted = user
        .client
        .post_form(
            &format!("/tasks/{change}/resolve"),
            &[("resolution", "replan")],
        )
        .await;
    assert_eq!(
        accepted.location.as_deref(),
        Some(&*format!("/tasks/{change}/review"))
    );
    let review = user.client.get(&format!("/tasks/{change}/review")).await;
    assert!(
        review.body.contains("<td>4</td>"),
        "planned from the 4 Autotask shows: {}",
        review.body
    );
    let fields = form_fields(&review.body, &format!("/tasks/{change}/sync"));
    let mut events = app.job_events();
    user.client
        .post_fields(&format!("/tasks/{change}/sync"), &fields)
        .await;
    apply_job_finished(&mut events).await;
    assert_eq!(r.units_on(day(2026, 11, 20)).await, 6);
    let log = psa_sync::domain::action_log::recent_entries(app.db(), r.id)
        .await
        .unwrap();
    assert!(
        log.iter()
            .any(|e| e.code == "SYN02" && e.task == Some(change))
    );
}

#[tokio::test]
async fn a_contract_that_does_not_fit_or_is_not_the_companys_cannot_be_chosen() {
    let app = spawn_app().await;
    let (r, user) = reseller(&app).await;
    let sub = r
        .unmapped_subscription(&app, "Contoso", "Microsoft 365 E3", "month:1", "36.00")
        .await;
    let task = r
        .task(&app, sub, TaskType::Sales, (0, 3), day(2026, 11, 20))
        .await;
    let sub_row = db::mappings::find_subscription_by_row(app.db(), r.id, sub)
        .await
        .unwrap()
        .unwrap();
    db::mappings::set_customer_company(app.db(), r.id, sub_row.customer, Some(r.company))
        .await
        .unwrap();
    db::mappings::set_product_service(app.db(), r.id, sub_row.product.unwrap(), Some(r.service))
        .await
        .unwrap();
    let yearly = tests::engine::recurring_contract(
        &r.client,
        r.company,
        4,
        (day(2026, 1, 1), day(2027, 12, 31)),
    )
    .await;
    let step = user.client.get(&format!("/tasks/{task}/contract")).await;
    assert!(
        step.body
            .contains("No: it bills Yearly, but the subscription bills Monthly."),
        "{}",
        step.body
    );
    let token = user.client.csrf_token().await;
    for (bad, message) in [
        ("", "Choose a contract from the list."),
        ("abc", "Choose a contract from the list."),
        ("99999999", "Choose a contract from the list."),
        (
            &*yearly.to_string(),
            "That contract cannot take this subscription: it bills Yearly",
        ),
    ] {
        let page = user
            .client
            .post_form_raw(
                &format!("/tasks/{task}/contract"),
                &[("contract", bad), ("csrf_token", &token)],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(page.body.contains(message), "{bad}: {}", page.body);
    }
    let still = db::mappings::find_subscription_by_row(app.db(), r.id, sub)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(still.autotask_contract_id, None, "nothing bound");
}
