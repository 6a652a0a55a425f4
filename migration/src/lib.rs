//! Schema migrations for psa-sync. Each migration declares its own `Iden` enums so that the
//! schema history never depends on the (generated) `entities` crate.

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_create_accounts;
mod m20261123_000002_create_catalog;
mod m20261123_000003_create_tasks;
mod m20261123_000004_create_operations;
mod m20261123_000005_add_autotask_api_url;
mod m20261123_000006_create_pending_orders;
mod m20261201_000007_add_task_facts;
mod m20261201_000008_add_apply_columns;
mod m20261201_000009_create_import_runs;
mod m20261201_000010_create_check_run_orders;
mod m20261201_000011_add_task_indexes;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_create_accounts::Migration),
            Box::new(m20261123_000002_create_catalog::Migration),
            Box::new(m20261123_000003_create_tasks::Migration),
            Box::new(m20261123_000004_create_operations::Migration),
            Box::new(m20261123_000005_add_autotask_api_url::Migration),
            Box::new(m20261123_000006_create_pending_orders::Migration),
            Box::new(m20261201_000007_add_task_facts::Migration),
            Box::new(m20261201_000008_add_apply_columns::Migration),
            Box::new(m20261201_000009_create_import_runs::Migration),
            Box::new(m20261201_000010_create_check_run_orders::Migration),
            Box::new(m20261201_000011_add_task_indexes::Migration),
        ]
    }
}

/// Money is stored as fixed point with four decimals (`BIGINT`, value × 10⁴) on both databases:
/// SQLite has no exact decimal type and sea-orm reads SQLite decimals through `f64`.
pub(crate) fn money_null<T: IntoIden>(col: T) -> ColumnDef {
    sea_orm_migration::schema::big_integer_null(col)
}

pub(crate) fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Cascade)
        .take()
}

pub(crate) fn unique_index(
    name: &str,
    table: impl IntoIden,
    cols: &[&'static str],
) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table).unique().if_not_exists();
    for col in cols {
        index.col(Alias::new(*col));
    }
    index.take()
}

pub(crate) fn index(
    name: &str,
    table: impl IntoIden,
    cols: &[&'static str],
) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table).if_not_exists();
    for col in cols {
        index.col(Alias::new(*col));
    }
    index.take()
}

/// Drops tables in the order given (children first), for `down` migrations.
pub(crate) async fn drop_tables(
    manager: &SchemaManager<'_>,
    tables: Vec<DynIden>,
) -> Result<(), DbErr> {
    for table in tables {
        manager
            .drop_table(Table::drop().table(table).if_exists().take())
            .await?;
    }
    Ok(())
}
