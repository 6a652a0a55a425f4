//! Every business rule: the sandbox's answer (what Autotask would say) and the client's typed error.

use psa_sync::autotask::{
    AutotaskError, ContractChild, Filter, QueryBody,
    models::{ContractService, ContractServiceUnit},
};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use tests::{
    autotask::{billing_code, contract, service},
    spawn_app,
};

fn refused(result: Result<i64, AutotaskError>, expected: &str) {
    match result {
        Err(AutotaskError::BusinessRule(messages)) => {
            assert!(
                messages.iter().any(|m| m.contains(expected)),
                "expected '{expected}' in {messages:?}"
            )
        }
        other => panic!("expected a business-rule refusal containing '{expected}', got {other:?}"),
    }
}

#[tokio::test]
async fn contract_services_only_go_on_recurring_service_contracts() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let time_and_materials =
        contract(&client, "Coho Winery", vec![Filter::eq("contractType", 1)]).await;
    let e3 = service(&client, "Microsoft 365 E3 (Monthly)").await;
    refused(
        client
            .create_contract_child(
                time_and_materials.id,
                ContractChild::Services,
                &json!({"contractID": time_and_materials.id, "serviceID": e3.id}),
            )
            .await,
        "contractID must reference a Recurring Service type Contract",
    );
}

#[tokio::test]
async fn an_adjustment_must_fall_within_the_contract_dates() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let monthly = contract(
        &client,
        "Fabrikam Inc",
        vec![Filter::eq("contractPeriodType", 1)],
    )
    .await;
    let e3 = service(&client, "Microsoft 365 E3 (Monthly)").await;
    for date in ["2025-12-31T00:00:00", "2028-01-01T00:00:00"] {
        refused(
            client
                .create("ContractServiceAdjustments", &json!({"contractID": monthly.id, "serviceID": e3.id, "effectiveDate": date, "unitChange": 1}))
                .await,
            "effectiveDate must be between the start date and end date of the Contract",
        );
    }
    // The first and last days are inside.
    for date in ["2026-01-01T00:00:00", "2027-12-31T00:00:00"] {
        client
            .create("ContractServiceAdjustments", &json!({"contractID": monthly.id, "serviceID": e3.id, "effectiveDate": date, "unitChange": 1}))
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn service_names_are_unique_regardless_of_case() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let code = billing_code(&client, "Recurring Services").await;
    refused(
        client
            .create("Services", &json!({"name":"MICROSOFT 365 E3 (MONTHLY)","unitPrice":1,"periodType":1,"billingCodeID":code}))
            .await,
        "Violation of UNIQUE KEY constraint 'IX_service'",
    );
    let other = service(&client, "Microsoft 365 E5 (Monthly)").await;
    refused(
        client
            .update(
                "Services",
                &json!({"id": other.id, "name": "Microsoft 365 E3 (Monthly)"}),
            )
            .await,
        "IX_service",
    );
}

#[tokio::test]
async fn field_lengths_are_enforced() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let code = billing_code(&client, "Recurring Services").await;
    let ok_name = "N".repeat(150);
    client
        .create("Services", &json!({"name": ok_name, "description": "d".repeat(400), "invoiceDescription": "i".repeat(1000), "unitPrice":1,"periodType":1,"billingCodeID":code}))
        .await
        .unwrap();
    for (field, len) in [
        ("name", 151),
        ("description", 401),
        ("invoiceDescription", 1001),
    ] {
        let mut body =
            json!({"name":"Length test","unitPrice":1,"periodType":1,"billingCodeID":code});
        body[field] = Value::from("x".repeat(len));
        refused(
            client.create("Services", &body).await,
            &format!("{field} exceeds its maximum length"),
        );
    }
}

#[tokio::test]
async fn required_fields_are_named_when_missing() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let code = billing_code(&client, "Recurring Services").await;
    refused(
        client
            .create(
                "Services",
                &json!({"name":"No price","periodType":1,"billingCodeID":code}),
            )
            .await,
        "Required field unitPrice is missing.",
    );
    refused(
        client
            .create(
                "Services",
                &json!({"name":"No period","unitPrice":1,"billingCodeID":code}),
            )
            .await,
        "Required field periodType is missing.",
    );
    refused(
        client
            .create(
                "Companies",
                &json!({"companyName":"No phone","companyType":1,"ownerResourceID":1}),
            )
            .await,
        "Required field phone is missing.",
    );
    refused(
        client
            .create(
                "Companies",
                &json!({"companyName":"Bad owner","companyType":1,"phone":"1","ownerResourceID":1}),
            )
            .await,
        "Reference value on field: ownerResourceID of type: Resource does not exist or is invalid.",
    );
}

#[tokio::test]
async fn a_service_needs_an_active_recurring_billing_code() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    for name in ["Recurring - Legacy", "Remote Support"] {
        let code = billing_code(&client, name).await;
        refused(
            client.create("Services", &json!({"name":format!("With {name}"),"unitPrice":1,"periodType":1,"billingCodeID":code})).await,
            "An active Recurring Contract Service allocation code (billingCodeID) is required.",
        );
    }
}

#[tokio::test]
async fn only_adjusted_price_and_invoice_description_of_a_contract_service_can_change() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let monthly = contract(
        &client,
        "Fabrikam Inc",
        vec![Filter::eq("contractPeriodType", 1)],
    )
    .await;
    let e3 = service(&client, "Microsoft 365 E3 (Monthly)").await;
    let cs = client
        .create_contract_child(
            monthly.id,
            ContractChild::Services,
            &json!({"contractID": monthly.id, "serviceID": e3.id}),
        )
        .await
        .unwrap();
    refused(
        client
            .update_contract_child(
                monthly.id,
                ContractChild::Services,
                &json!({"id": cs, "unitCost": 1.0}),
            )
            .await,
        "read-only except adjustedPrice and invoiceDescription",
    );
    client
        .update_contract_child(
            monthly.id,
            ContractChild::Services,
            &json!({"id": cs, "adjustedPrice": 30.0, "serviceID": e3.id}),
        )
        .await
        .expect("sending an unchanged read-only field is harmless");
}

#[tokio::test]
async fn a_contract_start_date_is_locked_once_it_has_services() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let monthly = contract(
        &client,
        "Fabrikam Inc",
        vec![Filter::eq("contractPeriodType", 1)],
    )
    .await;
    client
        .update(
            "Contracts",
            &json!({"id": monthly.id, "startDate": "2026-02-01T00:00:00Z"}),
        )
        .await
        .unwrap();
    let e3 = service(&client, "Microsoft 365 E3 (Monthly)").await;
    client
        .create_contract_child(
            monthly.id,
            ContractChild::Services,
            &json!({"contractID": monthly.id, "serviceID": e3.id}),
        )
        .await
        .unwrap();
    refused(
        client
            .update(
                "Contracts",
                &json!({"id": monthly.id, "startDate": "2026-03-01T00:00:00Z"}),
            )
            .await,
        "start date cannot be changed because the contract has services",
    );
    client
        .update(
            "Contracts",
            &json!({"id": monthly.id, "contractName": "Renamed"}),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn units_never_go_below_zero() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let monthly = contract(
        &client,
        "Fabrikam Inc",
        vec![Filter::eq("contractPeriodType", 1)],
    )
    .await;
    let e3 = service(&client, "Microsoft 365 E3 (Monthly)").await;
    client
        .create("ContractServiceAdjustments", &json!({"contractID": monthly.id, "serviceID": e3.id, "effectiveDate": "2026-02-01T00:00:00", "unitChange": 3}))
        .await
        .unwrap();
    refused(
        client
            .create("ContractServiceAdjustments", &json!({"contractID": monthly.id, "serviceID": e3.id, "effectiveDate": "2026-03-01T00:00:00", "unitChange": -4}))
            .await,
        "cannot be less than zero",
    );
    refused(
        client
            .create("ContractServiceAdjustments", &json!({"contractID": monthly.id, "serviceID": e3.id, "effectiveDate": "2026-01-15T00:00:00", "unitChange": -1}))
            .await,
        "cannot be less than zero",
    );
    client
        .create("ContractServiceAdjustments", &json!({"contractID": monthly.id, "serviceID": e3.id, "effectiveDate": "2026-03-01T00:00:00", "unitChange": -3}))
        .await
        .expect("down to exactly zero is allowed");
}

#[tokio::test]
async fn units_take_prices_from_the_contract_service_and_adjustments_never_from_adjusted_price() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let monthly = contract(
        &client,
        "Fabrikam Inc",
        vec![Filter::eq("contractPeriodType", 1)],
    )
    .await;
    let e3 = service(&client, "Microsoft 365 E3 (Monthly)").await;
    let cs = client
        .create_contract_child(
            monthly.id,
            ContractChild::Services,
            &json!({"contractID": monthly.id, "serviceID": e3.id}),
        )
        .await
        .unwrap();
    client
        .update_contract_child(
            monthly.id,
            ContractChild::Services,
            &json!({"id": cs, "adjustedPrice": 31.5}),
        )
        .await
        .unwrap();
    let stored: ContractService = client.get("ContractServices", cs).await.unwrap().unwrap();
    assert_eq!(
        stored.adjusted_price,
        Some(Decimal::new(315, 1)),
        "still stored"
    );
    client
        .create_contract_child(
            monthly.id,
            ContractChild::ServiceAdjustments,
            &json!({"contractServiceID": cs, "effectiveDate": "2026-03-01T00:00:00", "unitChange": 2}),
        )
        .await
        .unwrap();
    client
        .create_contract_child(
            monthly.id,
            ContractChild::ServiceAdjustments,
            &json!({"contractServiceID": cs, "effectiveDate": "2026-04-01T00:00:00", "unitChange": 0,
                    "adjustedUnitPrice": 40.0, "adjustedUnitCost": 33.0}),
        )
        .await
        .unwrap();
    let units: Vec<ContractServiceUnit> = client
        .query(
            "ContractServiceUnits",
            &QueryBody::new(vec![
                Filter::eq("contractServiceID", cs),
                Filter::lte("startDate", "2026-04-30T00:00:00Z"),
            ]),
        )
        .await
        .unwrap();
    let rows: Vec<(i64, Option<Decimal>, Option<Decimal>)> =
        units.iter().map(|u| (u.units, u.price, u.cost)).collect();
    assert_eq!(
        rows,
        [
            // March: 2 × 36.00 and 2 × 30.60, the contract service's own price and cost.
            (2, Some(Decimal::from(72)), Some(Decimal::new(612, 1))),
            // April: 2 × 40.00 and 2 × 33.00, the adjustment's.
            (2, Some(Decimal::from(80)), Some(Decimal::from(66))),
        ]
    );
}

#[tokio::test]
async fn a_root_adjustment_naming_only_its_contract_service_finds_the_contract() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let monthly = contract(
        &client,
        "Fabrikam Inc",
        vec![Filter::eq("contractPeriodType", 1)],
    )
    .await;
    let e3 = service(&client, "Microsoft 365 E3 (Monthly)").await;
    let cs = client
        .create_contract_child(
            monthly.id,
            ContractChild::Services,
            &json!({"contractID": monthly.id, "serviceID": e3.id}),
        )
        .await
        .unwrap();
    client
        .create(
            "ContractServiceAdjustments",
            &json!({"contractServiceID": cs, "effectiveDate": "2026-02-01T00:00:00", "unitChange": 3}),
        )
        .await
        .expect("no contractID needed when the contract service is named");
    let units: Vec<ContractServiceUnit> = client
        .query(
            "ContractServiceUnits",
            &QueryBody::new(vec![
                Filter::eq("contractServiceID", cs),
                Filter::eq("startDate", "2026-02-01T00:00:00Z"),
            ]),
        )
        .await
        .unwrap();
    assert_eq!((units[0].contract_id, units[0].units), (monthly.id, 3));

    let other = contract(
        &client,
        "Contoso Ltd",
        vec![Filter::eq("contractPeriodType", 1)],
    )
    .await;
    refused(
        client
            .create(
                "ContractServiceAdjustments",
                &json!({"contractID": other.id, "contractServiceID": cs, "effectiveDate": "2026-02-01T00:00:00", "unitChange": 1}),
            )
            .await,
        "Reference value on field: contractServiceID of type: ContractService does not exist or is invalid.",
    );
}

#[tokio::test]
async fn allow_repeat_service_is_accepted_on_an_adjustment() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let monthly = contract(
        &client,
        "Fabrikam Inc",
        vec![Filter::eq("contractPeriodType", 1)],
    )
    .await;
    let e3 = service(&client, "Microsoft 365 E3 (Monthly)").await;
    for (allow, date) in [
        (true, "2026-02-01T00:00:00"),
        (false, "2026-03-01T00:00:00"),
    ] {
        client
            .create_contract_child(
                monthly.id,
                ContractChild::ServiceAdjustments,
                &json!({"contractID": monthly.id, "serviceID": e3.id, "effectiveDate": date,
                        "unitChange": 1, "allowRepeatService": allow}),
            )
            .await
            .unwrap_or_else(|e| panic!("allowRepeatService {allow}: {e}"));
    }
    let fields = client.fields("ContractServiceAdjustments").await.unwrap();
    assert!(
        fields.iter().any(|f| f.name == "allowRepeatService"),
        "a documented field of the entity"
    );
}
