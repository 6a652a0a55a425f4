//! `psa-sync task plan` and `psa-sync task sync`, run as the real program on the app's database.

use psa_sync::model::task::{TaskStatus, TaskType};
use tests::{
    engine::{Reseller, day},
    spawn_app,
};

async fn run(app: &tests::TestApp, args: &[&str]) -> String {
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
    let output = command.output().await.expect("the program runs");
    assert!(
        output.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("text")
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
