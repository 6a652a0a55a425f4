use sea_orm_migration::{prelude::*, schema::*};

use crate::{drop_tables, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Resellers {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum CheckRuns {
    Table,
    Id,
}

/// What one Check Changes run did with each order it looked at (task created, skipped,
/// pending, unreadable), for the run's detail page. The run's own row keeps only the counts.
#[derive(DeriveIden)]
enum CheckRunOrders {
    Table,
    Id,
    CheckRunId,
    ResellerId,
    MpOrderId,
    OrderNumber,
    Outcome,
    TaskId,
    Note,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CheckRunOrders::Table)
                    .if_not_exists()
                    .col(big_pk_auto(CheckRunOrders::Id))
                    .col(big_integer(CheckRunOrders::CheckRunId))
                    .col(big_integer(CheckRunOrders::ResellerId))
                    .col(string_len_null(CheckRunOrders::MpOrderId, 64))
                    .col(string_len_null(CheckRunOrders::OrderNumber, 64))
                    .col(string_len(CheckRunOrders::Outcome, 16))
                    .col(big_integer_null(CheckRunOrders::TaskId))
                    .col(text_null(CheckRunOrders::Note))
                    .col(timestamp_with_time_zone(CheckRunOrders::At))
                    .foreign_key(&mut fk(
                        "fk_check_run_orders_run",
                        (CheckRunOrders::Table, CheckRunOrders::CheckRunId),
                        (CheckRuns::Table, CheckRuns::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_check_run_orders_reseller",
                        (CheckRunOrders::Table, CheckRunOrders::ResellerId),
                        (Resellers::Table, Resellers::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_check_run_orders_run",
                CheckRunOrders::Table,
                &["check_run_id", "id"],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, vec![CheckRunOrders::Table.into_iden()]).await
    }
}
