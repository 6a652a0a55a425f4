//! What an Autotask answer means (reference §6): data, or a typed error split by what the caller
//! can do about it.

use std::time::Duration;

use reqwest::StatusCode;
use serde::{Deserialize, de::DeserializeOwned};
use serde_json::Value;

use super::error::AutotaskError;
use crate::transport::{Retry, Retryable, describe_transport_failure, read_answer};

impl Retryable for AutotaskError {
    fn retry(&self) -> Retry {
        match self {
            // The tenant may have moved zones: look it up again once.
            AutotaskError::Auth(_) => Retry::RefreshCredentials,
            AutotaskError::RateLimited(after) => Retry::After(*after),
            // Autotask refused it unprocessed, so even a write may be sent again.
            AutotaskError::ThreadLimited(_) => Retry::Backoff,
            AutotaskError::Transient(_) => Retry::IfRead,
            _ => Retry::Never,
        }
    }
}

pub(super) fn decode<T: DeserializeOwned>(value: Value) -> Result<T, AutotaskError> {
    serde_json::from_value(value).map_err(|e| AutotaskError::Decode(e.to_string()))
}

pub(super) fn transport_error(e: reqwest::Error) -> AutotaskError {
    AutotaskError::Transient(describe_transport_failure(&e))
}

#[derive(Deserialize)]
struct ErrorBody {
    errors: Vec<Value>,
}

/// Maps an answer to data or a typed error (reference §6).
pub(super) async fn answer(response: reqwest::Response) -> Result<Value, AutotaskError> {
    let answer = read_answer(response).await.map_err(transport_error)?;
    let (status, retry_after, text) = (answer.status, answer.retry_after, answer.text);
    if status == StatusCode::OK {
        return serde_json::from_str(&text).map_err(|e| AutotaskError::Decode(e.to_string()));
    }
    let messages: Vec<String> = serde_json::from_str::<ErrorBody>(&text)
        .map(|b| {
            b.errors
                .into_iter()
                .map(|m| m.as_str().map_or_else(|| m.to_string(), str::to_owned))
                .collect()
        })
        .or_else(|_| {
            serde_json::from_str::<Value>(&text)
                .ok()
                .and_then(|v| {
                    v.get("Message")
                        .and_then(Value::as_str)
                        .map(|m| vec![m.to_owned()])
                })
                .ok_or(())
        })
        .unwrap_or_default();
    let joined = messages.join(" ");
    // Both limits are known by their text, whatever the status: clients report them arriving
    // as 500 as well as 429 (reference §8.9.3), and a 500 must not pass for a business rule.
    let lower = joined.to_lowercase();
    let thread_limited = joined.contains("Itgenatr005") || lower.contains("thread threshold");
    // "The API request threshold of 10000 requests per hour has been exceeded" (the sandbox),
    // "The API request threshold has been exceeded" (the reference's reading, §7.1).
    let hourly_limited = lower.contains("request threshold") && lower.contains("exceeded");
    let wait = retry_after.unwrap_or(Duration::from_secs(60));
    match status {
        _ if thread_limited => Err(AutotaskError::ThreadLimited(joined)),
        _ if hourly_limited => Err(AutotaskError::RateLimited(wait)),
        StatusCode::UNAUTHORIZED => Err(AutotaskError::Auth(if joined.is_empty() {
            "401 Unauthorized".into()
        } else {
            joined
        })),
        StatusCode::FORBIDDEN => Err(AutotaskError::Permission(joined)),
        StatusCode::NOT_FOUND => Err(AutotaskError::NotFound),
        StatusCode::TOO_MANY_REQUESTS => Err(AutotaskError::RateLimited(wait)),
        StatusCode::INTERNAL_SERVER_ERROR if !messages.is_empty() => {
            if joined.contains("Zone information could not be determined")
                || joined.contains("IntegrationCode is invalid")
            {
                Err(AutotaskError::Auth(joined))
            } else if joined.contains("does not have the adequate permissions") {
                Err(AutotaskError::Permission(joined))
            } else {
                Err(AutotaskError::BusinessRule(messages))
            }
        }
        s if s.is_server_error() => Err(AutotaskError::Transient(format!("HTTP {s}"))),
        _ if !messages.is_empty() => Err(AutotaskError::BusinessRule(messages)),
        s => Err(AutotaskError::Decode(format!("unexpected HTTP {s}"))),
    }
}
