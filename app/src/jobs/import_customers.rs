//! `import-customers`: Import All (or one company's retry) as a background job. Safe to run
//! twice: a second delivery finds the run already claimed.

use std::sync::Arc;

use apalis::prelude::{BoxDynError, Data};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use tracing::Instrument;

use super::run_instrumented;
use crate::domain::import::{self, StartError};
use crate::model::{ids::ResellerId, import::ImportRunId};
use crate::queue::{Job, JobEvent};
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImportCustomersJob {
    pub reseller_id: i64,
    pub run_id: i64,
}

impl Job for ImportCustomersJob {
    const NAME: &'static str = "import-customers";
}

/// Records a requested run and queues its job (after the run row is committed).
pub async fn start(
    state: &AppState,
    reseller: ResellerId,
    company: Option<i64>,
) -> Result<ImportRunId, StartError> {
    let run = import::request_run(&state.db, reseller, company, Utc::now()).await?;
    state
        .queues
        .push(ImportCustomersJob {
            reseller_id: reseller.0,
            run_id: run.0,
        })
        .await?;
    Ok(run)
}

/// The apalis adapter.
pub async fn handle(
    job: ImportCustomersJob,
    state: Data<Arc<AppState>>,
) -> Result<(), BoxDynError> {
    let span = tracing::info_span!(
        "job",
        job = ImportCustomersJob::NAME,
        reseller_id = job.reseller_id,
        run_id = job.run_id
    );
    run_instrumented(
        &state,
        ImportCustomersJob::NAME,
        job.reseller_id,
        run(&state, &job),
    )
    .instrument(span)
    .await
}

/// The job itself.
pub async fn run(state: &AppState, job: &ImportCustomersJob) -> anyhow::Result<()> {
    let events = state.events.clone();
    let (reseller_id, run_id) = (job.reseller_id, job.run_id);
    import::run_requested(
        &state.db,
        &state.connections,
        ResellerId(reseller_id),
        ImportRunId(run_id),
        move |p| {
            let _ = events.send(JobEvent::Progress {
                job: ImportCustomersJob::NAME,
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
