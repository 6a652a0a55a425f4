//! What every rule shares: the contract's periods, the units a line sees (counting the lines
//! planned before it), the price the plan wants, and the checks every line goes through.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::domain::billing_period::{Period, period_containing};
use crate::model::journal::LineKind;
use crate::model::money::Money;
use crate::model::plan::{
    PendingChange, PlanInput, PlanRefusal, PlannedLine, PriceSource, ServiceTerms,
};

/// A unit price and cost, as one pair: the rules compare and write them together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Terms {
    pub price: Money,
    pub cost: Money,
}

/// A line before it is numbered and placed: what a rule decides.
pub(super) struct Draft<'s> {
    pub kind: LineKind,
    pub service: &'s ServiceTerms,
    pub date: NaiveDate,
    /// `None`: the last day of the billing period containing `date`.
    pub end_date: Option<NaiveDate>,
    pub current_quantity: i64,
    pub quantity_change: i64,
    pub charge_quantity: Option<Decimal>,
    pub terms: Option<Terms>,
    /// `None`: the service's own invoice description.
    pub invoice_description: Option<String>,
    pub detail: String,
}

/// The plan being built for one task.
pub(super) struct Planner<'a> {
    pub input: &'a PlanInput,
    lines: Vec<PlannedLine>,
    /// Unit changes of this plan so far: a later line on the same service sees them.
    planned: Vec<PendingChange>,
}

impl<'a> Planner<'a> {
    pub fn new(input: &'a PlanInput) -> Self {
        Self {
            input,
            lines: Vec::new(),
            planned: Vec::new(),
        }
    }

    pub fn finish(self) -> Vec<PlannedLine> {
        self.lines
    }

    pub fn was_on_contract(&self) -> bool {
        self.input.on_contract.is_some()
    }

    /// The billing period containing `date`; a date before the contract starts has none.
    pub fn period_of(&self, date: NaiveDate) -> Result<Period, PlanRefusal> {
        let contract = &self.input.contract;
        period_containing(contract.start, contract.period, date)
            .ok_or(PlanRefusal::OutsideContract(date))
    }

    /// `P`: the billing period containing the order's effective date.
    pub fn order_period(&self) -> Result<Period, PlanRefusal> {
        self.period_of(self.input.effective_date)
    }

    /// `next(P)`: the first day after `period`.
    pub fn day_after(period: Period) -> Result<NaiveDate, PlanRefusal> {
        period
            .end
            .succ_opt()
            .ok_or(PlanRefusal::OutsideContract(period.end))
    }

    /// Units on the contract service on `date`: what Autotask shows, the changes still pending,
    /// and the unit changes this plan made so far.
    pub fn units_on(&self, date: NaiveDate) -> i64 {
        let shown = self
            .input
            .on_contract
            .as_ref()
            .map_or(0, |on| on.units_on(date));
        let planned: i64 = self
            .planned
            .iter()
            .filter(|p| p.effective_date <= date)
            .map(|p| p.unit_change)
            .sum();
        shown + planned
    }

    /// The price and cost in force on the contract, when the service is on it.
    pub fn in_force(&self) -> Option<Terms> {
        self.input.on_contract.as_ref().map(|on| Terms {
            price: on.price,
            cost: on.cost,
        })
    }

    /// The price and cost the reseller's price source asks for.
    pub fn wanted(&self) -> Result<Terms, PlanRefusal> {
        let input = self.input;
        match input.settings.price_source {
            PriceSource::Autotask => Ok(Terms {
                price: input.service.price,
                cost: input.service.cost,
            }),
            PriceSource::Marketplace => Ok(Terms {
                price: input
                    .marketplace_price
                    .ok_or(PlanRefusal::NoMarketplacePrice("price"))?,
                cost: input
                    .marketplace_cost
                    .ok_or(PlanRefusal::NoMarketplacePrice("cost"))?,
            }),
        }
    }

    /// Plans a unit change of the order's service, refusing one that would leave fewer than
    /// zero units on its date.
    pub fn push_unit_change(
        &mut self,
        date: NaiveDate,
        change: i64,
        terms: Option<Terms>,
        detail: String,
    ) -> Result<(), PlanRefusal> {
        self.check_inside_contract(date)?;
        let units = self.units_on(date);
        if units.checked_add(change).is_none_or(|after| after < 0) {
            return Err(PlanRefusal::BelowZero { units, change });
        }
        self.planned.push(PendingChange {
            effective_date: date,
            unit_change: change,
        });
        let service = &self.input.service;
        self.push(Draft {
            kind: LineKind::UnitChange,
            service,
            date,
            end_date: None,
            current_quantity: units,
            quantity_change: change,
            charge_quantity: None,
            terms,
            invoice_description: None,
            detail,
        })
    }

    /// Numbers and places a line; every line's date must fall within the contract.
    pub fn push(&mut self, draft: Draft<'_>) -> Result<(), PlanRefusal> {
        self.check_inside_contract(draft.date)?;
        let end_date = match draft.end_date {
            Some(end) => end,
            // Capped like Autotask's units rows, which stop at the contract end too.
            None => self.period_of(draft.date)?.end.min(self.input.contract.end),
        };
        let line_no = i32::try_from(self.lines.len() + 1).unwrap_or(i32::MAX);
        self.lines.push(PlannedLine {
            line_no,
            kind: draft.kind,
            service_id: draft.service.id,
            service_name: draft.service.name.clone(),
            invoice_description: draft
                .invoice_description
                .or_else(|| draft.service.invoice_description.clone()),
            effective_date: draft.date,
            end_date: Some(end_date),
            current_quantity: draft.current_quantity,
            quantity_change: draft.quantity_change,
            charge_quantity: draft.charge_quantity,
            unit_price: draft.terms.map(|t| t.price),
            unit_cost: draft.terms.map(|t| t.cost),
            detail: draft.detail,
        });
        Ok(())
    }

    fn check_inside_contract(&self, date: NaiveDate) -> Result<(), PlanRefusal> {
        let contract = &self.input.contract;
        if date < contract.start || date > contract.end {
            return Err(PlanRefusal::OutsideContract(date));
        }
        Ok(())
    }
}
