//! A service killed with SIGKILL in the middle of Check Changes, started again.

use std::time::Duration;

use psa_sync::{
    crypto::MasterKey,
    db,
    domain::{
        accounts::{self, Email, Role},
        connections::{self, MarketplaceConnectionInput},
    },
    model::{check_run::CheckRunStatus, ids::ResellerId},
    sandbox::marketplace::seed,
};
use secrecy::SecretString;
use tests::{Client, node::NodeConfig, postgres};

/// Waits (polling the database, bounded) until the reseller's latest run satisfies `done`.
async fn wait_for_run(
    database: &sea_orm::DatabaseConnection,
    reseller: ResellerId,
    what: &str,
    done: impl Fn(&psa_sync::model::check_run::CheckRun) -> bool,
) -> psa_sync::model::check_run::CheckRun {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(run) = db::check_runs::find_latest_check_run(database, reseller)
            .await
            .unwrap()
            && done(&run)
        {
            return run;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "waited a minute for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_run_killed_mid_way_is_marked_failed_on_the_next_start_and_the_button_works_again() {
    let data_dir = tempfile::tempdir().unwrap();
    let database_url = postgres::fresh_database_url().await;
    let url = database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", data_dir.path().join("psa-sync.db").display()));
    let database = db::connect(&url).await.unwrap();
    db::migrate(&database).await.unwrap();
    let key = MasterKey::generate();
    let password = "correct horse battery";
    let (reseller, _) = accounts::add_user(
        &database,
        "Acme",
        &Email::parse("admin@acme.test").unwrap(),
        Role::Admin,
        &SecretString::from(password),
    )
    .await
    .unwrap();
    connections::save_marketplace_connection(
        &database,
        &key,
        reseller,
        MarketplaceConnectionInput {
            base_url: "/sandbox/marketplace".into(),
            marketplace_code: seed::MARKETPLACE.into(),
            username: seed::USERNAME.into(),
            password: Some(SecretString::from(seed::PASSWORD)),
            subscription_key: Some(SecretString::from(seed::SUBSCRIPTION_KEY)),
        },
    )
    .await
    .unwrap();
    let config = NodeConfig::new(
        env!("CARGO_BIN_EXE_psa-sync-node"),
        data_dir.path(),
        database_url,
        key.to_base64(),
    );

    let node = config.start().await;
    let control = format!("{}/sandbox/marketplace/_control", node.address);
    // Slow enough that the run is surely still going when the process dies.
    let slow = reqwest::Client::new()
        .post(&control)
        .json(&serde_json::json!({"latency_ms": 300}))
        .send()
        .await
        .unwrap();
    assert!(slow.status().is_success());
    let browser = Client::new(&node.address);
    browser.login("admin@acme.test", password).await;
    browser.post_form("/check", &[]).await;
    let running = wait_for_run(&database, reseller, "the run to get going", |run| {
        run.status == CheckRunStatus::Running && run.counts.orders_seen > 0
    })
    .await;
    node.kill().await;
    let after_kill = db::check_runs::find_latest_check_run(&database, reseller)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (after_kill.id, after_kill.status),
        (running.id, CheckRunStatus::Running),
        "nobody was left to finish it"
    );

    let node = config.start().await;
    let failed = db::check_runs::find_latest_check_run(&database, reseller)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (failed.id, failed.status),
        (running.id, CheckRunStatus::Failed)
    );
    let message = failed.message.unwrap();
    assert!(message.ends_with("(CHK95)"), "{message}");
    let browser = Client::new(&node.address);
    browser.login("admin@acme.test", password).await;
    let dashboard = browser.get("/").await.body;
    assert!(
        dashboard.contains("Check Changes stopped unexpectedly"),
        "{dashboard}"
    );
    assert!(
        dashboard.contains("<button type=\"submit\">Check Changes</button>"),
        "the button is enabled: {dashboard}"
    );

    reqwest::Client::new()
        .post(&control)
        .json(&serde_json::json!({"latency_ms": 0}))
        .send()
        .await
        .unwrap();
    browser.post_form("/check", &[]).await;
    let finished = wait_for_run(&database, reseller, "the next run to finish", |run| {
        run.id != running.id && !run.status.is_active()
    })
    .await;
    assert_eq!(
        finished.status,
        CheckRunStatus::Done,
        "{:?}",
        finished.message
    );
    let tasks = db::tasks::find_tasks_for_reseller(&database, reseller, &Default::default(), 100)
        .await
        .unwrap();
    assert_eq!(
        tasks.len(),
        23,
        "every completed order of the seed's month, none twice (the killed run made {})",
        23 - finished.counts.tasks_created
    );
    node.kill().await;
}
