//! ContractCharges (reference §8.8): every rule the sandbox enforces, seen on the wire (HTTP 500
//! with an `errors` array), and the client's create, update and delete of a charge.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use psa_sync::autotask::{
    AutotaskClient, AutotaskError, Filter, QueryBody,
    models::{ContractCharge, NewContractCharge, Service},
};
use psa_sync::sandbox::autotask::{
    schema::{
        BLOCK_HOURS, FIXED_PRICE, OPERATIONAL_CHARGE, PER_TICKET, RECURRING_SERVICE, RETAINER,
        TIME_AND_MATERIALS,
    },
    seed,
};
use reqwest::{Method, StatusCode};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use tests::{
    TestApp,
    autotask::{billing_code, contract},
    spawn_app,
};

/// The contract of one type a seeded company has (the first, by id).
async fn contract_of(client: &AutotaskClient, company: &str, contract_type: i64) -> i64 {
    contract(
        client,
        company,
        vec![Filter::eq("contractType", contract_type)],
    )
    .await
    .id
}

async fn product(client: &AutotaskClient, name: &str) -> i64 {
    let products: Vec<Value> = client
        .query("Products", &QueryBody::new(vec![Filter::eq("name", name)]))
        .await
        .unwrap();
    products[0]["id"].as_i64().unwrap()
}

/// Fabrikam's monthly Recurring Service contract.
async fn recurring(client: &AutotaskClient) -> i64 {
    contract_of(client, "Fabrikam Inc", RECURRING_SERVICE).await
}

/// 2.5 units at 19.99, cost 12.40: billable 49.975, extended cost 31.00.
fn usage_charge(code: i64) -> Value {
    json!({"name":"Azure usage November","billingCodeID":code,"datePurchased":"2026-11-30T00:00:00Z",
           "chargeType":OPERATIONAL_CHARGE,"unitQuantity":2.5,"unitPrice":19.99,"unitCost":12.4})
}

async fn post_charge(app: &TestApp, contract: i64, body: Value) -> (StatusCode, Value) {
    app.autotask_raw(
        Method::POST,
        &format!("Contracts/{contract}/Charges"),
        Some(body),
    )
    .await
}

async fn patch_charge(app: &TestApp, contract: i64, body: Value) -> (StatusCode, Value) {
    app.autotask_raw(
        Method::PATCH,
        &format!("Contracts/{contract}/Charges"),
        Some(body),
    )
    .await
}

async fn delete_charge(app: &TestApp, contract: i64, charge: i64) -> (StatusCode, Value) {
    app.autotask_raw(
        Method::DELETE,
        &format!("Contracts/{contract}/Charges/{charge}"),
        None,
    )
    .await
}

/// Creates a charge that must be accepted and returns its id.
async fn created(app: &TestApp, contract: i64, body: Value) -> i64 {
    let (status, answer) = post_charge(app, contract, body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    answer["itemId"].as_i64().unwrap()
}

async fn stored_charge(app: &TestApp, contract: i64, charge: i64) -> Value {
    let (status, answer) = app
        .autotask_raw(
            Method::GET,
            &format!("Contracts/{contract}/Charges/{charge}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    answer["item"].clone()
}

/// The answer is Autotask's refusal: HTTP 500 with an `errors` array holding `expected`.
fn assert_refused((status, body): (StatusCode, Value), expected: &str) {
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
    let errors: Vec<&str> = body["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no errors array in {body}"))
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    assert!(
        errors.iter().any(|e| e.contains(expected)),
        "expected '{expected}' in {errors:?}"
    );
}

#[tokio::test]
async fn a_charge_without_product_or_billing_code_is_refused() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let contract = recurring(&client).await;
    let mut body = usage_charge(0);
    body.as_object_mut().unwrap().remove("billingCodeID");
    assert_refused(
        post_charge(&app, contract, body).await,
        "A ContractCharge must have either a productID or a billingCodeID.",
    );
    let (_, count) = app
        .autotask_raw(
            Method::POST,
            "ContractCharges/query/count",
            Some(json!({"filter":[{"op":"eq","field":"contractID","value":contract}]})),
        )
        .await;
    assert_eq!(count["queryCount"], 0, "nothing was stored");
}

#[tokio::test]
async fn a_charge_names_every_missing_required_field() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let contract = recurring(&client).await;
    let code = billing_code(&client, "Cloud Usage").await;
    let (status, body) = post_charge(&app, contract, json!({"billingCodeID": code})).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        body["errors"],
        json!([
            "Required field name is missing.",
            "Required field datePurchased is missing.",
            "Required field chargeType is missing.",
            "Required field unitQuantity is missing."
        ])
    );
}

#[tokio::test]
async fn a_charge_type_must_be_a_picklist_value() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let contract = recurring(&client).await;
    let mut body = usage_charge(billing_code(&client, "Cloud Usage").await);
    body["chargeType"] = json!(9);
    assert_refused(
        post_charge(&app, contract, body).await,
        "Value 9 is not a valid picklist value for field chargeType.",
    );
}

#[tokio::test]
async fn charge_text_fields_keep_their_lengths() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let contract = recurring(&client).await;
    let code = billing_code(&client, "Cloud Usage").await;
    for (field, max) in [
        ("name", 100),
        ("description", 2000),
        ("notes", 2000),
        ("purchaseOrderNumber", 50),
        ("internalPurchaseOrderNumber", 50),
    ] {
        let mut longest = usage_charge(code);
        longest[field] = json!("x".repeat(max));
        created(&app, contract, longest).await;
        let mut too_long = usage_charge(code);
        too_long[field] = json!("x".repeat(max + 1));
        assert_refused(
            post_charge(&app, contract, too_long).await,
            &format!(
                "The value for field {field} exceeds its maximum length of {max} characters ({} given).",
                max + 1
            ),
        );
    }
}

#[tokio::test]
async fn a_charge_with_an_unknown_product_billing_code_or_contract_service_is_refused() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let contract = recurring(&client).await;
    let code = billing_code(&client, "Cloud Usage").await;
    let mut body = usage_charge(code);
    body["productID"] = json!(1);
    assert_refused(
        post_charge(&app, contract, body).await,
        "Reference value on field: productID of type: Product does not exist or is invalid.",
    );
    assert_refused(
        post_charge(&app, contract, usage_charge(1)).await,
        "Reference value on field: billingCodeID of type: BillingCode does not exist or is invalid.",
    );
    let mut body = usage_charge(code);
    body["contractServiceID"] = json!(1);
    assert_refused(
        post_charge(&app, contract, body).await,
        "Reference value on field: contractServiceID of type: ContractService does not exist or is invalid.",
    );
    let mut body = usage_charge(code);
    body["contractServiceBundleID"] = json!(1);
    assert_refused(
        post_charge(&app, contract, body).await,
        "Reference value on field: contractServiceBundleID of type: ContractServiceBundle does not exist or is invalid.",
    );
}

#[tokio::test]
async fn a_charge_may_name_only_a_contract_service_of_its_own_contract() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let fabrikam = recurring(&client).await;
    let coho = contract_of(&client, "Coho Winery", TIME_AND_MATERIALS).await;
    let e3: Vec<Service> = client
        .query(
            "Services",
            &QueryBody::new(vec![Filter::eq("name", "Microsoft 365 E3 (Monthly)")]),
        )
        .await
        .unwrap();
    let (_, cs) = app
        .autotask_raw(
            Method::POST,
            &format!("Contracts/{fabrikam}/Services"),
            Some(json!({"contractID": fabrikam, "serviceID": e3[0].id})),
        )
        .await;
    let mut body = usage_charge(billing_code(&client, "Cloud Usage").await);
    body["contractServiceID"] = cs["itemId"].clone();
    assert_refused(
        post_charge(&app, coho, body.clone()).await,
        "Reference value on field: contractServiceID of type: ContractService does not exist or is invalid.",
    );
    let charge = created(&app, fabrikam, body).await;
    assert_eq!(
        stored_charge(&app, fabrikam, charge).await["contractServiceID"],
        cs["itemId"]
    );
}

#[tokio::test]
async fn a_charge_billing_code_must_be_an_active_material_code() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let contract = recurring(&client).await;
    for name in [
        "Recurring Services",
        "Remote Support",
        "Materials - Retired",
    ] {
        let code = billing_code(&client, name).await;
        assert_refused(
            post_charge(&app, contract, usage_charge(code)).await,
            "The billingCodeID of a ContractCharge must reference an active Material Cost Code allocation code.",
        );
    }
    created(
        &app,
        contract,
        usage_charge(billing_code(&client, "Hardware").await),
    )
    .await;
}

#[tokio::test]
async fn read_only_charge_fields_sent_by_a_client_are_ignored_and_computed_by_the_sandbox() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let contract = recurring(&client).await;
    let mut body = usage_charge(billing_code(&client, "Cloud Usage").await);
    for (field, value) in [
        ("billableAmount", json!(999.0)),
        ("extendedCost", json!(999.0)),
        ("status", json!(3)),
        ("isBilled", json!(true)),
        ("statusLastModifiedBy", json!(1)),
        ("statusLastModifiedDate", json!("2000-01-01T00:00:00Z")),
        ("createDate", json!("2000-01-01T00:00:00Z")),
        ("creatorResourceID", json!(1)),
        ("internalCurrencyBillableAmount", json!(999.0)),
        ("internalCurrencyUnitPrice", json!(999.0)),
    ] {
        body[field] = value;
    }
    let charge = created(&app, contract, body).await;
    let stored = stored_charge(&app, contract, charge).await;
    let api_resource: Vec<Value> = client
        .query(
            "Resources",
            &QueryBody::new(vec![Filter::eq("email", seed::API_USER)]),
        )
        .await
        .unwrap();
    let api_resource = api_resource[0]["id"].clone();
    assert_eq!(stored["billableAmount"], 49.975, "2.5 × 19.99");
    assert_eq!(stored["extendedCost"], 31.0, "2.5 × 12.40");
    assert_eq!(stored["internalCurrencyBillableAmount"], 49.975);
    assert_eq!(stored["internalCurrencyUnitPrice"], 19.99);
    assert_eq!(stored["status"], 1, "Ready to Ship, set by Autotask");
    assert_eq!(stored["isBilled"], false);
    assert_eq!(stored["creatorResourceID"], api_resource);
    assert_eq!(stored["statusLastModifiedBy"], api_resource);
    for field in ["createDate", "statusLastModifiedDate"] {
        let at: DateTime<Utc> = stored[field].as_str().unwrap().parse().unwrap();
        assert!(
            (Utc::now() - at).num_seconds().abs() < 60,
            "{field} is now: {at}"
        );
    }
}

#[tokio::test]
async fn a_charge_without_a_unit_price_takes_the_billing_code_or_product_price() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let contract = recurring(&client).await;
    let setup_fee = billing_code(&client, "Setup Fee").await;
    let charge = created(
        &app,
        contract,
        json!({"name":"Onboarding","billingCodeID":setup_fee,"datePurchased":"2026-02-01T00:00:00Z",
               "chargeType":OPERATIONAL_CHARGE,"unitQuantity":3,"unitCost":40}),
    )
    .await;
    let stored = stored_charge(&app, contract, charge).await;
    assert_eq!(
        (
            &stored["unitPrice"],
            &stored["billableAmount"],
            &stored["extendedCost"]
        ),
        (&json!(150.0), &json!(450.0), &json!(120.0)),
        "3 × 150.00 from the Setup Fee code; 3 × 40.00"
    );

    let laptop = product(&client, "Surface Laptop 7").await;
    let charge = created(
        &app,
        contract,
        json!({"name":"Laptops","productID":laptop,"datePurchased":"2026-02-01T00:00:00Z",
               "chargeType":OPERATIONAL_CHARGE,"unitQuantity":2}),
    )
    .await;
    let stored = stored_charge(&app, contract, charge).await;
    assert_eq!(
        (
            &stored["unitPrice"],
            &stored["billableAmount"],
            &stored["extendedCost"]
        ),
        (&json!(1299.0), &json!(2598.0), &json!(0.0)),
        "2 × 1,299.00 from the product; no cost sent"
    );
}

#[tokio::test]
async fn unit_quantity_price_and_cost_are_rounded_to_four_decimals() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let contract = recurring(&client).await;
    let mut body = usage_charge(billing_code(&client, "Cloud Usage").await);
    body["unitQuantity"] = json!(1.00004);
    body["unitPrice"] = json!(10.12346);
    body["unitCost"] = json!(5.55554);
    let stored = stored_charge(&app, contract, created(&app, contract, body).await).await;
    assert_eq!(
        (
            &stored["unitQuantity"],
            &stored["unitPrice"],
            &stored["unitCost"]
        ),
        (&json!(1.0), &json!(10.1235), &json!(5.5555))
    );
    assert_eq!(stored["billableAmount"], 10.1235, "1 × 10.1235");
}

#[tokio::test]
async fn every_field_of_the_reference_is_on_a_charge_and_described_by_entity_information() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let contract = recurring(&client).await;
    let charge = created(
        &app,
        contract,
        usage_charge(billing_code(&client, "Cloud Usage").await),
    )
    .await;
    let stored = stored_charge(&app, contract, charge).await;
    let mut names: Vec<&str> = stored
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    names.sort_unstable();
    let mut expected = vec![
        "id",
        "contractID",
        "productID",
        "billingCodeID",
        "name",
        "description",
        "notes",
        "datePurchased",
        "chargeType",
        "unitQuantity",
        "unitPrice",
        "unitCost",
        "purchaseOrderNumber",
        "internalPurchaseOrderNumber",
        "isBillableToCompany",
        "contractServiceID",
        "contractServiceBundleID",
        "billableAmount",
        "extendedCost",
        "isBilled",
        "status",
        "statusLastModifiedBy",
        "statusLastModifiedDate",
        "createDate",
        "creatorResourceID",
        "internalCurrencyBillableAmount",
        "internalCurrencyUnitPrice",
        "organizationalLevelAssociationID",
    ];
    expected.sort_unstable();
    assert_eq!(names, expected, "no userDefinedFields: charges have none");

    let fields = client.fields("ContractCharges").await.unwrap();
    let flags = |name: &str| {
        let f = fields.iter().find(|f| f.name == name).unwrap();
        (f.is_required, f.is_read_only, f.length)
    };
    for name in [
        "contractID",
        "name",
        "datePurchased",
        "chargeType",
        "unitQuantity",
    ] {
        assert_eq!(flags(name).0, Some(true), "{name} is required");
    }
    for name in [
        "billableAmount",
        "extendedCost",
        "status",
        "isBilled",
        "statusLastModifiedBy",
        "statusLastModifiedDate",
        "createDate",
        "creatorResourceID",
        "internalCurrencyBillableAmount",
        "internalCurrencyUnitPrice",
    ] {
        assert_eq!(flags(name).1, Some(true), "{name} is read-only");
    }
    assert_eq!(flags("productID"), (Some(false), Some(false), Some(0)));
    assert_eq!(flags("name").2, Some(100));
    assert_eq!(flags("notes").2, Some(2000));
    assert_eq!(flags("internalPurchaseOrderNumber").2, Some(50));
    let info = client.entity_information("ContractCharges").await.unwrap();
    assert!(info.can_create && info.can_query && info.can_update);
    let (_, raw_info) = app
        .autotask_raw(Method::GET, "ContractCharges/entityInformation", None)
        .await;
    assert_eq!(raw_info["info"]["canDelete"], true);
    assert_eq!(raw_info["info"]["hasUserDefinedFields"], false);
}

#[tokio::test]
async fn the_open_picklist_numbers_are_served_through_entity_information() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    assert_eq!(
        client
            .picklist("ContractCharges", "chargeType")
            .await
            .unwrap(),
        [(1, "Operational".to_owned()), (2, "Capitalized".to_owned())]
    );
    assert_eq!(
        client.picklist("ContractCharges", "status").await.unwrap(),
        [
            (1, "Ready to Ship".to_owned()),
            (2, "Shipped".to_owned()),
            (3, "Delivered".to_owned())
        ]
    );
    let contract_types = client.picklist("Contracts", "contractType").await.unwrap();
    for (value, label) in [
        (4, "Block Hours"),
        (6, "Retainer"),
        (7, "Recurring Service"),
        (8, "Incident (Per Ticket)"),
    ] {
        assert!(
            contract_types.contains(&(value, label.to_owned())),
            "{label} in {contract_types:?}"
        );
    }
    let use_types = client.picklist("BillingCodes", "useType").await.unwrap();
    assert!(use_types.contains(&(2, "Material".to_owned())));
    let code_types = client
        .picklist("BillingCodes", "billingCodeType")
        .await
        .unwrap();
    assert_eq!(
        code_types,
        [
            (0, "Standard".to_owned()),
            (1, "Work Type".to_owned()),
            (2, "Block Hours Purchase".to_owned()),
            (3, "Retainer Purchase".to_owned()),
            (4, "Incident Purchase".to_owned())
        ]
    );
}

#[tokio::test]
async fn charges_go_on_recurring_service_time_and_materials_and_fixed_price_contracts() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let code = billing_code(&client, "Cloud Usage").await;
    for contract in [
        recurring(&client).await,
        contract_of(&client, "Coho Winery", TIME_AND_MATERIALS).await,
        contract_of(&client, "Coho Winery", FIXED_PRICE).await,
    ] {
        created(&app, contract, usage_charge(code)).await;
    }
}

#[tokio::test]
async fn block_hours_retainer_and_incident_contracts_refuse_ordinary_charges() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let code = billing_code(&client, "Cloud Usage").await;
    for kind in [BLOCK_HOURS, RETAINER, PER_TICKET] {
        let contract = contract_of(&client, "Alpine Ski House", kind).await;
        assert_refused(
            post_charge(&app, contract, usage_charge(code)).await,
            "ContractCharges cannot be added to Block Hours, Retainer or Incident (Per Ticket) contracts unless the billingCodeID is the contract type's purchase material cost code.",
        );
    }
}

#[tokio::test]
async fn a_purchase_code_charge_goes_on_its_own_contract_type_only() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let block_hours = contract_of(&client, "Alpine Ski House", BLOCK_HOURS).await;
    let retainer = contract_of(&client, "Alpine Ski House", RETAINER).await;
    let incidents = contract_of(&client, "Alpine Ski House", PER_TICKET).await;
    for (contract, code) in [
        (block_hours, "Block Hours Purchase"),
        (retainer, "Retainer Purchase"),
        (incidents, "Incident Purchase"),
    ] {
        created(
            &app,
            contract,
            usage_charge(billing_code(&client, code).await),
        )
        .await;
    }
    assert_refused(
        post_charge(
            &app,
            retainer,
            usage_charge(billing_code(&client, "Block Hours Purchase").await),
        )
        .await,
        "unless the billingCodeID is the contract type's purchase material cost code",
    );
}

#[tokio::test]
async fn on_a_purchase_charge_only_name_description_charge_type_and_po_numbers_can_change() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let contract = contract_of(&client, "Alpine Ski House", BLOCK_HOURS).await;
    let charge = created(
        &app,
        contract,
        usage_charge(billing_code(&client, "Block Hours Purchase").await),
    )
    .await;
    let (status, answer) = patch_charge(
        &app,
        contract,
        json!({"id": charge, "name": "20 hours", "description": "Block of 20 hours", "chargeType": 2,
               "purchaseOrderNumber": "PO-1", "internalPurchaseOrderNumber": "IPO-1",
               "billableAmount": 1.0, "unitQuantity": 2.5}),
    )
    .await;
    assert_eq!(
        (status, &answer),
        (StatusCode::OK, &json!({"itemId": charge})),
        "the five fields, a read-only one (ignored) and an unchanged quantity"
    );
    let stored = stored_charge(&app, contract, charge).await;
    assert_eq!(
        (
            &stored["name"],
            &stored["chargeType"],
            &stored["billableAmount"]
        ),
        (&json!("20 hours"), &json!(2), &json!(49.975))
    );
    assert_refused(
        patch_charge(
            &app,
            contract,
            json!({"id": charge, "unitQuantity": 4, "notes": "more"}),
        )
        .await,
        "(notes, unitQuantity cannot be changed)",
    );
    assert_eq!(
        stored_charge(&app, contract, charge).await["unitQuantity"],
        2.5
    );
}

#[tokio::test]
async fn an_unbilled_charge_can_be_updated_and_its_amounts_follow() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let contract = recurring(&client).await;
    let charge = created(
        &app,
        contract,
        usage_charge(billing_code(&client, "Cloud Usage").await),
    )
    .await;
    let (status, _) = patch_charge(
        &app,
        contract,
        json!({"id": charge, "unitQuantity": 4, "status": 3}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let stored = stored_charge(&app, contract, charge).await;
    assert_eq!(
        (
            &stored["billableAmount"],
            &stored["extendedCost"],
            &stored["status"]
        ),
        (&json!(79.96), &json!(49.6), &json!(1)),
        "4 × 19.99, 4 × 12.40; status stays Autotask's"
    );
    let (status, _) =
        patch_charge(&app, contract, json!({"id": charge, "billingCodeID": null})).await;
    assert_eq!(
        status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "removing the only billing code leaves neither product nor code"
    );
}

#[tokio::test]
async fn a_billed_charge_can_be_neither_updated_nor_deleted() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let contract = recurring(&client).await;
    let charge = created(
        &app,
        contract,
        usage_charge(billing_code(&client, "Cloud Usage").await),
    )
    .await;
    assert!(app.autotask_sandbox.bill_charge(charge).unwrap());
    assert_eq!(
        stored_charge(&app, contract, charge).await["isBilled"],
        true
    );
    assert_refused(
        patch_charge(&app, contract, json!({"id": charge, "name": "Renamed"})).await,
        "The ContractCharge cannot be updated because it has been billed (isBilled is true).",
    );
    assert_refused(
        delete_charge(&app, contract, charge).await,
        "The ContractCharge cannot be deleted because it has been billed (isBilled is true).",
    );
    assert_eq!(
        stored_charge(&app, contract, charge).await["name"],
        "Azure usage November"
    );
}

#[tokio::test]
async fn deleting_an_unbilled_charge_answers_its_id_and_removes_it() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let contract = recurring(&client).await;
    let charge = created(
        &app,
        contract,
        usage_charge(billing_code(&client, "Cloud Usage").await),
    )
    .await;
    assert_eq!(
        delete_charge(&app, contract, charge).await,
        (StatusCode::OK, json!({"itemId": charge}))
    );
    let (status, _) = app
        .autotask_raw(
            Method::GET,
            &format!("Contracts/{contract}/Charges/{charge}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .autotask_raw(Method::DELETE, &format!("ContractCharges/{charge}"), None)
        .await;
    assert_eq!(
        status,
        StatusCode::METHOD_NOT_ALLOWED,
        "a child is deleted through its contract only"
    );
}

#[tokio::test]
async fn deleting_a_missing_charge_gives_the_no_matching_records_error() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let contract = recurring(&client).await;
    let other = contract_of(&client, "Coho Winery", TIME_AND_MATERIALS).await;
    let charge = created(
        &app,
        other,
        usage_charge(billing_code(&client, "Cloud Usage").await),
    )
    .await;
    let expected = json!({"errors": ["No message. No matching records found. The logged in Resource may not have the required permissions to delete the data."]});
    for missing in [1, charge] {
        assert_eq!(
            delete_charge(&app, contract, missing).await,
            (StatusCode::INTERNAL_SERVER_ERROR, expected.clone()),
            "charge {missing} is not on contract {contract}"
        );
    }
}

#[tokio::test]
async fn products_can_be_queried_but_not_written() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let products: Vec<Value> = client
        .query("Products", &QueryBody::new(vec![Filter::all()]))
        .await
        .unwrap();
    let names: Vec<&str> = products
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Surface Laptop 7", "USB-C Travel Hub"]);
    assert_refused(
        app.autotask_raw(Method::POST, "Products", Some(json!({"name": "New"})))
            .await,
        "The Product entity cannot be created through the API.",
    );
}

fn usage(contract: i64, code: i64, charge_type: i64) -> NewContractCharge {
    NewContractCharge {
        contract_id: contract,
        product_id: None,
        billing_code_id: Some(code),
        name: "Azure usage November [psa-sync T7-L1]".into(),
        description: Some("Usage 1–30 November".into()),
        date_purchased: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
        charge_type,
        unit_quantity: Decimal::new(25, 1),
        unit_price: Some(Decimal::new(1999, 2)),
        unit_cost: Some(Decimal::new(124, 1)),
        is_billable_to_company: None,
        contract_service_id: None,
        purchase_order_number: None,
    }
}

/// The client resolves the charge type by label, as it must against a real tenant.
async fn operational(client: &AutotaskClient) -> i64 {
    client
        .picklist("ContractCharges", "chargeType")
        .await
        .unwrap()
        .into_iter()
        .find(|(_, label)| label == "Operational")
        .unwrap()
        .0
}

#[tokio::test]
async fn the_client_creates_updates_and_deletes_a_charge_while_it_is_unbilled() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let contract = recurring(&client).await;
    let code = billing_code(&client, "Cloud Usage").await;
    let charge_type = operational(&client).await;
    let id = client
        .create_charge(&usage(contract, code, charge_type))
        .await
        .unwrap();
    let charge: ContractCharge = client.get("ContractCharges", id).await.unwrap().unwrap();
    assert_eq!(
        (
            charge.billing_code_id,
            charge.product_id,
            charge.charge_type,
            charge.is_billed,
            charge.status
        ),
        (Some(code), None, Some(1), Some(false), Some(1))
    );
    assert_eq!(
        (charge.billable_amount, charge.extended_cost),
        (Some(Decimal::new(49975, 3)), Some(Decimal::from(31))),
        "2.5 × 19.99 and 2.5 × 12.40"
    );
    assert_eq!(charge.date_purchased, NaiveDate::from_ymd_opt(2026, 11, 30));

    client
        .update_charge(contract, &json!({"id": id, "unitQuantity": 3}))
        .await
        .unwrap();
    let charge: ContractCharge = client.get("ContractCharges", id).await.unwrap().unwrap();
    assert_eq!(
        charge.billable_amount,
        Some(Decimal::new(5997, 2)),
        "3 × 19.99"
    );

    assert_eq!(client.delete_charge(contract, id).await, Ok(id));
    assert_eq!(
        client
            .get::<ContractCharge>("ContractCharges", id)
            .await
            .unwrap(),
        None
    );
    let calls = client.calls();
    assert_eq!(
        (
            calls.get("ContractCharges POST"),
            calls.get("ContractCharges PATCH"),
            calls.get("ContractCharges DELETE")
        ),
        (Some(&1), Some(&1), Some(&1))
    );
}

#[tokio::test]
async fn the_client_cannot_delete_a_billed_charge() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let contract = recurring(&client).await;
    let code = billing_code(&client, "Cloud Usage").await;
    let id = client
        .create_charge(&usage(contract, code, operational(&client).await))
        .await
        .unwrap();
    assert!(app.autotask_sandbox.bill_charge(id).unwrap());
    assert_eq!(
        client.delete_charge(contract, id).await,
        Err(AutotaskError::BusinessRule(vec![
            "The ContractCharge cannot be deleted because it has been billed (isBilled is true)."
                .into()
        ]))
    );
    assert_eq!(
        client.calls().get("ContractCharges DELETE"),
        Some(&1),
        "a refusal is not retried"
    );
    assert!(
        client
            .get::<ContractCharge>("ContractCharges", id)
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn a_charge_delete_whose_answer_is_lost_is_not_sent_again() {
    let app = spawn_app().await;
    let mut config = app.autotask_config();
    config.timeout = Duration::from_millis(400);
    let client = AutotaskClient::new(config).unwrap();
    let contract = recurring(&client).await;
    let code = billing_code(&client, "Cloud Usage").await;
    let id = client
        .create_charge(&usage(contract, code, operational(&client).await))
        .await
        .unwrap();
    app.autotask_sandbox.update_faults(|f| {
        f.injected.lose_next_answer = 1;
        f.injected.hold_ms = 2_000;
    });
    let result = client.delete_charge(contract, id).await;
    assert!(
        matches!(result, Err(AutotaskError::Transient(_))),
        "{result:?}"
    );
    assert_eq!(client.calls().get("ContractCharges DELETE"), Some(&1));
    assert_eq!(
        client
            .get::<ContractCharge>("ContractCharges", id)
            .await
            .unwrap(),
        None,
        "the delete landed; a re-read shows it"
    );
}
