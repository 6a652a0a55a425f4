//! Every outcome of planning and applying a task: a stable code, a level, what happened in a
//! sentence, and what to do (listed in the README).

use crate::model::log::Level;

/// An outcome of planning or applying a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Every line was written, or found already written.
    Done,
    /// Nothing needed writing.
    NothingToDo,
    NoSubscription,
    NoCompany,
    NoService,
    NoContract,
    SeveralContracts,
    /// The rules refused the task (no quantity, below zero, outside the contract, …).
    PlanRefused,
    /// An earlier task of the subscription is still to be written, and the service is not on
    /// the contract yet: there are no units to plan on top of until that task creates them.
    WaitsForEarlierTask,
    /// The contract the subscription is bound to no longer fits it (inactive, ended, another
    /// billing period, no longer Recurring Service).
    ContractNoLongerFits,
    /// The contract or service is not (or no longer) in Autotask, or lacks what the plan needs.
    GoneFromAutotask,
    /// Autotask shows other units than the plan expected.
    UnitsConflict,
    /// Autotask shows another price than the plan expected.
    PriceConflict,
    /// A write's answer was lost and a re-read could not tell whether it landed.
    Unconfirmed,
    /// Autotask asked to slow down (hourly threshold or thread limit) past the retries.
    AutotaskBusy,
    /// Autotask could not be reached or answered with a server error.
    AutotaskUnreachable,
    /// Autotask refused a write with a business rule.
    AutotaskRefused,
    /// Autotask refused the credentials or a permission.
    AutotaskCredentials,
    /// No active material billing code for one-time charges.
    NoMaterialCode,
    /// The reseller has no Autotask connection.
    NoConnection,
}

impl Outcome {
    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Done => "APL01",
            Outcome::NothingToDo => "APL02",
            Outcome::UnitsConflict => "APL10",
            Outcome::PriceConflict => "APL11",
            Outcome::Unconfirmed => "APL20",
            Outcome::AutotaskBusy => "APL21",
            Outcome::AutotaskUnreachable => "APL22",
            Outcome::AutotaskRefused => "APL30",
            Outcome::AutotaskCredentials => "APL31",
            Outcome::GoneFromAutotask => "APL40",
            Outcome::NoMaterialCode => "APL41",
            Outcome::NoConnection => "APL42",
            Outcome::NoSubscription => "PLN01",
            Outcome::NoCompany => "PLN02",
            Outcome::NoService => "PLN03",
            Outcome::NoContract => "PLN04",
            Outcome::SeveralContracts => "PLN05",
            Outcome::PlanRefused => "PLN06",
            Outcome::WaitsForEarlierTask => "PLN07",
            Outcome::ContractNoLongerFits => "PLN08",
        }
    }

    pub fn level(self) -> Level {
        match self {
            Outcome::Done | Outcome::NothingToDo => Level::Info,
            Outcome::Unconfirmed
            | Outcome::AutotaskBusy
            | Outcome::AutotaskUnreachable
            | Outcome::WaitsForEarlierTask => Level::Warning,
            _ => Level::Error,
        }
    }

    /// What happened, in a sentence.
    pub fn sentence(self) -> &'static str {
        match self {
            Outcome::Done => "Written to Autotask.",
            Outcome::NothingToDo => {
                "Autotask already shows what the order asks; nothing was written."
            }
            Outcome::NoSubscription => "The order names no subscription psa-sync could read.",
            Outcome::NoCompany => "The customer is not mapped to an Autotask company.",
            Outcome::NoService => "The product is not mapped to an Autotask service.",
            Outcome::NoContract => "None of the company's contracts can take this subscription.",
            Outcome::SeveralContracts => {
                "Several of the company's contracts could take this subscription."
            }
            Outcome::PlanRefused => "The rules cannot plan this order.",
            Outcome::WaitsForEarlierTask => {
                "An earlier task of this subscription, which puts its service on the contract, is not written yet."
            }
            Outcome::ContractNoLongerFits => {
                "The contract this subscription is on can no longer take it."
            }
            Outcome::GoneFromAutotask => {
                "The contract or service is no longer in Autotask as the plan needs it."
            }
            Outcome::UnitsConflict => {
                "Autotask shows other units than the plan expected; nothing was written."
            }
            Outcome::PriceConflict => {
                "Autotask shows another price than the plan expected; nothing was written."
            }
            Outcome::Unconfirmed => {
                "Autotask's answer to a write was lost and could not be confirmed yet."
            }
            Outcome::AutotaskBusy => "Autotask asked to slow down.",
            Outcome::AutotaskUnreachable => {
                "Autotask could not be reached or answered with an error."
            }
            Outcome::AutotaskRefused => "Autotask refused the change.",
            Outcome::AutotaskCredentials => {
                "Autotask refused the API user's credentials or a permission."
            }
            Outcome::NoMaterialCode => {
                "Autotask has no active material billing code for one-time charges."
            }
            Outcome::NoConnection => "The Autotask connection is not set up.",
        }
    }

    /// What to do about it.
    pub fn action(self) -> &'static str {
        match self {
            Outcome::Done | Outcome::NothingToDo => "Nothing.",
            Outcome::NoSubscription => {
                "Ignore the task, or run Check Changes again once the marketplace shows the subscription."
            }
            Outcome::NoCompany => "Map the customer (Mapping → Customers), then sync again.",
            Outcome::NoService => {
                "Map the product or add it to Autotask (Mapping → Products), then sync again."
            }
            Outcome::NoContract => {
                "Add or fix a Recurring Service contract in Autotask (active, in force, same billing period), then sync again."
            }
            Outcome::SeveralContracts => "Choose the contract in the task's Contract step.",
            Outcome::PlanRefused => {
                "Read the reason, fix the order or the contract, or ignore the task."
            }
            Outcome::WaitsForEarlierTask => {
                "Sync this task again once the earlier one is done (or ignored)."
            }
            Outcome::ContractNoLongerFits => {
                "Put the contract right in Autotask (Recurring Service, active, in force on the order's date, same billing period), then sync again."
            }
            Outcome::GoneFromAutotask => {
                "Check the contract and service in Autotask, then re-plan the task."
            }
            Outcome::UnitsConflict | Outcome::PriceConflict => {
                "Compare with Autotask; re-plan from what Autotask shows, or retry once it is put back."
            }
            Outcome::Unconfirmed => {
                "Nothing: the task is tried again and the journal makes sure nothing is written twice."
            }
            Outcome::AutotaskBusy | Outcome::AutotaskUnreachable => {
                "Nothing: the task is tried again shortly."
            }
            Outcome::AutotaskRefused => "Fix what Autotask names, then retry the task.",
            Outcome::AutotaskCredentials => {
                "Check the Autotask connection under Settings and the API user's security level, then retry."
            }
            Outcome::NoMaterialCode => {
                "Add an active material billing code in Autotask, then retry."
            }
            Outcome::NoConnection => "Set up the Autotask connection under Settings.",
        }
    }

    /// The outcome a stored code names.
    pub fn from_code(code: &str) -> Option<Outcome> {
        Self::ALL.into_iter().find(|o| o.code() == code)
    }

    /// Whether a worker tries the task again by itself (the journal makes it safe).
    pub fn retried_automatically(self) -> bool {
        matches!(
            self,
            Outcome::Unconfirmed | Outcome::AutotaskBusy | Outcome::AutotaskUnreachable
        )
    }

    /// Every outcome, for the README and tests.
    pub const ALL: [Outcome; 20] = [
        Outcome::Done,
        Outcome::NothingToDo,
        Outcome::NoSubscription,
        Outcome::NoCompany,
        Outcome::NoService,
        Outcome::NoContract,
        Outcome::SeveralContracts,
        Outcome::PlanRefused,
        Outcome::WaitsForEarlierTask,
        Outcome::ContractNoLongerFits,
        Outcome::GoneFromAutotask,
        Outcome::UnitsConflict,
        Outcome::PriceConflict,
        Outcome::Unconfirmed,
        Outcome::AutotaskBusy,
        Outcome::AutotaskUnreachable,
        Outcome::AutotaskRefused,
        Outcome::AutotaskCredentials,
        Outcome::NoMaterialCode,
        Outcome::NoConnection,
    ];
}

/// What a failed Autotask call means for a task.
pub fn outcome_of(error: &crate::autotask::AutotaskError) -> Outcome {
    use crate::autotask::AutotaskError as E;
    match error {
        E::Auth(_) | E::Permission(_) => Outcome::AutotaskCredentials,
        E::RateLimited(_) | E::ThreadLimited(_) => Outcome::AutotaskBusy,
        E::Transient(_) | E::Decode(_) => Outcome::AutotaskUnreachable,
        E::NotFound => Outcome::GoneFromAutotask,
        E::BusinessRule(_) => Outcome::AutotaskRefused,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_outcome_has_its_own_code_a_sentence_and_an_action() {
        let mut codes: Vec<&str> = Outcome::ALL.iter().map(|o| o.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), Outcome::ALL.len(), "codes are unique");
        for outcome in Outcome::ALL {
            assert!(outcome.sentence().ends_with('.'), "{outcome:?}");
            assert!(outcome.action().ends_with('.'), "{outcome:?}");
        }
    }

    /// The README's row for an outcome.
    fn readme_row(outcome: Outcome) -> String {
        let level = match outcome.level() {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        };
        let retried = if outcome.retried_automatically() {
            "yes"
        } else {
            "no"
        };
        format!(
            "| `{}` | {level} | {} | {} | {retried} |",
            outcome.code(),
            outcome.sentence(),
            outcome.action()
        )
    }

    #[test]
    fn the_readme_lists_every_outcome_as_the_code_says_it() {
        let readme = include_str!("../../../../README.md");
        let missing: Vec<String> = Outcome::ALL
            .into_iter()
            .map(readme_row)
            .filter(|row| !readme.lines().any(|line| line == row))
            .collect();
        assert!(
            missing.is_empty(),
            "README rows missing or out of date:\n{}",
            missing.join("\n")
        );
    }
}
