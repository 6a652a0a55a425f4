//! `psa-sync sandbox order`: an order placed on a running service's marketplace sandbox.

use secrecy::SecretString;

use crate::marketplace::{
    MarketplaceClient, MarketplaceConfig,
    models::{OrderDetail, OrderRequest, OrderRequestLine, Period},
};
use crate::sandbox::marketplace::seed;

/// The order `psa-sync sandbox order …` describes.
pub fn order_from_cli(
    kind: &str,
    customer: &str,
    subscription: Option<String>,
    mpn: Option<String>,
    annual: bool,
    quantity: i64,
) -> OrderRequest {
    let period = |annual: bool| Period {
        kind: if annual { "year" } else { "month" }.to_owned(),
        duration: 1,
    };
    let line = OrderRequestLine {
        mpn: mpn.unwrap_or_default(),
        vendor: None,
        billing_period: (kind == "sales").then(|| period(annual)),
        subscription_period: (kind == "sales").then(|| period(annual)),
        quantity,
    };
    OrderRequest {
        kind: kind.to_owned(),
        customer_id: customer.to_owned(),
        subscription_id: subscription,
        po_number: None,
        products: vec![line],
    }
}

/// Places an order on a running service's marketplace sandbox, as the seed's API user.
pub async fn place_over_http(
    service_url: &str,
    order: &OrderRequest,
) -> anyhow::Result<OrderDetail> {
    let config = MarketplaceConfig::new(
        &format!("{}/sandbox/marketplace", service_url.trim_end_matches('/')),
        seed::MARKETPLACE,
        seed::USERNAME,
        SecretString::from(seed::PASSWORD),
        SecretString::from(seed::SUBSCRIPTION_KEY),
    );
    let client = MarketplaceClient::new(config)?;
    Ok(client.place_order(order).await?)
}
