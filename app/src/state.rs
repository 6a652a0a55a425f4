//! What handlers and jobs share.

use sea_orm::DatabaseConnection;
use tokio::sync::broadcast;

use crate::crypto::MasterKey;
use crate::jobs::{JobEvent, Queues};
use crate::metrics::Metrics;

/// Shared application state, behind `web::Data` for handlers and `Data` for jobs.
pub struct AppState {
    pub db: DatabaseConnection,
    pub key: MasterKey,
    pub queues: Queues,
    /// Job progress for live pages (and for tests, which wait on events instead of sleeping).
    pub events: broadcast::Sender<JobEvent>,
    pub metrics: Metrics,
    /// This service's own address (for the built-in sandboxes).
    pub self_url: String,
}
