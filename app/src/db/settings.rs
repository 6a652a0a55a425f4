//! Per-reseller settings (a row appears when a reseller first saves them; defaults until then).

use entities::settings;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};

use crate::model::ids::ResellerId;

pub async fn find_settings<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
) -> Result<Option<settings::Model>, DbErr> {
    settings::Entity::find_by_id(reseller.0).one(db).await
}
