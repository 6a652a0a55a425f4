//! Writes: creates, updates and deletes on an entity's own URL or a contract's child URL.
// An early answer here *is* an HTTP response; boxing each one would only add noise.
#![allow(clippy::result_large_err)]

use actix_web::{
    HttpResponse,
    http::{Method, StatusCode},
};
use serde_json::{Value, json};

use super::answers::{body_json, errors, method_not_allowed, not_found, ok, parse_id};
use super::charges;
use super::query;
use super::reads::records_of;
use super::rules;
use super::schema::Entity;
use super::service::AutotaskSandbox;
use super::store::{Refusal, int_of};

pub(super) fn root_write(
    method: &Method,
    body: &[u8],
    sandbox: &AutotaskSandbox,
    entity: &'static Entity,
    by: Option<i64>,
) -> HttpResponse {
    if entity.child_of_contracts.is_some() && entity.name != "ContractServiceAdjustments" {
        // Children are written through /Contracts/{id}/<child> only.
        return method_not_allowed(method);
    }
    let body = match body_json(body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let contract = if entity.name == "ContractServiceAdjustments" {
        body.as_object()
            .and_then(|o| o.iter().find(|(k, _)| k.eq_ignore_ascii_case("contractID")))
            .and_then(|(_, v)| v.as_i64())
    } else {
        None
    };
    write(method, sandbox, entity, &body, contract, by)
}

pub(super) fn write(
    method: &Method,
    sandbox: &AutotaskSandbox,
    entity: &'static Entity,
    body: &Value,
    contract: Option<i64>,
    by: Option<i64>,
) -> HttpResponse {
    let result = match *method {
        Method::POST => sandbox.write(|store| rules::create(store, entity, body, contract, by)),
        Method::PATCH => sandbox.write(|store| rules::update(store, entity, body, contract, false)),
        Method::PUT => sandbox.write(|store| rules::update(store, entity, body, contract, true)),
        _ => return method_not_allowed(method),
    };
    saved(result)
}

/// The answer to a write that ran: its id, Autotask's refusal, or the sandbox's own failure.
pub(super) fn saved(result: anyhow::Result<Result<i64, Refusal>>) -> HttpResponse {
    match result {
        Ok(Ok(id)) => ok(json!({"itemId": id})),
        Ok(Err(messages)) => errors(StatusCode::INTERNAL_SERVER_ERROR, messages),
        Err(e) => {
            tracing::error!(
                error = format!("{e:#}"),
                "the Autotask sandbox could not save"
            );
            errors(
                StatusCode::INTERNAL_SERVER_ERROR,
                vec!["The sandbox could not save the change.".into()],
            )
        }
    }
}

/// A request on `/Contracts/{contract}/<child>[/{id}]`.
pub(super) struct Child<'a> {
    pub(super) contract: i64,
    pub(super) entity: &'static Entity,
    pub(super) id: Option<&'a str>,
}

pub(super) fn contract_child(
    method: &Method,
    body: &[u8],
    sandbox: &AutotaskSandbox,
    child: Child<'_>,
    by: Option<i64>,
) -> HttpResponse {
    let Child {
        contract,
        entity,
        id: child_id,
    } = child;
    if sandbox.read(|s| s.get("Contracts", contract).is_none()) {
        return not_found();
    }
    if *method == Method::GET {
        let records = records_of(sandbox, entity, &[], |r| {
            int_of(r, "contractID") == Some(contract)
        });
        return match child_id {
            Some(id) => match parse_id(id)
                .and_then(|id| records.into_iter().find(|r| int_of(r, "id") == Some(id)))
            {
                Some(record) => ok(json!({"item": query::project(entity, &record, None)})),
                None => not_found(),
            },
            None => ok(
                json!({"items": records.iter().map(|r| query::project(entity, r, None)).collect::<Vec<_>>(),
                              "pageDetails": {"count": records.len(), "requestCount": 500, "prevPageUrl": null, "nextPageUrl": null}}),
            ),
        };
    }
    if *method == Method::DELETE && entity.can_delete {
        return match child_id.map(parse_id) {
            Some(Some(id)) => {
                saved(sandbox.write(|store| rules::delete(store, entity, contract, id)))
            }
            // An id that is no number finds nothing either.
            Some(None) => errors(
                StatusCode::INTERNAL_SERVER_ERROR,
                vec![charges::NO_MATCHING_RECORD.into()],
            ),
            None => method_not_allowed(method),
        };
    }
    if child_id.is_some() || entity.name == "ContractServiceUnits" {
        return method_not_allowed(method);
    }
    match body_json(body) {
        Ok(body) => write(method, sandbox, entity, &body, Some(contract), by),
        Err(response) => response,
    }
}
