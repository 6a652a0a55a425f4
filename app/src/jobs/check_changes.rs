//! Check Changes as a background job: the dashboard button and the schedule queue it.

use std::sync::Arc;

use apalis::prelude::{BoxDynError, Data};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use tracing::Instrument;

use super::run_instrumented;
use crate::domain::check_changes;
use crate::model::{
    check_run::Trigger,
    ids::{CheckRunId, ResellerId},
};
use crate::queue::{Job, JobEvent};
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CheckChangesJob {
    pub reseller_id: i64,
    pub run_id: i64,
}

impl Job for CheckChangesJob {
    const NAME: &'static str = "check-changes";
}

/// Records a requested run and queues its job (after the run row is committed).
pub async fn start(
    state: &AppState,
    reseller: ResellerId,
    trigger: Trigger,
) -> anyhow::Result<CheckRunId> {
    let run = check_changes::request_run(&state.db, reseller, trigger, Utc::now()).await?;
    state
        .queues
        .push(CheckChangesJob {
            reseller_id: reseller.0,
            run_id: run.0,
        })
        .await?;
    Ok(run)
}

/// The apalis adapter.
pub async fn handle(job: CheckChangesJob, state: Data<Arc<AppState>>) -> Result<(), BoxDynError> {
    let span = tracing::info_span!(
        "job",
        job = CheckChangesJob::NAME,
        reseller_id = job.reseller_id,
        run_id = job.run_id
    );
    run_instrumented(
        &state,
        CheckChangesJob::NAME,
        job.reseller_id,
        run(&state, &job),
    )
    .instrument(span)
    .await
}

/// The job itself: safe to run twice (a second delivery finds the run already claimed).
pub async fn run(state: &AppState, job: &CheckChangesJob) -> anyhow::Result<()> {
    let events = state.events.clone();
    let (reseller_id, run_id) = (job.reseller_id, job.run_id);
    check_changes::run_requested(
        &state.db,
        &state.connections,
        ResellerId(job.reseller_id),
        CheckRunId(job.run_id),
        &state.node,
        move |p| {
            let _ = events.send(JobEvent::Progress {
                job: CheckChangesJob::NAME,
                reseller_id,
                run_id,
                done: p.done,
                total: p.total,
            });
        },
    )
    .await?;
    Ok(())
}
