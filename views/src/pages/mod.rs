pub mod action_log;
pub mod dashboard;
pub mod errors;
pub mod login;
pub mod mapping;
pub mod placeholder;
pub mod settings;
pub mod tasks;
