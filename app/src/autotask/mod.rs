//! The Autotask REST API v1.0 client: zone discovery, authentication headers, typed models,
//! queries with paging and batched `in` filters, writes, typed errors, retries of what may be
//! retried, a limiter that keeps to the thread limit and the hourly threshold, and the picklists
//! resolved at connect time. The engine uses it through [`AutotaskApi`].

mod answer;
mod api;
mod client;
mod error;
mod filter;
mod limiter;
pub mod models;
mod operations;
mod picklists;
mod recent;

pub use api::{AutotaskApi, AutotaskApiExt, WriteTarget};
pub use client::{
    AutotaskClient, AutotaskConfig, ConnectionReport, ContractChild, IN_BATCH, Page, Zone,
};
pub use error::AutotaskError;
pub use filter::{Filter, QueryBody};
pub use limiter::Limiter;
pub use picklists::Picklists;
pub use recent::{RECENT_FOR, RecentRecords};
