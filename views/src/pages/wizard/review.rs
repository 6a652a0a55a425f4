//! Step 4: the planned lines in an editable table, the amounts before and after, the invoice
//! preview, and Sync All.

use maud::{Markup, html};

use super::{WizardHeader, header};
use crate::components::{csrf_field, error_box};
use crate::layout::{Nav, PageContext, page};

/// One planned line as the table shows it (values as typed when the form comes back).
#[derive(Debug, Clone)]
pub struct ReviewLine {
    pub line_no: i32,
    pub kind: &'static str,
    pub effective_date: String,
    pub end_date: String,
    pub service_name: String,
    pub invoice_description: String,
    pub current_quantity: i64,
    pub quantity_change: String,
    pub price: String,
    pub cost: String,
    pub price_editable: bool,
    pub detail: String,
    pub selected: bool,
}

/// One invoice line Autotask will generate.
#[derive(Debug, Clone)]
pub struct InvoiceRow {
    pub line_no: i32,
    pub period: String,
    pub label: String,
    pub amount: String,
    pub cost: String,
}

/// The review step.
#[derive(Debug, Clone)]
pub struct ReviewStep {
    pub header: WizardHeader,
    pub contract: String,
    /// "autotask" or "marketplace".
    pub price_source: &'static str,
    pub effective_date: String,
    pub seen: String,
    pub lines: Vec<ReviewLine>,
    pub setup_amount: String,
    pub recurring_before: String,
    pub recurring_after: String,
    pub invoice: Vec<InvoiceRow>,
    /// Messages by field name (`line-2-price`, `date`, …).
    pub field_errors: Vec<(String, String)>,
    /// Why the task has no plan, or why Sync All was refused.
    pub error: Option<String>,
    pub can_sync: bool,
}

fn field_error<'a>(step: &'a ReviewStep, name: &str) -> Option<&'a str> {
    step.field_errors
        .iter()
        .find(|(f, _)| f == name)
        .map(|(_, m)| m.as_str())
}

fn error_at(step: &ReviewStep, name: &str) -> Markup {
    html! { @if let Some(m) = field_error(step, name) { div.field-error role="alert" { (m) } } }
}

/// The review step.
pub fn review_step(ctx: &PageContext, step: &ReviewStep) -> Markup {
    let id = step.header.task_id;
    page(
        ctx,
        Nav::Tasks,
        "Review contract services",
        html! {
            (header(&step.header))
            (error_box(step.error.as_deref()))
            div.card {
                p { "Contract: " strong { (step.contract) } }
                form.options method="get" action={ "/tasks/" (id) "/review" } {
                    div {
                        label for="prices" { "Prices from" }
                        select id="prices" name="prices" {
                            option value="autotask" selected[step.price_source == "autotask"] { "Autotask (the mapped service)" }
                            option value="marketplace" selected[step.price_source == "marketplace"] { "Marketplace (the subscription)" }
                        }
                    }
                    div {
                        label for="date" { "Effective date" }
                        input id="date" name="date" type="date" value=(step.effective_date);
                        (error_at(step, "date"))
                    }
                    p { button type="submit" class="secondary" { "Plan again" } }
                }
            }
            @if step.lines.is_empty() && step.error.is_none() {
                div.card { p.empty { "Autotask already shows what the order asks: there is nothing to write. Sync All marks the task done." } }
            }
            form method="post" action={ "/tasks/" (id) "/sync" } {
                (csrf_field(&ctx.csrf_token))
                input type="hidden" name="seen" value=(step.seen);
                input type="hidden" name="prices" value=(step.price_source);
                input type="hidden" name="date" value=(step.effective_date);
                @if !step.lines.is_empty() {
                    div.card style="overflow-x:auto" {
                        table.review {
                            thead { tr {
                                th { "Sync" } th { "Line" } th { "Effective" } th { "Ends" } th { "Service" }
                                th { "Invoice description" } th { "Current qty" } th { "Change" } th { "Price" } th { "Cost" }
                            } }
                            tbody {
                                @for l in &step.lines {
                                    @let n = l.line_no;
                                    tr {
                                        td { input type="hidden" name="line" value=(n); input type="checkbox" name={ "line-" (n) "-selected" } value="on" checked[l.selected] aria-label={ "Sync line " (n) }; }
                                        td { (n) " " span.hint { (l.kind) } }
                                        td.nowrap { (l.effective_date) }
                                        td.nowrap { (l.end_date) }
                                        td.service { (l.service_name) div.hint { (l.detail) } }
                                        td {
                                            input type="text" name={ "line-" (n) "-description" } value=(l.invoice_description) maxlength="1000" aria-label={ "Invoice description of line " (n) };
                                            (error_at(step, &format!("line-{n}-description")))
                                        }
                                        td { (l.current_quantity) }
                                        td { (l.quantity_change) }
                                        @if l.price_editable {
                                            td {
                                                input.num type="text" inputmode="decimal" name={ "line-" (n) "-price" } value=(l.price) size="8" aria-label={ "Price of line " (n) };
                                                (error_at(step, &format!("line-{n}-price")))
                                            }
                                            td {
                                                input.num type="text" inputmode="decimal" name={ "line-" (n) "-cost" } value=(l.cost) size="8" aria-label={ "Cost of line " (n) };
                                                (error_at(step, &format!("line-{n}-cost")))
                                            }
                                        } @else {
                                            td { (l.price) } td { (l.cost) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    div.card {
                        h2 { "Amounts" }
                        table {
                            tbody {
                                tr { th { "One-time charges (setup)" } td { (step.setup_amount) } }
                                tr { th { "Recurring per period, before" } td { (step.recurring_before) } }
                                tr { th { "Recurring per period, after" } td { (step.recurring_after) } }
                            }
                        }
                    }
                    div.card {
                        h2 { "Invoice preview" }
                        @if step.invoice.is_empty() {
                            p.empty { "No invoice lines in the current or the next period." }
                        } @else {
                            table {
                                thead { tr { th { "Line" } th { "Period" } th { "What" } th { "Amount" } th { "Cost" } } }
                                tbody {
                                    @for i in &step.invoice {
                                        tr { td { (i.line_no) } td { (i.period) } td { (i.label) } td { (i.amount) } td { (i.cost) } }
                                    }
                                }
                            }
                        }
                    }
                }
                @if step.can_sync {
                    p { button type="submit" { "Sync All" } }
                }
            }
        },
    )
}
