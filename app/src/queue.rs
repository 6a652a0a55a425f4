//! The job queue on apalis: SQLite (its own pool and file, polled) or PostgreSQL
//! (LISTEN/NOTIFY). Queue names are set explicitly so renaming a Rust type never orphans queued
//! work. The workers that take jobs from it live in `jobs`.

use std::{path::Path, str::FromStr, time::Duration};

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
pub(crate) enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Where jobs are queued.
#[derive(Clone)]
pub struct Queues {
    backend: Backend,
    /// Names this process's workers apart from those of other nodes and of earlier runs (whose
    /// registrations linger until their heartbeat lease runs out).
    workers: String,
}

const SQLITE_POLL: Duration = Duration::from_millis(500);

impl Queues {
    /// Opens the job store: PostgreSQL when the app database is PostgreSQL, else a SQLite file
    /// `jobs.db` next to the data (apalis turns `synchronous` off on its pool, so it gets its own).
    pub async fn connect(database_url: &str, data_dir: &Path, node: &str) -> anyhow::Result<Self> {
        let workers = format!("{node}-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
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
                workers,
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
            workers,
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

    /// The backend, for registering workers.
    pub(crate) fn backend(&self) -> &Backend {
        &self.backend
    }

    /// This process's part of its workers' names.
    pub(crate) fn workers(&self) -> &str {
        &self.workers
    }
}

/// A worker's name: the job and this process.
pub(crate) fn worker_name(job: &str, workers: &str) -> String {
    format!("{job}@{workers}")
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
pub(crate) fn sqlite_worker_storage<J: Job>(
    pool: &SqlitePool,
) -> PollWith<SqliteStorage<J>, IntervalStrategy> {
    sqlite_storage::<J>(pool).poll_with_interval(SQLITE_POLL)
}

/// Workers wake on PostgreSQL NOTIFY.
pub(crate) fn postgres_worker_storage<J: Job>(
    pool: &PgPool,
) -> PollWith<PostgresStorage<J>, StreamStrategy<Pubsub>> {
    postgres_storage::<J>(pool).with_pubsub()
}

fn postgres_storage<J: Job>(pool: &PgPool) -> PostgresStorage<J> {
    PostgresStorage::new(pool).with_config(apalis_postgres::Config::default().queue(J::NAME))
}
