//! What Autotask changed under a task, caught before anything is written: a contract that no
//! longer fits, a service deleted, a contract service removed between plan and apply.

use psa_sync::{
    db,
    domain::sync,
    model::task::{TaskStatus, TaskType},
};
use serde_json::json;
use tests::{
    TestApp,
    engine::{Reseller, day},
    spawn_app,
};

const E3: &str = "Microsoft 365 E3 (Monthly)";

async fn monthly(app: &TestApp) -> Reseller {
    Reseller::new(
        app,
        "Contoso Ltd",
        E3,
        1,
        (day(2026, 1, 1), day(2027, 12, 31)),
    )
    .await
}

fn adjustments_sent(r: &Reseller) -> u64 {
    r.client
        .calls()
        .get("ContractServiceAdjustments POST")
        .copied()
        .unwrap_or(0)
}

/// Syncs one task that must be refused; returns the message and checks the task stays `new`
/// with `code` and that nothing was written.
async fn refused(
    app: &TestApp,
    r: &Reseller,
    task: psa_sync::model::ids::TaskId,
    code: &str,
) -> String {
    let before = adjustments_sent(r);
    let synced = sync::sync_tasks(app.db(), r.client.as_ref(), r.id, &[task])
        .await
        .unwrap();
    assert!(synced.queued.is_empty(), "{synced:?}");
    let [(id, message)] = synced.refused.as_slice() else {
        panic!("one refusal expected: {synced:?}");
    };
    assert_eq!(*id, task);
    let still = db::tasks::find_task_for_reseller(app.db(), r.id, task)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(still.status, TaskStatus::New);
    assert_eq!(still.failure.unwrap().code, code);
    assert_eq!(adjustments_sent(r), before, "nothing written");
    assert!(
        db::journal::find_steps(app.db(), r.id, task)
            .await
            .unwrap()
            .is_empty(),
        "no journal for a refused task"
    );
    message.clone()
}

#[tokio::test]
async fn a_contract_that_no_longer_fits_is_named_with_its_reason_and_nothing_is_written() {
    let app = spawn_app().await;
    let r = monthly(&app).await;
    let sub = r
        .subscription(&app, "E3 for Contoso", "month:1", "36.00")
        .await;
    let task = r
        .task(&app, sub, TaskType::Sales, (0, 3), day(2026, 11, 20))
        .await;
    let name = "Engine test 2026-01-01 (1)";
    let set = |field: &'static str, value: serde_json::Value| {
        app.autotask_sandbox
            .write(|store| {
                store
                    .get_mut("Contracts", r.contract)
                    .unwrap()
                    .insert(field.into(), value);
            })
            .unwrap();
    };

    set("status", json!(0));
    assert_eq!(
        refused(&app, &r, task, "PLN08").await,
        format!(
            "The contract this subscription is on can no longer take it. {name}: it is not active. (PLN08)"
        )
    );

    set("status", json!(1));
    set("endDate", json!("2026-10-31T00:00:00Z"));
    assert_eq!(
        refused(&app, &r, task, "PLN08").await,
        format!(
            "The contract this subscription is on can no longer take it. {name}: it runs from 2026-01-01 to 2026-10-31, which does not include 2026-11-20. (PLN08)"
        )
    );

    set("endDate", json!("2027-12-31T00:00:00Z"));
    set("contractPeriodType", json!(4));
    let message = refused(&app, &r, task, "PLN08").await;
    assert!(
        message.contains(&format!(
            "{name}: it bills Yearly, but the subscription bills Monthly."
        )),
        "{message}"
    );

    // Put right in Autotask, the same task syncs and is written.
    set("contractPeriodType", json!(1));
    let synced = sync::sync_tasks(app.db(), r.client.as_ref(), r.id, &[task])
        .await
        .unwrap();
    assert_eq!(synced.queued, [task], "{synced:?}");
    let report = sync::apply_queued(app.db(), r.client.as_ref(), r.id, "test-node")
        .await
        .unwrap();
    assert_eq!((report.done, report.failed), (1, 0));
    assert_eq!(r.units_on(day(2026, 11, 20)).await, 3);
}

#[tokio::test]
async fn a_service_deleted_in_autotask_is_named_and_nothing_is_written() {
    let app = spawn_app().await;
    let r = monthly(&app).await;
    let sub = r
        .subscription(&app, "E3 for Contoso", "month:1", "36.00")
        .await;
    let task = r
        .task(&app, sub, TaskType::Sales, (0, 3), day(2026, 11, 20))
        .await;
    app.autotask_sandbox
        .write(|store| store.remove("Services", r.service))
        .unwrap()
        .expect("the service existed");

    assert_eq!(
        refused(&app, &r, task, "APL40").await,
        format!(
            "The contract or service is no longer in Autotask as the plan needs it. Service {} is not in Autotask. (APL40)",
            r.service
        )
    );
}

#[tokio::test]
async fn a_contract_service_removed_between_plan_and_apply_fails_the_task_and_writes_nothing() {
    let app = spawn_app().await;
    let r = monthly(&app).await;
    let sub = r
        .subscription(&app, "E3 for Contoso", "month:1", "36.00")
        .await;
    let sale = r
        .task(&app, sub, TaskType::Sales, (0, 3), day(2026, 11, 2))
        .await;
    sync::sync_tasks(app.db(), r.client.as_ref(), r.id, &[sale])
        .await
        .unwrap();
    let first = sync::apply_queued(app.db(), r.client.as_ref(), r.id, "test-node")
        .await
        .unwrap();
    assert_eq!(first.done, 1);
    let up = r
        .task(&app, sub, TaskType::Change, (3, 5), day(2026, 11, 12))
        .await;
    let synced = sync::sync_tasks(app.db(), r.client.as_ref(), r.id, &[up])
        .await
        .unwrap();
    assert_eq!(synced.queued, [up]);

    // Someone takes the service off the contract in Autotask before the worker runs.
    let cs = db::mappings::find_subscription_by_row(app.db(), r.id, sub)
        .await
        .unwrap()
        .unwrap()
        .autotask_contract_service_id
        .unwrap();
    app.autotask_sandbox
        .write(|store| store.remove("ContractServices", cs))
        .unwrap()
        .expect("the contract service existed");
    let before = adjustments_sent(&r);
    let report = sync::apply_queued(app.db(), r.client.as_ref(), r.id, "test-node")
        .await
        .unwrap();
    assert_eq!((report.done, report.failed), (0, 1));
    assert_eq!(adjustments_sent(&r), before, "nothing written");
    let failed = db::tasks::find_task_for_reseller(app.db(), r.id, up)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(failed.status, TaskStatus::Failed);
    let failure = failed.failure.unwrap();
    assert_eq!(failure.code, "APL40");
    assert!(
        failure.message.contains(&format!(
            "The service is not on contract {} any more.",
            r.contract
        )),
        "{}",
        failure.message
    );
}
