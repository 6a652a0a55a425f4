//! Plans a batch of tasks: reads what they need of Autotask in a few batched requests, builds
//! each task's [`PlanInput`] and runs the rules. Tasks on the same contract service are planned
//! in order, each on top of the earlier ones' changes that Autotask does not show yet.

use std::collections::HashMap;

use anyhow::Context;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use sea_orm::DatabaseConnection;

use super::outcome::{Outcome, outcome_of};
use crate::autotask::{AutotaskApi, Picklists};
use crate::db;
use crate::domain::assumptions::{self, FEE_DETAIL_TYPES};
use crate::domain::autotask_view::{Catalog, CatalogReads, ContractsState};
use crate::domain::billing_period::period_containing;
use crate::domain::contracts::eligibility;
use crate::domain::mapping::{Missing, readiness};
use crate::domain::{invoice, plan};
use crate::marketplace::models::OrderDetail;
use crate::model::{
    catalog::Subscription,
    journal::LineKind,
    money::Money,
    plan::{
        ContractTerms, Fee, InvoicePreview, OnContract, PendingChange, PlanInput, PlannedLine,
        PriceSource, Usage,
    },
    task::{Task, TaskType},
};

/// A task's plan, ready to be reviewed or synced.
#[derive(Debug, Clone)]
pub struct TaskPlan {
    pub task: Task,
    pub input: PlanInput,
    pub lines: Vec<PlannedLine>,
    pub preview: InvoicePreview,
    /// The contract service the lines go on, when it exists already.
    pub contract_service: Option<i64>,
}

/// Why a task could not be planned: the outcome and, in words, the detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotPlanned {
    pub outcome: Outcome,
    pub detail: String,
}

impl NotPlanned {
    fn new(outcome: Outcome, detail: impl Into<String>) -> Self {
        Self {
            outcome,
            detail: detail.into(),
        }
    }

    fn message(&self) -> String {
        if self.detail.is_empty() {
            self.outcome.sentence().to_owned()
        } else {
            format!("{} {}", self.outcome.sentence(), self.detail)
        }
    }
}

impl std::fmt::Display for NotPlanned {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message(), self.outcome.code())
    }
}

/// What a task needs besides the rules' input: its contract, service and subscription.
struct Prepared {
    task: Task,
    subscription: Subscription,
    contract: i64,
    service: i64,
    fee_service: Option<i64>,
}

/// What a person chose on the review step, planned with instead of the task's own values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlanOptions {
    /// The price source instead of the reseller's default.
    pub price_source: Option<PriceSource>,
    /// The order's effective date instead of the one Check Changes found.
    pub effective_date: Option<NaiveDate>,
}

/// Plans the tasks (in the order given, oldest first); each gets a plan or the reason it has
/// none. An Autotask failure on the shared reads fails them all with its outcome.
pub async fn plan_tasks(
    db: &DatabaseConnection,
    api: &impl AutotaskApi,
    tasks: &[Task],
) -> anyhow::Result<Vec<Result<TaskPlan, NotPlanned>>> {
    plan_tasks_with(db, api, tasks, PlanOptions::default()).await
}

/// [`plan_tasks`] with a person's choices.
pub async fn plan_tasks_with(
    db: &DatabaseConnection,
    api: &impl AutotaskApi,
    tasks: &[Task],
    options: PlanOptions,
) -> anyhow::Result<Vec<Result<TaskPlan, NotPlanned>>> {
    plan_tasks_reading(db, api, tasks, options, CatalogReads::Fresh).await
}

/// [`plan_tasks_with`] for the review page: contracts and services the connection read within
/// [`crate::autotask::RECENT_FOR`] are used again, unless the person asked for prices again
/// (units are always read). Sync All plans from Autotask and refuses a plan other than the one
/// the page showed, so a kept record can date the page, never what is synced.
pub async fn plan_tasks_for_review(
    db: &DatabaseConnection,
    api: &impl AutotaskApi,
    tasks: &[Task],
    options: PlanOptions,
) -> anyhow::Result<Vec<Result<TaskPlan, NotPlanned>>> {
    let reads = match options.price_source {
        Some(_) => CatalogReads::Fresh,
        None => CatalogReads::Recent,
    };
    plan_tasks_reading(db, api, tasks, options, reads).await
}

async fn plan_tasks_reading(
    db: &DatabaseConnection,
    api: &impl AutotaskApi,
    tasks: &[Task],
    options: PlanOptions,
    reads: CatalogReads,
) -> anyhow::Result<Vec<Result<TaskPlan, NotPlanned>>> {
    let tasks: Vec<Task> = tasks
        .iter()
        .cloned()
        .map(|mut task| {
            if let Some(date) = options.effective_date {
                task.effective_date = Some(date);
            }
            task
        })
        .collect();
    let tasks = tasks.as_slice();
    let mut results: Vec<Option<Result<TaskPlan, NotPlanned>>> = vec![None; tasks.len()];
    let mut prepared: Vec<(usize, Prepared)> = Vec::new();
    for (n, task) in tasks.iter().enumerate() {
        match prepare(db, api, task).await? {
            Ok(p) => prepared.push((n, p)),
            Err(why) => results[n] = Some(Err(why)),
        }
    }
    let outcome = plan_prepared(db, api, &prepared, options.price_source, reads).await?;
    match outcome {
        Ok(plans) => {
            for ((n, _), plan) in prepared.iter().zip(plans) {
                results[*n] = Some(plan);
            }
        }
        Err(why) => {
            for (n, _) in &prepared {
                results[*n] = Some(Err(why.clone()));
            }
        }
    }
    Ok(results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(NotPlanned::new(Outcome::PlanRefused, ""))))
        .collect())
}

async fn prepare(
    db: &DatabaseConnection,
    api: &impl AutotaskApi,
    task: &Task,
) -> anyhow::Result<Result<Prepared, NotPlanned>> {
    let ready = match readiness(db, api, task).await {
        Ok(ready) => ready,
        Err(crate::domain::mapping::MappingError::Autotask(e)) => {
            return Ok(Err(NotPlanned::new(outcome_of(&e), "")));
        }
        Err(e) => return Err(anyhow::anyhow!("{e}")),
    };
    if let Some(first) = ready.missing.first() {
        let why = match first {
            Missing::Subscription => NotPlanned::new(Outcome::NoSubscription, ""),
            Missing::Company => NotPlanned::new(Outcome::NoCompany, ""),
            Missing::Service => NotPlanned::new(Outcome::NoService, ""),
            Missing::ContractChoice(_) => NotPlanned::new(Outcome::SeveralContracts, ""),
            Missing::Contract(choices) => NotPlanned::new(
                Outcome::NoContract,
                choices
                    .iter()
                    .filter_map(|c| {
                        c.verdict
                            .as_ref()
                            .err()
                            .map(|e| format!("{}: {e}.", c.name))
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
        };
        return Ok(Err(why));
    }
    // The subscription as readiness read it: its price, cost and billing period are what the
    // plan needs; the contract comes from `ready` (it may have just been bound).
    let (Some(contract), Some(service), Some(subscription)) =
        (ready.contract, ready.service, ready.subscription)
    else {
        return Ok(Err(NotPlanned::new(Outcome::NoContract, "")));
    };
    let fee_service = if task.facts.task_type == TaskType::Cancellation {
        db::mappings::find_fee_service(db, task.reseller, "cancellation")
            .await
            .context("reading the fee mapping")?
    } else {
        None
    };
    Ok(Ok(Prepared {
        task: task.clone(),
        subscription,
        contract,
        service,
        fee_service,
    }))
}

type Plans = Vec<Result<TaskPlan, NotPlanned>>;

async fn plan_prepared(
    db: &DatabaseConnection,
    api: &impl AutotaskApi,
    prepared: &[(usize, Prepared)],
    price_source: Option<PriceSource>,
    reads: CatalogReads,
) -> anyhow::Result<Result<Plans, NotPlanned>> {
    if prepared.is_empty() {
        return Ok(Ok(Vec::new()));
    }
    let reseller = prepared[0].1.task.reseller;
    let picklists = match api.picklists().await {
        Ok(p) => p,
        Err(e) => return Ok(Err(NotPlanned::new(outcome_of(&e), ""))),
    };
    let contracts: Vec<i64> = prepared.iter().map(|(_, p)| p.contract).collect();
    let mut services: Vec<i64> = prepared.iter().map(|(_, p)| p.service).collect();
    services.extend(prepared.iter().filter_map(|(_, p)| p.fee_service));
    let catalog = match Catalog::read_as(api, &contracts, &services, reads).await {
        Ok(c) => c,
        Err(e) => return Ok(Err(NotPlanned::new(outcome_of(&e), ""))),
    };
    let window = window(prepared, &catalog, &picklists);
    let mut state = match ContractsState::read(api, &contracts, window, false).await {
        Ok(s) => s,
        Err(e) => return Ok(Err(NotPlanned::new(outcome_of(&e), ""))),
    };
    let mut settings = db::settings::find_rule_settings(db, reseller)
        .await
        .context("reading the rule settings")?;
    if let Some(source) = price_source {
        settings.price_source = source;
    }
    let cs_ids: Vec<i64> = state.contract_services.iter().map(|cs| cs.id).collect();
    let mut pending: HashMap<i64, Vec<PendingChange>> = HashMap::new();
    let own: Vec<_> = prepared.iter().map(|(_, p)| p.task.id).collect();
    for (cs, change) in db::journal::find_pending_unit_changes(db, reseller, &cs_ids, &own)
        .await
        .context("reading the pending journal steps")?
    {
        pending.entry(cs).or_default().push(change);
    }
    let subscriptions: Vec<_> = prepared
        .iter()
        .filter_map(|(_, p)| p.task.subscription)
        .collect();
    let unfinished =
        db::tasks::find_unfinished_tasks_of_subscriptions(db, reseller, &subscriptions)
            .await
            .context("reading the earlier tasks of the subscriptions")?;
    let mut plans = Vec::with_capacity(prepared.len());
    for (_, p) in prepared {
        let plan = if waits_for_earlier_task(p, &state, &unfinished) {
            Err(NotPlanned::new(Outcome::WaitsForEarlierTask, ""))
        } else {
            plan_one(p, &catalog, &picklists, &mut state, &mut pending, settings)
        };
        plans.push(plan);
    }
    Ok(Ok(plans))
}

/// Whether the task must wait for an earlier task of its subscription (design §2.1). Later
/// tasks are planned on top of the earlier ones' pending unit changes, which are kept by
/// contract service; while the service is not on the contract yet (the earlier task is to put
/// it there) nothing can be counted, and planning anyway would put the service on the contract
/// a second time, or refuse a decrease as going below zero. Usage charges count no units, so
/// they neither wait nor are waited for.
fn waits_for_earlier_task(p: &Prepared, state: &ContractsState, unfinished: &[Task]) -> bool {
    let task = &p.task;
    if task.facts.task_type == TaskType::Billing
        || state.contract_service(p.contract, p.service).is_some()
    {
        return false;
    }
    unfinished.iter().any(|earlier| {
        earlier.subscription == task.subscription
            && earlier.facts.task_type != TaskType::Billing
            && (earlier.order.created_at, earlier.id) < (task.order.created_at, task.id)
    })
}

/// The dates the plans may touch: from the earliest effective date to the end of the period
/// after the latest one.
fn window(
    prepared: &[(usize, Prepared)],
    catalog: &Catalog,
    picklists: &Picklists,
) -> (NaiveDate, NaiveDate) {
    let dates: Vec<NaiveDate> = prepared
        .iter()
        .map(|(_, p)| effective_date(&p.task))
        .collect();
    let from = dates.iter().min().copied().unwrap_or_default();
    let mut to = dates.iter().max().copied().unwrap_or_default();
    for (_, p) in prepared {
        if let Some(terms) = catalog.terms(p.contract, picklists) {
            let d = effective_date(&p.task);
            if let Some(period) = period_containing(terms.start, terms.period, d)
                && let Some(next) = period.end.succ_opt()
                && let Some(after) = period_containing(terms.start, terms.period, next)
            {
                to = to.max(after.end);
            }
        }
    }
    (from, to)
}

fn effective_date(task: &Task) -> NaiveDate {
    task.effective_date
        .unwrap_or_else(|| task.order.created_at.date_naive())
}

fn plan_one(
    p: &Prepared,
    catalog: &Catalog,
    picklists: &Picklists,
    state: &mut ContractsState,
    pending: &mut HashMap<i64, Vec<PendingChange>>,
    settings: crate::model::plan::RuleSettings,
) -> Result<TaskPlan, NotPlanned> {
    let d = effective_date(&p.task);
    // A bound subscription stays on its contract (design §3), so the contract is checked
    // again here: Autotask may have ended, deactivated or re-periodised it since.
    if let Some(bound) = catalog.contracts.get(&p.contract) {
        let billing = &p.subscription.billing_period;
        let cycle = assumptions::period_of_marketplace(billing);
        if let Err(why) = eligibility(bound, picklists, d, cycle, billing) {
            return Err(NotPlanned::new(
                Outcome::ContractNoLongerFits,
                format!("{}: {why}.", bound.contract_name),
            ));
        }
    }
    let Some(contract) = catalog.terms(p.contract, picklists) else {
        return Err(NotPlanned::new(
            Outcome::GoneFromAutotask,
            format!(
                "Contract {} is missing, or has no dates or billing period.",
                p.contract
            ),
        ));
    };
    let Some(service) = catalog.service_terms(p.service) else {
        return Err(NotPlanned::new(
            Outcome::GoneFromAutotask,
            format!("Service {} is not in Autotask.", p.service),
        ));
    };
    let order: Option<OrderDetail> = p
        .task
        .order_snapshot
        .clone()
        .and_then(|s| serde_json::from_value(s).ok());
    let contract_service = state.contract_service(contract.id, service.id).cloned();
    let on_contract = contract_service.as_ref().map(|cs| {
        let spans = state.spans_of(cs.id).to_vec();
        let (price, cost) = price_in_force(&spans, &contract, d, cs, &service);
        OnContract {
            contract_service_id: cs.id,
            spans,
            pending: pending.get(&cs.id).cloned().unwrap_or_default(),
            price,
            cost,
        }
    });
    let fee = p.fee_service.and_then(|id| {
        let amount = order.as_ref().and_then(fee_of)?;
        Some(Fee {
            service: catalog.service_terms(id)?,
            amount: amount.0,
            cost: amount.1,
        })
    });
    let usage = (p.task.facts.task_type == TaskType::Billing)
        .then(|| usage_of(&p.task, order.as_ref(), &p.subscription, &contract))
        .flatten();
    let input = PlanInput {
        facts: p.task.facts.clone(),
        effective_date: d,
        contract: contract.clone(),
        service,
        marketplace_price: p.subscription.unit_price,
        marketplace_cost: p.subscription.unit_cost,
        on_contract,
        settings,
        fee,
        usage,
        reconcile_quantity: (p.task.facts.task_type == TaskType::Reconcile)
            .then_some(p.task.facts.quantities.new)
            .flatten(),
        reconcile_date: None,
    };
    let lines = plan::plan(&input).map_err(|refusal| {
        NotPlanned::new(
            Outcome::PlanRefused,
            format!("{}.", capitalised(&refusal.to_string())),
        )
    })?;
    let preview = invoice::preview(&input, &lines);
    // Later tasks on the same contract service are planned on top of these lines.
    if let Some(cs) = &contract_service {
        for line in lines.iter().filter(|l| l.kind == LineKind::UnitChange) {
            pending.entry(cs.id).or_default().push(PendingChange {
                effective_date: line.effective_date,
                unit_change: line.quantity_change,
            });
        }
    }
    Ok(TaskPlan {
        task: p.task.clone(),
        input,
        lines,
        preview,
        contract_service: contract_service.map(|cs| cs.id),
    })
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The unit price and cost in force at `d`: the one the span covering `d` bills at (the
/// contract service's own, or the catalogue's), else the contract service's.
fn price_in_force(
    spans: &[crate::model::plan::UnitsSpan],
    contract: &ContractTerms,
    d: NaiveDate,
    cs: &crate::autotask::models::ContractService,
    service: &crate::model::plan::ServiceTerms,
) -> (Money, Money) {
    let own_price = Money::rounded(cs.unit_price.unwrap_or_default());
    let own_cost = Money::rounded(cs.unit_cost.unwrap_or_default());
    let Some(span) = spans
        .iter()
        .find(|s| s.start <= d && d <= s.end && s.units > 0)
    else {
        return (own_price, own_cost);
    };
    let price = [own_price, service.price]
        .into_iter()
        .find(|p| assumptions::span_bills_at(span, contract, *p) == Some(true))
        .or_else(|| assumptions::unit_price_of_span(span, contract))
        .unwrap_or(own_price);
    let cost_span = crate::model::plan::UnitsSpan {
        price: span.cost,
        ..span.clone()
    };
    let cost = [own_cost, service.cost]
        .into_iter()
        .find(|c| assumptions::span_bills_at(&cost_span, contract, *c) == Some(true))
        .or_else(|| assumptions::unit_price_of_span(&cost_span, contract))
        .unwrap_or(own_cost);
    (price, cost)
}

/// A cancellation fee the order charged: (amount, cost).
fn fee_of(order: &OrderDetail) -> Option<(Money, Money)> {
    let detail = order
        .details
        .iter()
        .find(|d| FEE_DETAIL_TYPES.contains(&d.kind.as_str()))?;
    let amount = detail.extended_price.as_ref().map(|m| m.amount)?;
    let cost = detail
        .sales_unit_price
        .as_ref()
        .map_or(Decimal::ZERO, |m| m.amount);
    Some((Money::rounded(amount), Money::rounded(cost)))
}

/// The usage line of a billing order: its quantity at the subscription's price and cost.
fn usage_of(
    task: &Task,
    order: Option<&OrderDetail>,
    subscription: &Subscription,
    contract: &ContractTerms,
) -> Option<Usage> {
    let order = order?;
    let quantity = order
        .details
        .iter()
        .find(|d| d.kind == "overuse" || d.kind == "billRecord")
        .and_then(|d| d.quantity)
        .or_else(|| order.products.first().and_then(|p| p.quantity))?;
    let billed_on = task.order.created_at.date_naive();
    let billing =
        assumptions::period_of_marketplace(&subscription.billing_period).unwrap_or(contract.period);
    let (period_start, period_end) = assumptions::usage_period(billed_on, billing);
    let name = order
        .products
        .first()
        .and_then(|p| p.name.clone())
        .unwrap_or_else(|| "Usage".into());
    Some(Usage {
        quantity,
        unit_price: subscription.unit_price.unwrap_or_default(),
        unit_cost: subscription.unit_cost.unwrap_or_default(),
        period_start,
        period_end,
        billed_on,
        description: format!("{name}: usage {period_start} – {period_end}"),
    })
}
