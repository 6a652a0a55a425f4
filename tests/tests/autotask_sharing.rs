//! One Autotask client per reseller: every job and page request of a reseller shares its zone,
//! its picklists and its three thread slots per entity; a changed connection builds a new one.

use std::sync::Arc;

use futures::future::join_all;
use psa_sync::{
    autotask::{AutotaskApi, AutotaskApiExt, AutotaskClient, Filter, QueryBody, models::Contract},
    domain::accounts::Role,
    model::ids::ResellerId,
    sandbox::autotask::seed,
};
use reqwest::StatusCode;
use serde_json::Value;
use tests::{TestApp, TestUser, spawn_app};

async fn connect(user: &TestUser) {
    let fields = [
        ("username", seed::API_USER),
        ("secret", seed::API_SECRET),
        ("integration_code", seed::INTEGRATION_CODE),
        ("api_url", "/sandbox/autotask/atservicesrest"),
    ];
    let saved = user.client.post_form("/settings/autotask", &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
}

async fn client_of(app: &TestApp, reseller: ResellerId) -> Arc<AutotaskClient> {
    app.state
        .connections
        .autotask(reseller)
        .await
        .unwrap()
        .expect("the reseller is connected")
}

/// What a job does with Autotask: reads through the reseller's client, six at a time.
async fn job(app: &TestApp, reseller: ResellerId) {
    let client = client_of(app, reseller).await;
    let reads = (0..6).map(|n| {
        let client = client.clone();
        async move {
            let recurring = QueryBody::new(vec![Filter::eq("contractType", 7)]);
            let contracts: Vec<Contract> = client.query_as("Contracts", &recurring).await.unwrap();
            assert!(!contracts.is_empty());
            if n % 2 == 0 {
                // A child URL takes one of the parent's (Contracts') threads.
                client
                    .count(
                        "ContractServices",
                        vec![Filter::eq("contractID", contracts[0].id)],
                    )
                    .await
                    .unwrap();
            }
        }
    });
    join_all(reads).await;
}

#[tokio::test]
async fn two_jobs_and_a_page_request_of_one_reseller_stay_within_three_threads_and_one_zone_lookup()
{
    let app = spawn_app().await;
    let admin = app.signed_in("Acme", Role::Admin).await;
    connect(&admin).await;
    // Every request is held open a while, so the callers overlap.
    app.autotask_sandbox
        .update_faults(|f| f.injected.latency_ms = 60);
    let before = app.autotask_sandbox.observed();

    let page = async {
        let answered = admin.client.post_form("/settings/autotask/test", &[]).await;
        assert_eq!(answered.status, StatusCode::SEE_OTHER);
    };
    tokio::join!(
        job(&app, admin.reseller_id),
        job(&app, admin.reseller_id),
        page
    );

    let after = app.autotask_sandbox.observed();
    assert_eq!(
        after.thread_refusals - before.thread_refusals,
        0,
        "no thread-limit error"
    );
    assert!(
        after.peak_in_flight.values().all(|peak| *peak <= 3),
        "{:?}",
        after.peak_in_flight
    );
    assert_eq!(
        after.peak_in_flight.get("contracts"),
        Some(&3),
        "the callers did overlap on Contracts: {:?}",
        after.peak_in_flight
    );
    assert_eq!(
        after.zone_lookups - before.zone_lookups,
        1,
        "one zone lookup for the process and the reseller"
    );
    let settings = admin.client.get("/settings").await.body;
    assert!(
        settings.contains("Autotask answered: zone Sandbox"),
        "{settings}"
    );
}

#[tokio::test]
async fn the_client_is_kept_until_the_connection_changes() {
    let app = spawn_app().await;
    let admin = app.signed_in("Acme", Role::Admin).await;
    connect(&admin).await;
    let first = client_of(&app, admin.reseller_id).await;
    first.connect().await.unwrap();
    first.connect().await.unwrap();
    let again = client_of(&app, admin.reseller_id).await;
    assert!(
        Arc::ptr_eq(&first, &again),
        "the same client, its cache and limiter"
    );
    let calls = first.calls();
    assert_eq!(calls.get("ZoneInformation GET"), Some(&1));
    assert_eq!(
        (
            calls.get("Contracts GET"),
            calls.get("ContractCharges GET"),
            calls.get("BillingCodes GET")
        ),
        (Some(&1), Some(&1), Some(&1)),
        "picklists read once, at connect time: {calls:?}"
    );

    connect(&admin).await;
    let rebuilt = client_of(&app, admin.reseller_id).await;
    assert!(
        !Arc::ptr_eq(&first, &rebuilt),
        "a saved connection builds a new client"
    );
    assert_eq!(rebuilt.total_calls(), 0);
}

#[tokio::test]
async fn the_picklists_are_the_sandboxes_numbers_read_at_connect_time() {
    let app = spawn_app().await;
    let client = app.autotask_client();
    let picklists = client.connect().await.unwrap();
    // The sandbox's numbers (app/src/sandbox/autotask/schema.rs), read through its
    // entityInformation/fields.
    assert_eq!(
        picklists.period_type_value(psa_sync::model::billing::PeriodType::Yearly),
        Some(4)
    );
    assert_eq!(picklists.recurring_service_contract, 7);
    assert_eq!(picklists.operational_charge, 1);
    assert_eq!(picklists.recurring_service_code, 4);
    assert_eq!(picklists.material_code, 2);
    let through_the_trait = AutotaskApi::picklists(&client).await.unwrap();
    assert!(
        Arc::ptr_eq(&picklists, &through_the_trait),
        "kept, not read again"
    );
}

/// A wrapper between the engine and Autotask that loses the answer of the next write (it lands,
/// the caller never hears), as the network can.
struct LosesNextAnswer<A> {
    inner: A,
    lose: std::sync::atomic::AtomicBool,
}

impl<A: AutotaskApi> AutotaskApi for LosesNextAnswer<A> {
    async fn query(
        &self,
        entity: &str,
        query: &QueryBody,
    ) -> Result<Vec<Value>, psa_sync::autotask::AutotaskError> {
        self.inner.query(entity, query).await
    }

    async fn count(
        &self,
        entity: &str,
        filter: Vec<Filter>,
    ) -> Result<u64, psa_sync::autotask::AutotaskError> {
        self.inner.count(entity, filter).await
    }

    async fn get(
        &self,
        entity: &str,
        id: i64,
    ) -> Result<Option<Value>, psa_sync::autotask::AutotaskError> {
        self.inner.get(entity, id).await
    }

    async fn create(
        &self,
        target: psa_sync::autotask::WriteTarget<'_>,
        body: &Value,
    ) -> Result<i64, psa_sync::autotask::AutotaskError> {
        let written = self.inner.create(target, body).await;
        if self.lose.swap(false, std::sync::atomic::Ordering::SeqCst) {
            return Err(psa_sync::autotask::AutotaskError::Transient(
                "no answer in time".into(),
            ));
        }
        written
    }

    async fn update(
        &self,
        target: psa_sync::autotask::WriteTarget<'_>,
        body: &Value,
    ) -> Result<i64, psa_sync::autotask::AutotaskError> {
        self.inner.update(target, body).await
    }

    async fn delete(
        &self,
        target: psa_sync::autotask::WriteTarget<'_>,
        id: i64,
    ) -> Result<i64, psa_sync::autotask::AutotaskError> {
        self.inner.delete(target, id).await
    }

    async fn picklists(
        &self,
    ) -> Result<Arc<psa_sync::autotask::Picklists>, psa_sync::autotask::AutotaskError> {
        self.inner.picklists().await
    }
}

/// Creates a company once, whatever the answer: an unclear answer is settled by reading back.
async fn create_company_once(api: &impl AutotaskApi, name: &str, owner: i64) -> i64 {
    let body = serde_json::json!({"companyName": name, "companyType": 1, "phone": "1", "ownerResourceID": owner});
    match api
        .create(psa_sync::autotask::WriteTarget::Entity("Companies"), &body)
        .await
    {
        Ok(id) => id,
        Err(e) => {
            assert!(
                matches!(e, psa_sync::autotask::AutotaskError::Transient(_)),
                "{e}"
            );
            let found: Vec<Value> = api
                .query_as(
                    "Companies",
                    &QueryBody::new(vec![Filter::eq("companyName", name)]),
                )
                .await
                .unwrap();
            assert_eq!(found.len(), 1, "it landed once");
            found[0]["id"].as_i64().unwrap()
        }
    }
}

#[tokio::test]
async fn code_written_against_the_trait_runs_on_the_client_and_on_a_fault_wrapper() {
    let app = spawn_app().await;
    let owners: Vec<Value> = app
        .autotask_client()
        .query_as("Resources", &QueryBody::new(vec![Filter::gte("id", 0)]))
        .await
        .unwrap();
    let owner = owners[0]["id"].as_i64().unwrap();
    let plain = app.autotask_client();
    let id = create_company_once(&plain, "Trait Ltd", owner).await;
    assert!(
        AutotaskApi::get(&plain, "Companies", id)
            .await
            .unwrap()
            .is_some()
    );

    let faulty = LosesNextAnswer {
        inner: app.autotask_client(),
        lose: true.into(),
    };
    let lost = create_company_once(&faulty, "Lost Answer Trait Ltd", owner).await;
    let found = AutotaskApi::get(&faulty, "Companies", lost)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found["companyName"], "Lost Answer Trait Ltd");
}
