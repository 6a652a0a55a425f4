//! Choosing what one customer, product or fee maps to: search with ranked suggestions, map,
//! unmap. A refused mapping shows the page again with the reason; nothing is changed.

use std::sync::Arc;

use actix_session::Session;
use actix_web::{HttpResponse, web};
use maud::Markup;
use serde::Deserialize;
use views::pages::mapping::{ChoiceRowView, ChooseView, MappingTab, choose_page};

use super::{autotask, linked_view, unprocessable};
use crate::autotask::AutotaskClient;
use crate::domain::accounts::SignedIn;
use crate::domain::mapping::{self, MappingError, Unmapped};
use crate::domain::mapping_screen::{self, Choice, FeeKind, ServiceFor, ServiceSubject};
use crate::model::ids::{CustomerRowId, ProductRowId, ResellerId};
use crate::routes::{
    auth::see_other,
    errors::AppError,
    session::{CurrentUser, flash, page_context},
};
use crate::state::AppState;

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

#[derive(Deserialize)]
pub struct MapForm {
    #[serde(default)]
    target: String,
}

/// The error page for what is not a refusal (another reseller's id, a fault).
pub(crate) fn app_error(e: MappingError) -> AppError {
    match refusal_or_error(e) {
        Ok(message) => AppError::BadRequest(message),
        Err(e) => e,
    }
}

/// What a person reads about a refused mapping, or the error page when it is not a refusal.
fn refusal_or_error(e: MappingError) -> Result<String, AppError> {
    Ok(match e {
        MappingError::NotFound => return Err(AppError::NotFound),
        MappingError::Unexpected(e) => return Err(AppError::Unexpected(e)),
        MappingError::CompanyTaken => "That Autotask company is already mapped to another marketplace customer (named beside it below). One company maps to one customer: unmap the other customer first.".to_owned(),
        MappingError::ServiceTaken => "That Autotask service is already mapped to another product, and the settings keep one product per service. Unmap the other product first, or choose another service.".to_owned(),
        MappingError::NotInAutotask(what, id) => {
            format!("Autotask has no {what} with id {id}; choose one from the list.")
        }
        MappingError::Autotask(e) => {
            format!("Autotask could not be asked just now ({e}). Nothing was changed; try again.")
        }
    })
}

/// The client and the chosen id, or why mapping cannot start.
async fn ready_to_map(
    state: &AppState,
    reseller: ResellerId,
    target: &str,
) -> Result<Result<(Arc<AutotaskClient>, i64), String>, AppError> {
    let Some(client) = autotask(state, reseller).await? else {
        return Ok(Err(
            "Autotask is not connected yet: set up the connection under Settings first.".into(),
        ));
    };
    Ok(match target.trim().parse::<i64>() {
        Ok(id) => Ok((client, id)),
        Err(_) => Err("Choose one of the Autotask records listed.".into()),
    })
}

fn choice_rows(choices: Vec<Choice>) -> Vec<ChoiceRowView> {
    choices
        .into_iter()
        .map(|c| ChoiceRowView {
            id: c.candidate.id,
            name: c.candidate.name,
            likeness: c.candidate.likeness,
            mapped_to: c.mapped_to,
        })
        .collect()
}

fn unmapped_message(what: &str, unmapped: Unmapped) -> String {
    let tasks = match unmapped.open_tasks {
        0 => "No open task relied on it.".to_owned(),
        1 => "1 open task (new or ready) needs a mapping again before it can sync.".to_owned(),
        n => format!("{n} open tasks (new or ready) need a mapping again before they can sync."),
    };
    format!(
        "The {what} is no longer mapped to Autotask. {tasks} Queued, applying and finished tasks were not touched."
    )
}

async fn customer_page(
    state: &AppState,
    session: &Session,
    user: &SignedIn,
    customer: CustomerRowId,
    typed: &str,
    error: Option<String>,
) -> Result<Markup, AppError> {
    let client = autotask(state, user.reseller_id).await?;
    let page = mapping_screen::customer_choices(
        &state.db,
        client.as_deref(),
        user.reseller_id,
        customer,
        typed,
    )
    .await
    .map_err(app_error)?;
    let view = ChooseView {
        tab: MappingTab::Customers,
        title: format!("Map customer {}", page.item.name),
        facts: vec![
            ("Marketplace customer".into(), page.item.name.clone()),
            ("Marketplace id".into(), page.item.mp_customer_id.clone()),
        ],
        what: "company",
        base: format!("/mapping/customers/{customer}"),
        current: linked_view(page.mapped),
        query: typed.to_owned(),
        choices: choice_rows(page.choices),
        problem: page.autotask_problem,
        error,
        open_tasks: page.open_tasks,
        add_service: None,
    };
    Ok(choose_page(&page_context(session, user), &view))
}

pub async fn customer(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
    path: web::Path<i64>,
    query: web::Query<SearchQuery>,
) -> Result<Markup, AppError> {
    let customer = CustomerRowId(path.into_inner());
    customer_page(&state, &session, &user, customer, &query.q, None).await
}

pub async fn map_customer(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
    path: web::Path<i64>,
    form: web::Form<MapForm>,
) -> Result<HttpResponse, AppError> {
    let customer = CustomerRowId(path.into_inner());
    let refusal = match ready_to_map(&state, user.reseller_id, &form.target).await? {
        Err(message) => message,
        Ok((api, company)) => {
            match mapping::map_customer(
                &state.db,
                api.as_ref(),
                user.reseller_id,
                customer,
                company,
            )
            .await
            {
                Ok(_) => {
                    flash(
                        &session,
                        format!("The customer is mapped to Autotask company {company}."),
                    );
                    return Ok(see_other(MappingTab::Customers.path()));
                }
                Err(e) => refusal_or_error(e)?,
            }
        }
    };
    let page = customer_page(&state, &session, &user, customer, "", Some(refusal)).await?;
    Ok(unprocessable(page))
}

pub async fn unmap_customer(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let customer = CustomerRowId(path.into_inner());
    let unmapped = mapping::unmap_customer(&state.db, user.reseller_id, customer)
        .await
        .map_err(app_error)?;
    flash(&session, unmapped_message("customer", unmapped));
    Ok(see_other(MappingTab::Customers.path()))
}

async fn service_page(
    state: &AppState,
    session: &Session,
    user: &SignedIn,
    subject: ServiceFor,
    typed: &str,
    error: Option<String>,
) -> Result<Markup, AppError> {
    let client = autotask(state, user.reseller_id).await?;
    let page = mapping_screen::service_choices(
        &state.db,
        client.as_deref(),
        user.reseller_id,
        subject,
        typed,
    )
    .await
    .map_err(app_error)?;
    let (tab, title, facts, base, add_service) = match &page.item {
        ServiceSubject::Product(p) => (
            MappingTab::Products,
            format!("Map product {}", p.name),
            vec![
                ("Product".to_owned(), p.name.clone()),
                ("MPN".to_owned(), p.key.mpn.clone()),
                ("Vendor".to_owned(), p.key.vendor.clone()),
                ("Billing period".to_owned(), p.key.billing_period.clone()),
                (
                    "Subscription period".to_owned(),
                    p.key.subscription_period.clone(),
                ),
            ],
            format!("/mapping/products/{}", p.id),
            p.autotask_service_id
                .is_none()
                .then(|| format!("/mapping/products/{}/new-service", p.id)),
        ),
        ServiceSubject::Fee(kind) => (
            MappingTab::Fees,
            format!("Map the {}", kind.label().to_lowercase()),
            vec![("Fee".to_owned(), kind.label().to_owned())],
            format!("/mapping/fees/{}", kind.word()),
            None,
        ),
    };
    let view = ChooseView {
        tab,
        title,
        facts,
        what: "service",
        base,
        current: linked_view(page.mapped),
        query: typed.to_owned(),
        choices: choice_rows(page.choices),
        problem: page.autotask_problem,
        error,
        open_tasks: page.open_tasks,
        add_service,
    };
    Ok(choose_page(&page_context(session, user), &view))
}

pub async fn product(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
    path: web::Path<i64>,
    query: web::Query<SearchQuery>,
) -> Result<Markup, AppError> {
    let subject = ServiceFor::Product(ProductRowId(path.into_inner()));
    service_page(&state, &session, &user, subject, &query.q, None).await
}

pub async fn map_product(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
    path: web::Path<i64>,
    form: web::Form<MapForm>,
) -> Result<HttpResponse, AppError> {
    let product = ProductRowId(path.into_inner());
    let refusal = match ready_to_map(&state, user.reseller_id, &form.target).await? {
        Err(message) => message,
        Ok((api, service)) => {
            match mapping::map_product(&state.db, api.as_ref(), user.reseller_id, product, service)
                .await
            {
                Ok(_) => {
                    flash(
                        &session,
                        format!("The product is mapped to Autotask service {service}."),
                    );
                    return Ok(see_other(MappingTab::Products.path()));
                }
                Err(e) => refusal_or_error(e)?,
            }
        }
    };
    let subject = ServiceFor::Product(product);
    let page = service_page(&state, &session, &user, subject, "", Some(refusal)).await?;
    Ok(unprocessable(page))
}

pub async fn unmap_product(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let product = ProductRowId(path.into_inner());
    let unmapped = mapping::unmap_product(&state.db, user.reseller_id, product)
        .await
        .map_err(app_error)?;
    flash(&session, unmapped_message("product", unmapped));
    Ok(see_other(MappingTab::Products.path()))
}

fn fee_kind(path: &str) -> Result<FeeKind, AppError> {
    FeeKind::from_word(path).ok_or(AppError::NotFound)
}

pub async fn fee(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
    path: web::Path<String>,
    query: web::Query<SearchQuery>,
) -> Result<Markup, AppError> {
    let subject = ServiceFor::Fee(fee_kind(&path)?);
    service_page(&state, &session, &user, subject, &query.q, None).await
}

pub async fn map_fee(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
    path: web::Path<String>,
    form: web::Form<MapForm>,
) -> Result<HttpResponse, AppError> {
    let kind = fee_kind(&path)?;
    let refusal = match ready_to_map(&state, user.reseller_id, &form.target).await? {
        Err(message) => message,
        Ok((api, service)) => {
            match mapping::map_fee(
                &state.db,
                api.as_ref(),
                user.reseller_id,
                kind.word(),
                service,
            )
            .await
            {
                Ok(()) => {
                    flash(
                        &session,
                        format!(
                            "The {} is charged through Autotask service {service}.",
                            kind.label().to_lowercase()
                        ),
                    );
                    return Ok(see_other(MappingTab::Fees.path()));
                }
                Err(e) => refusal_or_error(e)?,
            }
        }
    };
    let page = service_page(
        &state,
        &session,
        &user,
        ServiceFor::Fee(kind),
        "",
        Some(refusal),
    )
    .await?;
    Ok(unprocessable(page))
}

pub async fn unmap_fee(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let kind = fee_kind(&path)?;
    mapping::unmap_fee(&state.db, user.reseller_id, kind.word())
        .await
        .map_err(app_error)?;
    flash(
        &session,
        format!(
            "The {} is no longer mapped: cancellation fees are not charged in Autotask until it is mapped again.",
            kind.label().to_lowercase()
        ),
    );
    Ok(see_other(MappingTab::Fees.path()))
}
