//! Database access: connection set-up and one query module per aggregate. Every query that
//! touches tenant data takes the reseller id, so a signed-in user can only reach their own rows.

use std::{str::FromStr, time::Duration};

use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, SqlxSqliteConnector};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::config::is_postgres_url;

pub mod action_log;
pub mod catalog;
pub mod check_runs;
pub mod connections;
pub mod import_runs;
pub mod journal;
pub mod lines;
pub mod mappings;
pub mod pending_orders;
pub mod resellers;
pub mod settings;
pub mod stored;
pub mod tasks;
pub mod users;

/// Opens the application database. SQLite gets WAL, `synchronous=FULL` (our rows must survive a
/// crash), foreign keys and a busy timeout; PostgreSQL a pool.
pub async fn connect(url: &str) -> anyhow::Result<DatabaseConnection> {
    if is_postgres_url(url) {
        let mut options = ConnectOptions::new(url);
        options
            .max_connections(10)
            .connect_timeout(Duration::from_secs(10))
            .sqlx_logging(false);
        return Database::connect(options)
            .await
            .context("connecting to PostgreSQL");
    }
    let options = SqliteConnectOptions::from_str(url)
        .with_context(|| format!("invalid SQLite URL {url}"))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await
        .with_context(|| format!("opening the SQLite database {url}"))?;
    Ok(SqlxSqliteConnector::from_sqlx_sqlite_pool(pool))
}

/// Applies pending migrations; running it again is a no-op.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None).await.context("running migrations")
}

/// A cheap round trip for `/healthz`.
pub async fn ping(db: &DatabaseConnection) -> anyhow::Result<()> {
    db.ping().await.context("database ping")
}
