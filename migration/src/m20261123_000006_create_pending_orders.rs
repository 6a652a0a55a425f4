use sea_orm_migration::{prelude::*, schema::*};

use crate::{drop_tables, fk, unique_index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Resellers {
    Table,
    Id,
}

/// Marketplace orders seen before they completed; Check Changes polls them again until they do.
#[derive(DeriveIden)]
enum PendingOrders {
    Table,
    Id,
    ResellerId,
    MpOrderId,
    Status,
    FirstSeenAt,
    LastSeenAt,
}

/// How many orders a run has to look at, for its progress bar.
#[derive(DeriveIden)]
enum CheckRuns {
    Table,
    OrdersTotal,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PendingOrders::Table)
                    .if_not_exists()
                    .col(big_pk_auto(PendingOrders::Id))
                    .col(big_integer(PendingOrders::ResellerId))
                    .col(string_len(PendingOrders::MpOrderId, 64))
                    .col(string_len(PendingOrders::Status, 32))
                    .col(timestamp_with_time_zone(PendingOrders::FirstSeenAt))
                    .col(timestamp_with_time_zone(PendingOrders::LastSeenAt))
                    .foreign_key(&mut fk(
                        "fk_pending_orders_reseller",
                        (PendingOrders::Table, PendingOrders::ResellerId),
                        (Resellers::Table, Resellers::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_pending_orders_reseller_order",
                PendingOrders::Table,
                &["reseller_id", "mp_order_id"],
            ))
            .await?;
        if !manager.has_column("check_runs", "orders_total").await? {
            manager
                .alter_table(
                    Table::alter()
                        .table(CheckRuns::Table)
                        .add_column(integer(CheckRuns::OrdersTotal).default(0))
                        .take(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, vec![PendingOrders::Table.into_iden()]).await
    }
}
