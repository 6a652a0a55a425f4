use maud::{Markup, html};

use crate::components::csrf_field;
use crate::layout::{Nav, PageContext, page};

/// One row of the task list.
#[derive(Debug, Clone)]
pub struct TaskRow {
    pub id: i64,
    pub order_number: String,
    pub task_type: String,
    pub status: String,
    pub created: String,
}

/// The task list.
pub fn task_list(ctx: &PageContext, rows: &[TaskRow]) -> Markup {
    page(
        ctx,
        Nav::Tasks,
        "Sync tasks",
        html! {
            @if rows.is_empty() {
                div.card { p.empty { "No sync tasks yet. Tasks appear after Check Changes finds marketplace orders." } }
            } @else {
                table {
                    thead { tr { th { "Order" } th { "Type" } th { "Status" } th { "Ordered" } } }
                    tbody {
                        @for row in rows {
                            tr {
                                td { a href={ "/tasks/" (row.id) } { (row.order_number) } }
                                td { (row.task_type) }
                                td { span.badge { (row.status) } }
                                td { (row.created) }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// One task in detail.
#[derive(Debug, Clone)]
pub struct TaskDetail {
    pub row: TaskRow,
    pub ignore_reason: Option<String>,
    pub order_json: String,
    pub can_ignore: bool,
}

/// The task detail page with ignore / un-ignore.
pub fn task_detail(ctx: &PageContext, task: &TaskDetail) -> Markup {
    let title = format!("Task for order {}", task.row.order_number);
    page(
        ctx,
        Nav::Tasks,
        &title,
        html! {
            div.card {
                p { "Type: " strong { (task.row.task_type) } " · Status: " span.badge { (task.row.status) } }
                @if let Some(reason) = &task.ignore_reason { p { "Ignored because: " (reason) } }
                @if task.can_ignore {
                    form method="post" action={ "/tasks/" (task.row.id) "/ignore" } {
                        (csrf_field(&ctx.csrf_token))
                        label for="reason" { "Reason" }
                        input id="reason" name="reason" type="text" required;
                        p { button type="submit" { "Ignore task" } }
                    }
                }
                @if task.row.status == "ignored" {
                    form method="post" action={ "/tasks/" (task.row.id) "/unignore" } {
                        (csrf_field(&ctx.csrf_token))
                        button type="submit" class="secondary" { "Un-ignore" }
                    }
                }
            }
            div.card { h2 { "Order as received" } pre { (task.order_json) } }
        },
    )
}
