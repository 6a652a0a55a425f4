use maud::{Markup, html};

use crate::labels::LevelLabel;
use crate::layout::{Nav, PageContext, page};

/// One entry of the action log.
#[derive(Debug, Clone)]
pub struct LogRow {
    pub at: String,
    pub level: LevelLabel,
    pub code: String,
    pub message: String,
    pub task_id: Option<i64>,
}

/// The newest entries of the action log.
pub fn action_log(ctx: &PageContext, rows: &[LogRow]) -> Markup {
    page(
        ctx,
        Nav::ActionLog,
        "Action log",
        html! {
            @if rows.is_empty() {
                div.card { p.empty { "Nothing has happened yet. Checks, tasks, writes and errors are listed here." } }
            } @else {
                table {
                    thead { tr { th { "Time (UTC)" } th { "Level" } th { "Code" } th { "Message" } th { "Task" } } }
                    tbody {
                        @for row in rows {
                            tr {
                                td { (row.at) }
                                td { span.badge { (row.level.label()) } }
                                td { code { (row.code) } }
                                td { (row.message) }
                                td { @if let Some(task) = row.task_id { a href={ "/tasks/" (task) } { (task) } } }
                            }
                        }
                    }
                }
            }
        },
    )
}
