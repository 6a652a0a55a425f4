//! The wizard's first three steps (customer, product, contract): each its own URL, each a GET
//! that shows the choices and a POST that stores one and moves on.

use std::sync::Arc;

use actix_session::Session;
use actix_web::{HttpResponse, http::StatusCode, web};
use maud::Markup;
use serde::Deserialize;
use views::pages::wizard::{
    Choice, ChoiceStep, ContractOption, ContractStep, WizardHeader, choice_step, contract_step,
};

use crate::autotask::AutotaskClient;
use crate::domain::contracts::ContractChoice;
use crate::domain::wizard::{self, Step, WizardFacts, WizardRefused};
use crate::model::ids::{ResellerId, TaskId};
use crate::routes::{
    auth::see_other,
    errors::AppError,
    session::{CurrentUser, flash, page_context},
};
use crate::state::AppState;

/// A step's path under `/tasks/{id}/`.
pub(crate) fn slug(step: Step) -> &'static str {
    match step {
        Step::Customer => "customer",
        Step::Product => "product",
        Step::Contract => "contract",
        Step::Review => "review",
    }
}

pub(crate) fn step_url(task: TaskId, step: Step) -> String {
    format!("/tasks/{task}/{}", slug(step))
}

pub(crate) fn header(facts: &WizardFacts, current: Step) -> WizardHeader {
    let next = facts.next_step();
    WizardHeader {
        task_id: facts.task.id.0,
        summary: wizard::summary(facts),
        current: Step::ALL.iter().position(|s| *s == current).unwrap_or(0),
        satisfied: Step::ALL.map(|s| s < next),
    }
}

/// The reseller's Autotask client, or a page saying the connection is missing.
pub(crate) async fn client(
    state: &AppState,
    reseller: ResellerId,
) -> Result<Arc<AutotaskClient>, AppError> {
    state.connections.autotask(reseller).await?.ok_or_else(|| {
        AppError::BadRequest("Set up the Autotask connection under Settings first.".into())
    })
}

/// A page answered with a status other than 200 (a refused form).
pub(crate) fn with_status(status: StatusCode, page: Markup) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(page.into_string())
}

/// Only an open task goes through the wizard; others show their progress.
fn open_or_progress(facts: &WizardFacts) -> Option<HttpResponse> {
    use crate::model::task::TaskStatus as S;
    match facts.task.status {
        S::New | S::Ready => None,
        S::Ignored => Some(see_other(&format!("/tasks/{}", facts.task.id))),
        _ => Some(see_other(&format!("/tasks/{}/progress", facts.task.id))),
    }
}

/// `/tasks/{id}/wizard`: the first step the task still needs.
pub async fn start(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let facts = wizard::facts_of_task(&state.db, user.reseller_id, TaskId(*path)).await?;
    if let Some(elsewhere) = open_or_progress(&facts) {
        return Ok(elsewhere);
    }
    Ok(see_other(&step_url(facts.task.id, facts.next_step())))
}

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

#[derive(Deserialize)]
pub struct ChoiceForm {
    #[serde(default)]
    choice: String,
}

async fn customer_page(
    state: &AppState,
    session: &Session,
    user: &crate::domain::accounts::SignedIn,
    facts: &WizardFacts,
    query: &str,
    error: Option<String>,
) -> Result<Markup, AppError> {
    let Some(customer) = &facts.customer else {
        return Err(AppError::BadRequest(
            "The order names no marketplace customer; ignore the task.".into(),
        ));
    };
    let client = client(state, user.reseller_id).await?;
    let (choices, listing_error) = match wizard::company_options(
        &state.db,
        client.as_ref(),
        user.reseller_id,
        customer,
        query,
    )
    .await
    {
        Ok(options) => (options, None),
        Err(e) => (Vec::new(), Some(e.to_string())),
    };
    let mapped = customer
        .autotask_company_id
        .map(|id| format!("Autotask company {id}"));
    let step = ChoiceStep {
        header: header(facts, Step::Customer),
        slug: "customer",
        title: "Customer",
        subject: format!(
            "Map the marketplace customer {} ({}) to an Autotask company.",
            customer.name, customer.mp_customer_id
        ),
        noun: "company",
        mapped,
        query: query.to_owned(),
        choices: choices
            .into_iter()
            .map(|o| Choice {
                id: o.id,
                name: o.name,
                similarity: o.similarity,
                unavailable: o
                    .mapped_to
                    .map(|c| format!("Already mapped to the marketplace customer {c}.")),
            })
            .collect(),
        error: error.or(listing_error),
        alternative: Some((
            format!("Create “{}” in Autotask", customer.name),
            format!("/tasks/{}/customer/new", facts.task.id),
        )),
    };
    Ok(choice_step(&page_context(session, user), &step))
}

pub async fn customer_form(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
    path: web::Path<i64>,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, AppError> {
    let facts = wizard::facts_of_task(&state.db, user.reseller_id, TaskId(*path)).await?;
    if let Some(elsewhere) = open_or_progress(&facts) {
        return Ok(elsewhere);
    }
    let page = customer_page(&state, &session, &user, &facts, &query.q, None).await?;
    Ok(with_status(StatusCode::OK, page))
}

fn parse_choice(text: &str) -> Option<i64> {
    text.trim().parse().ok().filter(|id| *id > 0)
}

pub async fn customer_choose(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
    path: web::Path<i64>,
    form: web::Form<ChoiceForm>,
) -> Result<HttpResponse, AppError> {
    let facts = wizard::facts_of_task(&state.db, user.reseller_id, TaskId(*path)).await?;
    if let Some(elsewhere) = open_or_progress(&facts) {
        return Ok(elsewhere);
    }
    let Some(customer) = &facts.customer else {
        return Err(AppError::BadRequest(
            "The order names no marketplace customer.".into(),
        ));
    };
    let refused = match parse_choice(&form.choice) {
        None => "Choose a company from the list.".to_owned(),
        Some(company) => {
            let client = client(&state, user.reseller_id).await?;
            match wizard::map_customer(
                &state.db,
                client.as_ref(),
                user.reseller_id,
                customer,
                company,
            )
            .await
            {
                Ok(name) => {
                    flash(&session, format!("{} is mapped to {name}.", customer.name));
                    return next(&state, user.reseller_id, facts.task.id).await;
                }
                Err(WizardRefused::Unexpected(e)) => return Err(AppError::Unexpected(e)),
                Err(e) => e.to_string(),
            }
        }
    };
    let page = customer_page(&state, &session, &user, &facts, "", Some(refused)).await?;
    Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, page))
}

/// After a step is stored: the next step the task needs.
async fn next(
    state: &AppState,
    reseller: ResellerId,
    task: TaskId,
) -> Result<HttpResponse, AppError> {
    let facts = wizard::facts_of_task(&state.db, reseller, task).await?;
    Ok(see_other(&step_url(task, facts.next_step())))
}

async fn product_page(
    state: &AppState,
    session: &Session,
    user: &crate::domain::accounts::SignedIn,
    facts: &WizardFacts,
    query: &str,
    error: Option<String>,
) -> Result<Markup, AppError> {
    let Some(product) = &facts.product else {
        return Err(AppError::BadRequest(
            "The order names no product psa-sync knows; ignore the task.".into(),
        ));
    };
    let client = client(state, user.reseller_id).await?;
    let (choices, listing_error) =
        match wizard::service_options(client.as_ref(), product, query).await {
            Ok(options) => (options, None),
            Err(e) => (Vec::new(), Some(e.to_string())),
        };
    let k = &product.key;
    let step = ChoiceStep {
        header: header(facts, Step::Product),
        slug: "product",
        title: "Products",
        subject: format!(
            "Map the product {} (MPN {}, {}, billed {}, term {}) to an Autotask service.",
            product.name, k.mpn, k.vendor, k.billing_period, k.subscription_period
        ),
        noun: "service",
        mapped: product
            .autotask_service_id
            .map(|id| format!("Autotask service {id}")),
        query: query.to_owned(),
        choices: choices
            .into_iter()
            .map(|o| Choice {
                id: o.id,
                name: o.name,
                similarity: o.similarity,
                unavailable: None,
            })
            .collect(),
        error: error.or(listing_error),
        alternative: Some((
            "Add Product to Autotask".into(),
            format!(
                "/mapping/products/{}/new-service?task={}",
                product.id.0, facts.task.id
            ),
        )),
    };
    Ok(choice_step(&page_context(session, user), &step))
}

pub async fn product_form(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
    path: web::Path<i64>,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, AppError> {
    let facts = wizard::facts_of_task(&state.db, user.reseller_id, TaskId(*path)).await?;
    if let Some(elsewhere) = open_or_progress(&facts) {
        return Ok(elsewhere);
    }
    let page = product_page(&state, &session, &user, &facts, &query.q, None).await?;
    Ok(with_status(StatusCode::OK, page))
}

pub async fn product_choose(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
    path: web::Path<i64>,
    form: web::Form<ChoiceForm>,
) -> Result<HttpResponse, AppError> {
    let facts = wizard::facts_of_task(&state.db, user.reseller_id, TaskId(*path)).await?;
    if let Some(elsewhere) = open_or_progress(&facts) {
        return Ok(elsewhere);
    }
    let Some(product) = &facts.product else {
        return Err(AppError::BadRequest(
            "The order names no product psa-sync knows.".into(),
        ));
    };
    let refused = match parse_choice(&form.choice) {
        None => "Choose a service from the list.".to_owned(),
        Some(service) => {
            let client = client(&state, user.reseller_id).await?;
            match wizard::map_product(
                &state.db,
                client.as_ref(),
                user.reseller_id,
                product,
                service,
            )
            .await
            {
                Ok(name) => {
                    flash(&session, format!("{} is mapped to {name}.", product.name));
                    return next(&state, user.reseller_id, facts.task.id).await;
                }
                Err(WizardRefused::Unexpected(e)) => return Err(AppError::Unexpected(e)),
                Err(e) => e.to_string(),
            }
        }
    };
    let page = product_page(&state, &session, &user, &facts, "", Some(refused)).await?;
    Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, page))
}

fn task_date(facts: &WizardFacts) -> chrono::NaiveDate {
    facts
        .task
        .effective_date
        .unwrap_or_else(|| facts.task.order.created_at.date_naive())
}

async fn contract_page(
    state: &AppState,
    session: &Session,
    user: &crate::domain::accounts::SignedIn,
    facts: &WizardFacts,
    error: Option<String>,
) -> Result<Markup, AppError> {
    let (Some(customer), Some(subscription)) = (&facts.customer, &facts.subscription) else {
        return Err(AppError::BadRequest(
            "The order names no subscription psa-sync could read; ignore the task.".into(),
        ));
    };
    let Some(company) = customer.autotask_company_id else {
        return Err(AppError::BadRequest(
            "Map the customer to an Autotask company first.".into(),
        ));
    };
    let client = client(state, user.reseller_id).await?;
    let date = task_date(facts);
    let (choices, listing_error): (Vec<ContractChoice>, Option<String>) =
        match wizard::contract_choices(client.as_ref(), company, subscription, date).await {
            Ok(c) => (c, None),
            Err(e) => (Vec::new(), Some(e.to_string())),
        };
    let fits = choices.iter().filter(|c| c.verdict.is_ok()).count();
    let bound = subscription.autotask_contract_id.map(|id| {
        choices
            .iter()
            .find(|c| c.id == id)
            .map_or_else(|| format!("contract {id}"), |c| c.name.clone())
    });
    let step = ContractStep {
        header: header(facts, Step::Contract),
        company: format!("{} (Autotask company {company})", customer.name),
        billing: subscription.billing_period.clone(),
        date: date.to_string(),
        bound,
        options: choices
            .iter()
            .map(|c| ContractOption {
                id: c.id,
                name: c.name.clone(),
                unfit: c.verdict.as_ref().err().map(|e| format!("{e}.")),
                preselected: fits == 1 && c.verdict.is_ok(),
            })
            .collect(),
        error: error.or(listing_error),
    };
    Ok(contract_step(&page_context(session, user), &step))
}

pub async fn contract_form(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let facts = wizard::facts_of_task(&state.db, user.reseller_id, TaskId(*path)).await?;
    if let Some(elsewhere) = open_or_progress(&facts) {
        return Ok(elsewhere);
    }
    let page = contract_page(&state, &session, &user, &facts, None).await?;
    Ok(with_status(StatusCode::OK, page))
}

#[derive(Deserialize)]
pub struct ContractForm {
    #[serde(default)]
    contract: String,
}

pub async fn contract_choose(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
    path: web::Path<i64>,
    form: web::Form<ContractForm>,
) -> Result<HttpResponse, AppError> {
    let facts = wizard::facts_of_task(&state.db, user.reseller_id, TaskId(*path)).await?;
    if let Some(elsewhere) = open_or_progress(&facts) {
        return Ok(elsewhere);
    }
    let (Some(customer), Some(subscription)) = (&facts.customer, &facts.subscription) else {
        return Err(AppError::BadRequest(
            "The order names no subscription psa-sync could read.".into(),
        ));
    };
    let Some(company) = customer.autotask_company_id else {
        return Ok(see_other(&step_url(facts.task.id, Step::Customer)));
    };
    let refused = match parse_choice(&form.contract) {
        None => "Choose a contract from the list.".to_owned(),
        Some(contract) => {
            let client = client(&state, user.reseller_id).await?;
            match wizard::choose_contract(
                &state.db,
                client.as_ref(),
                user.reseller_id,
                company,
                subscription,
                task_date(&facts),
                contract,
            )
            .await
            {
                Ok(name) => {
                    flash(&session, format!("The subscription goes on {name}."));
                    return next(&state, user.reseller_id, facts.task.id).await;
                }
                Err(WizardRefused::Unexpected(e)) => return Err(AppError::Unexpected(e)),
                Err(e) => e.to_string(),
            }
        }
    };
    let page = contract_page(&state, &session, &user, &facts, Some(refused)).await?;
    Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, page))
}
