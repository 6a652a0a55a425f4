//! Importing Autotask companies into the marketplace (design §2.4), against both sandboxes over
//! HTTP, with the job run by the app's own worker.
//!
//! Expected figures are worked out by hand from the Autotask seed
//! (`app/src/sandbox/autotask/seed.rs`): thirty customers n = 0…29, all in the United Kingdom.
//! Customer n has no address when n % 7 = 3 (3, 10, 17, 24), its contact no e-mail when
//! n % 5 = 4 (4, 9, 14, 19, 24, 29) and no phone when n % 6 = 5 (5, 11, 17, 23, 29): twelve
//! incomplete profiles, eighteen complete ones.

use std::time::Duration;

use psa_sync::{
    autotask::{AutotaskApiExt, Filter, QueryBody, models::Company},
    domain::{
        accounts::Role,
        connections::{self, AutotaskConnectionInput, MarketplaceConnectionInput},
    },
    model::ids::ResellerId,
    queue::JobEvent,
    sandbox::{autotask::seed, marketplace::seed as mp_seed},
};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use secrecy::SecretString;
use serde_json::{Value, json};
use tests::{TestApp, TestUser, spawn_app};
use tokio::sync::broadcast::Receiver;

const COMPLETE: usize = 18;
const INCOMPLETE: usize = 12;

/// An admin of a reseller connected to both sandboxes.
async fn connected(app: &TestApp) -> TestUser {
    let admin = app.signed_in("Importer", Role::Admin).await;
    connections::save_autotask_connection(
        app.db(),
        &app.state.key,
        admin.reseller_id,
        AutotaskConnectionInput {
            api_url: Some("/sandbox/autotask/atservicesrest".into()),
            username: seed::API_USER.into(),
            integration_code: seed::INTEGRATION_CODE.into(),
            secret: Some(SecretString::from(seed::API_SECRET)),
        },
    )
    .await
    .unwrap();
    connections::save_marketplace_connection(
        app.db(),
        &app.state.key,
        admin.reseller_id,
        MarketplaceConnectionInput {
            base_url: "/sandbox/marketplace".into(),
            marketplace_code: mp_seed::MARKETPLACE.into(),
            username: mp_seed::USERNAME.into(),
            password: Some(SecretString::from(mp_seed::PASSWORD)),
            subscription_key: Some(SecretString::from(mp_seed::SUBSCRIPTION_KEY)),
        },
    )
    .await
    .unwrap();
    admin
}

async fn company_id(app: &TestApp, name: &str) -> i64 {
    let found: Vec<Company> = app
        .autotask_client()
        .query_as(
            "Companies",
            &QueryBody::new(vec![Filter::eq("companyName", name)]),
        )
        .await
        .unwrap();
    found[0].id
}

/// Waits for the next import job to end; bounded, so a broken queue fails instead of hanging.
async fn import_finished(events: &mut Receiver<JobEvent>) -> bool {
    tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            if let Ok(JobEvent::Finished {
                job: "import-customers",
                ok,
                ..
            }) = events.recv().await
            {
                return ok;
            }
        }
    })
    .await
    .expect("the import job ran within 60 s")
}

/// Marketplace customers created by an import (they carry an `AT-<company>` reference).
fn imported_in_marketplace(app: &TestApp) -> Vec<Value> {
    app.marketplace_sandbox.read(|store, _| {
        store
            .customers
            .values()
            .filter(|c| {
                c["externalId"]
                    .as_str()
                    .is_some_and(|e| e.starts_with("AT-"))
            })
            .cloned()
            .collect()
    })
}

async fn mapped_companies(app: &TestApp, reseller: ResellerId) -> Vec<i64> {
    let mut mapped: Vec<i64> =
        psa_sync::db::catalog::find_customers_for_reseller(app.db(), reseller)
            .await
            .unwrap()
            .into_iter()
            .filter_map(|c| c.autotask_company_id)
            .collect();
    mapped.sort_unstable();
    mapped
}

async fn log_codes(app: &TestApp, reseller: ResellerId) -> Vec<String> {
    psa_sync::domain::action_log::recent_entries(app.db(), reseller)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.code)
        .collect()
}

/// The table row of one company on the import page.
fn row(page: &str, company: i64) -> &str {
    let start = page
        .find(&format!("data-company=\"{company}\""))
        .unwrap_or_else(|| panic!("company {company} is not listed"));
    let end = page[start..].find("</tr>").unwrap() + start;
    &page[start..end]
}

#[tokio::test]
async fn import_all_imports_only_the_complete_profiles_maps_them_and_lists_what_the_others_lack() {
    let app = spawn_app().await;
    let admin = connected(&app).await;
    let contoso = company_id(&app, "Contoso Ltd").await;
    let adventure = company_id(&app, "Adventure Works Cycles").await;
    let tailspin = company_id(&app, "Tailspin Toys").await;
    let datum = company_id(&app, "Datum Corporation").await;

    let page = admin.client.get("/import").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.body.matches("data-company=").count(),
        COMPLETE + INCOMPLETE
    );
    assert!(row(&page.body, contoso).contains("complete"));
    assert!(
        row(&page.body, adventure).contains("Missing: street address, city, postal code, country.")
    );
    assert!(row(&page.body, tailspin).contains("Missing: e-mail."));
    assert!(row(&page.body, datum).contains("Missing: e-mail, phone."));

    let mut events = app.job_events();
    let started = admin.client.post_form("/import/all", &[]).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER);
    assert!(import_finished(&mut events).await);

    let created = imported_in_marketplace(&app);
    assert_eq!(created.len(), COMPLETE);
    let contoso_customer = created
        .iter()
        .find(|c| c["externalId"] == json!(format!("AT-{contoso}")))
        .expect("Contoso is in the marketplace");
    assert_eq!(contoso_customer["name"], "Contoso Ltd");
    assert_eq!(
        contoso_customer["address"],
        json!({"streetAddress": "10 High Street", "postalCode": "EC1A 1BB", "city": "London", "countryCode": "GB"})
    );
    assert_eq!(
        contoso_customer["contactPersons"],
        json!([{"type": "admin", "firstName": "Ann", "lastName": "Baker",
                "email": "ann.baker@contosoltd.example", "phoneNumber": "+442079461000"}])
    );
    assert!(
        created
            .iter()
            .all(|c| c["externalId"] != json!(format!("AT-{tailspin}")))
    );

    let mapped = mapped_companies(&app, admin.reseller_id).await;
    assert_eq!(mapped.len(), COMPLETE);
    assert!(mapped.contains(&contoso) && !mapped.contains(&tailspin));
    let contoso_row =
        psa_sync::db::mappings::find_customer_mapped_to(app.db(), admin.reseller_id, contoso)
            .await
            .unwrap()
            .expect("Contoso is mapped");
    let recorded = psa_sync::db::mappings::find_customer(app.db(), admin.reseller_id, contoso_row)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        Some(recorded.mp_customer_id.as_str()),
        contoso_customer["id"].as_str()
    );

    let after = admin.client.get("/import").await.body;
    assert_eq!(after.matches("data-company=").count(), INCOMPLETE);
    assert!(
        after.contains("<strong>18 imported</strong>, 0 failed, 12 left out (incomplete)."),
        "{after}"
    );
    assert!(row(&after, datum).contains("Missing: e-mail, phone."));
    assert!(after.contains("data-running=\"false\""));
    let panel = admin.client.get("/import/progress").await.body;
    assert!(
        panel.starts_with("<div class=\"card\" id=\"import-panel\"")
            && panel.contains("<strong>18 imported</strong>"),
        "the poller's fragment shows the same: {panel}"
    );
    let codes = log_codes(&app, admin.reseller_id).await;
    assert_eq!(codes.iter().filter(|c| *c == "IMP10").count(), COMPLETE);
    assert!(codes.contains(&"IMP01".to_owned()) && codes.contains(&"IMP02".to_owned()));

    // A second Import All finds nothing complete left and creates nothing.
    admin.client.post_form("/import/all", &[]).await;
    assert!(import_finished(&mut events).await);
    assert_eq!(imported_in_marketplace(&app).len(), COMPLETE);
    assert_eq!(
        mapped_companies(&app, admin.reseller_id).await.len(),
        COMPLETE
    );
}

#[tokio::test]
async fn a_failure_on_one_company_leaves_the_others_imported_and_lists_it_with_the_marketplaces_reason_to_retry()
 {
    let app = spawn_app().await;
    let admin = connected(&app).await;
    let fabrikam = company_id(&app, "Fabrikam Inc").await;
    app.marketplace_sandbox
        .update_faults(|f| f.fail_customers_named = vec!["Fabrikam Inc".into()]);

    let mut events = app.job_events();
    admin.client.post_form("/import/all", &[]).await;
    assert!(
        import_finished(&mut events).await,
        "one failure is not a failed run"
    );

    assert_eq!(imported_in_marketplace(&app).len(), COMPLETE - 1);
    let mapped = mapped_companies(&app, admin.reseller_id).await;
    assert_eq!(mapped.len(), COMPLETE - 1);
    assert!(!mapped.contains(&fabrikam));
    let page = admin.client.get("/import").await.body;
    assert!(
        page.contains("<strong>17 imported</strong>, 1 failed, 12 left out (incomplete)."),
        "{page}"
    );
    let fabrikam_row = row(&page, fabrikam);
    assert!(
        fabrikam_row.contains(
            "Last try failed: The marketplace did not answer properly (HTTP 500 Internal Server Error: The account could not be created: the provisioning service failed.); try again later."
        ),
        "{fabrikam_row}"
    );
    assert!(fabrikam_row.contains(&format!("action=\"/import/companies/{fabrikam}/retry\"")));
    let log = psa_sync::domain::action_log::recent_entries(app.db(), admin.reseller_id)
        .await
        .unwrap();
    assert!(log.iter().any(|e| e.code == "IMP21"
        && e.message.starts_with(
            "Fabrikam Inc was not imported: The marketplace did not answer properly"
        )));

    // Once the marketplace works again, the retry imports it (and only it).
    app.marketplace_sandbox
        .update_faults(|f| f.fail_customers_named.clear());
    let retried = admin
        .client
        .post_form(&format!("/import/companies/{fabrikam}/retry"), &[])
        .await;
    assert_eq!(retried.status, StatusCode::SEE_OTHER);
    assert!(import_finished(&mut events).await);
    assert_eq!(imported_in_marketplace(&app).len(), COMPLETE);
    assert!(
        mapped_companies(&app, admin.reseller_id)
            .await
            .contains(&fabrikam)
    );
    let page = admin.client.get("/import").await.body;
    assert!(
        page.contains("<strong>1 imported</strong>, 0 failed, 0 left out"),
        "{page}"
    );
}

#[tokio::test]
async fn a_customer_whose_creation_answer_was_lost_is_found_by_its_reference_and_not_created_twice()
{
    let app = spawn_app().await;
    let admin = connected(&app).await;
    app.marketplace_sandbox.update_faults(|f| {
        f.injected.lose_next_answer = 1;
        f.injected.hold_ms = 0;
    });
    let mut events = app.job_events();
    admin.client.post_form("/import/all", &[]).await;
    assert!(import_finished(&mut events).await);

    let created = imported_in_marketplace(&app);
    assert_eq!(created.len(), COMPLETE);
    let mut references: Vec<&str> = created
        .iter()
        .filter_map(|c| c["externalId"].as_str())
        .collect();
    references.sort_unstable();
    references.dedup();
    assert_eq!(references.len(), COMPLETE, "each company once");
    assert_eq!(
        app.marketplace_sandbox.faults().injected.lose_next_answer,
        0,
        "an answer was lost"
    );
    assert_eq!(
        customer_posts(&app, admin.reseller_id).await,
        COMPLETE as u64,
        "the company whose answer was lost was looked up, not sent again"
    );
    assert_eq!(
        mapped_companies(&app, admin.reseller_id).await.len(),
        COMPLETE
    );
}

#[tokio::test]
async fn a_company_lacking_an_email_is_imported_after_the_form_fills_it_in() {
    let app = spawn_app().await;
    let admin = connected(&app).await;
    let tailspin = company_id(&app, "Tailspin Toys").await;

    let form = admin
        .client
        .get(&format!("/import/companies/{tailspin}"))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains("value=\"Mei\""),
        "pre-filled from Autotask"
    );
    assert!(form.body.contains("value=\"14 High Street\""));
    assert!(form.body.contains("value=\"GB\""));
    assert!(
        form.body.contains("data-field=\"email\">Required.</div>"),
        "{}",
        form.body
    );

    let fields = [
        ("first_name", "Mei"),
        ("last_name", "Chen"),
        ("email", "mei.chen@tailspintoys.example"),
        ("phone", "+44 20 7946 1004"),
        ("address1", "14 High Street"),
        ("city", "London"),
        ("postal_code", "EC1A 1BB"),
        ("country", "gb"),
    ];
    let done = admin
        .client
        .post_form(&format!("/import/companies/{tailspin}"), &fields)
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location.as_deref(), Some("/import"));

    let created = imported_in_marketplace(&app);
    assert_eq!(created.len(), 1);
    assert_eq!(created[0]["externalId"], json!(format!("AT-{tailspin}")));
    assert_eq!(
        created[0]["contactPersons"][0]["email"],
        "mei.chen@tailspintoys.example"
    );
    assert_eq!(
        created[0]["contactPersons"][0]["phoneNumber"],
        "+442079461004"
    );
    assert_eq!(created[0]["address"]["countryCode"], "GB");
    assert_eq!(mapped_companies(&app, admin.reseller_id).await, [tailspin]);
    let page = admin.client.get("/import").await.body;
    assert!(
        page.contains("Tailspin Toys imported into the marketplace as customer"),
        "{page}"
    );
    assert!(!page.contains(&format!("data-company=\"{tailspin}\"")));
    assert!(
        log_codes(&app, admin.reseller_id)
            .await
            .contains(&"IMP10".to_owned())
    );
}

async fn stored_counts(app: &TestApp, reseller: ResellerId) -> [u64; 4] {
    let db = app.db();
    [
        entities::customers::Entity::find()
            .filter(entities::customers::Column::ResellerId.eq(reseller.0))
            .count(db)
            .await
            .unwrap(),
        entities::import_runs::Entity::find()
            .filter(entities::import_runs::Column::ResellerId.eq(reseller.0))
            .count(db)
            .await
            .unwrap(),
        entities::import_items::Entity::find()
            .filter(entities::import_items::Column::ResellerId.eq(reseller.0))
            .count(db)
            .await
            .unwrap(),
        entities::action_log::Entity::find()
            .filter(entities::action_log::Column::ResellerId.eq(reseller.0))
            .count(db)
            .await
            .unwrap(),
    ]
}

async fn customer_posts(app: &TestApp, reseller: ResellerId) -> u64 {
    let client = app
        .state
        .connections
        .marketplace(reseller)
        .await
        .unwrap()
        .unwrap();
    client.calls().get("POST /customers").copied().unwrap_or(0)
}

#[tokio::test]
async fn each_bad_input_is_answered_with_the_form_and_its_message_and_nothing_is_stored_or_sent() {
    let app = spawn_app().await;
    let admin = connected(&app).await;
    let tailspin = company_id(&app, "Tailspin Toys").await;
    let vendor = company_id(&app, "Microsoft Corporation").await;
    let good = [
        ("first_name", "Mei"),
        ("last_name", "Chen"),
        ("email", "mei.chen@tailspintoys.example"),
        ("phone", "+44 20 7946 1004"),
        ("address1", "14 High Street"),
        ("city", "London"),
        ("postal_code", "EC1A 1BB"),
        ("country", "GB"),
    ];
    let before = stored_counts(&app, admin.reseller_id).await;
    let sandbox_before = app.marketplace_sandbox.read(|s, _| s.customers.len());
    let long_name = "x".repeat(51);
    let long_postcode = "9".repeat(17);
    let script = "<script>alert(1)</script>";
    let cases: [(&str, &str, &str); 8] = [
        ("first_name", "", "Required."),
        ("last_name", "   ", "Required."),
        ("last_name", &long_name, "At most 50 characters."),
        (
            "email",
            "mei.chen@",
            "Not an e-mail address (name@example.com).",
        ),
        (
            "phone",
            "020 7946 0000",
            "Use the international form with the country code, e.g. +44 20 7946 0000.",
        ),
        ("first_name", script, "Must not contain &lt; or &gt;."),
        ("postal_code", &long_postcode, "At most 16 characters."),
        (
            "country",
            "United Kingdom",
            "Use the two-letter country code (ISO 3166-1), e.g. GB.",
        ),
    ];
    for (field, value, message) in cases {
        let fields: Vec<(&str, &str)> = good
            .iter()
            .map(|(name, good_value)| (*name, if *name == field { value } else { *good_value }))
            .collect();
        let page = admin
            .client
            .post_form(&format!("/import/companies/{tailspin}"), &fields)
            .await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}={value}"
        );
        assert!(
            page.body
                .contains(&format!("data-field=\"{field}\">{message}</div>")),
            "{field}={value}: {}",
            page.body
        );
        assert!(
            page.body
                .contains("value=\"mei.chen@tailspintoys.example\"")
                || field == "email"
        );
        assert!(!page.body.contains("<script>alert"), "markup is escaped");
    }
    let script_page = admin
        .client
        .post_form(
            &format!("/import/companies/{tailspin}"),
            &[("first_name", script), ("email", "a@b.example")],
        )
        .await;
    assert!(
        script_page
            .body
            .contains("value=\"&lt;script&gt;alert(1)&lt;/script&gt;\""),
        "what was typed is kept, escaped"
    );

    // A company that is not this reseller's to import: unknown here, or not a customer.
    for company in [999_999_999, vendor] {
        let page = admin
            .client
            .post_form(&format!("/import/companies/{company}"), &good)
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{company}");
        assert!(page.body.contains(
            "This company is not one of your unmapped Autotask customers; nothing was imported."
        ));
        assert!(
            page.body
                .contains("value=\"mei.chen@tailspintoys.example\"")
        );
        let form = admin
            .client
            .get(&format!("/import/companies/{company}"))
            .await;
        assert_eq!(form.status, StatusCode::NOT_FOUND);
    }

    assert_eq!(stored_counts(&app, admin.reseller_id).await, before);
    assert_eq!(customer_posts(&app, admin.reseller_id).await, 0);
    assert_eq!(
        app.marketplace_sandbox.read(|s, _| s.customers.len()),
        sandbox_before
    );
}

#[tokio::test]
async fn the_marketplace_sandbox_refuses_a_customer_the_spec_calls_invalid() {
    let app = spawn_app().await;
    let token: Value = reqwest::Client::new()
        .post(format!("{}/sandbox/marketplace/token", app.address))
        .header("X-Subscription-Key", mp_seed::SUBSCRIPTION_KEY)
        .basic_auth(mp_seed::USERNAME, Some(mp_seed::PASSWORD))
        .json(&json!({"marketplace": mp_seed::MARKETPLACE}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["token"].as_str().unwrap().to_owned();
    let valid = json!({"name":"Spec Ltd","language":"en","externalId":"AT-1",
        "address":{"streetAddress":"1 Road","postalCode":"N1","city":"London","countryCode":"GB"},
        "contactPersons":[{"type":"admin","firstName":"A","lastName":"B","email":"a@b.example","phoneNumber":"+4420"}]});
    let mut without_type = valid.clone();
    without_type["contactPersons"][0]
        .as_object_mut()
        .unwrap()
        .remove("type");
    let mut numeric_type = valid.clone();
    numeric_type["contactPersons"][0]["type"] = json!(5);
    let mut numeric_reference = valid.clone();
    numeric_reference["externalId"] = json!(17);
    let mut person_not_object = valid.clone();
    person_not_object["contactPersons"] = json!(["admin"]);
    for (body, message) in [
        (without_type, "contactPersons[0].type is required"),
        (numeric_type, "contactPersons[0].type is required"),
        (numeric_reference, "externalId must be a string"),
        (
            person_not_object,
            "contactPersons[0] must be a ContactPerson object",
        ),
    ] {
        let response = reqwest::Client::new()
            .post(format!("{}/sandbox/marketplace/customers", app.address))
            .header("X-Subscription-Key", mp_seed::SUBSCRIPTION_KEY)
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{message}");
        let answer: Value = response.json().await.unwrap();
        assert_eq!(answer["message"], message);
    }
    assert!(
        app.marketplace_sandbox
            .read(|s, _| s.customers.values().all(|c| c["name"] != "Spec Ltd")),
        "nothing was created"
    );
}
