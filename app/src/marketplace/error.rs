use std::time::Duration;

use super::models::Unreadable;

/// What can go wrong talking to the marketplace.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MarketplaceError {
    /// Wrong user name, password, subscription key or marketplace code.
    #[error("the marketplace refused the credentials: {0}")]
    Auth(String),
    #[error("not found on the marketplace")]
    NotFound,
    /// A request the marketplace will not accept as sent (400, 403, 409, 422…).
    #[error("the marketplace refused the request: {message} (correlation id {correlation_id})")]
    Rejected {
        status: u16,
        message: String,
        correlation_id: String,
    },
    #[error("the marketplace asks to slow down; retry after {0:?}")]
    RateLimited(Duration),
    /// A 5xx, a timeout or a broken connection.
    #[error("the marketplace did not answer properly: {0}")]
    Transient(String),
    /// An answer that is not the JSON expected at all.
    #[error("the marketplace's answer could not be read: {0}")]
    Decode(String),
    /// A record whose fields are not what the API describes.
    #[error("the marketplace sent a record that could not be read: {0}")]
    Unreadable(Unreadable),
}
