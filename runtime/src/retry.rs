//! When and how long to wait before sending a call again.

use std::time::Duration;

use reqwest::header::HeaderName;

use crate::Method;

/// Feishu's gateway answers this code (with HTTP 400 or 429) when an app calls too often.
pub const RATE_LIMIT_CODE: i64 = 99991400;

/// How a client retries calls that failed for a passing reason: HTTP 429, 5xx, a transport
/// error, or a rate-limit code (99991400, or any code the endpoint's documentation calls a
/// rate limit).
///
/// By default only `GET` calls are retried, because a write that failed with a 5xx or a
/// dropped connection may have happened anyway; [`RetryPolicy::methods`] widens that.
/// Delays grow exponentially with jitter, except that a server's `Retry-After` or
/// `x-ogw-ratelimit-reset` header is obeyed as given (up to `max_delay`).
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    pub(crate) max_attempts: u32,
    pub(crate) initial_delay: Duration,
    pub(crate) max_delay: Duration,
    pub(crate) max_elapsed: Duration,
    pub(crate) jitter: bool,
    pub(crate) methods: Vec<Method>,
    pub(crate) rate_limit_codes: Vec<i64>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_elapsed: Duration::from_secs(60),
            jitter: true,
            methods: vec![Method::Get],
            rate_limit_codes: vec![RATE_LIMIT_CODE],
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// Attempts in all, the first one included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The delay before the first retry; each later one doubles it.
    pub fn initial_delay(mut self, delay: Duration) -> Self {
        self.initial_delay = delay;
        self
    }

    /// No single wait is longer than this, whatever the server asks for.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// No retry starts once this much time has passed since the first attempt.
    pub fn max_elapsed(mut self, elapsed: Duration) -> Self {
        self.max_elapsed = elapsed;
        self
    }

    /// Spread delays randomly over the upper half of each backoff step (on by default), so
    /// many clients that failed together do not retry together.
    pub fn jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// The methods whose calls are retried (default: `GET` only).
    pub fn methods(mut self, methods: &[Method]) -> Self {
        self.methods = methods.to_vec();
        self
    }

    /// Also treat these Feishu codes as rate limits (99991400 always is).
    pub fn rate_limit_codes(mut self, codes: &[i64]) -> Self {
        self.rate_limit_codes.extend_from_slice(codes);
        self
    }

    pub(crate) fn retries(&self, method: Method) -> bool {
        self.max_attempts > 1 && self.methods.contains(&method)
    }

    /// The backoff before retry number `retry` (1 for the first retry), without jitter.
    pub fn backoff(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        self.initial_delay
            .saturating_mul(factor)
            .min(self.max_delay)
    }

    /// The wait before retry number `retry`: what the server asked for, else the backoff
    /// (with jitter when on).
    pub(crate) fn delay(&self, retry: u32, server_asks: Option<Duration>) -> Duration {
        if let Some(asked) = server_asks {
            return asked.min(self.max_delay);
        }
        let backoff = self.backoff(retry);
        if !self.jitter {
            return backoff;
        }
        let half = backoff / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

/// Header names made once, not parsed from text on every reply.
static RETRY_AFTER: HeaderName = reqwest::header::RETRY_AFTER;
static RATELIMIT_RESET: HeaderName = HeaderName::from_static("x-ogw-ratelimit-reset");

/// The wait a reply asks for: `Retry-After` (seconds) or Feishu's `x-ogw-ratelimit-reset`
/// (seconds until the limit resets); the longer when both are present.
pub(crate) fn server_delay(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    [&RETRY_AFTER, &RATELIMIT_RESET]
        .into_iter()
        .filter_map(|name| seconds(headers.get(name)?.to_str().ok()?.trim()))
        .max()
}

/// A count of seconds, `7` or `1.5`, at most a day. Read as digits rather than as an
/// `f64`: float parsing would add core's decimal tables (about 18 KB) to every binary.
fn seconds(text: &str) -> Option<Duration> {
    const DAY: u64 = 86_400;
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) {
        return None;
    }
    let secs: u64 = whole.parse().unwrap_or(u64::MAX);
    if secs >= DAY {
        return Some(Duration::from_secs(DAY));
    }
    // Nanoseconds: the first nine fraction digits, padded with zeros.
    let nanos = fraction
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(9)
        .fold(0u32, |n, digit| n * 10 + u32::from(digit - b'0'));
    Some(Duration::new(secs, nanos))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let policy = RetryPolicy::default()
            .initial_delay(Duration::from_millis(100))
            .max_delay(Duration::from_millis(700))
            .jitter(false);
        let delays: Vec<u128> = (1..=5).map(|n| policy.delay(n, None).as_millis()).collect();
        assert_eq!(delays, [100, 200, 400, 700, 700]);
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(5))),
            Duration::from_millis(700)
        );
        assert_eq!(
            policy.delay(1, Some(Duration::from_millis(300))),
            Duration::from_millis(300)
        );
    }

    #[test]
    fn jitter_stays_in_the_upper_half() {
        let policy = RetryPolicy::default().initial_delay(Duration::from_millis(1000));
        for _ in 0..200 {
            let d = policy.delay(2, None).as_millis();
            assert!((1000..=2000).contains(&d), "{d}");
        }
    }

    #[test]
    fn server_headers() {
        let mut headers = reqwest::header::HeaderMap::new();
        assert_eq!(server_delay(&headers), None);
        headers.insert("retry-after", "2".parse().unwrap());
        assert_eq!(server_delay(&headers), Some(Duration::from_secs(2)));
        headers.insert("x-ogw-ratelimit-reset", "7".parse().unwrap());
        assert_eq!(server_delay(&headers), Some(Duration::from_secs(7)));
        headers.insert("x-ogw-ratelimit-reset", "soon".parse().unwrap());
        assert_eq!(server_delay(&headers), Some(Duration::from_secs(2)));
    }

    #[test]
    fn delays_are_whole_or_decimal_seconds_up_to_a_day() {
        assert_eq!(seconds("7"), Some(Duration::from_secs(7)));
        assert_eq!(seconds("1.5"), Some(Duration::from_millis(1500)));
        assert_eq!(seconds("0.0000000019"), Some(Duration::from_nanos(1)));
        assert_eq!(seconds("90000"), Some(Duration::from_secs(86_400)));
        assert_eq!(
            seconds("99999999999999999999999"),
            Some(Duration::from_secs(86_400))
        );
        for bad in ["", ".5", "-1", "1e3", "inf", "NaN", "1.2.3", "soon", "1. 5"] {
            assert_eq!(seconds(bad), None, "{bad}");
        }
    }

    #[test]
    fn only_listed_methods_retry() {
        let policy = RetryPolicy::default();
        assert!(policy.retries(Method::Get));
        assert!(!policy.retries(Method::Post));
        assert!(!RetryPolicy::none().retries(Method::Get));
        let all = RetryPolicy::default().methods(&[Method::Get, Method::Post]);
        assert!(all.retries(Method::Post));
    }
}
