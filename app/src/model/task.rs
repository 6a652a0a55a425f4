//! Sync tasks: one per marketplace order, typed, with a status that moves only as design §2.2
//! allows. [`TaskStatus::apply`] is the one place that says which moves are allowed.

use chrono::{DateTime, NaiveDate, Utc};

use super::ids::{CustomerRowId, ProductRowId, ResellerId, SubscriptionRowId, TaskId};

/// The kinds of sync task (design §2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskType {
    Sales,
    Change,
    Billing,
    Cancellation,
    Renewal,
    Reconcile,
}

impl TaskType {
    /// Every type, in the order pages list them.
    pub const ALL: [TaskType; 6] = [
        TaskType::Sales,
        TaskType::Change,
        TaskType::Billing,
        TaskType::Cancellation,
        TaskType::Renewal,
        TaskType::Reconcile,
    ];
}

/// Which way a quantity change goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Up,
    Down,
    Unchanged,
}

/// Where a task stands (design §2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskStatus {
    /// Needs a decision in the wizard.
    New,
    /// All mappings and the contract are known.
    Ready,
    /// Waiting for a worker.
    Queued,
    /// A worker is writing it to Autotask.
    Applying,
    Done,
    /// Retryable, with a code and a message.
    Failed,
    /// Autotask changed under us; a person re-plans or accepts.
    Conflict,
    /// Set aside with a reason; can be un-ignored.
    Ignored,
}

/// Something that happens to a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskEvent {
    /// Mappings and contract became known.
    Prepare,
    /// A mapping or the contract went away again.
    Unprepare,
    /// Sync was requested (Sync All, or automatic processing).
    Queue,
    /// A worker took it.
    Start,
    /// The worker that took it stopped before it finished: queue it again (the journal makes
    /// that safe).
    Requeue,
    /// Every step was written or found already written.
    Finish,
    /// A step failed in a way a retry may fix.
    Fail,
    /// Autotask shows something other than what the plan expected.
    Conflict,
    /// A failed task is tried again.
    Retry,
    /// A person re-plans a failed or conflicted task.
    Replan,
    /// A person accepts what Autotask shows for a conflicted task.
    Accept,
    /// Set aside with a reason.
    Ignore,
    /// Brought back to the wizard.
    Unignore,
}

impl TaskEvent {
    /// Every event, for exhaustive tests.
    pub const ALL: [TaskEvent; 13] = [
        TaskEvent::Prepare,
        TaskEvent::Unprepare,
        TaskEvent::Queue,
        TaskEvent::Start,
        TaskEvent::Requeue,
        TaskEvent::Finish,
        TaskEvent::Fail,
        TaskEvent::Conflict,
        TaskEvent::Retry,
        TaskEvent::Replan,
        TaskEvent::Accept,
        TaskEvent::Ignore,
        TaskEvent::Unignore,
    ];
}

/// A move the status does not allow, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct Refused {
    pub from: TaskStatus,
    pub event: TaskEvent,
    pub reason: &'static str,
}

impl TaskStatus {
    /// Every status, in the order pages list them.
    pub const ALL: [TaskStatus; 8] = [
        TaskStatus::New,
        TaskStatus::Ready,
        TaskStatus::Queued,
        TaskStatus::Applying,
        TaskStatus::Done,
        TaskStatus::Failed,
        TaskStatus::Conflict,
        TaskStatus::Ignored,
    ];

    /// Statuses of tasks that still need something (a decision, a worker or a person).
    pub const OPEN: [TaskStatus; 5] = [
        TaskStatus::New,
        TaskStatus::Ready,
        TaskStatus::Queued,
        TaskStatus::Failed,
        TaskStatus::Conflict,
    ];

    /// Whether the task still needs something.
    pub fn is_open(self) -> bool {
        Self::OPEN.contains(&self)
    }

    /// The status after `event`, or why the event is refused in this status.
    pub fn apply(self, event: TaskEvent) -> Result<TaskStatus, Refused> {
        use TaskEvent as E;
        use TaskStatus as S;
        let refuse = |reason| {
            Err(Refused {
                from: self,
                event,
                reason,
            })
        };
        match (self, event) {
            (S::New, E::Prepare) => Ok(S::Ready),
            (S::Ready, E::Unprepare) => Ok(S::New),
            (S::Ready, E::Queue) => Ok(S::Queued),
            (S::Queued, E::Start) => Ok(S::Applying),
            (S::Applying, E::Requeue) => Ok(S::Queued),
            (S::Applying, E::Finish) => Ok(S::Done),
            (S::Applying, E::Fail) => Ok(S::Failed),
            (S::Applying, E::Conflict) => Ok(S::Conflict),
            (S::Failed | S::Conflict, E::Retry) => Ok(S::Queued),
            (S::Failed | S::Conflict, E::Replan) => Ok(S::Ready),
            (S::Conflict, E::Accept) => Ok(S::Done),
            (S::New | S::Ready | S::Queued | S::Failed | S::Conflict, E::Ignore) => Ok(S::Ignored),
            (S::Ignored, E::Unignore) => Ok(S::New),

            (S::Done, _) => refuse("the task is done: it has been written to Autotask"),
            (S::Applying, E::Ignore) => {
                refuse("the task is being written to Autotask; wait until it finishes")
            }
            (S::Applying, _) => refuse("the task is being written to Autotask"),
            (S::Ignored, _) => refuse("the task is ignored; un-ignore it first"),
            (S::New, E::Queue | E::Start) => {
                refuse("the task still needs its mappings and contract in the wizard")
            }
            (S::Queued, E::Queue | E::Retry) => refuse("the task is already queued"),
            (_, E::Unignore) => refuse("only an ignored task can be un-ignored"),
            (_, E::Prepare) => refuse("only a new task can become ready"),
            (_, E::Unprepare) => refuse("only a ready task can go back to the wizard"),
            (_, E::Queue) => refuse("only a ready task can be queued"),
            (_, E::Start) => refuse("only a queued task can be started"),
            (_, E::Requeue) => refuse("only a task being written to Autotask can be queued again"),
            (_, E::Finish | E::Fail | E::Conflict) => {
                refuse("only a task being written to Autotask can end that way")
            }
            (_, E::Retry) => refuse("only a failed or conflicted task can be tried again"),
            (_, E::Replan) => refuse("only a failed or conflicted task can be planned again"),
            (_, E::Accept) => refuse("only a conflicted task can be accepted as Autotask shows it"),
        }
    }
}

/// Quantities an order implies for its subscription (design §4: `old`, `new`, `Δ`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Quantities {
    /// The quantity before: the last synced one, else what the order itself says.
    pub old: Option<i64>,
    /// The order's quantity (the new total; 0 for a cancellation; the usage for a billing).
    pub new: Option<i64>,
    /// `new − old`, when both are known.
    pub delta: Option<i64>,
}

impl Quantities {
    /// Quantities with `delta` worked out from the two ends.
    pub fn between(old: Option<i64>, new: Option<i64>) -> Self {
        let delta = match (old, new) {
            (Some(old), Some(new)) => new.checked_sub(old),
            _ => None,
        };
        Self { old, new, delta }
    }
}

/// What Check Changes works out of an order, kept on the task so nothing re-parses the order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskFacts {
    pub task_type: TaskType,
    pub direction: Option<Direction>,
    pub quantities: Quantities,
}

/// The order a task came from, as the marketplace names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRef {
    pub mp_order_id: String,
    pub order_number: String,
    /// The marketplace's own order type (`sales`, `change`, …, `unknown`), shown as received.
    pub order_type: String,
    pub created_at: DateTime<Utc>,
}

/// A task about to be recorded by Check Changes.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTask {
    pub reseller: ResellerId,
    pub order: OrderRef,
    pub facts: TaskFacts,
    pub customer: CustomerRowId,
    pub subscription: Option<SubscriptionRowId>,
    pub mp_subscription_id: Option<String>,
    pub product: Option<ProductRowId>,
    pub effective_date: NaiveDate,
    /// The order as received, for the task page.
    pub order_snapshot: serde_json::Value,
}

/// Why a task failed, as a person reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskFailure {
    pub code: String,
    pub message: String,
}

/// A sync task as the domain sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub id: TaskId,
    pub reseller: ResellerId,
    pub order: OrderRef,
    pub facts: TaskFacts,
    pub status: TaskStatus,
    pub customer: Option<CustomerRowId>,
    pub subscription: Option<SubscriptionRowId>,
    pub mp_subscription_id: Option<String>,
    pub product: Option<ProductRowId>,
    pub effective_date: Option<NaiveDate>,
    pub order_snapshot: Option<serde_json::Value>,
    pub ignore_reason: Option<String>,
    pub failure: Option<TaskFailure>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Filters of the task list; `None` means any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskFilter {
    pub task_type: Option<TaskType>,
    pub status: Option<TaskStatus>,
    pub customer: Option<CustomerRowId>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use TaskEvent as E;
    use TaskStatus as S;

    /// Every allowed move, worked out from design §2.2; every other pair must be refused.
    const ALLOWED: [(TaskStatus, TaskEvent, TaskStatus); 19] = [
        (S::New, E::Prepare, S::Ready),
        (S::New, E::Ignore, S::Ignored),
        (S::Ready, E::Unprepare, S::New),
        (S::Ready, E::Queue, S::Queued),
        (S::Ready, E::Ignore, S::Ignored),
        (S::Queued, E::Start, S::Applying),
        (S::Queued, E::Ignore, S::Ignored),
        (S::Applying, E::Requeue, S::Queued),
        (S::Applying, E::Finish, S::Done),
        (S::Applying, E::Fail, S::Failed),
        (S::Applying, E::Conflict, S::Conflict),
        (S::Failed, E::Retry, S::Queued),
        (S::Failed, E::Replan, S::Ready),
        (S::Failed, E::Ignore, S::Ignored),
        (S::Conflict, E::Retry, S::Queued),
        (S::Conflict, E::Replan, S::Ready),
        (S::Conflict, E::Accept, S::Done),
        (S::Conflict, E::Ignore, S::Ignored),
        (S::Ignored, E::Unignore, S::New),
    ];

    #[test]
    fn every_allowed_move_lands_where_design_says_and_every_other_is_refused_with_a_reason() {
        let mut allowed = 0;
        for from in TaskStatus::ALL {
            for event in TaskEvent::ALL {
                let expected = ALLOWED
                    .iter()
                    .find(|(f, e, _)| *f == from && *e == event)
                    .map(|(_, _, to)| *to);
                match (from.apply(event), expected) {
                    (Ok(to), Some(want)) => {
                        assert_eq!(to, want, "{from:?} + {event:?}");
                        allowed += 1;
                    }
                    (Err(refused), None) => {
                        assert_eq!((refused.from, refused.event), (from, event));
                        assert!(!refused.reason.is_empty(), "{from:?} + {event:?}");
                    }
                    (got, want) => panic!("{from:?} + {event:?}: got {got:?}, want {want:?}"),
                }
            }
        }
        assert_eq!(allowed, 19);
        assert_eq!(
            TaskStatus::ALL.len() * TaskEvent::ALL.len() - allowed,
            85,
            "refused pairs"
        );
    }

    #[test]
    fn refusals_say_why_in_words_a_person_can_act_on() {
        assert_eq!(
            S::Done.apply(E::Ignore).unwrap_err().reason,
            "the task is done: it has been written to Autotask"
        );
        assert_eq!(
            S::Applying.apply(E::Ignore).unwrap_err().reason,
            "the task is being written to Autotask; wait until it finishes"
        );
        assert_eq!(
            S::New.apply(E::Queue).unwrap_err().reason,
            "the task still needs its mappings and contract in the wizard"
        );
        assert_eq!(
            S::Ready.apply(E::Unignore).unwrap_err().reason,
            "only an ignored task can be un-ignored"
        );
    }

    #[test]
    fn open_tasks_are_the_ones_that_can_be_ignored() {
        for status in TaskStatus::ALL {
            assert_eq!(
                status.is_open(),
                status.apply(E::Ignore).is_ok(),
                "{status:?}"
            );
        }
    }

    #[test]
    fn delta_is_new_minus_old_when_both_are_known() {
        assert_eq!(Quantities::between(Some(2), Some(4)).delta, Some(2));
        assert_eq!(Quantities::between(Some(5), Some(0)).delta, Some(-5));
        assert_eq!(Quantities::between(None, Some(3)).delta, None);
    }
}
