use psa_sync::domain::accounts::Role;
use reqwest::StatusCode;
use tests::{Client, spawn_app};

#[tokio::test]
async fn signing_in_with_the_right_password_opens_the_dashboard() {
    let app = spawn_app().await;
    let user = app.user("Acme", Role::Admin).await;

    let login = user.client.login(&user.email, &user.password).await;
    assert_eq!(login.status, StatusCode::SEE_OTHER);
    assert_eq!(login.location.as_deref(), Some("/"));

    let dashboard = user.client.get("/").await;
    assert_eq!(dashboard.status, StatusCode::OK);
    assert!(dashboard.body.contains("Dashboard"));
    assert!(dashboard.body.contains(&user.email));
}

#[tokio::test]
async fn a_wrong_password_shows_an_error_and_creates_no_session() {
    let app = spawn_app().await;
    let user = app.user("Acme", Role::Admin).await;

    let login = user.client.login(&user.email, "not the password").await;
    assert_eq!(login.status, StatusCode::UNAUTHORIZED);
    assert!(
        login
            .body
            .contains("The e-mail or password is not correct.")
    );
    assert!(
        !login.body.contains("not the password"),
        "the typed password is echoed"
    );

    let dashboard = user.client.get("/").await;
    assert_eq!(dashboard.status, StatusCode::SEE_OTHER);
    assert_eq!(dashboard.location.as_deref(), Some("/login"));
}

#[tokio::test]
async fn an_unknown_email_gets_the_same_answer_as_a_wrong_password() {
    let app = spawn_app().await;
    let client = Client::new(&app.address);
    let login = client
        .login("nobody@example.com", "whatever-password")
        .await;
    assert_eq!(login.status, StatusCode::UNAUTHORIZED);
    assert!(
        login
            .body
            .contains("The e-mail or password is not correct.")
    );
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let app = spawn_app().await;
    let user = app.signed_in("Acme", Role::Operator).await;

    let logout = user.client.post_form("/logout", &[]).await;
    assert_eq!(logout.status, StatusCode::SEE_OTHER);
    assert_eq!(
        user.client.get("/tasks").await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn every_page_requires_signing_in() {
    let app = spawn_app().await;
    let client = Client::new(&app.address);
    for path in [
        "/",
        "/tasks",
        "/tasks/1",
        "/mapping",
        "/import",
        "/settings",
        "/log",
    ] {
        let page = client.get(path).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(page.location.as_deref(), Some("/login"), "{path}");
    }
}

#[tokio::test]
async fn an_operator_cannot_open_or_change_settings() {
    let app = spawn_app().await;
    let operator = app.signed_in("Acme", Role::Operator).await;

    let page = operator.client.get("/settings").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains("Only an administrator"));

    let token = operator.client.get("/tasks").await.csrf_token().unwrap();
    let save = operator
        .client
        .post_form_raw(
            "/settings/autotask",
            &[
                ("username", "u"),
                ("secret", "s"),
                ("integration_code", "c"),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(save.status, StatusCode::FORBIDDEN);
    let stored =
        psa_sync::db::connections::find_autotask_connection(app.db(), operator.reseller_id)
            .await
            .unwrap();
    assert!(stored.is_none());
}
