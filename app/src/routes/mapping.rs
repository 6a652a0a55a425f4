//! The Mapping screen: the three tabs here; choosing what one thing maps to in [`choose`];
//! Add Product to Autotask in [`new_service`].

use std::sync::Arc;

use actix_session::Session;
use actix_web::{HttpResponse, web};
use maud::Markup;
use serde::Deserialize;
use views::pages::mapping::{
    CustomerRowView, FeeRowView, LinkedView, ProductRowView, TabRows, TabView, mapping_page,
};

use crate::autotask::AutotaskClient;
use crate::domain::mapping_screen::{self, Linked, Tab};
use crate::model::ids::ResellerId;
use crate::routes::{
    errors::AppError,
    session::{CurrentUser, page_context},
};
use crate::state::AppState;

pub mod choose;
pub mod new_service;

/// The filter of a tab (`?unmapped=1`).
#[derive(Deserialize, Default)]
pub struct TabQuery {
    #[serde(default)]
    unmapped: String,
}

impl TabQuery {
    fn unmapped_only(&self) -> bool {
        matches!(self.unmapped.as_str(), "1" | "on" | "true")
    }
}

/// The reseller's Autotask client, if the connection is set up.
pub(crate) async fn autotask(
    state: &AppState,
    reseller: ResellerId,
) -> Result<Option<Arc<AutotaskClient>>, AppError> {
    state
        .connections
        .autotask(reseller)
        .await
        .map_err(AppError::Unexpected)
}

pub(crate) fn linked_view(linked: Option<Linked>) -> Option<LinkedView> {
    linked.map(|l| LinkedView {
        id: l.id,
        name: l.name,
    })
}

pub(crate) fn unprocessable(page: Markup) -> HttpResponse {
    HttpResponse::UnprocessableEntity()
        .content_type("text/html; charset=utf-8")
        .body(page.into_string())
}

fn tab_view<T>(
    tab: Tab<T>,
    unmapped_only: bool,
    rows: impl FnOnce(Vec<(T, Option<LinkedView>)>) -> TabRows,
) -> TabView {
    let lines = tab
        .lines
        .into_iter()
        .map(|line| (line.item, linked_view(line.mapped)))
        .collect();
    TabView {
        rows: rows(lines),
        unmapped_only,
        total: tab.total,
        unmapped: tab.unmapped,
        note: tab.names_missing,
    }
}

pub async fn customers(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
    query: web::Query<TabQuery>,
) -> Result<Markup, AppError> {
    let client = autotask(&state, user.reseller_id).await?;
    let only = query.unmapped_only();
    let tab = mapping_screen::customers_tab(&state.db, client.as_deref(), user.reseller_id, only)
        .await
        .map_err(choose::app_error)?;
    let view = tab_view(tab, only, |lines| {
        TabRows::Customers(
            lines
                .into_iter()
                .map(|(c, company)| CustomerRowView {
                    id: c.id.0,
                    name: c.name,
                    mp_id: c.mp_customer_id,
                    company,
                })
                .collect(),
        )
    });
    Ok(mapping_page(&page_context(&session, &user), &view))
}

pub async fn products(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
    query: web::Query<TabQuery>,
) -> Result<Markup, AppError> {
    let client = autotask(&state, user.reseller_id).await?;
    let only = query.unmapped_only();
    let tab = mapping_screen::products_tab(&state.db, client.as_deref(), user.reseller_id, only)
        .await
        .map_err(choose::app_error)?;
    let view = tab_view(tab, only, |lines| {
        TabRows::Products(
            lines
                .into_iter()
                .map(|(p, service)| ProductRowView {
                    id: p.id.0,
                    name: p.name,
                    mpn: p.key.mpn,
                    vendor: p.key.vendor,
                    billing_period: p.key.billing_period,
                    subscription_period: p.key.subscription_period,
                    service,
                })
                .collect(),
        )
    });
    Ok(mapping_page(&page_context(&session, &user), &view))
}

pub async fn fees(
    state: web::Data<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
    query: web::Query<TabQuery>,
) -> Result<Markup, AppError> {
    let client = autotask(&state, user.reseller_id).await?;
    let only = query.unmapped_only();
    let tab = mapping_screen::fees_tab(&state.db, client.as_deref(), user.reseller_id, only)
        .await
        .map_err(choose::app_error)?;
    let view = tab_view(tab, only, |lines| {
        TabRows::Fees(
            lines
                .into_iter()
                .map(|(kind, service)| FeeRowView {
                    slug: kind.word().to_owned(),
                    label: kind.label().to_owned(),
                    service,
                })
                .collect(),
        )
    });
    Ok(mapping_page(&page_context(&session, &user), &view))
}

/// Every route of the Mapping screen.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/mapping", web::get().to(customers))
        .route("/mapping/customers", web::get().to(customers))
        .route("/mapping/products", web::get().to(products))
        .route("/mapping/fees", web::get().to(fees))
        .route("/mapping/customers/{id}", web::get().to(choose::customer))
        .route(
            "/mapping/customers/{id}",
            web::post().to(choose::map_customer),
        )
        .route(
            "/mapping/customers/{id}/unmap",
            web::post().to(choose::unmap_customer),
        )
        .route("/mapping/products/{id}", web::get().to(choose::product))
        .route(
            "/mapping/products/{id}",
            web::post().to(choose::map_product),
        )
        .route(
            "/mapping/products/{id}/unmap",
            web::post().to(choose::unmap_product),
        )
        .route(
            "/mapping/products/{id}/new-service",
            web::get().to(new_service::form),
        )
        .route(
            "/mapping/products/{id}/new-service",
            web::post().to(new_service::create),
        )
        .route("/mapping/fees/{kind}", web::get().to(choose::fee))
        .route("/mapping/fees/{kind}", web::post().to(choose::map_fee))
        .route(
            "/mapping/fees/{kind}/unmap",
            web::post().to(choose::unmap_fee),
        );
}
