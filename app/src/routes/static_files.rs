//! `/static/{name}`: the pages' scripts, as files (the Content-Security-Policy allows no inline
//! script).

use actix_web::{HttpResponse, http::header, web};

use crate::routes::errors::AppError;

pub async fn script(name: web::Path<String>) -> Result<HttpResponse, AppError> {
    let body = views::scripts::named(&name).ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/javascript; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "max-age=300"))
        .body(body))
}
