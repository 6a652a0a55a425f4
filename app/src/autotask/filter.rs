use serde::Serialize;
use serde_json::Value;

/// One condition of an Autotask query (reference §4.2).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Filter {
    op: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    items: Option<Vec<Filter>>,
}

macro_rules! leaf {
    ($($name:ident => $op:literal),*) => {
        $(
            pub fn $name(field: &str, value: impl Into<Value>) -> Self {
                Self::leaf($op, field, Some(value.into()))
            }
        )*
    };
}

impl Filter {
    fn leaf(op: &'static str, field: &str, value: Option<Value>) -> Self {
        Self {
            op,
            field: Some(field.to_owned()),
            value,
            items: None,
        }
    }

    leaf!(eq => "eq", noteq => "noteq", gt => "gt", gte => "gte", lt => "lt", lte => "lte",
          begins_with => "beginsWith", ends_with => "endsWith", contains => "contains");

    pub fn exist(field: &str) -> Self {
        Self::leaf("exist", field, None)
    }

    pub fn not_exist(field: &str) -> Self {
        Self::leaf("notExist", field, None)
    }

    pub fn is_in<V: Into<Value>>(field: &str, values: impl IntoIterator<Item = V>) -> Self {
        Self::leaf(
            "in",
            field,
            Some(Value::Array(values.into_iter().map(Into::into).collect())),
        )
    }

    pub fn not_in<V: Into<Value>>(field: &str, values: impl IntoIterator<Item = V>) -> Self {
        Self::leaf(
            "notIn",
            field,
            Some(Value::Array(values.into_iter().map(Into::into).collect())),
        )
    }

    pub fn and(items: Vec<Filter>) -> Self {
        Self {
            op: "and",
            field: None,
            value: None,
            items: Some(items),
        }
    }

    pub fn or(items: Vec<Filter>) -> Self {
        Self {
            op: "or",
            field: None,
            value: None,
            items: Some(items),
        }
    }

    /// Matches every record (Autotask requires a filter).
    pub fn all() -> Self {
        Self::gte("id", 0)
    }
}

/// A query body: `{"filter":[…],"MaxRecords":N,"IncludeFields":[…]}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct QueryBody {
    pub filter: Vec<Filter>,
    #[serde(rename = "MaxRecords", skip_serializing_if = "Option::is_none")]
    pub max_records: Option<u32>,
    #[serde(rename = "IncludeFields", skip_serializing_if = "Vec::is_empty")]
    pub include_fields: Vec<String>,
}

impl QueryBody {
    pub fn new(filter: Vec<Filter>) -> Self {
        Self {
            filter,
            ..Self::default()
        }
    }

    pub fn max_records(mut self, n: u32) -> Self {
        self.max_records = Some(n);
        self
    }

    pub fn include_fields(mut self, fields: &[&str]) -> Self {
        self.include_fields = fields.iter().map(|f| (*f).to_owned()).collect();
        self
    }
}
