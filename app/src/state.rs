//! What handlers and jobs share.

use sea_orm::DatabaseConnection;
use tokio::sync::broadcast;

use crate::crypto::MasterKey;
use crate::domain::connections::Connections;
use crate::metrics::Metrics;
use crate::queue::{JobEvent, Queues};

/// Shared application state, behind `web::Data` for handlers and `Data` for jobs.
pub struct AppState {
    pub db: DatabaseConnection,
    pub key: MasterKey,
    pub queues: Queues,
    /// One Autotask and one marketplace client per reseller, for the life of the process.
    pub connections: Connections,
    /// Job progress for live pages (and for tests, which wait on events instead of sleeping).
    pub events: broadcast::Sender<JobEvent>,
    pub metrics: Metrics,
    /// The bearer token `/metrics` asks for, if the settings set one.
    pub metrics_token: Option<secrecy::SecretString>,
    /// This service's own address (for the built-in sandboxes).
    pub self_url: String,
    /// This node's lasting name (kept in the data directory): runs it owned when it stopped are
    /// known to be abandoned when it starts again.
    pub node: String,
}
