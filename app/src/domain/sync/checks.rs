//! The heart of exactly-once (design §5), as pure decisions: given what Autotask shows for a
//! journal step, is it already applied, still to apply, or has Autotask changed under us?

use crate::model::journal::JournalStep;

/// What a step's check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Autotask shows the step's "after": it was written before (a retry, a restart).
    AlreadyApplied,
    /// Autotask shows the step's "before": write it.
    Apply,
    /// Autotask shows something else: a person decides.
    Conflict { found: i64 },
}

/// Compares what Autotask shows with the step's expectations.
pub fn check(step: &JournalStep, found: i64) -> Check {
    if found == step.expected_after {
        Check::AlreadyApplied
    } else if found == step.expected_before {
        Check::Apply
    } else {
        Check::Conflict { found }
    }
}

/// For a reference count (a created contract service or charge): one or more means applied.
pub fn check_reference(step: &JournalStep, found: usize) -> Check {
    if found >= 1 {
        Check::AlreadyApplied
    } else {
        check(step, 0)
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::model::{
        ids::TaskId,
        journal::{LineKind, StepStatus},
    };

    fn step(before: i64, after: i64) -> JournalStep {
        JournalStep {
            task: TaskId(1),
            line_no: 1,
            kind: LineKind::UnitChange,
            contract_id: 1,
            contract_service_id: Some(1),
            effective_date: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
            expected_before: before,
            expected_after: after,
            found: None,
            reference: "[psa-sync T1-L1]".into(),
            status: StepStatus::Pending,
            attempts: 0,
            error_code: None,
            last_error: None,
        }
    }

    #[test]
    fn a_step_is_written_only_when_autotask_shows_exactly_its_before() {
        let up = step(3, 5);
        assert_eq!(check(&up, 3), Check::Apply);
        assert_eq!(
            check(&up, 5),
            Check::AlreadyApplied,
            "written before: not again"
        );
        assert_eq!(check(&up, 4), Check::Conflict { found: 4 });
        assert_eq!(check(&up, 7), Check::Conflict { found: 7 });
        let down = step(5, 2);
        assert_eq!(check(&down, 5), Check::Apply);
        assert_eq!(check(&down, 2), Check::AlreadyApplied);
    }

    #[test]
    fn a_reference_found_once_or_more_means_the_creation_happened() {
        let create = step(0, 1);
        assert_eq!(check_reference(&create, 0), Check::Apply);
        assert_eq!(check_reference(&create, 1), Check::AlreadyApplied);
        assert_eq!(check_reference(&create, 2), Check::AlreadyApplied);
    }
}
