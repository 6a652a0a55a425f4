//! `apply-task`: writes a synced task (and whatever else of its reseller is queued and may run)
//! into Autotask exactly once. Safe to run twice: the journal and the claim see to that.

use std::sync::Arc;

use apalis::prelude::{BoxDynError, Data};
use serde::{Deserialize, Serialize};
use tracing::Instrument;

use super::run_instrumented;
use crate::domain::sync;
use crate::model::ids::{ResellerId, TaskId};
use crate::queue::Job;
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ApplyTaskJob {
    pub reseller_id: i64,
    pub task_id: i64,
}

impl Job for ApplyTaskJob {
    const NAME: &'static str = "apply-task";
}

/// Plans and syncs the tasks, then queues a job for each one queued (after the sync committed).
pub async fn sync_and_queue(
    state: &AppState,
    reseller: ResellerId,
    tasks: &[TaskId],
) -> anyhow::Result<sync::SyncOutcome> {
    let client = state
        .connections
        .autotask(reseller)
        .await?
        .ok_or_else(|| anyhow::anyhow!("{}", sync::Outcome::NoConnection.sentence()))?;
    let outcome = sync::sync_tasks(&state.db, client.as_ref(), reseller, tasks).await?;
    for task in &outcome.queued {
        queue(state, reseller, *task).await?;
    }
    Ok(outcome)
}

/// Queues the apply job of a task.
pub async fn queue(state: &AppState, reseller: ResellerId, task: TaskId) -> anyhow::Result<()> {
    state
        .queues
        .push(ApplyTaskJob {
            reseller_id: reseller.0,
            task_id: task.0,
        })
        .await
}

/// The apalis adapter.
pub async fn handle(job: ApplyTaskJob, state: Data<Arc<AppState>>) -> Result<(), BoxDynError> {
    let span = tracing::info_span!(
        "job",
        job = ApplyTaskJob::NAME,
        reseller_id = job.reseller_id,
        task_id = job.task_id
    );
    run_instrumented(
        &state,
        ApplyTaskJob::NAME,
        job.reseller_id,
        run(&state, &job),
    )
    .instrument(span)
    .await
}

/// The job itself.
pub async fn run(state: &AppState, job: &ApplyTaskJob) -> anyhow::Result<()> {
    let reseller = ResellerId(job.reseller_id);
    let Some(client) = state.connections.autotask(reseller).await? else {
        anyhow::bail!("{}", sync::Outcome::NoConnection.sentence());
    };
    let report = sync::apply_queued(&state.db, client.as_ref(), reseller, &state.node).await?;
    tracing::info!(?report, calls = client.total_calls(), "apply finished");
    Ok(())
}
