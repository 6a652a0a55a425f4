pub mod action_log;
pub mod check_run;
pub mod dashboard;
pub mod errors;
pub mod login;
pub mod placeholder;
pub mod settings;
pub mod tasks;
