//! The Tasks page: filters, counts per status, and bulk ignore / un-ignore.

use psa_sync::domain::accounts::Role;
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
