//! A user of reseller A must never reach a record of reseller B, through any route.

use psa_sync::domain::{accounts::Role, connections};
use reqwest::StatusCode;
use tests::spawn_app;

use crate::support::insert_task;

#[tokio::test]
async fn a_user_gets_404_for_every_record_of_another_reseller() {
    let app = spawn_app().await;
    let alice = app.signed_in("Reseller A", Role::Admin).await;
    let bob = app.signed_in("Reseller B", Role::Admin).await;
    let bobs_task = insert_task(app.db(), bob.reseller_id, "B-1001").await;
    let alices_task = insert_task(app.db(), alice.reseller_id, "A-2001").await;

    // Every route that takes a record id.
    let detail = alice.client.get(&format!("/tasks/{bobs_task}")).await;
    assert_eq!(detail.status, StatusCode::NOT_FOUND);
    assert!(!detail.body.contains("B-1001"));
    let ignore = alice
        .client
        .post_form(
            &format!("/tasks/{bobs_task}/ignore"),
            &[("reason", "not mine")],
        )
        .await;
    assert_eq!(ignore.status, StatusCode::NOT_FOUND);
    let unignore = alice
        .client
        .post_form(&format!("/tasks/{bobs_task}/unignore"), &[])
        .await;
    assert_eq!(unignore.status, StatusCode::NOT_FOUND);

    // Bob's task is untouched; Alice's own task is reachable.
    let task = psa_sync::db::tasks::find_task_for_reseller(app.db(), bob.reseller_id, bobs_task)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(task.status, psa_sync::model::task::TaskStatus::New);
    assert_eq!(
        alice
            .client
            .get(&format!("/tasks/{alices_task}"))
            .await
            .status,
        StatusCode::OK
    );

    // Lists never show another reseller's rows.
    let list = alice.client.get("/tasks").await;
    assert!(list.body.contains("SO-A-2001"));
    assert!(!list.body.contains("SO-B-1001"));
}

#[tokio::test]
async fn settings_show_only_the_signed_in_resellers_connection() {
    let app = spawn_app().await;
    let alice = app.signed_in("Reseller A", Role::Admin).await;
    let bob = app.signed_in("Reseller B", Role::Admin).await;
    let saved = bob
        .client
        .post_form(
            "/settings/autotask",
            &[
                ("username", "bob-api@b.example"),
                ("secret", "bobs-secret"),
                ("integration_code", "BOBCODE"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);

    let page = alice.client.get("/settings").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("bob-api@b.example"));
    assert!(!page.body.contains("BOBCODE"));
    assert!(
        connections::autotask_connection_summary(app.db(), alice.reseller_id)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn ignoring_and_unignoring_ones_own_task_works() {
    let app = spawn_app().await;
    let alice = app.signed_in("Reseller A", Role::Operator).await;
    let task = insert_task(app.db(), alice.reseller_id, "A-3001").await;

    let ignored = alice
        .client
        .post_form(
            &format!("/tasks/{task}/ignore"),
            &[("reason", "test order")],
        )
        .await;
    assert_eq!(ignored.status, StatusCode::SEE_OTHER);
    let page = alice.client.get(&format!("/tasks/{task}")).await;
    assert!(page.body.contains("Ignored because: test order"));

    let reopened = alice
        .client
        .post_form(&format!("/tasks/{task}/unignore"), &[])
        .await;
    assert_eq!(reopened.status, StatusCode::SEE_OTHER);
    let row = psa_sync::db::tasks::find_task_for_reseller(app.db(), alice.reseller_id, task)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status, psa_sync::model::task::TaskStatus::New);
    assert_eq!(row.ignore_reason, None);
}
