//! Add Product to Autotask: the form, pre-filled from the product; a refused form comes back
//! with what was typed and a message beside each field; success maps the product and redirects.

use std::sync::Arc;

use actix_session::Session;
use actix_web::{HttpResponse, web};
use maud::Markup;
use serde::Deserialize;
use views::pages::mapping::{DuplicateView, NewServiceValues, NewServiceView, new_service_page};

use super::{autotask, unprocessable};
use crate::autotask::{AutotaskApi, AutotaskClient, AutotaskError};
use crate::domain::accounts::SignedIn;
use crate::domain::products::{
    self, AddProductError, FieldErrors, NewServiceForm, NewServiceSetup, period_label,
};
use crate::model::ids::ProductRowId;
use crate::routes::{
    auth::see_other,
    errors::AppError,
    session::{CurrentUser, flash, page_context},
};
use crate::state::AppState;

/// What a refused form shows besides the field messages.
#[derive(Default)]
struct Refusal {
    errors: FieldErrors,
    duplicate: Option<(i64, String)>,
    message: Option<String>,
}

fn values(form: &NewServiceForm) -> NewServiceValues {
    NewServiceValues {
        name: form.name.clone(),
        description: form.description.clone(),
        invoice_description: form.invoice_description.clone(),
        price: form.price.clone(),
        cost: form.cost.clone(),
        billing_code: form.billing_code.clone(),
        period_type: form.period_type.clone(),
        vendor: form.vendor.clone(),
    }
}

/// Where the form was opened from: a task's wizard (`?task=N`) goes back to it.
#[derive(Deserialize, Default, Clone, Copy)]
pub struct ReturnTo {
    #[serde(default)]
    task: Option<i64>,
}

impl ReturnTo {
    fn query(self) -> String {
        self.task.map(|t| format!("?task={t}")).unwrap_or_default()
    }
}

fn view(
    setup: &NewServiceSetup,
    form: &NewServiceForm,
    refusal: Refusal,
    to: ReturnTo,
) -> NewServiceView {
    let p = &setup.product;
    let back = match to.task {
        Some(task) => format!("/tasks/{task}/product"),
        None => format!("/mapping/products/{}", p.id),
    };
    NewServiceView {
        action: format!("/mapping/products/{}/new-service{}", p.id, to.query()),
        product: vec![
            ("Product".into(), p.name.clone()),
            ("MPN".into(), p.key.mpn.clone()),
            ("Vendor".into(), p.key.vendor.clone()),
            ("Billing period".into(), p.key.billing_period.clone()),
            (
                "Subscription period".into(),
                p.key.subscription_period.clone(),
            ),
        ],
        values: values(form),
        errors: refusal
            .errors
            .iter()
            .map(|(f, m)| (f.to_owned(), m.to_owned()))
            .collect(),
        billing_codes: setup
            .options
            .billing_codes
            .iter()
            .map(|(id, name)| (id.to_string(), name.clone()))
            .collect(),
        period_types: setup
            .options
            .period_types
            .iter()
            .map(|(value, period)| (value.to_string(), period_label(*period).to_owned()))
            .collect(),
        duplicate: refusal.duplicate.map(|(id, name)| DuplicateView {
            id,
            name,
            map_action: format!("/mapping/products/{}", p.id),
        }),
        error: refusal.message,
        back,
    }
}

/// The error page, or the page to go back to, for what the form cannot be shown for.
fn not_shown(
    session: &Session,
    product: ProductRowId,
    e: AddProductError,
) -> Result<HttpResponse, AppError> {
    match e {
        AddProductError::NotFound => Err(AppError::NotFound),
        AddProductError::AlreadyMapped(service) => {
            flash(
                session,
                format!(
                    "This product is already mapped to Autotask service {service}; unmap it first to add a new service."
                ),
            );
            Ok(see_other(&format!("/mapping/products/{product}")))
        }
        AddProductError::Autotask(e) => Err(AppError::BadRequest(format!(
            "Autotask could not be asked just now ({e}). Nothing was created; try again."
        ))),
        AddProductError::Unexpected(e) => Err(AppError::Unexpected(e)),
        AddProductError::Invalid(_) | AddProductError::DuplicateName { .. } => Err(
            AppError::Unexpected(anyhow::anyhow!("the form's set-up was refused as input")),
        ),
    }
}

async fn client(state: &AppState, user: &SignedIn) -> Result<Arc<AutotaskClient>, AppError> {
    autotask(state, user.reseller_id).await?.ok_or_else(|| {
        AppError::BadRequest(
            "Autotask is not connected yet: set up the connection under Settings first.".into(),
        )
    })
}

#[allow(clippy::too_many_arguments)] // the form's page needs each of these
async fn shown(
    state: &AppState,
    session: &Session,
    user: &SignedIn,
    api: &impl AutotaskApi,
    product: ProductRowId,
    form: Option<&NewServiceForm>,
    refusal: Refusal,
    to: ReturnTo,
) -> Result<Result<Markup, HttpResponse>, AppError> {
    match products::new_service_setup(&state.db, api, user.reseller_id, product).await {
        Ok(setup) => {
            let form = form.unwrap_or(&setup.prefill);
            let page = new_service_page(
                &page_context(session, user),
                &view(&setup, form, refusal, to),
            );
            Ok(Ok(page))
        }
        Err(e) => not_shown(session, product, e).map(Err),
    }
}

pub async fn form(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
    path: web::Path<i64>,
    to: web::Query<ReturnTo>,
) -> Result<HttpResponse, AppError> {
    let to = *to;
    let product = ProductRowId(path.into_inner());
    let api = client(&state, &user).await?;
    Ok(
        match shown(
            &state,
            &session,
            &user,
            api.as_ref(),
            product,
            None,
            Refusal::default(),
            to,
        )
        .await?
        {
            Ok(page) => HttpResponse::Ok()
                .content_type("text/html; charset=utf-8")
                .body(page.into_string()),
            Err(elsewhere) => elsewhere,
        },
    )
}

pub async fn create(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
    path: web::Path<i64>,
    form: web::Form<NewServiceForm>,
    to: web::Query<ReturnTo>,
) -> Result<HttpResponse, AppError> {
    let to = *to;
    let product = ProductRowId(path.into_inner());
    let form = form.into_inner();
    let api = client(&state, &user).await?;
    let refusal = match form.parse() {
        Err(errors) => Refusal {
            errors,
            ..Refusal::default()
        },
        Ok(new) => {
            match products::add_product_to_autotask(
                &state.db,
                api.as_ref(),
                user.reseller_id,
                product,
                &new,
            )
            .await
            {
                Ok(service) => {
                    flash(
                        &session,
                        format!(
                            "“{}” was created in Autotask (service {service}) and the product is mapped to it.",
                            new.name
                        ),
                    );
                    return Ok(see_other(&match to.task {
                        Some(task) => format!("/tasks/{task}/wizard"),
                        None => "/mapping/products".to_owned(),
                    }));
                }
                Err(AddProductError::Invalid(errors)) => Refusal {
                    errors,
                    ..Refusal::default()
                },
                Err(AddProductError::DuplicateName { id, name }) => {
                    let mut errors = FieldErrors::default();
                    errors.add("name", "Autotask already has a service with this name.");
                    Refusal {
                        errors,
                        duplicate: Some((id, name)),
                        message: None,
                    }
                }
                Err(AddProductError::Autotask(AutotaskError::BusinessRule(messages))) => Refusal {
                    message: Some(format!(
                        "Autotask refused the service: {} Nothing was created.",
                        messages.join(" ")
                    )),
                    ..Refusal::default()
                },
                Err(e) => return not_shown(&session, product, e),
            }
        }
    };
    Ok(
        match shown(
            &state,
            &session,
            &user,
            api.as_ref(),
            product,
            Some(&form),
            refusal,
            to,
        )
        .await?
        {
            Ok(page) => unprocessable(page),
            Err(elsewhere) => elsewhere,
        },
    )
}
