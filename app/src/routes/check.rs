use actix_session::Session;
use actix_web::{HttpResponse, web};
use maud::Markup;
use views::pages::dashboard::{CheckRunView, check_panel};

use crate::db;
use crate::jobs::check_changes;
use crate::routes::{
    auth::see_other,
    errors::AppError,
    session::{CurrentUser, csrf_token, flash},
};
use crate::state::AppState;

/// The latest run as the dashboard shows it.
pub(crate) async fn latest_run(
    state: &AppState,
    reseller: crate::domain::ids::ResellerId,
) -> Result<Option<CheckRunView>, AppError> {
    let run = db::check_runs::find_latest_check_run(&state.db, reseller)
        .await
        .map_err(|e| AppError::Unexpected(e.into()))?;
    Ok(run.map(|r| CheckRunView {
        status: r.status,
        total: i64::from(r.orders_total),
        processed: i64::from(r.tasks_created + r.skipped),
        tasks_created: i64::from(r.tasks_created),
        skipped: i64::from(r.skipped),
        message: r.message,
        started: r.started_at.format("%Y-%m-%d %H:%M").to_string(),
    }))
}

/// **Check Changes**: queue a run and go back to the dashboard, which follows its progress.
pub async fn start(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
) -> Result<HttpResponse, AppError> {
    check_changes::start(&state, user.reseller_id, "manual").await?;
    flash(&session, "Check Changes started.");
    Ok(see_other("/"))
}

/// The progress panel alone, for the dashboard's poller.
pub async fn latest(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
) -> Result<Markup, AppError> {
    let run = latest_run(&state, user.reseller_id).await?;
    Ok(check_panel(&csrf_token(&session), run.as_ref()))
}
