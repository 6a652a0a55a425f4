//! The review page uses contracts and services read a short while ago again; Sync All never
//! does, so a price changed in Autotask in between is caught before anything is written.

use psa_sync::{domain::accounts::Role, model::task::TaskType};
use reqwest::{Method, StatusCode};
use tests::{
    TestUser,
    engine::{Reseller, day},
    forms::form_fields,
    spawn_app,
};

async fn post(user: &TestUser, path: &str, fields: &[(String, String)]) -> tests::Page {
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    user.client.post_form_raw(path, &fields).await
}

#[tokio::test]
async fn a_price_changed_in_autotask_after_the_review_page_is_caught_by_sync_all() {
    let app = spawn_app().await;
    let r = Reseller::new(
        &app,
        "Contoso Ltd",
        "Microsoft 365 E3 (Monthly)",
        1,
        (day(2026, 1, 1), day(2027, 12, 31)),
    )
    .await;
    let user = app.signed_in("Engine Reseller", Role::Admin).await;
    let subscription = r.subscription(&app, "Contoso", "month:1", "30").await;
    let task = r
        .task(
            &app,
            subscription,
            TaskType::Sales,
            (0, 3),
            day(2026, 11, 20),
        )
        .await;
    let review = format!("/tasks/{task}/review");
    let sync = format!("/tasks/{task}/sync");

    let shown = user.client.get(&review).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    assert!(
        shown.body.contains("value=\"36.00\""),
        "the seed's E3 price"
    );
    let seen = form_fields(&shown.body, &sync);

    // Someone changes the service's price in Autotask itself.
    let (status, _) = app
        .autotask_raw(
            Method::PATCH,
            "Services",
            Some(serde_json::json!({"id": r.service, "unitPrice": 41.5})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let calls = r.client.calls().get("Services POST").copied().unwrap_or(0);
    let again = user.client.get(&review).await;
    assert!(
        again.body.contains("value=\"36.00\""),
        "the review page used the service it read a moment ago"
    );
    assert_eq!(
        r.client.calls().get("Services POST").copied().unwrap_or(0),
        calls,
        "without reading Services again"
    );

    let refused = post(&user, &sync, &seen).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("changed since the page was shown"),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("value=\"41.50\""),
        "the page shown again has what Sync All read"
    );
    assert!(
        psa_sync::db::journal::find_steps(app.db(), r.id, task)
            .await
            .unwrap()
            .is_empty(),
        "nothing was synced"
    );

    let synced = post(&user, &sync, &form_fields(&refused.body, &sync)).await;
    assert_eq!(synced.status, StatusCode::SEE_OTHER, "{}", synced.body);
    assert_eq!(
        synced.location.as_deref(),
        Some(format!("/tasks/{task}/progress").as_str())
    );
}
