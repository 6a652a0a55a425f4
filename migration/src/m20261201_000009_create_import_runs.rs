use sea_orm_migration::{prelude::*, schema::*};

use crate::{drop_tables, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Resellers {
    Table,
    Id,
}

/// A bulk import of Autotask companies into the marketplace (Import All, or one retry): its
/// progress survives a reload and is shared by every node.
#[derive(DeriveIden)]
enum ImportRuns {
    Table,
    Id,
    ResellerId,
    Status,
    CompanyId,
    Total,
    Done,
    Imported,
    Failed,
    Incomplete,
    Message,
    RequestedAt,
    UpdatedAt,
    FinishedAt,
}

/// What became of each company in a run.
#[derive(DeriveIden)]
enum ImportItems {
    Table,
    Id,
    RunId,
    ResellerId,
    CompanyId,
    CompanyName,
    Outcome,
    Message,
    MpCustomerId,
    RecordedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ImportRuns::Table)
                    .if_not_exists()
                    .col(big_pk_auto(ImportRuns::Id))
                    .col(big_integer(ImportRuns::ResellerId))
                    .col(string_len(ImportRuns::Status, 16))
                    .col(big_integer_null(ImportRuns::CompanyId))
                    .col(integer(ImportRuns::Total).default(0))
                    .col(integer(ImportRuns::Done).default(0))
                    .col(integer(ImportRuns::Imported).default(0))
                    .col(integer(ImportRuns::Failed).default(0))
                    .col(integer(ImportRuns::Incomplete).default(0))
                    .col(text_null(ImportRuns::Message))
                    .col(timestamp_with_time_zone(ImportRuns::RequestedAt))
                    .col(timestamp_with_time_zone(ImportRuns::UpdatedAt))
                    .col(timestamp_with_time_zone_null(ImportRuns::FinishedAt))
                    .foreign_key(&mut fk(
                        "fk_import_runs_reseller",
                        (ImportRuns::Table, ImportRuns::ResellerId),
                        (Resellers::Table, Resellers::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_import_runs_reseller",
                ImportRuns::Table,
                &["reseller_id", "id"],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ImportItems::Table)
                    .if_not_exists()
                    .col(big_pk_auto(ImportItems::Id))
                    .col(big_integer(ImportItems::RunId))
                    .col(big_integer(ImportItems::ResellerId))
                    .col(big_integer(ImportItems::CompanyId))
                    .col(string_len(ImportItems::CompanyName, 200))
                    .col(string_len(ImportItems::Outcome, 16))
                    .col(text(ImportItems::Message))
                    .col(string_len_null(ImportItems::MpCustomerId, 64))
                    .col(timestamp_with_time_zone(ImportItems::RecordedAt))
                    .foreign_key(&mut fk(
                        "fk_import_items_run",
                        (ImportItems::Table, ImportItems::RunId),
                        (ImportRuns::Table, ImportRuns::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_import_items_reseller",
                        (ImportItems::Table, ImportItems::ResellerId),
                        (Resellers::Table, Resellers::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_import_items_reseller_company",
                ImportItems::Table,
                &["reseller_id", "company_id"],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_import_items_run",
                ImportItems::Table,
                &["run_id"],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            vec![
                ImportItems::Table.into_iden(),
                ImportRuns::Table.into_iden(),
            ],
        )
        .await
    }
}
