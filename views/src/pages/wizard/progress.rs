//! After Sync All: each line's outcome, live while the worker writes (a small script reloads
//! the panel; without it a reload shows the same).

use maud::{Markup, html};

use crate::components::csrf_field;
use crate::layout::{Nav, PageContext, page};

/// One line's outcome.
#[derive(Debug, Clone)]
pub struct ProgressRow {
    pub line_no: i32,
    pub kind: &'static str,
    pub service_name: String,
    pub effective_date: String,
    /// "Waiting", "Done", "Conflict", "Failed", "Skipped".
    pub status: &'static str,
    /// For a conflict: "expected 3, Autotask shows 4".
    pub found: Option<String>,
    pub message: Option<String>,
    pub action: Option<String>,
}

/// The progress of a synced task.
#[derive(Debug, Clone)]
pub struct ProgressView {
    pub task_id: i64,
    pub summary: String,
    pub status: String,
    pub finished: bool,
    pub rows: Vec<ProgressRow>,
    pub task_message: Option<String>,
    pub can_replan: bool,
    pub can_retry: bool,
}

/// The panel alone (the script swaps it in).
pub fn progress_panel(csrf_token: &str, view: &ProgressView) -> Markup {
    let done = view.rows.iter().filter(|r| r.status == "Done").count();
    html! {
        div #progress data-finished=(if view.finished { "yes" } else { "no" }) {
            p { "Status: " span.badge #task-status { (view.status) } " · " (done) " of " (view.rows.len()) " lines done" }
            @if !view.rows.is_empty() {
                progress max=(view.rows.len()) value=(done) style="width:100%" {}
            }
            @if !view.finished { p.hint { "The worker is writing to Autotask…" } }
            @if let Some(m) = &view.task_message { div.warning { (m) } }
            table {
                thead { tr { th { "Line" } th { "Service" } th { "Effective" } th { "Outcome" } th { "Detail" } } }
                tbody {
                    @for r in &view.rows {
                        tr {
                            td { (r.line_no) " " span.hint { (r.kind) } }
                            td { (r.service_name) }
                            td { (r.effective_date) }
                            td { span class={ "badge " (r.status.to_lowercase()) } { (r.status) } }
                            td {
                                @if let Some(f) = &r.found { div { (f) } }
                                @if let Some(m) = &r.message { div { (m) } }
                                @if let Some(a) = &r.action { div.hint { "What to do: " (a) } }
                            }
                        }
                    }
                }
            }
            @if view.can_replan || view.can_retry {
                div.card {
                    @if view.can_replan {
                        form method="post" action={ "/tasks/" (view.task_id) "/resolve" } style="display:inline" {
                            (csrf_field(csrf_token))
                            input type="hidden" name="resolution" value="replan";
                            button type="submit" { "Accept what Autotask shows (plan again)" }
                        }
                        " "
                    }
                    @if view.can_retry {
                        form method="post" action={ "/tasks/" (view.task_id) "/resolve" } style="display:inline" {
                            (csrf_field(csrf_token))
                            input type="hidden" name="resolution" value="retry";
                            button type="submit" class="secondary" { "Retry as planned" }
                        }
                    }
                }
            }
        }
    }
}

/// The progress page.
pub fn progress_page(ctx: &PageContext, view: &ProgressView) -> Markup {
    page(
        ctx,
        Nav::Tasks,
        "Sync progress",
        html! {
            p.summary { strong { (view.summary) } " · " a href={ "/tasks/" (view.task_id) } { "back to the task" } }
            (progress_panel(&ctx.csrf_token, view))
            script src="/static/progress.js" {}
        },
    )
}
