//! The Autotask query language (reference §4): `filter` conditions with the operators eq, noteq,
//! gt, gte, lt, lte, beginsWith, endsWith, contains, exist, notExist, in, notIn and nested
//! and/or groups; `MaxRecords` and `IncludeFields`; keyset paging on ascending ids.
//! JSON keys, operators and field names are matched case-insensitively; strings compare
//! case-insensitively, as SQL Server's default collation does [I].

use std::{cmp::Ordering, collections::BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::schema::{Entity, Kind};
use super::store::{Record, parse_datetime};

/// The most ORed conditions one query may carry (the SOAP limit, assumed for REST [I]).
pub const MAX_OR_CONDITIONS: usize = 500;
pub const MAX_PAGE: usize = 500;

#[derive(Debug, Clone)]
pub enum Condition {
    Leaf {
        op: Op,
        field: &'static str,
        kind: Kind,
        value: Option<Value>,
    },
    Group {
        any: bool,
        items: Vec<Condition>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    NotEq,
    Gt,
    Gte,
    Lt,
    Lte,
    BeginsWith,
    EndsWith,
    Contains,
    Exist,
    NotExist,
    In,
    NotIn,
}

/// A parsed query body.
#[derive(Debug, Clone)]
pub struct Query {
    pub max_records: usize,
    pub include_fields: Option<Vec<&'static str>>,
    pub conditions: Vec<Condition>,
}

fn key<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    object
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

/// Parses `{"filter":[…],"MaxRecords":N,"IncludeFields":[…]}` against an entity.
pub fn parse(entity: &Entity, body: &Value) -> Result<Query, String> {
    let object = body.as_object().ok_or("The query must be a JSON object.")?;
    let filter = key(object, "filter")
        .and_then(Value::as_array)
        .filter(|items| !items.is_empty())
        .ok_or("A filter is required: add at least one condition (for example id gte 0).")?;
    let conditions = filter
        .iter()
        .map(|item| condition(entity, item))
        .collect::<Result<Vec<_>, _>>()?;
    if or_conditions(&conditions) > MAX_OR_CONDITIONS {
        return Err(
            "Invalid query syntax. Queries are limited to 500 or fewer 'OR' conditions.".into(),
        );
    }
    let max_records = match key(object, "maxRecords") {
        None | Some(Value::Null) => MAX_PAGE,
        Some(value) => match value.as_i64() {
            Some(n) if (1..=MAX_PAGE as i64).contains(&n) => n as usize,
            _ => return Err("MaxRecords must be between 1 and 500.".into()),
        },
    };
    let include_fields = match key(object, "includeFields").and_then(Value::as_array) {
        Some(names) if !names.is_empty() => Some(
            names
                .iter()
                .map(|n| {
                    let name = n.as_str().unwrap_or_default();
                    entity
                        .field(name)
                        .map(|f| f.name)
                        .ok_or_else(|| unknown_field(entity, name))
                })
                .collect::<Result<Vec<_>, _>>()?,
        ),
        _ => None,
    };
    Ok(Query {
        max_records,
        include_fields,
        conditions,
    })
}

fn unknown_field(entity: &Entity, name: &str) -> String {
    format!("Unable to find {name} in the {} Entity.", entity.info_name)
}

fn condition(entity: &Entity, item: &Value) -> Result<Condition, String> {
    let object = item
        .as_object()
        .ok_or("Each filter condition must be an object.")?;
    let op_text = key(object, "op")
        .and_then(Value::as_str)
        .ok_or("A filter condition has no op.")?;
    let op_lower = op_text.to_ascii_lowercase();
    if op_lower == "and" || op_lower == "or" {
        let items = key(object, "items")
            .and_then(Value::as_array)
            .filter(|items| !items.is_empty())
            .ok_or_else(|| format!("The {op_text} condition needs items."))?;
        let items = items
            .iter()
            .map(|i| condition(entity, i))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(Condition::Group {
            any: op_lower == "or",
            items,
        });
    }
    let op = match op_lower.as_str() {
        "eq" => Op::Eq,
        "noteq" => Op::NotEq,
        "gt" => Op::Gt,
        "gte" => Op::Gte,
        "lt" => Op::Lt,
        "lte" => Op::Lte,
        "beginswith" => Op::BeginsWith,
        "endswith" => Op::EndsWith,
        "contains" => Op::Contains,
        "exist" => Op::Exist,
        "notexist" => Op::NotExist,
        "in" => Op::In,
        "notin" => Op::NotIn,
        _ => return Err(format!("Invalid filter operator: {op_text}.")),
    };
    if key(object, "udf").and_then(Value::as_bool).unwrap_or(false) {
        let name = key(object, "field")
            .and_then(Value::as_str)
            .unwrap_or_default();
        return Err(format!(
            "Unable to find user-defined field {name} in the {} Entity.",
            entity.info_name
        ));
    }
    let name = key(object, "field")
        .and_then(Value::as_str)
        .ok_or("A filter condition has no field.")?;
    let field = entity
        .field(name)
        .ok_or_else(|| unknown_field(entity, name))?;
    let value = key(object, "value").cloned();
    match op {
        Op::Exist | Op::NotExist => {}
        Op::In | Op::NotIn => {
            if !value.as_ref().is_some_and(Value::is_array) {
                return Err(format!(
                    "The {op_text} operator needs an array value for {name}."
                ));
            }
        }
        _ => {
            if value.is_none() {
                return Err(format!("The filter on {name} has no value."));
            }
        }
    }
    Ok(Condition::Leaf {
        op,
        field: field.name,
        kind: field.kind,
        value,
    })
}

fn or_conditions(conditions: &[Condition]) -> usize {
    conditions
        .iter()
        .map(|c| match c {
            Condition::Leaf {
                op: Op::In | Op::NotIn,
                value,
                ..
            } => value.as_ref().and_then(Value::as_array).map_or(0, Vec::len),
            Condition::Leaf { .. } => 0,
            Condition::Group { any, items } => {
                let inner = or_conditions(items);
                if *any { inner.max(items.len()) } else { inner }
            }
        })
        .sum()
}

/// The ids a query pins `field` to, when one of its top-level (ANDed) conditions is an `eq` or
/// `in` on it; `None` when nothing pins it. Lets the sandbox skip records no row can match.
pub fn pinned(conditions: &[Condition], field: &str) -> Option<BTreeSet<i64>> {
    let mut pinned: Option<BTreeSet<i64>> = None;
    for condition in conditions {
        let Condition::Leaf {
            op: op @ (Op::Eq | Op::In),
            field: name,
            value: Some(value),
            ..
        } = condition
        else {
            continue;
        };
        if *name != field {
            continue;
        }
        let values = match op {
            Op::In => value.as_array().cloned().unwrap_or_default(),
            _ => vec![value.clone()],
        };
        let ids: BTreeSet<i64> = values
            .iter()
            .filter_map(as_number)
            .filter(|n| n.fract() == 0.0)
            .map(|n| n as i64)
            .collect();
        pinned = Some(match pinned {
            Some(earlier) => earlier.intersection(&ids).copied().collect(),
            None => ids,
        });
    }
    pinned
}

/// Whether a record satisfies every top-level condition (they are ANDed).
pub fn matches(conditions: &[Condition], record: &Record) -> bool {
    conditions.iter().all(|c| holds(c, record))
}

fn holds(condition: &Condition, record: &Record) -> bool {
    match condition {
        Condition::Group { any: true, items } => items.iter().any(|c| holds(c, record)),
        Condition::Group { any: false, items } => items.iter().all(|c| holds(c, record)),
        Condition::Leaf {
            op,
            field,
            kind,
            value,
        } => {
            let actual = record.get(*field).unwrap_or(&Value::Null);
            let wanted = value.as_ref().unwrap_or(&Value::Null);
            match op {
                Op::Exist => !actual.is_null(),
                Op::NotExist => actual.is_null(),
                Op::Eq => compare(*kind, actual, wanted) == Some(Ordering::Equal),
                Op::NotEq => compare(*kind, actual, wanted) != Some(Ordering::Equal),
                Op::Gt => compare(*kind, actual, wanted) == Some(Ordering::Greater),
                Op::Gte => matches!(
                    compare(*kind, actual, wanted),
                    Some(Ordering::Greater | Ordering::Equal)
                ),
                Op::Lt => compare(*kind, actual, wanted) == Some(Ordering::Less),
                Op::Lte => matches!(
                    compare(*kind, actual, wanted),
                    Some(Ordering::Less | Ordering::Equal)
                ),
                Op::BeginsWith => text_test(actual, wanted, |a, w| a.starts_with(w)),
                Op::EndsWith => text_test(actual, wanted, |a, w| a.ends_with(w)),
                Op::Contains => text_test(actual, wanted, |a, w| a.contains(w)),
                Op::In => in_list(*kind, actual, wanted),
                Op::NotIn => !in_list(*kind, actual, wanted),
            }
        }
    }
}

fn in_list(kind: Kind, actual: &Value, list: &Value) -> bool {
    if matches!(kind, Kind::Integer | Kind::Long | Kind::Double) && !actual.is_null() {
        let Some(actual) = as_number(actual) else {
            return false;
        };
        return list
            .as_array()
            .is_some_and(|items| items.iter().any(|w| as_number(w) == Some(actual)));
    }
    list.as_array().is_some_and(|items| {
        items
            .iter()
            .any(|w| compare(kind, actual, w) == Some(Ordering::Equal))
    })
}

fn text_test(actual: &Value, wanted: &Value, test: impl Fn(&str, &str) -> bool) -> bool {
    match (as_text(actual), as_text(wanted)) {
        (Some(a), Some(w)) => test(&a.to_lowercase(), &w.to_lowercase()),
        _ => false,
    }
}

fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn as_number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        _ => None,
    }
}

fn as_bool(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        Value::Number(n) => n.as_i64().map(|n| n != 0),
        _ => None,
    }
}

fn compare(kind: Kind, actual: &Value, wanted: &Value) -> Option<Ordering> {
    if actual.is_null() || wanted.is_null() {
        return (actual.is_null() && wanted.is_null()).then_some(Ordering::Equal);
    }
    match kind {
        Kind::Integer | Kind::Long | Kind::Double => {
            as_number(actual)?.partial_cmp(&as_number(wanted)?)
        }
        Kind::Boolean => Some(as_bool(actual)?.cmp(&as_bool(wanted)?)),
        Kind::DateTime => {
            Some(parse_datetime(actual.as_str()?)?.cmp(&parse_datetime(&as_text(wanted)?)?))
        }
        Kind::String => Some(
            as_text(actual)?
                .to_lowercase()
                .cmp(&as_text(wanted)?.to_lowercase()),
        ),
    }
}

/// The opaque cursor behind `nextPageUrl`: keyset paging on ids. A GET-originated cursor
/// carries its filter; a POST-originated one is followed by POSTing the same body again.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Cursor {
    #[serde(rename = "pageSize")]
    pub page_size: usize,
    #[serde(rename = "lastId")]
    pub last_id: i64,
    pub verb: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search: Option<Value>,
}

/// Keeps only the requested fields (plus `id`, and `userDefinedFields` where the entity has them).
pub fn project(entity: &Entity, record: &Record, include: Option<&[&'static str]>) -> Value {
    let mut out = Map::new();
    for field in entity.fields {
        let wanted = include.is_none_or(|names| field.name == "id" || names.contains(&field.name));
        if wanted {
            out.insert(
                field.name.to_owned(),
                record.get(field.name).cloned().unwrap_or(Value::Null),
            );
        }
    }
    if entity.has_udfs {
        out.insert(
            "userDefinedFields".into(),
            record
                .get("userDefinedFields")
                .cloned()
                .unwrap_or(Value::Array(vec![])),
        );
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::sandbox::autotask::schema::entity;

    fn record(v: Value) -> Record {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn field_names_operators_and_strings_are_case_insensitive() {
        let companies = entity("companies").unwrap();
        let q = parse(
            companies,
            &json!({"Filter":[{"op":"BeginsWith","field":"COMPANYNAME","value":"acme"}]}),
        )
        .unwrap();
        assert!(matches(
            &q.conditions,
            &record(json!({"companyName":"Acme Ltd"}))
        ));
        assert!(!matches(
            &q.conditions,
            &record(json!({"companyName":"Contoso"}))
        ));
    }

    #[test]
    fn ids_pinned_by_top_level_eq_and_in_conditions_are_found() {
        let units = entity("ContractServiceUnits").unwrap();
        let q = parse(
            units,
            &json!({"filter":[
                {"op":"in","field":"contractID","value":[1, 2, "3"]},
                {"op":"eq","field":"contractID","value":2},
                {"op":"or","items":[{"op":"eq","field":"contractServiceID","value":9}]}
            ]}),
        )
        .unwrap();
        assert_eq!(
            pinned(&q.conditions, "contractID"),
            Some(BTreeSet::from([2]))
        );
        assert_eq!(
            pinned(&q.conditions, "contractServiceID"),
            None,
            "an OR group pins nothing"
        );
        assert!(matches(
            &q.conditions,
            &record(json!({"contractID": 2.0, "contractServiceID": 9}))
        ));
    }

    #[test]
    fn nested_and_or_groups_combine() {
        let contracts = entity("Contracts").unwrap();
        let q = parse(
            contracts,
            &json!({"filter":[
                {"op":"eq","field":"status","value":1},
                {"op":"or","items":[
                    {"op":"eq","field":"contractType","value":7},
                    {"op":"and","items":[{"op":"eq","field":"contractType","value":1},{"op":"gte","field":"endDate","value":"2026-01-01T00:00:00Z"}]}
                ]}
            ]}),
        )
        .unwrap();
        let yes1 = record(json!({"status":1,"contractType":7,"endDate":"2025-01-01T00:00:00Z"}));
        let yes2 = record(json!({"status":1,"contractType":1,"endDate":"2026-06-30T00:00:00Z"}));
        let no1 = record(json!({"status":1,"contractType":1,"endDate":"2025-06-30T00:00:00Z"}));
        let no2 = record(json!({"status":0,"contractType":7,"endDate":"2026-06-30T00:00:00Z"}));
        assert!(matches(&q.conditions, &yes1));
        assert!(matches(&q.conditions, &yes2));
        assert!(!matches(&q.conditions, &no1));
        assert!(!matches(&q.conditions, &no2));
    }

    #[test]
    fn every_leaf_operator_behaves() {
        let services = entity("Services").unwrap();
        let r = record(
            json!({"id":5,"name":"Microsoft 365 E3","unitPrice":33.5,"isActive":true,"sku":null}),
        );
        let check = |cond: Value| {
            matches(
                &parse(services, &json!({"filter":[cond]}))
                    .unwrap()
                    .conditions,
                &r,
            )
        };
        assert!(check(json!({"op":"eq","field":"isActive","value":"true"})));
        assert!(check(json!({"op":"noteq","field":"id","value":6})));
        assert!(check(json!({"op":"gt","field":"unitPrice","value":33})));
        assert!(check(json!({"op":"gte","field":"unitPrice","value":33.5})));
        assert!(check(json!({"op":"lt","field":"id","value":"6"})));
        assert!(check(json!({"op":"lte","field":"id","value":5})));
        assert!(check(json!({"op":"endsWith","field":"name","value":"e3"})));
        assert!(check(json!({"op":"contains","field":"name","value":"365"})));
        assert!(check(json!({"op":"exist","field":"name"})));
        assert!(check(json!({"op":"notExist","field":"sku"})));
        assert!(check(json!({"op":"in","field":"id","value":[1,5,9]})));
        assert!(check(json!({"op":"notIn","field":"id","value":[1,9]})));
        assert!(!check(json!({"op":"in","field":"id","value":[1,9]})));
    }

    #[test]
    fn bad_queries_are_refused_with_a_message() {
        let companies = entity("Companies").unwrap();
        assert!(
            parse(companies, &json!({}))
                .unwrap_err()
                .contains("filter is required")
        );
        assert!(
            parse(companies, &json!({"filter":[]}))
                .unwrap_err()
                .contains("filter is required")
        );
        assert!(
            parse(
                companies,
                &json!({"filter":[{"op":"eq","field":"nope","value":1}]})
            )
            .unwrap_err()
            .contains("Unable to find nope")
        );
        assert!(
            parse(
                companies,
                &json!({"filter":[{"op":"like","field":"id","value":1}]})
            )
            .is_err()
        );
        assert!(
            parse(
                companies,
                &json!({"filter":[{"op":"gte","field":"id","value":0}],"MaxRecords":501})
            )
            .is_err()
        );
        let many: Vec<i64> = (0..501).collect();
        assert!(
            parse(
                companies,
                &json!({"filter":[{"op":"in","field":"id","value":many}]})
            )
            .unwrap_err()
            .contains("500 or fewer")
        );
    }
}
