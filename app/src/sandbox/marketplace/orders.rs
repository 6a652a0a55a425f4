//! Orders and their effects: placing sales, change and cancellation orders (an annual
//! subscription cancelled after its first week is charged a fee), the lifecycle
//! submitted → processing → completed (or error), applying completed orders to subscriptions,
//! and a billing order (`BO…`, type `unknown`, `BILLING_SUBSCRIPTION` lines) for each finished
//! billing period of a usage subscription.

use chrono::{DateTime, Months, NaiveDate, Utc};
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{Value, json};

use super::requests::{NewOrder, NewOrderLine};
use super::store::{OrderRecord, Store};

pub const CURRENCY: &str = "EUR";

pub fn money(amount: Decimal) -> Value {
    json!({"currency": CURRENCY, "amount": amount.normalize().to_string()})
}

pub fn datetime(unix: i64) -> String {
    DateTime::<Utc>::from_timestamp(unix, 0)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

pub fn date(unix: i64) -> String {
    DateTime::<Utc>::from_timestamp(unix, 0)
        .unwrap_or_default()
        .format("%Y-%m-%d")
        .to_string()
}

fn amount_of(money: &Value) -> Decimal {
    money["amount"]
        .as_str()
        .and_then(|a| a.parse().ok())
        .unwrap_or_default()
}

fn first_amount(list: &Value) -> Decimal {
    list.as_array()
        .and_then(|l| l.first())
        .map(amount_of)
        .unwrap_or_default()
}

/// A 400 with the message the caller sees.
pub type Refusal = String;

fn find_product(store: &Store, line: &NewOrderLine) -> Result<Value, Refusal> {
    let matches: Vec<&Value> = store
        .products
        .iter()
        .filter(|p| p["mpn"].as_str() == Some(line.mpn.as_str()))
        .filter(|p| {
            line.vendor
                .as_ref()
                .is_none_or(|v| p["vendor"].as_str() == Some(v.as_str()))
        })
        .filter(|p| {
            line.billing_period
                .as_ref()
                .is_none_or(|b| &p["billingPeriod"] == b)
        })
        .filter(|p| {
            line.subscription_period
                .as_ref()
                .is_none_or(|s| &p["subscriptionPeriod"] == s)
        })
        .collect();
    match matches.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(format!("Product with MPN {} was not found.", line.mpn)),
        _ => Err(format!(
            "Product MPN {} is not unique: specify vendor, billingPeriod and subscriptionPeriod.",
            line.mpn
        )),
    }
}

fn period_months(period: &Value) -> Months {
    let duration = period["duration"].as_u64().unwrap_or(1) as u32;
    match period["type"].as_str() {
        Some("year") => Months::new(12 * duration),
        _ => Months::new(duration.max(1)),
    }
}

/// Places an order created at `now`, completing after `delay` seconds with `outcome`.
pub fn place(
    store: &mut Store,
    order: &NewOrder,
    now: i64,
    delay: i64,
    outcome: &str,
) -> Result<i64, Refusal> {
    let customer = order
        .customer_id
        .parse::<i64>()
        .ok()
        .filter(|id| store.customers.contains_key(id));
    let Some(customer) = customer else {
        return Err(format!("Customer {} was not found.", order.customer_id));
    };
    let id = store.new_id();
    let created = datetime(now);
    let (prefix, mut body) = match order.kind.as_str() {
        "sales" => ("SO", sales(store, order, customer, now)?),
        "change" => ("CH", change(store, order)?),
        "cancellation" => ("CL", cancellation(store, order, now)?),
        other => {
            return Err(format!(
                "Orders of type {other} cannot be placed here; use sales, change or cancellation."
            ));
        }
    };
    let number = store.order_number(prefix);
    body["id"] = json!(id.to_string());
    body["orderNumber"] = json!(number);
    body["type"] = json!(order.kind);
    body["customerId"] = json!(customer.to_string());
    body["creationDate"] = json!(created);
    body["attributes"] = json!({});
    if let Some(po) = &order.po_number {
        body["poNumber"] = json!(po);
    }
    store.orders.insert(
        id,
        OrderRecord {
            body,
            created: now,
            completes: now + delay.max(0),
            outcome: outcome.to_owned(),
            applied: false,
        },
    );
    Ok(id)
}

fn sales(store: &mut Store, order: &NewOrder, customer: i64, now: i64) -> Result<Value, Refusal> {
    let line = order
        .products
        .first()
        .ok_or("A sales order needs at least one product.")?;
    let product = find_product(store, line)?;
    let quantity = line.quantity;
    if quantity < 1 {
        return Err("products[0].quantity must be at least 1.".into());
    }
    let price = first_amount(&product["prices"]);
    let cost = first_amount(&product["costs"]);
    let subscription = store.new_id();
    let billing_model = product["billingModel"].clone();
    let extended = price * Decimal::from(quantity);
    store.subscriptions.insert(
        subscription,
        json!({
            "id": subscription.to_string(), "name": product["name"], "customerId": customer.to_string(),
            "status": "pending", "renewalStatus": true, "attributes": {},
            "creationDate": date(now), "lastModifiedDate": date(now),
            "renewalDate": date(now + 365 * 86_400), "expirationDate": date(now + 365 * 86_400),
            "billingModel": billing_model, "billingPeriod": product["billingPeriod"], "subscriptionPeriod": product["subscriptionPeriod"],
            "planId": 10_000 + (subscription % 1000),
            "products": [{
                "mpn": product["mpn"], "vendor": product["vendor"], "id": product["id"], "name": product["name"],
                "quantity": quantity, "unitPrice": money(price), "unitCost": money(cost), "unitProviderCost": money(cost),
                "extendedPrice": money(extended),
                "vendorSubscriptionId": format!("{:08x}-5b5e-4c1a-9d6b-{:012x}", subscription, subscription * 7919),
            }],
            "orderParameters": [], "fulfillmentParameters": [],
        }),
    );
    if product["billingModel"] == "chargeAfterBillingPeriod" {
        store.billed_until.insert(subscription, now);
    }
    Ok(json!({
        "subscriptionId": subscription.to_string(),
        "billingModel": billing_model,
        "total": money(extended),
        "products": [{
            "mpn": product["mpn"], "vendor": product["vendor"], "id": product["id"], "name": product["name"],
            "quantity": quantity, "billingPeriod": product["billingPeriod"], "subscriptionPeriod": product["subscriptionPeriod"],
            "extendedPrice": money(extended), "subscriptionId": subscription.to_string(), "type": "CREATE",
        }],
        "details": [{
            "type": "recurring", "mpn": product["mpn"], "productId": product["id"],
            "description": format!("Recurring fee for {}", product["name"].as_str().unwrap_or_default()),
            "duration": product["billingPeriod"], "quantity": quantity,
            "unitPrice": money(price), "extendedPrice": money(extended),
        }],
    }))
}

fn subscription_of(store: &Store, order: &NewOrder) -> Result<(i64, Value), Refusal> {
    let id = order
        .subscription_id
        .as_deref()
        .ok_or_else(|| format!("subscriptionId is required for {} orders.", order.kind))?;
    let parsed = id.parse::<i64>().ok();
    let subscription = parsed
        .and_then(|id| store.subscriptions.get(&id))
        .filter(|s| s["customerId"].as_str() == Some(order.customer_id.as_str()))
        .ok_or_else(|| {
            format!(
                "Subscription {id} was not found for customer {}.",
                order.customer_id
            )
        })?;
    if subscription["status"] != "active" {
        return Err(format!("Subscription {id} is not active."));
    }
    Ok((parsed.unwrap_or_default(), subscription.clone()))
}

fn change(store: &mut Store, order: &NewOrder) -> Result<Value, Refusal> {
    let (id, subscription) = subscription_of(store, order)?;
    let product = &subscription["products"][0];
    let new_quantity = order
        .products
        .first()
        .map(|l| l.quantity)
        .ok_or("A change order needs the new quantity in products[0].quantity.")?;
    if new_quantity < 1 {
        return Err(
            "products[0].quantity must be at least 1; cancel the subscription instead.".into(),
        );
    }
    let old = product["quantity"].as_i64().unwrap_or(0);
    let delta = new_quantity - old;
    let price = amount_of(&product["unitPrice"]);
    let extended = price * Decimal::from(delta);
    Ok(json!({
        "subscriptionId": id.to_string(),
        "billingModel": subscription["billingModel"],
        "total": money(extended),
        "products": [{
            "mpn": product["mpn"], "vendor": product["vendor"], "id": product["id"], "name": product["name"],
            "quantity": new_quantity, "billingPeriod": subscription["billingPeriod"], "subscriptionPeriod": subscription["subscriptionPeriod"],
            "extendedPrice": money(price * Decimal::from(new_quantity)), "subscriptionId": id.to_string(), "type": "CHANGE_PLAN_PERIOD",
        }],
        "details": [{
            "type": if delta >= 0 { "recurring" } else { "downgrade" }, "mpn": product["mpn"], "productId": product["id"],
            "description": format!("Quantity change {old} → {new_quantity}"),
            "duration": subscription["billingPeriod"], "quantity": delta,
            "unitPrice": money(price), "extendedPrice": money(extended),
        }],
    }))
}

fn cancellation(store: &mut Store, order: &NewOrder, now: i64) -> Result<Value, Refusal> {
    let (id, subscription) = subscription_of(store, order)?;
    let product = &subscription["products"][0];
    let mut details = vec![json!({
        "type": "cancellation", "mpn": product["mpn"], "productId": product["id"], "description": "Cancellation",
        "duration": subscription["billingPeriod"], "quantity": product["quantity"],
        "unitPrice": product["unitPrice"], "extendedPrice": money(Decimal::ZERO),
    })];
    let fee = early_cancellation_fee(store, id, &subscription, now);
    if let Some((fee, cost)) = fee {
        details.push(json!({
            "type": "billPenalty", "mpn": product["mpn"], "productId": product["id"],
            "description": "Early cancellation fee", "duration": {"type": "month", "duration": 1},
            "quantity": 1, "unitPrice": money(fee), "extendedPrice": money(fee),
            "salesUnitPrice": money(cost), "salesExtendedPrice": money(cost),
        }));
    }
    Ok(json!({
        "subscriptionId": id.to_string(),
        "billingModel": subscription["billingModel"],
        "total": money(fee.map_or(Decimal::ZERO, |(fee, _)| fee)),
        "products": [{
            "mpn": product["mpn"], "vendor": product["vendor"], "id": product["id"], "name": product["name"],
            "quantity": product["quantity"], "billingPeriod": subscription["billingPeriod"], "subscriptionPeriod": subscription["subscriptionPeriod"],
            "subscriptionId": id.to_string(), "type": "CANCEL",
        }],
        "details": details,
    }))
}

/// Cancelling an annual subscription is free in its first week (Microsoft's NCE window is 168
/// hours); after that the sandbox charges one month, its stand-in for what leaving a term early
/// costs, so the planner's fee rule has something to charge.
const FREE_CANCELLATION_SECS: i64 = 7 * 86_400;

/// When the subscription was bought: its sales order's time, else the start of its creation day.
fn created_at(store: &Store, id: i64, subscription: &Value) -> Option<i64> {
    let id = id.to_string();
    store
        .orders
        .values()
        .find(|o| o.body["type"] == "sales" && o.body["subscriptionId"].as_str() == Some(&id))
        .map(|o| o.created)
        .or_else(|| {
            let day = subscription["creationDate"].as_str()?;
            let day = NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()?;
            Some(day.and_hms_opt(0, 0, 0)?.and_utc().timestamp())
        })
}

/// The fee (price, cost) for cancelling at `now`: an annual subscription cancelled more than a
/// week after it was bought pays one month of its price for every seat, rounded to cents
/// (cost likewise); `None` when nothing is owed.
fn early_cancellation_fee(
    store: &Store,
    id: i64,
    subscription: &Value,
    now: i64,
) -> Option<(Decimal, Decimal)> {
    if subscription["subscriptionPeriod"]["type"] != "year" {
        return None;
    }
    if now - created_at(store, id, subscription)? <= FREE_CANCELLATION_SECS {
        return None;
    }
    let product = &subscription["products"][0];
    let seats = Decimal::from(product["quantity"].as_i64().unwrap_or(0));
    // The price is per billing period; a yearly-billed seat's month is a twelfth of it.
    let months = Decimal::from(
        period_months(&subscription["billingPeriod"])
            .as_u32()
            .max(1),
    );
    let month_of = |unit: Decimal| {
        (unit * seats / months).round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
    };
    Some((
        month_of(amount_of(&product["unitPrice"])),
        month_of(amount_of(&product["unitCost"])),
    ))
}

/// Completes what is due and bills usage periods that have ended, as of `now`.
pub fn settle(store: &mut Store, now: i64) {
    let due: Vec<i64> = store
        .orders
        .iter()
        .filter(|(_, o)| !o.applied && o.completes <= now)
        .map(|(id, _)| *id)
        .collect();
    for id in due {
        apply(store, id);
    }
    bill_usage(store, now);
}

/// Applies one completed (or failed) order to its subscription, once.
pub fn apply(store: &mut Store, id: i64) {
    let Some(order) = store.orders.get_mut(&id) else {
        return;
    };
    if order.applied {
        return;
    }
    order.applied = true;
    let (kind, completed, body, at) = (
        order.body["type"].clone(),
        order.outcome == "completed",
        order.body.clone(),
        order.completes,
    );
    let subscription = body["subscriptionId"]
        .as_str()
        .and_then(|s| s.parse::<i64>().ok());
    let Some(sub) = subscription.and_then(|s| store.subscriptions.get_mut(&s)) else {
        return;
    };
    sub["lastModifiedDate"] = json!(date(at));
    match (kind.as_str(), completed) {
        (Some("sales"), true) => sub["status"] = json!("active"),
        (Some("sales"), false) => sub["status"] = json!("removed"),
        (Some("change"), true) => {
            let quantity = body["products"][0]["quantity"].as_i64().unwrap_or(0);
            let price = amount_of(&sub["products"][0]["unitPrice"]);
            sub["products"][0]["quantity"] = json!(quantity);
            sub["products"][0]["extendedPrice"] = money(price * Decimal::from(quantity));
        }
        (Some("cancellation"), true) => sub["status"] = json!("terminated"),
        _ => {}
    }
}

/// Usage units of one period: deterministic, so tests know them.
fn usage_units(subscription: i64, period_start: i64) -> i64 {
    10 + (subscription * 31 + period_start / 86_400) % 90
}

fn bill_usage(store: &mut Store, now: i64) {
    let cursors: Vec<(i64, i64)> = store.billed_until.iter().map(|(s, t)| (*s, *t)).collect();
    for (sub_id, mut from) in cursors {
        while let Some(sub) = store.subscriptions.get(&sub_id).cloned() {
            if sub["status"] != "active" {
                break;
            }
            let start = DateTime::<Utc>::from_timestamp(from, 0).unwrap_or_default();
            let Some(end) = start.checked_add_months(period_months(&sub["billingPeriod"])) else {
                break;
            };
            let end = end.timestamp();
            if end > now {
                break;
            }
            let product = &sub["products"][0];
            let units = usage_units(sub_id, from);
            let price = amount_of(&product["unitPrice"]);
            let cost = amount_of(&product["unitCost"]);
            let id = store.new_id();
            let number = store.order_number("BO");
            let body = json!({
                "id": id.to_string(), "orderNumber": number, "type": "unknown", "customerId": sub["customerId"],
                "creationDate": datetime(end), "attributes": {}, "subscriptionId": sub_id.to_string(),
                "billingModel": sub["billingModel"], "total": money(price * Decimal::from(units)),
                "products": [{
                    "mpn": product["mpn"], "vendor": product["vendor"], "id": product["id"], "name": product["name"],
                    "quantity": units, "billingPeriod": sub["billingPeriod"], "subscriptionPeriod": sub["subscriptionPeriod"],
                    "extendedPrice": money(price * Decimal::from(units)), "subscriptionId": sub_id.to_string(), "type": "BILLING_SUBSCRIPTION",
                }],
                "details": [{
                    "type": "overuse", "mpn": product["mpn"], "productId": product["id"],
                    "description": format!("Usage {} – {}", date(from), date(end - 86_400)),
                    "duration": sub["billingPeriod"], "quantity": units,
                    "unitPrice": money(price), "extendedPrice": money(price * Decimal::from(units)),
                    "salesUnitPrice": money(cost), "salesExtendedPrice": money(cost * Decimal::from(units)),
                }],
            });
            store.orders.insert(
                id,
                OrderRecord {
                    body,
                    created: end,
                    completes: end,
                    outcome: "completed".into(),
                    applied: true,
                },
            );
            store.billed_until.insert(sub_id, end);
            from = end;
        }
    }
}

/// The order as the API shows it at `now`: status, status code and provisioning date derived.
pub fn view(order: &OrderRecord, now: i64, detailed: bool) -> Value {
    let mut body = order.body.clone();
    let halfway = order.created + (order.completes - order.created) / 2;
    let (status, code) = if now >= order.completes {
        if order.outcome == "completed" {
            ("completed", "CP")
        } else {
            ("error", "ER")
        }
    } else if now >= halfway {
        ("processing", "PR")
    } else {
        ("submitted", "SB")
    };
    body["status"] = json!(status);
    body["statusCode"] = json!(code);
    if status == "completed" {
        body["provisioningDate"] = json!(datetime(order.completes));
    }
    if !detailed && let Some(object) = body.as_object_mut() {
        for field in [
            "products",
            "subscriptionId",
            "targetSubscriptionId",
            "billingModel",
            "subscriptions",
        ] {
            object.remove(field);
        }
    }
    body
}
