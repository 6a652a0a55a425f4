//! The dashboard, the summary fragment its script fetches when a run ends, and one run's detail.

use actix_session::Session;
use actix_web::web;
use chrono::{DateTime, Utc};
use maud::Markup;
use views::pages::{
    check_run::{OrderOutcomeView, RunDetailView, RunOrderRow, run_detail as run_detail_page},
    dashboard::{
        AttentionView, DashboardData, RunRow, SummaryView, dashboard as dashboard_page,
        summary as summary_fragment,
    },
};

use crate::domain::dashboard::{self, Summary};
use crate::model::{
    check_run::{CheckRun, OrderOutcome, RunOrder, Trigger},
    ids::CheckRunId,
};
use crate::routes::{
    check::run_view,
    errors::AppError,
    labels::{run_label, status_label, type_label},
    session::{CurrentUser, page_context},
};
use crate::state::AppState;

fn minute(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M").to_string()
}

fn run_row(run: &CheckRun) -> RunRow {
    RunRow {
        id: run.id.0,
        started: minute(run.started_at),
        scheduled: run.trigger == Trigger::Schedule,
        status: run_label(run.status),
        orders_seen: i64::from(run.counts.orders_seen),
        tasks_created: i64::from(run.counts.tasks_created),
        skipped: i64::from(run.counts.skipped),
        unreadable: i64::from(run.counts.unreadable),
        message: run.message.clone(),
    }
}

fn summary_view(summary: &Summary) -> SummaryView {
    let counts = &summary.counts;
    SummaryView {
        by_status: counts
            .by_status
            .iter()
            .map(|(s, n)| (status_label(*s), *n))
            .collect(),
        by_type: counts
            .by_type
            .iter()
            .map(|(t, n)| (type_label(*t), *n))
            .collect(),
        open_tasks: counts.open(),
        runs: summary.recent_runs.iter().map(run_row).collect(),
        attention: AttentionView {
            unmapped_customers: summary.attention.unmapped_customers,
            unmapped_products: summary.attention.unmapped_products,
            conflicts: summary.attention.conflicts,
            failed: summary.attention.failed,
        },
    }
}

fn outcome_view(outcome: OrderOutcome) -> OrderOutcomeView {
    match outcome {
        OrderOutcome::TaskCreated => OrderOutcomeView::TaskCreated,
        OrderOutcome::Skipped => OrderOutcomeView::Skipped,
        OrderOutcome::Pending => OrderOutcomeView::Pending,
        OrderOutcome::Unreadable => OrderOutcomeView::Unreadable,
    }
}

fn order_row(order: RunOrder) -> RunOrderRow {
    RunOrderRow {
        order: order
            .order_number
            .or(order.mp_order_id)
            .unwrap_or_else(|| "(an order without an id)".into()),
        outcome: outcome_view(order.outcome),
        task_id: order.task.map(|t| t.0),
        note: order.note,
    }
}

pub async fn show(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
) -> Result<Markup, AppError> {
    let found = dashboard::dashboard(&state.db, user.reseller_id, Utc::now()).await?;
    let data = DashboardData {
        latest_check: found.latest_run.as_ref().map(run_view),
        summary: summary_view(&found.summary),
        autotask_connected: found.autotask_connected,
        marketplace_connected: found.marketplace_connected,
    };
    Ok(dashboard_page(&page_context(&session, &user), &data))
}

/// The summary alone, for the dashboard's script once a run has ended.
pub async fn summary(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
) -> Result<Markup, AppError> {
    let found = dashboard::summary(&state.db, user.reseller_id).await?;
    Ok(summary_fragment(&summary_view(&found)))
}

pub async fn run_detail(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
    path: web::Path<i64>,
) -> Result<Markup, AppError> {
    let (run, orders) =
        dashboard::run_detail(&state.db, user.reseller_id, CheckRunId(path.into_inner()))
            .await?
            .ok_or(AppError::NotFound)?;
    let detail = RunDetailView {
        run: run_row(&run),
        window: run
            .window
            .map(|(from, to)| format!("{} to {}", minute(from), minute(to))),
        finished: run.finished_at.map(minute),
        orders: orders.into_iter().map(order_row).collect(),
    };
    Ok(run_detail_page(&page_context(&session, &user), &detail))
}
