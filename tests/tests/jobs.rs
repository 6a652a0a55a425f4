//! The job path end to end, and graceful shutdown on SIGTERM.

use std::time::Duration;

use psa_sync::{
    db::action_log::find_recent_log_entries_for_reseller,
    domain::accounts::Role,
    jobs::ping::PingJob,
    queue::JobEvent,
    startup::{Application, shutdown_signal},
};
use reqwest::StatusCode;
use tests::{spawn_app, test_settings};
use tokio::sync::broadcast::Receiver;

/// Waits for the next event of the ping job; bounded so a broken queue fails instead of hanging.
async fn next_ping_event(events: &mut Receiver<JobEvent>) -> JobEvent {
    tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            match events.recv().await {
                Ok(
                    event @ (JobEvent::Started { job: "ping", .. }
                    | JobEvent::Finished { job: "ping", .. }),
                ) => {
                    return event;
                }
                Ok(_) => continue,
                Err(e) => panic!("job events closed: {e}"),
            }
        }
    })
    .await
    .expect("the job did not run within 20 s")
}

#[tokio::test]
async fn the_test_job_button_queues_a_job_that_writes_the_action_log() {
    let app = spawn_app().await;
    let admin = app.signed_in("Acme", Role::Admin).await;
    let mut events = app.job_events();

    let page = admin.client.post_form("/settings/test-job", &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);

    assert!(matches!(
        next_ping_event(&mut events).await,
        JobEvent::Started { .. }
    ));
    let finished = next_ping_event(&mut events).await;
    assert_eq!(
        finished,
        JobEvent::Finished {
            job: "ping",
            reseller_id: admin.reseller_id.0,
            ok: true
        }
    );
    let log = find_recent_log_entries_for_reseller(app.db(), admin.reseller_id, 10)
        .await
        .unwrap();
    assert!(log.iter().any(|e| e.code == "JOB01"), "{log:?}");
    let metrics = admin.client.get("/metrics").await;
    assert!(
        metrics
            .body
            .contains(r#"psa_sync_jobs_total{job="ping",state="succeeded"} 1"#),
        "{}",
        metrics.body
    );
}

/// Sends a real SIGTERM to this test process while a job runs. Only this test listens for
/// signals; the handler is registered before the signal is sent, so the process is not killed.
#[tokio::test]
async fn sigterm_during_a_running_job_lets_it_finish_and_stops_cleanly() {
    let data_dir = tempfile::tempdir().unwrap();
    let settings = test_settings(&data_dir).await;
    let app = Application::build(&settings).await.unwrap();
    let state = app.state();
    let (reseller, _) = psa_sync::domain::accounts::add_user(
        &state.db,
        "Acme",
        &psa_sync::domain::accounts::Email::parse("ops@acme.test").unwrap(),
        Role::Admin,
        &secrecy::SecretString::from("correct horse battery"),
    )
    .await
    .unwrap();
    let mut events = state.events.subscribe();
    let signal = shutdown_signal().unwrap();
    let running = tokio::spawn(app.run_until(signal));

    state
        .queues
        .push(PingJob {
            reseller_id: reseller.0,
            work_ms: 1_500,
        })
        .await
        .unwrap();
    assert!(matches!(
        next_ping_event(&mut events).await,
        JobEvent::Started { .. }
    ));

    let kill = std::process::Command::new("kill")
        .args(["-TERM", &std::process::id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());

    let stopped = tokio::time::timeout(Duration::from_secs(20), running)
        .await
        .expect("the app stopped")
        .unwrap();
    assert!(stopped.is_ok(), "{stopped:?}");
    let finished = events
        .try_recv()
        .expect("the job finished before the app stopped");
    assert_eq!(
        finished,
        JobEvent::Finished {
            job: "ping",
            reseller_id: reseller.0,
            ok: true
        }
    );
    let log = find_recent_log_entries_for_reseller(&state.db, reseller, 10)
        .await
        .unwrap();
    assert!(log.iter().any(|e| e.code == "JOB01"));
}
