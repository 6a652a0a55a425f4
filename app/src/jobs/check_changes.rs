//! Check Changes as a background job: the dashboard button and the schedule queue it.

use std::sync::Arc;

use anyhow::Context;
use apalis::prelude::{BoxDynError, Data};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use tracing::Instrument;

use super::{Job, JobEvent, run_instrumented};
use crate::db;
use crate::domain::{check_changes::run_check_changes, connections, ids::ResellerId};
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CheckChangesJob {
    pub reseller_id: i64,
    pub run_id: i64,
}

impl Job for CheckChangesJob {
    const NAME: &'static str = "check-changes";
}

/// Records a queued run and queues its job (after the run row is committed).
pub async fn start(state: &AppState, reseller: ResellerId, trigger: &str) -> anyhow::Result<i64> {
    let run_id = db::check_runs::insert_check_run(&state.db, reseller, trigger)
        .await
        .context("recording the check run")?;
    state
        .queues
        .push(CheckChangesJob {
            reseller_id: reseller.0,
            run_id,
        })
        .await?;
    Ok(run_id)
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

/// The job itself: safe to run twice (a second run of the same check finds nothing new).
pub async fn run(state: &AppState, job: &CheckChangesJob) -> anyhow::Result<()> {
    let reseller = ResellerId(job.reseller_id);
    let Some(client) =
        connections::marketplace_client(&state.db, &state.key, reseller, &state.self_url).await?
    else {
        db::check_runs::finish_check_run(
            &state.db,
            job.run_id,
            "failed",
            "Set up the marketplace connection under Settings first.",
        )
        .await?;
        return Ok(());
    };
    let events = state.events.clone();
    let (reseller_id, run_id) = (job.reseller_id, job.run_id);
    let outcome = run_check_changes(
        &state.db,
        &client,
        reseller,
        job.run_id,
        Utc::now(),
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
    .await;
    tracing::info!(
        calls = client.total_calls(),
        ok = outcome.is_ok(),
        "check changes finished"
    );
    // A failed check is recorded on its run and in the action log; the job itself is done.
    Ok(())
}
