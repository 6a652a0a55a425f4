//! Which of a company's contracts a subscription may go on (design §2.3 step 3, §3): a Recurring
//! Service contract, active, in force on the effective date, billing in the subscription's
//! cycle. Every contract that does not fit says why; nothing is guessed.

use chrono::NaiveDate;

use crate::autotask::{
    AutotaskApi, AutotaskApiExt, AutotaskError, Filter, Picklists, QueryBody, models::Contract,
};
use crate::model::{billing::PeriodType, plan::ContractTerms};

/// Why a contract cannot take the subscription.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Ineligible {
    #[error("it is not a Recurring Service contract")]
    NotRecurringService,
    #[error("it is not active")]
    Inactive,
    #[error("it has no start or end date, or no billing period")]
    Incomplete,
    #[error("it runs from {start} to {end}, which does not include {date}")]
    NotInForce {
        start: NaiveDate,
        end: NaiveDate,
        date: NaiveDate,
    },
    #[error("it bills {contract:?}, but the subscription bills {subscription:?}")]
    OtherCycle {
        contract: PeriodType,
        subscription: PeriodType,
    },
    #[error("the subscription's billing period ({0}) has no contract cycle")]
    UnknownCycle(String),
}

/// One of a company's contracts, and whether it fits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractChoice {
    pub id: i64,
    pub name: String,
    pub verdict: Result<ContractTerms, Ineligible>,
}

/// Whether `contract` can take a subscription billed every `cycle` from `date`.
pub fn eligibility(
    contract: &Contract,
    picklists: &Picklists,
    date: NaiveDate,
    cycle: Option<PeriodType>,
    billing_period: &str,
) -> Result<ContractTerms, Ineligible> {
    if contract.contract_type != picklists.recurring_service_contract {
        return Err(Ineligible::NotRecurringService);
    }
    if contract.status != picklists.active_contract {
        return Err(Ineligible::Inactive);
    }
    let (Some(start), Some(end), Some(period)) = (
        contract.start_date,
        contract.end_date,
        contract
            .contract_period_type
            .and_then(|v| picklists.period_type_of(v)),
    ) else {
        return Err(Ineligible::Incomplete);
    };
    if date < start || date > end {
        return Err(Ineligible::NotInForce { start, end, date });
    }
    let subscription = cycle.ok_or_else(|| Ineligible::UnknownCycle(billing_period.to_owned()))?;
    if period != subscription {
        return Err(Ineligible::OtherCycle {
            contract: period,
            subscription,
        });
    }
    Ok(ContractTerms {
        id: contract.id,
        name: contract.contract_name.clone(),
        start,
        end,
        period,
    })
}

/// A company's contracts, each with its verdict.
pub async fn contracts_of_company(
    api: &impl AutotaskApi,
    company: i64,
    date: NaiveDate,
    billing_period: &str,
) -> Result<Vec<ContractChoice>, AutotaskError> {
    let picklists = api.picklists().await?;
    let cycle = super::assumptions::period_of_marketplace(billing_period);
    let contracts: Vec<Contract> = api
        .query_as(
            "Contracts",
            &QueryBody::new(vec![Filter::eq("companyID", company)]),
        )
        .await?;
    Ok(contracts
        .iter()
        .map(|c| ContractChoice {
            id: c.id,
            name: c.contract_name.clone(),
            verdict: eligibility(c, &picklists, date, cycle, billing_period),
        })
        .collect())
}

/// The contract to use when exactly one fits.
pub fn only_fit(choices: &[ContractChoice]) -> Option<&ContractTerms> {
    let mut fits = choices.iter().filter_map(|c| c.verdict.as_ref().ok());
    let first = fits.next()?;
    fits.next().is_none().then_some(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn picklists() -> Picklists {
        Picklists {
            period_types: vec![(PeriodType::Monthly, 1), (PeriodType::Yearly, 4)],
            recurring_service_contract: 7,
            active_contract: 1,
            operational_charge: 1,
            recurring_service_code: 4,
            material_code: 2,
        }
    }

    fn contract(kind: i64, status: i64, period: Option<i64>) -> Contract {
        Contract {
            id: 9,
            company_id: 1,
            contract_name: "Managed".into(),
            contract_type: kind,
            contract_period_type: period,
            status,
            start_date: Some(d(2026, 1, 1)),
            end_date: Some(d(2026, 12, 31)),
        }
    }

    #[test]
    fn only_an_active_recurring_contract_in_force_and_in_the_cycle_fits_and_the_rest_say_why() {
        let p = picklists();
        let date = d(2026, 11, 20);
        let monthly = Some(PeriodType::Monthly);
        assert_eq!(
            eligibility(&contract(7, 1, Some(1)), &p, date, monthly, "month:1").map(|t| t.period),
            Ok(PeriodType::Monthly)
        );
        assert_eq!(
            eligibility(&contract(4, 1, Some(1)), &p, date, monthly, "month:1"),
            Err(Ineligible::NotRecurringService)
        );
        assert_eq!(
            eligibility(&contract(7, 0, Some(1)), &p, date, monthly, "month:1"),
            Err(Ineligible::Inactive)
        );
        assert_eq!(
            eligibility(&contract(7, 1, None), &p, date, monthly, "month:1"),
            Err(Ineligible::Incomplete)
        );
        assert_eq!(
            eligibility(
                &contract(7, 1, Some(1)),
                &p,
                d(2027, 1, 1),
                monthly,
                "month:1"
            ),
            Err(Ineligible::NotInForce {
                start: d(2026, 1, 1),
                end: d(2026, 12, 31),
                date: d(2027, 1, 1)
            })
        );
        let yearly = eligibility(&contract(7, 1, Some(4)), &p, date, monthly, "month:1");
        assert_eq!(
            yearly,
            Err(Ineligible::OtherCycle {
                contract: PeriodType::Yearly,
                subscription: PeriodType::Monthly
            })
        );
        assert_eq!(
            yearly.unwrap_err().to_string(),
            "it bills Yearly, but the subscription bills Monthly"
        );
        assert_eq!(
            eligibility(&contract(7, 1, Some(1)), &p, date, None, "week:2"),
            Err(Ineligible::UnknownCycle("week:2".into()))
        );
    }
}
