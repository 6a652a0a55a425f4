//! The wizard for one task (design §2.3): a header naming the steps, then one page per step.

mod choose;
mod company;
mod progress;
mod review;

pub use choose::{Choice, ChoiceStep, ContractOption, ContractStep, choice_step, contract_step};
pub use company::{CompanyFormView, company_form};
pub use progress::{ProgressRow, ProgressView, progress_page, progress_panel};
pub use review::{InvoiceRow, ReviewLine, ReviewStep, review_step};

use maud::{Markup, html};

/// The steps above every wizard page: done ones tick, the current one is bold.
#[derive(Debug, Clone)]
pub struct WizardHeader {
    pub task_id: i64,
    /// The task in words.
    pub summary: String,
    /// 0 Customer, 1 Products, 2 Contract, 3 Review.
    pub current: usize,
    /// Which steps are satisfied already.
    pub satisfied: [bool; 4],
}

const STEPS: [(&str, &str); 4] = [
    ("customer", "1. Customer"),
    ("product", "2. Products"),
    ("contract", "3. Contract"),
    ("review", "4. Review"),
];

pub(crate) fn header(h: &WizardHeader) -> Markup {
    html! {
        p.summary { strong { (h.summary) } " · " a href={ "/tasks/" (h.task_id) } { "back to the task" } }
        nav.steps aria-label="Wizard steps" {
            @for (n, (slug, label)) in STEPS.iter().enumerate() {
                @let reachable = n == 0 || h.satisfied[..n].iter().all(|s| *s);
                @if n == h.current {
                    strong.step.current aria-current="step" { (label) }
                } @else if reachable {
                    a.step href={ "/tasks/" (h.task_id) "/" (slug) } {
                        (label) @if h.satisfied[n] { " ✓" }
                    }
                } @else {
                    span.step.later { (label) }
                }
            }
        }
    }
}
