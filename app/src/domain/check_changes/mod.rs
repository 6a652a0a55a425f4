//! Check Changes (design §2.1): turn the marketplace's new orders into sync tasks, exactly one
//! per order, however often and on however many nodes it runs.

mod orders;
mod runs;
mod window;

pub use orders::{CheckOutcome, Progress, check};
pub use runs::{
    ABANDONED_AFTER_MINUTES, CheckFailure, RunResult, abandonment, give_up_abandoned_runs,
    latest_run, request_run, run_requested, run_requested_with,
};
pub use window::window;
