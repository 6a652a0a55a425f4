//! Step 4 and after: the review of the planned lines, Sync All, the live progress, and the
//! conflict resolution (accept what Autotask shows, or retry).

use actix_session::Session;
use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::NaiveDate;
use maud::Markup;
use serde::Deserialize;
use views::pages::wizard::{
    InvoiceRow, ProgressRow, ProgressView, ReviewLine, ReviewStep, progress_page, progress_panel,
    review_step,
};

use crate::domain::sync::{self, LineEdit, PlanOptions, Review, ReviewRefused, TaskPlan};
use crate::domain::wizard::{self, Step, StepProgress, WizardFacts};
use crate::jobs::apply_task;
use crate::model::{
    ids::TaskId,
    journal::{LineKind, StepStatus},
    money::Money,
    plan::PriceSource,
    task::{TaskEvent, TaskStatus},
};
use crate::routes::{
    auth::see_other,
    errors::AppError,
    labels::status_label,
    session::{CurrentUser, csrf_token, flash, page_context},
    wizard::{client, header, step_url, with_status},
};
use crate::state::AppState;

fn kind_label(kind: LineKind) -> &'static str {
    match kind {
        LineKind::NewContractService => "Add service to contract",
        LineKind::UnitChange => "Quantity",
        LineKind::PriceChange => "Price / cost",
        LineKind::OneTimeCharge => "One-time charge",
    }
}

fn money(m: Option<Money>) -> String {
    m.map(|m| m.to_string()).unwrap_or_default()
}

/// The choices the review page plans with, as typed (`prices`, `date`).
#[derive(Deserialize, Default)]
pub struct ReviewQuery {
    #[serde(default)]
    prices: String,
    #[serde(default)]
    date: String,
}

/// Parses the choices; a date that is not one is a field error, planned without it.
fn options_of(prices: &str, date: &str, errors: &mut Vec<(String, String)>) -> PlanOptions {
    let price_source = match prices.trim() {
        "autotask" => Some(PriceSource::Autotask),
        "marketplace" => Some(PriceSource::Marketplace),
        _ => None,
    };
    let date = date.trim();
    let effective_date = if date.is_empty() {
        None
    } else {
        match NaiveDate::parse_from_str(date, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push((
                    "date".into(),
                    "Not a date: use a real day as YYYY-MM-DD.".into(),
                ));
                None
            }
        }
    };
    PlanOptions {
        price_source,
        effective_date,
    }
}

/// The review page for a plan (or the reason there is none), with typed values laid over.
#[allow(clippy::too_many_arguments)]
fn review_page(
    ctx: &views::PageContext,
    facts: &WizardFacts,
    plan: Result<&TaskPlan, String>,
    options: PlanOptions,
    default_source: PriceSource,
    typed: &[LineEdit],
    field_errors: Vec<(String, String)>,
    error: Option<String>,
) -> Markup {
    let source = options.price_source.unwrap_or(default_source);
    let (lines, contract, seen, amounts, invoice, plan_error) = match plan {
        Ok(plan) => {
            let typed_of = |n: i32| typed.iter().find(|e| e.line_no == n);
            let lines = plan
                .lines
                .iter()
                .map(|l| {
                    let t = typed_of(l.line_no);
                    ReviewLine {
                        line_no: l.line_no,
                        kind: kind_label(l.kind),
                        effective_date: l.effective_date.to_string(),
                        end_date: l.end_date.map(|d| d.to_string()).unwrap_or_default(),
                        service_name: l.service_name.clone(),
                        invoice_description: t
                            .and_then(|t| t.invoice_description.clone())
                            .or_else(|| l.invoice_description.clone())
                            .unwrap_or_default(),
                        current_quantity: l.current_quantity,
                        quantity_change: match (l.kind, l.charge_quantity) {
                            (LineKind::OneTimeCharge, Some(q)) => q.to_string(),
                            (LineKind::OneTimeCharge | LineKind::UnitChange, _) => {
                                format!("{:+}", l.quantity_change)
                            }
                            _ => String::new(),
                        },
                        price: money(l.unit_price),
                        cost: money(l.unit_cost),
                        price_editable: sync::price_editable(l.kind),
                        detail: l.detail.clone(),
                        selected: t.is_none_or(|t| t.selected),
                    }
                })
                .collect();
            let setup: Money = Money::rounded(
                plan.preview
                    .lines
                    .iter()
                    .filter(|i| {
                        plan.lines
                            .iter()
                            .any(|l| l.line_no == i.line_no && l.kind == LineKind::OneTimeCharge)
                    })
                    .map(|i| i.amount.amount())
                    .sum(),
            );
            let invoice = plan
                .preview
                .lines
                .iter()
                .map(|i| InvoiceRow {
                    line_no: i.line_no,
                    period: format!("{} – {}", i.start, i.end),
                    label: i.label.clone(),
                    amount: i.amount.to_string(),
                    cost: i.cost.to_string(),
                })
                .collect();
            (
                lines,
                format!(
                    "{} (Autotask contract {})",
                    plan.input.contract.name, plan.input.contract.id
                ),
                sync::fingerprint(&plan.lines),
                (
                    setup.to_string(),
                    plan.preview.recurring_before.to_string(),
                    plan.preview.recurring_after.to_string(),
                ),
                invoice,
                None,
            )
        }
        Err(why) => (
            Vec::new(),
            String::new(),
            String::new(),
            Default::default(),
            Vec::new(),
            Some(why),
        ),
    };
    let can_sync = plan_error.is_none();
    let step = ReviewStep {
        header: header(facts, Step::Review),
        contract,
        price_source: match source {
            PriceSource::Autotask => "autotask",
            PriceSource::Marketplace => "marketplace",
        },
        effective_date: options
            .effective_date
            .or(facts.task.effective_date)
            .unwrap_or_else(|| facts.task.order.created_at.date_naive())
            .to_string(),
        seen,
        lines,
        setup_amount: amounts.0,
        recurring_before: amounts.1,
        recurring_after: amounts.2,
        invoice,
        field_errors,
        error: error.or(plan_error),
        can_sync,
    };
    review_step(ctx, &step)
}

/// Plans the task for the review page.
async fn plan_for_review(
    state: &AppState,
    facts: &WizardFacts,
    options: PlanOptions,
) -> Result<Result<TaskPlan, String>, AppError> {
    let client = client(state, facts.task.reseller).await?;
    let plan = sync::plan_tasks_for_review(
        &state.db,
        client.as_ref(),
        std::slice::from_ref(&facts.task),
        options,
    )
    .await?
    .pop()
    .ok_or_else(|| AppError::Unexpected(anyhow::anyhow!("no plan for the task")))?;
    Ok(plan.map_err(|why| format!("{why} {}", why.outcome.action())))
}

async fn default_source(state: &AppState, facts: &WizardFacts) -> Result<PriceSource, AppError> {
    Ok(
        crate::db::settings::find_rule_settings(&state.db, facts.task.reseller)
            .await
            .map_err(anyhow::Error::from)?
            .price_source,
    )
}

/// Where an open task that is not ready for review goes instead.
fn elsewhere(facts: &WizardFacts) -> Option<HttpResponse> {
    match facts.task.status {
        TaskStatus::New | TaskStatus::Ready => {
            let next = facts.next_step();
            (next != Step::Review).then(|| see_other(&step_url(facts.task.id, next)))
        }
        TaskStatus::Ignored => Some(see_other(&format!("/tasks/{}", facts.task.id))),
        _ => Some(see_other(&format!("/tasks/{}/progress", facts.task.id))),
    }
}

pub async fn review(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
    path: web::Path<i64>,
    query: web::Query<ReviewQuery>,
) -> Result<HttpResponse, AppError> {
    let facts = wizard::facts_of_task(&state.db, user.reseller_id, TaskId(*path)).await?;
    if let Some(other) = elsewhere(&facts) {
        return Ok(other);
    }
    let mut errors = Vec::new();
    let options = options_of(&query.prices, &query.date, &mut errors);
    let plan = plan_for_review(&state, &facts, options).await?;
    let source = match &plan {
        Ok(plan) => plan.input.settings.price_source,
        Err(_) => default_source(&state, &facts).await?,
    };
    let page = review_page(
        &page_context(&session, &user),
        &facts,
        plan.as_ref().map_err(Clone::clone),
        options,
        source,
        &[],
        errors,
        None,
    );
    Ok(with_status(StatusCode::OK, page))
}

/// The longest invoice description Autotask takes (reference §8.4).
const DESCRIPTION_MAX: usize = 1000;

/// Reads the review form's lines; every value that is not acceptable is a field error.
fn edits_of(pairs: &[(String, String)], errors: &mut Vec<(String, String)>) -> Vec<LineEdit> {
    let value = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let mut edits = Vec::new();
    for n in pairs
        .iter()
        .filter(|(k, _)| k == "line")
        .filter_map(|(_, v)| v.parse::<i32>().ok())
    {
        let mut money_field = |field: &str, allow_negative: bool| {
            let name = format!("line-{n}-{field}");
            let text = value(&name).unwrap_or("").trim();
            if text.is_empty() {
                return None;
            }
            match Money::parse(text) {
                Ok(m) if allow_negative || m.amount() >= rust_decimal::Decimal::ZERO => Some(m),
                Ok(_) => {
                    errors.push((name, format!("The {field} cannot be negative.")));
                    None
                }
                Err(_) => {
                    errors.push((name, format!("The {field} must be a number, like 12.50.")));
                    None
                }
            }
        };
        let unit_price = money_field("price", true);
        let unit_cost = money_field("cost", false);
        let description_name = format!("line-{n}-description");
        let description = value(&description_name).map(str::to_owned);
        if let Some(text) = &description {
            if text.chars().count() > DESCRIPTION_MAX {
                errors.push((
                    description_name.clone(),
                    format!("At most {DESCRIPTION_MAX} characters."),
                ));
            } else if text.chars().any(|c| c.is_control()) {
                errors.push((
                    description_name.clone(),
                    "Control characters are not allowed.".into(),
                ));
            }
        }
        edits.push(LineEdit {
            line_no: n,
            selected: value(&format!("line-{n}-selected")) == Some("on"),
            invoice_description: description.map(|d| d.trim().to_owned()),
            unit_price,
            unit_cost,
        });
    }
    edits
}

/// **Sync All**: the reviewed plan becomes the journal and the apply job is queued.
pub async fn sync_all(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
    path: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let facts = wizard::facts_of_task(&state.db, user.reseller_id, TaskId(*path)).await?;
    if let Some(other) = elsewhere(&facts) {
        return Ok(other);
    }
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body)
        .map_err(|_| AppError::BadRequest("The form could not be read.".into()))?;
    let value = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    };
    let mut errors = Vec::new();
    let options = options_of(value("prices"), value("date"), &mut errors);
    let edits = edits_of(&pairs, &mut errors);
    let refused = if errors.is_empty() {
        let client = client(&state, user.reseller_id).await?;
        let review = Review {
            options,
            seen: value("seen").to_owned(),
            lines: edits.clone(),
        };
        match sync::sync_reviewed(
            &state.db,
            client.as_ref(),
            user.reseller_id,
            facts.task.id,
            &review,
        )
        .await?
        {
            Ok(outcome) => {
                if outcome.queued.contains(&facts.task.id) {
                    apply_task::queue(&state, user.reseller_id, facts.task.id).await?;
                    flash(&session, "Synced: the lines are on their way to Autotask.");
                } else {
                    flash(
                        &session,
                        "Autotask already shows what the order asks: the task is done, nothing was written.",
                    );
                }
                return Ok(see_other(&format!("/tasks/{}/progress", facts.task.id)));
            }
            Err(ReviewRefused::NotOpen(_)) => {
                return Ok(see_other(&format!("/tasks/{}/progress", facts.task.id)));
            }
            Err(why) => Some(why.to_string()),
        }
    } else {
        Some("Some values cannot be used; see the messages beside them. Nothing was synced.".into())
    };
    let plan = plan_for_review(&state, &facts, options).await?;
    let page = review_page(
        &page_context(&session, &user),
        &facts,
        plan.as_ref().map_err(Clone::clone),
        options,
        default_source(&state, &facts).await?,
        &edits,
        errors,
        refused,
    );
    Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, page))
}

fn step_status(status: StepStatus) -> &'static str {
    match status {
        StepStatus::Pending => "Waiting",
        StepStatus::Done => "Done",
        StepStatus::Conflict => "Conflict",
        StepStatus::Failed => "Failed",
        StepStatus::Skipped => "Skipped",
    }
}

fn found_text(step: &StepProgress) -> Option<String> {
    let found = step.found?;
    (step.status == StepStatus::Conflict).then(|| match step.kind {
        LineKind::PriceChange => format!(
            "Expected a price of {} (to make it {}), Autotask shows {}.",
            Money::from_e4(step.expected_before),
            Money::from_e4(step.expected_after),
            Money::from_e4(found)
        ),
        _ => format!(
            "Expected {} units (to make them {}), Autotask shows {found}.",
            step.expected_before, step.expected_after
        ),
    })
}

async fn progress_view(
    state: &AppState,
    reseller: crate::model::ids::ResellerId,
    task: TaskId,
) -> Result<ProgressView, AppError> {
    let facts = wizard::facts_of_task(&state.db, reseller, task).await?;
    let progress = wizard::progress_of_task(&state.db, reseller, task).await?;
    let status = progress.task.status;
    Ok(ProgressView {
        task_id: task.0,
        summary: wizard::summary(&facts),
        status: status_label(status).label().to_owned(),
        finished: progress.finished,
        rows: progress
            .steps
            .iter()
            .map(|s| ProgressRow {
                line_no: s.line_no,
                kind: kind_label(s.kind),
                service_name: s.service_name.clone(),
                effective_date: s.effective_date.to_string(),
                status: step_status(s.status),
                found: found_text(s),
                message: s
                    .message
                    .clone()
                    .filter(|_| s.status != StepStatus::Done)
                    .map(|m| match &s.code {
                        Some(code) => format!("{m} ({code})"),
                        None => m,
                    }),
                action: s.action.map(str::to_owned),
            })
            .collect(),
        task_message: progress
            .task
            .failure
            .as_ref()
            .map(|f| f.message.clone())
            .filter(|_| matches!(status, TaskStatus::Failed | TaskStatus::Conflict)),
        can_replan: status.apply(TaskEvent::Replan).is_ok(),
        can_retry: status.apply(TaskEvent::Retry).is_ok(),
    })
}

pub async fn progress(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let task = TaskId(*path);
    let facts = wizard::facts_of_task(&state.db, user.reseller_id, task).await?;
    // A task never synced has no progress yet: its wizard is the way on.
    if matches!(facts.task.status, TaskStatus::New | TaskStatus::Ready) {
        return Ok(see_other(&format!("/tasks/{task}/wizard")));
    }
    let view = progress_view(&state, user.reseller_id, task).await?;
    Ok(with_status(
        StatusCode::OK,
        progress_page(&page_context(&session, &user), &view),
    ))
}

pub async fn progress_fragment(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
    path: web::Path<i64>,
) -> Result<Markup, AppError> {
    let view = progress_view(&state, user.reseller_id, TaskId(*path)).await?;
    Ok(progress_panel(&csrf_token(&session), &view))
}

#[derive(Deserialize)]
pub struct ResolveForm {
    #[serde(default)]
    resolution: String,
}

/// Accept what Autotask shows (plan again) or retry as planned; both are logged.
pub async fn resolve(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
    path: web::Path<i64>,
    form: web::Form<ResolveForm>,
) -> Result<HttpResponse, AppError> {
    let task = TaskId(*path);
    // Another reseller's task is a 404 before anything else.
    wizard::facts_of_task(&state.db, user.reseller_id, task).await?;
    let resolution = match form.resolution.as_str() {
        "replan" => sync::Resolution::Replan,
        "retry" => sync::Resolution::Retry,
        _ => {
            return Err(AppError::BadRequest(
                "Choose to plan again or to retry.".into(),
            ));
        }
    };
    match sync::resolve(&state.db, user.reseller_id, task, resolution).await? {
        Ok(_) if resolution == sync::Resolution::Retry => {
            apply_task::queue(&state, user.reseller_id, task).await?;
            flash(&session, "Trying again as planned.");
            Ok(see_other(&format!("/tasks/{task}/progress")))
        }
        Ok(_) => {
            flash(
                &session,
                "Planned again from what Autotask shows now: review the lines, then Sync All.",
            );
            Ok(see_other(&format!("/tasks/{task}/review")))
        }
        Err(refused) => Err(AppError::BadRequest(format!(
            "This cannot be done: {}.",
            refused.reason
        ))),
    }
}
