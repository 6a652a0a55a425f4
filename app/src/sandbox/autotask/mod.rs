//! An emulator of the Autotask REST API v1.0, faithful to `shared/reference/autotask-rest-api.md`.
//! Served under `/sandbox/autotask/ATServicesRest/...` (paths case-insensitive).

mod answers;
mod charges;
mod http;
pub mod limits;
pub mod query;
mod reads;
pub mod rules;
pub mod schema;
pub mod seed;
mod service;
pub mod store;
pub mod units;
mod writes;

pub use http::{configure, serve};
pub use limits::{Faults, Observed};
pub use service::AutotaskSandbox;
