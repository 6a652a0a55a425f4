//! Step 1's other way over HTTP: the marketplace customer created as a company in Autotask from
//! a validated form, mapped to it once; bad input and a name Autotask already has change
//! nothing.

use psa_sync::{db, domain::accounts::Role, model::task::TaskType};
use reqwest::StatusCode;
use tests::{
    TestApp, TestUser,
    engine::{Reseller, day},
    forms::{form_fields, set},
    spawn_app,
};

async fn setup(app: &TestApp) -> (Reseller, TestUser, psa_sync::model::ids::TaskId) {
    let r = Reseller::new(
        app,
        "Contoso Ltd",
        "Microsoft 365 E3 (Monthly)",
        1,
        (day(2026, 1, 1), day(2027, 12, 31)),
    )
    .await;
    let user = app.signed_in("Engine Reseller", Role::Admin).await;
    let sub = r
        .unmapped_subscription(
            app,
            "Brand New Customer",
            "Microsoft 365 E3",
            "month:1",
            "36.00",
        )
        .await;
    let task = r
        .task(app, sub, TaskType::Sales, (0, 3), day(2026, 11, 20))
        .await;
    (r, user, task)
}

fn companies(app: &TestApp) -> usize {
    app.autotask_sandbox.read(|s| s.table("Companies").count())
}

async fn company_of_customer(
    app: &TestApp,
    r: &Reseller,
    task: psa_sync::model::ids::TaskId,
) -> Option<i64> {
    let task = db::tasks::find_task_for_reseller(app.db(), r.id, task)
        .await
        .unwrap()
        .unwrap();
    db::mappings::find_customer(app.db(), r.id, task.customer.unwrap())
        .await
        .unwrap()
        .unwrap()
        .autotask_company_id
}

#[tokio::test]
async fn a_customer_is_created_as_an_autotask_company_once_and_mapped_to_it() {
    let app = spawn_app().await;
    let (r, user, task) = setup(&app).await;
    let step = user.client.get(&format!("/tasks/{task}/customer")).await;
    assert!(
        step.body
            .contains("Create “Brand New Customer” in Autotask"),
        "{}",
        step.body
    );
    let page = user
        .client
        .get(&format!("/tasks/{task}/customer/new"))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains("The marketplace is not connected: fill in the fields."),
        "{}",
        page.body
    );
    let mut fields = form_fields(&page.body, &format!("/tasks/{task}/customer/new"));
    assert!(
        fields.contains(&("name".into(), "Brand New Customer".into())),
        "{fields:?}"
    );
    set(&mut fields, "phone", "+44 20 7946 0000");
    set(&mut fields, "city", "London");
    let before = companies(&app);
    // The first answer is lost: the company is found by its name, not created twice.
    app.autotask_sandbox.update_faults(|f| {
        f.injected.lose_next_answer = 1;
        f.injected.hold_ms = 50;
    });
    let created = user
        .client
        .post_fields(&format!("/tasks/{task}/customer/new"), &fields)
        .await;
    assert_eq!(
        created.location.as_deref(),
        Some(&*format!("/tasks/{task}/product")),
        "{}",
        created.body
    );
    assert_eq!(
        companies(&app),
        before + 1,
        "one company, however the answer went"
    );
    let company = company_of_customer(&app, &r, task).await.expect("mapped");
    let record = app
        .autotask_sandbox
        .read(|s| s.get("Companies", company).cloned())
        .unwrap();
    assert_eq!(record["companyName"], "Brand New Customer");
    assert_eq!(record["phone"], "+44 20 7946 0000");
    assert_eq!(record["city"], "London");
    assert_eq!(record["companyType"], 1);
    let log = psa_sync::domain::action_log::recent_entries(app.db(), r.id)
        .await
        .unwrap();
    assert!(log.iter().any(|e| e.code == "MAP20"), "{log:?}");
}

#[tokio::test]
async fn bad_company_input_and_a_name_autotask_has_come_back_with_messages_and_nothing_is_created()
{
    let app = spawn_app().await;
    let (r, user, task) = setup(&app).await;
    let page = user
        .client
        .get(&format!("/tasks/{task}/customer/new"))
        .await;
    let fields = form_fields(&page.body, &format!("/tasks/{task}/customer/new"));
    let before = companies(&app);
    let long = "x".repeat(101);
    let cases: [(&str, &str, &str); 6] = [
        (
            "name",
            "",
            "Enter the company&#39;s name (at most 100 characters).",
        ),
        (
            "name",
            &long,
            "Enter the company&#39;s name (at most 100 characters).",
        ),
        ("phone", "", "Enter a phone number (at most 25 characters)."),
        (
            "city",
            "A city with a name far too long",
            "At most 30 characters.",
        ),
        (
            "owner",
            "abc",
            "Choose the Autotask resource who owns the company.",
        ),
        (
            "name",
            "Evil\u{0}Corp",
            "Control characters are not allowed.",
        ),
    ];
    for (field, value, message) in cases {
        let mut bad = fields.clone();
        set(&mut bad, "phone", "+44 20 7946 0000");
        set(&mut bad, field, value);
        let page = user
            .client
            .post_fields(&format!("/tasks/{task}/customer/new"), &bad)
            .await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            page.body
        );
        assert!(
            page.body.contains(message) || page.body.contains(&message.replace("&#39;", "'")),
            "{field}: {}",
            page.body
        );
    }
    let mut html = fields.clone();
    set(&mut html, "phone", "");
    set(&mut html, "name", "<script>alert(1)</script>");
    let page = user
        .client
        .post_fields(&format!("/tasks/{task}/customer/new"), &html)
        .await;
    assert!(!page.body.contains("<script>alert(1)</script>"));
    assert!(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));

    // A name Autotask has: explained, with the way to map it instead.
    let mut taken = fields.clone();
    set(&mut taken, "phone", "+44 20 7946 0000");
    set(&mut taken, "name", "Contoso Ltd");
    let page = user
        .client
        .post_fields(&format!("/tasks/{task}/customer/new"), &taken)
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body
            .contains("Autotask already has a company with this name.")
    );
    assert!(
        page.body.contains(&format!("value=\"{}\"", r.company)),
        "{}",
        page.body
    );
    assert!(page.body.contains("Map to “Contoso Ltd”"));

    assert_eq!(companies(&app), before, "nothing created");
    assert_eq!(
        company_of_customer(&app, &r, task).await,
        None,
        "nothing mapped"
    );
    let stranger = app.signed_in("Someone Else", Role::Admin).await;
    let page = stranger
        .client
        .get(&format!("/tasks/{task}/customer/new"))
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}
