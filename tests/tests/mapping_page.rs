//! The Mapping screen against the Autotask sandbox: map and unmap customers, products and the
//! cancellation fee; ranked suggestions; Add Product to Autotask with its bad inputs.

use std::sync::Arc;

use chrono::Utc;
use psa_sync::{
    autotask::{AutotaskApiExt, AutotaskClient, Filter, QueryBody},
    db,
    domain::{
        accounts::Role,
        connections::{self, AutotaskConnectionInput},
    },
    model::{
        billing::PeriodType,
        catalog::{ProductKey, SubscriptionSnapshot},
        ids::{CustomerRowId, ProductRowId, ResellerId, TaskId},
        money::Money,
        task::{Direction, NewTask, OrderRef, Quantities, TaskStatus, TaskType},
    },
    sandbox::autotask::seed,
};
use reqwest::StatusCode;
use sea_orm::{EntityTrait, PaginatorTrait, Set};
use secrecy::SecretString;
use serde_json::{Value, json};
use tests::{TestApp, TestUser, spawn_app};

/// A signed-in admin whose reseller is connected to the Autotask sandbox, and the reseller's
/// own client (the one the pages use, whose calls a test can count).
async fn connected(app: &TestApp, reseller: &str) -> (TestUser, Arc<AutotaskClient>) {
    let user = app.signed_in(reseller, Role::Admin).await;
    connections::save_autotask_connection(
        app.db(),
        &app.state.key,
        user.reseller_id,
        AutotaskConnectionInput {
            api_url: Some("/sandbox/autotask/atservicesrest".into()),
            username: seed::API_USER.into(),
            integration_code: seed::INTEGRATION_CODE.into(),
            secret: Some(SecretString::from(seed::API_SECRET)),
        },
    )
    .await
    .expect("connected");
    let client = app
        .state
        .connections
        .autotask(user.reseller_id)
        .await
        .expect("client")
        .expect("connected");
    (user, client)
}

async fn customer(app: &TestApp, reseller: ResellerId, name: &str) -> CustomerRowId {
    db::catalog::upsert_customer(app.db(), reseller, &format!("MP-{name}"), name)
        .await
        .expect("customer")
}

/// A product billed monthly, with a subscription of `customer` at `price` / `cost`.
async fn product(
    app: &TestApp,
    reseller: ResellerId,
    customer: CustomerRowId,
    name: &str,
    (price, cost): (&str, &str),
) -> ProductRowId {
    let key = ProductKey {
        mpn: format!("MPN-{}", name.replace(' ', "-")),
        vendor: "Microsoft".into(),
        billing_period: "month:1".into(),
        subscription_period: "year:1".into(),
    };
    let product = db::catalog::upsert_product(app.db(), reseller, &key, name)
        .await
        .expect("product");
    db::catalog::upsert_subscription(
        app.db(),
        reseller,
        &SubscriptionSnapshot {
            mp_subscription_id: format!("SUB-{name}"),
            customer,
            product: Some(product),
            status: "active".into(),
            billing_period: "month:1".into(),
            currency: Some("EUR".into()),
            unit_price: Some(Money::parse(price).expect("a price")),
            unit_cost: Some(Money::parse(cost).expect("a cost")),
            snapshot: json!({}),
        },
    )
    .await
    .expect("subscription");
    product
}

/// A task of the customer (and product) in `status`, as Check Changes and the wizard leave it.
async fn task(
    app: &TestApp,
    reseller: ResellerId,
    customer: CustomerRowId,
    product: Option<ProductRowId>,
    status: TaskStatus,
) -> TaskId {
    let order = uuid::Uuid::new_v4().simple().to_string();
    let now = Utc::now();
    let new = NewTask {
        reseller,
        order: OrderRef {
            mp_order_id: order.clone(),
            order_number: format!("SO-{order}"),
            order_type: "sales".into(),
            created_at: now,
        },
        facts: psa_sync::model::task::TaskFacts {
            task_type: TaskType::Sales,
            direction: Some(Direction::Up),
            quantities: Quantities::between(Some(0), Some(2)),
        },
        customer,
        subscription: None,
        mp_subscription_id: None,
        product,
        effective_date: now.date_naive(),
        order_snapshot: json!({}),
    };
    assert!(db::tasks::insert_task_if_new(app.db(), &new).await.unwrap());
    let id = db::tasks::find_tasks_for_reseller(app.db(), reseller, &Default::default(), 1000)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.order.mp_order_id == order)
        .unwrap()
        .id;
    let path: &[TaskStatus] = match status {
        TaskStatus::New => &[],
        TaskStatus::Ready => &[TaskStatus::Ready],
        TaskStatus::Queued => &[TaskStatus::Ready, TaskStatus::Queued],
        other => panic!("no fixture for {other:?}"),
    };
    let mut from = TaskStatus::New;
    for to in path {
        assert!(
            db::tasks::change_task_status(app.db(), reseller, id, from, *to, Default::default())
                .await
                .unwrap()
        );
        from = *to;
    }
    id
}

async fn status_of(app: &TestApp, reseller: ResellerId, task: TaskId) -> TaskStatus {
    db::tasks::find_task_for_reseller(app.db(), reseller, task)
        .await
        .unwrap()
        .unwrap()
        .status
}

async fn id_named(client: &AutotaskClient, entity: &str, field: &str, name: &str) -> i64 {
    let rows: Vec<Value> = client
        .query_as(entity, &QueryBody::new(vec![Filter::eq(field, name)]))
        .await
        .unwrap();
    rows[0]["id"].as_i64().unwrap()
}

async fn company_of(app: &TestApp, reseller: ResellerId, customer: CustomerRowId) -> Option<i64> {
    db::mappings::find_customer(app.db(), reseller, customer)
        .await
        .unwrap()
        .unwrap()
        .autotask_company_id
}

async fn service_of(app: &TestApp, reseller: ResellerId, product: ProductRowId) -> Option<i64> {
    db::mappings::find_product(app.db(), reseller, product)
        .await
        .unwrap()
        .unwrap()
        .autotask_service_id
}

fn services_in_sandbox(app: &TestApp) -> usize {
    app.autotask_sandbox
        .read(|store| store.table("Services").count())
}

/// Calls the reseller's client made to `Services` by POST. The client counts queries
/// (`POST /Services/query`) under the same key, so a test knows how many look-ups to expect.
fn service_posts(client: &AutotaskClient) -> u64 {
    client
        .calls()
        .get("Services POST")
        .copied()
        .unwrap_or_default()
}

#[tokio::test]
async fn a_customer_is_mapped_from_ranked_suggestions_and_unmapping_counts_its_open_tasks() {
    let app = spawn_app().await;
    let (user, _) = connected(&app, "Mapping Reseller").await;
    let client = app.autotask_client();
    let tailspin = customer(&app, user.reseller_id, "Tailspin Toys Ltd").await;
    let company = id_named(&client, "Companies", "companyName", "Tailspin Toys").await;
    let wingtip = id_named(&client, "Companies", "companyName", "Wingtip Toys").await;

    let tab = user.client.get("/mapping").await;
    assert_eq!(tab.status, StatusCode::OK);
    assert!(tab.body.contains("Tailspin Toys Ltd"));
    assert!(tab.body.contains("not mapped"));

    let choose = user
        .client
        .get(&format!("/mapping/customers/{tailspin}"))
        .await;
    assert_eq!(choose.status, StatusCode::OK);
    let exact = choose.body.find(&format!("(id {company})")).unwrap();
    let other = choose.body.find(&format!("(id {wingtip})")).unwrap();
    assert!(exact < other, "the closer name comes first");
    // Hand-worked in domain::suggestions: same name once "Ltd" is set aside; 43 % for Wingtip.
    assert!(choose.body.contains("<td>100%</td>"));
    assert!(choose.body.contains("<td>43%</td>"));

    let mapped = user
        .client
        .post_form(
            &format!("/mapping/customers/{tailspin}"),
            &[("target", &company.to_string())],
        )
        .await;
    assert_eq!(mapped.status, StatusCode::SEE_OTHER);
    assert_eq!(mapped.location.as_deref(), Some("/mapping"));
    assert_eq!(
        company_of(&app, user.reseller_id, tailspin).await,
        Some(company)
    );
    let tab = user.client.get("/mapping").await;
    assert!(tab.body.contains(&format!(
        "The customer is mapped to Autotask company {company}."
    )));
    assert!(tab.body.contains(&format!(
        "Tailspin Toys <span class=\"hint\">(id {company})</span>"
    )));
    let unmapped_only = user.client.get("/mapping?unmapped=1").await;
    assert!(!unmapped_only.body.contains("Tailspin Toys Ltd"));

    let new = task(&app, user.reseller_id, tailspin, None, TaskStatus::New).await;
    let ready = task(&app, user.reseller_id, tailspin, None, TaskStatus::Ready).await;
    let queued = task(&app, user.reseller_id, tailspin, None, TaskStatus::Queued).await;
    let page = user
        .client
        .get(&format!("/mapping/customers/{tailspin}"))
        .await;
    assert!(
        page.body
            .contains("2 open tasks (new or ready) rely on this mapping")
    );
    let unmap = user
        .client
        .post_form(&format!("/mapping/customers/{tailspin}/unmap"), &[])
        .await;
    assert_eq!(unmap.status, StatusCode::SEE_OTHER);
    let tab = user.client.get("/mapping").await;
    assert!(tab.body.contains(
        "The customer is no longer mapped to Autotask. 2 open tasks (new or ready) need a mapping again before they can sync."
    ));
    assert_eq!(company_of(&app, user.reseller_id, tailspin).await, None);
    assert_eq!(
        status_of(&app, user.reseller_id, new).await,
        TaskStatus::New
    );
    assert_eq!(
        status_of(&app, user.reseller_id, ready).await,
        TaskStatus::New
    );
    assert_eq!(
        status_of(&app, user.reseller_id, queued).await,
        TaskStatus::Queued
    );
}

#[tokio::test]
async fn a_company_already_mapped_to_another_customer_is_refused_with_a_clear_message() {
    let app = spawn_app().await;
    let (user, _) = connected(&app, "Mapping Reseller").await;
    let client = app.autotask_client();
    let first = customer(&app, user.reseller_id, "Contoso Limited").await;
    let second = customer(&app, user.reseller_id, "Contoso UK").await;
    let contoso = id_named(&client, "Companies", "companyName", "Contoso Ltd").await;
    let target = contoso.to_string();
    let path = format!("/mapping/customers/{first}");
    let ok = user.client.post_form(&path, &[("target", &target)]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);

    let refused = user
        .client
        .post_form(
            &format!("/mapping/customers/{second}"),
            &[("target", &target)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("That Autotask company is already mapped to another marketplace customer")
    );
    assert!(refused.body.contains("Mapped to Contoso Limited"));
    assert_eq!(company_of(&app, user.reseller_id, second).await, None);
    assert_eq!(
        company_of(&app, user.reseller_id, first).await,
        Some(contoso)
    );
}

#[tokio::test]
async fn a_product_is_mapped_to_a_searched_service_and_unmapped() {
    let app = spawn_app().await;
    let (user, _) = connected(&app, "Mapping Reseller").await;
    let client = app.autotask_client();
    let buyer = customer(&app, user.reseller_id, "Fabrikam, Inc.").await;
    let basic = product(
        &app,
        user.reseller_id,
        buyer,
        "Microsoft 365 Business Basic",
        ("6", "5.1"),
    )
    .await;
    let service = id_named(
        &client,
        "Services",
        "name",
        "Microsoft 365 Business Basic (Monthly)",
    )
    .await;

    let tab = user.client.get("/mapping/products").await;
    assert!(tab.body.contains("Microsoft 365 Business Basic"));
    assert!(tab.body.contains("month:1"));
    assert!(
        tab.body
            .contains(&format!("/mapping/products/{basic}/new-service"))
    );
    let search = user
        .client
        .get(&format!("/mapping/products/{basic}?q=business+basic"))
        .await;
    assert!(
        search
            .body
            .contains("Microsoft 365 Business Basic (Monthly)")
    );
    assert!(
        search
            .body
            .contains("Microsoft 365 Business Basic (Annual)")
    );
    assert!(
        !search.body.contains("Business Premium"),
        "only what matches"
    );

    let mapped = user
        .client
        .post_form(
            &format!("/mapping/products/{basic}"),
            &[("target", &service.to_string())],
        )
        .await;
    assert_eq!(mapped.status, StatusCode::SEE_OTHER);
    assert_eq!(
        service_of(&app, user.reseller_id, basic).await,
        Some(service)
    );
    let tab = user.client.get("/mapping/products").await;
    assert!(tab.body.contains("Microsoft 365 Business Basic (Monthly)"));

    let waiting = task(
        &app,
        user.reseller_id,
        buyer,
        Some(basic),
        TaskStatus::Ready,
    )
    .await;
    user.client
        .post_form(&format!("/mapping/products/{basic}/unmap"), &[])
        .await;
    let tab = user.client.get("/mapping/products").await;
    assert!(tab.body.contains(
        "The product is no longer mapped to Autotask. 1 open task (new or ready) needs a mapping again before it can sync."
    ));
    assert_eq!(service_of(&app, user.reseller_id, basic).await, None);
    assert_eq!(
        status_of(&app, user.reseller_id, waiting).await,
        TaskStatus::New
    );
}

#[tokio::test]
async fn two_products_share_a_service_unless_the_settings_keep_one_product_per_service() {
    let app = spawn_app().await;
    let (user, _) = connected(&app, "Mapping Reseller").await;
    let client = app.autotask_client();
    let buyer = customer(&app, user.reseller_id, "Fabrikam, Inc.").await;
    let one = product(&app, user.reseller_id, buyer, "Backup A", ("1", "0")).await;
    let two = product(&app, user.reseller_id, buyer, "Backup Bee", ("1", "0")).await;
    let three = product(&app, user.reseller_id, buyer, "Backup Cees", ("1", "0")).await;
    let backup = id_named(&client, "Services", "name", "Managed Backup (per device)").await;
    let target = backup.to_string();
    for p in [one, two] {
        let page = user
            .client
            .post_form(&format!("/mapping/products/{p}"), &[("target", &target)])
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
    }

    entities::settings::Entity::insert(entities::settings::ActiveModel {
        reseller_id: Set(user.reseller_id.0),
        price_source: Set("autotask".into()),
        proration: Set("autotask".into()),
        refunds_on_downgrade: Set(false),
        auto_processing: Set("off".into()),
        daily_at: Set(None),
        notify_level: Set("errors".into()),
        notify_emails: Set(String::new()),
        many_products_per_service: Set(false),
        completed_orders_only: Set(true),
        overlap_minutes: Set(10),
        updated_at: Set(Utc::now().fixed_offset()),
    })
    .exec(app.db())
    .await
    .unwrap();
    let refused = user
        .client
        .post_form(
            &format!("/mapping/products/{three}"),
            &[("target", &target)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("the settings keep one product per service")
    );
    assert_eq!(service_of(&app, user.reseller_id, three).await, None);
}

#[tokio::test]
async fn the_cancellation_fee_is_mapped_to_a_service_and_unmapped() {
    let app = spawn_app().await;
    let (user, _) = connected(&app, "Mapping Reseller").await;
    let client = app.autotask_client();
    let backup = id_named(&client, "Services", "name", "Managed Backup (per device)").await;
    let tab = user.client.get("/mapping/fees").await;
    assert!(tab.body.contains("Cancellation fee"));
    assert!(tab.body.contains("not mapped"));
    let search = user
        .client
        .get("/mapping/fees/cancellation?q=managed")
        .await;
    assert!(search.body.contains(&format!(
        "Managed Backup (per device) <span class=\"hint\">(id {backup})</span>"
    )));

    let mapped = user
        .client
        .post_form(
            "/mapping/fees/cancellation",
            &[("target", &backup.to_string())],
        )
        .await;
    assert_eq!(mapped.status, StatusCode::SEE_OTHER);
    assert_eq!(mapped.location.as_deref(), Some("/mapping/fees"));
    let fee = db::mappings::find_fee_service(app.db(), user.reseller_id, "cancellation").await;
    assert_eq!(fee.unwrap(), Some(backup));
    let tab = user.client.get("/mapping/fees").await;
    assert!(tab.body.contains("Managed Backup (per device)"));
    assert!(
        user.client
            .get("/mapping/fees?unmapped=1")
            .await
            .body
            .contains("Everything here is mapped.")
    );

    let unmapped = user
        .client
        .post_form("/mapping/fees/cancellation/unmap", &[])
        .await;
    assert_eq!(unmapped.status, StatusCode::SEE_OTHER);
    let fee = db::mappings::find_fee_service(app.db(), user.reseller_id, "cancellation").await;
    assert_eq!(fee.unwrap(), None);
    assert_eq!(
        user.client.get("/mapping/fees/nonsense").await.status,
        StatusCode::NOT_FOUND
    );
}

/// The form as a person fills it in for "Contoso Cloud Backup".
async fn good_form(client: &AutotaskClient) -> Vec<(&'static str, String)> {
    let code = tests::autotask::billing_code(client, "Recurring - Microsoft Cloud").await;
    let monthly = client
        .picklists()
        .await
        .unwrap()
        .period_type_value(PeriodType::Monthly)
        .unwrap();
    vec![
        ("name", "Contoso Cloud Backup (Monthly)".into()),
        ("description", "Cloud backup, per user".into()),
        ("invoice_description", "Contoso Cloud Backup".into()),
        ("price", "9.99".into()),
        ("cost", "4.25".into()),
        ("billing_code", code.to_string()),
        ("period_type", monthly.to_string()),
        ("vendor", "Microsoft".into()),
    ]
}

fn with(form: &[(&'static str, String)], field: &str, value: &str) -> Vec<(&'static str, String)> {
    form.iter()
        .map(|(k, v)| {
            (
                *k,
                if *k == field {
                    value.to_owned()
                } else {
                    v.clone()
                },
            )
        })
        .collect()
}

fn pairs<'a>(form: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    form.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[tokio::test]
async fn adding_a_product_to_autotask_creates_the_service_with_the_given_fields_and_maps_it() {
    let app = spawn_app().await;
    let (user, pages) = connected(&app, "Mapping Reseller").await;
    let client = app.autotask_client();
    let buyer = customer(&app, user.reseller_id, "Contoso Limited").await;
    let backup = product(
        &app,
        user.reseller_id,
        buyer,
        "Contoso Cloud Backup",
        ("7.50", "4.25"),
    )
    .await;
    let path = format!("/mapping/products/{backup}/new-service");

    let blank = user.client.get(&path).await;
    assert_eq!(blank.status, StatusCode::OK);
    assert!(
        blank
            .body
            .contains("value=\"Contoso Cloud Backup (Monthly)\"")
    );
    assert!(blank.body.contains("value=\"7.5\""));
    assert!(blank.body.contains("value=\"4.25\""));
    assert!(blank.body.contains("value=\"Microsoft\""));
    assert!(blank.body.contains("Recurring - Microsoft Cloud"));
    assert!(
        !blank.body.contains("Recurring - Legacy"),
        "inactive codes are not offered"
    );
    assert!(
        !blank.body.contains("Hardware"),
        "material codes are not offered"
    );
    assert!(blank.body.contains("selected>Monthly</option>"));

    let form = good_form(&client).await;
    let created = user.client.post_form(&path, &pairs(&form)).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    assert_eq!(created.location.as_deref(), Some("/mapping/products"));

    let services: Vec<Value> = client
        .query_as(
            "Services",
            &QueryBody::new(vec![Filter::eq("name", "Contoso Cloud Backup (Monthly)")]),
        )
        .await
        .unwrap();
    assert_eq!(services.len(), 1);
    let service = &services[0];
    let code = tests::autotask::billing_code(&client, "Recurring - Microsoft Cloud").await;
    let vendor = id_named(&client, "Companies", "companyName", "Microsoft Corporation").await;
    assert_eq!(service["description"], "Cloud backup, per user");
    assert_eq!(service["invoiceDescription"], "Contoso Cloud Backup");
    assert_eq!(service["unitPrice"], 9.99);
    assert_eq!(service["unitCost"], 4.25);
    assert_eq!(service["billingCodeID"], code);
    assert_eq!(service["periodType"].to_string(), form[6].1);
    assert_eq!(service["vendorCompanyID"], vendor);
    assert_eq!(service["isActive"], true);
    let id = service["id"].as_i64().unwrap();
    assert_eq!(service_of(&app, user.reseller_id, backup).await, Some(id));
    // The name look-up and the create.
    assert_eq!(service_posts(&pages), 2);
    let tab = user.client.get("/mapping/products").await;
    assert!(tab.body.contains(&format!(
        "“Contoso Cloud Backup (Monthly)” was created in Autotask (service {id}) and the product is mapped to it."
    )));

    let again = user.client.get(&path).await;
    assert_eq!(
        again.status,
        StatusCode::SEE_OTHER,
        "a mapped product needs no new service"
    );
}

#[tokio::test]
async fn a_duplicate_service_name_is_explained_and_the_existing_service_can_be_mapped_instead() {
    let app = spawn_app().await;
    let (user, pages) = connected(&app, "Mapping Reseller").await;
    let client = app.autotask_client();
    let buyer = customer(&app, user.reseller_id, "Contoso Limited").await;
    let basic = product(
        &app,
        user.reseller_id,
        buyer,
        "Microsoft 365 Business Basic",
        ("6", "5.1"),
    )
    .await;
    let existing = id_named(
        &client,
        "Services",
        "name",
        "Microsoft 365 Business Basic (Monthly)",
    )
    .await;
    let before = services_in_sandbox(&app);
    let form = with(
        &good_form(&client).await,
        "name",
        "microsoft 365 business basic (monthly)",
    );
    let refused = user
        .client
        .post_form(
            &format!("/mapping/products/{basic}/new-service"),
            &pairs(&form),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains(
        "Autotask already has a service named <strong>Microsoft 365 Business Basic (Monthly)</strong>"
    ));
    assert!(
        refused
            .body
            .contains("Autotask already has a service with this name.")
    );
    assert!(
        refused
            .body
            .contains("value=\"microsoft 365 business basic (monthly)\"")
    );
    assert!(
        refused
            .body
            .contains(&format!("name=\"target\" value=\"{existing}\""))
    );
    assert_eq!(services_in_sandbox(&app), before);
    // Only the name look-up: the create was never sent.
    assert_eq!(service_posts(&pages), 1);

    let mapped = user
        .client
        .post_form(
            &format!("/mapping/products/{basic}"),
            &[("target", &existing.to_string())],
        )
        .await;
    assert_eq!(mapped.status, StatusCode::SEE_OTHER);
    assert_eq!(
        service_of(&app, user.reseller_id, basic).await,
        Some(existing)
    );
}

/// Rows a refused form must leave as they were.
async fn stored_rows(app: &TestApp) -> (u64, u64, u64, usize) {
    let mapped = entities::products::Entity::find()
        .all(app.db())
        .await
        .unwrap()
        .iter()
        .filter(|p| p.autotask_service_id.is_some())
        .count() as u64;
    (
        mapped,
        entities::action_log::Entity::find()
            .count(app.db())
            .await
            .unwrap(),
        entities::fee_mappings::Entity::find()
            .count(app.db())
            .await
            .unwrap(),
        services_in_sandbox(app),
    )
}

#[tokio::test]
async fn each_bad_input_to_add_product_comes_back_with_its_message_and_nothing_is_stored() {
    let app = spawn_app().await;
    let (user, pages) = connected(&app, "Mapping Reseller").await;
    let client = app.autotask_client();
    let buyer = customer(&app, user.reseller_id, "Contoso Limited").await;
    let backup = product(
        &app,
        user.reseller_id,
        buyer,
        "Contoso Cloud Backup",
        ("7.5", "4"),
    )
    .await;
    let path = format!("/mapping/products/{backup}/new-service");
    let good = good_form(&client).await;
    let legacy = tests::autotask::billing_code(&client, "Recurring - Legacy").await;
    let hardware = tests::autotask::billing_code(&client, "Hardware").await;
    let long_name = "n".repeat(151);
    let long_description = "d".repeat(401);
    let long_invoice = "i".repeat(1001);
    let cases: Vec<(&str, String, &str)> = vec![
        ("name", String::new(), "Enter a name for the service."),
        ("name", long_name, "At most 150 characters; this has 151."),
        (
            "description",
            long_description,
            "At most 400 characters; this has 401.",
        ),
        (
            "invoice_description",
            long_invoice,
            "At most 1000 characters; this has 1001.",
        ),
        (
            "price",
            String::new(),
            "Enter a price (it may be negative, for a discount).",
        ),
        (
            "price",
            "twelve".into(),
            "The price must be a number, such as 12.50.",
        ),
        (
            "price",
            "1.23456".into(),
            "The price has more than four decimal places.",
        ),
        ("cost", "-3".into(), "The cost cannot be negative."),
        (
            "cost",
            "4,25".into(),
            "The cost must be a number, such as 12.50.",
        ),
        ("billing_code", String::new(), "Choose a billing code."),
        (
            "billing_code",
            legacy.to_string(),
            "Choose one of the active Recurring Contract Service billing codes.",
        ),
        (
            "billing_code",
            hardware.to_string(),
            "Choose one of the active Recurring Contract Service billing codes.",
        ),
        (
            "period_type",
            "99".into(),
            "Choose one of the period types.",
        ),
        (
            "vendor",
            "Nobody Such".into(),
            "No Autotask company starts with “Nobody Such”.",
        ),
    ];
    let before = stored_rows(&app).await;
    for (field, value, message) in &cases {
        let form = with(&good, field, value);
        let page = user.client.post_form(&path, &pairs(&form)).await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}={value}"
        );
        assert!(
            page.body.contains(&format!("id=\"{field}-error\" role=\"alert\" style=\"color:#a32020;font-size:.9rem\">{message}")),
            "{field}={value}: {}",
            page.body
        );
        if field != &"billing_code" && field != &"period_type" {
            assert!(
                page.body.contains(value.as_str()),
                "{field}: what was typed is kept"
            );
        }
        assert_eq!(stored_rows(&app).await, before, "{field}={value}");
    }

    let script = with(
        &with(&good, "name", "<script>alert('x')</script>"),
        "price",
        "",
    );
    let page = user.client.post_form(&path, &pairs(&script)).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body
            .contains("value=\"&lt;script&gt;alert('x')&lt;/script&gt;\"")
    );
    assert!(!page.body.contains("<script>alert"));

    let no_token = user.client.post_form_raw(&path, &pairs(&good)).await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    assert_eq!(stored_rows(&app).await, before);
    assert_eq!(service_posts(&pages), 0);
    assert_eq!(service_of(&app, user.reseller_id, backup).await, None);
}

#[tokio::test]
async fn another_resellers_customers_and_products_are_not_found() {
    let app = spawn_app().await;
    let (alice, _) = connected(&app, "Reseller A").await;
    let client = app.autotask_client();
    let (bob, _) = connected(&app, "Reseller B").await;
    let bobs_customer = customer(&app, bob.reseller_id, "Contoso Limited").await;
    let bobs_product = product(
        &app,
        bob.reseller_id,
        bobs_customer,
        "Contoso Cloud Backup",
        ("1", "1"),
    )
    .await;
    let contoso = id_named(&client, "Companies", "companyName", "Contoso Ltd")
        .await
        .to_string();
    let good = good_form(&client).await;
    let before = stored_rows(&app).await;

    for path in [
        format!("/mapping/customers/{bobs_customer}"),
        format!("/mapping/products/{bobs_product}"),
        format!("/mapping/products/{bobs_product}/new-service"),
        "/mapping/customers/not-a-number".to_owned(),
    ] {
        assert_eq!(
            alice.client.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let map = alice
        .client
        .post_form(
            &format!("/mapping/customers/{bobs_customer}"),
            &[("target", &contoso)],
        )
        .await;
    assert_eq!(map.status, StatusCode::NOT_FOUND);
    let unmap = alice
        .client
        .post_form(&format!("/mapping/products/{bobs_product}/unmap"), &[])
        .await;
    assert_eq!(unmap.status, StatusCode::NOT_FOUND);
    let add = alice
        .client
        .post_form(
            &format!("/mapping/products/{bobs_product}/new-service"),
            &pairs(&good),
        )
        .await;
    assert_eq!(add.status, StatusCode::NOT_FOUND);
    assert_eq!(stored_rows(&app).await, before);
    assert_eq!(company_of(&app, bob.reseller_id, bobs_customer).await, None);
    assert!(
        !alice
            .client
            .get("/mapping")
            .await
            .body
            .contains("Contoso Limited")
    );
}

#[tokio::test]
async fn without_an_autotask_connection_the_screen_lists_mappings_and_says_why_names_are_missing() {
    let app = spawn_app().await;
    let user = app.signed_in("Mapping Reseller", Role::Admin).await;
    let buyer = customer(&app, user.reseller_id, "Contoso Limited").await;
    db::mappings::set_customer_company(app.db(), user.reseller_id, buyer, Some(77))
        .await
        .unwrap();
    let tab = user.client.get("/mapping").await;
    assert_eq!(tab.status, StatusCode::OK);
    assert!(tab.body.contains("id 77"));
    assert!(tab.body.contains("Autotask is not connected yet"));
    let choose = user
        .client
        .get(&format!("/mapping/customers/{buyer}"))
        .await;
    assert_eq!(choose.status, StatusCode::OK);
    assert!(choose.body.contains("Autotask is not connected yet"));
}

#[tokio::test]
async fn a_new_service_whose_answer_is_lost_is_found_by_its_name_and_mapped_not_created_twice() {
    let app = spawn_app().await;
    let (user, pages) = connected(&app, "Mapping Reseller").await;
    let client = app.autotask_client();
    let buyer = customer(&app, user.reseller_id, "Contoso Limited").await;
    let backup = product(
        &app,
        user.reseller_id,
        buyer,
        "Contoso Cloud Backup",
        ("7.5", "4"),
    )
    .await;
    let form = good_form(&client).await;
    let before = services_in_sandbox(&app);
    app.autotask_sandbox.update_faults(|f| {
        f.injected.lose_next_answer = 1;
        f.injected.hold_ms = 50;
    });
    let created = user
        .client
        .post_form(
            &format!("/mapping/products/{backup}/new-service"),
            &pairs(&form),
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    assert_eq!(services_in_sandbox(&app), before + 1);
    let id = id_named(
        &client,
        "Services",
        "name",
        "Contoso Cloud Backup (Monthly)",
    )
    .await;
    assert_eq!(service_of(&app, user.reseller_id, backup).await, Some(id));
    // The name look-up, the create (sent once) and the read that found it.
    assert_eq!(service_posts(&pages), 3);
}
