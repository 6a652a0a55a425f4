//! A small page in the sandbox where a person places orders (`/sandbox/marketplace/`).

use actix_web::{HttpResponse, http::header};
use maud::{DOCTYPE, Markup, html};
use serde_json::Value;

use super::requests::{NewOrder, NewOrderLine};
use super::service::MarketplaceSandbox;

fn text(value: &Value) -> &str {
    value.as_str().unwrap_or_default()
}

fn period(value: &Value) -> String {
    format!("{} {}", value["duration"], text(&value["type"]))
}

/// The page: customers, catalogue, subscriptions and two forms.
pub fn render(sandbox: &MarketplaceSandbox, message: Option<&str>) -> Markup {
    let (customers, products, subscriptions) = sandbox.read(|store, _| {
        let customers: Vec<(String, String)> = store
            .customers
            .values()
            .map(|c| (text(&c["id"]).to_owned(), text(&c["name"]).to_owned()))
            .collect();
        let subscriptions: Vec<Value> = store
            .subscriptions
            .values()
            .filter(|s| s["status"] == "active")
            .cloned()
            .collect();
        (customers, store.products.clone(), subscriptions)
    });
    html! {
        (DOCTYPE)
        html lang="en" {
            head { meta charset="utf-8"; title { "Marketplace sandbox" } style { "body{font:15px system-ui,sans-serif;max-width:70rem;margin:1.5rem auto;padding:0 1rem}table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left}form{margin:1rem 0;padding:1rem;border:1px solid #ccc;border-radius:6px}label{margin-right:1rem}" } }
            body {
                h1 { "Marketplace sandbox" }
                p { "Place orders here as a customer would on the marketplace; run Check Changes in psa-sync to see them become tasks." }
                @if let Some(message) = message { p role="status" style="background:#e7f4ea;padding:.5rem" { (message) } }
                form method="post" action="/sandbox/marketplace/_place" {
                    h2 { "New subscription (sales order)" }
                    input type="hidden" name="type" value="sales";
                    label { "Customer " select name="customerId" { @for (id, name) in &customers { option value=(id) { (name) " (" (id) ")" } } } }
                    label { "Product " select name="product" { @for (n, p) in products.iter().enumerate() { option value=(n) { (text(&p["name"])) " — billed every " (period(&p["billingPeriod"])) ", term " (period(&p["subscriptionPeriod"])) } } } }
                    label { "Quantity " input type="number" name="quantity" value="1" min="1"; }
                    button type="submit" { "Place sales order" }
                }
                form method="post" action="/sandbox/marketplace/_place" {
                    h2 { "Change or cancel a subscription" }
                    label { "Subscription " select name="subscription" {
                        @for s in &subscriptions {
                            option value={ (text(&s["customerId"])) ":" (text(&s["id"])) } {
                                (text(&s["id"])) " — " (text(&s["name"])) " × " (s["products"][0]["quantity"]) " (customer " (text(&s["customerId"])) ")"
                            }
                        }
                    } }
                    label { "New quantity " input type="number" name="quantity" value="1" min="1"; }
                    button type="submit" name="type" value="change" { "Place change order" }
                    " "
                    button type="submit" name="type" value="cancellation" { "Cancel subscription" }
                }
                h2 { "Customers" }
                table { tr { th { "Id" } th { "Name" } } @for (id, name) in &customers { tr { td { (id) } td { (name) } } } }
            }
        }
    }
}

/// Places the order a form describes and answers with a redirect back to the page.
pub fn place(sandbox: &MarketplaceSandbox, form: &[(String, String)]) -> HttpResponse {
    let value = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let kind = value("type");
    let quantity = value("quantity").trim().parse::<i64>().unwrap_or(1);
    let order = if kind == "sales" {
        let product = sandbox.read(|store, _| {
            value("product")
                .parse::<usize>()
                .ok()
                .and_then(|n| store.products.get(n).cloned())
        });
        product.map(|p| NewOrder {
            kind,
            customer_id: value("customerId"),
            subscription_id: None,
            po_number: None,
            products: vec![NewOrderLine {
                mpn: text(&p["mpn"]).to_owned(),
                vendor: p["vendor"].as_str().map(str::to_owned),
                billing_period: Some(p["billingPeriod"].clone()),
                subscription_period: Some(p["subscriptionPeriod"].clone()),
                quantity,
            }],
        })
    } else {
        value("subscription")
            .split_once(':')
            .map(|(customer, subscription)| NewOrder {
                kind,
                customer_id: customer.to_owned(),
                subscription_id: Some(subscription.to_owned()),
                po_number: None,
                products: vec![NewOrderLine {
                    mpn: String::new(),
                    vendor: None,
                    billing_period: None,
                    subscription_period: None,
                    quantity,
                }],
            })
    };
    let message = match order.map(|o| sandbox.place_order(&o)) {
        Some(Ok(Ok(id))) => format!(
            "Order {id} placed; it completes in {} s.",
            sandbox.faults().completion_delay_secs
        ),
        Some(Ok(Err(refusal))) => format!("The marketplace refused the order: {refusal}"),
        Some(Err(e)) => format!("The sandbox could not save the order: {e:#}"),
        None => "Choose a product or a subscription first.".to_owned(),
    };
    let location = format!(
        "/sandbox/marketplace/?{}",
        serde_urlencoded::to_string([("message", message)]).unwrap_or_default()
    );
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}
