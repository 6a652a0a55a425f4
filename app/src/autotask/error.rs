use std::time::Duration;

/// What can go wrong talking to Autotask, split by what the caller should do about it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AutotaskError {
    /// Wrong user name, secret or integration code: fix the connection settings.
    #[error("Autotask refused the credentials: {0}")]
    Auth(String),
    /// The API user lacks a permission.
    #[error("Autotask refused the request for lack of permission: {0}")]
    Permission(String),
    #[error("not found in Autotask")]
    NotFound,
    /// Autotask refused the change; retrying the same request cannot help.
    #[error("Autotask refused the request: {}", .0.join(" "))]
    BusinessRule(Vec<String>),
    /// The hourly threshold was reached.
    #[error("Autotask's hourly request threshold was reached; retry after {0:?}")]
    RateLimited(Duration),
    /// More than three requests were in flight for one entity.
    #[error("Autotask's thread limit was exceeded: {0}")]
    ThreadLimited(String),
    /// A 5xx without a business message, a timeout or a broken connection: the request may or
    /// may not have been applied.
    #[error("Autotask did not answer properly: {0}")]
    Transient(String),
    /// An answer that could not be read.
    #[error("Autotask's answer could not be read: {0}")]
    Decode(String),
}
