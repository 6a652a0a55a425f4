//! Per-reseller settings (a row appears when a reseller first saves them; defaults until then).

use entities::settings;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};

use super::stored::Stored;
use crate::model::{
    ids::ResellerId,
    plan::{PriceSource, Proration, RuleSettings},
    settings::CheckSettings,
};

/// How Check Changes looks for orders: the stored settings, or the defaults.
pub async fn find_check_settings<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
) -> Result<CheckSettings, DbErr> {
    Ok(settings::Entity::find_by_id(reseller.0)
        .one(db)
        .await?
        .map_or_else(CheckSettings::default, |row| CheckSettings {
            overlap_minutes: i64::from(row.overlap_minutes),
            completed_orders_only: row.completed_orders_only,
        }))
}

/// The rule settings the planner uses: the stored ones, or the defaults.
pub async fn find_rule_settings<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
) -> Result<RuleSettings, DbErr> {
    match settings::Entity::find_by_id(reseller.0).one(db).await? {
        None => Ok(RuleSettings::default()),
        Some(row) => Ok(RuleSettings {
            price_source: PriceSource::from_word(&row.price_source)?,
            proration: Proration::from_word(&row.proration)?,
            refunds_on_downgrade: row.refunds_on_downgrade,
        }),
    }
}

/// Whether several marketplace products may map to one Autotask service (design §3); the
/// column's default, `true`, until the reseller saves settings.
pub async fn find_many_products_per_service<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
) -> Result<bool, DbErr> {
    Ok(settings::Entity::find_by_id(reseller.0)
        .one(db)
        .await?
        .is_none_or(|row| row.many_products_per_service))
}
