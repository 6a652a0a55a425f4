//! Check Changes against the marketplace sandbox: exactly one task per completed order.

use chrono::{Duration, Utc};
use entities::sync_tasks;
use psa_sync::{
    domain::{accounts::Role, ids::ResellerId},
    marketplace::{MarketplaceClient, models::OrderDetail},
    sandbox::marketplace::{NewOrder, seed},
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use tests::{TestApp, spawn_app};

async fn tasks(app: &TestApp, reseller: ResellerId) -> Vec<sync_tasks::Model> {
    sync_tasks::Entity::find()
        .filter(sync_tasks::Column::ResellerId.eq(reseller.0))
        .all(app.db())
        .await
        .unwrap()
}

/// The completed orders of the last month, read straight from the marketplace.
async fn completed_orders_of_last_month(client: &MarketplaceClient) -> Vec<OrderDetail> {
    let now = Utc::now();
    let listed = client
        .orders_created_between(now - Duration::days(31), now)
        .await
        .unwrap();
    let month_ago = now.checked_sub_months(chrono::Months::new(1)).unwrap();
    let mut orders = Vec::new();
    for o in listed.into_iter().filter(|o| o.creation_date >= month_ago) {
        let detail = client.order(&o.id).await.unwrap();
        if detail.status == "completed" {
            orders.push(detail);
        }
    }
    orders
}

async fn reseller(app: &TestApp) -> ResellerId {
    app.user("Acme", Role::Admin).await.reseller_id
}

#[tokio::test]
async fn the_first_run_makes_one_task_per_completed_order_of_the_last_month_and_a_second_run_nothing()
 {
    let app = spawn_app().await;
    let reseller = reseller(&app).await;
    let client = app.marketplace_client();
    let expected = completed_orders_of_last_month(&client).await;

    let first = app.check_changes(reseller, &client).await.unwrap();
    let made = tasks(&app, reseller).await;
    assert_eq!(first.tasks_created, expected.len());
    let mut ids: Vec<&str> = made.iter().map(|t| t.mp_order_id.as_str()).collect();
    ids.sort();
    let mut want: Vec<&str> = expected.iter().map(|o| o.id.as_str()).collect();
    want.sort();
    assert_eq!(ids, want);
    let month_ago = Utc::now()
        .checked_sub_months(chrono::Months::new(1))
        .unwrap();
    assert!(
        made.iter()
            .all(|t| t.order_created_at >= month_ago.fixed_offset()),
        "nothing older than a month"
    );

    let second = app.check_changes(reseller, &client).await.unwrap();
    assert_eq!(second.tasks_created, 0);
    assert_eq!(tasks(&app, reseller).await.len(), made.len());
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
        let order = NewOrder {
            kind: "sales".into(),
            customer_id: (1_000_001 + n as i64).to_string(),
            subscription_id: None,
            po_number: None,
            products: vec![seed::line(n, false, 2)],
        };
        placed.push(client.place_order(&order).await.unwrap().id);
    }
    let outcome = app.check_changes(reseller, &client).await.unwrap();
    assert_eq!(outcome.tasks_created, 3);
    let all = tasks(&app, reseller).await;
    assert_eq!(all.len(), before + 3);
    for id in placed {
        assert_eq!(all.iter().filter(|t| t.mp_order_id == id).count(), 1);
    }
}

#[tokio::test]
async fn two_runs_at_the_same_time_create_no_duplicates() {
    let app = spawn_app().await;
    let reseller = reseller(&app).await;
    let (a, b) = (app.marketplace_client(), app.marketplace_client());
    let expected = completed_orders_of_last_month(&a).await.len();
    let (first, second) = tokio::join!(
        app.check_changes(reseller, &a),
        app.check_changes(reseller, &b)
    );
    let (first, second) = (first.unwrap(), second.unwrap());
    assert_eq!(first.tasks_created + second.tasks_created, expected);
    assert_eq!(tasks(&app, reseller).await.len(), expected);
}

#[tokio::test]
async fn every_order_type_is_classified() {
    let app = spawn_app().await;
    let reseller = reseller(&app).await;
    let client = app.marketplace_client();
    app.check_changes(reseller, &client).await.unwrap();
    let made = tasks(&app, reseller).await;
    let of = |order_type: &str| {
        made.iter()
            .filter(|t| t.order_type == order_type)
            .map(|t| t.task_type.as_str())
            .collect::<Vec<_>>()
    };
    assert!(of("sales").iter().all(|t| *t == "sales") && !of("sales").is_empty());
    assert!(of("change").iter().all(|t| *t == "change") && of("change").len() >= 5);
    assert_eq!(of("cancellation"), ["cancellation"]);
    assert_eq!(of("renewal"), ["renewal"]);
    assert_eq!(of("migration"), ["reconcile"]);
    assert!(!of("unknown").is_empty() && of("unknown").iter().all(|t| *t == "billing"));
    let changes: Vec<_> = made.iter().filter(|t| t.task_type == "change").collect();
    let downs = changes
        .iter()
        .filter(|t| {
            t.order_snapshot
                .as_ref()
                .is_some_and(|s| s["details"][0]["type"] == "downgrade")
        })
        .count();
    assert!(
        downs >= 2 && downs < changes.len(),
        "{downs} of {}",
        changes.len()
    );
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
        .place_order(
            &json!({"type":"sales","customerId":"1000020","products":[seed::line(1, true, 3)]}),
        )
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
            .any(|t| t.mp_order_id == order.id)
    );
}

#[tokio::test]
async fn an_expired_token_and_a_429_mid_run_do_not_stop_the_run() {
    let app = spawn_app().await;
    let reseller = reseller(&app).await;
    let client = app.marketplace_client();
    let expected = completed_orders_of_last_month(&client).await.len();
    app.marketplace_sandbox.advance_clock(2_000).unwrap();
    app.marketplace_sandbox.update_faults(|f| {
        f.injected.fail_after = 4;
        f.injected.rate_limit_next = 1;
    });
    let outcome = app.check_changes(reseller, &client).await.unwrap();
    assert_eq!(outcome.tasks_created, expected);
    assert!(
        client.calls().get("POST /token").copied().unwrap_or(0) >= 2,
        "the token was renewed"
    );
}

#[tokio::test]
async fn a_marketplace_failing_mid_run_leaves_no_half_written_task_and_the_next_run_catches_up() {
    let app = spawn_app().await;
    let reseller = reseller(&app).await;
    let expected = completed_orders_of_last_month(&app.marketplace_client())
        .await
        .len();
    let mut config = app.marketplace_config();
    config.max_retries = 0;
    let fragile = MarketplaceClient::new(config).unwrap();
    app.marketplace_sandbox.update_faults(|f| {
        f.injected.fail_after = 12;
        f.injected.fail_next = 1_000;
    });
    assert!(app.check_changes(reseller, &fragile).await.is_err());
    let partial = tasks(&app, reseller).await;
    assert!(
        !partial.is_empty() && partial.len() < expected,
        "{} of {expected}",
        partial.len()
    );
    assert!(
        partial
            .iter()
            .all(|t| t.customer_id.is_some() && t.order_snapshot.is_some()),
        "no half-written task"
    );
    let run = psa_sync::db::check_runs::find_latest_check_run(app.db(), reseller)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(run.status, "failed");

    app.marketplace_sandbox
        .update_faults(|f| f.injected = Default::default());
    app.check_changes(reseller, &app.marketplace_client())
        .await
        .unwrap();
    assert_eq!(tasks(&app, reseller).await.len(), expected);
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
            psa_sync::jobs::JobEvent::Progress {
                job: "check-changes",
                ..
            } => progress += 1,
            psa_sync::jobs::JobEvent::Finished {
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
    app.marketplace_sandbox
        .update_faults(|f| f.completion_delay_secs = 600);
    let order = client
        .place_order(
            &json!({"type":"sales","customerId":"1000020","products":[seed::line(1, true, 3)]}),
        )
        .await
        .unwrap();
    let outcome = app.check_changes(reseller, &client).await.unwrap();
    assert_eq!((outcome.tasks_created, outcome.pending), (1, 0));
    assert!(
        tasks(&app, reseller)
            .await
            .iter()
            .any(|t| t.mp_order_id == order.id)
    );
    let run = psa_sync::db::check_runs::find_latest_check_run(app.db(), reseller)
        .await
        .unwrap()
        .unwrap();
    let newest = tasks(&app, reseller)
        .await
        .iter()
        .map(|t| t.order_created_at)
        .max()
        .unwrap();
    assert!(
        run.window_from.unwrap() < newest - chrono::Duration::minutes(29),
        "the 30-minute overlap from the settings"
    );
}
