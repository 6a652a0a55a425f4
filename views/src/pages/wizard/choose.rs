//! Steps 1–3: choose a company for the customer, a service for the product, a contract for
//! the subscription.

use maud::{Markup, html};

use super::{WizardHeader, header};
use crate::components::{csrf_field, error_box};
use crate::layout::{Nav, PageContext, page};

/// A company or service offered.
#[derive(Debug, Clone)]
pub struct Choice {
    pub id: i64,
    pub name: String,
    /// 0–100.
    pub similarity: u8,
    /// Why it cannot be chosen, if it cannot.
    pub unavailable: Option<String>,
}

/// Step 1 or 2.
#[derive(Debug, Clone)]
pub struct ChoiceStep {
    pub header: WizardHeader,
    /// "customer" or "product": the step's path.
    pub slug: &'static str,
    pub title: &'static str,
    /// What is being mapped ("Contoso (marketplace customer 1000020)").
    pub subject: String,
    /// "company" / "service".
    pub noun: &'static str,
    pub mapped: Option<String>,
    pub query: String,
    pub choices: Vec<Choice>,
    pub error: Option<String>,
    /// Another way forward ("Add Product to Autotask"), as (label, href).
    pub alternative: Option<(String, String)>,
}

/// A contract offered in step 3.
#[derive(Debug, Clone)]
pub struct ContractOption {
    pub id: i64,
    pub name: String,
    /// Why it does not fit, if it does not.
    pub unfit: Option<String>,
    pub preselected: bool,
}

/// Step 3.
#[derive(Debug, Clone)]
pub struct ContractStep {
    pub header: WizardHeader,
    pub company: String,
    pub billing: String,
    pub date: String,
    pub bound: Option<String>,
    pub options: Vec<ContractOption>,
    pub error: Option<String>,
}

/// Step 1 (customer → company) or 2 (product → service).
pub fn choice_step(ctx: &PageContext, step: &ChoiceStep) -> Markup {
    let action = format!("/tasks/{}/{}", step.header.task_id, step.slug);
    page(
        ctx,
        Nav::Tasks,
        step.title,
        html! {
            (header(&step.header))
            (error_box(step.error.as_deref()))
            div.card {
                p { (step.subject) }
                @if let Some(mapped) = &step.mapped {
                    p { "Mapped to " strong { (mapped) } ". Choose another " (step.noun) " below to change it." }
                }
                form method="get" action=(action) {
                    label for="q" { "Search Autotask " (step.noun) " names" }
                    input id="q" name="q" type="search" value=(step.query);
                    p { button type="submit" class="secondary" { "Search" } }
                }
            }
            div.card {
                @if step.choices.is_empty() {
                    p.empty { "No active Autotask " (step.noun) " matches. Search for another name." }
                } @else {
                    form method="post" action=(action) {
                        (csrf_field(&ctx.csrf_token))
                        table {
                            thead { tr { th {} th { "Name" } th { "Similarity" } th { "Id" } } }
                            tbody {
                                @for (n, c) in step.choices.iter().enumerate() {
                                    tr {
                                        td {
                                            input type="radio" name="choice" value=(c.id) id={ "choice-" (c.id) }
                                                checked[n == 0 && c.unavailable.is_none()] disabled[c.unavailable.is_some()];
                                        }
                                        td {
                                            label for={ "choice-" (c.id) } style="font-weight:400;margin:0" { (c.name) }
                                            @if let Some(why) = &c.unavailable { div.hint { (why) } }
                                        }
                                        td { (c.similarity) " %" }
                                        td { (c.id) }
                                    }
                                }
                            }
                        }
                        p { button type="submit" { "Map and continue" } }
                    }
                }
                @if let Some((label, href)) = &step.alternative {
                    p { a.button href=(href) { (label) } }
                }
            }
        },
    )
}

/// Step 3: the company's contracts, each unfit one with its reason.
pub fn contract_step(ctx: &PageContext, step: &ContractStep) -> Markup {
    let action = format!("/tasks/{}/contract", step.header.task_id);
    page(
        ctx,
        Nav::Tasks,
        "Contract",
        html! {
            (header(&step.header))
            (error_box(step.error.as_deref()))
            div.card {
                p { "Contracts of " strong { (step.company) } " for a subscription billed " (step.billing) ", from " (step.date) "." }
                @if let Some(bound) = &step.bound {
                    p { "The subscription is on " strong { (bound) } ". A synced subscription stays on its contract." }
                    p { a.button href={ "/tasks/" (step.header.task_id) "/review" } { "Continue to review" } }
                } @else if step.options.is_empty() {
                    p.empty { "The company has no contracts in Autotask. Add a Recurring Service contract there, then reload." }
                } @else {
                    form method="post" action=(action) {
                        (csrf_field(&ctx.csrf_token))
                        table {
                            thead { tr { th {} th { "Contract" } th { "Fits?" } } }
                            tbody {
                                @for c in &step.options {
                                    tr {
                                        td { input type="radio" name="contract" value=(c.id) id={ "contract-" (c.id) } checked[c.preselected] disabled[c.unfit.is_some()]; }
                                        td { label for={ "contract-" (c.id) } style="font-weight:400;margin:0" { (c.name) } }
                                        td {
                                            @match &c.unfit {
                                                Some(why) => { "No: " (why) }
                                                None => { "Yes" }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                        @if step.options.iter().any(|c| c.unfit.is_none()) {
                            p { button type="submit" { "Use this contract" } }
                        } @else {
                            p.warning { "None of these contracts can take the subscription. Fix one in Autotask, then reload." }
                        }
                    }
                }
            }
        },
    )
}
