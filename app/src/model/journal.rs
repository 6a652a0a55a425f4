//! The planned lines of a task and the exactly-once journal (design §4–§5).

use chrono::NaiveDate;

use super::ids::TaskId;
use super::plan::PlannedLine;

/// What a planned line does in Autotask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LineKind {
    /// Put the service on the contract (then add its units).
    NewContractService,
    /// An adjustment of the units (`unitChange = Δ`).
    UnitChange,
    /// An adjustment that carries only a new price or cost.
    PriceChange,
    /// A one-time contract charge (usage, proration, cancellation fee).
    OneTimeCharge,
}

/// Where one journal step stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StepStatus {
    /// Not yet written (or not yet known to be written).
    Pending,
    /// Written, or found already written.
    Done,
    /// Autotask shows neither the expected "before" nor "after".
    Conflict,
    /// Autotask refused it, or it could not be confirmed.
    Failed,
    /// The line was unchecked in the review.
    Skipped,
}

/// A planned line as stored for a task: what the review shows and the worker writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskLine {
    pub task: TaskId,
    pub line: PlannedLine,
    /// Unchecked lines are not written.
    pub selected: bool,
}

/// One journal step: a line of a synced task, with what Autotask must show before and after it
/// at its effective date (design §5). For a unit change the numbers are units; for a price
/// change, the unit price × 10⁴; for a new contract service or a one-time charge, how many of
/// them carry the step's reference (0 before, 1 after).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalStep {
    pub task: TaskId,
    pub line_no: i32,
    pub kind: LineKind,
    pub contract_id: i64,
    /// Known once the contract service exists (for a new one: after its step).
    pub contract_service_id: Option<i64>,
    pub effective_date: NaiveDate,
    pub expected_before: i64,
    pub expected_after: i64,
    /// What Autotask showed when the step ended in a conflict.
    pub found: Option<i64>,
    /// `[psa-sync T<task>-L<line>]`, carried by what the step creates.
    pub reference: String,
    pub status: StepStatus,
    pub attempts: i32,
    pub error_code: Option<String>,
    pub last_error: Option<String>,
}

/// The reference a step's creations carry, looked up before creating again (design §5).
pub fn reference(task: TaskId, line_no: i32) -> String {
    format!("[psa-sync T{}-L{line_no}]", task.0)
}
