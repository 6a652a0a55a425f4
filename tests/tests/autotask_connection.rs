//! The Autotask connection from the reseller's side: the demo is connected to the sandbox, the
//! settings page's Test button, and the sandbox's data across restarts.

use psa_sync::{
    autotask::{Filter, QueryBody, models::Company},
    domain::{
        accounts::Role,
        connections::{self, ConnectionTest},
    },
    sandbox::autotask::seed,
};
use reqwest::StatusCode;
use serde_json::json;
use tests::{spawn_app, spawn_app_with, test_settings};

#[tokio::test]
async fn the_demo_reseller_is_connected_to_the_autotask_sandbox() {
    let data_dir = std::sync::Arc::new(tempfile::tempdir().unwrap());
    let mut settings = test_settings(&data_dir).await;
    settings.create_demo = true;
    let app = spawn_app_with(settings, data_dir).await;
    let demo = psa_sync::db::resellers::find_reseller_by_name(app.db(), "Demo Reseller")
        .await
        .unwrap()
        .unwrap();
    let outcome = connections::test_autotask_connection(app.db(), &app.state.connections, demo.id)
        .await
        .unwrap();
    match outcome {
        ConnectionTest::Connected(report) => assert_eq!(
            (report.zone_name.as_str(), report.api_user.as_str()),
            ("Sandbox", seed::API_USER)
        ),
        other => panic!("expected a working connection, got {other:?}"),
    }
}

#[tokio::test]
async fn the_test_button_reports_a_working_and_a_broken_connection() {
    let app = spawn_app().await;
    let admin = app.signed_in("Acme", Role::Admin).await;
    let page = admin.client.post_form("/settings/autotask/test", &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(
        admin
            .client
            .get("/settings")
            .await
            .body
            .contains("Save the Autotask connection first.")
    );

    async fn save(client: &tests::Client, secret: &str) -> tests::Page {
        let fields = [
            ("username", seed::API_USER),
            ("secret", secret),
            ("integration_code", seed::INTEGRATION_CODE),
            ("api_url", "/sandbox/autotask/atservicesrest"),
        ];
        client.post_form("/settings/autotask", &fields).await
    }
    assert_eq!(
        save(&admin.client, seed::API_SECRET).await.status,
        StatusCode::SEE_OTHER
    );
    admin.client.post_form("/settings/autotask/test", &[]).await;
    let settings = admin.client.get("/settings").await;
    assert!(
        settings.body.contains("Autotask answered: zone Sandbox"),
        "{}",
        settings.body
    );
    assert!(
        settings
            .body
            .contains("Last test: Connected to zone Sandbox")
    );

    save(&admin.client, "wrong-secret").await;
    admin.client.post_form("/settings/autotask/test", &[]).await;
    let settings = admin.client.get("/settings").await;
    assert!(
        settings
            .body
            .contains("The Autotask connection does not work: Autotask refused the credentials: check the API user, the secret and the integration code. (ATC01)"),
        "{}",
        settings.body
    );
    assert!(!settings.body.contains("wrong-secret"));
}

#[tokio::test]
async fn the_sandbox_keeps_its_data_across_restarts_until_reset() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let owner: Vec<serde_json::Value> = client
        .query("Resources", &QueryBody::new(vec![Filter::all()]))
        .await
        .unwrap();
    client
        .create("Companies", &json!({"companyName":"Survivor Ltd","companyType":1,"phone":"1","ownerResourceID":owner[0]["id"]}))
        .await
        .unwrap();
    let (settings, data_dir) = (app.settings.clone(), app.data_dir.clone());
    app.stop().await.unwrap();

    let again = spawn_app_with(settings, data_dir).await;
    let client = again.autotask_client();
    let survivor = QueryBody::new(vec![Filter::eq("companyName", "Survivor Ltd")]);
    assert_eq!(
        client
            .query::<Company>("Companies", &survivor)
            .await
            .unwrap()
            .len(),
        1
    );

    let reset = reqwest::Client::new()
        .post(format!("{}/sandbox/autotask/_control/reset", again.address))
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), StatusCode::OK);
    assert!(
        client
            .query::<Company>("Companies", &survivor)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        client
            .count("Companies", vec![Filter::eq("companyType", 1)])
            .await
            .unwrap(),
        30
    );
}
