//! Planning, syncing and applying tasks (design §4–§5): the plan of a batch of tasks from
//! batched reads, the journal that makes every write happen exactly once, and the worker.

mod checks;
mod outcome;
mod planning;
mod queueing;
mod review;
mod worker;

pub use outcome::{Outcome, outcome_of};
pub use planning::{
    NotPlanned, PlanOptions, TaskPlan, plan_tasks, plan_tasks_for_review, plan_tasks_with,
};
pub use queueing::{Resolution, SyncOutcome, journal_of, resolve, sync_tasks};
pub use review::{
    LineEdit, Review, ReviewRefused, apply_edits, fingerprint, price_editable, sync_reviewed,
};
pub use worker::{ApplyReport, BATCH, MAX_ATTEMPTS, apply_queued, recover_abandoned};
