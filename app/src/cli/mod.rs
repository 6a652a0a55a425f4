//! The command line: its words, what each command does, and the sandbox order helper.

mod args;
mod commands;
mod orders;
mod tasks;

pub use args::{BenchCommand, Cli, Command, RoleArg, SandboxCommand, TaskCommand, UserCommand};
pub use commands::main;
pub use orders::{order_from_cli, place_over_http};
