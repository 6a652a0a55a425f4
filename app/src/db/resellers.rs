use chrono::Utc;
use entities::resellers;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, Set,
};

use crate::model::{account::Reseller, ids::ResellerId};

fn reseller_of(row: resellers::Model) -> Reseller {
    Reseller {
        id: ResellerId(row.id),
        name: row.name,
    }
}

pub async fn count_resellers<C: ConnectionTrait>(db: &C) -> Result<u64, DbErr> {
    resellers::Entity::find().count(db).await
}

pub async fn find_reseller_by_name<C: ConnectionTrait>(
    db: &C,
    name: &str,
) -> Result<Option<Reseller>, DbErr> {
    Ok(resellers::Entity::find()
        .filter(resellers::Column::Name.eq(name))
        .one(db)
        .await?
        .map(reseller_of))
}

pub async fn find_reseller<C: ConnectionTrait>(
    db: &C,
    id: ResellerId,
) -> Result<Option<Reseller>, DbErr> {
    Ok(resellers::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .map(reseller_of))
}

pub async fn insert_reseller<C: ConnectionTrait>(db: &C, name: &str) -> Result<ResellerId, DbErr> {
    let model = resellers::ActiveModel {
        name: Set(name.to_owned()),
        created_at: Set(Utc::now().fixed_offset()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(ResellerId(model.id))
}
