//! The signed-in user, the form token and one-time messages, all kept in the encrypted session
//! cookie.

use std::future::{Ready, ready};

use actix_session::{Session, SessionExt};
use actix_web::{FromRequest, HttpRequest, dev::Payload};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use rand::RngCore;
use views::PageContext;

use crate::domain::accounts::{Role, SignedIn};
use crate::routes::errors::AppError;

const USER_KEY: &str = "user";
pub(crate) const CSRF_KEY: &str = "csrf";
const FLASH_KEY: &str = "flash";

/// The signed-in user; extracting it redirects to the sign-in page when nobody is signed in.
pub struct CurrentUser(pub SignedIn);

impl FromRequest for CurrentUser {
    type Error = AppError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let user = req.get_session().get::<SignedIn>(USER_KEY).ok().flatten();
        ready(user.map(CurrentUser).ok_or(AppError::SignInRequired))
    }
}

/// A signed-in admin; operators get 403.
pub struct Admin(pub SignedIn);

impl FromRequest for Admin {
    type Error = AppError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let result = match CurrentUser::from_request(req, payload).into_inner() {
            Ok(CurrentUser(user)) if user.role == Role::Admin => Ok(Admin(user)),
            Ok(_) => Err(AppError::Forbidden(
                "Only an administrator can change settings.",
            )),
            Err(e) => Err(e),
        };
        ready(result)
    }
}

/// Starts a fresh session for the user (a new cookie, so a planted one is useless).
pub fn sign_in(session: &Session, user: &SignedIn) -> Result<(), AppError> {
    session.renew();
    session
        .insert(USER_KEY, user)
        .map_err(|e| AppError::Unexpected(anyhow::anyhow!("storing the session: {e}")))?;
    rotate_csrf_token(session);
    Ok(())
}

pub fn sign_out(session: &Session) {
    session.purge();
}

/// The session's form token, created on first use.
pub fn csrf_token(session: &Session) -> String {
    match session.get::<String>(CSRF_KEY) {
        Ok(Some(token)) => token,
        _ => rotate_csrf_token(session),
    }
}

fn rotate_csrf_token(session: &Session) -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let _ = session.insert(CSRF_KEY, &token);
    token
}

/// Leaves a message for the next page.
pub fn flash(session: &Session, message: impl Into<String>) {
    let _ = session.insert(FLASH_KEY, message.into());
}

/// What the layout needs for a signed-in page; takes the pending flash message.
pub fn page_context(session: &Session, user: &SignedIn) -> PageContext {
    let flash = session.remove_as::<String>(FLASH_KEY).and_then(Result::ok);
    PageContext {
        user_email: user.email.clone(),
        reseller_name: user.reseller_name.clone(),
        is_admin: user.role == Role::Admin,
        csrf_token: csrf_token(session),
        flash,
    }
}
