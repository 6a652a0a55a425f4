//! The Tasks page: filters, counts per status, and bulk ignore / un-ignore.

use psa_sync::domain::accounts::Role;
use psa_sync::model::task::TaskStatus;
use reqwest::StatusCode;
use tests::spawn_app;

#[tokio::test]
async fn the_task_list_filters_counts_and_ignores_in_bulk() {
    let app = spawn_app().await;
    let admin = app.signed_in("Acme", Role::Operator).await;
    app.check_changes(admin.reseller_id, &app.marketplace_client())
        .await
        .unwrap();

    let all = admin.client.get("/tasks").await;
    assert_eq!(all.status, StatusCode::OK);
    let billing = admin.client.get("/tasks?type=billing").await;
    assert!(billing.body.contains("BO0"));
    assert!(!billing.body.contains("SO0"), "only billing tasks");
    let contoso = psa_sync::db::catalog::find_customers_for_reseller(app.db(), admin.reseller_id)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.name == "Contoso Limited")
        .unwrap();
    let by_customer = admin
        .client
        .get(&format!("/tasks?customer={}", contoso.id))
        .await;
    let rows = by_customer.body.matches("name=\"task\"").count();
    assert!(rows >= 1);
    assert_eq!(
        by_customer.body.matches("<td>Contoso Limited</td>").count(),
        rows
    );

    let mut tasks = psa_sync::db::tasks::find_tasks_for_reseller(
        app.db(),
        admin.reseller_id,
        &Default::default(),
        3,
    )
    .await
    .unwrap();
    tasks.truncate(3);
    let ids: Vec<String> = tasks.iter().map(|t| t.id.to_string()).collect();
    let mut form: Vec<(&str, &str)> = ids.iter().map(|id| ("task", id.as_str())).collect();
    form.push(("action", "ignore"));
    form.push(("reason", "handled by hand"));
    let done = admin.client.post_form("/tasks/bulk", &form).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let page = admin.client.get("/tasks").await;
    assert!(page.body.contains("3 tasks ignored."));
    assert!(
        page.body.contains("Ignored: <strong>3</strong>"),
        "counts per status"
    );
    let ignored = admin.client.get("/tasks?status=ignored").await;
    assert_eq!(ignored.body.matches("name=\"task\"").count(), 3);

    let mut form: Vec<(&str, &str)> = ids.iter().map(|id| ("task", id.as_str())).collect();
    form.push(("action", "unignore"));
    admin.client.post_form("/tasks/bulk", &form).await;
    assert!(
        admin
            .client
            .get("/tasks")
            .await
            .body
            .contains("3 tasks opened again.")
    );

    let no_reason = admin
        .client
        .post_form(
            "/tasks/bulk",
            &[("task", ids[0].as_str()), ("action", "ignore")],
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn bulk_actions_cannot_touch_another_resellers_tasks() {
    let app = spawn_app().await;
    let alice = app.signed_in("Reseller A", Role::Operator).await;
    let bob = app.signed_in("Reseller B", Role::Operator).await;
    let bobs = crate::support::insert_task(app.db(), bob.reseller_id, "B-9").await;
    let id = bobs.to_string();
    alice
        .client
        .post_form(
            "/tasks/bulk",
            &[("task", id.as_str()), ("action", "ignore"), ("reason", "x")],
        )
        .await;
    assert!(
        alice
            .client
            .get("/tasks")
            .await
            .body
            .contains("0 tasks ignored. 1 could not be changed")
    );
    let row = psa_sync::db::tasks::find_task_for_reseller(app.db(), bob.reseller_id, bobs)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status, psa_sync::model::task::TaskStatus::New);
}

/// Records `n` sales tasks of one customer, the order of task `i` (1…n) placed `i` minutes after
/// the first and numbered `SO-P{i:03}`, so the newest is `SO-P{n}`.
async fn numbered_tasks(
    db: &sea_orm::DatabaseConnection,
    reseller: psa_sync::model::ids::ResellerId,
    customer: psa_sync::model::ids::CustomerRowId,
    n: usize,
) -> Vec<psa_sync::model::ids::TaskId> {
    use chrono::{Duration, TimeZone, Utc};
    use psa_sync::model::task::{Direction, NewTask, OrderRef, Quantities, TaskFacts, TaskType};
    let first = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
    let tasks: Vec<NewTask> = (1..=n)
        .map(|i| {
            let created = first + Duration::minutes(i as i64 - 1);
            NewTask {
                reseller,
                order: OrderRef {
                    mp_order_id: format!("P{i:03}"),
                    order_number: format!("SO-P{i:03}"),
                    order_type: "sales".into(),
                    created_at: created,
                },
                facts: TaskFacts {
                    task_type: TaskType::Sales,
                    direction: Some(Direction::Up),
                    quantities: Quantities::between(Some(0), Some(1)),
                },
                customer,
                subscription: None,
                mp_subscription_id: None,
                product: None,
                effective_date: created.date_naive(),
                order_snapshot: serde_json::json!({}),
            }
        })
        .collect();
    let inserted = psa_sync::db::tasks::insert_tasks_if_new(db, &tasks)
        .await
        .unwrap();
    assert_eq!(inserted, n as u64);
    let mut ids: Vec<_> =
        psa_sync::db::tasks::find_tasks_for_reseller(db, reseller, &Default::default(), 10_000)
            .await
            .unwrap()
            .into_iter()
            .filter(|t| t.customer == Some(customer))
            .map(|t| t.id)
            .collect();
    ids.reverse();
    ids
}

async fn customer(
    db: &sea_orm::DatabaseConnection,
    reseller: psa_sync::model::ids::ResellerId,
    name: &str,
) -> psa_sync::model::ids::CustomerRowId {
    psa_sync::db::catalog::upsert_customer(db, reseller, &format!("MP-{name}"), name)
        .await
        .unwrap()
}

fn rows(page: &tests::Page) -> usize {
    page.body.matches("name=\"task\"").count()
}

#[tokio::test]
async fn a_hundred_and_twenty_tasks_fill_two_pages_of_fifty_and_one_of_twenty() {
    let app = spawn_app().await;
    let user = app.signed_in("Pager", Role::Operator).await;
    let contoso = customer(app.db(), user.reseller_id, "Contoso").await;
    numbered_tasks(app.db(), user.reseller_id, contoso, 120).await;

    let first = user.client.get("/tasks").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(rows(&first), 50);
    assert!(first.body.contains("Showing 1–50 of 120"), "{}", first.body);
    assert!(first.body.contains(">SO-P120<"), "newest first");
    assert!(first.body.contains(">SO-P071<"));
    assert!(!first.body.contains(">SO-P070<"), "the 51st is on page 2");
    assert!(first.body.contains(r#"href="/tasks?page=2""#));
    assert!(
        !first.body.contains(r#"rel="prev""#),
        "nothing before page 1"
    );

    let second = user.client.get("/tasks?page=2").await;
    assert_eq!(rows(&second), 50);
    assert!(second.body.contains("Showing 51–100 of 120"));
    assert!(second.body.contains(">SO-P070<") && second.body.contains(">SO-P021<"));
    assert!(second.body.contains(r#"rel="prev" href="/tasks?page=1""#));
    assert!(second.body.contains(r#"rel="next" href="/tasks?page=3""#));

    let third = user.client.get("/tasks?page=3").await;
    assert_eq!(rows(&third), 20);
    assert!(third.body.contains("Showing 101–120 of 120"));
    assert!(third.body.contains(">SO-P020<") && third.body.contains(">SO-P001<"));
    assert!(third.body.contains(r#"rel="prev" href="/tasks?page=2""#));
    assert!(!third.body.contains(r#"rel="next""#), "page 3 is the last");
}

#[tokio::test]
async fn the_previous_and_next_links_keep_the_filters() {
    let app = spawn_app().await;
    let user = app.signed_in("Pager", Role::Operator).await;
    let contoso = customer(app.db(), user.reseller_id, "Contoso").await;
    let fabrikam = customer(app.db(), user.reseller_id, "Fabrikam").await;
    let ids = numbered_tasks(app.db(), user.reseller_id, contoso, 120).await;
    numbered_tasks_of_fabrikam(&app, user.reseller_id, fabrikam).await;
    // The 70 oldest of Contoso's tasks are ignored: 50 on page 1, 20 on page 2.
    let moved = psa_sync::db::tasks::change_tasks_status(
        app.db(),
        user.reseller_id,
        &ids[..70],
        TaskStatus::New,
        TaskStatus::Ignored,
    )
    .await
    .unwrap();
    assert_eq!(moved, 70);

    let filtered = format!("/tasks?type=sales&status=ignored&customer={contoso}");
    let first = user.client.get(&filtered).await;
    assert_eq!(rows(&first), 50);
    assert!(first.body.contains("Showing 1–50 of 70"), "{}", first.body);
    let next = format!(
        r#"rel="next" href="/tasks?type=sales&amp;status=ignored&amp;customer={contoso}&amp;page=2""#
    );
    assert!(first.body.contains(&next), "{}", first.body);

    let second = user.client.get(&format!("{filtered}&page=2")).await;
    assert_eq!(rows(&second), 20);
    assert!(second.body.contains("Showing 51–70 of 70"));
    assert!(second.body.contains(">SO-P001<"));
    let prev = format!(
        r#"rel="prev" href="/tasks?type=sales&amp;status=ignored&amp;customer={contoso}&amp;page=1""#
    );
    assert!(second.body.contains(&prev));
    assert!(
        !second.body.contains("Fabrikam</td>"),
        "only Contoso's tasks"
    );

    let new_only = user.client.get("/tasks?status=new").await;
    assert!(
        new_only.body.contains("Showing 1–50 of 55"),
        "50 of Contoso's and 5 of Fabrikam's are new"
    );
    assert!(
        new_only
            .body
            .contains(r#"href="/tasks?status=new&amp;page=2""#)
    );
}

/// Five tasks of Fabrikam, ordered after Contoso's.
async fn numbered_tasks_of_fabrikam(
    app: &tests::TestApp,
    reseller: psa_sync::model::ids::ResellerId,
    fabrikam: psa_sync::model::ids::CustomerRowId,
) {
    let task = |i: usize| psa_sync::model::task::NewTask {
        reseller,
        order: psa_sync::model::task::OrderRef {
            mp_order_id: format!("F{i}"),
            order_number: format!("SO-F{i}"),
            order_type: "sales".into(),
            created_at: chrono::Utc::now(),
        },
        facts: psa_sync::model::task::TaskFacts {
            task_type: psa_sync::model::task::TaskType::Sales,
            direction: None,
            quantities: psa_sync::model::task::Quantities::between(Some(0), Some(1)),
        },
        customer: fabrikam,
        subscription: None,
        mp_subscription_id: None,
        product: None,
        effective_date: chrono::Utc::now().date_naive(),
        order_snapshot: serde_json::json!({}),
    };
    let tasks: Vec<_> = (1..=5).map(task).collect();
    assert_eq!(
        psa_sync::db::tasks::insert_tasks_if_new(app.db(), &tasks)
            .await
            .unwrap(),
        5
    );
}

#[tokio::test]
async fn a_page_past_the_end_is_empty_with_a_link_back_to_the_last_page() {
    let app = spawn_app().await;
    let user = app.signed_in("Pager", Role::Operator).await;
    let contoso = customer(app.db(), user.reseller_id, "Contoso").await;
    numbered_tasks(app.db(), user.reseller_id, contoso, 120).await;

    let past = user.client.get("/tasks?page=9").await;
    assert_eq!(past.status, StatusCode::OK);
    assert_eq!(rows(&past), 0);
    assert!(
        past.body
            .contains("Page 9 is past the end of the list: 120 tasks match, on 3 pages.")
    );
    assert!(past.body.contains(r#"href="/tasks?page=3""#), "a link back");

    let far = user.client.get("/tasks?page=18446744073709551615").await;
    assert_eq!(far.status, StatusCode::OK);
    assert_eq!(rows(&far), 0);
    assert!(far.body.contains(r#"href="/tasks?page=3""#));
}

#[tokio::test]
async fn a_page_that_is_not_a_whole_number_from_one_up_is_the_first_page() {
    let app = spawn_app().await;
    let user = app.signed_in("Pager", Role::Operator).await;
    let contoso = customer(app.db(), user.reseller_id, "Contoso").await;
    numbered_tasks(app.db(), user.reseller_id, contoso, 120).await;

    for page in [
        "abc",
        "-1",
        "0",
        "1.5",
        "",
        "99999999999999999999999",
        "%3Cscript%3E",
    ] {
        let answer = user.client.get(&format!("/tasks?page={page}")).await;
        assert_eq!(answer.status, StatusCode::OK, "page={page}");
        assert_eq!(rows(&answer), 50, "page={page}");
        assert!(answer.body.contains("Showing 1–50 of 120"), "page={page}");
        assert!(answer.body.contains(">SO-P120<"), "page={page}");
    }
}
