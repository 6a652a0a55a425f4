//! 1,000 tasks over 200 contracts applied by the real service while the Autotask sandbox
//! injects 5xx, timeouts, lost answers and 429s, and the process is killed with SIGKILL and
//! started again twice mid-run: every contract service ends exactly where the orders put it,
//! no charge exists twice, and every task is done.

use std::{collections::HashMap, time::Duration};

use psa_sync::{
    autotask::{
        AutotaskApiExt, AutotaskClient, AutotaskConfig, Filter, QueryBody,
        models::ContractServiceUnit,
    },
    bench::apply::{SERVICES_PER_CONTRACT, START_UNITS, contracts_in_sandbox, tasks_in_database},
    crypto::MasterKey,
    db,
    domain::{
        accounts::{self, Email, Role},
        connections::{self, AutotaskConnectionInput},
        sync,
    },
    jobs::apply_task::ApplyTaskJob,
    model::{ids::ResellerId, task::TaskStatus},
    queue::Queues,
    sandbox::autotask::{AutotaskSandbox, seed},
};
use secrecy::SecretString;
use tests::{
    engine::day,
    node::{Node, NodeConfig},
    postgres,
};

const CONTRACTS: usize = 200;
const TASKS: usize = 1_000;

async fn count(
    database: &sea_orm::DatabaseConnection,
    reseller: ResellerId,
    status: TaskStatus,
) -> usize {
    db::tasks::find_tasks_in_status(database, reseller, status, 10_000)
        .await
        .unwrap()
        .len()
}

/// Waits (polling the database, bounded) until at least `done` tasks are done.
async fn wait_for_done(database: &sea_orm::DatabaseConnection, reseller: ResellerId, done: usize) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(900);
    while count(database, reseller, TaskStatus::Done).await < done {
        assert!(
            tokio::time::Instant::now() < deadline,
            "only {} of {done} tasks done after 15 minutes ({} failed, {} conflicts)",
            count(database, reseller, TaskStatus::Done).await,
            count(database, reseller, TaskStatus::Failed).await,
            count(database, reseller, TaskStatus::Conflict).await,
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Starts the node and switches the sandbox's faults on (they live in the process).
async fn start_with_faults(config: &NodeConfig) -> Node {
    let node = config.start().await;
    let switched = reqwest::Client::new()
        .post(format!("{}/sandbox/autotask/_control", node.address))
        .json(&serde_json::json!({
            "error_rate": 0.10, "timeout_rate": 0.05, "lose_answer_rate": 0.05,
            "rate_limit_rate": 0.02, "hold_ms": 100
        }))
        .send()
        .await
        .unwrap();
    assert!(switched.status().is_success());
    node
}

fn client_of(address: &str) -> AutotaskClient {
    let mut config = AutotaskConfig::new(
        &format!("{address}/sandbox/autotask/atservicesrest"),
        seed::API_USER,
        SecretString::from(seed::API_SECRET),
        seed::INTEGRATION_CODE,
    );
    config.timeout = Duration::from_secs(10);
    config.retry_base = Duration::from_millis(10);
    config.pace_scale = 0.0;
    AutotaskClient::new(config).unwrap()
}

#[tokio::test]
async fn a_thousand_tasks_survive_faults_and_two_kills_with_every_unit_and_charge_written_once() {
    let data_dir = tempfile::tempdir().unwrap();
    let database_url = postgres::fresh_database_url().await;
    let url = database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", data_dir.path().join("psa-sync.db").display()));
    let database = db::connect(&url).await.unwrap();
    db::migrate(&database).await.unwrap();
    let key = MasterKey::generate();
    let (reseller, _) = accounts::add_user(
        &database,
        "Faults",
        &Email::parse("ops@faults.test").unwrap(),
        Role::Admin,
        &SecretString::from("correct horse battery"),
    )
    .await
    .unwrap();
    connections::save_autotask_connection(
        &database,
        &key,
        reseller,
        AutotaskConnectionInput {
            api_url: Some("/sandbox/autotask/atservicesrest".into()),
            username: seed::API_USER.into(),
            integration_code: seed::INTEGRATION_CODE.into(),
            secret: Some(SecretString::from(seed::API_SECRET)),
        },
    )
    .await
    .unwrap();
    // Marketplace proration: every change is a unit change at the next period and a charge
    // for the rest of this one, so both kinds of write go through the faults.
    {
        use sea_orm::{ActiveModelTrait, Set};
        entities::settings::ActiveModel {
            reseller_id: Set(reseller.0),
            proration: Set("marketplace".into()),
            price_source: Set("marketplace".into()),
            updated_at: Set(chrono::Utc::now().fixed_offset()),
            ..Default::default()
        }
        .insert(&database)
        .await
        .unwrap();
    }
    let layout = {
        let sandbox = AutotaskSandbox::open(data_dir.path()).unwrap();
        contracts_in_sandbox(&sandbox, CONTRACTS).unwrap()
    };
    let tasks = tasks_in_database(&database, reseller, &layout, TASKS)
        .await
        .unwrap();
    assert_eq!(tasks.len(), TASKS);
    for subscription in
        db::tasks::find_tasks_for_reseller(&database, reseller, &Default::default(), 10)
            .await
            .unwrap()
    {
        assert_eq!(subscription.facts.quantities.old, Some(START_UNITS));
    }

    let config = NodeConfig::new(
        env!("CARGO_BIN_EXE_psa-sync-node"),
        data_dir.path(),
        database_url.clone(),
        key.to_base64(),
    );
    let node = config.start().await;
    // Plan and journal every task (no faults yet), then hand them to the service's workers.
    let planner = client_of(&node.address);
    let synced = sync::sync_tasks(&database, &planner, reseller, &tasks)
        .await
        .unwrap();
    assert_eq!(synced.queued.len(), TASKS, "{:?}", synced.refused.first());
    let switched = reqwest::Client::new()
        .post(format!("{}/sandbox/autotask/_control", node.address))
        .json(&serde_json::json!({
            "error_rate": 0.10, "timeout_rate": 0.05, "lose_answer_rate": 0.05,
            "rate_limit_rate": 0.02, "hold_ms": 100
        }))
        .send()
        .await
        .unwrap();
    assert!(switched.status().is_success());
    let queues = Queues::connect(&url, data_dir.path(), "fault-test")
        .await
        .unwrap();
    queues
        .push(ApplyTaskJob {
            reseller_id: reseller.0,
            task_id: tasks[0].0,
        })
        .await
        .unwrap();

    wait_for_done(&database, reseller, TASKS / 3).await;
    node.kill().await;
    let node = start_with_faults(&config).await;
    wait_for_done(&database, reseller, 2 * TASKS / 3).await;
    node.kill().await;
    let node = start_with_faults(&config).await;
    wait_for_done(&database, reseller, TASKS).await;
    assert_eq!(count(&database, reseller, TaskStatus::Failed).await, 0);
    assert_eq!(count(&database, reseller, TaskStatus::Conflict).await, 0);

    // Read back without faults: every contract service holds exactly its order's quantity
    // from the next period on, and its ten units before.
    let quiet = reqwest::Client::new()
        .post(format!("{}/sandbox/autotask/_control", node.address))
        .json(&serde_json::json!({"error_rate": 0.0, "timeout_rate": 0.0, "lose_answer_rate": 0.0, "rate_limit_rate": 0.0}))
        .send()
        .await
        .unwrap();
    assert!(quiet.status().is_success());
    let reader = client_of(&node.address);
    let mut wanted: HashMap<i64, i64> = HashMap::new();
    let all = db::tasks::find_tasks_for_reseller(&database, reseller, &Default::default(), 10_000)
        .await
        .unwrap();
    for task in &all {
        assert_eq!(task.status, TaskStatus::Done);
        let subscription =
            db::mappings::find_subscription_by_row(&database, reseller, task.subscription.unwrap())
                .await
                .unwrap()
                .unwrap();
        let cs = subscription.autotask_contract_service_id.unwrap();
        let new = task.facts.quantities.new.unwrap();
        let entry = wanted.entry(cs).or_insert(new);
        *entry = (*entry).max(new);
    }
    assert_eq!(wanted.len(), CONTRACTS * SERVICES_PER_CONTRACT);
    let ids: Vec<i64> = wanted.keys().copied().collect();
    let rows: Vec<ContractServiceUnit> = reader
        .query_in_as(
            "ContractServiceUnits",
            "contractServiceID",
            &ids,
            &[],
            &[
                "id",
                "contractID",
                "serviceID",
                "contractServiceID",
                "startDate",
                "endDate",
                "units",
            ],
        )
        .await
        .unwrap();
    let units_on = |cs: i64, date| {
        rows.iter()
            .find(|r| {
                r.contract_service_id == cs
                    && r.start_date.is_some_and(|s| s <= date)
                    && r.end_date.is_some_and(|e| date <= e)
            })
            .map_or(0, |r| r.units)
    };
    for (cs, new) in &wanted {
        assert_eq!(
            units_on(*cs, day(2026, 11, 30)),
            START_UNITS,
            "contract service {cs} before"
        );
        assert_eq!(
            units_on(*cs, day(2026, 12, 1)),
            *new,
            "contract service {cs} after"
        );
    }
    let charges: Vec<serde_json::Value> = reader
        .query_as(
            "ContractCharges",
            &QueryBody::new(vec![Filter::contains("name", "[psa-sync T")]).include_fields(&[
                "id",
                "contractID",
                "name",
            ]),
        )
        .await
        .unwrap();
    let mut references: HashMap<String, usize> = HashMap::new();
    for charge in &charges {
        let name = charge["name"].as_str().unwrap();
        let reference = &name[name.find("[psa-sync T").unwrap()..];
        *references.entry(reference.to_owned()).or_default() += 1;
    }
    assert_eq!(references.len(), TASKS, "one charge per task");
    assert!(
        references.values().all(|n| *n == 1),
        "no charge twice: {:?}",
        references
            .iter()
            .filter(|(_, n)| **n > 1)
            .take(3)
            .collect::<Vec<_>>()
    );
    node.kill().await;
}

#[tokio::test]
async fn an_autotask_that_stays_down_fails_the_task_after_its_tries_and_the_worker_stops() {
    use psa_sync::model::task::TaskType;
    let app = tests::spawn_app().await;
    let r = tests::engine::Reseller::new(
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
        .task(&app, sub, TaskType::Sales, (0, 3), day(2026, 11, 20))
        .await;
    let client = app.autotask_client();
    let synced = sync::sync_tasks(app.db(), &client, r.id, &[task])
        .await
        .unwrap();
    assert_eq!(synced.queued, [task]);
    app.autotask_sandbox
        .update_faults(|f| f.injected.error_rate = 1.0);

    let report = sync::apply_queued(app.db(), &client, r.id, "test-node")
        .await
        .unwrap();
    app.autotask_sandbox
        .update_faults(|f| f.injected.error_rate = 0.0);
    assert_eq!(
        (report.retried, report.failed, report.done),
        (sync::MAX_ATTEMPTS as usize - 1, 1, 0),
        "{report:?}"
    );
    let failed = db::tasks::find_task_for_reseller(app.db(), r.id, task)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(failed.status, TaskStatus::Failed);
    assert_eq!(failed.failure.unwrap().code, "APL22");
    assert_eq!(r.units_on(day(2026, 11, 20)).await, 0, "nothing written");

    // Once Autotask is back, a retry writes it.
    assert_eq!(
        sync::resolve(app.db(), r.id, task, sync::Resolution::Retry)
            .await
            .unwrap(),
        Ok(TaskStatus::Queued)
    );
    let again = sync::apply_queued(app.db(), &client, r.id, "test-node")
        .await
        .unwrap();
    assert_eq!(again.done, 1, "{again:?}");
    assert_eq!(r.units_on(day(2026, 11, 20)).await, 3);
}
