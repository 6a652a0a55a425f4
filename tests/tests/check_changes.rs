//! Check Changes against the marketplace sandbox: exactly one task per completed order.
//!
//! Expected figures are counted by hand from the sandbox's seed
//! (`app/src/sandbox/marketplace/seed.rs`, `history`): in the last month it completed 13 sales,
//! 6 changes (5 on long-held subscriptions, one on a new one), 1 cancellation, 1 renewal,
//! 1 migration and 1 usage billing order (the Azure plan's second month) — 23 orders. Older
//! than a month and never a task: 6 sales 120 days back, sales 45 and 40 days back, the Azure
//! sale 75 days back and its first billing order about 45 days back.

use chrono::Utc;
use psa_sync::{
    db,
    domain::accounts::Role,
    marketplace::MarketplaceClient,
    model::{
        check_run::CheckRunStatus,
        ids::ResellerId,
        log::Level,
        task::{Direction, Quantities, Task, TaskType},
    },
    sandbox::marketplace::seed,
};
use tests::{
    TestApp,
    orders::{line, sales},
    spawn_app,
};

/// Completed orders of the seed's last month (see the module comment).
const SEED_TASKS: usize = 23;

async fn tasks(app: &TestApp, reseller: ResellerId) -> Vec<Task> {
    db::tasks::find_tasks_for_reseller(app.db(), reseller, &Default::default(), 10_000)
        .await
        .unwrap()
}

async fn reseller(app: &TestApp) -> ResellerId {
    app.user("Acme", Role::Admin).await.reseller_id
}

fn count_of(made: &[Task], task_type: TaskType) -> usize {
    made.iter()
        .filter(|t| t.facts.task_type == task_type)
        .count()
}

#[tokio::test]
async fn the_first_run_makes_one_task_per_completed_order_of_the_last_month_and_a_second_run_nothing()
 {
    let app = spawn_app().await;
    let reseller = reseller(&app).await;
    let client = app.marketplace_client();

    let first = app.check_changes(reseller, &client).await.unwrap();
    assert_eq!(first.tasks_created, SEED_TASKS);
    let made = tasks(&app, reseller).await;
    assert_eq!(made.len(), SEED_TASKS);
    assert_eq!(
        [
            count_of(&made, TaskType::Sales),
            count_of(&made, TaskType::Change),
            count_of(&made, TaskType::Cancellation),
            count_of(&made, TaskType::Renewal),
            count_of(&made, TaskType::Reconcile),
            count_of(&made, TaskType::Billing),
        ],
        [13, 6, 1, 1, 1, 1]
    );
    let numbers: Vec<&str> = made.iter().map(|t| t.order.order_number.as_str()).collect();
    assert_eq!(
        numbers.iter().filter(|n| n.starts_with("BO")).count(),
        1,
        "only the Azure plan's second month: {numbers:?}"
    );

    let second = app.check_changes(reseller, &client).await.unwrap();
    assert_eq!(second.tasks_created, 0);
    assert_eq!(tasks(&app, reseller).await.len(), SEED_TASKS);
}

#[tokio::test]
async fn classification_keeps_the_subscription_product_quantities_and_direction_on_the_task() {
    let app = spawn_app().await;
    let reseller = reseller(&app).await;
    app.check_changes(reseller, &app.marketplace_client())
        .await
        .unwrap();
    let made = tasks(&app, reseller).await;
    let mut changes: Vec<(Option<Direction>, Quantities)> = made
        .iter()
        .filter(|t| t.facts.task_type == TaskType::Change)
        .map(|t| (t.facts.direction, t.facts.quantities))
        .collect();
    changes.sort_by_key(|(_, q)| (q.old, q.new));
    let q = |old, new, delta| Quantities {
        old: Some(old),
        new: Some(new),
        delta: Some(delta),
    };
    // Long-held subscriptions of 5, 9, 17, 21 and 25 seats went to 8, 12, 20, 2 and 2; the
    // newest sale of 2 seats went to 4. Nothing was synced yet, so "before" comes from the
    // order's own change lines.
    assert_eq!(
        changes,
        [
            (Some(Direction::Up), q(2, 4, 2)),
            (Some(Direction::Up), q(5, 8, 3)),
            (Some(Direction::Up), q(9, 12, 3)),
            (Some(Direction::Up), q(17, 20, 3)),
            (Some(Direction::Down), q(21, 2, -19)),
            (Some(Direction::Down), q(25, 2, -23)),
        ]
    );
    let cancellation = made
        .iter()
        .find(|t| t.facts.task_type == TaskType::Cancellation)
        .unwrap();
    assert_eq!(
        cancellation.facts.quantities,
        q(29, 0, -29),
        "the last long-held subscription (29 seats) was cancelled"
    );
    let mut sales: Vec<i64> = made
        .iter()
        .filter(|t| t.facts.task_type == TaskType::Sales)
        .map(|t| {
            assert_eq!(t.facts.direction, Some(Direction::Up));
            assert_eq!(t.facts.quantities.old, Some(0));
            t.facts.quantities.delta.unwrap()
        })
        .collect();
    sales.sort_unstable();
    assert_eq!(sales, [1, 2, 2, 3, 4, 5, 5, 6, 6, 6, 7, 8, 9]);
    for task in &made {
        assert!(task.mp_subscription_id.is_some(), "{:?}", task.order);
        assert!(
            task.product.is_some(),
            "the product key of {:?}",
            task.order
        );
    }
}

#[tokio::test]
async fn orders_placed_between_runs_become_exactly_their_tasks() {
    let app = spawn_app().await;
    let reseller = reseller(&app).await;
    let client = app.marketplace_client();
    app.check_changes(reseller, &client).await.unwrap();
    let before = tasks(&app, reseller).await.len();

    app.marketplace_sandbox
        .update_faults(|f| f.completion_delay_secs = 0);
    let mut placed = Vec::new();
    for n in [7usize, 8, 9] {
        let order = sales(&(1_000_001 + n as i64).to_string(), line(n, false, 2));
        placed.push(client.place_order(&order).await.unwrap().id);
    }
    let outcome = app.check_changes(reseller, &client).await.unwrap();
    assert_eq!(outcome.tasks_created, 3);
    let all = tasks(&app, reseller).await;
    assert_eq!(all.len(), before + 3);
    for id in placed {
        assert_eq!(all.iter().filter(|t| t.order.mp_order_id == id).count(), 1);
    }
}

#[tokio::test]
async fn two_runs_at_the_same_time_create_no_duplicates() {
    let app = spawn_app().await;
    let reseller = reseller(&app).await;
    let (a, b) = (app.marketplace_client(), app.marketplace_client());
    let (first, second) = tokio::join!(
        app.check_changes(reseller, &a),
        app.check_changes(reseller, &b)
    );
    let (first, second) = (first.unwrap(), second.unwrap());
    assert_eq!(first.tasks_created + second.tasks_created, SEED_TASKS);
    assert_eq!(tasks(&app, reseller).await.len(), SEED_TASKS);
}

#[tokio::test]
async fn an_order_that_completes_later_becomes_a_task_on_a_later_run() {
    let app = spawn_app().await;
    let reseller = reseller(&app).await;
    let client = app.marketplace_client();
    app.check_changes(reseller, &client).await.unwrap();
    app.marketplace_sandbox
        .update_faults(|f| f.completion_delay_secs = 600);
    let order = client
        .place_order(&sales("1000020", line(1, true, 3)))
        .await
        .unwrap();
    let outcome = app.check_changes(reseller, &client).await.unwrap();
    assert_eq!((outcome.tasks_created, outcome.pending), (0, 1));
    app.marketplace_sandbox.advance_clock(601).unwrap();
    let outcome = app.check_changes(reseller, &client).await.unwrap();
    assert_eq!(outcome.tasks_created, 1);
    assert!(
        tasks(&app, reseller)
            .await
            .iter()
            .any(|t| t.order.mp_order_id == order.id)
    );
}

#[tokio::test]
async fn an_expired_token_and_a_429_mid_run_do_not_stop_the_run() {
    let app = spawn_app().await;
    let reseller = reseller(&app).await;
    let client = app.marketplace_client();
    client.products().await.unwrap();
    // The token just taken lives 1,500 s.
    app.marketplace_sandbox.advance_clock(2_000).unwrap();
    app.marketplace_sandbox.update_faults(|f| {
        f.injected.fail_after = 4;
        f.injected.rate_limit_next = 1;
    });
    let outcome = app.check_changes(reseller, &client).await.unwrap();
    assert_eq!(outcome.tasks_created, SEED_TASKS);
    assert!(
        client.calls().get("POST /token").copied().unwrap_or(0) >= 2,
        "the token was renewed"
    );
}

#[tokio::test]
async fn a_marketplace_failing_mid_run_leaves_no_half_written_task_and_the_next_run_catches_up() {
    let app = spawn_app().await;
    let reseller = reseller(&app).await;
    let mut config = app.marketplace_config();
    config.max_retries = 0;
    let fragile = MarketplaceClient::new(config).unwrap();
    app.marketplace_sandbox.update_faults(|f| {
        f.injected.fail_after = 12;
        f.injected.fail_next = 1_000;
    });
    let failure = app.check_changes(reseller, &fragile).await.unwrap_err();
    assert_eq!(failure.code, "CHK93", "the marketplace did not answer");
    let partial = tasks(&app, reseller).await;
    assert!(
        !partial.is_empty() && partial.len() < SEED_TASKS,
        "{} of {SEED_TASKS}",
        partial.len()
    );
    assert!(
        partial
            .iter()
            .all(|t| t.customer.is_some() && t.order_snapshot.is_some()),
        "no half-written task"
    );
    let run = db::check_runs::find_latest_check_run(app.db(), reseller)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(run.status, CheckRunStatus::Failed);
    let message = run.message.unwrap();
    assert_eq!(
        message,
        "Check Changes stopped: the marketplace did not answer in time. The next run continues from here. (CHK93)"
    );
    assert!(
        !message.contains("HTTP"),
        "no internal detail reaches the page"
    );

    app.marketplace_sandbox
        .update_faults(|f| f.injected = Default::default());
    app.check_changes(reseller, &app.marketplace_client())
        .await
        .unwrap();
    assert_eq!(tasks(&app, reseller).await.len(), SEED_TASKS);
}

#[tokio::test]
async fn the_dashboard_button_runs_check_changes_in_the_background_and_shows_the_result() {
    let app = spawn_app().await;
    let admin = app.signed_in("Acme", Role::Admin).await;
    let fields = [
        ("base_url", "/sandbox/marketplace"),
        ("marketplace_code", seed::MARKETPLACE),
        ("username", seed::USERNAME),
        ("password", seed::PASSWORD),
        ("subscription_key", seed::SUBSCRIPTION_KEY),
    ];
    assert_eq!(
        admin
            .client
            .post_form("/settings/marketplace", &fields)
            .await
            .status,
        reqwest::StatusCode::SEE_OTHER
    );
    admin
        .client
        .post_form("/settings/marketplace/test", &[])
        .await;
    let settings = admin.client.get("/settings").await;
    assert!(
        settings
            .body
            .contains("The marketplace answered: 17 products in the catalogue."),
        "{}",
        settings.body
    );
    let dashboard = admin.client.get("/").await;
    assert!(dashboard.body.contains(">Check Changes</button>"));

    let mut events = app.job_events();
    let started = admin.client.post_form("/check", &[]).await;
    assert_eq!(started.status, reqwest::StatusCode::SEE_OTHER);
    let running = admin.client.get("/").await.body;
    assert!(running.contains("Check Changes started."), "{running}");

    let mut progress = 0;
    loop {
        let event = tokio::time::timeout(std::time::Duration::from_secs(30), events.recv())
            .await
            .expect("the job ran")
            .unwrap();
        match event {
            psa_sync::queue::JobEvent::Progress {
                job: "check-changes",
                ..
            } => progress += 1,
            psa_sync::queue::JobEvent::Finished {
                job: "check-changes",
                ok,
                ..
            } => {
                assert!(ok);
                break;
            }
            _ => {}
        }
    }
    assert!(
        progress > 10,
        "progress was reported order by order ({progress})"
    );
    let created = tasks(&app, admin.reseller_id).await.len();
    assert_eq!(created, SEED_TASKS);
    let panel = admin.client.get("/check/latest").await;
    assert!(
        panel.body.contains(&format!("{created} new tasks")),
        "{}",
        panel.body
    );
    assert!(panel.body.contains("data-running=\"false\""));
    let log = admin.client.get("/log").await;
    assert!(
        log.body.contains("CHK01") && log.body.contains("CHK02"),
        "the run is in the action log"
    );
}

#[tokio::test]
async fn a_reseller_who_wants_orders_before_they_complete_gets_them_at_once() {
    use sea_orm::{ActiveModelTrait, Set};
    let app = spawn_app().await;
    let reseller = reseller(&app).await;
    entities::settings::ActiveModel {
        reseller_id: Set(reseller.0),
        completed_orders_only: Set(false),
        overlap_minutes: Set(30),
        updated_at: Set(Utc::now().fixed_offset()),
        ..Default::default()
    }
    .insert(app.db())
    .await
    .unwrap();
    let client = app.marketplace_client();
    app.check_changes(reseller, &client).await.unwrap();
    let newest_before = db::tasks::find_newest_task_order_time(app.db(), reseller)
        .await
        .unwrap()
        .unwrap();
    app.marketplace_sandbox
        .update_faults(|f| f.completion_delay_secs = 600);
    let order = client
        .place_order(&sales("1000020", line(1, true, 3)))
        .await
        .unwrap();
    let outcome = app.check_changes(reseller, &client).await.unwrap();
    assert_eq!((outcome.tasks_created, outcome.pending), (1, 0));
    assert!(
        tasks(&app, reseller)
            .await
            .iter()
            .any(|t| t.order.mp_order_id == order.id)
    );
    let run = db::check_runs::find_latest_check_run(app.db(), reseller)
        .await
        .unwrap()
        .unwrap();
    let (from, _) = run.window.unwrap();
    assert_eq!(
        from,
        newest_before - chrono::Duration::minutes(30),
        "the second run starts 30 minutes (the settings' overlap) before the newest task"
    );
}

#[tokio::test]
async fn one_unreadable_order_never_stops_check_changes() {
    let app = spawn_app().await;
    let reseller = reseller(&app).await;
    // Two orders the SimpleAPI schema allows but the client cannot read: one without a
    // creation date, one whose total is not a number.
    let (no_date, bad_total) = app
        .marketplace_sandbox
        .write(|store| {
            let template = store.orders.values().next_back().unwrap().clone();
            let now = Utc::now().timestamp();
            let mut add = |change: &dyn Fn(&mut serde_json::Value)| {
                let id = store.new_id();
                let mut record = template.clone();
                record.body["id"] = serde_json::json!(id.to_string());
                record.created = now - 2 * 86_400;
                record.completes = record.created;
                change(&mut record.body);
                store.orders.insert(id, record);
                id.to_string()
            };
            let no_date = add(&|body| {
                body.as_object_mut().unwrap().remove("creationDate");
            });
            let bad_total = add(&|body| {
                body["creationDate"] = serde_json::json!("2026-11-29T10:00:00Z");
                body["total"] = serde_json::json!({"currency": "EUR", "amount": "twelve"});
            });
            (no_date, bad_total)
        })
        .unwrap();
    let client = app.marketplace_client();

    let first = app.check_changes(reseller, &client).await.unwrap();
    assert_eq!((first.tasks_created, first.unreadable), (SEED_TASKS, 2));
    let run = db::check_runs::find_latest_check_run(app.db(), reseller)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(run.status, CheckRunStatus::Warning);
    assert_eq!(run.counts.unreadable, 2);
    let log = psa_sync::domain::action_log::recent_entries(app.db(), reseller)
        .await
        .unwrap();
    let skipped: Vec<&str> = log
        .iter()
        .filter(|e| e.code == "CHK12" && e.level == Level::Warning)
        .map(|e| e.message.as_str())
        .collect();
    assert!(
        skipped
            .iter()
            .any(|m| m.contains(&format!("Order {no_date} ")) && m.contains("field creationDate")),
        "{skipped:?}"
    );
    assert!(
        skipped
            .iter()
            .any(|m| m.contains(&format!("Order {bad_total} ")) && m.contains("field total.amount")),
        "{skipped:?}"
    );

    let second = app.check_changes(reseller, &client).await.unwrap();
    assert_eq!((second.tasks_created, second.unreadable), (0, 2));
    assert_eq!(tasks(&app, reseller).await.len(), SEED_TASKS);
}

async fn connect_marketplace(admin: &tests::TestUser) {
    let fields = [
        ("base_url", "/sandbox/marketplace"),
        ("marketplace_code", seed::MARKETPLACE),
        ("username", seed::USERNAME),
        ("password", seed::PASSWORD),
        ("subscription_key", seed::SUBSCRIPTION_KEY),
    ];
    let saved = admin
        .client
        .post_form("/settings/marketplace", &fields)
        .await;
    assert_eq!(saved.status, reqwest::StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_failed_run_is_a_failed_job_and_the_dashboard_says_what_to_do() {
    let app = spawn_app().await;
    let admin = app.signed_in("Acme", Role::Admin).await;
    connect_marketplace(&admin).await;
    app.marketplace_sandbox
        .update_faults(|f| f.injected.fail_next = 1_000);
    let mut events = app.job_events();
    admin.client.post_form("/check", &[]).await;
    let ok = loop {
        let event = tokio::time::timeout(std::time::Duration::from_secs(30), events.recv())
            .await
            .expect("the job ran")
            .unwrap();
        if let psa_sync::queue::JobEvent::Finished {
            job: "check-changes",
            ok,
            ..
        } = event
        {
            break ok;
        }
    };
    assert!(!ok, "the job reports the failed run as failed");
    let dashboard = admin.client.get("/").await.body;
    assert!(
        dashboard.contains(
            "Check Changes stopped: the marketplace did not answer in time. The next run continues from here. (CHK93)"
        ),
        "{dashboard}"
    );
    assert!(
        dashboard.contains("<button type=\"submit\">Check Changes</button>"),
        "the button is enabled again"
    );
    assert!(
        !dashboard.contains("HTTP 503"),
        "no internal detail in the page"
    );
}

#[tokio::test]
async fn a_run_no_worker_took_is_given_up_after_ten_minutes_and_the_button_works() {
    let app = spawn_app().await;
    let admin = app.signed_in("Acme", Role::Admin).await;
    let eleven_minutes_ago = Utc::now() - chrono::Duration::minutes(11);
    let run = psa_sync::domain::check_changes::request_run(
        app.db(),
        admin.reseller_id,
        psa_sync::model::check_run::Trigger::Manual,
        eleven_minutes_ago,
    )
    .await
    .unwrap();
    let dashboard = admin.client.get("/").await.body;
    assert!(
        dashboard.contains(
            "Check Changes did not start: no worker took the run. Press Check Changes to try again. (CHK96)"
        ),
        "{dashboard}"
    );
    assert!(dashboard.contains("<button type=\"submit\">Check Changes</button>"));
    let given_up = db::check_runs::find_check_run_for_reseller(app.db(), admin.reseller_id, run)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(given_up.status, CheckRunStatus::Failed);
    let log = psa_sync::domain::action_log::recent_entries(app.db(), admin.reseller_id)
        .await
        .unwrap();
    assert!(
        log.iter()
            .any(|e| e.code == "CHK96" && e.level == Level::Error)
    );
}

#[tokio::test]
async fn a_subscription_whose_price_is_not_a_number_skips_its_order_with_the_field_named() {
    let app = spawn_app().await;
    let reseller = reseller(&app).await;
    let client = app.marketplace_client();
    app.check_changes(reseller, &client).await.unwrap();
    app.marketplace_sandbox
        .update_faults(|f| f.completion_delay_secs = 0);
    let order = client
        .place_order(&sales("1000020", line(1, false, 3)))
        .await
        .unwrap();
    assert_eq!(client.order(&order.id).await.unwrap().status, "completed");
    // The sale made the newest subscription; its price becomes text.
    let subscription = app
        .marketplace_sandbox
        .write(|store| {
            let (id, sub) = store.subscriptions.iter_mut().next_back().unwrap();
            sub["products"][0]["unitPrice"]["amount"] = serde_json::json!("n/a");
            *id
        })
        .unwrap();

    let outcome = app.check_changes(reseller, &client).await.unwrap();
    assert_eq!(
        (outcome.tasks_created, outcome.unreadable),
        (0, 1),
        "{outcome:?}"
    );
    let log = psa_sync::domain::action_log::recent_entries(app.db(), reseller)
        .await
        .unwrap();
    let skipped: Vec<&str> = log
        .iter()
        .filter(|e| e.code == "CHK12")
        .map(|e| e.message.as_str())
        .collect();
    assert!(
        skipped.iter().any(|m| m.starts_with(&format!(
            "Order {} was skipped: its subscription {subscription} could not be read (field products[0].unitPrice.amount",
            order.id
        ))),
        "{skipped:?}"
    );
    assert!(
        !tasks(&app, reseller)
            .await
            .iter()
            .any(|t| t.order.mp_order_id == order.id),
        "no task from an order whose price cannot be read"
    );
}
