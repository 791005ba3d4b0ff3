use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tracing::Instrument;

use crate::auth::TokenCache;
use crate::{ApiError, ApiRequest, Error, Result, Secret, TokenKind};

/// Feishu (China) Open Platform.
pub const FEISHU_BASE_URL: &str = "https://open.feishu.cn";
/// Lark (international) Open Platform.
pub const LARK_BASE_URL: &str = "https://open.larksuite.com";

/// How the client gets the `Authorization: Bearer` token.
#[derive(Debug, Clone, Default)]
pub enum Credentials {
    /// No token: only for endpoints that need none, or when every call brings its own.
    #[default]
    None,
    /// A token the caller already has (tenant, user or app access token), sent as is.
    AccessToken(Secret),
    /// A self-built app: a tenant_access_token is fetched with these and reused until it
    /// is about to expire.
    App { app_id: String, app_secret: Secret },
}

/// A client for the Open Platform. Cheap to clone: clones share the connection pool and
/// the token cache.
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    base_url: String,
    credentials: Credentials,
    tenant_token: TokenCache,
}

#[derive(Debug, Default)]
pub struct ClientBuilder {
    base_url: Option<String>,
    credentials: Credentials,
    timeout: Option<Duration>,
    http: Option<reqwest::Client>,
}

impl ClientBuilder {
    /// Any base URL (a mock server, a proxy). Defaults to [`FEISHU_BASE_URL`].
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Call Lark ([`LARK_BASE_URL`]) instead of Feishu.
    pub fn lark(self) -> Self {
        self.base_url(LARK_BASE_URL)
    }

    /// Self-built app credentials; tenant_access_tokens are fetched and cached.
    pub fn app_credentials(
        mut self,
        app_id: impl Into<String>,
        app_secret: impl Into<Secret>,
    ) -> Self {
        self.credentials = Credentials::App {
            app_id: app_id.into(),
            app_secret: app_secret.into(),
        };
        self
    }

    /// A fixed access token, sent with every call.
    pub fn access_token(mut self, token: impl Into<Secret>) -> Self {
        self.credentials = Credentials::AccessToken(token.into());
        self
    }

    /// Timeout for each HTTP exchange (default 30 s). Ignored when [`Self::http_client`] is set.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Use this reqwest client (its own timeouts, proxies, TLS settings).
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    pub fn build(self) -> Result<Client> {
        let base_url = self.base_url.unwrap_or_else(|| FEISHU_BASE_URL.to_string());
        let base_url = base_url.trim_end_matches('/').to_string();
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(Error::Config(format!(
                "base URL `{base_url}` is not http(s)"
            )));
        }
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .timeout(self.timeout.unwrap_or(Duration::from_secs(30)))
                .build()?,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                credentials: self.credentials,
                tenant_token: TokenCache::default(),
            }),
        })
    }
}

/// The envelope every Open Platform reply comes in.
#[derive(Deserialize)]
struct Envelope {
    code: i64,
    #[serde(default)]
    msg: String,
    #[serde(default)]
    data: Option<Value>,
}

const LOG_ID: &str = "x-tt-logid";
const EXCERPT_CHARS: usize = 200;

impl Client {
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// A client that shares this one's connections but sends `token` with every call, e.g.
    /// a user_access_token for calls made on a user's behalf.
    pub fn with_access_token(&self, token: impl Into<Secret>) -> Client {
        Client {
            inner: Arc::new(Inner {
                http: self.inner.http.clone(),
                base_url: self.inner.base_url.clone(),
                credentials: Credentials::AccessToken(token.into()),
                tenant_token: TokenCache::default(),
            }),
        }
    }

    /// Send one call and decode the reply's `data` into `T`.
    pub async fn send<T: DeserializeOwned>(&self, request: ApiRequest) -> Result<T> {
        let span = tracing::debug_span!(
            "feishu.request",
            method = request.method.as_str(),
            path = request.path_template,
            status = tracing::field::Empty,
            log_id = tracing::field::Empty,
        );
        self.send_inner(request).instrument(span).await
    }

    async fn send_inner<T: DeserializeOwned>(&self, request: ApiRequest) -> Result<T> {
        let url = format!("{}{}", self.inner.base_url, request.path()?);
        let mut headers = HeaderMap::new();
        if let Some(token) = self.token_for(request.tokens).await? {
            let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
                .map_err(|_| Error::Auth("access token is not a valid header value".to_string()))?;
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
        }
        for (name, value) in &request.headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::Config(format!("`{name}` is not a header name")))?;
            let value = HeaderValue::from_str(value).map_err(|_| {
                Error::Config(format!(
                    "value of header `{name}` is not a valid header value"
                ))
            })?;
            headers.insert(name, value);
        }
        let mut builder = self
            .inner
            .http
            .request(request.method.to_reqwest(), &url)
            .headers(headers);
        if !request.query.is_empty() {
            builder = builder.query(&request.query);
        }
        if let Some(body) = request.body {
            builder = builder
                .header(
                    CONTENT_TYPE,
                    HeaderValue::from_static("application/json; charset=utf-8"),
                )
                .body(body);
        }
        let reply = builder.send().await?;
        let status = reply.status().as_u16();
        let log_id = reply
            .headers()
            .get(LOG_ID)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let span = tracing::Span::current();
        span.record("status", status);
        if let Some(id) = &log_id {
            span.record("log_id", id.as_str());
        }
        let bytes = reply.bytes().await?;
        decode_reply(status, log_id, &bytes, request.errors)
    }

    /// The token to send: the configured one, or a cached tenant token for app credentials.
    async fn token_for(&self, accepted: &[TokenKind]) -> Result<Option<Secret>> {
        match &self.inner.credentials {
            Credentials::None => Ok(None),
            Credentials::AccessToken(token) => Ok(Some(token.clone())),
            Credentials::App { app_id, app_secret } => {
                if !accepted.is_empty() && !accepted.contains(&TokenKind::Tenant) {
                    return Err(Error::Auth(format!(
                        "this endpoint does not accept a tenant_access_token (it accepts {accepted:?}); \
                         call it through `Client::with_access_token` with a user or app token"
                    )));
                }
                let token = self
                    .inner
                    .tenant_token
                    .get(&self.inner.http, &self.inner.base_url, app_id, app_secret)
                    .await?;
                Ok(Some(token))
            }
        }
    }
}

/// Turn a reply into `data: T` or the error it carries.
fn decode_reply<T: DeserializeOwned>(
    status: u16,
    log_id: Option<String>,
    body: &[u8],
    documented: &[crate::DocumentedError],
) -> Result<T> {
    let envelope: Envelope = match serde_json::from_slice(body) {
        Ok(envelope) => envelope,
        Err(err) if (200..300).contains(&status) => {
            return Err(Error::Decode {
                message: err.to_string(),
                log_id,
                body_excerpt: excerpt(body),
            });
        }
        Err(_) => {
            return Err(Error::Http {
                status,
                log_id,
                body_excerpt: excerpt(body),
            });
        }
    };
    if envelope.code != 0 {
        let hint = documented
            .iter()
            .find(|e| e.code == envelope.code)
            .and_then(|e| e.hint);
        return Err(ApiError {
            code: envelope.code,
            msg: envelope.msg,
            http_status: status,
            log_id,
            hint,
        }
        .into());
    }
    let data = match envelope.data {
        Some(Value::Null) | None => Value::Object(Default::default()),
        Some(data) => data,
    };
    serde_json::from_value(data).map_err(|err| Error::Decode {
        message: err.to_string(),
        log_id,
        body_excerpt: excerpt(body),
    })
}

pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text.chars().take(EXCERPT_CHARS).collect();
    if text.chars().count() > EXCERPT_CHARS {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DocumentedError;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Data {
        n: i64,
    }

    const DOCUMENTED: &[DocumentedError] = &[DocumentedError {
        http_status: 400,
        code: 7,
        message: "bad",
        hint: Some("fix it"),
    }];

    #[test]
    fn envelope_decoding() {
        let ok: Data =
            decode_reply(200, None, br#"{"code":0,"msg":"ok","data":{"n":1}}"#, &[]).unwrap();
        assert_eq!(ok, Data { n: 1 });

        let err = decode_reply::<Data>(
            400,
            Some("L1".into()),
            br#"{"code":7,"msg":"bad"}"#,
            DOCUMENTED,
        )
        .unwrap_err();
        let Error::Api(api) = err else {
            panic!("api error")
        };
        assert_eq!(
            (api.code, api.http_status, api.log_id.as_deref(), api.hint),
            (7, 400, Some("L1"), Some("fix it"))
        );

        let err = decode_reply::<Data>(502, None, b"<html>bad gateway</html>", &[]).unwrap_err();
        assert_eq!(err.to_string(), "HTTP 502: <html>bad gateway</html>");

        let err =
            decode_reply::<Data>(200, None, br#"{"code":0,"data":{"n":"x"}}"#, &[]).unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{err}");
    }

    #[test]
    fn debug_hides_secrets() {
        let client = Client::builder()
            .app_credentials("cli_1", "s3cr3t-value")
            .build()
            .unwrap();
        let debug = format!("{client:?}");
        assert!(debug.contains("cli_1"));
        assert!(!debug.contains("s3cr3t-value"), "{debug}");
    }
}
