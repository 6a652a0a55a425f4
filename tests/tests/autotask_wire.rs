//! The client against answers the sandbox never gives: a mockito server that answers the zone
//! lookup, then the case. Each test names the typed error and how often the request was sent.

use std::time::Duration;

use mockito::{Matcher, Mock, ServerGuard};
use psa_sync::autotask::{AutotaskClient, AutotaskConfig, AutotaskError};
use secrecy::SecretString;
use serde_json::json;

const USER: &str = "api@wire.test";
const THRESHOLD: &str = "/ATServicesRest/V1.0/ThresholdInformation";
const COMPANIES: &str = "/ATServicesRest/V1.0/Companies";
const THREAD_LIMITED: &str = "Thread Threshold Exceeded: The Autotask API thread threshold of 3 threads has been exceeded. (Itgenatr005)";

/// A server whose zone lookup points the client back at itself, and the zone mock.
async fn server() -> (ServerGuard, Mock) {
    let mut server = mockito::Server::new_async().await;
    let zone = json!({"zoneName": "Wire", "url": format!("{}/ATServicesRest/", server.url()),
                      "webUrl": format!("{}/", server.url()), "ci": 7});
    let mock = server
        .mock("GET", "/atservicesrest/v1.0/zoneInformation")
        .match_query(Matcher::UrlEncoded("user".into(), USER.into()))
        .with_header("content-type", "application/json")
        .with_body(zone.to_string())
        .expect(1)
        .create_async()
        .await;
    (server, mock)
}

/// A client of the server with `max_retries` further attempts, quick back-offs and no pacing.
fn client(server: &ServerGuard, max_retries: u32) -> AutotaskClient {
    let mut config = AutotaskConfig::new(
        &format!("{}/atservicesrest", server.url()),
        USER,
        SecretString::from("secret"),
        "WIRE-INTEGRATION-CODE",
    );
    config.timeout = Duration::from_secs(5);
    config.max_retries = max_retries;
    config.retry_base = Duration::from_millis(1);
    config.max_retry_after = Duration::from_secs(2);
    config.pace_scale = 0.0;
    AutotaskClient::new(config).unwrap()
}

async fn answer(
    server: &mut ServerGuard,
    method: &str,
    path: &str,
    status: usize,
    content_type: &str,
    body: &str,
    hits: usize,
) -> Mock {
    server
        .mock(method, path)
        .with_status(status)
        .with_header("content-type", content_type)
        .with_body(body)
        .expect(hits)
        .create_async()
        .await
}

const JSON: &str = "application/json; charset=utf-8";

async fn threshold_ok(server: &mut ServerGuard, hits: usize) -> Mock {
    let body = r#"{"externalRequestThreshold":10000,"requestThresholdTimeframe":60,"currentTimeframeRequestCount":12}"#;
    answer(server, "GET", THRESHOLD, 200, JSON, body, hits).await
}

fn company() -> serde_json::Value {
    json!({"companyName": "Wire Ltd", "companyType": 1, "phone": "1", "ownerResourceID": 4})
}

#[tokio::test]
async fn malformed_json_on_a_200_is_a_decode_error_and_not_retried() {
    let (mut server, zone) = server().await;
    let case = answer(
        &mut server,
        "GET",
        THRESHOLD,
        200,
        JSON,
        r#"{"externalRequestThreshold":10000,"#,
        1,
    )
    .await;
    let client = client(&server, 2);
    let result = client.threshold().await;
    assert!(
        matches!(result, Err(AutotaskError::Decode(_))),
        "{result:?}"
    );
    case.assert_async().await;
    zone.assert_async().await;
}

#[tokio::test]
async fn an_html_503_page_is_transient_and_a_read_is_retried() {
    let (mut server, _zone) = server().await;
    let case = answer(
        &mut server,
        "GET",
        THRESHOLD,
        503,
        "text/html",
        "<html><body><h1>503 Service Unavailable</h1></body></html>",
        3,
    )
    .await;
    let client = client(&server, 2);
    assert_eq!(
        client.threshold().await,
        Err(AutotaskError::Transient(
            "HTTP 503 Service Unavailable".into()
        ))
    );
    case.assert_async().await;
    assert_eq!(client.calls().get("ThresholdInformation GET"), Some(&3));
}

#[tokio::test]
async fn an_html_500_page_is_transient_a_read_is_retried_and_a_write_is_not() {
    let (mut server, _zone) = server().await;
    let page = "<!DOCTYPE html><html><head><title>Runtime Error</title></head><body>Server Error in '/ATServicesRest' Application.</body></html>";
    let read = answer(&mut server, "GET", THRESHOLD, 500, "text/html", page, 2).await;
    let client = client(&server, 1);
    let expected = Err(AutotaskError::Transient(
        "HTTP 500 Internal Server Error".into(),
    ));
    assert_eq!(client.threshold().await.map(|_| ()), expected);
    read.assert_async().await;

    threshold_ok(&mut server, 1).await;
    let write = answer(&mut server, "POST", COMPANIES, 500, "text/html", page, 1).await;
    assert_eq!(
        client.create("Companies", &company()).await.map(|_| ()),
        expected,
        "it may have landed: not sent again"
    );
    write.assert_async().await;
}

#[tokio::test]
async fn an_unknown_error_shape_on_500_is_transient_not_a_business_rule() {
    let (mut server, _zone) = server().await;
    let case = answer(&mut server, "GET", THRESHOLD, 500, JSON, r#"{"foo":1}"#, 1).await;
    let client = client(&server, 0);
    assert_eq!(
        client.threshold().await,
        Err(AutotaskError::Transient(
            "HTTP 500 Internal Server Error".into()
        ))
    );
    case.assert_async().await;
}

#[tokio::test]
async fn a_business_rule_on_500_is_returned_at_once() {
    let (mut server, _zone) = server().await;
    threshold_ok(&mut server, 1).await;
    let message =
        "Reference value on field: ownerResourceID of type: Resource does not exist or is invalid.";
    let case = answer(
        &mut server,
        "POST",
        COMPANIES,
        500,
        JSON,
        &json!({ "errors": [message] }).to_string(),
        1,
    )
    .await;
    let client = client(&server, 3);
    assert_eq!(
        client.create("Companies", &company()).await,
        Err(AutotaskError::BusinessRule(vec![message.into()]))
    );
    case.assert_async().await;
}

#[tokio::test]
async fn a_thread_threshold_error_on_500_is_retried_and_the_next_answer_is_used() {
    let (mut server, _zone) = server().await;
    let refused = json!({ "errors": [THREAD_LIMITED] }).to_string();
    let first = answer(&mut server, "GET", THRESHOLD, 500, JSON, &refused, 1).await;
    let then = threshold_ok(&mut server, 1).await;
    let client = client(&server, 2);
    let info = client.threshold().await.unwrap();
    assert_eq!(info.current_timeframe_request_count, 12);
    first.assert_async().await;
    then.assert_async().await;

    // A write too: Autotask refused it, so it did not land.
    let first = answer(&mut server, "POST", COMPANIES, 500, JSON, &refused, 1).await;
    let then = answer(
        &mut server,
        "POST",
        COMPANIES,
        200,
        JSON,
        r#"{"itemId":29683664}"#,
        1,
    )
    .await;
    assert_eq!(client.create("Companies", &company()).await, Ok(29683664));
    first.assert_async().await;
    then.assert_async().await;
    assert_eq!(client.calls().get("Companies POST"), Some(&2));
}

#[tokio::test]
async fn a_thread_threshold_error_on_500_is_thread_limited_when_retries_run_out() {
    let (mut server, _zone) = server().await;
    let refused = json!({ "errors": [THREAD_LIMITED] }).to_string();
    let case = answer(&mut server, "GET", THRESHOLD, 500, JSON, &refused, 3).await;
    let client = client(&server, 2);
    assert_eq!(
        client.threshold().await,
        Err(AutotaskError::ThreadLimited(THREAD_LIMITED.into()))
    );
    case.assert_async().await;
}

#[tokio::test]
async fn an_hourly_threshold_error_on_500_is_rate_limited() {
    let (mut server, _zone) = server().await;
    // The reference's reading of the text (§7.1); no Retry-After on a 500.
    let refused = json!({"errors": ["The API request threshold has been exceeded. Further requests are blocked until the rolling hour clears."]}).to_string();
    let case = answer(&mut server, "GET", THRESHOLD, 500, JSON, &refused, 1).await;
    let client = client(&server, 2);
    assert_eq!(
        client.threshold().await,
        Err(AutotaskError::RateLimited(Duration::from_secs(60))),
        "a minute by default, longer than max_retry_after: given up at once"
    );
    case.assert_async().await;
}

#[tokio::test]
async fn an_hourly_threshold_error_on_500_with_retry_after_is_waited_out() {
    let (mut server, _zone) = server().await;
    let refused = json!({"errors": ["The API request threshold of 10000 requests per hour has been exceeded. Further requests are blocked until the rolling hour clears."]}).to_string();
    let first = server
        .mock("GET", THRESHOLD)
        .with_status(500)
        .with_header("content-type", JSON)
        .with_header("retry-after", "0")
        .with_body(&refused)
        .expect(1)
        .create_async()
        .await;
    let then = threshold_ok(&mut server, 1).await;
    let client = client(&server, 2);
    assert_eq!(
        client.threshold().await.unwrap().external_request_threshold,
        10_000
    );
    first.assert_async().await;
    then.assert_async().await;
}
