//! Thread limit, hourly threshold and injected faults, seen from the sandbox and the client.

use std::time::Duration;

use futures::future::join_all;
use psa_sync::autotask::{AutotaskClient, AutotaskError, Filter, QueryBody, models::Company};
use psa_sync::sandbox::autotask::seed;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tests::{TestApp, spawn_app};

async fn raw_get(app: &TestApp, path: &str) -> (StatusCode, Value, Option<String>) {
    let response = reqwest::Client::new()
        .get(format!(
            "{}/sandbox/autotask/ATServicesRest/V1.0/{path}",
            app.address
        ))
        .header("ApiIntegrationCode", seed::INTEGRATION_CODE)
        .header("UserName", seed::API_USER)
        .header("Secret", seed::API_SECRET)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (
        status,
        response.json().await.unwrap_or(Value::Null),
        retry_after,
    )
}

fn client_without_retries(app: &TestApp) -> AutotaskClient {
    let mut config = app.autotask_config();
    config.max_retries = 0;
    AutotaskClient::new(config).unwrap()
}

async fn any_company_id(client: &AutotaskClient) -> i64 {
    client
        .query::<Company>(
            "Companies",
            &QueryBody::new(vec![Filter::eq("companyName", "Contoso Ltd")]),
        )
        .await
        .unwrap()[0]
        .id
}

#[tokio::test]
async fn a_fourth_concurrent_request_on_one_entity_gets_429_itgenatr005() {
    let app = spawn_app().await;
    app.autotask_sandbox
        .update_faults(|f| f.injected.latency_ms = 1_000);
    let results = join_all((0..4).map(|_| raw_get(&app, "Companies/entityInformation"))).await;
    let refused: Vec<_> = results
        .iter()
        .filter(|(s, _, _)| *s == StatusCode::TOO_MANY_REQUESTS)
        .collect();
    assert_eq!(refused.len(), 1, "{results:?}");
    assert!(
        refused[0].1["errors"][0]
            .as_str()
            .unwrap()
            .contains("Itgenatr005")
    );
    assert_eq!(
        results
            .iter()
            .filter(|(s, _, _)| *s == StatusCode::OK)
            .count(),
        3
    );
}

#[tokio::test]
async fn the_client_reports_a_thread_limit_refusal_as_thread_limited() {
    let app = spawn_app().await;
    let client = client_without_retries(&app);
    client.zone().await.unwrap();
    client.threshold().await.unwrap();
    app.autotask_sandbox.update_faults(|f| f.thread_limit = 0);
    match client.get::<Company>("Companies", 1).await {
        Err(AutotaskError::ThreadLimited(message)) => assert!(message.contains("Itgenatr005")),
        other => panic!("expected ThreadLimited, got {other:?}"),
    }
}

#[tokio::test]
async fn two_hundred_concurrent_client_calls_never_hit_the_thread_limit() {
    let app = spawn_app().await;
    let client = client_without_retries(&app);
    let id = any_company_id(&client).await;
    app.autotask_sandbox
        .update_faults(|f| f.injected.latency_ms = 15);
    let results = join_all((0..200).map(|_| client.get::<Company>("Companies", id))).await;
    let failures: Vec<_> = results.iter().filter(|r| r.is_err()).collect();
    assert!(
        failures.is_empty(),
        "{} failures, e.g. {:?}",
        failures.len(),
        failures.first()
    );
    assert!(client.calls().get("Companies GET").copied().unwrap_or(0) >= 200);
}

#[tokio::test]
async fn the_hourly_threshold_refuses_with_retry_after_and_the_client_says_rate_limited() {
    let app = spawn_app().await;
    app.autotask_sandbox.update_faults(|f| {
        f.threshold = 10;
        f.time_scale = 0.01;
    });
    for n in 1..=10 {
        let (status, _, _) = raw_get(&app, "ThresholdInformation").await;
        assert_eq!(status, StatusCode::OK, "request {n}");
    }
    let (status, body, retry_after) = raw_get(&app, "ThresholdInformation").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(body["errors"][0].as_str().unwrap().contains("threshold"));
    let retry_after: u64 = retry_after.expect("Retry-After").parse().unwrap();
    assert!((1..=36).contains(&retry_after), "{retry_after}");

    let client = client_without_retries(&app);
    match client.threshold().await {
        Err(AutotaskError::RateLimited(after)) => assert!(after >= Duration::from_secs(1)),
        other => panic!("expected RateLimited, got {other:?}"),
    }
}

#[tokio::test]
async fn threshold_information_reports_the_requests_of_the_window() {
    let app = spawn_app().await;
    for _ in 0..4 {
        raw_get(&app, "Companies/entityInformation").await;
    }
    let (_, body, _) = raw_get(&app, "ThresholdInformation").await;
    assert_eq!(body["currentTimeframeRequestCount"], 5);
}

#[tokio::test]
async fn a_429_with_retry_after_is_honoured_then_the_read_succeeds() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let id = any_company_id(&client).await;
    app.autotask_sandbox
        .update_faults(|f| f.injected.rate_limit_next = 1);
    let company: Option<Company> = client.get("Companies", id).await.unwrap();
    assert!(company.is_some());
    assert_eq!(client.calls().get("Companies GET"), Some(&2));
}

#[tokio::test]
async fn five_hundreds_and_timeouts_surface_as_transient() {
    let app = spawn_app().await;
    let mut config = app.autotask_config();
    config.max_retries = 0;
    config.timeout = Duration::from_millis(400);
    let client = AutotaskClient::new(config).unwrap();
    let id = any_company_id(&client).await;

    app.autotask_sandbox
        .update_faults(|f| f.injected.fail_next = 1);
    assert!(matches!(
        client.get::<Company>("Companies", id).await,
        Err(AutotaskError::Transient(_))
    ));

    app.autotask_sandbox.update_faults(|f| {
        f.injected.timeout_next = 1;
        f.injected.hold_ms = 2_000;
    });
    match client.get::<Company>("Companies", id).await {
        Err(AutotaskError::Transient(message)) => {
            assert!(message.contains("no answer in time"), "{message}")
        }
        other => panic!("expected Transient, got {other:?}"),
    }

    // With retries, a transient failure on a read is retried and succeeds.
    app.autotask_sandbox
        .update_faults(|f| f.injected.fail_next = 1);
    let retrying = app.autotask_client();
    assert!(
        retrying
            .get::<Company>("Companies", id)
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn a_write_whose_answer_is_lost_is_visible_on_re_read_and_not_repeated() {
    let app = spawn_app().await;
    let mut config = app.autotask_config();
    config.timeout = Duration::from_millis(400);
    let client = AutotaskClient::new(config).unwrap();
    let owner: Vec<Value> = client
        .query("Resources", &QueryBody::new(vec![Filter::all()]))
        .await
        .unwrap();
    app.autotask_sandbox.update_faults(|f| {
        f.injected.lose_next_answer = 1;
        f.injected.hold_ms = 2_000;
    });
    let result = client
        .create("Companies", &json!({"companyName":"Lost Answer Ltd","companyType":1,"phone":"1","ownerResourceID":owner[0]["id"]}))
        .await;
    assert!(
        matches!(result, Err(AutotaskError::Transient(_))),
        "{result:?}"
    );
    let found: Vec<Company> = client
        .query(
            "Companies",
            &QueryBody::new(vec![Filter::eq("companyName", "Lost Answer Ltd")]),
        )
        .await
        .unwrap();
    assert_eq!(found.len(), 1, "the write landed exactly once");
    assert_eq!(
        client.calls().get("Companies POST").copied(),
        Some(2),
        "one create, one re-read: no blind retry"
    );
}

#[tokio::test]
async fn a_write_refused_by_a_5xx_is_not_retried_blindly() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let owner: Vec<Value> = client
        .query("Resources", &QueryBody::new(vec![Filter::all()]))
        .await
        .unwrap();
    app.autotask_sandbox
        .update_faults(|f| f.injected.fail_next = 1);
    let result = client
        .create("Companies", &json!({"companyName":"Unlucky Ltd","companyType":1,"phone":"1","ownerResourceID":owner[0]["id"]}))
        .await;
    assert!(matches!(result, Err(AutotaskError::Transient(_))));
    assert_eq!(
        client
            .count("Companies", vec![Filter::eq("companyName", "Unlucky Ltd")])
            .await
            .unwrap(),
        0
    );
}
