//! Friendly error pages, health and metrics.

use futures::StreamExt;
use psa_sync::domain::accounts::Role;
use reqwest::StatusCode;
use tests::{Client, spawn_app};

#[tokio::test]
async fn an_unknown_address_shows_a_friendly_404_page() {
    let app = spawn_app().await;
    let page = Client::new(&app.address).get("/no/such/page").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.content_type.starts_with("text/html"));
    assert!(page.body.contains("Page not found"));
}

#[tokio::test]
async fn a_malformed_id_or_form_shows_a_page_not_a_bare_error() {
    let app = spawn_app().await;
    let user = app.signed_in("Acme", Role::Admin).await;
    let page = user.client.get("/tasks/not-a-number").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("Page not found"));

    let form = user.client.post_form("/tasks/1/ignore", &[]).await;
    assert_eq!(form.status, StatusCode::BAD_REQUEST);
    assert!(form.content_type.starts_with("text/html"));
    assert!(form.body.contains("That did not work"));
}

#[tokio::test]
async fn ignoring_without_a_reason_is_explained() {
    let app = spawn_app().await;
    let user = app.signed_in("Acme", Role::Admin).await;
    let task = crate::support::insert_task(app.db(), user.reseller_id, "E-1").await;
    let page = user
        .client
        .post_form(&format!("/tasks/{task}/ignore"), &[("reason", "  ")])
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("a reason is required"));
}

#[tokio::test]
async fn healthz_answers_ok_when_the_database_answers() {
    let app = spawn_app().await;
    let page = Client::new(&app.address).get("/healthz").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body, "ok");
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status() {
    let app = spawn_app().await;
    let client = Client::new(&app.address);
    client.get("/healthz").await;
    client.get("/tasks/5").await;
    let page = client.get("/metrics").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(
            r#"psa_sync_http_requests_total{method="GET",route="/healthz",status="200"} 1"#
        ),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(r#"route="/tasks/{id}",status="303""#),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn five_thousand_requests_with_random_methods_and_paths_leave_metrics_small() {
    let app = spawn_app().await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    // Methods and paths a client makes up: every one new, none should become a label value.
    let requests = (0..5_000).map(|n| {
        let method = reqwest::Method::from_bytes(format!("X{n:05}").as_bytes()).unwrap();
        let url = format!("{}/no/such/page/{n}/{}", app.address, uuid::Uuid::new_v4());
        http.request(method, url).send()
    });
    let mut pending = futures::stream::iter(requests).buffer_unordered(32);
    while let Some(answer) = pending.next().await {
        answer.expect("every request is answered");
    }
    let page = Client::new(&app.address).get("/metrics").await;
    assert!(
        page.body.len() < 64 * 1024,
        "/metrics is {} bytes:\n{}",
        page.body.len(),
        &page.body[..page.body.len().min(2_000)]
    );
    assert!(
        page.body.contains(
            r#"psa_sync_http_requests_total{method="OTHER",route="unmatched",status="404"} 5000"#
        ),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn every_answer_carries_the_security_headers_and_pages_run_no_inline_script() {
    let app = spawn_app().await;
    let user = app.signed_in("Acme", Role::Admin).await;
    let http = reqwest::Client::new();
    for path in [
        "/login",
        "/healthz",
        "/no/such/page",
        "/static/dashboard.js",
    ] {
        let answer = http
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        let headers = answer.headers();
        let csp = headers
            .get("content-security-policy")
            .unwrap_or_else(|| panic!("{path}: no CSP"))
            .to_str()
            .unwrap();
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert!(
            !csp.contains("script-src 'self' 'unsafe-inline'"),
            "{path}: {csp}"
        );
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "same-origin", "{path}");
    }
    for path in ["/", "/tasks", "/mapping", "/import", "/settings", "/log"] {
        let page = user.client.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(
            !page.body.contains("<script>"),
            "{path} has an inline script: {}",
            page.body
        );
    }
    let script = Client::new(&app.address).get("/static/progress.js").await;
    assert_eq!(script.status, StatusCode::OK);
    assert!(script.content_type.starts_with("text/javascript"));
    assert!(script.body.contains("/panel"));
    let missing = Client::new(&app.address).get("/static/nothing.js").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn with_a_metrics_token_set_metrics_answer_only_the_bearer_of_it() {
    let data_dir = std::sync::Arc::new(tempfile::tempdir().unwrap());
    let mut settings = tests::test_settings(&data_dir).await;
    settings.metrics_token = Some(secrecy::SecretString::from("scrape-me-please"));
    let app = tests::spawn_app_with(settings, data_dir).await;
    let http = reqwest::Client::new();
    let url = format!("{}/metrics", app.address);
    for header in [
        None,
        Some("Bearer wrong"),
        Some("scrape-me-please"),
        Some("Bearer "),
    ] {
        let mut request = http.get(&url);
        if let Some(value) = header {
            request = request.header("Authorization", value);
        }
        let answer = request.send().await.unwrap();
        assert_eq!(answer.status(), StatusCode::UNAUTHORIZED, "{header:?}");
        assert_eq!(answer.headers()["www-authenticate"], "Bearer");
    }
    let answer = http
        .get(&url)
        .header("Authorization", "Bearer scrape-me-please")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    assert!(
        answer
            .text()
            .await
            .unwrap()
            .contains("psa_sync_http_requests_total")
    );
}
