//! The domain's enums as pages label them, and back from a filter's value.

use views::labels::{LevelLabel, RunLabel, StatusLabel, TypeLabel};

use crate::model::{
    check_run::CheckRunStatus,
    log::Level,
    task::{TaskStatus, TaskType},
};

pub fn status_label(status: TaskStatus) -> StatusLabel {
    match status {
        TaskStatus::New => StatusLabel::New,
        TaskStatus::Ready => StatusLabel::Ready,
        TaskStatus::Queued => StatusLabel::Queued,
        TaskStatus::Applying => StatusLabel::Applying,
        TaskStatus::Done => StatusLabel::Done,
        TaskStatus::Failed => StatusLabel::Failed,
        TaskStatus::Conflict => StatusLabel::Conflict,
        TaskStatus::Ignored => StatusLabel::Ignored,
    }
}

pub fn status_of(label: StatusLabel) -> TaskStatus {
    match label {
        StatusLabel::New => TaskStatus::New,
        StatusLabel::Ready => TaskStatus::Ready,
        StatusLabel::Queued => TaskStatus::Queued,
        StatusLabel::Applying => TaskStatus::Applying,
        StatusLabel::Done => TaskStatus::Done,
        StatusLabel::Failed => TaskStatus::Failed,
        StatusLabel::Conflict => TaskStatus::Conflict,
        StatusLabel::Ignored => TaskStatus::Ignored,
    }
}

pub fn type_label(task_type: TaskType) -> TypeLabel {
    match task_type {
        TaskType::Sales => TypeLabel::Sales,
        TaskType::Change => TypeLabel::Change,
        TaskType::Billing => TypeLabel::Billing,
        TaskType::Cancellation => TypeLabel::Cancellation,
        TaskType::Renewal => TypeLabel::Renewal,
        TaskType::Reconcile => TypeLabel::Reconcile,
    }
}

pub fn type_of(label: TypeLabel) -> TaskType {
    match label {
        TypeLabel::Sales => TaskType::Sales,
        TypeLabel::Change => TaskType::Change,
        TypeLabel::Billing => TaskType::Billing,
        TypeLabel::Cancellation => TaskType::Cancellation,
        TypeLabel::Renewal => TaskType::Renewal,
        TypeLabel::Reconcile => TaskType::Reconcile,
    }
}

pub fn run_label(status: CheckRunStatus) -> RunLabel {
    match status {
        CheckRunStatus::Queued => RunLabel::Queued,
        CheckRunStatus::Running => RunLabel::Running,
        CheckRunStatus::Done => RunLabel::Done,
        CheckRunStatus::Warning => RunLabel::Warning,
        CheckRunStatus::Failed => RunLabel::Failed,
    }
}

pub fn level_label(level: Level) -> LevelLabel {
    match level {
        Level::Info => LevelLabel::Info,
        Level::Warning => LevelLabel::Warning,
        Level::Error => LevelLabel::Error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_and_type_has_a_label_that_maps_back() {
        for status in TaskStatus::ALL {
            assert_eq!(status_of(status_label(status)), status);
        }
        for task_type in TaskType::ALL {
            assert_eq!(type_of(type_label(task_type)), task_type);
        }
        assert_eq!(StatusLabel::ALL.len(), TaskStatus::ALL.len());
        assert_eq!(TypeLabel::ALL.len(), TaskType::ALL.len());
    }
}
