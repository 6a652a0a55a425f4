//! A fresh PostgreSQL database per test when `TEST_DATABASE_URL` names a server.

use sqlx::{Connection, Executor, PgConnection};

/// `None` (use SQLite) unless `TEST_DATABASE_URL` is set; then a new empty database on that
/// server. An unreachable server fails the test with a clear message rather than skipping it.
pub async fn fresh_database_url() -> Option<String> {
    let admin_url = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())?;
    let name = format!("psa_test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = PgConnection::connect(&admin_url).await.unwrap_or_else(|e| {
        panic!("TEST_DATABASE_URL is set but PostgreSQL cannot be reached ({e}); start it or unset the variable")
    });
    conn.execute(sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "CREATE DATABASE \"{name}\""
    ))))
    .await
    .expect("creating a test database");
    Some(replace_database(&admin_url, &name))
}

fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}

/// Whether this run uses PostgreSQL.
pub fn enabled() -> bool {
    std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty())
}
