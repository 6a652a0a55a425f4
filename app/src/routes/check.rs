use actix_session::Session;
use actix_web::{HttpResponse, web};
use maud::Markup;
use views::pages::dashboard::{CheckRunView, check_panel};

use chrono::Utc;

use crate::domain::check_changes;
use crate::jobs::check_changes::start as queue_check;
use crate::model::{
    check_run::{CheckRun, Trigger},
    ids::ResellerId,
};
use crate::routes::{
    auth::see_other,
    errors::AppError,
    labels::run_label,
    session::{CurrentUser, csrf_token, flash},
};
use crate::state::AppState;

/// A run as the progress panel shows it.
pub(crate) fn run_view(r: &CheckRun) -> CheckRunView {
    CheckRunView {
        status: run_label(r.status),
        total: i64::from(r.orders_total),
        processed: i64::from(r.counts.tasks_created + r.counts.skipped + r.counts.unreadable),
        tasks_created: i64::from(r.counts.tasks_created),
        skipped: i64::from(r.counts.skipped),
        message: r.message.clone(),
        started: r.started_at.format("%Y-%m-%d %H:%M").to_string(),
    }
}

/// The latest run as the dashboard shows it.
async fn latest_run(
    state: &AppState,
    reseller: ResellerId,
) -> Result<Option<CheckRunView>, AppError> {
    let run = check_changes::latest_run(&state.db, reseller, Utc::now()).await?;
    Ok(run.as_ref().map(run_view))
}

/// **Check Changes**: queue a run and go back to the dashboard, which follows its progress.
pub async fn start(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
) -> Result<HttpResponse, AppError> {
    queue_check(&state, user.reseller_id, Trigger::Manual).await?;
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
