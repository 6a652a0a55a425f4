//! What the Autotask and marketplace clients share: the HTTP client they are built on, the call
//! counter, reading an answer, and the retry loop. Each client keeps its own error type and
//! says, through [`Retryable`], what a failure allows.

use std::{collections::BTreeMap, future::Future, sync::Mutex, time::Duration};

use reqwest::{StatusCode, header::HeaderMap};

/// A `reqwest::Client` with this service's timeouts and user agent, built once per client.
pub fn http_client(timeout: Duration) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(Duration::from_secs(10))
        .user_agent(concat!("psa-sync/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("building the HTTP client: {e}"))
}

/// What went wrong below HTTP: the request may or may not have reached the server.
pub fn describe_transport_failure(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        format!("no answer in time: {e}")
    } else {
        format!("connection failed: {e}")
    }
}

/// Requests sent, by a name the client chooses (`"Companies POST"`, `"GET /orders"`).
#[derive(Debug, Default)]
pub struct Calls(Mutex<BTreeMap<String, u64>>);

impl Calls {
    pub fn count(&self, name: String) {
        *self
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(name)
            .or_insert(0) += 1;
    }

    pub fn snapshot(&self) -> BTreeMap<String, u64> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn total(&self) -> u64 {
        self.snapshot().values().sum()
    }
}

/// An answer as received, before the API's own rules say what it means.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    /// `Retry-After` in seconds, when given.
    pub retry_after: Option<Duration>,
    pub headers: HeaderMap,
    pub text: String,
}

/// Reads status, `Retry-After` and the body.
pub async fn read_answer(response: reqwest::Response) -> Result<Answer, reqwest::Error> {
    let status = response.status();
    let headers = response.headers().clone();
    let retry_after = headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let text = response.text().await?;
    Ok(Answer {
        status,
        retry_after,
        headers,
        text,
    })
}

/// What a failed attempt allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// The credentials (token, zone) may be stale: refresh them once and try again.
    RefreshCredentials,
    /// The server refused without acting and said when to come back.
    After(Duration),
    /// The server refused without acting: back off and try again.
    Backoff,
    /// The request may have been applied: a read may be repeated, a write must not be.
    IfRead,
    /// Trying again cannot help.
    Never,
}

/// An error that knows what a retry may do.
pub trait Retryable: std::fmt::Display {
    fn retry(&self) -> Retry;
}

/// How often and how long a client tries again.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Further attempts after a retryable failure.
    pub max_retries: u32,
    /// First back-off (doubles each time).
    pub retry_base: Duration,
    /// The longest `Retry-After` waited out before giving up.
    pub max_retry_after: Duration,
}

/// Runs `attempt` until it succeeds or its error allows no more tries. `write` marks requests
/// that must not be repeated once they may have landed (callers re-read instead, design §5).
pub async fn with_retries<T, E, F, Fut>(
    policy: RetryPolicy,
    write: bool,
    refresh_credentials: impl Fn(),
    mut attempt: F,
) -> Result<T, E>
where
    E: Retryable,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let mut tries = 0;
    let mut refreshed = false;
    loop {
        let error = match attempt().await {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        let wait = match error.retry() {
            Retry::RefreshCredentials if !refreshed => {
                refreshed = true;
                refresh_credentials();
                continue;
            }
            Retry::After(after) if after <= policy.max_retry_after => after,
            Retry::Backoff => policy.retry_base * 2u32.saturating_pow(tries),
            Retry::IfRead if !write => policy.retry_base * 2u32.saturating_pow(tries),
            _ => return Err(error),
        };
        if tries >= policy.max_retries {
            return Err(error);
        }
        tracing::warn!(attempt = tries, ?wait, %error, "retrying a request");
        tokio::time::sleep(wait).await;
        tries += 1;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    #[derive(Debug, Clone, Copy)]
    struct Failing(Retry);

    impl std::fmt::Display for Failing {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "{:?}", self.0)
        }
    }

    impl Retryable for Failing {
        fn retry(&self) -> Retry {
            self.0
        }
    }

    const QUICK: RetryPolicy = RetryPolicy {
        max_retries: 3,
        retry_base: Duration::from_millis(1),
        max_retry_after: Duration::from_millis(10),
    };

    async fn attempts(retry: Retry, write: bool) -> u32 {
        let tries = AtomicU32::new(0);
        let refreshed = AtomicU32::new(0);
        let _: Result<(), Failing> = with_retries(
            QUICK,
            write,
            || {
                refreshed.fetch_add(1, Ordering::SeqCst);
            },
            || {
                tries.fetch_add(1, Ordering::SeqCst);
                async move { Err(Failing(retry)) }
            },
        )
        .await;
        tries.load(Ordering::SeqCst) * 10 + refreshed.load(Ordering::SeqCst)
    }

    #[tokio::test]
    async fn each_kind_of_failure_is_tried_as_often_as_it_allows() {
        // tens: attempts sent; units: credential refreshes.
        assert_eq!(attempts(Retry::Never, false).await, 10);
        assert_eq!(
            attempts(Retry::Backoff, true).await,
            40,
            "refused: safe even to write"
        );
        assert_eq!(
            attempts(Retry::After(Duration::from_millis(2)), true).await,
            40
        );
        assert_eq!(
            attempts(Retry::After(Duration::from_secs(60)), false).await,
            10,
            "a wait beyond the limit is not waited out"
        );
        assert_eq!(attempts(Retry::IfRead, false).await, 40);
        assert_eq!(
            attempts(Retry::IfRead, true).await,
            10,
            "a write that may have landed"
        );
        assert_eq!(
            attempts(Retry::RefreshCredentials, false).await,
            21,
            "refreshed once"
        );
    }
}
