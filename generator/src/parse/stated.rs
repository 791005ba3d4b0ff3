//! What a page states, read and checked against its own examples, before the project's
//! conventions ([`super::normalize`]) decide what it leaves open. The reader writes it;
//! normalisation turns it into the [`Spec`](crate::spec::Spec).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::diagnostics::Diagnostic;
use crate::spec::{Auth, ContentType, ErrorCode, Field, HttpMethod, Response};

/// One endpoint page as written: a GET may still document a body, the body may have no
/// content type, a download may have no reply type, and nothing says whether it pages.
#[derive(Debug, Clone, PartialEq)]
pub struct Stated {
    pub id: String,
    pub title: String,
    pub summary: Option<String>,
    pub source: String,
    pub method: HttpMethod,
    pub path: String,
    pub rate_limit: Option<String>,
    pub auth: Auth,
    pub path_params: Vec<Field>,
    pub query_params: Vec<Field>,
    pub headers: Vec<Field>,
    /// The `Content-Type` the request headers name, if any.
    pub content_type: Option<ContentType>,
    /// The 请求体 table's fields, if the page has one.
    pub body: Option<Vec<Field>>,
    pub request_example: Option<Value>,
    pub response: Option<Response>,
    /// The response section says the reply is a file's bytes (`返回文件二进制流`).
    pub binary_response: bool,
    pub errors: Vec<ErrorCode>,
    pub sdk_names: BTreeMap<String, String>,
    /// The line of the 基本 table, where diagnostics about the whole request point.
    pub basics_line: usize,
    pub diagnostics: Vec<Diagnostic>,
}
