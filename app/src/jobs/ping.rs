//! A trivial job that proves the queue works end to end: it writes an action-log entry.

use std::{sync::Arc, time::Duration};

use apalis::prelude::{BoxDynError, Data};
use serde::{Deserialize, Serialize};
use tracing::Instrument;

use super::run_instrumented;
use crate::domain::action_log;
use crate::model::ids::ResellerId;
use crate::model::log::Level;
use crate::queue::Job;
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PingJob {
    pub reseller_id: i64,
    /// Simulated work, so a shutdown can be observed waiting for a running job.
    #[serde(default)]
    pub work_ms: u64,
}

impl Job for PingJob {
    const NAME: &'static str = "ping";
}

/// The apalis adapter.
pub async fn handle(job: PingJob, state: Data<Arc<AppState>>) -> Result<(), BoxDynError> {
    let span = tracing::info_span!("job", job = PingJob::NAME, reseller_id = job.reseller_id);
    run_instrumented(&state, PingJob::NAME, job.reseller_id, run(&state, &job))
        .instrument(span)
        .await
}

/// The job itself.
pub async fn run(state: &AppState, job: &PingJob) -> anyhow::Result<()> {
    if job.work_ms > 0 {
        tokio::time::sleep(Duration::from_millis(job.work_ms.min(60_000))).await;
    }
    action_log::record(
        &state.db,
        ResellerId(job.reseller_id),
        Level::Info,
        "JOB01",
        "Test job completed: background jobs are working",
        None,
    )
    .await?;
    tracing::info!("test job completed");
    Ok(())
}
