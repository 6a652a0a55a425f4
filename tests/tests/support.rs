//! Fixtures shared by several test modules.

use chrono::Utc;
use psa_sync::db;
use psa_sync::model::{
    ids::{ResellerId, TaskId},
    task::{Direction, NewTask, OrderRef, Quantities, TaskFacts, TaskType},
};
use sea_orm::DatabaseConnection;

/// Records a sales task of the reseller for `order` directly, as Check Changes would.
pub async fn insert_task(db: &DatabaseConnection, reseller: ResellerId, order: &str) -> TaskId {
    let customer = db::catalog::upsert_customer(db, reseller, &format!("C-{order}"), "Contoso")
        .await
        .expect("customer recorded");
    let now = Utc::now();
    let task = NewTask {
        reseller,
        order: OrderRef {
            mp_order_id: order.to_owned(),
            order_number: format!("SO-{order}"),
            order_type: "sales".into(),
            created_at: now,
        },
        facts: TaskFacts {
            task_type: TaskType::Sales,
            direction: Some(Direction::Up),
            quantities: Quantities::between(Some(0), Some(3)),
        },
        customer,
        subscription: None,
        mp_subscription_id: None,
        product: None,
        effective_date: now.date_naive(),
        order_snapshot: serde_json::json!({ "id": order, "secretMarker": format!("order-of-{order}") }),
    };
    assert!(
        db::tasks::insert_task_if_new(db, &task)
            .await
            .expect("task inserted")
    );
    let found = db::tasks::find_tasks_for_reseller(db, reseller, &Default::default(), 10_000)
        .await
        .expect("tasks listed");
    found
        .into_iter()
        .find(|t| t.order.mp_order_id == order)
        .expect("the task just recorded")
        .id
}
