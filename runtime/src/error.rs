use std::fmt;

/// Everything a call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Feishu answered with a non-zero `code`.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The request broke a rule the documentation states; it was not sent.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// The HTTP exchange failed (connection, TLS, timeout).
    #[error("transport error: {0}")]
    Transport(#[from] reqwest::Error),
    /// A non-2xx reply that is not a Feishu envelope.
    #[error("HTTP {status}{}: {body_excerpt}", log_suffix(.log_id))]
    Http {
        status: u16,
        log_id: Option<String>,
        body_excerpt: String,
    },
    /// The reply could not be decoded into the documented type.
    #[error("cannot decode reply{}: {message}; body starts: {body_excerpt}", log_suffix(.log_id))]
    Decode {
        message: String,
        log_id: Option<String>,
        body_excerpt: String,
    },
    /// No access token could be had (no credentials configured, or the token request failed).
    #[error("auth: {0}")]
    Auth(String),
    /// The request body could not be encoded as JSON.
    #[error("cannot encode request body: {0}")]
    Encode(serde_json::Error),
    /// The client or request was set up wrongly (bad base URL, bad header value).
    #[error("config: {0}")]
    Config(String),
}

fn log_suffix(log_id: &Option<String>) -> String {
    log_id
        .as_ref()
        .map(|id| format!(" (log id {id})"))
        .unwrap_or_default()
}

/// A Feishu error reply: `{"code": non-zero, "msg": …}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: i64,
    pub msg: String,
    pub http_status: u16,
    /// The `X-Tt-Logid` reply header: quote it when asking Feishu support.
    pub log_id: Option<String>,
    /// What the endpoint's documentation advises for this code, when it lists it.
    pub hint: Option<&'static str>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Feishu error {} (HTTP {}): {}",
            self.code, self.http_status, self.msg
        )?;
        if let Some(hint) = self.hint {
            write!(f, "; hint: {hint}")?;
        }
        if let Some(log_id) = &self.log_id {
            write!(f, " (log id {log_id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// A documented rule the request broke, found before sending.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid `{field}`: {message}")]
pub struct ValidationError {
    /// The wire name of the field, dotted for nested fields (`body.metadata`).
    pub field: String,
    pub message: String,
}

impl ValidationError {
    /// The same error, seen from the struct that holds the field: `name` → `parent.name`.
    pub fn within(mut self, parent: &str) -> Self {
        self.field = format!("{parent}.{}", self.field);
        self
    }
}

/// One row of an endpoint's documented error table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentedError {
    pub http_status: u16,
    pub code: i64,
    pub message: &'static str,
    pub hint: Option<&'static str>,
}
