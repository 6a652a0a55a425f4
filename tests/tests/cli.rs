//! `psa-sync task plan` and `psa-sync task sync`, run as the real program on the app's database.

use psa_sync::model::task::{TaskStatus, TaskType};
use tests::{
    engine::{Reseller, day},
    spawn_app,
};

async fn run(app: &tests::TestApp, args: &[&str]) -> String {
    let output = output(app, args).await;
    assert!(
        output.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("text")
}

async fn output(app: &tests::TestApp, args: &[&str]) -> std::process::Output {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_psa-sync-node"));
    command
        .args(args)
        .env("PSA_SYNC_DATA_DIR", app.data_dir.path())
        .env("PSA_SYNC_BIND", app.address.trim_start_matches("http://"))
        .env("PSA_SYNC_LOG_LEVEL", "error")
        .env_remove("DATABASE_URL");
    if let Some(url) = &app.settings.database_url {
        command.env("DATABASE_URL", url);
    }
    command.output().await.expect("the program runs")
}

#[tokio::test]
async fn the_command_line_plans_a_task_then_syncs_it_and_prints_the_outcome() {
    let app = spawn_app().await;
    let r = Reseller::new(
        &app,
        "Contoso Ltd",
        "Microsoft 365 E3 (Monthly)",
        1,
        (day(2026, 1, 1), day(2027, 12, 31)),
    )
    .await;
    let sub = r
        .subscription(&app, "E3 for Contoso", "month:1", "36.00")
        .await;
    let task = r
        .task(&app, sub, TaskType::Sales, (0, 4), day(2026, 11, 16))
        .await;
    let id = task.0.to_string();

    let plan = run(&app, &["task", "plan", &id]).await;
    assert!(plan.contains("1. add service 2026-11-16"), "{plan}");
    assert!(plan.contains("2. units       2026-11-16"), "{plan}");
    assert!(plan.contains("change    +4"), "{plan}");
    // 4 × 36.00 × 15/30 (16–30 November) = 72.00
    assert!(plan.contains("2026-11-16 – 2026-11-30  72.00"), "{plan}");
    assert_eq!(
        r.units_on(day(2026, 11, 16)).await,
        0,
        "planning writes nothing"
    );

    let synced = run(&app, &["task", "sync", &id]).await;
    assert!(synced.contains(&format!("task {id}: Done")), "{synced}");
    assert!(synced.contains("1 done, 0 conflicts, 0 failed"), "{synced}");
    assert_eq!(r.units_on(day(2026, 11, 16)).await, 4);
    let done = psa_sync::db::tasks::find_task(app.db(), task)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(done.status, TaskStatus::Done);
}

#[tokio::test]
async fn a_task_that_cannot_be_planned_or_synced_exits_with_failure_and_says_why() {
    let app = spawn_app().await;
    let r = Reseller::new(
        &app,
        "Contoso Ltd",
        "Microsoft 365 E3 (Monthly)",
        1,
        (day(2026, 1, 1), day(2027, 12, 31)),
    )
    .await;
    let sub = r
        .subscription(&app, "E3 for Contoso", "month:1", "36.00")
        .await;
    let task = r
        .task(&app, sub, TaskType::Sales, (0, 4), day(2026, 11, 16))
        .await;
    let product = psa_sync::db::mappings::find_subscription_by_row(app.db(), r.id, sub)
        .await
        .unwrap()
        .unwrap()
        .product
        .unwrap();
    psa_sync::db::mappings::set_product_service(app.db(), r.id, product, None)
        .await
        .unwrap();
    let id = task.0.to_string();

    let plan = output(&app, &["task", "plan", &id]).await;
    assert_eq!(plan.status.code(), Some(1));
    let said = String::from_utf8_lossy(&plan.stderr);
    assert!(
        said.contains(&format!(
            "task {id} cannot be planned: The product is not mapped to an Autotask service. (PLN03)"
        )),
        "{said}"
    );
    assert!(said.contains("Map the product"), "{said}");

    let sync = output(&app, &["task", "sync", &id]).await;
    assert_eq!(sync.status.code(), Some(1));
    let printed = String::from_utf8_lossy(&sync.stdout);
    assert!(
        printed.contains(&format!("task {id}: not synced: The product is not mapped")),
        "{printed}"
    );
    assert!(
        String::from_utf8_lossy(&sync.stderr).contains("1 of 1 tasks did not end done"),
        "{}",
        String::from_utf8_lossy(&sync.stderr)
    );
    assert_eq!(r.units_on(day(2026, 11, 16)).await, 0, "nothing written");

    let missing = output(&app, &["task", "plan", "999999"]).await;
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("there is no task 999999"));
}
