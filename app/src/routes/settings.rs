use actix_session::Session;
use actix_web::{HttpResponse, web};
use maud::Markup;
use secrecy::SecretString;
use serde::Deserialize;
use views::pages::settings::{ConnectionsView, settings as settings_page};

use crate::domain::accounts::SignedIn;
use crate::domain::connections::{
    self, AutotaskConnectionInput, ConnectionError, ConnectionTest, MarketplaceConnectionInput,
};
use crate::jobs::ping::PingJob;
use crate::routes::{
    auth::see_other,
    errors::AppError,
    session::{Admin, flash, page_context},
};
use crate::state::AppState;

async fn render(
    state: &AppState,
    session: &Session,
    user: &SignedIn,
    error: Option<&str>,
) -> Result<Markup, AppError> {
    let autotask = connections::autotask_connection_summary(&state.db, user.reseller_id)
        .await?
        .unwrap_or_default();
    let marketplace = connections::marketplace_connection_summary(&state.db, user.reseller_id)
        .await?
        .unwrap_or_default();
    let view = ConnectionsView {
        autotask_api_url: autotask.api_url.unwrap_or_default(),
        autotask_test_result: autotask.test_result,
        autotask_username: autotask.username,
        autotask_integration_code: autotask.integration_code,
        autotask_secret_set: autotask.has_secret,
        marketplace_base_url: marketplace.base_url,
        marketplace_code: marketplace.marketplace_code,
        marketplace_username: marketplace.username,
        marketplace_password_set: marketplace.has_password,
        marketplace_key_set: marketplace.has_subscription_key,
    };
    Ok(settings_page(&page_context(session, user), &view, error))
}

pub async fn show(
    state: web::Data<AppState>,
    session: Session,
    Admin(user): Admin,
) -> Result<Markup, AppError> {
    render(&state, &session, &user, None).await
}

#[derive(Deserialize)]
pub struct AutotaskForm {
    #[serde(default)]
    api_url: String,
    username: String,
    secret: Option<SecretString>,
    integration_code: String,
}

/// A refused form is shown again with the message; anything else is an error page.
async fn saved_or_shown(
    state: &AppState,
    session: &Session,
    user: &SignedIn,
    result: Result<(), ConnectionError>,
    saved: &str,
) -> Result<HttpResponse, AppError> {
    match result {
        Ok(()) => {
            flash(session, saved);
            Ok(see_other("/settings"))
        }
        Err(ConnectionError::Missing(what)) => {
            let message = format!("{what} is required.");
            let page = render(state, session, user, Some(&message)).await?;
            Ok(HttpResponse::UnprocessableEntity()
                .content_type("text/html; charset=utf-8")
                .body(page.into_string()))
        }
        Err(ConnectionError::Unexpected(e)) => Err(AppError::Unexpected(e)),
    }
}

pub async fn save_autotask(
    state: web::Data<AppState>,
    session: Session,
    Admin(user): Admin,
    form: web::Form<AutotaskForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let input = AutotaskConnectionInput {
        api_url: Some(form.api_url),
        username: form.username,
        integration_code: form.integration_code,
        secret: form.secret,
    };
    let result =
        connections::save_autotask_connection(&state.db, &state.key, user.reseller_id, input).await;
    saved_or_shown(
        &state,
        &session,
        &user,
        result,
        "The Autotask connection is saved.",
    )
    .await
}

#[derive(Deserialize)]
pub struct MarketplaceForm {
    base_url: String,
    marketplace_code: String,
    username: String,
    password: Option<SecretString>,
    subscription_key: Option<SecretString>,
}

pub async fn save_marketplace(
    state: web::Data<AppState>,
    session: Session,
    Admin(user): Admin,
    form: web::Form<MarketplaceForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let input = MarketplaceConnectionInput {
        base_url: form.base_url,
        marketplace_code: form.marketplace_code,
        username: form.username,
        password: form.password,
        subscription_key: form.subscription_key,
    };
    let result =
        connections::save_marketplace_connection(&state.db, &state.key, user.reseller_id, input)
            .await;
    saved_or_shown(
        &state,
        &session,
        &user,
        result,
        "The marketplace connection is saved.",
    )
    .await
}

pub async fn run_test_job(
    state: web::Data<AppState>,
    session: Session,
    Admin(user): Admin,
) -> Result<HttpResponse, AppError> {
    state
        .queues
        .push(PingJob {
            reseller_id: user.reseller_id.0,
            work_ms: 0,
        })
        .await?;
    flash(
        &session,
        "A test job is queued; its result appears in the action log.",
    );
    Ok(see_other("/settings"))
}

pub async fn test_autotask(
    state: web::Data<AppState>,
    session: Session,
    Admin(user): Admin,
) -> Result<HttpResponse, AppError> {
    let outcome =
        connections::test_autotask_connection(&state.db, &state.connections, user.reseller_id)
            .await?;
    let message = match outcome {
        ConnectionTest::Connected(report) => format!(
            "Autotask answered: zone {}, API user {}, {} of {} requests used this hour.",
            report.zone_name, report.api_user, report.used, report.threshold
        ),
        ConnectionTest::Failed(reason) => {
            format!("The Autotask connection does not work: {reason}")
        }
        ConnectionTest::NotSetUp => "Save the Autotask connection first.".to_owned(),
    };
    flash(&session, message);
    Ok(see_other("/settings"))
}

pub async fn test_marketplace(
    state: web::Data<AppState>,
    session: Session,
    Admin(user): Admin,
) -> Result<HttpResponse, AppError> {
    let outcome =
        connections::test_marketplace_connection(&state.connections, user.reseller_id).await?;
    flash(&session, outcome.unwrap_or_else(|refusal| refusal));
    Ok(see_other("/settings"))
}
