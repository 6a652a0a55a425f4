//! The worker (design §5): takes the reseller's runnable queued tasks in batches, reads what
//! Autotask shows for all their steps at once, and writes each step only when Autotask shows
//! exactly its "before". An unclear answer is settled by reading again, never by sending again.

use std::collections::HashMap;

use anyhow::Context;
use chrono::NaiveDate;
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};

use super::checks::{Check, check, check_reference};
use super::outcome::{Outcome, outcome_of};
use crate::autotask::{
    AutotaskApi, AutotaskApiExt, AutotaskError, ContractChild, Filter, Picklists, QueryBody,
    WriteTarget, models::BillingCode,
};
use crate::db::{self, tasks::StatusChange};
use crate::domain::action_log;
use crate::domain::assumptions;
use crate::domain::autotask_view::{Catalog, ContractsState};
use crate::model::{
    ids::ResellerId,
    journal::{JournalStep, LineKind, StepStatus, TaskLine},
    money::Money,
    plan::ContractTerms,
    task::{Task, TaskEvent, TaskFailure, TaskStatus, TaskType},
};

/// How many tasks a batch takes (their reads share requests).
pub const BATCH: u64 = 200;
/// How often a task that failed for a passing reason is tried again by itself (each try
/// re-reads first, so a write that landed is never sent again).
pub const MAX_ATTEMPTS: i32 = 10;

/// What the worker did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ApplyReport {
    pub done: usize,
    pub conflicts: usize,
    pub failed: usize,
    /// Failures tried again by themselves.
    pub retried: usize,
}

/// How a task ended in this batch.
enum Ending {
    Done,
    Conflict(String, Outcome),
    Failed(Outcome, String),
}

/// Applies the reseller's queued tasks that may run now, batch after batch, until none is left.
pub async fn apply_queued(
    db: &DatabaseConnection,
    api: &impl AutotaskApi,
    reseller: ResellerId,
    node: &str,
) -> anyhow::Result<ApplyReport> {
    let mut report = ApplyReport::default();
    loop {
        let batch = claim_runnable(db, reseller, node).await?;
        if batch.is_empty() {
            return Ok(report);
        }
        apply_batch(db, api, reseller, batch, &mut report).await?;
    }
}

/// Claims the queued tasks whose earlier tasks of the same subscription are done or ignored
/// (or claimed before them in this batch).
async fn claim_runnable(
    db: &DatabaseConnection,
    reseller: ResellerId,
    node: &str,
) -> anyhow::Result<Vec<Task>> {
    let queued = db::tasks::find_tasks_in_status(db, reseller, TaskStatus::Queued, BATCH)
        .await
        .context("listing queued tasks")?;
    let subscriptions: Vec<_> = queued.iter().filter_map(|t| t.subscription).collect();
    let unfinished =
        db::tasks::find_unfinished_tasks_of_subscriptions(db, reseller, &subscriptions)
            .await
            .context("reading the tasks of the subscriptions")?;
    let mut claimed: Vec<Task> = Vec::new();
    for task in queued {
        let blocked = task.subscription.is_some_and(|sub| {
            unfinished.iter().any(|other| {
                other.subscription == Some(sub)
                    && (other.order.created_at, other.id) < (task.order.created_at, task.id)
                    && !claimed.iter().any(|c| c.id == other.id)
            })
        });
        if blocked {
            continue;
        }
        let Ok(applying) = task.status.apply(TaskEvent::Start) else {
            continue;
        };
        let taken = db::tasks::change_task_status(
            db,
            reseller,
            task.id,
            task.status,
            applying,
            StatusChange {
                failure: None,
                claimed_by: Some(Some(node)),
            },
        )
        .await
        .context("claiming a task")?;
        if taken {
            claimed.push(task);
        }
    }
    Ok(claimed)
}

/// What the steps of a batch need besides the contract services: contract terms for price
/// checks, the picklists and material code for charges.
struct BatchContext {
    terms: HashMap<i64, ContractTerms>,
    picklists: Option<std::sync::Arc<Picklists>>,
    material_code: Option<i64>,
}

async fn apply_batch(
    db: &DatabaseConnection,
    api: &impl AutotaskApi,
    reseller: ResellerId,
    batch: Vec<Task>,
    report: &mut ApplyReport,
) -> anyhow::Result<()> {
    let mut work: Vec<(Task, Vec<JournalStep>, Vec<TaskLine>)> = Vec::new();
    for task in batch {
        let steps = db::journal::find_steps(db, reseller, task.id)
            .await
            .context("reading the journal")?;
        let lines = db::lines::find_task_lines(db, reseller, task.id)
            .await
            .context("reading the lines")?;
        work.push((task, steps, lines));
    }
    let all_steps: Vec<&JournalStep> = work.iter().flat_map(|(_, s, _)| s).collect();
    let mut contracts: Vec<i64> = all_steps.iter().map(|s| s.contract_id).collect();
    contracts.sort_unstable();
    contracts.dedup();
    let from = all_steps.iter().map(|s| s.effective_date).min();
    let to = all_steps.iter().map(|s| s.effective_date).max();
    let with_charges = all_steps.iter().any(|s| s.kind == LineKind::OneTimeCharge);
    let with_prices = all_steps.iter().any(|s| s.kind == LineKind::PriceChange);
    let read = async {
        let window = (from.unwrap_or_default(), to.unwrap_or_default());
        let state = ContractsState::read(api, &contracts, window, with_charges).await?;
        let context = read_context(api, &contracts, with_charges, with_prices).await?;
        Ok::<_, AutotaskError>((state, context))
    };
    let (mut state, context) = match read.await {
        Ok(read) => read,
        Err(e) => {
            let outcome = outcome_of(&e);
            tracing::warn!(reseller = reseller.0, error = %e, "reading Autotask for a batch failed");
            for (task, mut steps, _) in work {
                // The try counts, or a long outage would be tried again without end.
                for step in steps.iter_mut().filter(|s| s.status == StepStatus::Pending) {
                    step.attempts += 1;
                }
                end_task(
                    db,
                    &task,
                    &steps,
                    Ending::Failed(outcome, String::new()),
                    report,
                )
                .await?;
            }
            return Ok(());
        }
    };
    for (task, mut steps, lines) in work {
        let ending = apply_task(api, &mut steps, &lines, &mut state, &context).await;
        end_task(db, &task, &steps, ending, report).await?;
    }
    Ok(())
}

async fn read_context(
    api: &impl AutotaskApi,
    contracts: &[i64],
    with_charges: bool,
    with_prices: bool,
) -> Result<BatchContext, AutotaskError> {
    let mut context = BatchContext {
        terms: HashMap::new(),
        picklists: None,
        material_code: None,
    };
    if !(with_charges || with_prices) {
        return Ok(context);
    }
    let picklists = api.picklists().await?;
    if with_prices {
        let catalog = Catalog::read(api, contracts, &[]).await?;
        for id in contracts {
            if let Some(terms) = catalog.terms(*id, &picklists) {
                context.terms.insert(*id, terms);
            }
        }
    }
    if with_charges {
        let codes: Vec<BillingCode> = api
            .query_as(
                "BillingCodes",
                &QueryBody::new(vec![Filter::eq("useType", picklists.material_code)])
                    .include_fields(&["id", "name", "useType", "isActive"]),
            )
            .await?;
        context.material_code = assumptions::choose_material_code(
            &codes
                .iter()
                .map(|c| (c.id, c.is_active.unwrap_or(false)))
                .collect::<Vec<_>>(),
        );
    }
    context.picklists = Some(picklists);
    Ok(context)
}

/// Whether an Autotask error leaves a write's fate unknown (it may have landed).
fn unclear(error: &AutotaskError) -> bool {
    matches!(
        error,
        AutotaskError::Transient(_) | AutotaskError::Decode(_)
    )
}

/// Applies a task's pending steps in order, in memory; the caller records how they ended.
async fn apply_task(
    api: &impl AutotaskApi,
    steps: &mut [JournalStep],
    lines: &[TaskLine],
    state: &mut ContractsState,
    context: &BatchContext,
) -> Ending {
    for n in 0..steps.len() {
        if matches!(steps[n].status, StepStatus::Done | StepStatus::Skipped) {
            continue;
        }
        let Some(line) = lines.iter().find(|l| l.line.line_no == steps[n].line_no) else {
            return Ending::Failed(
                Outcome::GoneFromAutotask,
                format!("Line {} of the plan is missing.", steps[n].line_no),
            );
        };
        if !line.selected {
            steps[n].status = StepStatus::Skipped;
            continue;
        }
        let result = apply_step(api, &mut steps[n], line, state, context).await;
        let step = &mut steps[n];
        match result {
            Ok(StepEnd::Done { contract_service }) => {
                step.status = StepStatus::Done;
                step.error_code = None;
                step.last_error = None;
                if let Some(cs) = contract_service {
                    step.contract_service_id = Some(cs);
                }
                // Later steps of the same service go on the contract service just made.
                if let Some(cs) = contract_service {
                    let service = line.line.service_id;
                    for later in steps.iter_mut().skip(n + 1) {
                        let same = lines.iter().any(|l| {
                            l.line.line_no == later.line_no && l.line.service_id == service
                        });
                        if same && later.contract_service_id.is_none() {
                            later.contract_service_id = Some(cs);
                        }
                    }
                }
            }
            Ok(StepEnd::Conflict {
                found,
                message,
                outcome,
            }) => {
                step.status = StepStatus::Conflict;
                step.found = Some(found);
                step.error_code = Some(outcome.code().into());
                step.last_error = Some(message.clone());
                return Ending::Conflict(message, outcome);
            }
            Ok(StepEnd::Unconfirmed) => {
                step.error_code = Some(Outcome::Unconfirmed.code().into());
                step.last_error = Some(Outcome::Unconfirmed.sentence().into());
                return Ending::Failed(Outcome::Unconfirmed, String::new());
            }
            Err((outcome, message)) => {
                if !outcome.retried_automatically() {
                    step.status = StepStatus::Failed;
                }
                step.error_code = Some(outcome.code().into());
                step.last_error = Some(message.clone());
                return Ending::Failed(outcome, message);
            }
        }
    }
    Ending::Done
}

enum StepEnd {
    Done {
        contract_service: Option<i64>,
    },
    Conflict {
        found: i64,
        message: String,
        outcome: Outcome,
    },
    /// A write's answer was lost and a re-read does not show it yet.
    Unconfirmed,
}

type StepResult = Result<StepEnd, (Outcome, String)>;

fn failed(error: &AutotaskError) -> (Outcome, String) {
    let outcome = outcome_of(error);
    let message = match error {
        // What Autotask refused is what the person must fix; its words say what.
        AutotaskError::BusinessRule(messages) => messages.join(" "),
        _ => String::new(),
    };
    (outcome, message)
}

async fn apply_step(
    api: &impl AutotaskApi,
    step: &mut JournalStep,
    line: &TaskLine,
    state: &mut ContractsState,
    context: &BatchContext,
) -> StepResult {
    let line = &line.line;
    if step.contract_service_id.is_none()
        && let Some(cs) = state.contract_service(step.contract_id, line.service_id)
    {
        step.contract_service_id = Some(cs.id);
    }
    match step.kind {
        LineKind::NewContractService => new_contract_service(api, step, line, state).await,
        LineKind::UnitChange => unit_change(api, step, state).await,
        LineKind::PriceChange => price_change(api, step, line, state, context).await,
        LineKind::OneTimeCharge => charge(api, step, line, state, context).await,
    }
}

async fn new_contract_service(
    api: &impl AutotaskApi,
    step: &mut JournalStep,
    line: &crate::model::plan::PlannedLine,
    state: &mut ContractsState,
) -> StepResult {
    let found = usize::from(step.contract_service_id.is_some());
    match check_reference(step, found) {
        Check::AlreadyApplied => {
            return Ok(StepEnd::Done {
                contract_service: step.contract_service_id,
            });
        }
        // A reference count has no third state: none found means "before".
        Check::Apply | Check::Conflict { .. } => {}
    }
    let mut body = json!({
        "contractID": step.contract_id,
        "serviceID": line.service_id,
        "invoiceDescription": line.invoice_description,
    });
    body[assumptions::CONTRACT_SERVICE_REFERENCE_FIELD] = json!(step.reference);
    if let Some(price) = line.unit_price {
        body["unitPrice"] = json!(price.amount());
    }
    if let Some(cost) = line.unit_cost {
        body["unitCost"] = json!(cost.amount());
    }
    step.attempts += 1;
    let target = WriteTarget::ContractChild {
        contract: step.contract_id,
        child: ContractChild::Services,
    };
    match api.create(target, &body).await {
        Ok(id) => {
            state
                .contract_services
                .push(crate::autotask::models::ContractService {
                    id,
                    contract_id: step.contract_id,
                    service_id: line.service_id,
                    unit_price: line.unit_price.map(Money::amount),
                    adjusted_price: None,
                    unit_cost: line.unit_cost.map(Money::amount),
                    invoice_description: line.invoice_description.clone(),
                });
            Ok(StepEnd::Done {
                contract_service: Some(id),
            })
        }
        Err(e) if unclear(&e) => {
            let fresh = ContractsState::read(
                api,
                &[step.contract_id],
                (step.effective_date, step.effective_date),
                false,
            )
            .await
            .map_err(|e| failed(&e))?;
            match fresh.contract_service(step.contract_id, line.service_id) {
                Some(cs) => {
                    let id = cs.id;
                    state.contract_services.push(cs.clone());
                    Ok(StepEnd::Done {
                        contract_service: Some(id),
                    })
                }
                None => Ok(StepEnd::Unconfirmed),
            }
        }
        Err(e) => Err(failed(&e)),
    }
}

/// The step's contract service, if Autotask still has it on the contract: one removed since
/// the plan shows no units, which must not read as "before" and be written to.
fn on_contract(step: &JournalStep, state: &ContractsState) -> Result<i64, (Outcome, String)> {
    match step.contract_service_id {
        Some(cs)
            if state
                .contract_services
                .iter()
                .any(|c| c.id == cs && c.contract_id == step.contract_id) =>
        {
            Ok(cs)
        }
        _ => Err((
            Outcome::GoneFromAutotask,
            format!(
                "The service is not on contract {} any more.",
                step.contract_id
            ),
        )),
    }
}

/// Units Autotask shows on the step's date, with what this batch wrote since it read them.
fn units_found(
    state: &ContractsState,
    cs: i64,
    date: NaiveDate,
    written: &[(NaiveDate, i64)],
) -> i64 {
    state.units_on(cs, date)
        + written
            .iter()
            .filter(|(d, _)| *d <= date)
            .map(|(_, change)| change)
            .sum::<i64>()
}

async fn unit_change(
    api: &impl AutotaskApi,
    step: &mut JournalStep,
    state: &mut ContractsState,
) -> StepResult {
    let cs = on_contract(step, state)?;
    let written = written_on(state, cs);
    let found = units_found(state, cs, step.effective_date, &written);
    match check(step, found) {
        Check::AlreadyApplied => {
            return Ok(StepEnd::Done {
                contract_service: None,
            });
        }
        Check::Conflict { found } => return Ok(units_conflict(step, found)),
        Check::Apply => {}
    }
    let change = step.expected_after - step.expected_before;
    let body = assumptions::unit_adjustment(step.contract_id, cs, step.effective_date, change);
    step.attempts += 1;
    let target = WriteTarget::ContractChild {
        contract: step.contract_id,
        child: ContractChild::ServiceAdjustments,
    };
    match api.create(target, &body).await {
        Ok(_) => {
            remember_written(state, cs, step.effective_date, change);
            Ok(StepEnd::Done {
                contract_service: None,
            })
        }
        Err(e) if unclear(&e) => {
            reread_spans(api, state, cs, step.effective_date).await?;
            match check(step, state.units_on(cs, step.effective_date)) {
                Check::AlreadyApplied => Ok(StepEnd::Done {
                    contract_service: None,
                }),
                Check::Apply => Ok(StepEnd::Unconfirmed),
                Check::Conflict { found } => Ok(units_conflict(step, found)),
            }
        }
        Err(e) => Err(failed(&e)),
    }
}

fn units_conflict(step: &JournalStep, found: i64) -> StepEnd {
    StepEnd::Conflict {
        found,
        message: format!(
            "On {} Autotask shows {found} units; the plan expected {} (or {} once written).",
            step.effective_date, step.expected_before, step.expected_after
        ),
        outcome: Outcome::UnitsConflict,
    }
}

/// Writes this batch made on a contract service since its spans were read.
fn written_on(state: &ContractsState, cs: i64) -> Vec<(NaiveDate, i64)> {
    state.written.get(&cs).cloned().unwrap_or_default()
}

fn remember_written(state: &mut ContractsState, cs: i64, date: NaiveDate, change: i64) {
    state.written.entry(cs).or_default().push((date, change));
}

async fn reread_spans(
    api: &impl AutotaskApi,
    state: &mut ContractsState,
    cs: i64,
    date: NaiveDate,
) -> Result<(), (Outcome, String)> {
    let window = state.window.unwrap_or((date, date));
    let window = (window.0.min(date), window.1.max(date));
    state
        .read_spans(api, &[cs], window)
        .await
        .map_err(|e| failed(&e))?;
    // The fresh spans show everything written so far.
    state.written.remove(&cs);
    Ok(())
}

async fn price_change(
    api: &impl AutotaskApi,
    step: &mut JournalStep,
    line: &crate::model::plan::PlannedLine,
    state: &mut ContractsState,
    context: &BatchContext,
) -> StepResult {
    let cs = on_contract(step, state)?;
    let Some(terms) = context.terms.get(&step.contract_id) else {
        return Err((
            Outcome::GoneFromAutotask,
            format!("Contract {} is missing or incomplete.", step.contract_id),
        ));
    };
    let span = state
        .spans_of(cs)
        .iter()
        .find(|s| s.start <= step.effective_date && step.effective_date <= s.end)
        .cloned();
    let before = Money::from_e4(step.expected_before);
    let after = Money::from_e4(step.expected_after);
    if let Some(span) = &span
        && span.units > 0
    {
        if assumptions::span_bills_at(span, terms, after) == Some(true) {
            return Ok(StepEnd::Done {
                contract_service: None,
            });
        }
        if assumptions::span_bills_at(span, terms, before) != Some(true) {
            let found = assumptions::unit_price_of_span(span, terms).unwrap_or_default();
            return Ok(StepEnd::Conflict {
                found: found.to_e4().unwrap_or_default(),
                message: format!(
                    "On {} Autotask bills {found} a unit; the plan expected {before} (or {after} once written).",
                    step.effective_date
                ),
                outcome: Outcome::PriceConflict,
            });
        }
    } else if step.attempts > 0 {
        // [I] Without units the price cannot be read back; a step already sent once stays
        // sent (assumptions.rs).
        return Ok(StepEnd::Done {
            contract_service: None,
        });
    }
    let body = assumptions::price_adjustment(
        step.contract_id,
        cs,
        step.effective_date,
        line.unit_price,
        line.unit_cost,
    );
    step.attempts += 1;
    let target = WriteTarget::ContractChild {
        contract: step.contract_id,
        child: ContractChild::ServiceAdjustments,
    };
    match api.create(target, &body).await {
        Ok(_) => Ok(StepEnd::Done {
            contract_service: None,
        }),
        Err(e) if unclear(&e) => {
            reread_spans(api, state, cs, step.effective_date).await?;
            let span = state
                .spans_of(cs)
                .iter()
                .find(|s| s.start <= step.effective_date && step.effective_date <= s.end)
                .cloned();
            match span.and_then(|s| assumptions::span_bills_at(&s, terms, after)) {
                Some(true) | None => Ok(StepEnd::Done {
                    contract_service: None,
                }),
                Some(false) => Ok(StepEnd::Unconfirmed),
            }
        }
        Err(e) => Err(failed(&e)),
    }
}

async fn charge(
    api: &impl AutotaskApi,
    step: &mut JournalStep,
    line: &crate::model::plan::PlannedLine,
    state: &mut ContractsState,
    context: &BatchContext,
) -> StepResult {
    if let Check::AlreadyApplied =
        check_reference(step, state.charges_with(step.contract_id, &step.reference))
    {
        return Ok(StepEnd::Done {
            contract_service: None,
        });
    }
    let (Some(picklists), Some(code)) = (&context.picklists, context.material_code) else {
        return Err((Outcome::NoMaterialCode, String::new()));
    };
    let quantity = line
        .charge_quantity
        .unwrap_or_else(|| rust_decimal::Decimal::from(line.quantity_change));
    let name = assumptions::charge_name(&line.service_name, &step.reference);
    let body: Value = json!({
        "contractID": step.contract_id,
        "billingCodeID": code,
        "name": name,
        "description": line.detail,
        "datePurchased": assumptions::autotask_date(step.effective_date),
        "chargeType": picklists.operational_charge,
        "unitQuantity": quantity,
        "unitPrice": line.unit_price.map(Money::amount),
        "unitCost": line.unit_cost.map(Money::amount),
        "isBillableToCompany": true,
        "contractServiceID": step.contract_service_id,
    });
    step.attempts += 1;
    let target = WriteTarget::ContractChild {
        contract: step.contract_id,
        child: ContractChild::Charges,
    };
    match api.create(target, &body).await {
        Ok(_) => {
            state.charge_names.push((step.contract_id, name));
            Ok(StepEnd::Done {
                contract_service: None,
            })
        }
        Err(e) if unclear(&e) => {
            let fresh = ContractsState::read(
                api,
                &[step.contract_id],
                (step.effective_date, step.effective_date),
                true,
            )
            .await
            .map_err(|e| failed(&e))?;
            if fresh.charges_with(step.contract_id, &step.reference) > 0 {
                state.charge_names.push((step.contract_id, name));
                Ok(StepEnd::Done {
                    contract_service: None,
                })
            } else {
                Ok(StepEnd::Unconfirmed)
            }
        }
        Err(e) => Err(failed(&e)),
    }
}

/// Records how a task ended: its steps, its status, the subscription and the action log, in one
/// transaction (a crash before it commits leaves the task `applying`; its steps are checked again
/// when it is queued again, so nothing is written twice).
async fn end_task(
    db: &DatabaseConnection,
    task: &Task,
    steps: &[JournalStep],
    ending: Ending,
    report: &mut ApplyReport,
) -> anyhow::Result<()> {
    use sea_orm::TransactionTrait;
    let reseller = task.reseller;
    let applying = TaskStatus::Applying;
    let txn = db.begin().await.context("starting a transaction")?;
    for step in steps {
        db::journal::record_step(&txn, step).await?;
    }
    let (to, failure, outcome) = match &ending {
        Ending::Done => (
            applying
                .apply(TaskEvent::Finish)
                .map_err(|r| anyhow::anyhow!("{r}"))?,
            None,
            Outcome::Done,
        ),
        Ending::Conflict(message, outcome) => (
            applying
                .apply(TaskEvent::Conflict)
                .map_err(|r| anyhow::anyhow!("{r}"))?,
            Some(TaskFailure {
                code: outcome.code().into(),
                message: format!("{} {message}", outcome.sentence()),
            }),
            *outcome,
        ),
        Ending::Failed(outcome, detail) => (
            applying
                .apply(TaskEvent::Fail)
                .map_err(|r| anyhow::anyhow!("{r}"))?,
            Some(TaskFailure {
                code: outcome.code().into(),
                message: if detail.is_empty() {
                    outcome.sentence().to_owned()
                } else {
                    format!("{} {detail}", outcome.sentence())
                },
            }),
            *outcome,
        ),
    };
    let moved = db::tasks::change_task_status(
        &txn,
        reseller,
        task.id,
        applying,
        to,
        StatusChange {
            failure: Some(failure.as_ref()),
            claimed_by: Some(None),
        },
    )
    .await?;
    if !moved {
        // Someone moved it meanwhile (a recovery queued it again): leave it to them.
        txn.rollback().await.context("undoing")?;
        return Ok(());
    }
    if matches!(ending, Ending::Done) {
        record_synced(&txn, task, steps).await?;
    }
    let message = match &failure {
        Some(f) => format!("{} {}", f.message, outcome.action()),
        None => outcome.sentence().to_owned(),
    };
    action_log::record(
        &txn,
        reseller,
        outcome.level(),
        outcome.code(),
        &message,
        Some(task.id),
    )
    .await?;
    let attempts = steps.iter().map(|s| s.attempts).max().unwrap_or(0);
    let retry = matches!(ending, Ending::Failed(..))
        && outcome.retried_automatically()
        && attempts < MAX_ATTEMPTS;
    if retry {
        let again = to
            .apply(TaskEvent::Retry)
            .map_err(|r| anyhow::anyhow!("{r}"))?;
        db::tasks::change_task_status(&txn, reseller, task.id, to, again, Default::default())
            .await?;
    }
    txn.commit().await.context("recording how the task ended")?;
    match ending {
        Ending::Done => report.done += 1,
        Ending::Conflict(..) => report.conflicts += 1,
        Ending::Failed(..) if retry => report.retried += 1,
        Ending::Failed(..) => report.failed += 1,
    }
    Ok(())
}

/// A done task leaves the subscription's synced quantity and contract service.
async fn record_synced<C: sea_orm::ConnectionTrait>(
    db: &C,
    task: &Task,
    steps: &[JournalStep],
) -> anyhow::Result<()> {
    let Some(subscription) = task.subscription else {
        return Ok(());
    };
    let quantity = match task.facts.task_type {
        TaskType::Sales | TaskType::Change | TaskType::Cancellation | TaskType::Reconcile => {
            task.facts.quantities.new
        }
        TaskType::Billing | TaskType::Renewal => None,
    };
    let contract_service = steps.iter().find_map(|s| s.contract_service_id);
    db::mappings::record_synced_subscription(
        db,
        task.reseller,
        subscription,
        quantity,
        contract_service,
    )
    .await
    .context("recording the synced subscription")?;
    Ok(())
}

/// A task left `applying` this long by a node that shows no sign of it is queued again.
pub const ABANDONED_AFTER_MINUTES: i64 = 10;

/// Queues again the tasks left `applying` by this node (it has just started) or by any node too
/// long ago; the journal makes applying them again safe. Returns, for each reseller with queued
/// work, one queued task: a job for it drains the reseller's queue.
pub async fn recover_abandoned(
    db: &DatabaseConnection,
    node: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Vec<(ResellerId, crate::model::ids::TaskId)>> {
    let stale = now - chrono::Duration::minutes(ABANDONED_AFTER_MINUTES);
    for task in db::tasks::find_abandoned_applying_tasks(db, node, stale)
        .await
        .context("finding tasks left applying")?
    {
        let Ok(queued) = task.status.apply(TaskEvent::Requeue) else {
            continue;
        };
        let moved = db::tasks::change_task_status(
            db,
            task.reseller,
            task.id,
            task.status,
            queued,
            StatusChange {
                failure: None,
                claimed_by: Some(None),
            },
        )
        .await
        .context("queueing a task again")?;
        if moved {
            tracing::warn!(task = task.id.0, "a task left applying was queued again");
        }
    }
    let mut work = Vec::new();
    for reseller in db::tasks::find_resellers_with_queued_tasks(db)
        .await
        .context("finding queued work")?
    {
        if let Some(task) = db::tasks::find_tasks_in_status(db, reseller, TaskStatus::Queued, 1)
            .await
            .context("finding queued work")?
            .first()
        {
            work.push((reseller, task.id));
        }
    }
    Ok(work)
}
