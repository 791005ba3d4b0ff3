use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use serde::de::DeserializeOwned;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tracing::Instrument;

use crate::auth::{
    AppTicketStore, Bearer, Endpoint, MemoryTicketStore, TokenKey, TokenManager, bearer_header,
};
use crate::reply::{Data, excerpt, log_id_of, open_envelope};
use crate::request::Body;
use crate::retry::server_delay;
use crate::tokens::{MemoryTokenStore, TokenStore};
use crate::{ApiRequest, Download, Error, RequestOptions, Result, RetryPolicy, Secret, TokenKind};

/// Feishu (China) Open Platform.
pub const FEISHU_BASE_URL: &str = "https://open.feishu.cn";
/// Lark (international) Open Platform.
pub const LARK_BASE_URL: &str = "https://open.larksuite.com";

/// Codes Feishu answers when the token sent is invalid or expired: the cached token is
/// dropped and the call sent once more with a fresh one.
const TOKEN_INVALID_CODES: &[i64] = &[99991663, 99991664, 99991671];

/// How the client gets the `Authorization: Bearer` token.
#[derive(Debug, Clone, Default)]
pub enum Credentials {
    /// No token: only for endpoints that need none, or when every call brings its own.
    #[default]
    None,
    /// A token the caller already has (tenant, user or app access token), sent as is.
    AccessToken(Secret),
    /// A self-built app: tenant and app access tokens are fetched with these and reused
    /// until they are about to expire.
    App { app_id: String, app_secret: Secret },
    /// A marketplace (ISV) app: the app token needs the app_ticket Feishu pushes as an
    /// event, and each tenant (`tenant_key`) has its own tenant token.
    Marketplace { app_id: String, app_secret: Secret },
}

/// A client for the Open Platform. Cheap to clone: clones share the connection pool and
/// the token caches. [`Client::with_options`] gives a handle that adds per-call settings.
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<Inner>,
    options: RequestOptions,
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    base_url: String,
    auth: Auth,
    retry: RetryPolicy,
}

#[derive(Debug)]
enum Auth {
    None,
    Token(Secret),
    App(TokenManager),
}

#[derive(Default)]
pub struct ClientBuilder {
    base_url: Option<String>,
    credentials: Credentials,
    tickets: Option<Arc<dyn AppTicketStore>>,
    tokens: Option<Arc<dyn TokenStore>>,
    timeout: Option<Duration>,
    http: Option<reqwest::Client>,
    retry: RetryPolicy,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
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

    /// A self-built app; tenant and app access tokens are fetched and cached.
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

    /// A marketplace (ISV) app. Tenant tokens are per tenant: give the tenant key with
    /// [`RequestOptions::tenant_key`] or [`Client::with_tenant_key`].
    pub fn marketplace_app(
        mut self,
        app_id: impl Into<String>,
        app_secret: impl Into<Secret>,
    ) -> Self {
        self.credentials = Credentials::Marketplace {
            app_id: app_id.into(),
            app_secret: app_secret.into(),
        };
        self
    }

    /// Where a marketplace app keeps its app_ticket (default: in memory).
    pub fn app_ticket_store(mut self, store: Arc<dyn AppTicketStore>) -> Self {
        self.tickets = Some(store);
        self
    }

    /// Where fetched app and tenant access tokens are kept (default: in this client's
    /// memory). Give every instance of an app the same shared store (e.g. the `redis`
    /// feature's `RedisStore`) and they fetch each token once between them.
    pub fn token_store(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.tokens = Some(store);
        self
    }

    /// A fixed access token, sent with every call.
    pub fn access_token(mut self, token: impl Into<Secret>) -> Self {
        self.credentials = Credentials::AccessToken(token.into());
        self
    }

    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = credentials;
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

    /// How failed calls are retried (default: [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
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
        let tickets = self
            .tickets
            .unwrap_or_else(|| Arc::new(MemoryTicketStore::default()));
        if let Credentials::App { app_id, app_secret }
        | Credentials::Marketplace { app_id, app_secret } = &self.credentials
        {
            if app_id.trim().is_empty() {
                return Err(Error::Config("the app id is empty".to_string()));
            }
            if app_secret.expose().trim().is_empty() {
                return Err(Error::Config(format!(
                    "the app secret of app {app_id} is empty"
                )));
            }
        }
        if let Credentials::AccessToken(token) = &self.credentials
            && token.expose().trim().is_empty()
        {
            return Err(Error::Config("the access token is empty".to_string()));
        }
        let tokens = self
            .tokens
            .unwrap_or_else(|| Arc::new(MemoryTokenStore::default()));
        let auth = match self.credentials {
            Credentials::None => Auth::None,
            Credentials::AccessToken(token) => Auth::Token(token),
            Credentials::App { app_id, app_secret } => Auth::App(TokenManager::new(
                app_id, app_secret, false, tickets, tokens,
            )),
            Credentials::Marketplace { app_id, app_secret } => {
                Auth::App(TokenManager::new(app_id, app_secret, true, tickets, tokens))
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                auth,
                retry: self.retry,
            }),
            options: RequestOptions::default(),
        })
    }
}

/// Which token a call sends.
#[derive(Debug, Clone, PartialEq)]
enum Choice {
    None,
    Given(Secret),
    Cached(TokenKey),
}

/// A reply that got past the envelope.
enum Outcome {
    Json(Data),
    /// A 2xx reply that is not JSON: a file, read by the caller.
    Stream(reqwest::Response),
}

/// A failed attempt and whether another one may succeed.
struct Failure {
    error: Error,
    transient: bool,
    server_asks: Option<Duration>,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure {
            error,
            transient: false,
            server_asks: None,
        }
    }
}

impl Client {
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// A handle that shares this client's connections and token caches and adds `options`
    /// to every call made through it (on top of the options this handle already has).
    pub fn with_options(&self, options: RequestOptions) -> Client {
        Client {
            inner: self.inner.clone(),
            options: self.options.merged(options),
        }
    }

    /// Calls on a user's behalf: endpoints that accept a user_access_token get `token`.
    pub fn with_user_access_token(&self, token: impl Into<Secret>) -> Client {
        self.with_options(RequestOptions::new().user_access_token(token))
    }

    /// Calls for one tenant of a marketplace app.
    pub fn with_tenant_key(&self, tenant_key: impl Into<String>) -> Client {
        self.with_options(RequestOptions::new().tenant_key(tenant_key))
    }

    /// Calls that send exactly `token`, whatever the endpoint.
    pub fn with_access_token(&self, token: impl Into<Secret>) -> Client {
        self.with_options(RequestOptions::new().access_token(token))
    }

    /// The tenant_access_token calls would send now (fetched if not cached), e.g. to hand
    /// to another tool. For a marketplace app, set the tenant key first.
    pub async fn tenant_access_token(&self) -> Result<Secret> {
        let key = self.tenant_key()?;
        self.cached_token(&key).await
    }

    /// The app_access_token (fetched if not cached).
    pub async fn app_access_token(&self) -> Result<Secret> {
        self.cached_token(&TokenKey::App).await
    }

    /// Keep the app_ticket of a marketplace app (from its `app_ticket` event).
    pub async fn set_app_ticket(&self, ticket: impl Into<Secret>) -> Result<()> {
        let manager = self.token_manager()?;
        manager.tickets.set(&manager.app_id, ticket.into()).await
    }

    /// Ask Feishu to send the `app_ticket` event again (marketplace apps).
    pub async fn resend_app_ticket(&self) -> Result<()> {
        self.token_manager()?.resend_ticket(&self.endpoint()).await
    }

    /// The HTTP client calls go through (for the long connection's endpoint request).
    #[cfg_attr(not(feature = "ws"), allow(dead_code))]
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// A self-built app's id and secret: what the long connection authenticates with.
    #[cfg_attr(not(feature = "ws"), allow(dead_code))]
    pub(crate) fn self_built_app(&self) -> Option<(&str, &Secret)> {
        match &self.inner.auth {
            Auth::App(manager) if !manager.marketplace => {
                Some((&manager.app_id, manager.app_secret()))
            }
            _ => None,
        }
    }

    /// The app id of the configured credentials.
    pub fn app_id(&self) -> Option<&str> {
        match &self.inner.auth {
            Auth::App(manager) => Some(&manager.app_id),
            _ => None,
        }
    }

    /// Send one call and decode the reply's `data` into `T`.
    pub async fn send<T: DeserializeOwned>(&self, request: ApiRequest) -> Result<T> {
        let span = request_span(&request);
        async {
            match self.exchange(&request).await? {
                Outcome::Json(data) => data.decode(),
                Outcome::Stream(reply) => Err(Error::Decode {
                    message: format!(
                        "expected JSON, got {}",
                        content_type(reply.headers()).unwrap_or("no content type")
                    ),
                    log_id: log_id_of(reply.headers()),
                    body_excerpt: String::new(),
                }),
            }
        }
        .instrument(span)
        .await
    }

    /// Send one call whose reply is a file and stream it into `out`, chunk by chunk, so a
    /// file of any size takes little memory. An error reply (JSON) becomes the error.
    pub async fn download<W>(&self, request: ApiRequest, out: &mut W) -> Result<Download>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        let span = request_span(&request);
        async {
            let mut reply = match self.exchange(&request).await? {
                Outcome::Stream(reply) => reply,
                Outcome::Json(data) => {
                    return Err(Error::Decode {
                        message: "expected a file, got a JSON reply".to_string(),
                        log_id: data.log_id,
                        body_excerpt: excerpt(&data.body),
                    });
                }
            };
            let mut download = Download::from_headers(reply.headers());
            while let Some(chunk) = reply.chunk().await? {
                out.write_all(&chunk).await?;
                download.bytes_written += chunk.len() as u64;
            }
            out.flush().await?;
            Ok(download)
        }
        .instrument(span)
        .await
    }

    fn endpoint(&self) -> Endpoint<'_> {
        Endpoint {
            http: &self.inner.http,
            base_url: &self.inner.base_url,
        }
    }

    fn token_manager(&self) -> Result<&TokenManager> {
        match &self.inner.auth {
            Auth::App(manager) => Ok(manager),
            _ => Err(Error::Auth(
                "the client has no app credentials (app id and secret)".to_string(),
            )),
        }
    }

    fn tenant_key(&self) -> Result<TokenKey> {
        let manager = self.token_manager()?;
        Ok(TokenKey::Tenant(if manager.marketplace {
            self.options.tenant_key.clone().unwrap_or_default()
        } else {
            String::new()
        }))
    }

    async fn cached_token(&self, key: &TokenKey) -> Result<Secret> {
        self.token_manager()?.get(&self.endpoint(), key).await
    }

    async fn bearer(&self, key: &TokenKey) -> Result<Arc<Bearer>> {
        self.token_manager()?.bearer(&self.endpoint(), key).await
    }

    /// Attempts until one succeeds, the error is final, or the retry policy says stop.
    async fn exchange(&self, request: &ApiRequest) -> Result<Outcome> {
        let policy = self.options.retry.as_ref().unwrap_or(&self.inner.retry);
        let retries = policy.retries(request.method) && request.body.replayable();
        let started = tokio::time::Instant::now();
        let choice = self.choose(request)?;
        let url = self.url(request)?;
        let mut attempt = 0;
        let mut refreshed = false;
        loop {
            attempt += 1;
            tracing::Span::current().record("attempt", attempt);
            let cached = match &choice {
                Choice::Cached(key) => Some(self.bearer(key).await?),
                _ => None,
            };
            let authorization = authorization(&choice, cached.as_deref())?;
            let failure = match self.attempt(request, &url, authorization, policy).await {
                Ok(outcome) => return Ok(outcome),
                Err(failure) => failure,
            };
            if let (Choice::Cached(key), Some(cached), Some(code)) =
                (&choice, &cached, failure.error.code())
                && TOKEN_INVALID_CODES.contains(&code)
                && !refreshed
                && request.body.replayable()
            {
                tracing::debug!(code, "token refused; fetching a fresh one");
                self.token_manager()?.evict(key, &cached.token).await;
                refreshed = true;
                attempt -= 1;
                continue;
            }
            if !(retries && failure.transient && attempt < policy.max_attempts) {
                return Err(failure.error);
            }
            let delay = policy.delay(attempt, failure.server_asks);
            if started.elapsed() + delay > policy.max_elapsed {
                return Err(failure.error);
            }
            tracing::debug!(attempt, delay_ms = delay.as_millis() as u64, error = %failure.error, "retrying");
            tokio::time::sleep(delay).await;
        }
    }

    /// The call's URL: the base URL and the path with its parameters filled in, made once
    /// for all attempts.
    fn url(&self, request: &ApiRequest) -> Result<String> {
        let base = &self.inner.base_url;
        let mut url = String::with_capacity(base.len() + request.path_template.len() + 32);
        url.push_str(base);
        request.write_path(&mut url)?;
        Ok(url)
    }

    /// One HTTP exchange.
    async fn attempt(
        &self,
        request: &ApiRequest,
        url: &str,
        authorization: Option<HeaderValue>,
        policy: &RetryPolicy,
    ) -> Result<Outcome, Failure> {
        let mut headers = self.headers(request, authorization)?;
        let mut builder = self.inner.http.request(request.method.to_reqwest(), url);
        if let Some(timeout) = self.options.timeout {
            builder = builder.timeout(timeout);
        }
        if !request.query.is_empty() {
            builder = builder.query(&request.query);
        }
        let built = match &request.body {
            // The form sets its own `Content-Type` (with the boundary) on the builder.
            Body::Multipart(form) => builder
                .headers(headers)
                .multipart(form.to_reqwest().await?)
                .build(),
            Body::None => with_headers(builder.build(), headers),
            Body::Json(bytes) => {
                headers.append(
                    CONTENT_TYPE,
                    HeaderValue::from_static("application/json; charset=utf-8"),
                );
                with_headers(builder.body(bytes.clone()).build(), headers)
            }
        };
        let reply = match built {
            Ok(built) => self.inner.http.execute(built).await,
            Err(err) => Err(err),
        };
        let reply = reply.map_err(|err| Failure {
            transient: !err.is_builder(),
            error: err.into(),
            server_asks: None,
        })?;
        let status = reply.status().as_u16();
        let log_id = log_id_of(reply.headers());
        let span = tracing::Span::current();
        span.record("status", status);
        if let Some(id) = &log_id {
            span.record("log_id", id.as_str());
        }
        let server_asks = server_delay(reply.headers());
        // A file: any 2xx reply that says it is not JSON (one that says nothing is read as JSON).
        let is_file = content_type(reply.headers()).is_some_and(|t| !t.contains("json"));
        if reply.status().is_success() && is_file {
            return Ok(Outcome::Stream(reply));
        }
        let body = reply.bytes().await.map_err(|err| Failure {
            transient: true,
            error: err.into(),
            server_asks: None,
        })?;
        match open_envelope(status, log_id, body, request.errors) {
            Ok(data) => Ok(Outcome::Json(data)),
            Err(error) => {
                let rate_limited = error.code().is_some_and(|code| {
                    policy.rate_limit_codes.contains(&code)
                        || request
                            .errors
                            .iter()
                            .any(|e| e.code == code && e.is_rate_limit())
                });
                Err(Failure {
                    transient: status == 429 || status >= 500 || rate_limited,
                    error,
                    server_asks,
                })
            }
        }
    }

    fn headers(
        &self,
        request: &ApiRequest,
        authorization: Option<HeaderValue>,
    ) -> Result<HeaderMap> {
        let mut headers = HeaderMap::new();
        if let Some(value) = authorization {
            headers.insert(AUTHORIZATION, value);
        }
        let request_id = self
            .options
            .request_id
            .as_ref()
            .map(|id| ("X-Request-Id", id.as_str()));
        let extra = self
            .options
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()));
        let own = request.headers.iter().map(|(n, v)| (*n, v.as_str()));
        for (name, value) in own.chain(extra).chain(request_id) {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::Config(format!("`{name}` is not a header name")))?;
            let value = HeaderValue::from_str(value).map_err(|_| {
                Error::Config(format!(
                    "value of header `{name}` is not a valid header value"
                ))
            })?;
            headers.insert(name, value);
        }
        Ok(headers)
    }

    /// Which token to send: an explicit one, else the kind the endpoint accepts that this
    /// client can provide, in the order the documentation lists them.
    fn choose(&self, request: &ApiRequest) -> Result<Choice> {
        let options = &self.options;
        if let Some(token) = &options.access_token {
            return Ok(Choice::Given(token.clone()));
        }
        let accepted = request.tokens;
        let accepts = |kind| accepted.is_empty() || accepted.contains(&kind);
        if let Some(kind) = options.token_kind {
            if !accepts(kind) {
                return Err(Error::Auth(format!(
                    "`{}` does not accept a {kind}; it accepts {}",
                    request.path_template,
                    kinds(accepted)
                )));
            }
            return self.provide(kind);
        }
        if options.user_access_token.is_some() && accepts(TokenKind::User) {
            return self.provide(TokenKind::User);
        }
        if accepted.is_empty() {
            return match &self.inner.auth {
                Auth::None => Ok(Choice::None),
                _ => self.provide(TokenKind::Tenant),
            };
        }
        let mut first_error = None;
        for kind in accepted {
            match self.provide(*kind) {
                Ok(choice) => return Ok(choice),
                Err(err) => {
                    first_error.get_or_insert(err);
                }
            }
        }
        Err(first_error.unwrap_or_else(|| Error::Auth("no token".to_string())))
    }

    fn provide(&self, kind: TokenKind) -> Result<Choice> {
        match (&self.inner.auth, kind) {
            (_, TokenKind::User) => match (&self.options.user_access_token, &self.inner.auth) {
                (Some(token), _) | (None, Auth::Token(token)) => Ok(Choice::Given(token.clone())),
                _ => Err(Error::Auth(
                    "this endpoint needs a user_access_token: pass it with \
                     Client::with_user_access_token or RequestOptions::user_access_token"
                        .to_string(),
                )),
            },
            (Auth::Token(token), _) => Ok(Choice::Given(token.clone())),
            (Auth::App(_), TokenKind::Tenant) => Ok(Choice::Cached(self.tenant_key()?)),
            (Auth::App(_), TokenKind::App) => Ok(Choice::Cached(TokenKey::App)),
            (Auth::None, kind) => Err(Error::Auth(format!(
                "this endpoint needs a {kind} and the client has no credentials: set app \
                 credentials or an access token on the builder"
            ))),
        }
    }
}

/// A built request with `headers` as its header map: it has none of its own yet, so ours
/// become its map as they are instead of being copied into it one by one.
fn with_headers(
    built: reqwest::Result<reqwest::Request>,
    headers: HeaderMap,
) -> reqwest::Result<reqwest::Request> {
    built.map(|mut built| {
        *built.headers_mut() = headers;
        built
    })
}

/// An attempt's `Authorization` header: the cached token's, made when it was cached, or
/// one made from the token given.
fn authorization(choice: &Choice, cached: Option<&Bearer>) -> Result<Option<HeaderValue>> {
    let header = match (choice, cached) {
        (_, Some(bearer)) => bearer.header.clone(),
        (Choice::Given(token), None) => bearer_header(token),
        (_, None) => return Ok(None),
    };
    header
        .map(Some)
        .ok_or_else(|| Error::Auth("access token is not a valid header value".to_string()))
}

fn request_span(request: &ApiRequest) -> tracing::Span {
    tracing::debug_span!(
        "feishu.request",
        method = request.method.as_str(),
        path = request.path_template,
        status = tracing::field::Empty,
        log_id = tracing::field::Empty,
        attempt = tracing::field::Empty,
    )
}

fn content_type(headers: &HeaderMap) -> Option<&str> {
    headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok())
}

fn kinds(accepted: &[TokenKind]) -> String {
    let names: Vec<String> = accepted.iter().map(ToString::to_string).collect();
    names.join(" or ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Method;

    fn client(credentials: Credentials) -> Client {
        Client::builder().credentials(credentials).build().unwrap()
    }

    fn app() -> Credentials {
        Credentials::App {
            app_id: "cli_1".into(),
            app_secret: "s3cr3t-value".into(),
        }
    }

    fn choice(client: &Client, tokens: &'static [TokenKind]) -> Result<Choice> {
        client.choose(&ApiRequest::new(Method::Get, "/x").tokens(tokens))
    }

    const TENANT_USER: &[TokenKind] = &[TokenKind::Tenant, TokenKind::User];
    const USER_ONLY: &[TokenKind] = &[TokenKind::User];
    const APP_ONLY: &[TokenKind] = &[TokenKind::App];

    #[test]
    fn token_choice() {
        let app = client(app());
        let tenant = Choice::Cached(TokenKey::Tenant(String::new()));
        assert_eq!(choice(&app, TENANT_USER).unwrap(), tenant);
        assert_eq!(
            choice(&app, APP_ONLY).unwrap(),
            Choice::Cached(TokenKey::App)
        );
        assert_eq!(choice(&app, &[]).unwrap(), tenant);
        assert_eq!(
            choice(&app, USER_ONLY).unwrap_err().to_string(),
            "auth: this endpoint needs a user_access_token: pass it with \
             Client::with_user_access_token or RequestOptions::user_access_token"
        );
        let user = app.with_user_access_token("u-1");
        assert_eq!(
            choice(&user, TENANT_USER).unwrap(),
            Choice::Given("u-1".into())
        );
        // A user token is not sent where only app tokens are accepted.
        assert_eq!(
            choice(&user, APP_ONLY).unwrap(),
            Choice::Cached(TokenKey::App)
        );
        let forced = app.with_options(RequestOptions::new().token_kind(TokenKind::App));
        assert_eq!(
            choice(&forced, TENANT_USER).unwrap_err().to_string(),
            "auth: `/x` does not accept a app_access_token; it accepts tenant_access_token or user_access_token"
        );
        let none = client(Credentials::None);
        assert_eq!(choice(&none, &[]).unwrap(), Choice::None);
        assert!(choice(&none, TENANT_USER).is_err());
        let fixed = client(Credentials::AccessToken("t-1".into()));
        assert_eq!(
            choice(&fixed, USER_ONLY).unwrap(),
            Choice::Given("t-1".into())
        );
        let isv = client(Credentials::Marketplace {
            app_id: "cli_2".into(),
            app_secret: "s".into(),
        })
        .with_tenant_key("tk1");
        assert_eq!(
            choice(&isv, TENANT_USER).unwrap(),
            Choice::Cached(TokenKey::Tenant("tk1".into()))
        );
    }

    #[test]
    fn debug_hides_secrets() {
        let client = client(app()).with_user_access_token("u-very-secret");
        let debug = format!("{client:?}");
        assert!(debug.contains("cli_1"));
        assert!(!debug.contains("s3cr3t-value"), "{debug}");
        assert!(!debug.contains("very-secret"), "{debug}");
    }

    #[test]
    fn empty_credentials_are_refused_when_the_client_is_built() {
        let refused = |builder: ClientBuilder| builder.build().unwrap_err().to_string();
        assert_eq!(
            refused(Client::builder().app_credentials("cli_1", "")),
            "config: the app secret of app cli_1 is empty"
        );
        assert_eq!(
            refused(Client::builder().marketplace_app(" ", "secret")),
            "config: the app id is empty"
        );
        assert_eq!(
            refused(Client::builder().access_token("")),
            "config: the access token is empty"
        );
    }

    #[tokio::test]
    async fn a_token_that_cannot_be_a_header_is_refused_before_anything_is_sent() {
        let client = client(Credentials::AccessToken("t-1\nX-Injected: 1".into()));
        let err = client
            .send::<serde_json::Value>(ApiRequest::new(Method::Get, "/x"))
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "auth: access token is not a valid header value"
        );
    }

    #[tokio::test]
    async fn a_transport_error_says_what_failed_on_one_line_and_keeps_its_sources() {
        use std::error::Error as _;
        // A port nothing listens on: bind one, then free it.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let client = Client::builder()
            .base_url(format!("http://127.0.0.1:{port}"))
            .app_credentials("cli_1", "s3cret-value")
            .retry(RetryPolicy::none())
            .build()
            .unwrap();
        let err = client.tenant_access_token().await.unwrap_err();
        let text = err.to_string();
        assert!(!text.contains('\n'), "{text}");
        assert!(
            text.starts_with(&format!(
                "transport error: error sending request for url (http://127.0.0.1:{port}/open-apis/auth/v3/tenant_access_token/internal)"
            )),
            "{text}"
        );
        assert!(text.to_lowercase().contains("connection refused"), "{text}");
        assert!(!text.contains("s3cret-value"));
        let source = err.source().expect("the reqwest error is the source");
        assert!(source.source().is_some(), "and its own chain is kept");
    }
}
