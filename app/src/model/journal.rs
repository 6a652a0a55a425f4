//! The planned lines of a task and the exactly-once journal (design §4–§5).

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
