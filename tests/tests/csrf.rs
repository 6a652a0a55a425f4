//! Every POST without the session's form token is refused with 403 and changes nothing.

use psa_sync::domain::accounts::Role;
use reqwest::StatusCode;
use tests::Client;
use tests::spawn_app;

use crate::support::insert_task;

#[tokio::test]
async fn every_post_route_refuses_a_missing_or_wrong_token_and_changes_nothing() {
    let app = spawn_app().await;
    let admin = app.signed_in("Acme", Role::Admin).await;
    let task = insert_task(app.db(), admin.reseller_id, "O-1").await;
    let ignore = format!("/tasks/{task}/ignore");
    let unignore = format!("/tasks/{task}/unignore");
    let posts: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("/logout", vec![]),
        (&ignore, vec![("reason", "x")]),
        (&unignore, vec![]),
        (
            "/settings/autotask",
            vec![
                ("username", "u"),
                ("secret", "s"),
                ("integration_code", "c"),
            ],
        ),
        ("/settings/autotask/test", vec![]),
        ("/check", vec![]),
        ("/settings/marketplace/test", vec![]),
        (
            "/tasks/bulk",
            vec![("task", "1"), ("action", "ignore"), ("reason", "x")],
        ),
        (
            "/settings/marketplace",
            vec![
                ("base_url", "http://127.0.0.1"),
                ("marketplace_code", "MP"),
                ("username", "u"),
                ("password", "p"),
                ("subscription_key", "k"),
            ],
        ),
        ("/settings/test-job", vec![]),
    ];
    for (path, fields) in &posts {
        let missing = admin.client.post_form_raw(path, fields).await;
        assert_eq!(
            missing.status,
            StatusCode::FORBIDDEN,
            "{path} without a token"
        );
        let mut wrong = fields.clone();
        wrong.push(("csrf_token", "forged"));
        let forged = admin.client.post_form_raw(path, &wrong).await;
        assert_eq!(
            forged.status,
            StatusCode::FORBIDDEN,
            "{path} with a forged token"
        );
        assert!(forged.body.contains("This form has expired"));
    }

    // Nothing changed: still signed in, task still new, no connection, no job queued or run.
    assert_eq!(admin.client.get("/").await.status, StatusCode::OK);
    let row = psa_sync::db::tasks::find_task_for_reseller(app.db(), admin.reseller_id, task)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status, psa_sync::model::task::TaskStatus::New);
    assert!(
        psa_sync::db::connections::find_autotask_connection(app.db(), admin.reseller_id)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        psa_sync::db::connections::find_marketplace_connection(app.db(), admin.reseller_id)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_login_post_without_a_token_is_refused() {
    let app = spawn_app().await;
    let user = app.user("Acme", Role::Admin).await;
    let client = Client::new(&app.address);
    let page = client
        .post_form_raw(
            "/login",
            &[("email", &user.email), ("password", &user.password)],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(client.get("/").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_token_from_another_session_is_refused() {
    let app = spawn_app().await;
    let alice = app.signed_in("Acme", Role::Admin).await;
    let mallory = app.signed_in("Acme", Role::Admin).await;
    let mallorys_token = mallory.client.csrf_token().await;
    let page = alice
        .client
        .post_form_raw("/logout", &[("csrf_token", &mallorys_token)])
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
}
