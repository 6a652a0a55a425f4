//! Every marketplace sandbox response on the endpoints the connector uses validates against the
//! schemas of `shared/specs/marketplace-simpleapi-1.15.yaml`.

use std::path::PathBuf;

use serde_json::{Value, json};
use tests::{TestApp, spawn_app};

fn spec() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/specs/marketplace-simpleapi-1.15.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "the marketplace spec is needed beside the repository at {}: {e}",
            path.display()
        )
    });
    serde_norway::from_str(&text).expect("the spec is YAML")
}

/// Validators of `#/components/schemas/{name}`, built once each (OpenAPI 3.0 schemas are read
/// as JSON Schema draft 4, their base).
struct Schemas {
    spec: Value,
    built: std::collections::HashMap<String, jsonschema::Validator>,
}

impl Schemas {
    fn validator(&mut self, name: &str) -> &jsonschema::Validator {
        let spec = &self.spec;
        self.built.entry(name.to_owned()).or_insert_with(|| {
            let schema = json!({"$ref": format!("#/components/schemas/{name}"), "components": spec["components"]});
            jsonschema::draft4::new(&schema).expect("a usable schema")
        })
    }
}

fn assert_valid(schemas: &mut Schemas, name: &str, instance: &Value, what: &str) {
    let validator = schemas.validator(name);
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not match {name}: {errors:?}"
    );
}

async fn call(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (reqwest::StatusCode, Value) {
    let mut request = reqwest::Client::new()
        .request(method, format!("{}/sandbox/marketplace{path}", app.address))
        .header(
            "X-Subscription-Key",
            psa_sync::sandbox::marketplace::seed::SUBSCRIPTION_KEY,
        );
    request = match token {
        Some(token) => request.bearer_auth(token),
        None => request.basic_auth(
            psa_sync::sandbox::marketplace::seed::USERNAME,
            Some(psa_sync::sandbox::marketplace::seed::PASSWORD),
        ),
    };
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    assert!(
        response.headers().contains_key("x-correlation-id"),
        "{path} has no X-Correlation-ID"
    );
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn every_sandbox_response_matches_the_simpleapi_schemas() {
    let spec = &mut Schemas {
        spec: spec(),
        built: Default::default(),
    };
    let app = spawn_app().await;
    use reqwest::Method;
    let (_, token) = call(
        &app,
        Method::POST,
        "/token",
        None,
        Some(json!({"marketplace": "eu"})),
    )
    .await;
    assert_valid(spec, "TokenInfo", &token, "POST /token");
    let token = token["token"].as_str().unwrap().to_owned();
    let t = Some(token.as_str());

    let (_, orders) = call(&app, Method::GET, "/orders?limit=100", t, None).await;
    assert_valid(spec, "ResultListOrder", &orders, "GET /orders");
    let mut types = std::collections::BTreeSet::new();
    for order in orders["data"].as_array().unwrap() {
        let (_, detail) = call(
            &app,
            Method::GET,
            &format!("/orders/{}", order["id"].as_str().unwrap()),
            t,
            None,
        )
        .await;
        types.insert(detail["type"].as_str().unwrap().to_owned());
        assert_valid(spec, "OrderDetailed", &detail, "GET /orders/{id}");
    }
    assert!(types.len() >= 6, "every order type was checked: {types:?}");

    let (_, customers) = call(&app, Method::GET, "/customers?limit=50", t, None).await;
    assert_valid(spec, "ResultListCustomer", &customers, "GET /customers");
    let (_, customer) = call(&app, Method::GET, "/customers/1000001", t, None).await;
    assert_valid(spec, "Customer", &customer, "GET /customers/{id}");
    let new_customer = json!({"name":"Schema Ltd","language":"en_GB","externalId":"AT-77",
        "address":{"streetAddress":"1 Road","postalCode":"N1","city":"London","countryCode":"GB"},
        "contactPersons":[{"type":"admin","firstName":"A","lastName":"B","email":"a@b.example","phoneNumber":"+4420","login":"abcde.login","password":"S3cure!Pass"}]});
    let (status, created) = call(&app, Method::POST, "/customers", t, Some(new_customer)).await;
    assert_eq!(status, reqwest::StatusCode::CREATED);
    assert_valid(spec, "Customer", &created, "POST /customers");
    assert!(
        created["contactPersons"][0].get("password").is_none(),
        "writeOnly fields are not echoed"
    );

    let (_, subscriptions) = call(&app, Method::GET, "/subscriptions?limit=100", t, None).await;
    assert_valid(
        spec,
        "ResultListSubscription",
        &subscriptions,
        "GET /subscriptions",
    );
    for subscription in subscriptions["data"].as_array().unwrap() {
        let (_, detail) = call(
            &app,
            Method::GET,
            &format!("/subscriptions/{}", subscription["id"].as_str().unwrap()),
            t,
            None,
        )
        .await;
        assert_valid(
            spec,
            "SubscriptionDetailed",
            &detail,
            "GET /subscriptions/{id}",
        );
    }
    let (_, products) = call(&app, Method::GET, "/products?limit=100", t, None).await;
    assert_valid(spec, "ResultListProduct", &products, "GET /products");

    let order = json!({"type":"sales","customerId":"1000001","products":[{"mpn":"CFQ7TTC0LH18:0001","vendor":"Microsoft",
        "billingPeriod":{"type":"month","duration":1},"subscriptionPeriod":{"type":"month","duration":1},"quantity":"2.0"}]});
    let (status, placed) = call(&app, Method::POST, "/orders", t, Some(order)).await;
    assert_eq!(status, reqwest::StatusCode::CREATED, "{placed}");
    assert_valid(spec, "OrderDetailed", &placed, "POST /orders");
}

#[tokio::test]
async fn the_schema_check_catches_a_wrong_shape() {
    let spec = spec();
    let wrong = json!({"data": [{"id": 1000001, "customerId": "1", "type": "sales", "total": {"currency": "EUR", "amount": 20.4}}], "pagination": {"offset": 0, "limit": 10, "total": 1}});
    let schema =
        json!({"$ref": "#/components/schemas/ResultListOrder", "components": spec["components"]});
    assert!(
        !jsonschema::draft4::new(&schema).unwrap().is_valid(&wrong),
        "a numeric id and amount must be refused"
    );
}
