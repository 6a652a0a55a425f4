//! The marketplace client against the marketplace sandbox over real HTTP.

use std::time::Duration;

use chrono::Utc;
use psa_sync::marketplace::{
    MarketplaceClient, MarketplaceError,
    models::{NewAddress, NewContact, NewCustomer},
};
use psa_sync::sandbox::marketplace::seed;
use rust_decimal::Decimal;
use tests::{
    orders::{
        change,
        history::{cancel, sale},
        line, sales,
    },
    spawn_app,
};

#[tokio::test]
async fn orders_of_the_last_month_are_listed_once_each_newest_first() {
    let app = spawn_app().await;
    let client = app.marketplace_client();
    let now = Utc::now();
    let listed = client
        .orders_created_between(now - chrono::Duration::days(30), now)
        .await
        .unwrap();
    assert!(listed.unreadable.is_empty());
    let orders = listed.items;
    assert!(orders.len() >= 20, "{}", orders.len());
    assert!(
        orders
            .windows(2)
            .all(|w| w[0].creation_date >= w[1].creation_date),
        "newest first"
    );
    let mut ids: Vec<&str> = orders.iter().map(|o| o.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), orders.len());
    assert!(
        orders
            .iter()
            .all(|o| o.creation_date >= now - chrono::Duration::days(30))
    );
    assert_eq!(
        client.calls().get("GET /orders"),
        Some(&1),
        "one page of 100"
    );
    assert_eq!(client.calls().get("POST /token"), Some(&1));
}

#[tokio::test]
async fn an_expired_token_is_renewed_without_an_error() {
    let app = spawn_app().await;
    app.marketplace_sandbox
        .update_faults(|f| f.token_ttl_secs = 60);
    let client = app.marketplace_client();
    client.products().await.unwrap();
    app.marketplace_sandbox.advance_clock(120).unwrap();
    let products = client.products().await.unwrap().items;
    assert!(products.len() >= 17);
    assert_eq!(
        client.calls().get("POST /token"),
        Some(&2),
        "renewed once after a 401"
    );
}

#[tokio::test]
async fn a_429_with_retry_after_is_honoured() {
    let app = spawn_app().await;
    let client = app.marketplace_client();
    client.products().await.unwrap();
    app.marketplace_sandbox
        .update_faults(|f| f.injected.rate_limit_next = 1);
    let started = std::time::Instant::now();
    client.products().await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited for Retry-After: 1"
    );
    assert_eq!(client.calls().get("GET /products"), Some(&3));
}

#[tokio::test]
async fn a_503_with_retry_after_is_waited_out() {
    let app = spawn_app().await;
    let client = app.marketplace_client();
    client.products().await.unwrap();
    app.marketplace_sandbox
        .update_faults(|f| f.injected.fail_next = 1);
    let started = std::time::Instant::now();
    client.products().await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(client.calls().get("GET /products"), Some(&3));
}

#[tokio::test]
async fn wrong_credentials_are_an_auth_error() {
    let app = spawn_app().await;
    let mut config = app.marketplace_config();
    config.password = secrecy::SecretString::from("wrong");
    let client = MarketplaceClient::new(config).unwrap();
    assert!(matches!(
        client.products().await,
        Err(MarketplaceError::Auth(_))
    ));
}

#[tokio::test]
async fn placed_orders_go_from_submitted_to_completed_and_change_the_subscription() {
    let app = spawn_app().await;
    app.marketplace_sandbox
        .update_faults(|f| f.completion_delay_secs = 60);
    let client = app.marketplace_client();
    let placed = client
        .place_order(&sales("1000008", line(3, false, 7)))
        .await
        .unwrap();
    assert_eq!(placed.status, "submitted");
    assert!(placed.order_number.starts_with("SO"));
    let subscription = placed.subscription_id.clone().unwrap();
    app.marketplace_sandbox.advance_clock(30).unwrap();
    assert_eq!(client.order(&placed.id).await.unwrap().status, "processing");
    app.marketplace_sandbox.advance_clock(31).unwrap();
    assert_eq!(client.order(&placed.id).await.unwrap().status, "completed");
    let sub = client.subscription(&subscription).await.unwrap();
    assert_eq!(
        (sub.status.as_str(), sub.products[0].quantity),
        ("active", 7)
    );

    app.marketplace_sandbox
        .update_faults(|f| f.completion_delay_secs = 0);
    let change = client
        .place_order(&change("1000008", &subscription, 4))
        .await
        .unwrap();
    assert_eq!(change.status, "completed");
    assert_eq!(change.details[0].kind, "downgrade");
    assert_eq!(
        client.subscription(&subscription).await.unwrap().products[0].quantity,
        4
    );
}

#[tokio::test]
async fn usage_subscriptions_get_a_billing_order_each_period() {
    let app = spawn_app().await;
    let client = app.marketplace_client();
    let now = Utc::now();
    let orders = client
        .orders_created_between(now - chrono::Duration::days(90), now)
        .await
        .unwrap()
        .items;
    let billing: Vec<_> = orders
        .iter()
        .filter(|o| o.order_number.starts_with("BO"))
        .collect();
    assert!(!billing.is_empty());
    assert!(billing.iter().all(|o| o.kind == "unknown"));
    let detail = client.order(&billing[0].id).await.unwrap();
    assert_eq!(
        detail.products[0].kind.as_deref(),
        Some("BILLING_SUBSCRIPTION")
    );
    assert_eq!(
        detail.billing_model.as_deref(),
        Some("chargeAfterBillingPeriod")
    );
}

#[tokio::test]
async fn an_annual_subscription_cancelled_after_its_first_week_pays_a_month_and_others_do_not() {
    let app = spawn_app().await;
    let client = app.marketplace_client();
    let sandbox = &app.marketplace_sandbox;
    let customer = "1000008";
    let day = 86_400;
    let now = sandbox.now();
    // Plan 2 is Business Premium: 22.00 a seat a month (cost 18.70), 264.00 a year (224.40).
    let sales = sandbox
        .place_history(&[
            (now - 30 * day, sale(customer, seed::line(2, true, 3))),
            (now - 30 * day, sale(customer, seed::line(2, false, 3))),
            (now - 10 * day, sale(customer, seed::line(2, true, 3))),
        ])
        .unwrap();
    let subscription = |n: usize| sales[n].as_ref().unwrap().subscription_id.clone().unwrap();
    let cancellations = sandbox
        .place_history(&[
            // 20 days after it was bought: past the free week.
            (now - 10 * day, cancel(customer, &subscription(0))),
            // Monthly: never a fee.
            (now - 10 * day, cancel(customer, &subscription(1))),
            // 6 days after it was bought: still free.
            (now - 4 * day, cancel(customer, &subscription(2))),
        ])
        .unwrap();
    let order = |n: usize| {
        let id = cancellations[n].as_ref().unwrap().id.clone();
        let client = &client;
        async move { client.order(&id).await.unwrap() }
    };

    let late = order(0).await;
    let fees: Vec<_> = late
        .details
        .iter()
        .filter(|d| d.kind == "billPenalty")
        .collect();
    assert_eq!(fees.len(), 1, "{:?}", late.details);
    let fee = fees[0];
    let amount = |m: &Option<psa_sync::marketplace::models::Money>| m.as_ref().unwrap().amount;
    // One month of 264.00 a seat for 3 seats: 264.00 ÷ 12 × 3 = 66.00; cost 224.40 ÷ 12 × 3 = 56.10.
    assert_eq!(fee.description.as_deref(), Some("Early cancellation fee"));
    assert_eq!(fee.quantity, Some(Decimal::ONE));
    assert_eq!(amount(&fee.unit_price), Decimal::new(6600, 2));
    assert_eq!(amount(&fee.extended_price), Decimal::new(6600, 2));
    assert_eq!(amount(&fee.sales_unit_price), Decimal::new(5610, 2));
    assert_eq!(late.total.unwrap().amount, Decimal::new(6600, 2));

    for (n, why) in [(1, "a monthly subscription"), (2, "within the first week")] {
        let free = order(n).await;
        assert!(
            free.details.iter().all(|d| d.kind != "billPenalty"),
            "{why}: {:?}",
            free.details
        );
        assert_eq!(free.total.unwrap().amount, Decimal::ZERO, "{why}");
    }
}

#[tokio::test]
async fn a_customer_is_created_and_a_bad_one_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let client = app.marketplace_client();
    let mut customer = NewCustomer {
        external_id: Some("AT-1".into()),
        name: "New Co".into(),
        language: "en_GB".into(),
        address: NewAddress {
            street_address: "1 Road".into(),
            postal_code: "N1 1AA".into(),
            city: "London".into(),
            country_code: "GB".into(),
        },
        contact_persons: vec![NewContact {
            kind: "admin".into(),
            first_name: "Ann".into(),
            last_name: "Lee".into(),
            email: "ann@new.example".into(),
            phone_number: "+442070000000".into(),
        }],
    };
    let created = client.create_customer(&customer).await.unwrap();
    assert_eq!(
        (created.name.as_str(), created.external_id.as_deref()),
        ("New Co", Some("AT-1"))
    );
    customer.contact_persons[0].email = String::new();
    match client.create_customer(&customer).await {
        Err(MarketplaceError::Rejected {
            status: 400,
            message,
            correlation_id,
        }) => {
            assert_eq!(message, "contactPersons[0].email is required");
            assert!(correlation_id.starts_with("a8n-"));
        }
        other => panic!("expected a 400, got {other:?}"),
    }
}

#[tokio::test]
async fn an_ambiguous_mpn_needs_the_periods() {
    let app = spawn_app().await;
    let client = app.marketplace_client();
    let mut line = line(0, false, 1);
    line.billing_period = None;
    line.subscription_period = None;
    let result = client.place_order(&sales("1000001", line)).await;
    match result {
        Err(MarketplaceError::Rejected {
            status: 400,
            message,
            ..
        }) => assert!(message.contains("not unique")),
        other => panic!("expected a 400, got {other:?}"),
    }
}

#[tokio::test]
async fn a_person_places_orders_on_the_sandbox_page_and_from_the_command_line() {
    let app = spawn_app().await;
    let page = reqwest::get(format!("{}/sandbox/marketplace/", app.address))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Place sales order") && page.contains("Contoso Limited"));

    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let placed = browser
        .post(format!("{}/sandbox/marketplace/_place", app.address))
        .form(&[
            ("type", "sales"),
            ("customerId", "1000001"),
            ("product", "4"),
            ("quantity", "3"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(placed.status(), reqwest::StatusCode::SEE_OTHER);
    let location = placed.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains("placed"), "{location}");

    let order = psa_sync::cli::order_from_cli(
        "sales",
        "1000002",
        None,
        Some("CFQ7TTC0LFLX:0001".into()),
        true,
        4,
    );
    let detail = psa_sync::cli::place_over_http(&app.address, &order)
        .await
        .unwrap();
    assert_eq!(
        detail.products[0].quantity,
        Some(rust_decimal::Decimal::from(4))
    );
    assert_eq!(
        detail.products[0].billing_period.as_ref().unwrap().kind,
        "year"
    );
}
