use actix_session::Session;
use actix_web::{HttpResponse, web};
use maud::Markup;
use serde::Deserialize;
use views::pages::tasks::{TaskDetail, TaskRow, task_detail, task_list};

use crate::domain::{
    ids::TaskId,
    tasks::{self, OPEN_STATUSES, TaskError},
};
use crate::routes::{
    auth::see_other,
    errors::AppError,
    session::{CurrentUser, flash, page_context},
};
use crate::state::AppState;

impl From<TaskError> for AppError {
    fn from(e: TaskError) -> Self {
        match e {
            TaskError::NotFound => AppError::NotFound,
            TaskError::WrongState(_) | TaskError::ReasonRequired => {
                AppError::BadRequest(e.to_string())
            }
            TaskError::Unexpected(e) => AppError::Unexpected(e),
        }
    }
}

fn row(task: &entities::sync_tasks::Model) -> TaskRow {
    TaskRow {
        id: task.id,
        order_number: task.order_number.clone(),
        task_type: task.task_type.clone(),
        status: task.status.clone(),
        created: task.order_created_at.format("%Y-%m-%d %H:%M").to_string(),
    }
}

pub async fn list(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
) -> Result<Markup, AppError> {
    let rows: Vec<TaskRow> = tasks::recent_tasks(&state.db, user.reseller_id)
        .await?
        .iter()
        .map(row)
        .collect();
    Ok(task_list(&page_context(&session, &user), &rows))
}

pub async fn detail(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
    path: web::Path<i64>,
) -> Result<Markup, AppError> {
    let task =
        tasks::task_of_reseller(&state.db, user.reseller_id, TaskId(path.into_inner())).await?;
    let detail = TaskDetail {
        row: row(&task),
        ignore_reason: task.ignore_reason.clone(),
        order_json: task
            .order_snapshot
            .as_ref()
            .and_then(|json| serde_json::to_string_pretty(json).ok())
            .unwrap_or_default(),
        can_ignore: OPEN_STATUSES.contains(&task.status.as_str()),
    };
    Ok(task_detail(&page_context(&session, &user), &detail))
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
