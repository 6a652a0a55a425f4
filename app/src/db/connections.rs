use chrono::Utc;
use entities::{autotask_connections, marketplace_connections};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set, sea_query::OnConflict,
};

use crate::model::{
    connection::{StoredAutotaskConnection, StoredMarketplaceConnection},
    ids::ResellerId,
};

pub async fn find_autotask_connection<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
) -> Result<Option<StoredAutotaskConnection>, DbErr> {
    Ok(autotask_connections::Entity::find()
        .filter(autotask_connections::Column::ResellerId.eq(reseller.0))
        .one(db)
        .await?
        .map(|row| StoredAutotaskConnection {
            api_url: row.api_url,
            username: row.username,
            integration_code: row.integration_code,
            secret_ciphertext: row.secret_ciphertext,
            zone_url: row.zone_url,
            test_result: row.test_result,
            updated_at: row.updated_at.with_timezone(&Utc),
        }))
}

pub async fn find_marketplace_connection<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
) -> Result<Option<StoredMarketplaceConnection>, DbErr> {
    Ok(marketplace_connections::Entity::find()
        .filter(marketplace_connections::Column::ResellerId.eq(reseller.0))
        .one(db)
        .await?
        .map(|row| StoredMarketplaceConnection {
            base_url: row.base_url,
            marketplace_code: row.marketplace_code,
            username: row.username,
            password_ciphertext: row.password_ciphertext,
            subscription_key_ciphertext: row.subscription_key_ciphertext,
            test_result: row.test_result,
            updated_at: row.updated_at.with_timezone(&Utc),
        }))
}

pub async fn upsert_autotask_connection<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    row: &StoredAutotaskConnection,
) -> Result<(), DbErr> {
    use autotask_connections::Column;
    let model = autotask_connections::ActiveModel {
        reseller_id: Set(reseller.0),
        api_url: Set(row.api_url.clone()),
        username: Set(row.username.clone()),
        integration_code: Set(row.integration_code.clone()),
        secret_ciphertext: Set(row.secret_ciphertext.clone()),
        zone_url: Set(None),
        tested_at: Set(None),
        test_result: Set(None),
        updated_at: Set(row.updated_at.fixed_offset()),
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

pub async fn upsert_marketplace_connection<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    row: &StoredMarketplaceConnection,
) -> Result<(), DbErr> {
    use marketplace_connections::Column;
    let model = marketplace_connections::ActiveModel {
        reseller_id: Set(reseller.0),
        base_url: Set(row.base_url.clone()),
        marketplace_code: Set(row.marketplace_code.clone()),
        username: Set(row.username.clone()),
        password_ciphertext: Set(row.password_ciphertext.clone()),
        subscription_key_ciphertext: Set(row.subscription_key_ciphertext.clone()),
        tested_at: Set(None),
        test_result: Set(None),
        updated_at: Set(row.updated_at.fixed_offset()),
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
