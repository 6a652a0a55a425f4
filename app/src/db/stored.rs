//! The text a column holds for each domain enum. This is the only place those words are
//! written or parsed: everything above `db` works with the enums.

use sea_orm::DbErr;

use crate::model::{
    account::Role,
    check_run::{CheckRunStatus, OrderOutcome, Trigger},
    import::{ImportOutcome, ImportRunStatus},
    journal::{LineKind, StepStatus},
    log::Level,
    plan::{PriceSource, Proration},
    task::{Direction, TaskStatus, TaskType},
};

/// A domain enum stored as one of a fixed set of words.
pub trait Stored: Sized + Copy + PartialEq + 'static {
    /// Each value and its word.
    const WORDS: &'static [(Self, &'static str)];
    /// What the column holds, for error messages.
    const WHAT: &'static str;

    /// The word stored for this value.
    fn word(self) -> &'static str {
        Self::WORDS
            .iter()
            .find(|(value, _)| *value == self)
            .map_or("", |(_, word)| word)
    }

    /// The value a stored word stands for; an unknown word is a corrupt row, not a default.
    fn from_word(word: &str) -> Result<Self, DbErr> {
        Self::WORDS
            .iter()
            .find(|(_, w)| *w == word)
            .map(|(value, _)| *value)
            .ok_or_else(|| DbErr::Type(format!("'{word}' is not a known {}", Self::WHAT)))
    }
}

/// The stored word of an optional value.
pub fn word_of<T: Stored>(value: Option<T>) -> Option<String> {
    value.map(|v| v.word().to_owned())
}

/// Parses an optional stored word.
pub fn parse_word<T: Stored>(word: Option<&str>) -> Result<Option<T>, DbErr> {
    word.map(T::from_word).transpose()
}

impl Stored for TaskStatus {
    const WHAT: &'static str = "task status";
    const WORDS: &'static [(Self, &'static str)] = &[
        (TaskStatus::New, "new"),
        (TaskStatus::Ready, "ready"),
        (TaskStatus::Queued, "queued"),
        (TaskStatus::Applying, "applying"),
        (TaskStatus::Done, "done"),
        (TaskStatus::Failed, "failed"),
        (TaskStatus::Conflict, "conflict"),
        (TaskStatus::Ignored, "ignored"),
    ];
}

impl Stored for TaskType {
    const WHAT: &'static str = "task type";
    const WORDS: &'static [(Self, &'static str)] = &[
        (TaskType::Sales, "sales"),
        (TaskType::Change, "change"),
        (TaskType::Billing, "billing"),
        (TaskType::Cancellation, "cancellation"),
        (TaskType::Renewal, "renewal"),
        (TaskType::Reconcile, "reconcile"),
    ];
}

impl Stored for Direction {
    const WHAT: &'static str = "direction";
    const WORDS: &'static [(Self, &'static str)] = &[
        (Direction::Up, "up"),
        (Direction::Down, "down"),
        (Direction::Unchanged, "unchanged"),
    ];
}

impl Stored for StepStatus {
    const WHAT: &'static str = "journal step status";
    const WORDS: &'static [(Self, &'static str)] = &[
        (StepStatus::Pending, "pending"),
        (StepStatus::Done, "done"),
        (StepStatus::Conflict, "conflict"),
        (StepStatus::Failed, "failed"),
        (StepStatus::Skipped, "skipped"),
    ];
}

impl Stored for LineKind {
    const WHAT: &'static str = "line kind";
    const WORDS: &'static [(Self, &'static str)] = &[
        (LineKind::NewContractService, "new_contract_service"),
        (LineKind::UnitChange, "unit_change"),
        (LineKind::PriceChange, "price_change"),
        (LineKind::OneTimeCharge, "one_time_charge"),
    ];
}

impl Stored for CheckRunStatus {
    const WHAT: &'static str = "check run status";
    const WORDS: &'static [(Self, &'static str)] = &[
        (CheckRunStatus::Queued, "queued"),
        (CheckRunStatus::Running, "running"),
        (CheckRunStatus::Done, "done"),
        (CheckRunStatus::Warning, "warning"),
        (CheckRunStatus::Failed, "failed"),
    ];
}

impl Stored for Trigger {
    const WHAT: &'static str = "check run trigger";
    const WORDS: &'static [(Self, &'static str)] =
        &[(Trigger::Manual, "manual"), (Trigger::Schedule, "schedule")];
}

impl Stored for OrderOutcome {
    const WHAT: &'static str = "check run order outcome";
    const WORDS: &'static [(Self, &'static str)] = &[
        (OrderOutcome::TaskCreated, "task_created"),
        (OrderOutcome::Skipped, "skipped"),
        (OrderOutcome::Pending, "pending"),
        (OrderOutcome::Unreadable, "unreadable"),
    ];
}

impl Stored for Role {
    const WHAT: &'static str = "role";
    const WORDS: &'static [(Self, &'static str)] =
        &[(Role::Admin, "admin"), (Role::Operator, "operator")];
}

impl Stored for PriceSource {
    const WHAT: &'static str = "price source";
    const WORDS: &'static [(Self, &'static str)] = &[
        (PriceSource::Autotask, "autotask"),
        (PriceSource::Marketplace, "marketplace"),
    ];
}

impl Stored for Proration {
    const WHAT: &'static str = "proration";
    const WORDS: &'static [(Self, &'static str)] = &[
        (Proration::Autotask, "autotask"),
        (Proration::Marketplace, "marketplace"),
    ];
}

impl Stored for Level {
    const WHAT: &'static str = "log level";
    const WORDS: &'static [(Self, &'static str)] = &[
        (Level::Info, "info"),
        (Level::Warning, "warning"),
        (Level::Error, "error"),
    ];
}

impl Stored for ImportRunStatus {
    const WHAT: &'static str = "import run status";
    const WORDS: &'static [(Self, &'static str)] = &[
        (ImportRunStatus::Queued, "queued"),
        (ImportRunStatus::Running, "running"),
        (ImportRunStatus::Done, "done"),
        (ImportRunStatus::Failed, "failed"),
    ];
}

impl Stored for ImportOutcome {
    const WHAT: &'static str = "import outcome";
    const WORDS: &'static [(Self, &'static str)] = &[
        (ImportOutcome::Imported, "imported"),
        (ImportOutcome::Linked, "linked"),
        (ImportOutcome::Failed, "failed"),
        (ImportOutcome::Incomplete, "incomplete"),
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trips<T: Stored + std::fmt::Debug>(all: &[T]) {
        assert_eq!(all.len(), T::WORDS.len(), "every {} has a word", T::WHAT);
        for value in all {
            assert_eq!(T::from_word(value.word()).unwrap(), *value);
        }
        assert!(T::from_word("nonsense").is_err());
    }

    #[test]
    fn every_stored_enum_has_one_word_per_value_and_reads_it_back() {
        round_trips(&TaskStatus::ALL);
        round_trips(&TaskType::ALL);
        round_trips(&[Direction::Up, Direction::Down, Direction::Unchanged]);
        round_trips(&[
            StepStatus::Pending,
            StepStatus::Done,
            StepStatus::Conflict,
            StepStatus::Failed,
            StepStatus::Skipped,
        ]);
        round_trips(&[
            LineKind::NewContractService,
            LineKind::UnitChange,
            LineKind::PriceChange,
            LineKind::OneTimeCharge,
        ]);
        round_trips(&[
            CheckRunStatus::Queued,
            CheckRunStatus::Running,
            CheckRunStatus::Done,
            CheckRunStatus::Warning,
            CheckRunStatus::Failed,
        ]);
        round_trips(&[Trigger::Manual, Trigger::Schedule]);
        round_trips(&[
            ImportRunStatus::Queued,
            ImportRunStatus::Running,
            ImportRunStatus::Done,
            ImportRunStatus::Failed,
        ]);
        round_trips(&[
            ImportOutcome::Imported,
            ImportOutcome::Linked,
            ImportOutcome::Failed,
            ImportOutcome::Incomplete,
        ]);
        round_trips(&[
            OrderOutcome::TaskCreated,
            OrderOutcome::Skipped,
            OrderOutcome::Pending,
            OrderOutcome::Unreadable,
        ]);
        round_trips(&[Level::Info, Level::Warning, Level::Error]);
        round_trips(&[Role::Admin, Role::Operator]);
        round_trips(&[PriceSource::Autotask, PriceSource::Marketplace]);
        round_trips(&[Proration::Autotask, Proration::Marketplace]);
    }

    #[test]
    fn the_words_match_the_migrations_check_constraints() {
        let statuses: Vec<&str> = TaskStatus::WORDS.iter().map(|(_, w)| *w).collect();
        assert_eq!(
            statuses,
            [
                "new", "ready", "queued", "applying", "done", "failed", "conflict", "ignored"
            ]
        );
        let steps: Vec<&str> = StepStatus::WORDS.iter().map(|(_, w)| *w).collect();
        assert_eq!(steps, ["pending", "done", "conflict", "failed", "skipped"]);
    }
}
