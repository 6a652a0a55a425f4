use actix_session::Session;
use actix_web::web;
use maud::Markup;
use views::pages::action_log::{LogRow, action_log as action_log_page};

use crate::domain::action_log;
use crate::routes::{
    errors::AppError,
    labels::level_label,
    session::{CurrentUser, page_context},
};
use crate::state::AppState;

pub async fn action_log(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
) -> Result<Markup, AppError> {
    let rows: Vec<LogRow> = action_log::recent_entries(&state.db, user.reseller_id)
        .await?
        .into_iter()
        .map(|e| LogRow {
            at: e.at.format("%Y-%m-%d %H:%M:%S").to_string(),
            level: level_label(e.level),
            code: e.code,
            message: e.message,
            task_id: e.task.map(|t| t.0),
        })
        .collect();
    Ok(action_log_page(&page_context(&session, &user), &rows))
}
