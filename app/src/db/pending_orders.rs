//! Orders seen before they completed.

use chrono::Utc;
use entities::pending_orders;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set, sea_query::OnConflict,
};

use crate::model::ids::ResellerId;

pub async fn remember_pending_order<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    mp_order_id: &str,
    status: &str,
) -> Result<(), DbErr> {
    use pending_orders::Column;
    let now = Utc::now().fixed_offset();
    let row = pending_orders::ActiveModel {
        reseller_id: Set(reseller.0),
        mp_order_id: Set(mp_order_id.to_owned()),
        status: Set(status.to_owned()),
        first_seen_at: Set(now),
        last_seen_at: Set(now),
        ..Default::default()
    };
    pending_orders::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([Column::ResellerId, Column::MpOrderId])
                .update_columns([Column::Status, Column::LastSeenAt])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

pub async fn forget_pending_order<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    mp_order_id: &str,
) -> Result<(), DbErr> {
    pending_orders::Entity::delete_many()
        .filter(pending_orders::Column::ResellerId.eq(reseller.0))
        .filter(pending_orders::Column::MpOrderId.eq(mp_order_id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn find_pending_order_ids<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
) -> Result<Vec<String>, DbErr> {
    Ok(pending_orders::Entity::find()
        .filter(pending_orders::Column::ResellerId.eq(reseller.0))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.mp_order_id)
        .collect())
}
