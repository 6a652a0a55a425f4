use maud::{Markup, html};

use crate::labels::{RunLabel, StatusLabel, TypeLabel};
use crate::layout::{Nav, PageContext, page};

/// Everything on the dashboard.
#[derive(Debug, Clone, Default)]
pub struct DashboardData {
    pub latest_check: Option<CheckRunView>,
    pub summary: SummaryView,
    pub autotask_connected: bool,
    pub marketplace_connected: bool,
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

/// The part of the dashboard a finished run changes: the page fetches it again when a run
/// ends, and a reload shows the same.
#[derive(Debug, Clone, Default)]
pub struct SummaryView {
    /// Every status, zero included.
    pub by_status: Vec<(StatusLabel, i64)>,
    /// Every type, zero included.
    pub by_type: Vec<(TypeLabel, i64)>,
    pub open_tasks: i64,
    pub runs: Vec<RunRow>,
    pub attention: AttentionView,
}

/// What needs a person, counted.
#[derive(Debug, Clone, Copy, Default)]
pub struct AttentionView {
    pub unmapped_customers: u64,
    pub unmapped_products: u64,
    pub conflicts: i64,
    pub failed: i64,
}

/// One Check Changes run in the list of recent runs.
#[derive(Debug, Clone)]
pub struct RunRow {
    pub id: i64,
    pub started: String,
    pub scheduled: bool,
    pub status: RunLabel,
    pub orders_seen: i64,
    pub tasks_created: i64,
    pub skipped: i64,
    pub unreadable: i64,
    pub message: Option<String>,
}

impl RunRow {
    /// "No change" for a successful run that made no task; otherwise the run's status.
    pub fn outcome(&self) -> &'static str {
        match self.status {
            RunLabel::Done if self.tasks_created == 0 => "No change",
            status => status.label(),
        }
    }
}

/// The Check Changes button with the latest run's progress; while a run is going, a small
/// script replaces this panel with a fresh copy every second and, when the run has ended,
/// the summary below it (the page works without it: a reload shows the same).
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
                    RunLabel::Queued => { p { "Waiting for a worker…" } progress style=(PROGRESS_STYLE) max="1" {} }
                    RunLabel::Running => {
                        p { "Checking orders: " (run.processed) " of " (run.total) }
                        progress style=(PROGRESS_STYLE) value=(run.processed) max=(run.total.max(1)) {}
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
                script src="/static/dashboard.js" {}
            }
        }
    }
}

const PROGRESS_STYLE: &str = "width:100%;max-width:28rem;height:1rem";

/// Counts, recent runs and what needs attention.
pub fn summary(data: &SummaryView) -> Markup {
    html! {
        div #dashboard-summary {
            div.card {
                h2 { "Sync tasks" }
                p { "Open sync tasks: " strong #open-tasks { (data.open_tasks) } }
                div style="display:flex;gap:2rem;flex-wrap:wrap" {
                    (count_table("By state", "status", data.by_status.iter().map(|(s, n)| (s.slug(), s.label(), *n))))
                    (count_table("By type", "type", data.by_type.iter().map(|(t, n)| (t.slug(), t.label(), *n))))
                }
            }
            (attention(&data.attention))
            (recent_runs(&data.runs))
        }
    }
}

fn count_table<'a>(
    title: &str,
    filter: &str,
    rows: impl Iterator<Item = (&'a str, &'a str, i64)>,
) -> Markup {
    html! {
        table style="width:auto;min-width:16rem" {
            thead { tr { th { (title) } th style="text-align:right" { "Tasks" } } }
            tbody {
                @for (slug, label, n) in rows {
                    tr {
                        td { a href={ "/tasks?" (filter) "=" (slug) } { (label) } }
                        td style="text-align:right" data-count=(slug) { (n) }
                    }
                }
            }
        }
    }
}

fn attention(a: &AttentionView) -> Markup {
    // (count, one, many, where to act on it)
    let items: [(u64, &str, &str, &str); 4] = [
        (
            a.unmapped_customers,
            "customer not mapped to an Autotask company",
            "customers not mapped to an Autotask company",
            "/mapping?unmapped=1",
        ),
        (
            a.unmapped_products,
            "product not mapped to an Autotask service",
            "products not mapped to an Autotask service",
            "/mapping/products?unmapped=1",
        ),
        (
            a.conflicts.unsigned_abs(),
            "task in conflict (Autotask changed under us)",
            "tasks in conflict (Autotask changed under us)",
            "/tasks?status=conflict",
        ),
        (
            a.failed.unsigned_abs(),
            "task failed",
            "tasks failed",
            "/tasks?status=failed",
        ),
    ];
    html! {
        div.card #attention {
            h2 { "Needs attention" }
            @if items.iter().all(|(n, ..)| *n == 0) {
                p.empty { "Nothing needs attention." }
            } @else {
                ul {
                    @for (n, one, many, href) in items {
                        @if n > 0 {
                            li { a href=(href) { strong { (n) } " " (if n == 1 { one } else { many }) } }
                        }
                    }
                }
            }
        }
    }
}

fn recent_runs(runs: &[RunRow]) -> Markup {
    html! {
        div.card #recent-runs {
            h2 { "Last check runs" }
            @if runs.is_empty() {
                p.empty { "No check has run yet." }
            } @else {
                table {
                    thead { tr {
                        th { "Started" } th { "By" } th { "Result" } th { "Orders" } th { "New tasks" } th { "Skipped" } th { "Unreadable" }
                    } }
                    tbody {
                        @for run in runs {
                            tr {
                                td { a href={ "/check/runs/" (run.id) } { (run.started) } }
                                td { (if run.scheduled { "Schedule" } else { "Button" }) }
                                td { span.badge { (run.outcome()) } }
                                td { (run.orders_seen) }
                                td { (run.tasks_created) }
                                td { (run.skipped) }
                                td { (run.unreadable) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The landing page after sign-in.
pub fn dashboard(ctx: &PageContext, data: &DashboardData) -> Markup {
    page(
        ctx,
        Nav::Dashboard,
        "Dashboard",
        html! {
            (check_panel(&ctx.csrf_token, data.latest_check.as_ref()))
            (summary(&data.summary))
            div.card {
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
