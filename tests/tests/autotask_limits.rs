//! Thread limit, hourly threshold and injected faults, seen from the sandbox and the client.

use std::time::Duration;

use futures::future::join_all;
use psa_sync::autotask::{
    AutotaskClient, AutotaskError, ContractChild, Filter, QueryBody,
    models::{BillingCode, Company, Contract},
};
use psa_sync::sandbox::autotask::seed;
use reqwest::{Method, StatusCode};
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

/// Fabrikam's monthly contract with one contract service and one charge on it:
/// (contract, contract service, charge).
async fn contract_with_service_and_charge(client: &AutotaskClient) -> (i64, i64, i64) {
    let company = client
        .query::<Company>(
            "Companies",
            &QueryBody::new(vec![Filter::eq("companyName", "Fabrikam Inc")]),
        )
        .await
        .unwrap()[0]
        .id;
    let contract = client
        .query::<Contract>(
            "Contracts",
            &QueryBody::new(vec![
                Filter::eq("companyID", company),
                Filter::eq("contractPeriodType", 1),
            ]),
        )
        .await
        .unwrap()[0]
        .id;
    let service = client
        .query::<Value>(
            "Services",
            &QueryBody::new(vec![Filter::eq("name", "Microsoft 365 E3 (Monthly)")]),
        )
        .await
        .unwrap()[0]["id"]
        .clone();
    let cs = client
        .create_contract_child(
            contract,
            ContractChild::Services,
            &json!({"contractID": contract, "serviceID": service}),
        )
        .await
        .unwrap();
    let code = client
        .query::<BillingCode>(
            "BillingCodes",
            &QueryBody::new(vec![Filter::eq("name", "Cloud Usage")]),
        )
        .await
        .unwrap()[0]
        .id;
    let charge = client
        .create_contract_child(
            contract,
            ContractChild::Charges,
            &json!({"name":"Usage","billingCodeID":code,"datePurchased":"2026-03-01T00:00:00Z","chargeType":1,"unitQuantity":1,"unitPrice":10}),
        )
        .await
        .unwrap();
    (contract, cs, charge)
}

#[tokio::test]
async fn contract_child_urls_share_the_three_threads_of_contracts_in_the_sandbox() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let (contract, _, _) = contract_with_service_and_charge(&client).await;
    app.autotask_sandbox
        .update_faults(|f| f.injected.latency_ms = 1_000);
    let services = format!("Contracts/{contract}/Services");
    let charges = format!("Contracts/{contract}/Charges");
    let results = join_all(
        [&services, &charges, &services, &charges]
            .map(|path| app.autotask_raw(Method::GET, path, None)),
    )
    .await;
    let refused: Vec<&(StatusCode, Value)> = results
        .iter()
        .filter(|(s, _)| *s == StatusCode::TOO_MANY_REQUESTS)
        .collect();
    assert_eq!(refused.len(), 1, "{results:?}");
    assert!(
        refused[0].1["errors"][0]
            .as_str()
            .unwrap()
            .contains("Itgenatr005")
    );
    assert_eq!(
        results.iter().filter(|(s, _)| *s == StatusCode::OK).count(),
        3,
        "two Services and one Charges request, or the other way round, fill the Contracts bucket"
    );
}

#[tokio::test]
async fn the_client_keeps_three_requests_in_flight_across_contract_child_urls() {
    let app = spawn_app().await;
    let client = &client_without_retries(&app);
    let (contract, cs, charge) = contract_with_service_and_charge(client).await;
    app.autotask_sandbox
        .update_faults(|f| f.injected.latency_ms = 15);
    let service_updates = (0..20).map(|n| async move {
        client
            .update_contract_child(
                contract,
                ContractChild::Services,
                &json!({"id": cs, "invoiceDescription": format!("E3 licences {n}")}),
            )
            .await
            .map(|_| ())
    });
    let charge_updates = (0..20).map(|n| async move {
        client
            .update_charge(
                contract,
                &json!({"id": charge, "notes": format!("update {n}")}),
            )
            .await
            .map(|_| ())
    });
    let contract_reads = (0..20).map(|_| async move {
        client
            .get::<Contract>("Contracts", contract)
            .await
            .map(|_| ())
    });
    let (a, b, c) = futures::join!(
        join_all(service_updates),
        join_all(charge_updates),
        join_all(contract_reads)
    );
    let failures: Vec<&AutotaskError> = a
        .iter()
        .chain(&b)
        .chain(&c)
        .filter_map(|r| r.as_ref().err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} thread errors, e.g. {:?}",
        failures.len(),
        failures.first()
    );
    let calls = client.calls();
    assert_eq!(
        (
            calls.get("ContractServices PATCH"),
            calls.get("ContractCharges PATCH"),
            calls.get("Contracts GET")
        ),
        (Some(&20), Some(&20), Some(&20)),
        "counted under the child's name, each sent once"
    );
}

#[tokio::test]
async fn the_sandbox_can_answer_its_limit_refusals_with_500_and_the_errors_array() {
    let app = spawn_app().await;
    let control = reqwest::Client::new()
        .post(format!("{}/sandbox/autotask/_control", app.address))
        .json(&json!({"limit_refusals_as_500": true, "thread_limit": 0}))
        .send()
        .await
        .unwrap();
    let control: Value = control.json().await.unwrap();
    assert_eq!(control["faults"]["limit_refusals_as_500"], true);

    let (status, body, retry_after) = raw_get(&app, "Companies/entityInformation").await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        body["errors"],
        json!([
            "Thread Threshold Exceeded: The Autotask API thread threshold of 0 threads has been exceeded. (Itgenatr005)"
        ])
    );
    assert_eq!(retry_after, None);

    app.autotask_sandbox.update_faults(|f| {
        f.thread_limit = 3;
        f.threshold = 1;
    });
    let (status, body, retry_after) = raw_get(&app, "Companies/entityInformation").await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        body["errors"],
        json!([
            "The API request threshold of 1 requests per hour has been exceeded. Further requests are blocked until the rolling hour clears."
        ])
    );
    assert_eq!(retry_after, None);
}

async fn owner_of_companies(client: &AutotaskClient) -> Value {
    let owner: Vec<Value> = client
        .query("Resources", &QueryBody::new(vec![Filter::all()]))
        .await
        .unwrap();
    owner[0]["id"].clone()
}

#[tokio::test]
async fn a_thread_refusal_on_500_is_thread_limited_and_a_write_is_retried() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let owner = owner_of_companies(&client).await;
    app.autotask_sandbox.update_faults(|f| {
        f.limit_refusals_as_500 = true;
        f.thread_limit = 0;
    });
    let result = client
        .create(
            "Companies",
            &json!({"companyName":"Busy Ltd","companyType":1,"phone":"1","ownerResourceID":owner}),
        )
        .await;
    assert!(
        matches!(&result, Err(AutotaskError::ThreadLimited(m)) if m.contains("Itgenatr005")),
        "{result:?}"
    );
    assert_eq!(
        client.calls().get("Companies POST"),
        Some(&4),
        "Autotask refused it, so the write is sent again: 1 + 3 retries"
    );
}

#[tokio::test]
async fn an_hourly_refusal_on_500_is_rate_limited_not_a_business_rule() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let owner = owner_of_companies(&client).await;
    app.autotask_sandbox.update_faults(|f| {
        f.limit_refusals_as_500 = true;
        f.threshold = 1;
    });
    let result = client
        .create(
            "Companies",
            &json!({"companyName":"Late Ltd","companyType":1,"phone":"1","ownerResourceID":owner}),
        )
        .await;
    assert_eq!(
        result,
        Err(AutotaskError::RateLimited(Duration::from_secs(60))),
        "no Retry-After on a 500: the client assumes a minute"
    );
    assert_eq!(
        client.calls().get("Companies POST"),
        Some(&1),
        "a minute is longer than the test's max_retry_after, so it gives up at once"
    );
}
