use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Where Autotask zone discovery starts for this connection; empty means Autotask's own
/// `webservices.autotask.net` (a sandbox or a test tenant sets it).
#[derive(DeriveIden)]
enum AutotaskConnections {
    Table,
    ApiUrl,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager
            .has_column("autotask_connections", "api_url")
            .await?
        {
            return Ok(());
        }
        manager
            .alter_table(
                Table::alter()
                    .table(AutotaskConnections::Table)
                    .add_column(string_len_null(AutotaskConnections::ApiUrl, 500))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(AutotaskConnections::Table)
                    .drop_column(AutotaskConnections::ApiUrl)
                    .take(),
            )
            .await
    }
}
