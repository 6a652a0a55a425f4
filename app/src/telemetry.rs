//! Logging: one subscriber for the process; request and job spans carry their ids.

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

/// Installs the global subscriber. Safe to call more than once (later calls do nothing).
pub fn init(log_level: &str, format: &str) {
    let filter = EnvFilter::try_new(log_level).unwrap_or_else(|_| EnvFilter::new("info"));
    let registry = tracing_subscriber::registry().with(filter);
    let _ = if format == "json" {
        registry
            .with(fmt::layer().json().with_current_span(true))
            .try_init()
    } else {
        registry.with(fmt::layer().with_target(false)).try_init()
    };
}
