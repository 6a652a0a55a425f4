//! The dashboard in a real (headless) browser, with JavaScript: Check Changes shows its progress
//! live and the counts change when the run ends, without a reload. Screenshots of each step go
//! to `target/screenshots/`.
//!
//! Counts are the seed's, worked out in `check_changes.rs`: the first run makes 23 tasks, all
//! `new` — 13 Sales, 6 Change, 1 each of Cancellation, Renewal, Reconcile and Billing.

use psa_sync::{domain::accounts::Role, sandbox::marketplace::seed};
use reqwest::StatusCode;
use tests::{TestApp, TestUser, browser::Browser, spawn_app};

/// Saves the sandbox marketplace as the reseller's connection, through the settings form.
pub(crate) async fn connect_marketplace(user: &TestUser) {
    let fields = [
        ("base_url", "/sandbox/marketplace"),
        ("marketplace_code", seed::MARKETPLACE),
        ("username", seed::USERNAME),
        ("password", seed::PASSWORD),
        ("subscription_key", seed::SUBSCRIPTION_KEY),
    ];
    let saved = user
        .client
        .post_form("/settings/marketplace", &fields)
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
}

async fn sign_in(browser: &Browser, user: &TestUser) {
    browser.goto("/login").await;
    browser.fill("E-mail", &user.email).await;
    browser.fill("Password", &user.password).await;
    browser.screenshot("01-sign-in").await;
    browser.click_button("Sign in").await;
    browser.wait_for_text("Check Changes").await;
}

/// A marketplace that answers slowly (`slow`) while the test looks at the progress bar, so the
/// run cannot end before the page has shown it; then a fast one lets the run finish.
fn slow_marketplace(app: &TestApp, slow: bool) {
    app.marketplace_sandbox
        .update_faults(|f| f.injected.latency_ms = if slow { 300 } else { 0 });
}

/// The count the dashboard shows for a state or type (by its slug).
async fn count_shown(browser: &Browser, slug: &str) -> String {
    let script = format!("return document.querySelector('[data-count={slug}]').innerText");
    match browser.eval(&script).await {
        serde_json::Value::String(text) => text,
        other => panic!("no count for {slug}: {other}"),
    }
}

#[tokio::test]
async fn check_changes_in_the_browser_shows_live_progress_then_the_new_counts_without_a_reload() {
    let app = spawn_app().await;
    let user = app.signed_in("Acme", Role::Admin).await;
    connect_marketplace(&user).await;
    let browser = Browser::start(&app, "dashboard").await;

    sign_in(&browser, &user).await;
    assert_eq!(browser.path().await, "/");
    let before = browser.text().await;
    assert!(before.contains("Open sync tasks: 0"), "{before}");
    browser.screenshot("02-dashboard-empty").await;

    slow_marketplace(&app, true);
    browser.click_button("Check Changes").await;
    browser.wait_for_text("Checking orders").await;
    // A reload would lose this; the live update must not.
    browser.eval("window.stillTheSamePage = true").await;
    browser.screenshot("03-check-in-progress").await;
    slow_marketplace(&app, false);

    // The panel shows the result first, then the script fetches the new counts.
    browser
        .wait_until("the run's result and the new counts", |page| {
            page.contains("23 new tasks") && page.contains("Open sync tasks: 23")
        })
        .await;
    assert_eq!(count_shown(&browser, "new").await, "23");
    assert_eq!(count_shown(&browser, "sales").await, "13");
    assert_eq!(count_shown(&browser, "change").await, "6");
    assert_eq!(
        browser
            .eval("return window.stillTheSamePage === true")
            .await,
        serde_json::Value::Bool(true),
        "the counts changed without reloading the page"
    );
    browser.screenshot("04-dashboard-after-check").await;

    let run_started = browser
        .client()
        .find(fantoccini::Locator::Css(
            "#recent-runs a[href^='/check/runs/']",
        ))
        .await
        .expect("the run in the list of recent runs");
    run_started.click().await.expect("opening the run");
    browser.wait_for_text("Task created").await;
    browser.screenshot("05-check-run").await;

    browser.click_link("Tasks").await;
    browser.wait_for_text("Sync tasks").await;
    browser.screenshot("06-tasks").await;
    let first = browser
        .client()
        .find(fantoccini::Locator::Css("table a[href^='/tasks/']"))
        .await
        .expect("a task in the list");
    let order_number = first.text().await.expect("its order number");
    first.click().await.expect("opening the task");
    browser.wait_for_text(&order_number).await;
    assert!(browser.path().await.starts_with("/tasks/"));
    browser.screenshot("07-task").await;
    browser.close().await;
}
