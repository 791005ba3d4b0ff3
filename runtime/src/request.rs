use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;

use crate::{DocumentedError, Error, MultipartForm, Result};

/// HTTP methods the Open Platform uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    pub(crate) fn to_reqwest(self) -> reqwest::Method {
        match self {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
        }
    }
}

/// The kinds of access token an endpoint accepts (`支持的访问令牌`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Tenant,
    User,
    App,
}

impl std::fmt::Display for TokenKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TokenKind::Tenant => "tenant_access_token",
            TokenKind::User => "user_access_token",
            TokenKind::App => "app_access_token",
        })
    }
}

/// One call as generated code describes it: which endpoint, with which values.
#[derive(Debug, Clone)]
pub struct ApiRequest {
    pub(crate) method: Method,
    pub(crate) path_template: &'static str,
    pub(crate) path_params: Vec<(&'static str, String)>,
    pub(crate) query: Vec<(&'static str, String)>,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Body,
    pub(crate) tokens: &'static [TokenKind],
    pub(crate) errors: &'static [DocumentedError],
}

/// What goes in the request body.
#[derive(Clone, Default, PartialEq)]
pub(crate) enum Body {
    #[default]
    None,
    Json(Vec<u8>),
    Multipart(MultipartForm),
}

/// A JSON body shows as its JSON text, not as a list of bytes.
impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Body::None => f.write_str("None"),
            Body::Json(bytes) => f
                .debug_tuple("Json")
                .field(&format_args!("{}", String::from_utf8_lossy(bytes)))
                .finish(),
            Body::Multipart(form) => f.debug_tuple("Multipart").field(form).finish(),
        }
    }
}

impl Body {
    /// Whether the body can be sent again (a streamed reader cannot).
    pub(crate) fn replayable(&self) -> bool {
        match self {
            Body::None | Body::Json(_) => true,
            Body::Multipart(form) => form.replayable(),
        }
    }
}

/// Everything but unreserved characters is escaped, so `/`, `?`, `#` and `..` in a value
/// stay inside their path segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A byte [`SEGMENT`] leaves as it is: ids are usually made of these alone, and are then
/// written without going through the encoder. (It restates the set above, as
/// `percent_encoding::AsciiSet` has no public membership test; a test compares the two.)
fn unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

impl ApiRequest {
    /// `path_template` as documented: `/open-apis/aily/v1/sessions/:aily_session_id`.
    pub fn new(method: Method, path_template: &'static str) -> Self {
        ApiRequest {
            method,
            path_template,
            path_params: Vec::new(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::None,
            tokens: &[],
            errors: &[],
        }
    }

    pub fn path_param(mut self, name: &'static str, value: impl ToString) -> Self {
        self.path_params.push((name, value.to_string()));
        self
    }

    pub fn query(mut self, name: &'static str, value: impl ToString) -> Self {
        self.query.push((name, value.to_string()));
        self
    }

    /// A query parameter whose value is structured (an object): sent as its JSON text.
    pub fn query_json<T: Serialize + ?Sized>(self, name: &'static str, value: &T) -> Result<Self> {
        let text = serde_json::to_string(value).map_err(Error::Encode)?;
        Ok(self.query(name, text))
    }

    pub fn header(mut self, name: &'static str, value: impl ToString) -> Self {
        self.headers.push((name, value.to_string()));
        self
    }

    pub fn json_body<T: Serialize + ?Sized>(mut self, body: &T) -> Result<Self> {
        self.body = Body::Json(serde_json::to_vec(body).map_err(Error::Encode)?);
        Ok(self)
    }

    /// A `multipart/form-data` body (file uploads).
    pub fn multipart_body(mut self, form: MultipartForm) -> Self {
        self.body = Body::Multipart(form);
        self
    }

    /// The token kinds the endpoint accepts, in the order the documentation lists them.
    pub fn tokens(mut self, tokens: &'static [TokenKind]) -> Self {
        self.tokens = tokens;
        self
    }

    /// The endpoint's documented error table, used to attach hints to [`crate::ApiError`].
    pub fn errors(mut self, errors: &'static [DocumentedError]) -> Self {
        self.errors = errors;
        self
    }

    pub fn method(&self) -> Method {
        self.method
    }

    pub fn path_template(&self) -> &'static str {
        self.path_template
    }

    /// The path with every `:name` segment replaced by its percent-encoded value.
    pub fn path(&self) -> Result<String> {
        let mut out = String::with_capacity(self.path_template.len() + 32);
        self.write_path(&mut out)?;
        Ok(out)
    }

    /// [`ApiRequest::path`], written at the end of `out` (after the base URL).
    pub(crate) fn write_path(&self, out: &mut String) -> Result<()> {
        let template = self.path_template;
        // The template up to `written` is in `out`; a `:` that starts a segment starts a
        // parameter's name, which runs to the next `/`.
        let (mut written, mut from) = (0, 0);
        while let Some(found) = template[from..].find(':') {
            let colon = from + found;
            let end = template[colon..]
                .find('/')
                .map_or(template.len(), |i| colon + i);
            if template[..colon].ends_with('/') || colon == 0 {
                out.push_str(&template[written..colon]);
                self.write_param(&template[colon + 1..end], out)?;
                written = end;
            }
            from = end;
        }
        out.push_str(&template[written..]);
        Ok(())
    }

    /// The value of path parameter `name`, percent-encoded, at the end of `out`.
    fn write_param(&self, name: &str, out: &mut String) -> Result<()> {
        let value = self
            .path_params
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
            .ok_or_else(|| Error::Config(format!("no value for path parameter `{name}`")))?;
        if value.is_empty() {
            return Err(Error::Config(format!("path parameter `{name}` is empty")));
        }
        if value.bytes().all(unreserved) {
            out.push_str(value);
        } else {
            out.extend(utf8_percent_encode(value, SEGMENT));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_params_stay_in_their_segment() {
        let request = ApiRequest::new(Method::Get, "/open-apis/x/v1/items/:id/sub")
            .path_param("id", "a/b c?d#../é");
        assert_eq!(
            request.path().unwrap(),
            "/open-apis/x/v1/items/a%2Fb%20c%3Fd%23..%2F%C3%A9/sub"
        );
    }

    #[test]
    fn unreserved_is_exactly_what_segment_leaves_alone() {
        for byte in 0..=127u8 {
            let text = char::from(byte).to_string();
            let left_alone = utf8_percent_encode(&text, SEGMENT).to_string() == text;
            assert_eq!(unreserved(byte), left_alone, "byte {byte}");
        }
    }

    #[test]
    fn ids_of_unreserved_characters_are_written_as_they_are() {
        for id in ["session_4dfunz7sp1g8m", "a-b.c~d", "..", "é", "a b"] {
            let request = ApiRequest::new(Method::Get, "/x/:id").path_param("id", id);
            let encoded: String = utf8_percent_encode(id, SEGMENT).collect();
            assert_eq!(request.path().unwrap(), format!("/x/{encoded}"));
        }
    }

    #[test]
    fn only_a_colon_that_starts_a_segment_starts_a_parameter() {
        let request = ApiRequest::new(Method::Get, "/x/a:b/:id/c:/:n")
            .path_param("id", "1")
            .path_param("n", "2");
        assert_eq!(request.path().unwrap(), "/x/a:b/1/c:/2");
        let request = ApiRequest::new(Method::Get, ":id/x").path_param("id", "7");
        assert_eq!(request.path().unwrap(), "7/x");
    }

    #[test]
    fn missing_and_empty_params_are_errors() {
        let request = ApiRequest::new(Method::Get, "/x/:id");
        assert_eq!(
            request.path().unwrap_err().to_string(),
            "config: no value for path parameter `id`"
        );
        let request = request.path_param("id", "");
        assert_eq!(
            request.path().unwrap_err().to_string(),
            "config: path parameter `id` is empty"
        );
    }

    #[test]
    fn debug_shows_a_json_body_as_json_and_files_by_name_and_size() {
        let request = ApiRequest::new(Method::Post, "/x")
            .json_body(&serde_json::json!({"name": "n", "ids": [1, 2]}))
            .unwrap();
        let text = format!("{request:?}");
        assert!(
            text.contains(r#"body: Json({"name":"n","ids":[1,2]})"#),
            "{text}"
        );
        let form = crate::MultipartForm::new().text("file_type", "pdf").file(
            "file",
            crate::FileUpload::from_bytes("report.pdf", vec![0u8; 1234]),
        );
        let request = ApiRequest::new(Method::Post, "/x").multipart_body(form);
        let text = format!("{request:?}");
        assert!(
            text.contains(
                r#"body: Multipart({"file_type": "pdf", "file": file "report.pdf", 1234 bytes})"#
            ),
            "{text}"
        );
    }
}
