//! Background jobs on apalis: SQLite (its own pool and file, polled) or PostgreSQL (LISTEN/NOTIFY).
//! Each job is a thin adapter over a plain async function; queue names are set explicitly so
//! renaming a Rust type never orphans queued work.

use std::{path::Path, str::FromStr, sync::Arc, time::Duration};

use anyhow::Context;
use apalis::prelude::*;
use apalis_postgres::{PostgresStorage, Pubsub};
use apalis_sqlite::SqliteStorage;
use serde::{Serialize, de::DeserializeOwned};
use sqlx::{
    PgPool, SqlitePool,
    postgres::PgPoolOptions,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions},
};

use crate::config::is_postgres_url;
use crate::state::AppState;

pub mod check_changes;
pub mod ping;

/// A job type: its arguments are stored as JSON in the queue named `NAME`.
pub trait Job: Serialize + DeserializeOwned + Send + Sync + Unpin + 'static {
    const NAME: &'static str;
}

/// Progress of a job, broadcast to live pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobEvent {
    Started {
        job: &'static str,
        reseller_id: i64,
    },
    Finished {
        job: &'static str,
        reseller_id: i64,
        ok: bool,
    },
    Progress {
        job: &'static str,
        reseller_id: i64,
        run_id: i64,
        done: usize,
        total: usize,
    },
}

#[derive(Clone)]
enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Where jobs are queued.
#[derive(Clone)]
pub struct Queues {
    backend: Backend,
    /// Names this process's workers apart from those of other nodes and of earlier runs (whose
    /// registrations linger until their heartbeat lease runs out).
    node: String,
}

const SQLITE_POLL: Duration = Duration::from_millis(500);

impl Queues {
    /// Opens the job store: PostgreSQL when the app database is PostgreSQL, else a SQLite file
    /// `jobs.db` next to the data (apalis turns `synchronous` off on its pool, so it gets its own).
    pub async fn connect(database_url: &str, data_dir: &Path) -> anyhow::Result<Self> {
        if is_postgres_url(database_url) {
            let pool = PgPoolOptions::new()
                .max_connections(5)
                .connect(database_url)
                .await
                .context("connecting the job queue to PostgreSQL")?;
            PostgresStorage::setup(&pool).await.context(
                "setting up the job queue schema (the database user must own the schema)",
            )?;
            return Ok(Self {
                backend: Backend::Postgres(pool),
                node: node_name(),
            });
        }
        let path = data_dir.join("jobs.db");
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
            .context("job queue path")?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .context("opening the job queue database")?;
        SqliteStorage::setup(&pool)
            .await
            .context("setting up the job queue tables")?;
        Ok(Self {
            backend: Backend::Sqlite(pool),
            node: node_name(),
        })
    }

    /// Queues a job. Call it after the transaction that made the job necessary has committed.
    pub async fn push<J: Job>(&self, job: J) -> anyhow::Result<()> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlite_storage::<J>(pool)
                .push(job)
                .await
                .map_err(|e| anyhow::anyhow!("queueing {}: {e}", J::NAME)),
            Backend::Postgres(pool) => postgres_storage::<J>(pool)
                .push(job)
                .await
                .map_err(|e| anyhow::anyhow!("queueing {}: {e}", J::NAME)),
        }
    }

    /// A monitor running one worker per job type.
    pub fn monitor(&self, state: Arc<AppState>) -> Monitor {
        let node = self.node.clone();
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
        match &self.backend {
            Backend::Sqlite(pool) => workers!(Monitor::new(), sqlite_worker_storage(pool), [
                ping::PingJob => ping::handle,
                check_changes::CheckChangesJob => check_changes::handle,
            ]),
            Backend::Postgres(pool) => workers!(Monitor::new(), postgres_worker_storage(pool), [
                ping::PingJob => ping::handle,
                check_changes::CheckChangesJob => check_changes::handle,
            ]),
        }
    }
}

fn node_name() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..8].to_owned()
}

fn worker_name(job: &str, node: &str) -> String {
    format!("{job}@{node}")
}

fn sqlite_storage<J: Job>(pool: &SqlitePool) -> SqliteStorage<J> {
    // apalis-sqlite only looks for new work when its heartbeat fires (the poll interval alone
    // does not wake an idle worker), so the heartbeat sets how soon a queued job starts.
    let config = apalis_sqlite::Config::default()
        .queue(J::NAME)
        .heartbeat_interval(SQLITE_POLL);
    SqliteStorage::new(pool).with_config(config)
}

/// Workers poll SQLite every 500 ms.
fn sqlite_worker_storage<J: Job>(
    pool: &SqlitePool,
) -> PollWith<SqliteStorage<J>, IntervalStrategy> {
    sqlite_storage::<J>(pool).poll_with_interval(SQLITE_POLL)
}

/// Workers wake on PostgreSQL NOTIFY.
fn postgres_worker_storage<J: Job>(
    pool: &PgPool,
) -> PollWith<PostgresStorage<J>, StreamStrategy<Pubsub>> {
    postgres_storage::<J>(pool).with_pubsub()
}

fn postgres_storage<J: Job>(pool: &PgPool) -> PostgresStorage<J> {
    PostgresStorage::new(pool).with_config(apalis_postgres::Config::default().queue(J::NAME))
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
