use chrono::Utc;
use entities::{autotask_connections, marketplace_connections};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set, sea_query::OnConflict,
};

use crate::domain::ids::ResellerId;

pub async fn find_autotask_connection<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
) -> Result<Option<autotask_connections::Model>, DbErr> {
    autotask_connections::Entity::find()
        .filter(autotask_connections::Column::ResellerId.eq(reseller.0))
        .one(db)
        .await
}

pub async fn find_marketplace_connection<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
) -> Result<Option<marketplace_connections::Model>, DbErr> {
    marketplace_connections::Entity::find()
        .filter(marketplace_connections::Column::ResellerId.eq(reseller.0))
        .one(db)
        .await
}

/// The fields of an Autotask connection as stored (the secret already sealed).
pub struct StoredAutotaskConnection {
    pub api_url: Option<String>,
    pub username: String,
    pub integration_code: String,
    pub secret_ciphertext: String,
}

pub async fn upsert_autotask_connection<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    row: StoredAutotaskConnection,
) -> Result<(), DbErr> {
    use autotask_connections::Column;
    let model = autotask_connections::ActiveModel {
        reseller_id: Set(reseller.0),
        api_url: Set(row.api_url),
        username: Set(row.username),
        integration_code: Set(row.integration_code),
        secret_ciphertext: Set(row.secret_ciphertext),
        zone_url: Set(None),
        tested_at: Set(None),
        test_result: Set(None),
        updated_at: Set(Utc::now().fixed_offset()),
        ..Default::default()
    };
    autotask_connections::Entity::insert(model)
        .on_conflict(
            OnConflict::column(Column::ResellerId)
                .update_columns([
                    Column::ApiUrl,
                    Column::Username,
                    Column::IntegrationCode,
                    Column::SecretCiphertext,
                    Column::ZoneUrl,
                    Column::TestedAt,
                    Column::TestResult,
                    Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(db)
        .await?;
    Ok(())
}

/// The fields of a marketplace connection as stored (password and key already sealed).
pub struct StoredMarketplaceConnection {
    pub base_url: String,
    pub marketplace_code: String,
    pub username: String,
    pub password_ciphertext: String,
    pub subscription_key_ciphertext: String,
}

pub async fn upsert_marketplace_connection<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    row: StoredMarketplaceConnection,
) -> Result<(), DbErr> {
    use marketplace_connections::Column;
    let model = marketplace_connections::ActiveModel {
        reseller_id: Set(reseller.0),
        base_url: Set(row.base_url),
        marketplace_code: Set(row.marketplace_code),
        username: Set(row.username),
        password_ciphertext: Set(row.password_ciphertext),
        subscription_key_ciphertext: Set(row.subscription_key_ciphertext),
        tested_at: Set(None),
        test_result: Set(None),
        updated_at: Set(Utc::now().fixed_offset()),
        ..Default::default()
    };
    marketplace_connections::Entity::insert(model)
        .on_conflict(
            OnConflict::column(Column::ResellerId)
                .update_columns([
                    Column::BaseUrl,
                    Column::MarketplaceCode,
                    Column::Username,
                    Column::PasswordCiphertext,
                    Column::SubscriptionKeyCiphertext,
                    Column::TestedAt,
                    Column::TestResult,
                    Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(db)
        .await?;
    Ok(())
}

/// Records the outcome of a connection test.
pub async fn record_autotask_test<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    zone_url: Option<String>,
    result: &str,
) -> Result<(), DbErr> {
    use autotask_connections::Column;
    use sea_orm::sea_query::Expr;
    autotask_connections::Entity::update_many()
        .col_expr(Column::ZoneUrl, Expr::value(zone_url))
        .col_expr(
            Column::TestedAt,
            Expr::value(Some(Utc::now().fixed_offset())),
        )
        .col_expr(Column::TestResult, Expr::value(Some(result.to_owned())))
        .filter(Column::ResellerId.eq(reseller.0))
        .exec(db)
        .await?;
    Ok(())
}
