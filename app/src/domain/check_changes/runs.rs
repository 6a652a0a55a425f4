//! A run's life: requested (the button or the schedule), claimed by one worker, finished with
//! an outcome a person can act on — or given up when its process died, so the button never stays
//! disabled for good.

use chrono::{DateTime, Duration, Utc};
use sea_orm::DatabaseConnection;

use super::orders::{CheckOutcome, Progress, check};
use crate::db;
use crate::domain::{action_log, connections::Connections};
use crate::marketplace::{MarketplaceClient, MarketplaceError};
use crate::model::{
    check_run::{CheckRun, CheckRunStatus, Trigger},
    ids::{CheckRunId, ResellerId},
    log::Level,
};

/// A run that has shown no sign of life for this long is given up (a running run shows one per
/// order; a queued one is taken by a worker within a second or two).
pub const ABANDONED_AFTER_MINUTES: i64 = 10;

/// Why a run stopped, as a person reads it: a stable code and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} ({code})")]
pub struct CheckFailure {
    pub code: &'static str,
    pub message: String,
}

impl CheckFailure {
    fn new(code: &'static str, message: &str) -> Self {
        Self {
            code,
            message: message.to_owned(),
        }
    }

    /// What the cause chain of a failed run means for the person who started it. The chain
    /// itself goes to the server log only.
    fn of(error: &anyhow::Error) -> Self {
        let marketplace = error
            .chain()
            .find_map(|cause| cause.downcast_ref::<MarketplaceError>());
        match marketplace {
            Some(MarketplaceError::Auth(_)) => Self::new(
                "CHK92",
                "Check Changes stopped: the marketplace refused the connection's credentials. Check the marketplace connection under Settings.",
            ),
            Some(MarketplaceError::Transient(_) | MarketplaceError::RateLimited(_)) => Self::new(
                "CHK93",
                "Check Changes stopped: the marketplace did not answer in time. The next run continues from here.",
            ),
            Some(
                MarketplaceError::Rejected { .. }
                | MarketplaceError::Decode(_)
                | MarketplaceError::Unreadable(_)
                | MarketplaceError::NotFound,
            ) => Self::new(
                "CHK94",
                "Check Changes stopped: the marketplace's answer could not be used. Check the marketplace URL under Settings; the next run continues from here.",
            ),
            None => Self::new(
                "CHK90",
                "Check Changes stopped because of an internal error. Nothing was lost; the next run continues from here.",
            ),
        }
    }
}

/// What became of a requested run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunResult {
    Finished(CheckOutcome),
    /// Another worker ran it already, or it was given up: nothing to do.
    AlreadyHandled,
}

/// Records a run the button or the schedule asked for; queue its job after this returns.
pub async fn request_run(
    db: &DatabaseConnection,
    reseller: ResellerId,
    trigger: Trigger,
    now: DateTime<Utc>,
) -> anyhow::Result<CheckRunId> {
    use anyhow::Context;
    db::check_runs::insert_check_run(db, reseller, trigger, now)
        .await
        .context("recording the check run")
}

/// Runs a requested run on this node: claims it (a second delivery of the same job does
/// nothing), checks the orders, and records the outcome on the run and in the action log.
pub async fn run_requested(
    db: &DatabaseConnection,
    connections: &Connections,
    reseller: ResellerId,
    run: CheckRunId,
    node: &str,
    progress: impl Fn(Progress),
) -> Result<RunResult, CheckFailure> {
    if !claim(db, reseller, run, node).await? {
        return Ok(RunResult::AlreadyHandled);
    }
    let client = match connections.marketplace(reseller).await {
        Ok(Some(client)) => client,
        Ok(None) => {
            let failure = CheckFailure::new(
                "CHK91",
                "Check Changes needs the marketplace connection: set it up under Settings first.",
            );
            record_failure(db, reseller, run, &failure).await;
            return Err(failure);
        }
        Err(e) => return Err(fail(db, reseller, run, e).await),
    };
    run_claimed(db, &client, reseller, run, Utc::now(), progress)
        .await
        .map(RunResult::Finished)
}

/// [`run_requested`] with a given client (tests bring one with faults of their own) and a
/// given "now" (tests replay a chosen month).
pub async fn run_requested_with(
    db: &DatabaseConnection,
    client: &MarketplaceClient,
    reseller: ResellerId,
    run: CheckRunId,
    node: &str,
    now: DateTime<Utc>,
    progress: impl Fn(Progress),
) -> Result<RunResult, CheckFailure> {
    if !claim(db, reseller, run, node).await? {
        return Ok(RunResult::AlreadyHandled);
    }
    run_claimed(db, client, reseller, run, now, progress)
        .await
        .map(RunResult::Finished)
}

async fn claim(
    db: &DatabaseConnection,
    reseller: ResellerId,
    run: CheckRunId,
    node: &str,
) -> Result<bool, CheckFailure> {
    db::check_runs::claim_check_run(db, run, node, Utc::now())
        .await
        .map_err(|e| {
            let e = anyhow::Error::new(e);
            tracing::error!(
                reseller = reseller.0,
                run = run.0,
                error = format!("{e:#}"),
                "a Check Changes run could not be claimed"
            );
            CheckFailure::of(&e)
        })
}

async fn run_claimed(
    db: &DatabaseConnection,
    client: &MarketplaceClient,
    reseller: ResellerId,
    run: CheckRunId,
    now: DateTime<Utc>,
    progress: impl Fn(Progress),
) -> Result<CheckOutcome, CheckFailure> {
    let outcome = match check(db, client, reseller, run, now, &progress).await {
        Ok(outcome) => outcome,
        Err(e) => return Err(fail(db, reseller, run, e).await),
    };
    let (status, code, level, message) = if outcome.unreadable > 0 {
        (
            CheckRunStatus::Warning,
            "CHK03",
            Level::Warning,
            format!(
                "Check Changes found {} orders: {} new tasks, {} skipped, {} not completed yet, {} could not be read (see the action log).",
                outcome.orders_seen,
                outcome.tasks_created,
                outcome.skipped,
                outcome.pending,
                outcome.unreadable
            ),
        )
    } else {
        (
            CheckRunStatus::Done,
            "CHK02",
            Level::Info,
            format!(
                "Check Changes found {} orders: {} new tasks, {} skipped, {} not completed yet.",
                outcome.orders_seen, outcome.tasks_created, outcome.skipped, outcome.pending
            ),
        )
    };
    if let Err(e) = finish(db, reseller, run, status, &message, code, level).await {
        return Err(fail(db, reseller, run, e).await);
    }
    tracing::info!(calls = client.total_calls(), "check changes finished");
    Ok(outcome)
}

/// Records a run that stopped: the person's message on the run and in the log, the cause chain
/// in the server log.
async fn fail(
    db: &DatabaseConnection,
    reseller: ResellerId,
    run: CheckRunId,
    error: anyhow::Error,
) -> CheckFailure {
    let failure = CheckFailure::of(&error);
    tracing::error!(
        reseller = reseller.0,
        run = run.0,
        code = failure.code,
        error = format!("{error:#}"),
        "Check Changes stopped"
    );
    record_failure(db, reseller, run, &failure).await;
    failure
}

async fn record_failure(
    db: &DatabaseConnection,
    reseller: ResellerId,
    run: CheckRunId,
    failure: &CheckFailure,
) {
    let recorded = finish(
        db,
        reseller,
        run,
        CheckRunStatus::Failed,
        &failure.to_string(),
        failure.code,
        Level::Error,
    )
    .await;
    if let Err(e) = recorded {
        tracing::error!(
            error = format!("{e:#}"),
            "the failed run could not be recorded"
        );
    }
}

async fn finish(
    db: &DatabaseConnection,
    reseller: ResellerId,
    run: CheckRunId,
    status: CheckRunStatus,
    message: &str,
    code: &str,
    level: Level,
) -> anyhow::Result<()> {
    db::check_runs::finish_check_run(db, run, status, message, Utc::now()).await?;
    action_log::record(db, reseller, level, code, message, None).await
}

/// Why an active run is abandoned, or `None` while it may still be going.
pub fn abandonment(run: &CheckRun, now: DateTime<Utc>) -> Option<CheckFailure> {
    let limit = now - Duration::minutes(ABANDONED_AFTER_MINUTES);
    match run.status {
        CheckRunStatus::Queued if run.started_at < limit => Some(never_started()),
        CheckRunStatus::Running if run.heartbeat_at.unwrap_or(run.started_at) < limit => {
            Some(stopped_unexpectedly())
        }
        _ => None,
    }
}

fn never_started() -> CheckFailure {
    CheckFailure::new(
        "CHK96",
        "Check Changes did not start: no worker took the run. Press Check Changes to try again.",
    )
}

fn stopped_unexpectedly() -> CheckFailure {
    CheckFailure::new(
        "CHK95",
        "Check Changes stopped unexpectedly: the service stopped while it ran. Nothing was lost; press Check Changes to continue.",
    )
}

/// Gives up every abandoned run: those this node was running when it stopped (call this when
/// the node starts), and those anywhere that showed no sign of life for too long.
pub async fn give_up_abandoned_runs(
    db: &DatabaseConnection,
    node: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let stale = now - Duration::minutes(ABANDONED_AFTER_MINUTES);
    let runs = db::check_runs::find_abandoned_check_runs(db, Some(node), stale).await?;
    let mut given_up = 0;
    for run in runs {
        let failure = abandonment(&run, now).unwrap_or_else(stopped_unexpectedly);
        if give_up(db, &run, &failure, now).await? {
            given_up += 1;
        }
    }
    Ok(given_up)
}

async fn give_up(
    db: &DatabaseConnection,
    run: &CheckRun,
    failure: &CheckFailure,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let ended = db::check_runs::finish_check_run(
        db,
        run.id,
        CheckRunStatus::Failed,
        &failure.to_string(),
        now,
    )
    .await?;
    if ended {
        tracing::warn!(
            run = run.id.0,
            code = failure.code,
            "an abandoned Check Changes run was given up"
        );
        action_log::record(
            db,
            run.reseller,
            Level::Error,
            failure.code,
            &failure.to_string(),
            None,
        )
        .await?;
    }
    Ok(ended)
}

/// The reseller's latest run, with an abandoned one given up first.
pub async fn latest_run(
    db: &DatabaseConnection,
    reseller: ResellerId,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<CheckRun>> {
    let Some(run) = db::check_runs::find_latest_check_run(db, reseller).await? else {
        return Ok(None);
    };
    match abandonment(&run, now) {
        Some(failure) => {
            give_up(db, &run, &failure, now).await?;
            Ok(db::check_runs::find_latest_check_run(db, reseller).await?)
        }
        None => Ok(Some(run)),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::model::check_run::RunCounts;

    fn run(
        status: CheckRunStatus,
        started: DateTime<Utc>,
        heartbeat: Option<DateTime<Utc>>,
    ) -> CheckRun {
        CheckRun {
            id: CheckRunId(1),
            reseller: ResellerId(1),
            trigger: Trigger::Manual,
            status,
            window: None,
            orders_total: 0,
            counts: RunCounts::default(),
            message: None,
            started_at: started,
            finished_at: None,
            heartbeat_at: heartbeat,
            node: Some("node-a".into()),
        }
    }

    #[test]
    fn a_run_is_given_up_after_ten_minutes_without_a_sign_of_life_and_not_before() {
        let start = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
        let at = |minutes: i64, seconds: i64| {
            start + Duration::minutes(minutes) + Duration::seconds(seconds)
        };
        let queued = run(CheckRunStatus::Queued, start, None);
        assert_eq!(
            abandonment(&queued, at(10, 0)),
            None,
            "exactly ten minutes is not yet"
        );
        assert_eq!(
            abandonment(&queued, at(10, 1)).map(|f| f.code),
            Some("CHK96")
        );
        let beating = run(CheckRunStatus::Running, start, Some(at(30, 0)));
        assert_eq!(
            abandonment(&beating, at(39, 59)),
            None,
            "a heartbeat 9:59 ago"
        );
        assert_eq!(
            abandonment(&beating, at(40, 1)).map(|f| f.code),
            Some("CHK95")
        );
        let silent = run(CheckRunStatus::Running, start, None);
        assert_eq!(
            abandonment(&silent, at(10, 1)).map(|f| f.code),
            Some("CHK95")
        );
        for ended in [
            CheckRunStatus::Done,
            CheckRunStatus::Warning,
            CheckRunStatus::Failed,
        ] {
            assert_eq!(abandonment(&run(ended, start, None), at(600, 0)), None);
        }
    }

    #[test]
    fn a_failure_names_what_to_do_and_keeps_the_cause_out_of_the_message() {
        let refused = anyhow::Error::new(MarketplaceError::Auth("secret detail 42".into()))
            .context("listing marketplace orders");
        let failure = CheckFailure::of(&refused);
        assert_eq!(failure.code, "CHK92");
        assert!(!failure.to_string().contains("secret detail 42"));
        let database = anyhow::anyhow!("connection reset by peer").context("reading the settings");
        assert_eq!(CheckFailure::of(&database).code, "CHK90");
    }
}
