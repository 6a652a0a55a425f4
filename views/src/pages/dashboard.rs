use maud::{Markup, html};

use crate::labels::RunLabel;
use crate::layout::{Nav, PageContext, page};

/// Counts shown on the dashboard.
#[derive(Debug, Clone, Default)]
pub struct DashboardData {
    pub open_tasks: i64,
    pub autotask_connected: bool,
    pub marketplace_connected: bool,
    pub latest_check: Option<CheckRunView>,
}

/// The latest Check Changes run.
#[derive(Debug, Clone)]
pub struct CheckRunView {
    pub status: RunLabel,
    pub total: i64,
    pub processed: i64,
    pub tasks_created: i64,
    pub skipped: i64,
    pub message: Option<String>,
    pub started: String,
}

impl CheckRunView {
    fn running(&self) -> bool {
        matches!(self.status, RunLabel::Queued | RunLabel::Running)
    }
}

/// The Check Changes button with the latest run's progress; while a run is going, a small
/// script replaces this panel with a fresh copy every second (the page works without it).
pub fn check_panel(csrf_token: &str, run: Option<&CheckRunView>) -> Markup {
    let running = run.is_some_and(CheckRunView::running);
    html! {
        div #check-panel .card data-running=(running) {
            h2 { "Check Changes" }
            p.hint { "Looks for new marketplace orders and turns each into a sync task." }
            form method="post" action="/check" {
                input type="hidden" name="csrf_token" value=(csrf_token);
                button type="submit" disabled[running] { (if running { "Checking…" } else { "Check Changes" }) }
            }
            @if let Some(run) = run {
                @match run.status {
                    RunLabel::Queued => { p { "Waiting for a worker…" } progress max="1" {} }
                    RunLabel::Running => {
                        p { "Checking orders: " (run.processed) " of " (run.total) }
                        progress value=(run.processed) max=(run.total.max(1)) {}
                    }
                    RunLabel::Done => { p role="status" { "Last check (" (run.started) "): " strong { (run.tasks_created) " new tasks" } ", " (run.skipped) " skipped." } }
                    RunLabel::Warning => {
                        div.warning role="status" {
                            strong { (RunLabel::Warning.label()) } " (" (run.started) "): "
                            (run.message.as_deref().unwrap_or("Some orders could not be read; see the action log."))
                            " " a href="/log" { "Open the action log" }
                        }
                    }
                    RunLabel::Failed => { div.error role="alert" { (run.message.as_deref().unwrap_or("The last check failed.")) } }
                }
            }
            @if running {
                script { (maud::PreEscaped(POLL_SCRIPT)) }
            }
        }
    }
}

const POLL_SCRIPT: &str = r#"
(function poll() {
  setTimeout(function () {
    fetch('/check/latest', {credentials: 'same-origin'}).then(function (r) { return r.ok ? r.text() : null; }).then(function (html) {
      if (!html) return;
      var panel = document.getElementById('check-panel');
      var holder = document.createElement('div');
      holder.innerHTML = html;
      var fresh = holder.firstElementChild;
      panel.replaceWith(fresh);
      if (fresh.getAttribute('data-running') === 'true') poll();
    });
  }, 1000);
})();
"#;

/// The landing page after sign-in.
pub fn dashboard(ctx: &PageContext, data: &DashboardData) -> Markup {
    page(
        ctx,
        Nav::Dashboard,
        "Dashboard",
        html! {
            (check_panel(&ctx.csrf_token, data.latest_check.as_ref()))
            div.card {
                p { "Open sync tasks: " strong { (data.open_tasks) } }
                p {
                    "Autotask: " (connection_badge(data.autotask_connected))
                    " · Marketplace: " (connection_badge(data.marketplace_connected))
                }
                @if !(data.autotask_connected && data.marketplace_connected) {
                    p.hint { "Set up both connections under " a href="/settings" { "Settings" } "." }
                }
            }
        },
    )
}

fn connection_badge(connected: bool) -> Markup {
    html! { span.badge { (if connected { "connected" } else { "not set up" }) } }
}
