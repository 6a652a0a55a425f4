use sea_orm_migration::{prelude::*, schema::*};

use crate::{drop_tables, fk, index, money_null, unique_index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Resellers {
    Table,
    Id,
}

/// Marketplace customers and their mapping to an Autotask company.
#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
    ResellerId,
    MpCustomerId,
    Name,
    Snapshot,
    AutotaskCompanyId,
    AutoProcess,
    MappedAt,
    UpdatedAt,
}

/// Marketplace products, keyed by (mpn, vendor, billing period, subscription period), and their
/// mapping to an Autotask service.
#[derive(DeriveIden)]
enum Products {
    Table,
    Id,
    ResellerId,
    Mpn,
    Vendor,
    BillingPeriod,
    SubscriptionPeriod,
    Name,
    AutotaskServiceId,
    MappedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum FeeMappings {
    Table,
    Id,
    ResellerId,
    FeeKind,
    AutotaskServiceId,
    UpdatedAt,
}

/// Marketplace subscriptions: the last synced snapshot and the contract they are bound to.
#[derive(DeriveIden)]
enum Subscriptions {
    Table,
    Id,
    ResellerId,
    MpSubscriptionId,
    CustomerId,
    ProductId,
    Status,
    SyncedQuantity,
    BillingPeriod,
    Currency,
    UnitPriceE4,
    UnitCostE4,
    AutotaskContractId,
    AutotaskContractServiceId,
    Snapshot,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Customers::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Customers::Id))
                    .col(big_integer(Customers::ResellerId))
                    .col(string_len(Customers::MpCustomerId, 64))
                    .col(string_len(Customers::Name, 300))
                    .col(json_null(Customers::Snapshot))
                    .col(big_integer_null(Customers::AutotaskCompanyId))
                    .col(boolean(Customers::AutoProcess).default(false))
                    .col(timestamp_with_time_zone_null(Customers::MappedAt))
                    .col(timestamp_with_time_zone(Customers::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_customers_reseller",
                        (Customers::Table, Customers::ResellerId),
                        (Resellers::Table, Resellers::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_customers_reseller_mp_customer",
                Customers::Table,
                &["reseller_id", "mp_customer_id"],
            ))
            .await?;
        // One marketplace customer ↔ one Autotask company per reseller (NULLs do not collide).
        manager
            .create_index(unique_index(
                "ux_customers_reseller_company",
                Customers::Table,
                &["reseller_id", "autotask_company_id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Products::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Products::Id))
                    .col(big_integer(Products::ResellerId))
                    .col(string_len(Products::Mpn, 100))
                    .col(string_len(Products::Vendor, 100))
                    .col(string_len(Products::BillingPeriod, 16))
                    .col(string_len(Products::SubscriptionPeriod, 16))
                    .col(string_len(Products::Name, 300))
                    .col(big_integer_null(Products::AutotaskServiceId))
                    .col(timestamp_with_time_zone_null(Products::MappedAt))
                    .col(timestamp_with_time_zone(Products::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_products_reseller",
                        (Products::Table, Products::ResellerId),
                        (Resellers::Table, Resellers::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_products_reseller_key",
                Products::Table,
                &[
                    "reseller_id",
                    "mpn",
                    "vendor",
                    "billing_period",
                    "subscription_period",
                ],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_products_reseller_service",
                Products::Table,
                &["reseller_id", "autotask_service_id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(FeeMappings::Table)
                    .if_not_exists()
                    .col(big_pk_auto(FeeMappings::Id))
                    .col(big_integer(FeeMappings::ResellerId))
                    .col(string_len(FeeMappings::FeeKind, 32))
                    .col(big_integer(FeeMappings::AutotaskServiceId))
                    .col(timestamp_with_time_zone(FeeMappings::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_fee_mappings_reseller",
                        (FeeMappings::Table, FeeMappings::ResellerId),
                        (Resellers::Table, Resellers::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_fee_mappings_reseller_kind",
                FeeMappings::Table,
                &["reseller_id", "fee_kind"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Subscriptions::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Subscriptions::Id))
                    .col(big_integer(Subscriptions::ResellerId))
                    .col(string_len(Subscriptions::MpSubscriptionId, 64))
                    .col(big_integer(Subscriptions::CustomerId))
                    .col(big_integer_null(Subscriptions::ProductId))
                    .col(string_len(Subscriptions::Status, 32))
                    .col(big_integer_null(Subscriptions::SyncedQuantity))
                    .col(string_len(Subscriptions::BillingPeriod, 16))
                    .col(string_len_null(Subscriptions::Currency, 3))
                    .col(money_null(Subscriptions::UnitPriceE4))
                    .col(money_null(Subscriptions::UnitCostE4))
                    // A subscription is bound to exactly one contract once synced: one column.
                    .col(big_integer_null(Subscriptions::AutotaskContractId))
                    .col(big_integer_null(Subscriptions::AutotaskContractServiceId))
                    .col(json_null(Subscriptions::Snapshot))
                    .col(timestamp_with_time_zone(Subscriptions::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_subscriptions_reseller",
                        (Subscriptions::Table, Subscriptions::ResellerId),
                        (Resellers::Table, Resellers::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_subscriptions_customer",
                        (Subscriptions::Table, Subscriptions::CustomerId),
                        (Customers::Table, Customers::Id),
                    ))
                    .foreign_key(
                        &mut fk(
                            "fk_subscriptions_product",
                            (Subscriptions::Table, Subscriptions::ProductId),
                            (Products::Table, Products::Id),
                        )
                        .on_delete(ForeignKeyAction::SetNull)
                        .take(),
                    )
                    .take(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_subscriptions_reseller_mp_subscription",
                Subscriptions::Table,
                &["reseller_id", "mp_subscription_id"],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            vec![
                Subscriptions::Table.into_iden(),
                FeeMappings::Table.into_iden(),
                Products::Table.into_iden(),
                Customers::Table.into_iden(),
            ],
        )
        .await
    }
}
