use maud::{Markup, html};

use crate::components::csrf_field;
use crate::labels::{StatusLabel, TypeLabel};
use crate::layout::{Nav, PageContext, page};

/// One row of the task list.
#[derive(Debug, Clone)]
pub struct TaskRow {
    pub id: i64,
    pub order_number: String,
    pub task_type: TypeLabel,
    pub status: StatusLabel,
    pub customer: String,
    pub created: String,
}

/// The filters in force and what they can be set to.
#[derive(Debug, Clone, Default)]
pub struct TaskFilters {
    pub task_type: Option<TypeLabel>,
    pub status: Option<StatusLabel>,
    pub customer: Option<i64>,
    pub customers: Vec<(i64, String)>,
    pub counts: Vec<(StatusLabel, i64)>,
}

/// Where the list is among its pages: the page shown (from 1), its size, and how many tasks
/// match the filters on all pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskPaging {
    pub page: u64,
    pub per_page: u64,
    pub matching: u64,
}

impl TaskPaging {
    fn last_page(&self) -> u64 {
        self.matching.div_ceil(self.per_page.max(1)).max(1)
    }
}

impl TaskFilters {
    /// The list's URL with these filters on `page`.
    fn page_href(&self, page: u64) -> String {
        let mut query = Vec::new();
        if let Some(t) = self.task_type {
            query.push(format!("type={}", t.slug()));
        }
        if let Some(s) = self.status {
            query.push(format!("status={}", s.slug()));
        }
        if let Some(c) = self.customer {
            query.push(format!("customer={c}"));
        }
        query.push(format!("page={page}"));
        format!("/tasks?{}", query.join("&"))
    }
}

/// 10000 → "10,000".
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "Showing 51–100 of 10,000" and the links to the pages before and after.
fn pager(filters: &TaskFilters, paging: &TaskPaging, shown: usize) -> Markup {
    let first = (paging.page - 1).saturating_mul(paging.per_page) + 1;
    let last = first + shown as u64 - 1;
    html! {
        nav.pager aria-label="Pages" style="display:flex;gap:1rem;align-items:center;margin:.8rem 0" {
            span { "Showing " (grouped(first)) "–" (grouped(last)) " of " (grouped(paging.matching)) }
            @if paging.page > 1 {
                a rel="prev" href=(filters.page_href(paging.page - 1)) { "← Previous" }
            }
            @if paging.page < paging.last_page() {
                a rel="next" href=(filters.page_href(paging.page + 1)) { "Next →" }
            }
        }
    }
}

/// The task list with filters, counts per status, one page of tasks and bulk ignore / un-ignore.
pub fn task_list(
    ctx: &PageContext,
    filters: &TaskFilters,
    paging: &TaskPaging,
    rows: &[TaskRow],
) -> Markup {
    page(
        ctx,
        Nav::Tasks,
        "Sync tasks",
        html! {
            div.card {
                @for (status, n) in &filters.counts {
                    a.badge href={ "/tasks?status=" (status.slug()) } style="margin-right:.4rem" { (status.label()) ": " strong { (n) } }
                }
                @if filters.counts.is_empty() { span.hint { "No tasks yet." } }
                form method="get" action="/tasks" style="display:flex;gap:.6rem;align-items:end;flex-wrap:wrap;margin-top:.8rem" {
                    div { label for="type" { "Type" } select #type name="type" { option value="" { "Any" } @for t in TypeLabel::ALL { option value=(t.slug()) selected[filters.task_type == Some(*t)] { (t.label()) } } } }
                    div { label for="status" { "Status" } select #status name="status" { option value="" { "Any" } @for st in StatusLabel::ALL { option value=(st.slug()) selected[filters.status == Some(*st)] { (st.label()) } } } }
                    div { label for="customer" { "Customer" } select #customer name="customer" {
                        option value="" { "Any" }
                        @for (id, name) in &filters.customers { option value=(id) selected[filters.customer == Some(*id)] { (name) } }
                    } }
                    button type="submit" class="secondary" { "Filter" }
                }
            }
            @if rows.is_empty() && paging.matching > 0 {
                div.card {
                    p.empty { "Page " (paging.page) " is past the end of the list: " (grouped(paging.matching)) " tasks match, on " (paging.last_page()) " pages." }
                    p { a href=(filters.page_href(paging.last_page())) { "Back to the last page" } }
                }
            } @else if rows.is_empty() {
                div.card { p.empty { "No sync tasks match. Tasks appear after Check Changes finds marketplace orders." } }
            } @else {
                (pager(filters, paging, rows.len()))
                form method="post" action="/tasks/bulk" {
                    input type="hidden" name="csrf_token" value=(ctx.csrf_token);
                    table {
                        thead { tr { th {} th { "Order" } th { "Customer" } th { "Type" } th { "Status" } th { "Ordered" } } }
                        tbody {
                            @for row in rows {
                                tr {
                                    td { input type="checkbox" name="task" value=(row.id) aria-label={ "Select " (row.order_number) }; }
                                    td { a href={ "/tasks/" (row.id) } { (row.order_number) } }
                                    td { (row.customer) }
                                    td { (row.task_type.label()) }
                                    td { span.badge { (row.status.label()) } }
                                    td { (row.created) }
                                }
                            }
                        }
                    }
                    div.card style="margin-top:1rem" {
                        label for="reason" { "Reason (to ignore)" }
                        input #reason name="reason" type="text";
                        p {
                            button type="submit" name="action" value="ignore" { "Ignore selected" } " "
                            button type="submit" name="action" value="unignore" class="secondary" { "Un-ignore selected" }
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
    /// The task in words ("Microsoft 365 E3 for Contoso: 2 → 4, +2 from 20 Nov 2026").
    pub summary: String,
    /// What the task still needs, in words, one sentence each.
    pub needs: Vec<String>,
    /// The wizard's next step, for an open task.
    pub wizard_href: Option<String>,
    /// The sync progress, for a synced task.
    pub progress_href: Option<String>,
    /// Why it failed or could not be planned, with what to do.
    pub failure: Option<String>,
    pub ignore_reason: Option<String>,
    pub order_json: String,
    pub can_ignore: bool,
    pub can_unignore: bool,
}

/// The task page: the task in words, its state and what it needs, the way forward, and the
/// order as received folded away.
pub fn task_detail(ctx: &PageContext, task: &TaskDetail) -> Markup {
    let title = format!("Task for order {}", task.row.order_number);
    page(
        ctx,
        Nav::Tasks,
        &title,
        html! {
            div.card {
                p.summary { strong { (task.summary) } }
                p { (task.row.task_type.label()) " · " span.badge #task-state { (task.row.status.label()) } " · ordered " (task.row.created) }
                @if let Some(failure) = &task.failure { div.warning role="status" { (failure) } }
                @if !task.needs.is_empty() {
                    h2 { "What it needs" }
                    ul { @for need in &task.needs { li { (need) } } }
                }
                @if let Some(href) = &task.wizard_href { p { a.button href=(href) { "Continue" } } }
                @if let Some(href) = &task.progress_href { p { a.button href=(href) { "See the sync progress" } } }
                @if let Some(reason) = &task.ignore_reason { p { "Ignored because: " (reason) } }
            }
            @if task.can_ignore {
                div.card {
                    form method="post" action={ "/tasks/" (task.row.id) "/ignore" } {
                        (csrf_field(&ctx.csrf_token))
                        label for="reason" { "Reason" }
                        input id="reason" name="reason" type="text" required;
                        p { button type="submit" class="secondary" { "Ignore task" } }
                    }
                }
            }
            @if task.can_unignore {
                div.card {
                    form method="post" action={ "/tasks/" (task.row.id) "/unignore" } {
                        (csrf_field(&ctx.csrf_token))
                        button type="submit" class="secondary" { "Un-ignore" }
                    }
                }
            }
            details.card { summary { "Order as received" } pre { (task.order_json) } }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::grouped;

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(10_000), "10,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }
}
