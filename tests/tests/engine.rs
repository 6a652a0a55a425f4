//! The engine end to end against the Autotask sandbox: sync writes the journal, the worker
//! writes each step exactly once, an Autotask edit between plan and apply is a conflict.

use psa_sync::{
    autotask::{AutotaskApi, ContractChild, WriteTarget},
    db,
    domain::sync::{self, Resolution},
    model::{
        journal::StepStatus,
        task::{TaskStatus, TaskType},
    },
};
use serde_json::json;
use tests::{
    engine::{Reseller, day},
    spawn_app,
};

const E3: &str = "Microsoft 365 E3 (Monthly)";

async fn monthly(app: &tests::TestApp) -> Reseller {
    Reseller::new(
        app,
        "Contoso Ltd",
        E3,
        1,
        (day(2026, 1, 1), day(2027, 12, 31)),
    )
    .await
}

#[tokio::test]
async fn a_synced_sale_is_written_once_and_applying_it_again_writes_nothing() {
    let app = spawn_app().await;
    let r = monthly(&app).await;
    let sub = r
        .subscription(&app, "E3 for Contoso", "month:1", "36.00")
        .await;
    let task = r
        .task(&app, sub, TaskType::Sales, (0, 3), day(2026, 11, 20))
        .await;

    let synced = sync::sync_tasks(app.db(), r.client.as_ref(), r.id, &[task])
        .await
        .unwrap();
    assert_eq!(synced.queued, [task], "{synced:?}");
    let report = sync::apply_queued(app.db(), r.client.as_ref(), r.id, "test-node")
        .await
        .unwrap();
    assert_eq!((report.done, report.conflicts, report.failed), (1, 0, 0));
    assert_eq!(r.units_on(day(2026, 11, 19)).await, 0);
    assert_eq!(r.units_on(day(2026, 11, 20)).await, 3);
    let done = db::tasks::find_task_for_reseller(app.db(), r.id, task)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(done.status, TaskStatus::Done);
    let subscription = db::mappings::find_subscription_by_row(app.db(), r.id, sub)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(subscription.synced_quantity, Some(3));
    assert!(subscription.autotask_contract_service_id.is_some());

    // As if the worker died after writing but before recording: every step pending again.
    let writes = r
        .client
        .calls()
        .get("ContractServiceAdjustments POST")
        .copied();
    let mut steps = db::journal::find_steps(app.db(), r.id, task).await.unwrap();
    for step in &mut steps {
        step.status = StepStatus::Pending;
        db::journal::record_step(app.db(), step).await.unwrap();
    }
    db::tasks::change_task_status(
        app.db(),
        r.id,
        task,
        TaskStatus::Done,
        TaskStatus::Queued,
        Default::default(),
    )
    .await
    .unwrap();
    let again = sync::apply_queued(app.db(), r.client.as_ref(), r.id, "test-node")
        .await
        .unwrap();
    assert_eq!(again.done, 1);
    assert_eq!(
        r.client
            .calls()
            .get("ContractServiceAdjustments POST")
            .copied(),
        writes,
        "nothing written twice"
    );
    assert_eq!(r.units_on(day(2026, 11, 20)).await, 3);
}

#[tokio::test]
async fn an_autotask_edit_between_plan_and_apply_is_a_conflict_and_accepting_replans_from_it() {
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
    sync::apply_queued(app.db(), r.client.as_ref(), r.id, "test-node")
        .await
        .unwrap();
    let change = r
        .task(&app, sub, TaskType::Change, (3, 5), day(2026, 11, 20))
        .await;
    sync::sync_tasks(app.db(), r.client.as_ref(), r.id, &[change])
        .await
        .unwrap();

    // Someone adds a unit by hand in Autotask before the worker gets to it.
    let cs = db::mappings::find_subscription_by_row(app.db(), r.id, sub)
        .await
        .unwrap()
        .unwrap()
        .autotask_contract_service_id
        .unwrap();
    AutotaskApi::create(
        r.client.as_ref(),
        WriteTarget::ContractChild {
            contract: r.contract,
            child: ContractChild::ServiceAdjustments,
        },
        &json!({"contractID": r.contract, "contractServiceID": cs, "effectiveDate": "2026-11-10T00:00:00", "unitChange": 1}),
    )
    .await
    .unwrap();
    let writes = r
        .client
        .calls()
        .get("ContractServiceAdjustments POST")
        .copied();
    let report = sync::apply_queued(app.db(), r.client.as_ref(), r.id, "test-node")
        .await
        .unwrap();
    assert_eq!(report.conflicts, 1);
    assert_eq!(
        r.client
            .calls()
            .get("ContractServiceAdjustments POST")
            .copied(),
        writes,
        "nothing written"
    );
    let conflicted = db::tasks::find_task_for_reseller(app.db(), r.id, change)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(conflicted.status, TaskStatus::Conflict);
    let failure = conflicted.failure.unwrap();
    assert_eq!(failure.code, "APL10");
    assert!(
        failure.message.contains(
            "On 2026-11-20 Autotask shows 4 units; the plan expected 3 (or 5 once written)."
        ),
        "{}",
        failure.message
    );
    let steps = db::journal::find_steps(app.db(), r.id, change)
        .await
        .unwrap();
    assert_eq!(steps[0].found, Some(4), "expected and found are kept");

    // Accept what Autotask shows: plan again from 4, so the +2 lands on 6.
    let replanned = sync::resolve(app.db(), r.id, change, Resolution::Replan)
        .await
        .unwrap();
    assert_eq!(replanned, Ok(TaskStatus::Ready));
    let synced = sync::sync_tasks(app.db(), r.client.as_ref(), r.id, &[change])
        .await
        .unwrap();
    assert_eq!(synced.queued, [change]);
    let report = sync::apply_queued(app.db(), r.client.as_ref(), r.id, "test-node")
        .await
        .unwrap();
    assert_eq!(report.done, 1);
    assert_eq!(r.units_on(day(2026, 11, 20)).await, 6);
    let log = psa_sync::domain::action_log::recent_entries(app.db(), r.id)
        .await
        .unwrap();
    assert!(
        log.iter()
            .any(|e| e.code == "SYN02" && e.task == Some(change))
    );
    assert!(
        log.iter()
            .any(|e| e.code == "APL10" && e.task == Some(change))
    );
}

#[tokio::test]
async fn a_write_whose_answer_is_lost_is_settled_by_reading_again_not_by_sending_again() {
    let app = spawn_app().await;
    let r = monthly(&app).await;
    let sub = r
        .subscription(&app, "E3 for Contoso", "month:1", "36.00")
        .await;
    let sale = r
        .task(&app, sub, TaskType::Sales, (0, 2), day(2026, 11, 2))
        .await;
    sync::sync_tasks(app.db(), r.client.as_ref(), r.id, &[sale])
        .await
        .unwrap();
    sync::apply_queued(app.db(), r.client.as_ref(), r.id, "test-node")
        .await
        .unwrap();
    let change = r
        .task(&app, sub, TaskType::Change, (2, 7), day(2026, 11, 12))
        .await;
    sync::sync_tasks(app.db(), r.client.as_ref(), r.id, &[change])
        .await
        .unwrap();
    app.autotask_sandbox.update_faults(|f| {
        f.injected.lose_next_answer = 1;
        f.injected.hold_ms = 50;
    });
    let writes = r
        .client
        .calls()
        .get("ContractServiceAdjustments POST")
        .copied()
        .unwrap_or(0);
    let report = sync::apply_queued(app.db(), r.client.as_ref(), r.id, "test-node")
        .await
        .unwrap();
    assert_eq!(report.done, 1, "{report:?}");
    assert_eq!(
        r.client
            .calls()
            .get("ContractServiceAdjustments POST")
            .copied()
            .unwrap_or(0),
        writes + 1,
        "sent once; the lost answer was settled by a read"
    );
    assert_eq!(r.units_on(day(2026, 11, 12)).await, 7);
}

#[tokio::test]
async fn a_task_without_its_mappings_says_which_and_nothing_is_written() {
    let app = spawn_app().await;
    let r = monthly(&app).await;
    let sub = r
        .subscription(&app, "E3 for Contoso", "month:1", "36.00")
        .await;
    let task = r
        .task(&app, sub, TaskType::Sales, (0, 3), day(2026, 11, 20))
        .await;
    let product = db::mappings::find_subscription_by_row(app.db(), r.id, sub)
        .await
        .unwrap()
        .unwrap()
        .product
        .unwrap();
    db::mappings::set_product_service(app.db(), r.id, product, None)
        .await
        .unwrap();
    let synced = sync::sync_tasks(app.db(), r.client.as_ref(), r.id, &[task])
        .await
        .unwrap();
    assert!(synced.queued.is_empty());
    assert_eq!(
        synced.refused,
        [(
            task,
            "The product is not mapped to an Autotask service. (PLN03)".to_owned()
        )]
    );
    let still = db::tasks::find_task_for_reseller(app.db(), r.id, task)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(still.status, TaskStatus::New);
    assert_eq!(still.failure.unwrap().code, "PLN03");
    assert_eq!(
        r.client.calls().get("ContractServiceAdjustments POST"),
        None
    );
}

#[tokio::test]
async fn a_change_synced_with_the_sale_that_puts_its_service_on_the_contract_waits_for_it() {
    let app = spawn_app().await;
    let r = monthly(&app).await;
    let sub = r
        .subscription(&app, "E3 for Contoso", "month:1", "36.00")
        .await;
    let sale = r
        .task(&app, sub, TaskType::Sales, (0, 3), day(2026, 11, 2))
        .await;
    let up = r
        .task(&app, sub, TaskType::Change, (3, 5), day(2026, 11, 12))
        .await;
    let down = r
        .task(&app, sub, TaskType::Change, (5, 4), day(2026, 11, 20))
        .await;

    // Synced together before anything is written: there is no contract service yet to plan
    // the changes on, so they wait (instead of putting the service on a second time, or
    // refusing the decrease as going below zero).
    let synced = sync::sync_tasks(app.db(), r.client.as_ref(), r.id, &[sale, up, down])
        .await
        .unwrap();
    assert_eq!(synced.queued, [sale]);
    let waiting: Vec<_> = synced.refused.iter().map(|(t, _)| *t).collect();
    assert_eq!(waiting, [up, down]);
    assert!(
        synced.refused[0].1.contains("(PLN07)"),
        "{}",
        synced.refused[0].1
    );
    let report = sync::apply_queued(app.db(), r.client.as_ref(), r.id, "test-node")
        .await
        .unwrap();
    assert_eq!((report.done, report.conflicts), (1, 0));
    let still = db::tasks::find_task_for_reseller(app.db(), r.id, up)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (still.status, still.failure.unwrap().code.as_str()),
        (TaskStatus::New, "PLN07")
    );

    // Once the sale is written both plan on top of it, the decrease on top of the increase.
    let synced = sync::sync_tasks(app.db(), r.client.as_ref(), r.id, &[up, down])
        .await
        .unwrap();
    assert_eq!(synced.queued, [up, down], "{synced:?}");
    let report = sync::apply_queued(app.db(), r.client.as_ref(), r.id, "test-node")
        .await
        .unwrap();
    assert_eq!((report.done, report.conflicts), (2, 0));
    assert_eq!(r.units_on(day(2026, 11, 11)).await, 3);
    assert_eq!(r.units_on(day(2026, 11, 12)).await, 5);
    assert_eq!(
        r.units_on(day(2026, 11, 30)).await,
        5,
        "no credit for November"
    );
    assert_eq!(r.units_on(day(2026, 12, 1)).await, 4);
}
