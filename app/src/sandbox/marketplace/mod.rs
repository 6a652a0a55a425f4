//! An emulator of the marketplace's reseller API (CloudBlue Commerce SimpleAPI 1.15, the
//! "MPX-1" subset of `shared/reference/marketplace-api.md` §11), served under
//! `/sandbox/marketplace/...`.

mod http;
mod orders;
mod page;
pub mod seed;
mod service;
pub mod store;

pub use http::configure;
pub use service::{MarketplaceFaults, MarketplaceSandbox, NewOrder, NewOrderLine, PlacedOrder};

/// The order `psa-sync sandbox order …` describes.
pub fn order_from_cli(
    kind: &str,
    customer: &str,
    subscription: Option<String>,
    mpn: Option<String>,
    annual: bool,
    quantity: i64,
) -> NewOrder {
    let period = |annual: bool| serde_json::json!({"type": if annual { "year" } else { "month" }, "duration": 1});
    let line = NewOrderLine {
        mpn: mpn.unwrap_or_default(),
        vendor: None,
        billing_period: (kind == "sales").then(|| period(annual)),
        subscription_period: (kind == "sales").then(|| period(annual)),
        quantity,
    };
    NewOrder {
        kind: kind.to_owned(),
        customer_id: customer.to_owned(),
        subscription_id: subscription,
        po_number: None,
        products: vec![line],
    }
}

/// Places an order on a running service's sandbox, as the seed's API user.
pub async fn place_over_http(
    service_url: &str,
    order: &NewOrder,
) -> anyhow::Result<crate::marketplace::models::OrderDetail> {
    use secrecy::SecretString;
    let config = crate::marketplace::MarketplaceConfig::new(
        &format!("{}/sandbox/marketplace", service_url.trim_end_matches('/')),
        seed::MARKETPLACE,
        seed::USERNAME,
        SecretString::from(seed::PASSWORD),
        SecretString::from(seed::SUBSCRIPTION_KEY),
    );
    let client = crate::marketplace::MarketplaceClient::new(config)?;
    Ok(client.place_order(order).await?)
}
