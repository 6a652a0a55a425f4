//! Table-driven tests of the planner. Every expected date, quantity and price is written down by
//! hand (the arithmetic in a comment), never recomputed with the code under test.

mod calendar;
mod charges;
mod decrease;
mod increase;
mod new_service;
mod price_sync;
mod reconcile;
mod refusals;
mod sharing;

use chrono::NaiveDate;

use crate::model::billing::PeriodType;
use crate::model::journal::LineKind;
use crate::model::money::Money;
use crate::model::plan::{
    ContractTerms, Fee, OnContract, PlanInput, PlanRefusal, PlannedLine, PriceSource, Proration,
    RuleSettings, ServiceTerms, UnitsSpan, Usage,
};
use crate::model::task::{Quantities, TaskFacts, TaskType};

pub(crate) fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

pub(crate) fn money(text: &str) -> Money {
    Money::parse(text).unwrap()
}

/// A contract's dates and billing cycle.
pub(crate) struct Contract {
    pub start: &'static str,
    pub end: &'static str,
    pub period: PeriodType,
}

pub(crate) const MONTHLY_1ST: Contract = Contract {
    start: "2025-01-01",
    end: "2028-12-31",
    period: PeriodType::Monthly,
};
pub(crate) const MONTHLY_15TH: Contract = Contract {
    start: "2025-01-15",
    end: "2028-12-14",
    period: PeriodType::Monthly,
};
pub(crate) const QUARTERLY_1ST: Contract = Contract {
    start: "2025-01-01",
    end: "2028-12-31",
    period: PeriodType::Quarterly,
};
pub(super) const QUARTERLY_15TH: Contract = Contract {
    start: "2025-11-15",
    end: "2028-11-14",
    period: PeriodType::Quarterly,
};
pub(crate) const YEARLY_1ST: Contract = Contract {
    start: "2025-04-01",
    end: "2029-03-31",
    period: PeriodType::Yearly,
};
pub(super) const YEARLY_15TH: Contract = Contract {
    start: "2025-06-15",
    end: "2029-06-14",
    period: PeriodType::Yearly,
};

/// The mapped service's catalogue price and cost (price source Autotask).
pub(crate) const AUTOTASK: (&str, &str) = ("22.00", "18.70");
/// The subscription's price and cost on the marketplace (price source marketplace).
pub(crate) const MARKETPLACE: (&str, &str) = ("20.00", "17.00");

/// The price a setting wants, so a test can put exactly that in force (no price line).
pub(super) fn wanted_by(source: PriceSource) -> (&'static str, &'static str) {
    match source {
        PriceSource::Autotask => AUTOTASK,
        PriceSource::Marketplace => MARKETPLACE,
    }
}

/// Every combination of the three settings, for rows where none of them may matter.
pub(super) fn every_setting() -> Vec<RuleSettings> {
    let mut all = Vec::new();
    for price_source in [PriceSource::Autotask, PriceSource::Marketplace] {
        for proration in [Proration::Autotask, Proration::Marketplace] {
            for refunds_on_downgrade in [false, true] {
                all.push(RuleSettings {
                    price_source,
                    proration,
                    refunds_on_downgrade,
                });
            }
        }
    }
    all
}

pub(crate) fn settings(source: PriceSource, proration: Proration, refunds: bool) -> RuleSettings {
    RuleSettings {
        price_source: source,
        proration,
        refunds_on_downgrade: refunds,
    }
}

/// A task of `task_type` on `contract`, effective `d`, with the service not on the contract,
/// default settings and no quantities.
pub(crate) fn given(task_type: TaskType, contract: &Contract, d: &str) -> PlanInput {
    PlanInput {
        facts: TaskFacts {
            task_type,
            direction: None,
            quantities: Quantities::default(),
        },
        effective_date: day(d),
        contract: ContractTerms {
            id: 29_684_183,
            name: "Contoso recurring".to_owned(),
            start: day(contract.start),
            end: day(contract.end),
            period: contract.period,
        },
        service: ServiceTerms {
            id: 30_012_345,
            name: "Microsoft 365 Business Premium".to_owned(),
            invoice_description: Some("M365 Business Premium, per user".to_owned()),
            price: money(AUTOTASK.0),
            cost: money(AUTOTASK.1),
        },
        marketplace_price: Some(money(MARKETPLACE.0)),
        marketplace_cost: Some(money(MARKETPLACE.1)),
        on_contract: None,
        settings: RuleSettings::default(),
        fee: None,
        usage: None,
        reconcile_quantity: None,
        reconcile_date: None,
    }
}

/// The order's quantities: `old` → `new`, so `Δ = new − old`.
pub(crate) fn quantities(input: &mut PlanInput, old: i64, new: i64) {
    input.facts.quantities = Quantities::between(Some(old), Some(new));
}

/// The service on the contract with `units` over the whole contract, at `price` / `cost`.
pub(crate) fn on_contract(input: &PlanInput, units: i64, terms: (&str, &str)) -> OnContract {
    OnContract {
        contract_service_id: 40_001,
        spans: vec![span(
            &input.contract.start.to_string(),
            &input.contract.end.to_string(),
            units,
        )],
        pending: Vec::new(),
        price: money(terms.0),
        cost: money(terms.1),
    }
}

/// A ContractServiceUnits row; its printed price plays no part in planning.
pub(super) fn span(start: &str, end: &str, units: i64) -> UnitsSpan {
    UnitsSpan {
        start: day(start),
        end: day(end),
        units,
        price: rust_decimal::Decimal::ZERO,
        cost: rust_decimal::Decimal::ZERO,
    }
}

/// The marketplace's cancellation fee, mapped to its own Autotask service.
pub(crate) fn fee() -> Fee {
    Fee {
        service: ServiceTerms {
            id: 30_099_999,
            name: "Cancellation fee".to_owned(),
            invoice_description: Some("Early cancellation".to_owned()),
            price: money("0"),
            cost: money("0"),
        },
        amount: money("25.00"),
        cost: money("10.00"),
    }
}

/// A usage line of November 2025, billed on 1 December at 1.20 (cost 0.95).
pub(crate) fn usage(quantity: &str) -> Usage {
    Usage {
        quantity: quantity.parse().unwrap(),
        unit_price: money("1.20"),
        unit_cost: money("0.95"),
        period_start: day("2025-11-01"),
        period_end: day("2025-11-30"),
        billed_on: day("2025-12-01"),
        description: "Azure consumption".to_owned(),
    }
}

/// A planned line, without the words: what the tables compare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Line {
    pub kind: LineKind,
    pub date: NaiveDate,
    pub end: NaiveDate,
    pub current: i64,
    pub change: i64,
    pub price: Option<Money>,
    pub cost: Option<Money>,
}

fn line(
    kind: LineKind,
    (date, end): (&str, &str),
    current: i64,
    change: i64,
    terms: Option<(&str, &str)>,
) -> Line {
    Line {
        kind,
        date: day(date),
        end: day(end),
        current,
        change,
        price: terms.map(|t| money(t.0)),
        cost: terms.map(|t| money(t.1)),
    }
}

/// A unit change that carries no price.
pub(super) fn unit(date: &str, end: &str, current: i64, change: i64) -> Line {
    line(LineKind::UnitChange, (date, end), current, change, None)
}

/// A unit change right after a new contract service: it carries the service's price.
pub(super) fn unit_priced(
    date: &str,
    end: &str,
    current: i64,
    change: i64,
    terms: (&str, &str),
) -> Line {
    line(
        LineKind::UnitChange,
        (date, end),
        current,
        change,
        Some(terms),
    )
}

/// A one-time charge of `quantity` at `terms` each.
pub(super) fn charge(date: &str, end: &str, quantity: i64, terms: (&str, &str)) -> Line {
    line(
        LineKind::OneTimeCharge,
        (date, end),
        0,
        quantity,
        Some(terms),
    )
}

/// A price line seeing `current` units.
pub(super) fn reprice(date: &str, end: &str, current: i64, terms: (&str, &str)) -> Line {
    line(LineKind::PriceChange, (date, end), current, 0, Some(terms))
}

pub(super) fn new_service(date: &str, end: &str, terms: (&str, &str)) -> Line {
    line(LineKind::NewContractService, (date, end), 0, 0, Some(terms))
}

/// The plan's lines as [`Line`]s, after checking what every plan must hold: lines numbered
/// 1, 2, … and billed through the order's service (or, for a fee, the fee's).
pub(super) fn planned(input: &PlanInput) -> Vec<Line> {
    let lines = super::plan(input).unwrap_or_else(|refusal| panic!("refused: {refusal}"));
    check_every_line(input, &lines);
    lines
        .iter()
        .map(|l| Line {
            kind: l.kind,
            date: l.effective_date,
            end: l.end_date.unwrap(),
            current: l.current_quantity,
            change: l.quantity_change,
            price: l.unit_price,
            cost: l.unit_cost,
        })
        .collect()
}

/// The plan, in full (for tests of the words and descriptions).
pub(super) fn planned_lines(input: &PlanInput) -> Vec<PlannedLine> {
    let lines = super::plan(input).unwrap_or_else(|refusal| panic!("refused: {refusal}"));
    check_every_line(input, &lines);
    lines
}

pub(super) fn refused(input: &PlanInput) -> PlanRefusal {
    super::plan(input).expect_err("the plan should be refused")
}

fn check_every_line(input: &PlanInput, lines: &[PlannedLine]) {
    for (i, l) in lines.iter().enumerate() {
        assert_eq!(l.line_no, i32::try_from(i + 1).unwrap(), "numbering");
        let fee_service = input.fee.as_ref().map(|f| f.service.id);
        if Some(l.service_id) != fee_service {
            assert_eq!(l.service_id, input.service.id);
            assert_eq!(l.service_name, input.service.name);
        }
        assert!(!l.detail.is_empty(), "line {} has no detail", l.line_no);
        assert!(l.detail.ends_with('.'), "a sentence: {}", l.detail);
    }
}

/// A credit's unit price or cost: the charge's, negative.
pub(super) fn negative(terms: (&str, &str)) -> (String, String) {
    (format!("-{}", terms.0), format!("-{}", terms.1))
}
