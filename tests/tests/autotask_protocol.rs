//! The sandbox speaks the documented protocol: the walk-through of reference §10, sent verbatim
//! with a plain HTTP client (as an existing open-source client would), checking the answers' shapes.

use psa_sync::sandbox::autotask::seed;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use tests::spawn_app;

struct Raw {
    http: Client,
    base: String,
}

impl Raw {
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self
            .http
            .request(method, format!("{}{}", self.base, path))
            .header("ApiIntegrationCode", seed::INTEGRATION_CODE)
            .header("UserName", seed::API_USER)
            .header("Secret", seed::API_SECRET);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

fn is_page(body: &Value) -> bool {
    body["items"].is_array()
        && body["pageDetails"]["count"].is_u64()
        && body["pageDetails"]["requestCount"].is_u64()
        && body["pageDetails"].get("prevPageUrl").is_some()
        && body["pageDetails"].get("nextPageUrl").is_some()
}

#[tokio::test]
async fn the_reference_walk_through_succeeds_verbatim() {
    let app = spawn_app().await;
    let raw = Raw {
        http: Client::new(),
        base: format!("{}/sandbox/autotask", app.address),
    };
    use reqwest::Method;

    // 1. zone (no auth headers needed; the path in lower case, as most clients send it)
    let zone = Client::new()
        .get(format!("{}/sandbox/autotask/atservicesrest/v1.0/zoneInformation?user=api%40sandbox.psa-sync.local", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(zone.status(), StatusCode::OK);
    let zone: Value = zone.json().await.unwrap();
    assert!(zone["zoneName"].is_string() && zone["webUrl"].is_string() && zone["ci"].is_i64());
    let url = zone["url"].as_str().unwrap();
    assert!(url.ends_with("/ATServicesRest/"), "{url}");

    // 2. usage
    let (status, usage) = raw
        .send(
            Method::GET,
            "/ATServicesRest/V1.0/ThresholdInformation",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(usage["externalRequestThreshold"], 10_000);
    assert_eq!(usage["requestThresholdTimeframe"], 60);
    assert!(usage["currentTimeframeRequestCount"].as_u64().unwrap() >= 1);

    // 3. find company
    let (status, found) = raw
        .send(
            Method::POST,
            "/ATServicesRest/V1.0/Companies/query",
            Some(json!({"filter":[{"op":"eq","field":"companyName","value":"Contoso Ltd"}],"IncludeFields":["id","companyName"]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(is_page(&found));
    assert_eq!(found["pageDetails"]["requestCount"], 500);
    let company = &found["items"][0];
    assert_eq!(company["companyName"], "Contoso Ltd");
    assert_eq!(company["userDefinedFields"], json!([]));
    assert_eq!(
        company.as_object().unwrap().len(),
        3,
        "only id, companyName and userDefinedFields: {company}"
    );
    let company_id = company["id"].as_i64().unwrap();

    // 4. count recurring contracts
    let (status, count) = raw
        .send(
            Method::POST,
            "/ATServicesRest/V1.0/Contracts/query/count",
            Some(json!({"filter":[{"op":"eq","field":"companyID","value":company_id},{"op":"eq","field":"contractType","value":7}]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        count["queryCount"], 2,
        "Contoso has a monthly and an annual Recurring Service contract"
    );

    // 5. get by id / missing id
    let (_, contracts) = raw
        .send(
            Method::POST,
            "/ATServicesRest/V1.0/Contracts/query",
            Some(json!({"filter":[{"op":"eq","field":"companyID","value":company_id},{"op":"eq","field":"contractPeriodType","value":1}]})),
        )
        .await;
    let contract_id = contracts["items"][0]["id"].as_i64().unwrap();
    let (status, item) = raw
        .send(
            Method::GET,
            &format!("/ATServicesRest/V1.0/Contracts/{contract_id}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(item["item"]["id"], contract_id);
    assert_eq!(item["item"]["contractType"], 7);
    let (status, _) = raw
        .send(Method::GET, "/ATServicesRest/V1.0/Contracts/1", None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // 6. add a service to the contract, then adjust its quantity
    let (_, services) = raw
        .send(
            Method::POST,
            "/ATServicesRest/V1.0/Services/query",
            Some(json!({"filter":[{"op":"eq","field":"name","value":"Microsoft 365 Business Premium (Monthly)"}]})),
        )
        .await;
    let service_id = services["items"][0]["id"].as_i64().unwrap();
    let (status, created) = raw
        .send(
            Method::POST,
            &format!("/ATServicesRest/V1.0/Contracts/{contract_id}/Services"),
            Some(json!({"contractID":contract_id,"serviceID":service_id})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let contract_service = created["itemId"].as_i64().unwrap();
    let (status, adjusted) = raw
        .send(
            Method::POST,
            "/ATServicesRest/V1.0/ContractServiceAdjustments",
            Some(json!({"contractID":contract_id,"contractServiceID":contract_service,"effectiveDate":"2026-03-15T00:00:00","unitChange":5})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{adjusted}");
    assert!(adjusted["itemId"].is_i64());

    // 7. read units
    let (status, units) = raw
        .send(
            Method::POST,
            "/ATServicesRest/V1.0/ContractServiceUnits/query",
            Some(json!({"filter":[{"op":"eq","field":"contractServiceID","value":contract_service}]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(is_page(&units));
    let first = &units["items"][0];
    for field in [
        "id",
        "contractID",
        "serviceID",
        "contractServiceID",
        "startDate",
        "endDate",
        "units",
        "price",
        "cost",
        "internalCurrencyPrice",
        "approveAndPostDate",
        "vendorCompanyID",
        "organizationalLevelAssociationID",
    ] {
        assert!(
            first.get(field).is_some(),
            "units row lacks {field}: {first}"
        );
    }
    assert_eq!(first["startDate"], "2026-03-15T00:00:00Z");
    assert_eq!(first["endDate"], "2026-03-31T00:00:00Z");
    assert_eq!(first["units"], 5);
    // 5 × 22.00 × 17/31
    assert_eq!(first["price"], 60.3226);

    // 8. errors
    let (status, duplicate) = raw
        .send(
            Method::POST,
            "/ATServicesRest/V1.0/Services",
            Some(json!({"name":"Microsoft 365 Business Premium (Monthly)","unitPrice":22.0,"periodType":1,"billingCodeID":services["items"][0]["billingCodeID"]})),
        )
        .await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        duplicate["errors"][0]
            .as_str()
            .unwrap()
            .starts_with("Violation of UNIQUE KEY constraint 'IX_service'.")
    );
    let (status, out_of_range) = raw
        .send(
            Method::POST,
            "/ATServicesRest/V1.0/ContractServiceAdjustments",
            Some(json!({"contractID":contract_id,"contractServiceID":contract_service,"effectiveDate":"2030-01-01T00:00:00","unitChange":1})),
        )
        .await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        out_of_range["errors"][0]
            .as_str()
            .unwrap()
            .contains("effectiveDate must be between the start date and end date")
    );
}

#[tokio::test]
async fn authentication_failures_answer_as_autotask_does() {
    let app = spawn_app().await;
    let base = format!(
        "{}/sandbox/autotask/ATServicesRest/V1.0/Companies/query?search=",
        app.address
    );
    let search = r#"{"filter":[{"op":"gte","field":"id","value":0}]}"#;
    let url = format!(
        "{base}{}",
        search
            .replace('"', "%22")
            .replace('{', "%7B")
            .replace('}', "%7D")
            .replace('[', "%5B")
            .replace(']', "%5D")
            .replace(':', "%3A")
            .replace(',', "%2C")
    );
    let call = |user: &'static str, secret: &'static str, code: &'static str| {
        let url = url.clone();
        async move {
            let r = Client::new()
                .get(url)
                .header("UserName", user)
                .header("Secret", secret)
                .header("ApiIntegrationCode", code)
                .send()
                .await
                .unwrap();
            (r.status(), r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let (status, body) = call(seed::API_USER, seed::API_SECRET, seed::INTEGRATION_CODE).await;
    assert_eq!(status, StatusCode::OK, "GET query with search: {body}");
    assert!(is_page(&body));
    let (status, body) = call(
        "nobody@example.com",
        seed::API_SECRET,
        seed::INTEGRATION_CODE,
    )
    .await;
    assert_eq!(
        (status, body["errors"][0].as_str()),
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            Some("Zone information could not be determined")
        )
    );
    let (status, _) = call(seed::API_USER, "wrong", seed::INTEGRATION_CODE).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = call(seed::API_USER, seed::API_SECRET, "WRONG").await;
    assert_eq!(
        (status, body["errors"][0].as_str()),
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            Some("IntegrationCode is invalid.")
        )
    );

    let zone = Client::new()
        .get(format!(
            "{}/sandbox/autotask/atservicesrest/v1.0/zoneInformation?user=nobody%40example.com",
            app.address
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(zone.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let version: Value = Client::new()
        .get(format!(
            "{}/sandbox/autotask/ATServicesRest/VersionInformation",
            app.address
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(version["apiVersions"], json!(["1.0"]));
}

#[tokio::test]
async fn a_post_originated_cursor_refuses_get_and_a_query_needs_a_filter() {
    let app = spawn_app().await;
    let raw = Raw {
        http: Client::new(),
        base: format!("{}/sandbox/autotask", app.address),
    };
    let (_, page) = raw
        .send(
            reqwest::Method::POST,
            "/ATServicesRest/V1.0/Companies/query",
            Some(json!({"filter":[{"op":"gte","field":"id","value":0}],"MaxRecords":5})),
        )
        .await;
    let next = page["pageDetails"]["nextPageUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(next.contains("/query/next?paging="), "{next}");
    let get = Client::new()
        .get(&next)
        .header("ApiIntegrationCode", seed::INTEGRATION_CODE)
        .header("UserName", seed::API_USER)
        .header("Secret", seed::API_SECRET)
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), StatusCode::METHOD_NOT_ALLOWED);
    let (status, body) = raw
        .send(
            reqwest::Method::POST,
            "/ATServicesRest/V1.0/Companies/query",
            Some(json!({"filter":[]})),
        )
        .await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        body["errors"][0]
            .as_str()
            .unwrap()
            .contains("filter is required")
    );
    let (status, _) = raw
        .send(
            reqwest::Method::POST,
            "/ATServicesRest/V1.0/ContractServiceAdjustments/query",
            Some(json!({"filter":[{"op":"gte","field":"id","value":0}]})),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::METHOD_NOT_ALLOWED,
        "adjustments cannot be queried"
    );
}

#[tokio::test]
async fn the_sandbox_runs_on_its_own_and_takes_fault_switches_over_http() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let sandbox = std::sync::Arc::new(psa_sync::sandbox::autotask::AutotaskSandbox::in_memory());
    let server = psa_sync::sandbox::autotask::serve(listener, sandbox.clone()).unwrap();
    let handle = server.handle();
    tokio::spawn(server);

    let zone: Value = Client::new()
        .get(format!(
            "{address}/sandbox/autotask/atservicesrest/v1.0/zoneInformation?user={}",
            seed::API_USER
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        zone["url"],
        format!("{address}/sandbox/autotask/ATServicesRest/")
    );

    let control: Value = Client::new()
        .post(format!("{address}/sandbox/autotask/_control"))
        .json(&json!({"fail_next": 2, "latency_ms": 5}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(control["faults"]["fail_next"], 2);
    assert_eq!(sandbox.faults().injected.latency_ms, 5);
    let raw = Raw {
        http: Client::new(),
        base: format!("{address}/sandbox/autotask"),
    };
    let (status, _) = raw
        .send(
            reqwest::Method::GET,
            "/ATServicesRest/V1.0/Companies/entityInformation",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    handle.stop(false).await;
}
