//! One error type for every page handler, rendered as a friendly page. Internal causes go to the
//! log (with the request id of the span), never to the page.

use actix_web::{HttpResponse, ResponseError, http::StatusCode, http::header};
use views::pages::errors::error_page;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("sign-in required")]
    SignInRequired,
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    #[error("not found")]
    NotFound,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl AppError {
    fn page(&self) -> (&'static str, String) {
        match self {
            AppError::SignInRequired => ("Please sign in", "Your session has ended.".into()),
            AppError::Forbidden(why) => ("Not allowed", (*why).to_owned()),
            AppError::NotFound => (
                "Page not found",
                "There is nothing here. It may have been removed, or it belongs to another account."
                    .into(),
            ),
            AppError::BadRequest(why) => ("That did not work", why.clone()),
            AppError::Unexpected(_) => (
                "Something went wrong",
                "The request could not be completed. Nothing was lost; please try again. If it keeps happening, the action log and the server log have the details."
                    .into(),
            ),
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::SignInRequired => StatusCode::SEE_OTHER,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let AppError::SignInRequired = self {
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, "/login"))
                .finish();
        }
        if let AppError::Unexpected(e) = self {
            tracing::error!(error = format!("{e:#}"), "request failed");
        }
        let status = self.status_code();
        let (title, message) = self.page();
        HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(error_page(status.as_u16(), title, &message, None).into_string())
    }
}

/// Renders a bare status (from actix itself: unknown route, bad form, payload too large).
pub fn status_page(status: StatusCode) -> HttpResponse {
    let (title, message) = match status.as_u16() {
        404 => ("Page not found", "There is nothing at this address."),
        403 => ("Not allowed", "You are not allowed to do that."),
        405 => (
            "Not allowed",
            "This address does not accept that kind of request.",
        ),
        413 => ("Too large", "What was sent is too large."),
        400..=499 => ("That did not work", "The request could not be understood."),
        _ => (
            "Something went wrong",
            "The request could not be completed; please try again.",
        ),
    };
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(error_page(status.as_u16(), title, message, None).into_string())
}

/// Turns form and path decoding errors into a 400 page instead of actix's plain text.
pub fn bad_input(err: impl std::fmt::Display) -> actix_web::Error {
    AppError::BadRequest(format!("Some of the input could not be read ({err}).")).into()
}
