use std::fmt;

/// Everything a call can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Feishu answered with a non-zero `code`.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The request broke a rule the documentation states; it was not sent.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// The HTTP exchange failed (connection, TLS, timeout). The text names the URL and
    /// the cause on one line; `source()` keeps reqwest's error and its chain.
    #[error("transport error: {}", chain(.0))]
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
    Encode(#[source] serde_json::Error),
    /// The client or request was set up wrongly (bad base URL, bad header value).
    #[error("config: {0}")]
    Config(String),
    /// A shared store (Redis, or your own store) failed; the text names the operation.
    #[error("store: {0}")]
    Store(String),
    /// Writing a download failed.
    #[error("cannot write the download: {0}")]
    Io(#[from] std::io::Error),
}

/// An error and its causes on one line: reqwest's own text says which URL failed but not
/// why ("connection refused" is two sources down).
pub(crate) fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.ends_with(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
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
    /// The reply's `error` object, when Feishu sent one: what exactly was refused.
    pub details: Option<Box<ErrorDetails>>,
}

/// The `error` object of an error reply.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[non_exhaustive]
pub struct ErrorDetails {
    /// A link to Feishu's troubleshooting page for this log id.
    #[serde(default)]
    pub troubleshooter: Option<String>,
    /// Scopes the app or user lacks.
    #[serde(default)]
    pub permission_violations: Vec<PermissionViolation>,
    /// Request fields Feishu refused, and why.
    #[serde(default)]
    pub field_violations: Vec<FieldViolation>,
    /// Further reading Feishu points to.
    #[serde(default)]
    pub helps: Vec<Help>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[non_exhaustive]
pub struct PermissionViolation {
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// The scope, e.g. `im:message`.
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[non_exhaustive]
pub struct FieldViolation {
    #[serde(default)]
    pub field: Option<String>,
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[non_exhaustive]
pub struct Help {
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
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
        if let Some(details) = &self.details {
            for v in &details.field_violations {
                write!(
                    f,
                    "; field `{}`: {}",
                    v.field.as_deref().unwrap_or("?"),
                    v.description.as_deref().unwrap_or("refused")
                )?;
            }
            let scopes: Vec<&str> = details
                .permission_violations
                .iter()
                .filter_map(|v| v.subject.as_deref())
                .collect();
            if !scopes.is_empty() {
                write!(f, "; missing scope: {}", scopes.join(" or "))?;
            }
        }
        if let Some(log_id) = &self.log_id {
            write!(f, " (log id {log_id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// The same facts as the public fields, as methods: what [`Error::code`] and
/// [`Error::log_id`] give for any error, an `ApiError` gives too.
impl ApiError {
    pub fn code(&self) -> i64 {
        self.code
    }

    pub fn msg(&self) -> &str {
        &self.msg
    }

    pub fn http_status(&self) -> u16 {
        self.http_status
    }

    pub fn log_id(&self) -> Option<&str> {
        self.log_id.as_deref()
    }

    /// What the endpoint's documentation advises for this code.
    pub fn hint(&self) -> Option<&'static str> {
        self.hint
    }
}

/// A documented rule the request broke, found before sending.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid `{field}`: {message}")]
pub struct ValidationError {
    /// The field's full path from the request, by wire names: where it goes
    /// (`body`, `path`, `query`, `header`), then members dotted and array items by index
    /// (`body.items[2].name`, `query.page_size`).
    pub field: String,
    pub message: String,
}

impl ValidationError {
    /// The same error, seen from the struct that holds the field: `name` → `parent.name`,
    /// `[2].name` → `parent[2].name`, and (a value checked by itself, with no field
    /// name) `` → `parent`.
    pub fn within(mut self, parent: &str) -> Self {
        self.field = if self.field.is_empty() || self.field.starts_with('[') {
            format!("{parent}{}", self.field)
        } else {
            format!("{parent}.{}", self.field)
        };
        self
    }

    /// The same error, seen from the array that holds the value as item `index`:
    /// `name` → `[index].name`, `` → `[index]`.
    pub fn at_index(self, index: usize) -> Self {
        let mut error = self.within("");
        // `within("")` gave `.name`, `[j]` or ``: put the index in front of it.
        error.field = format!("[{index}]{}", error.field);
        error
    }
}

impl Error {
    /// The Feishu error code, when Feishu answered with one.
    pub fn code(&self) -> Option<i64> {
        match self {
            Error::Api(api) => Some(api.code),
            _ => None,
        }
    }

    /// The `X-Tt-Logid` of the reply, when there was one.
    pub fn log_id(&self) -> Option<&str> {
        match self {
            Error::Api(api) => api.log_id.as_deref(),
            Error::Http { log_id, .. } | Error::Decode { log_id, .. } => log_id.as_deref(),
            _ => None,
        }
    }

    /// The call (or one of its attempts) ran out of time.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Transport(err) if err.is_timeout())
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

impl DocumentedError {
    /// The documentation describes this code as a rate limit (too many calls), which is
    /// worth retrying after a pause.
    pub fn is_rate_limit(&self) -> bool {
        const WORDS: &[&str] = &[
            "频率",
            "限频",
            "限流",
            "频控",
            "frequency",
            "rate limit",
            "ratelimit",
            "too many",
            "too frequent",
        ];
        let text = format!("{} {}", self.message, self.hint.unwrap_or_default()).to_lowercase();
        WORDS.iter().any(|w| text.contains(w))
    }
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;

    #[test]
    fn causes_are_sources() {
        let json = serde_json::from_str::<serde_json::Value>("{").unwrap_err();
        let json_text = json.to_string();
        let err = Error::Encode(json);
        assert_eq!(err.source().map(|s| s.to_string()), Some(json_text));

        let err = Error::from(std::io::Error::other("disk full"));
        assert_eq!(
            err.source().map(|s| s.to_string()).as_deref(),
            Some("disk full")
        );

        // Errors that are their own cause have no source.
        let err = Error::Validation(ValidationError {
            field: "body.name".into(),
            message: "too long".into(),
        });
        assert!(err.source().is_none());
        assert_eq!(err.to_string(), "invalid `body.name`: too long");
    }

    #[test]
    fn paths_compose() {
        let leaf = ValidationError {
            field: "name".into(),
            message: "too long".into(),
        };
        assert_eq!(
            leaf.clone()
                .at_index(2)
                .within("items")
                .within("body")
                .field,
            "body.items[2].name"
        );
        assert_eq!(leaf.within("owner").field, "owner.name");
        let value = ValidationError {
            field: String::new(),
            message: "too long".into(),
        };
        assert_eq!(value.clone().within("tags").field, "tags");
        assert_eq!(value.at_index(0).at_index(3).field, "[3][0]");
    }
}
