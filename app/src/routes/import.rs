//! Importing Autotask companies into the marketplace: the list, Import All (a job with live
//! progress), a retry of one company, and the per-company form.

use actix_session::Session;
use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::Utc;
use maud::Markup;
use views::pages::import::{
    CompanyList, CompanyView, FormField, ImportRunView, company_form, import_page, import_panel,
};

use crate::domain::accounts::SignedIn;
use crate::domain::import::{
    self, FIELDS, FieldProblem, FormImportError, Overview, ProfileDraft, StartError,
};
use crate::jobs::import_customers::start as queue_import;
use crate::model::import::{ImportItem, ImportOutcome, ImportRun, ImportRunStatus};
use crate::routes::{
    auth::see_other,
    errors::AppError,
    session::{CurrentUser, csrf_token, flash, page_context},
};
use crate::state::AppState;

fn run_view(run: &ImportRun, items: &[ImportItem]) -> ImportRunView {
    let going = import::is_going(run, Utc::now());
    ImportRunView {
        queued: going && run.status == ImportRunStatus::Queued,
        running: going && run.status == ImportRunStatus::Running,
        total: i64::from(run.total),
        done: i64::from(run.done),
        imported: i64::from(run.counts.imported),
        failed: i64::from(run.counts.failed),
        incomplete: i64::from(run.counts.incomplete),
        stopped: match (run.status, &run.message) {
            (ImportRunStatus::Failed, Some(message)) => Some(message.clone()),
            (status, _) if status.is_active() && !going => {
                Some("The import stopped: its worker went away. Press Import All again.".into())
            }
            _ => None,
        },
        requested: run.requested_at.format("%Y-%m-%d %H:%M").to_string(),
        failures: items
            .iter()
            .filter(|i| i.outcome == ImportOutcome::Failed)
            .map(|i| (i.company_name.clone(), i.message.clone()))
            .collect(),
    }
}

async fn latest_run_view(
    state: &AppState,
    user: &SignedIn,
) -> Result<Option<ImportRunView>, AppError> {
    let latest = import::latest_run(&state.db, user.reseller_id).await?;
    Ok(latest.map(|(run, items)| run_view(&run, &items)))
}

/// The unmapped companies, what each lacks, and the latest run.
pub async fn show(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
) -> Result<Markup, AppError> {
    let list = match import::overview(&state.db, &state.connections, user.reseller_id).await? {
        Overview::NotConnected(which) => CompanyList::NotConnected(which),
        Overview::Unreadable => CompanyList::Unreadable,
        Overview::Listed(rows) => CompanyList::Companies(
            rows.into_iter()
                .map(|row| CompanyView {
                    missing: (!row.problems.is_empty()).then(|| import::describe(&row.problems)),
                    failed: row
                        .last
                        .filter(|l| l.outcome == ImportOutcome::Failed)
                        .map(|l| l.message),
                    id: row.id,
                    name: row.name,
                })
                .collect(),
        ),
    };
    let run = latest_run_view(&state, &user).await?;
    Ok(import_page(
        &page_context(&session, &user),
        run.as_ref(),
        &list,
    ))
}

/// The progress panel alone, for the page's poller.
pub async fn progress(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
) -> Result<Markup, AppError> {
    let run = latest_run_view(&state, &user).await?;
    Ok(import_panel(&csrf_token(&session), run.as_ref(), true))
}

async fn queue_run(
    state: &AppState,
    session: &Session,
    user: &SignedIn,
    company: Option<i64>,
) -> Result<HttpResponse, AppError> {
    match queue_import(state, user.reseller_id, company).await {
        Ok(_) => flash(session, "The import started."),
        Err(StartError::AlreadyRunning) => {
            flash(
                session,
                "An import is already running; wait for it to finish.",
            );
        }
        Err(StartError::Unexpected(e)) => return Err(AppError::Unexpected(e)),
    }
    Ok(see_other("/import"))
}

/// **Import All**: queue a run and go back to the page, which follows its progress.
pub async fn import_all(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
) -> Result<HttpResponse, AppError> {
    queue_run(&state, &session, &user, None).await
}

/// **Retry** one company whose last try failed.
pub async fn retry(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    queue_run(&state, &session, &user, Some(path.into_inner())).await
}

fn form_fields(draft: &ProfileDraft, problems: &[FieldProblem]) -> Vec<FormField> {
    FIELDS
        .iter()
        .map(|(name, label)| FormField {
            name,
            label,
            value: draft.value(name).to_owned(),
            error: problems
                .iter()
                .find(|p| p.field == *name)
                .map(|p| p.message.clone()),
        })
        .collect()
}

fn html(status: StatusCode, page: Markup) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(page.into_string())
}

/// The form for one company, pre-filled with what Autotask has.
pub async fn form(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let company = path.into_inner();
    let found =
        match import::company_for_form(&state.db, &state.connections, user.reseller_id, company)
            .await
        {
            Ok(Some(found)) => found,
            Ok(None) => return Err(AppError::NotFound),
            Err(FormImportError::Unexpected(e)) => return Err(AppError::Unexpected(e)),
            Err(e) => {
                return Err(AppError::BadRequest(format!(
                    "{}.",
                    capitalised(&e.to_string())
                )));
            }
        };
    let problems = found.draft.parse().err().unwrap_or_default();
    let page = company_form(
        &page_context(&session, &user),
        found.id,
        &found.name,
        &form_fields(&found.draft, &problems),
        None,
    );
    Ok(html(StatusCode::OK, page))
}

/// Imports one company with the values filled in; a refusal shows the form again with what was
/// typed and each message beside its field.
pub async fn submit(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
    path: web::Path<i64>,
    draft: web::Form<ProfileDraft>,
) -> Result<HttpResponse, AppError> {
    let company = path.into_inner();
    let draft = draft.into_inner();
    let again = |problems: &[FieldProblem], status: StatusCode, error: Option<&str>| {
        let page = company_form(
            &page_context(&session, &user),
            company,
            &format!("company {company}"),
            &form_fields(&draft, problems),
            error,
        );
        html(status, page)
    };
    let profile = match draft.parse() {
        Ok(profile) => profile,
        Err(problems) => {
            return Ok(again(
                &problems,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("Some fields need attention; nothing was imported."),
            ));
        }
    };
    match import::import_with_profile(
        &state.db,
        &state.connections,
        user.reseller_id,
        company,
        &profile,
    )
    .await
    {
        Ok(item) => {
            flash(&session, item.message);
            Ok(see_other("/import"))
        }
        Err(FormImportError::NotImportable) => Ok(again(
            &[],
            StatusCode::NOT_FOUND,
            Some(
                "This company is not one of your unmapped Autotask customers; nothing was imported.",
            ),
        )),
        Err(FormImportError::Failed(item)) => Ok(again(
            &[],
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(&format!("Not imported: {}", item.message)),
        )),
        Err(FormImportError::Unexpected(e)) => Err(AppError::Unexpected(e)),
        Err(e) => Ok(again(
            &[],
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(&format!("Not imported: {}.", capitalised(&e.to_string()))),
        )),
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
