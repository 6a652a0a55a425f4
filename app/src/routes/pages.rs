use actix_session::Session;
use actix_web::web;
use maud::Markup;
use views::{
    Nav,
    pages::{
        action_log::{LogRow, action_log as action_log_page},
        placeholder::placeholder,
    },
};

use crate::domain::action_log;
use crate::routes::{
    errors::AppError,
    labels::level_label,
    session::{CurrentUser, page_context},
};
use crate::state::AppState;

pub async fn mapping(session: Session, CurrentUser(user): CurrentUser) -> Markup {
    placeholder(
        &page_context(&session, &user),
        Nav::Mapping,
        "Mapping",
        "Customer, product and fee mappings will appear here.",
    )
}

pub async fn import(session: Session, CurrentUser(user): CurrentUser) -> Markup {
    placeholder(
        &page_context(&session, &user),
        Nav::Import,
        "Import customers",
        "Unmapped Autotask companies will be listed here for import.",
    )
}

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
