use actix_session::Session;
use actix_web::{HttpResponse, web};
use maud::Markup;
use serde::Deserialize;
use views::labels::{StatusLabel, TypeLabel};
use views::pages::tasks::{TaskDetail, TaskFilters, TaskPaging, TaskRow, task_detail, task_list};

use crate::domain::sync::Outcome;
use crate::domain::tasks::{self, PageNumber, TASKS_PER_PAGE, TaskError};
use crate::domain::wizard::{self, Step, WizardFacts};
use crate::model::{
    catalog::Customer,
    ids::{CustomerRowId, TaskId},
    task::{Task, TaskEvent, TaskFilter, TaskStatus},
};
use crate::routes::{
    auth::see_other,
    errors::AppError,
    labels::{status_label, status_of, type_label, type_of},
    session::{CurrentUser, flash, page_context},
    wizard::step_url,
};
use crate::state::AppState;

impl From<TaskError> for AppError {
    fn from(e: TaskError) -> Self {
        match e {
            TaskError::NotFound => AppError::NotFound,
            TaskError::Refused(refused) => {
                AppError::BadRequest(format!("This cannot be done: {}.", refused.reason))
            }
            TaskError::ReasonRequired => AppError::BadRequest(e.to_string()),
            TaskError::Unexpected(e) => AppError::Unexpected(e),
        }
    }
}

fn row(task: &Task, customers: &[Customer]) -> TaskRow {
    let customer = task
        .customer
        .and_then(|id| customers.iter().find(|c| c.id == id))
        .map(|c| c.name.clone())
        .unwrap_or_default();
    TaskRow {
        id: task.id.0,
        customer,
        order_number: task.order.order_number.clone(),
        task_type: type_label(task.facts.task_type),
        status: status_label(task.status),
        created: task.order.created_at.format("%Y-%m-%d %H:%M").to_string(),
    }
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(rename = "type", default)]
    task_type: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    customer: String,
    #[serde(default)]
    page: String,
}

impl ListQuery {
    /// The filters as typed values; a value the page never offers counts as "any".
    fn filters(&self) -> (Option<TypeLabel>, Option<StatusLabel>, Option<i64>) {
        (
            TypeLabel::from_slug(self.task_type.trim()),
            StatusLabel::from_slug(self.status.trim()),
            self.customer.trim().parse().ok(),
        )
    }
}

pub async fn list(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
    query: web::Query<ListQuery>,
) -> Result<Markup, AppError> {
    let (task_type, status, customer) = query.filters();
    let filter = TaskFilter {
        task_type: task_type.map(type_of),
        status: status.map(status_of),
        customer: customer.map(CustomerRowId),
    };
    let page = PageNumber::parse(&query.page);
    let overview = tasks::task_overview(&state.db, user.reseller_id, &filter, page).await?;
    let rows: Vec<TaskRow> = overview
        .tasks
        .iter()
        .map(|t| row(t, &overview.customers))
        .collect();
    let filters = TaskFilters {
        task_type,
        status,
        customer,
        customers: overview
            .customers
            .iter()
            .map(|c| (c.id.0, c.name.clone()))
            .collect(),
        counts: overview
            .counts
            .iter()
            .map(|(s, n)| (status_label(*s), *n))
            .collect(),
    };
    let paging = TaskPaging {
        page: overview.page.get(),
        per_page: TASKS_PER_PAGE,
        matching: overview.matching,
    };
    Ok(task_list(
        &page_context(&session, &user),
        &filters,
        &paging,
        &rows,
    ))
}

/// Ignore or un-ignore the ticked tasks (`task` repeats, so the body is read as pairs).
pub async fn bulk(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body)
        .map_err(|_| AppError::BadRequest("The form could not be read.".into()))?;
    let value = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let ids: Vec<TaskId> = pairs
        .iter()
        .filter(|(k, _)| k == "task")
        .filter_map(|(_, v)| v.parse().ok())
        .map(TaskId)
        .collect();
    if ids.is_empty() {
        return Err(AppError::BadRequest("Tick at least one task first.".into()));
    }
    let ignore = match value("action").as_str() {
        "ignore" => true,
        "unignore" => false,
        _ => return Err(AppError::BadRequest("Choose Ignore or Un-ignore.".into())),
    };
    let outcome =
        tasks::bulk_ignore(&state.db, user.reseller_id, &ids, ignore, &value("reason")).await?;
    let verb = if ignore { "ignored" } else { "opened again" };
    let mut message = format!("{} tasks {verb}.", outcome.changed);
    if outcome.refused > 0 {
        message.push_str(&format!(
            " {} could not be changed in their current state.",
            outcome.refused
        ));
    }
    flash(&session, message);
    Ok(see_other("/tasks"))
}

pub async fn detail(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
    path: web::Path<i64>,
) -> Result<Markup, AppError> {
    let facts = wizard::facts_of_task(&state.db, user.reseller_id, TaskId(*path)).await?;
    let task = &facts.task;
    let open = matches!(task.status, TaskStatus::New | TaskStatus::Ready);
    let customers: Vec<Customer> = facts.customer.iter().cloned().collect();
    let failure = task.failure.as_ref().map(|f| {
        let action = Outcome::from_code(&f.code).map(Outcome::action);
        match action {
            Some(action) => format!("{} What to do: {action}", f.message),
            None => f.message.clone(),
        }
    });
    let detail = TaskDetail {
        row: row(task, &customers),
        summary: wizard::summary(&facts),
        needs: needs(&facts),
        wizard_href: open.then(|| step_url(task.id, facts.next_step())),
        progress_href: (!open && task.status != TaskStatus::Ignored)
            .then(|| format!("/tasks/{}/progress", task.id)),
        failure,
        ignore_reason: task.ignore_reason.clone(),
        order_json: task
            .order_snapshot
            .as_ref()
            .and_then(|json| serde_json::to_string_pretty(json).ok())
            .unwrap_or_default(),
        can_ignore: task.status.apply(TaskEvent::Ignore).is_ok(),
        can_unignore: task.status.apply(TaskEvent::Unignore).is_ok(),
    };
    Ok(task_detail(&page_context(&session, &user), &detail))
}

/// What the task still needs, in words.
fn needs(facts: &WizardFacts) -> Vec<String> {
    let task = &facts.task;
    match task.status {
        TaskStatus::New | TaskStatus::Ready => {}
        TaskStatus::Queued | TaskStatus::Applying => {
            return vec!["Nothing from you: a worker is writing it to Autotask.".into()];
        }
        TaskStatus::Conflict => {
            return vec![
                "A decision: Autotask shows something else than the plan expected.".into(),
            ];
        }
        TaskStatus::Failed => return vec!["A retry, once the reason above is fixed.".into()],
        TaskStatus::Done | TaskStatus::Ignored => return Vec::new(),
    }
    let mut needs = Vec::new();
    if facts.subscription.is_none() {
        needs.push(
            "A subscription psa-sync can read: run Check Changes again, or ignore the task.".into(),
        );
        return needs;
    }
    for step in Step::ALL {
        if facts.satisfied(step) {
            continue;
        }
        needs.push(
            match step {
                Step::Customer => "The customer mapped to an Autotask company.",
                Step::Product => "The product mapped to an Autotask service.",
                Step::Contract => "The contract the subscription goes on.",
                Step::Review => "Your review of the planned lines, then Sync All.",
            }
            .into(),
        );
    }
    needs
}

#[derive(Deserialize)]
pub struct IgnoreForm {
    reason: String,
}

pub async fn ignore(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
    path: web::Path<i64>,
    form: web::Form<IgnoreForm>,
) -> Result<HttpResponse, AppError> {
    let task = TaskId(path.into_inner());
    tasks::ignore_task(&state.db, user.reseller_id, task, &form.reason).await?;
    flash(&session, "The task is ignored.");
    Ok(see_other(&format!("/tasks/{task}")))
}

pub async fn unignore(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let task = TaskId(path.into_inner());
    tasks::unignore_task(&state.db, user.reseller_id, task).await?;
    flash(&session, "The task is open again.");
    Ok(see_other(&format!("/tasks/{task}")))
}
