//! The one integration-test binary. Each module is one area; each test gets its own app.

mod auth;
mod autotask_charges;
mod autotask_client;
mod autotask_connection;
mod autotask_limits;
mod autotask_protocol;
mod autotask_rules;
mod autotask_sharing;
mod autotask_wire;
mod check_changes;
mod cli;
mod crash;
mod csrf;
mod engine;
mod jobs;
mod marketplace_client;
mod marketplace_schemas;
mod marketplace_wire;
mod pages;
mod replay;
mod sandboxes;
mod secrets;
mod storage;
mod support;
mod tasks_page;
mod tenancy;
