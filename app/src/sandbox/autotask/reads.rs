//! Reads: get by id, queries with paging through `nextPageUrl`, counts, and entity metadata.
// An early answer here *is* an HTTP response; boxing each one would only add noise.
#![allow(clippy::result_large_err)]

use actix_web::{
    HttpRequest, HttpResponse,
    http::{Method, StatusCode},
};
use serde_json::{Value, json};

use super::answers::{
    body_json, errors, method_not_allowed, not_found, ok, query_params, rest_root,
};
use super::query::{self, Condition, Cursor, Query};
use super::schema::{self, Entity};
use super::service::AutotaskSandbox;
use super::store::{Record, Store, int_of};
use super::units;

/// The records of an entity as a query sees them, in ascending id order.
/// `conditions` are those `keep` applies, or none: they only let derived rows be skipped early.
pub(super) fn records_of(
    sandbox: &AutotaskSandbox,
    entity: &Entity,
    conditions: &[Condition],
    keep: impl Fn(&Record) -> bool,
) -> Vec<Record> {
    sandbox.read(|store| {
        let mut records: Vec<Record> = if entity.name == "ContractServiceUnits" {
            let services = query::pinned(conditions, "contractServiceID");
            let contracts = query::pinned(conditions, "contractID");
            units::rows_of(store, |cs, contract| {
                services.as_ref().is_none_or(|s| s.contains(&cs))
                    && contracts.as_ref().is_none_or(|c| c.contains(&contract))
            })
            .into_iter()
            .filter(|r| keep(r))
            .collect()
        } else if entity.name == "ContractServices" {
            store
                .table(entity.name)
                .map(|r| view(store, entity, r))
                .filter(|r| keep(r))
                .collect()
        } else {
            store
                .table(entity.name)
                .filter(|r| keep(r))
                .cloned()
                .collect()
        };
        records.sort_by_key(|r| int_of(r, "id").unwrap_or(0));
        records
    })
}

/// "If the contract service is configured to use the standard invoice description, we return the
/// service's invoice description" (reference §8.4).
pub(super) fn view(store: &Store, entity: &Entity, record: &Record) -> Record {
    let mut record = record.clone();
    if entity.name == "ContractServices"
        && record.get("invoiceDescription").is_none_or(Value::is_null)
    {
        let standard = int_of(&record, "serviceID")
            .and_then(|id| store.get("Services", id))
            .and_then(|s| s.get("invoiceDescription").cloned());
        record.insert("invoiceDescription".into(), standard.unwrap_or(Value::Null));
    }
    record
}

pub(super) fn get_one(sandbox: &AutotaskSandbox, entity: &'static Entity, id: i64) -> HttpResponse {
    if !entity.can_query {
        return method_not_allowed(&Method::GET);
    }
    match records_of(sandbox, entity, &[], |r| int_of(r, "id") == Some(id)).pop() {
        Some(record) => ok(json!({"item": query::project(entity, &record, None)})),
        None => not_found(),
    }
}

pub(super) fn search_of(req: &HttpRequest, body: &[u8]) -> Result<Value, HttpResponse> {
    if *req.method() == Method::GET {
        let search = query_params(req).remove("search").unwrap_or_default();
        return serde_json::from_str(&search).map_err(|_| {
            errors(
                StatusCode::INTERNAL_SERVER_ERROR,
                vec!["The search parameter is not valid JSON.".into()],
            )
        });
    }
    body_json(body)
}

pub(super) fn query_first(
    req: &HttpRequest,
    body: &[u8],
    sandbox: &AutotaskSandbox,
    entity: &'static Entity,
    count: bool,
) -> HttpResponse {
    if !entity.can_query {
        return method_not_allowed(req.method());
    }
    if !matches!(*req.method(), Method::GET | Method::POST) {
        return method_not_allowed(req.method());
    }
    let search = match search_of(req, body) {
        Ok(search) => search,
        Err(response) => return response,
    };
    let parsed = match query::parse(entity, &search) {
        Ok(parsed) => parsed,
        Err(message) => return errors(StatusCode::INTERNAL_SERVER_ERROR, vec![message]),
    };
    if count {
        let n = records_of(sandbox, entity, &parsed.conditions, |r| {
            query::matches(&parsed.conditions, r)
        })
        .len();
        return ok(json!({"queryCount": n}));
    }
    let cursor = Cursor {
        page_size: parsed.max_records,
        last_id: i64::MIN,
        verb: req.method().to_string(),
        search: (*req.method() == Method::GET).then_some(search),
    };
    page(req, sandbox, entity, &parsed, cursor)
}

pub(super) fn query_next(
    req: &HttpRequest,
    body: &[u8],
    sandbox: &AutotaskSandbox,
    entity: &'static Entity,
) -> HttpResponse {
    let cursor: Option<Cursor> = query_params(req)
        .get("paging")
        .and_then(|p| serde_json::from_str(p).ok());
    let Some(cursor) = cursor else {
        return errors(
            StatusCode::INTERNAL_SERVER_ERROR,
            vec!["The paging parameter is missing or not valid.".into()],
        );
    };
    if cursor.verb == "POST" && *req.method() == Method::GET {
        return method_not_allowed(req.method());
    }
    let search = match (&cursor.search, req.method()) {
        (Some(search), _) => search.clone(),
        (None, _) => match body_json(body) {
            Ok(search) => search,
            Err(response) => return response,
        },
    };
    match query::parse(entity, &search) {
        Ok(parsed) => page(req, sandbox, entity, &parsed, cursor),
        Err(message) => errors(StatusCode::INTERNAL_SERVER_ERROR, vec![message]),
    }
}

pub(super) fn page(
    req: &HttpRequest,
    sandbox: &AutotaskSandbox,
    entity: &'static Entity,
    parsed: &Query,
    cursor: Cursor,
) -> HttpResponse {
    let matching = records_of(sandbox, entity, &parsed.conditions, |r| {
        int_of(r, "id").is_some_and(|id| id > cursor.last_id)
            && query::matches(&parsed.conditions, r)
    });
    let size = cursor.page_size.clamp(1, query::MAX_PAGE);
    let items: Vec<Value> = matching
        .iter()
        .take(size)
        .map(|r| query::project(entity, r, parsed.include_fields.as_deref()))
        .collect();
    let next = (matching.len() > size).then(|| {
        let last_id = matching
            .get(size - 1)
            .and_then(|r| int_of(r, "id"))
            .unwrap_or(i64::MAX);
        let next_cursor = Cursor {
            last_id,
            ..cursor.clone()
        };
        let paging = serde_urlencoded::to_string([(
            "paging",
            serde_json::to_string(&next_cursor).unwrap_or_default(),
        )])
        .unwrap_or_default();
        format!(
            "{}/V1.0/{}/query/next?{paging}",
            rest_root(req),
            entity.name
        )
    });
    ok(json!({
        "items": items,
        "pageDetails": {"count": items.len(), "requestCount": size, "prevPageUrl": null, "nextPageUrl": next},
    }))
}

pub(super) fn entity_information(entity: &Entity) -> HttpResponse {
    ok(json!({"info": {
        "name": entity.info_name,
        "canCreate": entity.can_create,
        "canDelete": entity.can_delete,
        "canQuery": entity.can_query,
        "canUpdate": entity.can_update,
        "userAccessForCreate": {}, "userAccessForDelete": {}, "userAccessForQuery": {}, "userAccessForUpdate": {},
        "hasUserDefinedFields": entity.has_udfs,
        "supportsWebhookCallouts": false,
    }}))
}

pub(super) fn fields(entity: &Entity) -> HttpResponse {
    let fields: Vec<Value> = entity
        .fields
        .iter()
        .map(|f| {
            let picklist: Option<Vec<Value>> = (!f.picklist.is_empty()).then(|| {
                f.picklist
                    .iter()
                    .enumerate()
                    .map(|(n, (value, label))| json!({"value": value.to_string(), "label": label, "isDefaultValue": false, "sortOrder": n, "parentValue": "", "isActive": true, "isSystem": true}))
                    .collect()
            });
            json!({
                "name": f.name,
                "dataType": f.kind.data_type(),
                "length": f.length,
                "isRequired": f.required,
                "isReadOnly": f.access == schema::Access::ReadOnly,
                "isQueryable": entity.can_query,
                "isReference": f.reference.is_some(),
                "referenceEntityType": f.reference.and_then(schema::entity).map_or("", |e| e.info_name),
                "isPickList": picklist.is_some(),
                "picklistValues": picklist,
                "picklistParentValueField": "",
                "isSupportedWebhookField": false,
            })
        })
        .collect();
    ok(json!({ "fields": fields }))
}
