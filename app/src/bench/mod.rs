//! `psa-sync bench …`: measurements against the built-in sandboxes, in a throw-away data
//! directory on SQLite. Performance targets live here, not in timed tests.

pub mod apply;
mod check_changes;
mod pages;

use std::future::Future;

use crate::config::Settings;

pub use apply::{ApplyBench, run_bench as apply};
pub use check_changes::run_bench as check_changes;
pub use pages::{PagesBench, run_bench as pages};

/// Runs `bench` with settings of a fresh data directory, removed afterwards.
async fn in_throwaway_dir<F, Fut>(bench: F) -> anyhow::Result<()>
where
    F: FnOnce(Settings) -> Fut,
    Fut: Future<Output = anyhow::Result<()>>,
{
    let dir =
        std::env::temp_dir().join(format!("psa-sync-bench-{}", uuid::Uuid::new_v4().simple()));
    let settings = Settings {
        bind: "127.0.0.1:0".into(),
        data_dir: dir.clone(),
        create_demo: false,
        handle_signals: false,
        log_level: "warn".into(),
        ..Settings::default()
    };
    let result = bench(settings).await;
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// The process's peak resident memory in MB (`VmHWM`), where the system tells it.
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}
