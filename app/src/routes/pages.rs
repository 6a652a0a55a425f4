use actix_session::Session;
use actix_web::web;
use maud::Markup;
use views::{
    Nav,
    pages::{
        dashboard::{DashboardData, dashboard as dashboard_page},
        placeholder::placeholder,
    },
};

use crate::domain::{connections, tasks};
use crate::routes::{
    errors::AppError,
    session::{CurrentUser, page_context},
};
use crate::state::AppState;

pub async fn dashboard(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
) -> Result<Markup, AppError> {
    let open_tasks = tasks::recent_tasks(&state.db, user.reseller_id)
        .await?
        .iter()
        .filter(|t| tasks::OPEN_STATUSES.contains(&t.status.as_str()))
        .count() as u64;
    let data = DashboardData {
        open_tasks,
        autotask_connected: connections::autotask_connection_summary(&state.db, user.reseller_id)
            .await?
            .is_some(),
        marketplace_connected: connections::marketplace_connection_summary(
            &state.db,
            user.reseller_id,
        )
        .await?
        .is_some(),
        latest_check: super::check::latest_run(&state, user.reseller_id).await?,
    };
    Ok(dashboard_page(&page_context(&session, &user), &data))
}

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

pub async fn action_log(session: Session, CurrentUser(user): CurrentUser) -> Markup {
    placeholder(
        &page_context(&session, &user),
        Nav::ActionLog,
        "Action log",
        "Checks, tasks, writes and errors will be listed here.",
    )
}
