//! The dashboard over plain HTTP, as a browser without JavaScript sees it: counts by state and
//! type, the last check runs, a run's detail order by order, and what needs attention.
//!
//! The seed's first Check Changes makes 23 tasks, all `new`: 13 Sales, 6 Change and one each of
//! Billing, Cancellation, Renewal and Reconcile (counted by hand in `check_changes.rs`).

use chrono::Utc;
use psa_sync::{
    db,
    domain::{accounts::Role, tasks as task_use_cases},
    model::{
        catalog::ProductKey,
        check_run::{CheckRunStatus, RunCounts, Trigger},
        ids::{CheckRunId, ResellerId, TaskId},
        task::TaskStatus,
    },
};
use reqwest::StatusCode;
use tests::{TestApp, orders, spawn_app};

/// The count the dashboard shows for a state or a type, by its slug.
fn count_shown(body: &str, slug: &str) -> i64 {
    let marker = format!("data-count=\"{slug}\">");
    let start = body
        .find(&marker)
        .unwrap_or_else(|| panic!("no count for {slug} in {body}"))
        + marker.len();
    let end = start + body[start..].find('<').expect("the end of the cell");
    body[start..end].parse().expect("a number")
}

async fn all_tasks(app: &TestApp, reseller: ResellerId) -> Vec<TaskId> {
    db::tasks::find_tasks_for_reseller(app.db(), reseller, &Default::default(), 10_000)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.id)
        .collect()
}

/// Puts a `new` task where a failed apply or a conflict would have left it.
async fn move_new_task(app: &TestApp, reseller: ResellerId, task: TaskId, to: TaskStatus) {
    let moved = db::tasks::change_task_status(
        app.db(),
        reseller,
        task,
        TaskStatus::New,
        to,
        Default::default(),
    )
    .await
    .unwrap();
    assert!(moved);
}

/// A finished run recorded directly, as a run on another node would have left it.
async fn finished_run(
    app: &TestApp,
    reseller: ResellerId,
    status: CheckRunStatus,
    counts: RunCounts,
) -> CheckRunId {
    let run = db::check_runs::insert_check_run(app.db(), reseller, Trigger::Schedule, Utc::now())
        .await
        .unwrap();
    db::check_runs::record_check_progress(app.db(), run, counts, Utc::now())
        .await
        .unwrap();
    assert!(
        db::check_runs::finish_check_run(app.db(), run, status, "recorded by the test", Utc::now())
            .await
            .unwrap()
    );
    run
}

#[tokio::test]
async fn the_dashboard_counts_tasks_by_state_and_type_and_a_reload_shows_what_the_script_fetches() {
    let app = spawn_app().await;
    let user = app.signed_in("Acme", Role::Operator).await;
    app.check_changes(user.reseller_id, &app.marketplace_client())
        .await
        .unwrap();
    let tasks = all_tasks(&app, user.reseller_id).await;
    for task in &tasks[..2] {
        task_use_cases::ignore_task(app.db(), user.reseller_id, *task, "handled by hand")
            .await
            .unwrap();
    }
    move_new_task(&app, user.reseller_id, tasks[2], TaskStatus::Conflict).await;
    move_new_task(&app, user.reseller_id, tasks[3], TaskStatus::Failed).await;

    let page = user.client.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    let by_state: Vec<i64> = [
        "new", "ready", "queued", "applying", "done", "failed", "conflict", "ignored",
    ]
    .iter()
    .map(|slug| count_shown(&page.body, slug))
    .collect();
    assert_eq!(by_state, [19, 0, 0, 0, 0, 1, 1, 2]);
    let by_type: Vec<i64> = [
        "sales",
        "change",
        "billing",
        "cancellation",
        "renewal",
        "reconcile",
    ]
    .iter()
    .map(|slug| count_shown(&page.body, slug))
    .collect();
    assert_eq!(by_type, [13, 6, 1, 1, 1, 1]);
    // Open: 19 new, 1 failed, 1 conflict; ignored ones are not.
    assert!(
        page.body
            .contains("Open sync tasks: <strong id=\"open-tasks\">21</strong>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("href=\"/tasks?status=conflict\""));
    assert!(page.body.contains("href=\"/tasks?type=billing\""));

    let fragment = user.client.get("/dashboard/summary").await;
    assert_eq!(fragment.status, StatusCode::OK);
    assert!(fragment.body.starts_with("<div id=\"dashboard-summary\">"));
    assert!(
        page.body.contains(&fragment.body),
        "the page shows exactly what the script would fetch"
    );
}

#[tokio::test]
async fn the_last_ten_runs_are_listed_newest_first_as_no_change_success_warning_or_failure() {
    let app = spawn_app().await;
    let user = app.signed_in("Acme", Role::Operator).await;
    let reseller = user.reseller_id;
    let no_change = RunCounts {
        orders_seen: 4,
        ..Default::default()
    };
    let oldest = [
        finished_run(&app, reseller, CheckRunStatus::Done, no_change).await,
        finished_run(&app, reseller, CheckRunStatus::Done, no_change).await,
    ];
    app.check_changes(reseller, &app.marketplace_client())
        .await
        .unwrap();
    finished_run(&app, reseller, CheckRunStatus::Failed, RunCounts::default()).await;
    let warning = RunCounts {
        orders_seen: 3,
        tasks_created: 0,
        skipped: 2,
        unreadable: 1,
    };
    finished_run(&app, reseller, CheckRunStatus::Warning, warning).await;
    for _ in 0..7 {
        finished_run(&app, reseller, CheckRunStatus::Done, no_change).await;
    }

    let body = user.client.get("/").await.body;
    assert_eq!(
        body.matches("href=\"/check/runs/").count(),
        10,
        "twelve runs, the newest ten listed"
    );
    for old in oldest {
        assert!(!body.contains(&format!("href=\"/check/runs/{old}\"")));
    }
    let badge = |text: &str| {
        body.matches(&format!("<span class=\"badge\">{text}</span>"))
            .count()
    };
    assert_eq!(
        [
            badge("No change"),
            badge("Success"),
            badge("Warning"),
            badge("Failure")
        ],
        [7, 1, 1, 1]
    );
    let cells = |counts: [i64; 4]| {
        counts
            .iter()
            .map(|n| format!("<td>{n}</td>"))
            .collect::<String>()
    };
    assert!(body.contains(&format!("Success</span></td>{}", cells([23, 23, 0, 0]))));
    assert!(body.contains(&format!("Warning</span></td>{}", cells([3, 0, 2, 1]))));
    let success_at = body.find(">Success<").unwrap();
    let warning_at = body.find(">Warning<").unwrap();
    assert!(warning_at < success_at, "newest first");
    assert!(body.contains("<td>Button</td>") && body.contains("<td>Schedule</td>"));
}

#[tokio::test]
async fn a_runs_detail_says_what_became_of_each_order() {
    let app = spawn_app().await;
    let user = app.signed_in("Acme", Role::Operator).await;
    let client = app.marketplace_client();
    app.check_changes(user.reseller_id, &client).await.unwrap();
    let first = db::check_runs::find_latest_check_run(app.db(), user.reseller_id)
        .await
        .unwrap()
        .unwrap();

    let detail = user.client.get(&format!("/check/runs/{}", first.id)).await;
    assert_eq!(detail.status, StatusCode::OK);
    assert_eq!(
        detail
            .body
            .matches("<span class=\"badge\">Task created</span>")
            .count(),
        23
    );
    for task in all_tasks(&app, user.reseller_id).await {
        assert!(
            detail.body.contains(&format!("href=\"/tasks/{task}\"")),
            "task {task} is linked"
        );
    }
    assert!(detail.body.contains("SO000010"), "orders by their number");
    assert!(detail.body.contains("<span class=\"badge\">Success</span>"));

    // An order placed just now is still `submitted`: the next run waits for it.
    let placed = client
        .place_order(&orders::sales("1000020", orders::line(1, true, 3)))
        .await
        .unwrap();
    app.check_changes(user.reseller_id, &client).await.unwrap();
    let second = db::check_runs::find_latest_check_run(app.db(), user.reseller_id)
        .await
        .unwrap()
        .unwrap();
    let detail = user.client.get(&format!("/check/runs/{}", second.id)).await;
    assert!(
        detail.body.contains("<span class=\"badge\">Pending</span>"),
        "{}",
        detail.body
    );
    assert!(
        detail
            .body
            .contains("The order is submitted; the next run looks again."),
        "{}",
        detail.body
    );
    assert!(
        detail.body.contains(&placed.order_number),
        "{}",
        detail.body
    );
    assert!(
        detail
            .body
            .contains("<span class=\"badge\">No change</span>")
    );
}

#[tokio::test]
async fn another_resellers_run_is_not_found() {
    let app = spawn_app().await;
    let alice = app.signed_in("Reseller A", Role::Admin).await;
    let bob = app.signed_in("Reseller B", Role::Admin).await;
    let bobs = finished_run(
        &app,
        bob.reseller_id,
        CheckRunStatus::Done,
        RunCounts::default(),
    )
    .await;

    let page = alice.client.get(&format!("/check/runs/{bobs}")).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("Page not found"));
    assert!(
        !alice
            .client
            .get("/")
            .await
            .body
            .contains(&format!("/check/runs/{bobs}"))
    );
    for path in ["/check/runs/not-a-number", "/check/runs/999999"] {
        assert_eq!(alice.client.get(path).await.status, StatusCode::NOT_FOUND);
    }
    let own = bob.client.get(&format!("/check/runs/{bobs}")).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body.contains("This run found no new orders."));
}

#[tokio::test]
async fn what_needs_attention_counts_unmapped_customers_and_products_and_links_to_them() {
    let app = spawn_app().await;
    let user = app.signed_in("Acme", Role::Operator).await;
    let reseller = user.reseller_id;
    let nothing = user.client.get("/").await.body;
    assert!(nothing.contains("Nothing needs attention."));

    // Three tasks, each of its own customer; one customer mapped.
    let tasks = [
        crate::support::insert_task(app.db(), reseller, "A-1").await,
        crate::support::insert_task(app.db(), reseller, "A-2").await,
        crate::support::insert_task(app.db(), reseller, "A-3").await,
    ];
    let customers = db::catalog::find_customers_for_reseller(app.db(), reseller)
        .await
        .unwrap();
    assert_eq!(customers.len(), 3);
    db::mappings::set_customer_company(app.db(), reseller, customers[0].id, Some(29_683_511))
        .await
        .unwrap();
    // Two products, one mapped.
    let key = |mpn: &str| ProductKey {
        mpn: mpn.into(),
        vendor: "Microsoft".into(),
        billing_period: "1 month".into(),
        subscription_period: "1 year".into(),
    };
    let mapped = db::catalog::upsert_product(app.db(), reseller, &key("P-1"), "Plan 1")
        .await
        .unwrap();
    db::catalog::upsert_product(app.db(), reseller, &key("P-2"), "Plan 2")
        .await
        .unwrap();
    db::mappings::set_product_service(app.db(), reseller, mapped, Some(31))
        .await
        .unwrap();
    move_new_task(&app, reseller, tasks[0], TaskStatus::Conflict).await;
    move_new_task(&app, reseller, tasks[1], TaskStatus::Failed).await;

    let body = user.client.get("/").await.body;
    for expected in [
        "<a href=\"/mapping?unmapped=1\"><strong>2</strong> customers not mapped to an Autotask company</a>",
        "<a href=\"/mapping/products?unmapped=1\"><strong>1</strong> product not mapped to an Autotask service</a>",
        "<a href=\"/tasks?status=conflict\"><strong>1</strong> task in conflict",
        "<a href=\"/tasks?status=failed\"><strong>1</strong> task failed</a>",
    ] {
        assert!(body.contains(expected), "{expected} in {body}");
    }
    assert!(!body.contains("Nothing needs attention."));
    for (status, task) in [("conflict", tasks[0]), ("failed", tasks[1])] {
        let list = user.client.get(&format!("/tasks?status={status}")).await;
        assert_eq!(list.body.matches("name=\"task\"").count(), 1, "{status}");
        assert!(list.body.contains(&format!("href=\"/tasks/{task}\"")));
    }
}

/// 10,000 tasks in bulk: status `i % 8`, type `i % 6`, in the order the words are listed.
async fn insert_many_tasks(app: &TestApp, reseller: ResellerId, n: usize) {
    use entities::sync_tasks;
    use sea_orm::{EntityTrait, Set};
    const STATUSES: [&str; 8] = [
        "new", "ready", "queued", "applying", "done", "failed", "conflict", "ignored",
    ];
    const TYPES: [&str; 6] = [
        "sales",
        "change",
        "billing",
        "cancellation",
        "renewal",
        "reconcile",
    ];
    let now = Utc::now().fixed_offset();
    let rows: Vec<sync_tasks::ActiveModel> = (0..n)
        .map(|i| sync_tasks::ActiveModel {
            reseller_id: Set(reseller.0),
            mp_order_id: Set(format!("BULK-{i}")),
            order_number: Set(format!("SO{i:06}")),
            order_type: Set("sales".into()),
            task_type: Set(TYPES[i % 6].into()),
            status: Set(STATUSES[i % 8].into()),
            order_created_at: Set(now),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(500) {
        sync_tasks::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(app.db())
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn with_ten_thousand_tasks_the_dashboard_counts_them_all_in_well_under_a_second() {
    let app = spawn_app().await;
    let user = app.signed_in("Acme", Role::Operator).await;
    insert_many_tasks(&app, user.reseller_id, 10_000).await;

    let started = std::time::Instant::now();
    let page = user.client.get("/").await;
    let took = started.elapsed();
    assert_eq!(page.status, StatusCode::OK);
    // 10,000 / 8 in each state; 10,000 = 6 × 1,666 + 4, so the first four types have one more.
    for slug in [
        "new", "ready", "queued", "applying", "done", "failed", "conflict", "ignored",
    ] {
        assert_eq!(count_shown(&page.body, slug), 1_250, "{slug}");
    }
    let by_type: Vec<i64> = [
        "sales",
        "change",
        "billing",
        "cancellation",
        "renewal",
        "reconcile",
    ]
    .iter()
    .map(|slug| count_shown(&page.body, slug))
    .collect();
    assert_eq!(by_type, [1_667, 1_667, 1_667, 1_667, 1_666, 1_666]);
    // Open: new, ready, queued, failed and conflict.
    assert!(
        page.body
            .contains("Open sync tasks: <strong id=\"open-tasks\">6250</strong>")
    );
    // Counted by GROUP BY, not by loading tasks: far below a second even unoptimised.
    assert!(took < std::time::Duration::from_secs(1), "took {took:?}");
}

#[tokio::test]
async fn without_javascript_the_button_starts_a_run_and_a_reload_shows_its_result_and_counts() {
    let app = spawn_app().await;
    let user = app.signed_in("Acme", Role::Admin).await;
    crate::browser::connect_marketplace(&user).await;
    let mut events = app.job_events();

    let started = user.client.post_form("/check", &[]).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER);
    assert_eq!(started.location.as_deref(), Some("/"));
    let ok = tokio::time::timeout(std::time::Duration::from_secs(30), async {
        loop {
            if let Ok(psa_sync::queue::JobEvent::Finished {
                job: "check-changes",
                ok,
                ..
            }) = events.recv().await
            {
                return ok;
            }
        }
    })
    .await
    .expect("the run ended within 30 s");
    assert!(ok);

    let body = user.client.get("/").await.body;
    assert!(body.contains("<strong>23 new tasks</strong>"), "{body}");
    assert_eq!(count_shown(&body, "new"), 23);
    assert_eq!(count_shown(&body, "sales"), 13);
    assert!(body.contains("<td>Button</td><td><span class=\"badge\">Success</span></td>"));
    assert!(
        !body.contains("<script>"),
        "no script once the run has ended: nothing is left to follow"
    );
}
