//! Orders a test places on the marketplace sandbox, in the client's own request type.

use psa_sync::marketplace::models::{OrderRequest, OrderRequestLine, Period};
use psa_sync::sandbox::marketplace::seed;

/// A line for plan `n` of the seed's catalogue, monthly or annual.
pub fn line(n: usize, annual: bool, quantity: i64) -> OrderRequestLine {
    let period = || Period {
        kind: if annual { "year" } else { "month" }.into(),
        duration: 1,
    };
    OrderRequestLine {
        mpn: format!("{}:0001", seed::PLANS[n % seed::PLANS.len()].0),
        vendor: Some("Microsoft".into()),
        billing_period: Some(period()),
        subscription_period: Some(period()),
        quantity,
    }
}

/// A sales order of one line.
pub fn sales(customer: &str, line: OrderRequestLine) -> OrderRequest {
    OrderRequest {
        kind: "sales".into(),
        customer_id: customer.into(),
        subscription_id: None,
        po_number: None,
        products: vec![line],
    }
}

/// A change of a subscription to a new total quantity.
pub fn change(customer: &str, subscription: &str, quantity: i64) -> OrderRequest {
    OrderRequest {
        kind: "change".into(),
        customer_id: customer.into(),
        subscription_id: Some(subscription.into()),
        po_number: None,
        products: vec![OrderRequestLine {
            mpn: String::new(),
            vendor: None,
            billing_period: None,
            subscription_period: None,
            quantity,
        }],
    }
}

/// Orders in the sandbox's own type, for `MarketplaceSandbox::place_history` (orders placed on
/// chosen dates, completed at once).
pub mod history {
    use psa_sync::sandbox::marketplace::{NewOrder, NewOrderLine};

    /// A sales order of one line.
    pub fn sale(customer: &str, line: NewOrderLine) -> NewOrder {
        NewOrder {
            kind: "sales".into(),
            customer_id: customer.into(),
            subscription_id: None,
            po_number: None,
            products: vec![line],
        }
    }

    /// A change of a subscription to a new total quantity.
    pub fn change(customer: &str, subscription: &str, quantity: i64) -> NewOrder {
        NewOrder {
            kind: "change".into(),
            customer_id: customer.into(),
            subscription_id: Some(subscription.into()),
            po_number: None,
            products: vec![NewOrderLine {
                mpn: String::new(),
                vendor: None,
                billing_period: None,
                subscription_period: None,
                quantity,
            }],
        }
    }

    /// A cancellation of a subscription.
    pub fn cancel(customer: &str, subscription: &str) -> NewOrder {
        NewOrder {
            kind: "cancellation".into(),
            customer_id: customer.into(),
            subscription_id: Some(subscription.into()),
            po_number: None,
            products: Vec::new(),
        }
    }
}
