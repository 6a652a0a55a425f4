//! Background jobs: one worker per job type on the queue of `crate::queue`. Each job is a thin
//! adapter over a use case in `domain`.

use std::sync::Arc;

use apalis::prelude::*;

use crate::queue::{
    Backend, Job, JobEvent, postgres_worker_storage, sqlite_worker_storage, worker_name,
};
use crate::state::AppState;

pub mod apply_task;
pub mod check_changes;
pub mod import_customers;
pub mod ping;

/// A monitor running one worker per job type.
pub fn monitor(state: Arc<AppState>) -> Monitor {
    let node = state.queues.workers().to_owned();
    // One worker per job type, on whichever backend is in use.
    macro_rules! workers {
            ($monitor:expr, $ctor:ident($pool:expr), [$($job:ty => $handler:path),* $(,)?]) => {{
                let mut monitor = $monitor;
                $(
                    let storage = $ctor::<$job>($pool);
                    let (job_state, name) = (state.clone(), worker_name(<$job>::NAME, &node));
                    monitor = monitor.register(move |_| {
                        WorkerBuilder::new(name.clone()).backend(storage.clone()).data(job_state.clone()).build($handler)
                    });
                )*
                monitor
            }};
        }
    match state.queues.backend() {
        Backend::Sqlite(pool) => workers!(Monitor::new(), sqlite_worker_storage(pool), [
            ping::PingJob => ping::handle,
            check_changes::CheckChangesJob => check_changes::handle,
            apply_task::ApplyTaskJob => apply_task::handle,
            import_customers::ImportCustomersJob => import_customers::handle,
        ]),
        Backend::Postgres(pool) => workers!(Monitor::new(), postgres_worker_storage(pool), [
            ping::PingJob => ping::handle,
            check_changes::CheckChangesJob => check_changes::handle,
            apply_task::ApplyTaskJob => apply_task::handle,
            import_customers::ImportCustomersJob => import_customers::handle,
        ]),
    }
}

/// Runs a job body with metrics and events around it; the error chain goes to the log.
pub(crate) async fn run_instrumented<F>(
    state: &AppState,
    job: &'static str,
    reseller_id: i64,
    body: F,
) -> Result<(), BoxDynError>
where
    F: Future<Output = anyhow::Result<()>>,
{
    state.metrics.job_started(job);
    let _ = state.events.send(JobEvent::Started { job, reseller_id });
    let result = body.await;
    let ok = result.is_ok();
    state
        .metrics
        .job_finished(job, if ok { "succeeded" } else { "failed" });
    let _ = state.events.send(JobEvent::Finished {
        job,
        reseller_id,
        ok,
    });
    result.map_err(|e| {
        tracing::error!(job, reseller_id, error = format!("{e:#}"), "job failed");
        e.into()
    })
}
