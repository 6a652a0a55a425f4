//! The domain's own types: ids, enums with their transitions, and the structs use cases take and
//! return. A leaf: it depends on nothing else in the crate, so `db` maps to it and `domain` works
//! with it without either depending on the other's internals.

pub mod account;
pub mod billing;
pub mod catalog;
pub mod check_run;
pub mod connection;
pub mod ids;
pub mod import;
pub mod journal;
pub mod log;
pub mod money;
pub mod plan;
pub mod settings;
pub mod task;
