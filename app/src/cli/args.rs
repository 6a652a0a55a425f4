//! The command line's words: `psa-sync [serve]`, `psa-sync migrate`, `psa-sync user add …`.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "psa-sync",
    version,
    about = "Keeps Autotask billing in step with the cloud marketplace"
)]
pub struct Cli {
    /// Optional settings file (values there are overridden by PSA_SYNC_* variables).
    #[arg(long, global = true, default_value = "psa-sync.toml")]
    pub config: PathBuf,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web interface and the workers (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Measure: `bench check-changes --orders 10000`, `bench apply --changes 1000`,
    /// `bench pages --tasks 10000 --clients 32`.
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
    /// Manage the built-in sandboxes.
    Sandbox {
        #[command(subcommand)]
        command: SandboxCommand,
    },
    /// Plan and sync tasks from the command line.
    Task {
        #[command(subcommand)]
        command: TaskCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum TaskCommand {
    /// Print a task's planned lines and invoice preview (nothing is written).
    Plan { id: i64 },
    /// Sync tasks (or, with --ready, every ready task) and apply them, printing each outcome.
    Sync {
        ids: Vec<i64>,
        /// Every task that is ready.
        #[arg(long)]
        ready: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Check Changes over many sandbox orders: marketplace calls and wall time.
    CheckChanges {
        #[arg(long, default_value_t = 10_000)]
        orders: usize,
    },
    /// Sync and apply many change tasks: Autotask calls per change, changes per hour, limits.
    Apply {
        #[arg(long, default_value_t = 1_000)]
        changes: usize,
        #[arg(long, default_value_t = 200)]
        contracts: usize,
        /// Added to every sandbox request.
        #[arg(long, default_value_t = 100)]
        latency_ms: u64,
        /// The sandbox's hourly request threshold.
        #[arg(long, default_value_t = 10_000)]
        threshold: u64,
    },
    /// The dashboard, the task list and the review step under concurrent clients: p50, p99,
    /// max and requests/s per page, PASS/FAIL against p99 < 50 ms. On PostgreSQL when
    /// DATABASE_URL names a server (a database of its own is created and dropped).
    Pages {
        /// Tasks in the database.
        #[arg(long, default_value_t = 10_000)]
        tasks: usize,
        /// Signed-in clients sending at once.
        #[arg(long, default_value_t = 32)]
        clients: usize,
        /// Measured requests per page, after a warm-up.
        #[arg(long, default_value_t = 2_000)]
        requests: usize,
    },
}

#[derive(Debug, Subcommand)]
pub enum SandboxCommand {
    /// Restore the sandboxes' seed data (stop the service first, or POST
    /// /sandbox/autotask/_control/reset to a running one).
    Reset,
    /// Place an order on the running service's marketplace sandbox.
    Order {
        /// sales, change or cancellation.
        #[arg(long = "type", default_value = "sales")]
        kind: String,
        /// Marketplace customer id, e.g. 1000001.
        #[arg(long)]
        customer: String,
        /// For change and cancellation orders.
        #[arg(long)]
        subscription: Option<String>,
        /// For sales orders: the product's MPN (e.g. CFQ7TTC0LH18:0001).
        #[arg(long)]
        mpn: Option<String>,
        /// For sales orders: the annual term billed yearly instead of monthly.
        #[arg(long)]
        annual: bool,
        /// Quantity bought, or the new total for a change.
        #[arg(long, default_value_t = 1)]
        quantity: i64,
        /// The running service (default: the configured bind address).
        #[arg(long)]
        url: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user (and the reseller, if new). Asks for a password, or generates one when none is typed.
    Add {
        #[arg(long)]
        reseller: String,
        #[arg(long)]
        email: String,
        #[arg(long, value_enum, default_value = "operator")]
        role: RoleArg,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Admin,
    Operator,
}
