use maud::{Markup, html};

use crate::layout::{Nav, PageContext, page};
use crate::pages::dashboard::RunRow;

/// What a run did with one order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderOutcomeView {
    TaskCreated,
    Skipped,
    Pending,
    Unreadable,
}

impl OrderOutcomeView {
    pub fn label(self) -> &'static str {
        match self {
            OrderOutcomeView::TaskCreated => "Task created",
            OrderOutcomeView::Skipped => "Skipped",
            OrderOutcomeView::Pending => "Pending",
            OrderOutcomeView::Unreadable => "Unreadable",
        }
    }
}

/// One order of the run.
#[derive(Debug, Clone)]
pub struct RunOrderRow {
    /// The order number, or the marketplace id when the number is not known.
    pub order: String,
    pub outcome: OrderOutcomeView,
    pub task_id: Option<i64>,
    pub note: Option<String>,
}

/// A run with its orders.
#[derive(Debug, Clone)]
pub struct RunDetailView {
    pub run: RunRow,
    /// "2026-11-01 09:00 to 2026-12-01 09:00", once the run knew its window.
    pub window: Option<String>,
    pub finished: Option<String>,
    pub orders: Vec<RunOrderRow>,
}

/// `/check/runs/{id}`: what one Check Changes run did, order by order.
pub fn run_detail(ctx: &PageContext, detail: &RunDetailView) -> Markup {
    let run = &detail.run;
    let title = format!("Check run of {}", run.started);
    page(
        ctx,
        Nav::Dashboard,
        &title,
        html! {
            div.card {
                p {
                    "Result: " span.badge { (run.outcome()) }
                    " · " (run.orders_seen) " orders, " (run.tasks_created) " new tasks, "
                    (run.skipped) " skipped, " (run.unreadable) " unreadable"
                }
                @if let Some(window) = &detail.window { p.hint { "Orders created " (window) } }
                @if let Some(finished) = &detail.finished { p.hint { "Finished " (finished) } }
                @if let Some(message) = &run.message { p { (message) } }
                p { a href="/" { "Back to the dashboard" } }
            }
            div.card {
                h2 { "Orders" }
                @if detail.orders.is_empty() {
                    p.empty { "This run found no new orders." }
                } @else {
                    table {
                        thead { tr { th { "Order" } th { "What happened" } th { "Task" } th { "Why" } } }
                        tbody {
                            @for order in &detail.orders {
                                tr {
                                    td { (order.order) }
                                    td { span.badge { (order.outcome.label()) } }
                                    td {
                                        @if let Some(id) = order.task_id { a href={ "/tasks/" (id) } { "Task " (id) } }
                                    }
                                    td { (order.note.as_deref().unwrap_or("")) }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}
