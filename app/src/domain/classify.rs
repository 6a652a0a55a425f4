//! Which kind of sync task a marketplace order becomes (design §2.1). Pure: the order, the
//! subscription as the marketplace shows it now, and the quantity last synced to Autotask.

use rust_decimal::{Decimal, prelude::ToPrimitive};

use crate::marketplace::models::{OrderDetail, Subscription};
use crate::model::task::{Direction, Quantities, TaskFacts, TaskType};

const USAGE_MODELS: [&str; 2] = ["chargeAfterBillingPeriod", "chargeExternalRating"];
const USAGE_LINES: [&str; 2] = ["BILLING_SUBSCRIPTION", "VENDOR_RATED_DATA"];
const DOWN_CHARGES: [&str; 2] = ["downgrade", "recurringRefund"];

fn whole(value: Option<Decimal>) -> Option<i64> {
    value.and_then(|v| v.trunc().to_i64())
}

fn is_billing(order: &OrderDetail) -> bool {
    let usage_lines = order
        .products
        .iter()
        .any(|p| p.kind.as_deref().is_some_and(|k| USAGE_LINES.contains(&k)));
    let usage_model = order
        .billing_model
        .as_deref()
        .is_some_and(|m| USAGE_MODELS.contains(&m));
    let usage_charges = order
        .details
        .iter()
        .any(|d| d.kind == "overuse" || d.kind == "billRecord");
    usage_lines
        || order.order_number.starts_with("BO")
        || (order.kind == "unknown" && (usage_model || usage_charges))
}

/// Classifies an order; `None` for orders that need no task (an `unknown` order that is not a
/// usage charge).
pub fn classify(
    order: &OrderDetail,
    subscription: Option<&Subscription>,
    last_synced: Option<i64>,
) -> Option<TaskFacts> {
    let quantity_new = whole(order.products.first().and_then(|p| p.quantity));
    let facts = |task_type, direction, old, new| TaskFacts {
        task_type,
        direction,
        quantities: Quantities::between(old, new),
    };
    let plain = |task_type| Some(facts(task_type, None, last_synced, quantity_new));
    // What a cancellation takes away: the synced quantity, else what the marketplace still shows.
    let held = last_synced
        .or_else(|| {
            subscription
                .and_then(|s| s.products.first())
                .map(|p| p.quantity)
        })
        .or(quantity_new);
    if is_billing(order) {
        return plain(TaskType::Billing);
    }
    match order.kind.as_str() {
        "sales" => Some(facts(
            TaskType::Sales,
            Some(Direction::Up),
            Some(0),
            quantity_new,
        )),
        "change" => Some(change(order, quantity_new, last_synced)),
        "cancellation" => Some(facts(
            TaskType::Cancellation,
            Some(Direction::Down),
            held,
            Some(0),
        )),
        "renewal" => plain(TaskType::Renewal),
        "migration" => plain(TaskType::Reconcile),
        _ if subscription.is_some_and(|s| s.status == "terminated" || s.status == "removed") => {
            Some(facts(
                TaskType::Cancellation,
                Some(Direction::Down),
                held,
                Some(0),
            ))
        }
        _ => None,
    }
}

/// The quantity before a change: the last synced one, else the order's own delta lines.
fn change(order: &OrderDetail, quantity_new: Option<i64>, last_synced: Option<i64>) -> TaskFacts {
    let delta_from_lines: Option<i64> = {
        let deltas: Vec<i64> = order
            .details
            .iter()
            .filter_map(|d| whole(d.quantity))
            .collect();
        (!deltas.is_empty()).then(|| deltas.iter().sum())
    };
    let quantity_old = last_synced.or_else(|| Some(quantity_new? - delta_from_lines?));
    let direction = match (quantity_new, quantity_old) {
        (Some(new), Some(old)) if new > old => Direction::Up,
        (Some(new), Some(old)) if new < old => Direction::Down,
        (Some(_), Some(_)) => Direction::Unchanged,
        _ if order
            .details
            .iter()
            .any(|d| DOWN_CHARGES.contains(&d.kind.as_str())) =>
        {
            Direction::Down
        }
        _ => Direction::Up,
    };
    TaskFacts {
        task_type: TaskType::Change,
        direction: Some(direction),
        quantities: Quantities::between(quantity_old, quantity_new),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn order(value: serde_json::Value) -> OrderDetail {
        let mut base = json!({"id":"1","orderNumber":"SO000001","type":"sales","status":"completed","customerId":"9","creationDate":"2026-11-01T10:00:00Z"});
        if let (Some(base), Some(extra)) = (base.as_object_mut(), value.as_object()) {
            base.extend(extra.clone());
        }
        serde_json::from_value(base).unwrap()
    }

    fn subscription(status: &str) -> Subscription {
        serde_json::from_value(json!({"id":"5","customerId":"9","status":status,"products":[{"mpn":"m","quantity":3}]})).unwrap()
    }

    #[test]
    fn a_sales_order_is_sales() {
        let c = classify(
            &order(json!({"products":[{"mpn":"m","quantity":"5.0"}]})),
            None,
            None,
        )
        .unwrap();
        assert_eq!(c.task_type, TaskType::Sales);
        assert_eq!(
            c.quantities,
            Quantities {
                old: Some(0),
                new: Some(5),
                delta: Some(5)
            }
        );
    }

    #[test]
    fn a_change_goes_up_or_down_against_the_synced_quantity() {
        let change = |qty: i64| {
            order(
                json!({"type":"change","orderNumber":"CH000001","products":[{"mpn":"m","quantity":qty}]}),
            )
        };
        assert_eq!(
            classify(&change(8), None, Some(5)).unwrap().direction,
            Some(Direction::Up)
        );
        assert_eq!(
            classify(&change(2), None, Some(5)).unwrap().direction,
            Some(Direction::Down)
        );
        assert_eq!(
            classify(&change(5), None, Some(5)).unwrap().direction,
            Some(Direction::Unchanged)
        );
    }

    #[test]
    fn without_a_synced_quantity_the_change_lines_tell_the_direction() {
        let down = order(
            json!({"type":"change","products":[{"mpn":"m","quantity":2}],"details":[{"type":"downgrade","quantity":-3}]}),
        );
        let c = classify(&down, None, None).unwrap();
        assert_eq!(
            (c.direction, c.quantities.old, c.quantities.delta),
            (Some(Direction::Down), Some(5), Some(-3))
        );
        let up = order(
            json!({"type":"change","products":[{"mpn":"m","quantity":9}],"details":[{"type":"recurring","quantity":4}]}),
        );
        assert_eq!(
            classify(&up, None, None).unwrap().direction,
            Some(Direction::Up)
        );
        let only_type = order(json!({"type":"change","details":[{"type":"recurringRefund"}]}));
        assert_eq!(
            classify(&only_type, None, None).unwrap().direction,
            Some(Direction::Down)
        );
    }

    #[test]
    fn usage_orders_are_billing() {
        let bo = order(
            json!({"type":"unknown","orderNumber":"BO000007","products":[{"mpn":"a","quantity":42,"type":"BILLING_SUBSCRIPTION"}]}),
        );
        assert_eq!(
            classify(&bo, None, None).unwrap().task_type,
            TaskType::Billing
        );
        let rated = order(
            json!({"type":"unknown","orderNumber":"X1","billingModel":"chargeExternalRating"}),
        );
        assert_eq!(
            classify(&rated, None, None).unwrap().task_type,
            TaskType::Billing
        );
        let vendor = order(
            json!({"type":"unknown","orderNumber":"X2","products":[{"mpn":"a","type":"VENDOR_RATED_DATA"}]}),
        );
        assert_eq!(
            classify(&vendor, None, None).unwrap().task_type,
            TaskType::Billing
        );
    }

    #[test]
    fn a_cancellation_takes_away_the_synced_quantity_else_what_the_subscription_holds() {
        let cancel = order(json!({"type":"cancellation"}));
        let synced = classify(&cancel, Some(&subscription("active")), Some(4)).unwrap();
        assert_eq!(
            synced.quantities,
            Quantities {
                old: Some(4),
                new: Some(0),
                delta: Some(-4)
            }
        );
        let unsynced = classify(&cancel, Some(&subscription("active")), None).unwrap();
        assert_eq!(
            unsynced.quantities.delta,
            Some(-3),
            "the subscription holds 3"
        );
    }

    #[test]
    fn cancellation_renewal_and_migration_have_their_own_types() {
        assert_eq!(
            classify(&order(json!({"type":"cancellation"})), None, Some(4))
                .unwrap()
                .task_type,
            TaskType::Cancellation
        );
        assert_eq!(
            classify(&order(json!({"type":"renewal"})), None, None)
                .unwrap()
                .task_type,
            TaskType::Renewal
        );
        assert_eq!(
            classify(&order(json!({"type":"migration"})), None, None)
                .unwrap()
                .task_type,
            TaskType::Reconcile
        );
    }

    #[test]
    fn an_unknown_order_on_a_terminated_subscription_is_a_cancellation_and_otherwise_nothing() {
        let unknown = order(json!({"type":"unknown","orderNumber":"X9"}));
        assert_eq!(
            classify(&unknown, Some(&subscription("terminated")), Some(3))
                .unwrap()
                .task_type,
            TaskType::Cancellation
        );
        assert_eq!(
            classify(&unknown, Some(&subscription("active")), Some(3)),
            None
        );
    }
}
