//! Fixtures shared by several test modules.

use chrono::Utc;
use entities::sync_tasks;
use psa_sync::domain::ids::{ResellerId, TaskId};
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};

/// Inserts a task of the reseller directly (Check Changes arrives in a later issue).
pub async fn insert_task(db: &DatabaseConnection, reseller: ResellerId, order: &str) -> TaskId {
    let now = Utc::now().fixed_offset();
    let model = sync_tasks::ActiveModel {
        reseller_id: Set(reseller.0),
        mp_order_id: Set(order.to_owned()),
        order_number: Set(format!("SO-{order}")),
        order_type: Set("sales".into()),
        task_type: Set("sales".into()),
        status: Set("new".into()),
        order_created_at: Set(now),
        order_snapshot: Set(Some(
            serde_json::json!({ "id": order, "secretMarker": format!("order-of-{order}") }),
        )),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("task inserted");
    TaskId(model.id)
}
