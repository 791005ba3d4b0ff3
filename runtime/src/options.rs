//! Settings for one call, or for every call made through one [`crate::Client`] handle.

use std::time::Duration;

use crate::{RetryPolicy, Secret, TokenKind};

/// What a call needs beyond the request itself: whose token, which tenant, extra headers,
/// a timeout. Attach them with [`crate::Client::with_options`] (or the shortcuts such as
/// [`crate::Client::with_user_access_token`]); the handle shares the client's connections
/// and token caches.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RequestOptions {
    pub(crate) user_access_token: Option<Secret>,
    pub(crate) access_token: Option<Secret>,
    pub(crate) tenant_key: Option<String>,
    pub(crate) token_kind: Option<TokenKind>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) request_id: Option<String>,
    pub(crate) retry: Option<RetryPolicy>,
}

impl RequestOptions {
    pub fn new() -> Self {
        RequestOptions::default()
    }

    /// Act on a user's behalf: endpoints that accept a user_access_token get this one.
    pub fn user_access_token(mut self, token: impl Into<Secret>) -> Self {
        self.user_access_token = Some(token.into());
        self
    }

    /// Send exactly this token, whatever the endpoint and the client's credentials.
    pub fn access_token(mut self, token: impl Into<Secret>) -> Self {
        self.access_token = Some(token.into());
        self
    }

    /// The tenant a marketplace app calls for (from the event or the OAuth reply).
    pub fn tenant_key(mut self, tenant_key: impl Into<String>) -> Self {
        self.tenant_key = Some(tenant_key.into());
        self
    }

    /// Use this kind of token where the endpoint accepts several.
    pub fn token_kind(mut self, kind: TokenKind) -> Self {
        self.token_kind = Some(kind);
        self
    }

    /// An extra header on every call (checked when the call is made).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// A time limit for each attempt, instead of the client's.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sent as `X-Request-Id`, to trace the call through your own systems and Feishu's.
    pub fn request_id(mut self, id: impl Into<String>) -> Self {
        self.request_id = Some(id.into());
        self
    }

    /// A retry policy for these calls instead of the client's.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// These options with `other`'s on top: what `other` sets wins, headers add up.
    pub(crate) fn merged(&self, other: RequestOptions) -> RequestOptions {
        let mut headers = self.headers.clone();
        headers.extend(other.headers);
        RequestOptions {
            user_access_token: other
                .user_access_token
                .or_else(|| self.user_access_token.clone()),
            access_token: other.access_token.or_else(|| self.access_token.clone()),
            tenant_key: other.tenant_key.or_else(|| self.tenant_key.clone()),
            token_kind: other.token_kind.or(self.token_kind),
            headers,
            timeout: other.timeout.or(self.timeout),
            request_id: other.request_id.or_else(|| self.request_id.clone()),
            retry: other.retry.or_else(|| self.retry.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_options_win_and_headers_add_up() {
        let base = RequestOptions::new()
            .tenant_key("t1")
            .header("X-A", "1")
            .timeout(Duration::from_secs(5));
        let merged = base.merged(RequestOptions::new().tenant_key("t2").header("X-B", "2"));
        assert_eq!(merged.tenant_key.as_deref(), Some("t2"));
        assert_eq!(merged.timeout, Some(Duration::from_secs(5)));
        assert_eq!(
            merged.headers,
            [("X-A".into(), "1".into()), ("X-B".into(), "2".into())]
        );
    }

    #[test]
    fn debug_hides_tokens() {
        let options = RequestOptions::new().user_access_token("u-very-secret");
        assert!(!format!("{options:?}").contains("very-secret"));
    }
}
