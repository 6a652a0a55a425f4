//! Business rules and use cases. No actix, no maud, no HTTP: callers pass parsed values in.

pub mod accounts;
pub mod action_log;
pub mod assumptions;
pub mod autotask_view;
pub mod billing_period;
pub mod check_changes;
pub mod classify;
pub mod connections;
pub mod contracts;
pub mod dashboard;
pub mod import;
pub mod invoice;
pub mod mapping;
pub mod mapping_screen;
pub mod plan;
pub mod products;
pub mod suggestions;
pub mod sync;
pub mod tasks;
pub mod wizard;
