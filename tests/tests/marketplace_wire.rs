//! The marketplace client against answers the sandbox never gives, served by mockito: a token,
//! then the case. Each test names the typed error and how often the request was sent.

use std::time::Duration;

use mockito::{Matcher, ServerGuard};
use psa_sync::marketplace::{MarketplaceClient, MarketplaceConfig, MarketplaceError};
use secrecy::SecretString;

async fn server() -> ServerGuard {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("POST", "/token")
        .with_header("content-type", "application/json")
        .with_body(r#"{"token":"eyJwire","expiresInSeconds":1500}"#)
        .create_async()
        .await;
    server
}

fn client(server: &ServerGuard) -> MarketplaceClient {
    let mut config = MarketplaceConfig::new(
        &server.url(),
        "eu",
        "wire.user",
        SecretString::from("password"),
        SecretString::from("key"),
    );
    config.timeout = Duration::from_secs(5);
    config.max_retries = 2;
    config.retry_base = Duration::from_millis(1);
    MarketplaceClient::new(config).unwrap()
}

#[tokio::test]
async fn an_html_error_page_is_transient_and_a_read_is_tried_three_times() {
    let mut server = server().await;
    let page = server
        .mock("GET", "/orders/7")
        .with_status(502)
        .with_header("content-type", "text/html")
        .with_body("<html><body><h1>502 Bad Gateway</h1></body></html>")
        .expect(3)
        .create_async()
        .await;
    let error = client(&server).order("7").await.unwrap_err();
    assert!(matches!(error, MarketplaceError::Transient(_)), "{error:?}");
    page.assert_async().await;
}

#[tokio::test]
async fn malformed_json_on_success_is_a_decode_error_sent_once() {
    let mut server = server().await;
    let broken = server
        .mock("GET", "/orders/7")
        .with_header("content-type", "application/json")
        .with_body(r#"{"id": "7", "orderNumber": "#)
        .expect(1)
        .create_async()
        .await;
    let error = client(&server).order("7").await.unwrap_err();
    assert!(matches!(error, MarketplaceError::Decode(_)), "{error:?}");
    broken.assert_async().await;
}

#[tokio::test]
async fn a_list_page_with_one_unreadable_order_gives_the_others_and_names_the_bad_field() {
    let mut server = server().await;
    let page = server
        .mock("GET", "/orders")
        .match_query(Matcher::Any)
        .with_header("content-type", "application/json")
        .with_body(
            r#"{"data": [
                {"id": "3", "orderNumber": "SO3", "type": "sales", "status": "completed", "customerId": "1", "creationDate": "2026-11-30T10:00:00Z"},
                {"id": "2", "orderNumber": "SO2", "type": "sales", "status": "completed", "customerId": "1"},
                {"id": "1", "orderNumber": "SO1", "type": "sales", "status": "completed", "customerId": "1", "creationDate": "2026-11-29T10:00:00Z", "total": {"currency": "EUR", "amount": 12.5}}
            ], "pagination": {"offset": 0, "limit": 100, "total": 3}}"#,
        )
        .expect(1)
        .create_async()
        .await;
    let now = chrono::Utc::now();
    let listed = client(&server)
        .orders_created_between(now - chrono::Duration::days(30), now)
        .await
        .unwrap();
    let ids: Vec<&str> = listed.items.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["3", "1"]);
    assert_eq!(listed.unreadable.len(), 1);
    assert_eq!(listed.unreadable[0].id.as_deref(), Some("2"));
    assert_eq!(listed.unreadable[0].field, "creationDate");
    page.assert_async().await;
}

#[tokio::test]
async fn a_post_that_timed_out_at_the_gateway_is_not_sent_again() {
    let mut server = server().await;
    let customers = server
        .mock("POST", "/customers")
        .with_status(504)
        .with_body("")
        .expect(1)
        .create_async()
        .await;
    let customer = psa_sync::marketplace::models::NewCustomer {
        external_id: Some("AT-1".into()),
        name: "Wire Ltd".into(),
        language: "en_GB".into(),
        address: psa_sync::marketplace::models::NewAddress {
            street_address: "1 High Street".into(),
            postal_code: "EC1A 1BB".into(),
            city: "London".into(),
            country_code: "GB".into(),
        },
        contact_persons: vec![],
    };
    let error = client(&server)
        .create_customer(&customer)
        .await
        .unwrap_err();
    assert!(matches!(error, MarketplaceError::Transient(_)), "{error:?}");
    customers.assert_async().await;
}
