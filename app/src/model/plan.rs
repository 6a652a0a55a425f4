//! What the planner takes and gives (design §4): everything it needs to know, read beforehand,
//! and the lines it plans. No clock and no I/O live behind these types.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::billing::PeriodType;
use super::journal::LineKind;
use super::money::Money;
use super::task::TaskFacts;

/// Where prices and costs come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PriceSource {
    /// The mapped Autotask service's catalogue price and cost.
    Autotask,
    /// The subscription's `unitPrice` / `unitCost` on the marketplace.
    Marketplace,
}

/// Who prorates a mid-period increase (or a refunded decrease).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Proration {
    /// The adjustment is dated `d`; Autotask prorates the rest of the period.
    Autotask,
    /// The adjustment is dated `next(P)`; a one-time charge covers the rest of `P`.
    Marketplace,
}

/// The reseller's rule settings, as they were when the plan was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleSettings {
    pub price_source: PriceSource,
    pub proration: Proration,
    /// A decrease takes effect at `d` (and is credited) instead of at `next(P)`.
    pub refunds_on_downgrade: bool,
}

impl Default for RuleSettings {
    fn default() -> Self {
        Self {
            price_source: PriceSource::Autotask,
            proration: Proration::Autotask,
            refunds_on_downgrade: false,
        }
    }
}

/// The chosen Autotask contract: a Recurring Service contract and its billing cycle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractTerms {
    pub id: i64,
    pub name: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub period: PeriodType,
}

/// An Autotask service a line bills through, with its catalogue price and cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceTerms {
    pub id: i64,
    pub name: String,
    pub invoice_description: Option<String>,
    pub price: Money,
    pub cost: Money,
}

/// One ContractServiceUnits row as Autotask shows it: a span with constant units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitsSpan {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub units: i64,
    /// The span's price (units × unit price × share of the period), as Autotask prints it.
    pub price: Decimal,
    pub cost: Decimal,
}

/// A change planned (or written) but not yet visible in the units Autotask shows: earlier lines
/// of this task, and lines of earlier tasks on the same contract service still being applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingChange {
    pub effective_date: NaiveDate,
    pub unit_change: i64,
}

/// The service as it stands on the contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnContract {
    pub contract_service_id: i64,
    /// The contract service's ContractServiceUnits rows (any order).
    pub spans: Vec<UnitsSpan>,
    /// Changes not yet in `spans`.
    pub pending: Vec<PendingChange>,
    /// The unit price and cost in force at the order's effective date.
    pub price: Money,
    pub cost: Money,
}

impl OnContract {
    /// Units on `date`: the span that covers it (0 where none does), plus the pending changes
    /// effective on or before it.
    pub fn units_on(&self, date: NaiveDate) -> i64 {
        let shown = self
            .spans
            .iter()
            .find(|s| s.start <= date && date <= s.end)
            .map_or(0, |s| s.units);
        let pending: i64 = self
            .pending
            .iter()
            .filter(|p| p.effective_date <= date)
            .map(|p| p.unit_change)
            .sum();
        shown + pending
    }
}

/// A usage charge of a Billing task (design §4: quantity, price and cost of the usage line,
/// described with its period).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Usage {
    pub quantity: Decimal,
    pub unit_price: Money,
    pub unit_cost: Money,
    /// The usage period, first and last day.
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// The billing date (the charge's date).
    pub billed_on: NaiveDate,
    pub description: String,
}

/// A cancellation fee the marketplace charged, and the Autotask service it is mapped to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fee {
    pub service: ServiceTerms,
    pub amount: Money,
    pub cost: Money,
}

/// Everything the planner needs for one task; read before, so planning is pure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanInput {
    /// Type, direction and quantities (`old`, `new`, `Δ`) from Check Changes.
    pub facts: TaskFacts,
    /// The order's effective date `d`.
    pub effective_date: NaiveDate,
    pub contract: ContractTerms,
    /// The Autotask service the subscription's product is mapped to.
    pub service: ServiceTerms,
    /// The subscription's price and cost on the marketplace, when it has them.
    pub marketplace_price: Option<Money>,
    pub marketplace_cost: Option<Money>,
    /// The service on the contract, or `None` when it is not on it yet.
    pub on_contract: Option<OnContract>,
    pub settings: RuleSettings,
    /// For a cancellation: the fee, when the marketplace charged one and it is mapped.
    pub fee: Option<Fee>,
    /// For a Billing task: the usage line.
    pub usage: Option<Usage>,
    /// For a Reconcile task: the quantity the marketplace shows; the change is this minus the
    /// units Autotask shows at `reconcile_date`.
    pub reconcile_quantity: Option<i64>,
    /// For a Reconcile task: the date the person chose (default `d`).
    pub reconcile_date: Option<NaiveDate>,
}

/// One planned line: one journal step when synced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedLine {
    /// 1, 2, … in the order the lines are applied.
    pub line_no: i32,
    pub kind: LineKind,
    /// The Autotask service the line bills through.
    pub service_id: i64,
    pub service_name: String,
    pub invoice_description: Option<String>,
    pub effective_date: NaiveDate,
    /// The last day of the billing period the line falls in (a charge: its period's last day).
    pub end_date: Option<NaiveDate>,
    /// Units on the contract service at `effective_date` before this line (0 for a new
    /// contract service; for a charge, 0).
    pub current_quantity: i64,
    /// The unit change (a charge: its quantity, rounded to whole units only if it is whole).
    pub quantity_change: i64,
    /// For a charge of a fractional quantity (usage), the exact quantity.
    pub charge_quantity: Option<Decimal>,
    /// Unit price and cost the line writes (a unit change: the price in force from its date
    /// when it changes it; a charge: its unit price and cost).
    pub unit_price: Option<Money>,
    pub unit_cost: Option<Money>,
    /// Why the line is what it is, in a sentence a reseller reads.
    pub detail: String,
}

/// Why a task cannot be planned, in words a reseller can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanRefusal {
    #[error("the order has no quantity to plan from")]
    NoQuantity,
    #[error("the effective date {0} is outside the contract's dates")]
    OutsideContract(NaiveDate),
    #[error("the usage line of this billing order is missing")]
    NoUsage,
    #[error(
        "the marketplace has no {0} for this subscription, and the price source is the marketplace"
    )]
    NoMarketplacePrice(&'static str),
    #[error("the quantity would fall below zero ({units} on the contract, {change} asked)")]
    BelowZero { units: i64, change: i64 },
}

/// One invoice line Autotask will generate for a planned line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceLine {
    /// The planned line it comes from.
    pub line_no: i32,
    /// The span billed (a whole period, or the prorated rest of one).
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// What it bills (negative for a credit) and costs.
    pub amount: Money,
    pub cost: Money,
    /// "Prorated 12 of 30 days", "Next period", "One-time charge", …
    pub label: String,
}

/// What the plan will bill: the invoice lines of the current and the next period, and the
/// contract service's recurring amount per period before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoicePreview {
    pub lines: Vec<InvoiceLine>,
    /// Units × unit price of the service for the period after the current one, before the plan.
    pub recurring_before: Money,
    /// The same once the plan is applied.
    pub recurring_after: Money,
}
