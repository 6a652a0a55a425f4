use actix_session::Session;
use actix_web::{HttpResponse, http::header, web};
use maud::Markup;
use secrecy::SecretString;
use serde::Deserialize;
use views::pages::login::login as login_page;

use crate::domain::accounts::{self, AccountError};
use crate::routes::{errors::AppError, session};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: SecretString,
}

pub async fn login_form(session: Session) -> Markup {
    login_page(&session::csrf_token(&session), "", None)
}

#[tracing::instrument(name = "login", skip_all, fields(email = %form.email))]
pub async fn login(
    state: web::Data<AppState>,
    session: Session,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let LoginForm { email, password } = form.into_inner();
    match accounts::sign_in(&state.db, &email, password).await {
        Ok(user) => {
            session::sign_in(&session, &user)?;
            tracing::info!(user_id = %user.user_id, reseller_id = %user.reseller_id, "signed in");
            Ok(see_other("/"))
        }
        Err(AccountError::InvalidCredentials) => {
            tracing::info!("sign-in refused");
            let page = login_page(
                &session::csrf_token(&session),
                &email,
                Some("The e-mail or password is not correct."),
            );
            Ok(HttpResponse::Unauthorized()
                .content_type("text/html; charset=utf-8")
                .body(page.into_string()))
        }
        Err(e) => Err(AppError::Unexpected(e.into())),
    }
}

pub async fn logout(session: Session) -> HttpResponse {
    session::sign_out(&session);
    see_other("/login")
}

pub(crate) fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}
