//! The sandboxes are a demo: on by default, and gone entirely when switched off.

use std::sync::Arc;

use psa_sync::startup::Application;
use reqwest::StatusCode;
use tests::test_settings;

#[tokio::test]
async fn with_the_sandboxes_off_every_sandbox_path_answers_404_and_nothing_of_them_starts() {
    let data_dir = Arc::new(tempfile::tempdir().unwrap());
    let mut settings = test_settings(&data_dir).await;
    settings.sandboxes = false;
    settings.create_demo = true;
    let app = Application::build(&settings).await.unwrap();
    assert!(app.autotask_sandbox().is_none() && app.marketplace_sandbox().is_none());
    assert!(app.demo_login.is_some(), "the demo login still appears");
    let address = format!("http://127.0.0.1:{}", app.port());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));

    let http = reqwest::Client::new();
    for path in [
        "/sandbox/autotask/atservicesrest/v1.0/zoneInformation?user=api@sandbox.psa-sync.local",
        "/sandbox/autotask/ATServicesRest/V1.0/Companies/query",
        "/sandbox/marketplace/",
        "/sandbox/marketplace/products",
    ] {
        let answer = http.get(format!("{address}{path}")).send().await.unwrap();
        assert_eq!(answer.status(), StatusCode::NOT_FOUND, "GET {path}");
    }
    for path in [
        "/sandbox/autotask/_control",
        "/sandbox/marketplace/_control",
        "/sandbox/marketplace/token",
    ] {
        let answer = http
            .post(format!("{address}{path}"))
            .json(&serde_json::json!({"fail_next": 1}))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::NOT_FOUND, "POST {path}");
    }
    assert!(
        !data_dir.path().join("sandbox").exists(),
        "no sandbox data was created"
    );
    let _ = stop.send(());
    running.await.unwrap().unwrap();
}

#[tokio::test]
async fn with_the_sandboxes_on_by_default_their_paths_answer() {
    let app = tests::spawn_app().await;
    assert!(psa_sync::config::Settings::default().sandboxes);
    let page = reqwest::get(format!("{}/sandbox/marketplace/", app.address))
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
}
