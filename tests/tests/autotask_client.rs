//! The client against the sandbox over real HTTP: every operation.

use chrono::NaiveDate;
use psa_sync::autotask::{
    AutotaskClient, ContractChild, Filter, QueryBody,
    models::{
        BillingCode, Company, Contract, ContractCharge, ContractService, ContractServiceUnit,
    },
};
use psa_sync::sandbox::autotask::seed;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use tests::{
    TestApp,
    autotask::{contract, service},
    spawn_app,
};

async fn monthly_contract_of(client: &AutotaskClient, company: &str) -> Contract {
    contract(
        client,
        company,
        vec![
            Filter::eq("contractType", 7),
            Filter::eq("contractPeriodType", 1),
        ],
    )
    .await
}

async fn billing_code_named(client: &AutotaskClient, name: &str) -> BillingCode {
    let codes: Vec<BillingCode> = client
        .query(
            "BillingCodes",
            &QueryBody::new(vec![Filter::eq("name", name)]),
        )
        .await
        .unwrap();
    codes.into_iter().next().unwrap()
}

/// Adds `n` companies straight into the sandbox's data.
fn add_companies(app: &TestApp, n: usize) {
    app.autotask_sandbox
        .write(|store| {
            for i in 0..n {
                let record = json!({"companyName": format!("Bulk Customer {i:05}"), "companyType": 1, "phone": "1", "ownerResourceID": 0, "isActive": i % 2 == 0, "userDefinedFields": []});
                store.insert("Companies", record.as_object().unwrap().clone());
            }
        })
        .unwrap();
}

#[tokio::test]
async fn the_zone_is_discovered_once_and_cached() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let zone = client.zone().await.unwrap();
    assert_eq!(
        zone.url,
        format!("{}/sandbox/autotask/ATServicesRest/", app.address)
    );
    client.zone().await.unwrap();
    let _: Vec<Company> = client
        .query(
            "Companies",
            &QueryBody::new(vec![Filter::eq("companyName", "Relecloud")]),
        )
        .await
        .unwrap();
    assert_eq!(client.calls().get("ZoneInformation GET"), Some(&1));
}

#[tokio::test]
async fn paging_follows_next_page_urls_through_1200_records() {
    let app = spawn_app().await;
    add_companies(&app, 1_250);
    let client = app.autotask_client();
    let query = QueryBody::new(vec![Filter::begins_with("companyName", "bulk customer")])
        .include_fields(&["id", "companyName"]);
    let all: Vec<Company> = client.query("Companies", &query).await.unwrap();
    assert_eq!(all.len(), 1_250);
    let mut ids: Vec<i64> = all.iter().map(|c| c.id).collect();
    ids.dedup();
    assert_eq!(ids.len(), 1_250, "no record twice");
    assert!(all.windows(2).all(|w| w[0].id < w[1].id), "ascending ids");
    assert_eq!(
        client.calls().get("Companies POST"),
        Some(&3),
        "500 + 500 + 250"
    );

    let small: Vec<Company> = client
        .query("Companies", &query.clone().max_records(100))
        .await
        .unwrap();
    assert_eq!(small.len(), 1_250);
    assert_eq!(
        client
            .count(
                "Companies",
                vec![Filter::begins_with("companyName", "Bulk")]
            )
            .await
            .unwrap(),
        1_250
    );
}

#[tokio::test]
async fn a_nested_and_or_filter_selects_the_right_records() {
    let app = spawn_app().await;
    add_companies(&app, 20);
    let client = app.autotask_client();
    let filter = vec![
        Filter::begins_with("companyName", "Bulk Customer"),
        Filter::or(vec![
            Filter::and(vec![
                Filter::eq("isActive", true),
                Filter::ends_with("companyName", "4"),
            ]),
            Filter::is_in(
                "companyName",
                ["Bulk Customer 00001", "Bulk Customer 00003"],
            ),
        ]),
    ];
    let found: Vec<Company> = client
        .query("Companies", &QueryBody::new(filter))
        .await
        .unwrap();
    let names: Vec<&str> = found.iter().map(|c| c.company_name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Bulk Customer 00001",
            "Bulk Customer 00003",
            "Bulk Customer 00004",
            "Bulk Customer 00014"
        ]
    );
    let not: Vec<Company> = client
        .query(
            "Companies",
            &QueryBody::new(vec![
                Filter::contains("companyName", "customer 0001"),
                Filter::not_in("companyName", ["Bulk Customer 00010"]),
                Filter::exist("phone"),
                Filter::not_exist("address1"),
            ]),
        )
        .await
        .unwrap();
    assert_eq!(not.len(), 9);
}

#[tokio::test]
async fn in_filters_are_batched_by_500() {
    let app = spawn_app().await;
    add_companies(&app, 1_100);
    let client = app.autotask_client();
    let ids: Vec<i64> = client
        .query::<Company>(
            "Companies",
            &QueryBody::new(vec![Filter::begins_with("companyName", "Bulk")])
                .include_fields(&["id", "companyName"]),
        )
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    let before = client.calls().get("Companies POST").copied().unwrap_or(0);
    let found: Vec<Company> = client
        .query_in(
            "Companies",
            "id",
            &ids,
            &[Filter::eq("isActive", true)],
            &["id", "companyName"],
        )
        .await
        .unwrap();
    assert_eq!(found.len(), 550);
    assert_eq!(
        client.calls().get("Companies POST").copied().unwrap_or(0) - before,
        3,
        "1,100 ids in three batches"
    );
}

#[tokio::test]
async fn get_create_update_replace_and_child_writes_work() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    assert!(
        client
            .get::<Company>("Companies", 1)
            .await
            .unwrap()
            .is_none()
    );

    let owner: Vec<Value> = client
        .query("Resources", &QueryBody::new(vec![Filter::all()]))
        .await
        .unwrap();
    let id = client
        .create("Companies", &json!({"companyName":"New Customer Ltd","companyType":1,"phone":"0207","ownerResourceID":owner[0]["id"]}))
        .await
        .unwrap();
    let company: Company = client.get("Companies", id).await.unwrap().unwrap();
    assert_eq!(
        (company.company_name.as_str(), company.is_active),
        ("New Customer Ltd", Some(true))
    );

    client
        .update("Companies", &json!({"id": id, "city": "Leeds"}))
        .await
        .unwrap();
    let company: Company = client.get("Companies", id).await.unwrap().unwrap();
    assert_eq!(
        (company.city.as_deref(), company.phone.as_deref()),
        (Some("Leeds"), Some("0207"))
    );
    client
        .replace("Companies", &json!({"id": id, "companyName":"New Customer Ltd","companyType":1,"phone":"0113","ownerResourceID":owner[0]["id"]}))
        .await
        .unwrap();
    let company: Company = client.get("Companies", id).await.unwrap().unwrap();
    assert_eq!(
        (company.city, company.phone.as_deref()),
        (None, Some("0113")),
        "PUT clears what it does not send"
    );

    let contract = monthly_contract_of(&client, "Fabrikam Inc").await;
    let service = service(&client, "Microsoft 365 E3 (Monthly)").await;
    let cs = client
        .create_contract_child(
            contract.id,
            ContractChild::Services,
            &json!({"contractID": contract.id, "serviceID": service.id}),
        )
        .await
        .unwrap();
    client
        .update_contract_child(
            contract.id,
            ContractChild::Services,
            &json!({"id": cs, "adjustedPrice": 31.5, "invoiceDescription": "E3 licences"}),
        )
        .await
        .unwrap();
    let stored: ContractService = client.get("ContractServices", cs).await.unwrap().unwrap();
    assert_eq!(stored.adjusted_price, Some(Decimal::new(315, 1)));
    assert_eq!(stored.unit_price, Some(Decimal::from(36)));
    assert_eq!(stored.invoice_description.as_deref(), Some("E3 licences"));

    client
        .create_contract_child(contract.id, ContractChild::ServiceAdjustments, &json!({"contractServiceID": cs, "effectiveDate": "2026-06-01T00:00:00", "unitChange": 4}))
        .await
        .unwrap();
    let units: Vec<ContractServiceUnit> = client
        .query(
            "ContractServiceUnits",
            &QueryBody::new(vec![
                Filter::eq("contractServiceID", cs),
                Filter::lte("startDate", "2026-06-30T00:00:00Z"),
            ]),
        )
        .await
        .unwrap();
    assert_eq!(units.len(), 1);
    assert_eq!(
        (units[0].units, units[0].price),
        (4, Some(Decimal::from(144))),
        "4 × 36.00, the contract service's price: adjustedPrice does not move units (§8.9.4)"
    );

    let usage = billing_code_named(&client, "Cloud Usage").await;
    let charge = client
        .create_contract_child(
            contract.id,
            ContractChild::Charges,
            &json!({"name":"Azure usage October [psa-sync T1-L1]","billingCodeID":usage.id,"datePurchased":"2026-11-01T00:00:00Z","unitQuantity":1,"unitPrice":123.4567,"unitCost":100.1,"chargeType":1}),
        )
        .await
        .unwrap();
    let charge: ContractCharge = client
        .get("ContractCharges", charge)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(charge.unit_price, Some("123.4567".parse().unwrap()));
    assert_eq!(charge.date_purchased, NaiveDate::from_ymd_opt(2026, 11, 1));
}

#[tokio::test]
async fn metadata_picklists_and_the_connection_test_are_available() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let periods = client.picklist("Services", "periodType").await.unwrap();
    assert!(periods.iter().any(|(_, label)| label == "Monthly"));
    assert!(periods.iter().any(|(_, label)| label == "Yearly"));
    let info = client
        .entity_information("ContractServiceAdjustments")
        .await
        .unwrap();
    assert!(info.can_create && !info.can_query && !info.can_update);
    let fields = client.fields("Services").await.unwrap();
    let name = fields.iter().find(|f| f.name == "name").unwrap();
    assert_eq!((name.length, name.is_required), (Some(150), Some(true)));

    let report = client.test_connection().await.unwrap();
    assert_eq!(report.zone_name, "Sandbox");
    assert_eq!(report.api_user, seed::API_USER);
    assert_eq!(report.threshold, 10_000);
    assert!(report.used >= 1);
}
