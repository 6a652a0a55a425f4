//! An import run: Import All (every unmapped company whose profile is complete) or one company
//! tried again. It runs as a job; its progress and each company's result are kept in the
//! database, so a reload, another node or a second delivery of the job see the same state.

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use sea_orm::DatabaseConnection;

use super::companies::{self, ImportableCompany, ListError};
use super::create::{CompanyToImport, codes, import_company};
use super::profile::describe;
use crate::db;
use crate::domain::{action_log, connections::Connections};
use crate::marketplace::MarketplaceClient;
use crate::model::{
    ids::ResellerId,
    import::{ImportCounts, ImportItem, ImportOutcome, ImportRun, ImportRunId, ImportRunStatus},
    log::Level,
};

/// A queued or running run that has not moved for this long is taken to be dead (its worker
/// stopped), so it no longer blocks a new one.
pub const STALE_AFTER: Duration = Duration::minutes(10);

/// Why a run could not be requested.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("an import is already running")]
    AlreadyRunning,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// How far a run has come (for live pages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

/// What running a requested run came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunResult {
    Finished(ImportCounts),
    /// Another delivery of the job took the run first.
    AlreadyHandled,
}

/// Whether a run still counts as going at `now`.
pub fn is_going(run: &ImportRun, now: DateTime<Utc>) -> bool {
    run.status.is_active() && now - run.updated_at < STALE_AFTER
}

/// Records a run (of every company, or of one) for a job to take; refused while one is going.
pub async fn request_run(
    db: &DatabaseConnection,
    reseller: ResellerId,
    company: Option<i64>,
    now: DateTime<Utc>,
) -> Result<ImportRunId, StartError> {
    let latest = db::import_runs::find_latest_import_run(db, reseller)
        .await
        .context("reading the latest import run")?;
    if let Some(latest) = latest {
        if is_going(&latest, now) {
            return Err(StartError::AlreadyRunning);
        }
        if latest.status.is_active() {
            let message = "The import stopped: its worker went away. Nothing is lost; press Import All again.";
            db::import_runs::finish_import_run(
                db,
                latest.id,
                ImportRunStatus::Failed,
                Some(message),
                now,
            )
            .await
            .context("giving up a dead import run")?;
            action_log::record(db, reseller, Level::Error, codes::INTERNAL, message, None).await?;
        }
    }
    Ok(
        db::import_runs::insert_import_run(db, reseller, company, now)
            .await
            .context("recording the import run")?,
    )
}

/// The newest run with what became of each company in it.
pub async fn latest_run(
    db: &DatabaseConnection,
    reseller: ResellerId,
) -> anyhow::Result<Option<(ImportRun, Vec<ImportItem>)>> {
    let Some(run) = db::import_runs::find_latest_import_run(db, reseller)
        .await
        .context("reading the latest import run")?
    else {
        return Ok(None);
    };
    let items = db::import_runs::find_import_items_of_run(db, reseller, run.id)
        .await
        .context("reading the import results")?;
    Ok(Some((run, items)))
}

/// Runs a requested run: lists the companies, leaves out (and lists) the incomplete ones, and
/// imports the others one by one; one company's failure never stops the rest.
pub async fn run_requested(
    db: &DatabaseConnection,
    connections: &Connections,
    reseller: ResellerId,
    run: ImportRunId,
    progress: impl Fn(Progress),
) -> anyhow::Result<RunResult> {
    if !db::import_runs::claim_import_run(db, run, Utc::now())
        .await
        .context("claiming the import run")?
    {
        return Ok(RunResult::AlreadyHandled);
    }
    let Some(scope) = db::import_runs::find_import_run_for_reseller(db, reseller, run)
        .await
        .context("reading the import run")?
    else {
        anyhow::bail!("import run {run} is not reseller {reseller}'s");
    };
    action_log::record(
        db,
        reseller,
        Level::Info,
        codes::STARTED,
        "Import from Autotask started.",
        None,
    )
    .await?;
    let Some(autotask) = connections.autotask(reseller).await? else {
        return stop(
            db,
            reseller,
            run,
            codes::NO_AUTOTASK,
            "No Autotask connection: set it up under Settings.",
        )
        .await;
    };
    let Some(marketplace) = connections.marketplace(reseller).await? else {
        return stop(
            db,
            reseller,
            run,
            codes::NO_MARKETPLACE,
            "No marketplace connection: set it up under Settings.",
        )
        .await;
    };
    let listed = match scope.company_id {
        Some(company) => companies::unmapped_company(db, autotask.as_ref(), reseller, company)
            .await
            .map(|c| c.into_iter().collect()),
        None => companies::unmapped_companies(db, autotask.as_ref(), reseller).await,
    };
    let listed = match listed {
        Ok(listed) => listed,
        Err(ListError::Autotask(e)) => {
            tracing::warn!(error = %e, "reading the companies to import failed");
            return stop(
                db,
                reseller,
                run,
                codes::AUTOTASK_UNREADABLE,
                "Autotask could not be read; nothing was imported. Try again later.",
            )
            .await;
        }
        Err(ListError::Unexpected(e)) => return Err(e),
    };
    let counts = import_listed(db, &marketplace, reseller, run, listed, progress).await?;
    let summary = format!(
        "Import from Autotask finished: {} imported, {} failed, {} left out with incomplete profiles.",
        counts.imported, counts.failed, counts.incomplete
    );
    let level = if counts.failed > 0 {
        Level::Warning
    } else {
        Level::Info
    };
    db::import_runs::finish_import_run(db, run, ImportRunStatus::Done, None, Utc::now())
        .await
        .context("finishing the import run")?;
    action_log::record(db, reseller, level, codes::FINISHED, &summary, None).await?;
    Ok(RunResult::Finished(counts))
}

async fn import_listed(
    db: &DatabaseConnection,
    marketplace: &MarketplaceClient,
    reseller: ResellerId,
    run: ImportRunId,
    listed: Vec<ImportableCompany>,
    progress: impl Fn(Progress),
) -> anyhow::Result<ImportCounts> {
    let mut counts = ImportCounts::default();
    let mut complete = Vec::new();
    for company in listed {
        match company.draft.parse() {
            Ok(profile) => complete.push((company, profile)),
            Err(problems) => {
                counts.incomplete += 1;
                let item = ImportItem {
                    company_id: company.id,
                    company_name: company.name,
                    outcome: ImportOutcome::Incomplete,
                    message: describe(&problems),
                    mp_customer_id: None,
                };
                db::import_runs::insert_import_item(db, reseller, run, &item, Utc::now())
                    .await
                    .context("recording an incomplete company")?;
            }
        }
    }
    let total = i32::try_from(complete.len()).unwrap_or(i32::MAX);
    db::import_runs::record_import_progress(db, run, total, 0, counts, Utc::now())
        .await
        .context("recording the import's progress")?;
    progress(Progress {
        done: 0,
        total: complete.len(),
    });
    for (done, (company, profile)) in complete.iter().enumerate() {
        let to_import = CompanyToImport {
            id: company.id,
            name: &company.name,
            profile,
        };
        let item = import_company(db, marketplace, reseller, to_import).await?;
        match item.outcome {
            ImportOutcome::Failed => counts.failed += 1,
            _ => counts.imported += 1,
        }
        db::import_runs::insert_import_item(db, reseller, run, &item, Utc::now())
            .await
            .context("recording a company's result")?;
        let done_now = i32::try_from(done + 1).unwrap_or(i32::MAX);
        db::import_runs::record_import_progress(db, run, total, done_now, counts, Utc::now())
            .await
            .context("recording the import's progress")?;
        progress(Progress {
            done: done + 1,
            total: complete.len(),
        });
    }
    Ok(counts)
}

async fn stop(
    db: &DatabaseConnection,
    reseller: ResellerId,
    run: ImportRunId,
    code: &str,
    message: &str,
) -> anyhow::Result<RunResult> {
    let shown = format!("{message} ({code})");
    db::import_runs::finish_import_run(db, run, ImportRunStatus::Failed, Some(&shown), Utc::now())
        .await
        .context("finishing the import run")?;
    action_log::record(db, reseller, Level::Error, code, message, None).await?;
    anyhow::bail!("the import stopped: {message}")
}
