use sea_orm_migration::{prelude::*, schema::*};

use crate::{drop_tables, fk};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub(crate) enum Resellers {
    Table,
    Id,
    Name,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    ResellerId,
    Email,
    PasswordHash,
    Role,
    CreatedAt,
    LastLoginAt,
}

#[derive(DeriveIden)]
enum AutotaskConnections {
    Table,
    Id,
    ResellerId,
    Username,
    IntegrationCode,
    SecretCiphertext,
    ZoneUrl,
    TestedAt,
    TestResult,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MarketplaceConnections {
    Table,
    Id,
    ResellerId,
    BaseUrl,
    MarketplaceCode,
    Username,
    PasswordCiphertext,
    SubscriptionKeyCiphertext,
    TestedAt,
    TestResult,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Settings {
    Table,
    ResellerId,
    PriceSource,
    Proration,
    RefundsOnDowngrade,
    AutoProcessing,
    DailyAt,
    NotifyLevel,
    NotifyEmails,
    ManyProductsPerService,
    CompletedOrdersOnly,
    OverlapMinutes,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Resellers::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Resellers::Id))
                    .col(string_len_uniq(Resellers::Name, 200))
                    .col(timestamp_with_time_zone(Resellers::CreatedAt))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Users::Id))
                    .col(big_integer(Users::ResellerId))
                    .col(string_len_uniq(Users::Email, 254))
                    .col(string(Users::PasswordHash))
                    .col(string_len(Users::Role, 16))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .col(timestamp_with_time_zone_null(Users::LastLoginAt))
                    .foreign_key(&mut fk(
                        "fk_users_reseller",
                        (Users::Table, Users::ResellerId),
                        (Resellers::Table, Resellers::Id),
                    ))
                    .check(Expr::col(Users::Role).is_in(["admin", "operator"]))
                    .take(),
            )
            .await?;

        // Secrets are AES-256-GCM ciphertexts (nonce ‖ ciphertext, base64); see app::crypto.
        manager
            .create_table(
                Table::create()
                    .table(AutotaskConnections::Table)
                    .if_not_exists()
                    .col(big_pk_auto(AutotaskConnections::Id))
                    .col(big_integer_uniq(AutotaskConnections::ResellerId))
                    .col(string_len(AutotaskConnections::Username, 254))
                    .col(string_len(AutotaskConnections::IntegrationCode, 100))
                    .col(text(AutotaskConnections::SecretCiphertext))
                    .col(string_len_null(AutotaskConnections::ZoneUrl, 500))
                    .col(timestamp_with_time_zone_null(AutotaskConnections::TestedAt))
                    .col(text_null(AutotaskConnections::TestResult))
                    .col(timestamp_with_time_zone(AutotaskConnections::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_autotask_connections_reseller",
                        (AutotaskConnections::Table, AutotaskConnections::ResellerId),
                        (Resellers::Table, Resellers::Id),
                    ))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(MarketplaceConnections::Table)
                    .if_not_exists()
                    .col(big_pk_auto(MarketplaceConnections::Id))
                    .col(big_integer_uniq(MarketplaceConnections::ResellerId))
                    .col(string_len(MarketplaceConnections::BaseUrl, 500))
                    .col(string_len(MarketplaceConnections::MarketplaceCode, 100))
                    .col(string_len(MarketplaceConnections::Username, 254))
                    .col(text(MarketplaceConnections::PasswordCiphertext))
                    .col(text(MarketplaceConnections::SubscriptionKeyCiphertext))
                    .col(timestamp_with_time_zone_null(
                        MarketplaceConnections::TestedAt,
                    ))
                    .col(text_null(MarketplaceConnections::TestResult))
                    .col(timestamp_with_time_zone(MarketplaceConnections::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_marketplace_connections_reseller",
                        (
                            MarketplaceConnections::Table,
                            MarketplaceConnections::ResellerId,
                        ),
                        (Resellers::Table, Resellers::Id),
                    ))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Settings::Table)
                    .if_not_exists()
                    .col(big_integer(Settings::ResellerId).primary_key())
                    .col(string_len(Settings::PriceSource, 16).default("autotask"))
                    .col(string_len(Settings::Proration, 16).default("autotask"))
                    .col(boolean(Settings::RefundsOnDowngrade).default(false))
                    .col(string_len(Settings::AutoProcessing, 16).default("off"))
                    .col(string_len_null(Settings::DailyAt, 5))
                    .col(string_len(Settings::NotifyLevel, 16).default("errors"))
                    .col(text(Settings::NotifyEmails).default(""))
                    .col(boolean(Settings::ManyProductsPerService).default(true))
                    .col(boolean(Settings::CompletedOrdersOnly).default(true))
                    .col(integer(Settings::OverlapMinutes).default(10))
                    .col(timestamp_with_time_zone(Settings::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_settings_reseller",
                        (Settings::Table, Settings::ResellerId),
                        (Resellers::Table, Resellers::Id),
                    ))
                    .check(Expr::col(Settings::PriceSource).is_in(["autotask", "marketplace"]))
                    .check(Expr::col(Settings::Proration).is_in(["autotask", "marketplace"]))
                    .check(Expr::col(Settings::AutoProcessing).is_in(["off", "every5", "daily"]))
                    .check(Expr::col(Settings::NotifyLevel).is_in(["errors", "all"]))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            vec![
                Settings::Table.into_iden(),
                MarketplaceConnections::Table.into_iden(),
                AutotaskConnections::Table.into_iden(),
                Users::Table.into_iden(),
                Resellers::Table.into_iden(),
            ],
        )
        .await
    }
}
