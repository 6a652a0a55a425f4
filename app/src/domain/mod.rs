//! Business rules and use cases. No actix, no maud, no HTTP: callers pass parsed values in.

pub mod accounts;
pub mod action_log;
pub mod billing_period;
pub mod check_changes;
pub mod classify;
pub mod connections;
pub mod invoice;
pub mod plan;
pub mod tasks;
