//! Step 1's other way: create the marketplace customer as a company in Autotask and map it.

use actix_session::Session;
use actix_web::{HttpResponse, http::StatusCode, web};
use views::pages::wizard::{CompanyFormView, company_form};

use crate::domain::accounts::SignedIn;
use crate::domain::wizard::{
    self, CompanySetup, CreateCompanyError, NewCompanyForm, Step, WizardFacts,
};
use crate::model::{catalog::Customer, ids::TaskId, task::TaskStatus};
use crate::routes::{
    auth::see_other,
    errors::AppError,
    session::{CurrentUser, flash, page_context},
    wizard::{client, header, step_url, with_status},
};
use crate::state::AppState;

/// Why the form came back: messages by field, one for the whole form, and a company of that
/// name Autotask has already.
#[derive(Default)]
struct Refused {
    errors: Vec<(String, String)>,
    error: Option<String>,
    existing: Option<(i64, String)>,
}

fn view(
    facts: &WizardFacts,
    customer: &Customer,
    setup: &CompanySetup,
    form: &NewCompanyForm,
    refused: Refused,
) -> CompanyFormView {
    let Refused {
        errors,
        error,
        existing,
    } = refused;
    CompanyFormView {
        header: header(facts, Step::Customer),
        customer: format!("{} ({})", customer.name, customer.mp_customer_id),
        fields: vec![
            (
                "Company name",
                "name",
                form.name.clone(),
                "Required; at most 100 characters.",
            ),
            (
                "Phone",
                "phone",
                form.phone.clone(),
                "Required by Autotask; at most 25 characters.",
            ),
            (
                "Address",
                "address1",
                form.address1.clone(),
                "At most 128 characters.",
            ),
            ("City", "city", form.city.clone(), "At most 30 characters."),
            (
                "Postal code",
                "postal_code",
                form.postal_code.clone(),
                "At most 10 characters.",
            ),
        ],
        owners: setup
            .owners
            .iter()
            .map(|(id, name)| (id.to_string(), name.clone()))
            .collect(),
        owner: form.owner.clone(),
        errors,
        error,
        note: setup.note.clone(),
        existing,
    }
}

/// The task, if it is open and its customer not mapped yet; otherwise where to go instead.
async fn open_customer(
    state: &AppState,
    user: &SignedIn,
    task: TaskId,
) -> Result<Result<(WizardFacts, Customer), HttpResponse>, AppError> {
    let facts = wizard::facts_of_task(&state.db, user.reseller_id, task).await?;
    if !matches!(facts.task.status, TaskStatus::New | TaskStatus::Ready) {
        return Ok(Err(see_other(&format!("/tasks/{task}"))));
    }
    let Some(customer) = facts.customer.clone() else {
        return Err(AppError::BadRequest(
            "The order names no marketplace customer; ignore the task.".into(),
        ));
    };
    if customer.autotask_company_id.is_some() {
        return Ok(Err(see_other(&step_url(task, facts.next_step()))));
    }
    Ok(Ok((facts, customer)))
}

async fn setup(
    state: &AppState,
    user: &SignedIn,
    customer: &Customer,
) -> Result<CompanySetup, AppError> {
    let api = client(state, user.reseller_id).await?;
    let marketplace = state.connections.marketplace(user.reseller_id).await?;
    wizard::company_setup(marketplace.as_deref(), api.as_ref(), customer)
        .await
        .map_err(|e| {
            AppError::BadRequest(format!(
                "Autotask could not be asked just now ({e}). Nothing was created; try again."
            ))
        })
}

pub async fn form(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (facts, customer) = match open_customer(&state, &user, TaskId(*path)).await? {
        Ok(open) => open,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let setup = setup(&state, &user, &customer).await?;
    let page = company_form(
        &page_context(&session, &user),
        &view(
            &facts,
            &customer,
            &setup,
            &setup.prefill,
            Refused::default(),
        ),
    );
    Ok(with_status(StatusCode::OK, page))
}

pub async fn create(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
    path: web::Path<i64>,
    form: web::Form<NewCompanyForm>,
) -> Result<HttpResponse, AppError> {
    let task = TaskId(*path);
    let (facts, customer) = match open_customer(&state, &user, task).await? {
        Ok(open) => open,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let setup = setup(&state, &user, &customer).await?;
    let refused = match form.parse(&setup.owners) {
        Err(errors) => Refused {
            errors: errors
                .iter()
                .map(|(f, m)| (f.to_owned(), m.to_owned()))
                .collect(),
            error: Some(
                "Some values cannot be used; see the messages beside them. Nothing was created."
                    .into(),
            ),
            existing: None,
        },
        Ok(company) => {
            let api = client(&state, user.reseller_id).await?;
            match wizard::create_company_for_customer(
                &state.db,
                api.as_ref(),
                user.reseller_id,
                &customer,
                &company,
            )
            .await
            {
                Ok(id) => {
                    flash(
                        &session,
                        format!(
                            "“{}” was created in Autotask (company {id}) and {} is mapped to it.",
                            company.name, customer.name
                        ),
                    );
                    let facts = wizard::facts_of_task(&state.db, user.reseller_id, task).await?;
                    return Ok(see_other(&step_url(task, facts.next_step())));
                }
                Err(CreateCompanyError::Unexpected(e)) => return Err(AppError::Unexpected(e)),
                Err(CreateCompanyError::Exists { id, name }) => Refused {
                    errors: vec![(
                        "name".into(),
                        "Autotask already has a company with this name.".into(),
                    )],
                    error: None,
                    existing: Some((id, name)),
                },
                Err(e) => Refused {
                    error: Some(format!("{e} Nothing was created.")),
                    ..Refused::default()
                },
            }
        }
    };
    let page = company_form(
        &page_context(&session, &user),
        &view(&facts, &customer, &setup, &form, refused),
    );
    Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, page))
}
