//! Files going up (multipart form parts) and coming down (binary replies).

use std::fmt;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use percent_encoding::percent_decode_str;
use reqwest::header::HeaderMap;
use tokio::io::AsyncRead;
use tokio_util::io::ReaderStream;

use crate::{Error, Result};

type Reader = Pin<Box<dyn AsyncRead + Send + Sync>>;

/// A file to upload as one multipart part: from bytes, a path (opened and streamed when
/// the call is sent), or any async reader (streamed; it can be sent only once).
#[derive(Clone)]
pub struct FileUpload {
    file_name: String,
    content_type: Option<String>,
    source: Source,
}

#[derive(Clone)]
enum Source {
    Bytes(Bytes),
    Path(PathBuf),
    /// Taken by the first send.
    Reader(Arc<Mutex<Option<Reader>>>),
}

impl FileUpload {
    pub fn from_bytes(file_name: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        FileUpload {
            file_name: file_name.into(),
            content_type: None,
            source: Source::Bytes(bytes.into()),
        }
    }

    /// The file at `path`, named after it; opened when the call is sent.
    pub fn from_path(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "file".to_string());
        FileUpload {
            file_name,
            content_type: None,
            source: Source::Path(path),
        }
    }

    pub fn from_reader(
        file_name: impl Into<String>,
        reader: impl AsyncRead + Send + Sync + 'static,
    ) -> Self {
        FileUpload {
            file_name: file_name.into(),
            content_type: None,
            source: Source::Reader(Arc::new(Mutex::new(Some(Box::pin(reader))))),
        }
    }

    /// The part's `Content-Type` (default `application/octet-stream`).
    pub fn content_type(mut self, mime: impl Into<String>) -> Self {
        self.content_type = Some(mime.into());
        self
    }

    /// The name sent as the part's `filename`.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// Whether it can be sent again (a reader cannot).
    pub(crate) fn replayable(&self) -> bool {
        !matches!(self.source, Source::Reader(_))
    }

    async fn part(&self) -> Result<reqwest::multipart::Part> {
        use reqwest::multipart::Part;
        let part = match &self.source {
            Source::Bytes(bytes) => Part::stream_with_length(bytes.clone(), bytes.len() as u64),
            Source::Path(path) => {
                let file = tokio::fs::File::open(path).await.map_err(|err| {
                    Error::Config(format!("cannot open `{}`: {err}", path.display()))
                })?;
                let length = file.metadata().await.ok().map(|m| m.len());
                let body = reqwest::Body::wrap_stream(ReaderStream::new(file));
                match length {
                    Some(length) => Part::stream_with_length(body, length),
                    None => Part::stream(body),
                }
            }
            Source::Reader(slot) => {
                let reader = slot
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .take()
                    .ok_or_else(|| {
                        Error::Config(format!(
                            "the reader of `{}` was already sent once",
                            self.file_name
                        ))
                    })?;
                Part::stream(reqwest::Body::wrap_stream(ReaderStream::new(reader)))
            }
        };
        let mime = self
            .content_type
            .as_deref()
            .unwrap_or("application/octet-stream");
        part.file_name(self.file_name.clone())
            .mime_str(mime)
            .map_err(|_| Error::Config(format!("`{mime}` is not a MIME type")))
    }
}

impl FileUpload {
    /// `file "report.pdf", 1234 bytes` (or the path or reader it streams from).
    fn summary(&self) -> String {
        let source = match &self.source {
            Source::Bytes(b) => format!("{} bytes", b.len()),
            Source::Path(p) => format!("from {}", p.display()),
            Source::Reader(_) => "from a reader".to_string(),
        };
        format!("file {:?}, {source}", self.file_name)
    }
}

impl fmt::Debug for FileUpload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match &self.source {
            Source::Bytes(b) => format!("{} bytes", b.len()),
            Source::Path(p) => format!("path {}", p.display()),
            Source::Reader(_) => "reader".to_string(),
        };
        f.debug_struct("FileUpload")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("source", &source)
            .finish()
    }
}

/// Equal when they would send the same name, type and content (readers: the same reader).
impl PartialEq for FileUpload {
    fn eq(&self, other: &Self) -> bool {
        let same_source = match (&self.source, &other.source) {
            (Source::Bytes(a), Source::Bytes(b)) => a == b,
            (Source::Path(a), Source::Path(b)) => a == b,
            (Source::Reader(a), Source::Reader(b)) => Arc::ptr_eq(a, b),
            _ => false,
        };
        same_source && self.file_name == other.file_name && self.content_type == other.content_type
    }
}

/// A `multipart/form-data` body: text fields and files, in order.
#[derive(Clone, Default, PartialEq)]
pub struct MultipartForm {
    parts: Vec<(String, FormValue)>,
}

#[derive(Clone, Debug, PartialEq)]
enum FormValue {
    Text(String),
    File(FileUpload),
}

/// Parts by name: text as it is, files by name and size (never their bytes).
impl fmt::Debug for MultipartForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = f.debug_map();
        for (name, value) in &self.parts {
            match value {
                FormValue::Text(text) => parts.entry(name, text),
                FormValue::File(file) => parts.entry(name, &format_args!("{}", file.summary())),
            };
        }
        parts.finish()
    }
}

impl MultipartForm {
    pub fn new() -> Self {
        MultipartForm::default()
    }

    pub fn text(mut self, name: impl Into<String>, value: impl ToString) -> Self {
        self.parts
            .push((name.into(), FormValue::Text(value.to_string())));
        self
    }

    pub fn file(mut self, name: impl Into<String>, file: FileUpload) -> Self {
        self.parts.push((name.into(), FormValue::File(file)));
        self
    }

    /// A text part when there is a value; nothing otherwise.
    pub fn optional_text(self, name: impl Into<String>, value: Option<impl ToString>) -> Self {
        match value {
            Some(value) => self.text(name, value),
            None => self,
        }
    }

    /// A file part when there is a file; nothing otherwise.
    pub fn optional_file(self, name: impl Into<String>, file: Option<FileUpload>) -> Self {
        match file {
            Some(file) => self.file(name, file),
            None => self,
        }
    }

    /// One file part per file, all under one name (a form member that takes several).
    pub fn files(
        mut self,
        name: impl Into<String>,
        files: impl IntoIterator<Item = FileUpload>,
    ) -> Self {
        let name = name.into();
        for file in files {
            self = self.file(name.clone(), file);
        }
        self
    }

    /// A structured value (object, list, any JSON) as a text part holding its JSON.
    pub fn json(self, name: impl Into<String>, value: &impl serde::Serialize) -> Result<Self> {
        let text = serde_json::to_string(value).map_err(Error::Encode)?;
        Ok(self.text(name, text))
    }

    /// [`MultipartForm::json`] when there is a value; nothing otherwise.
    pub fn optional_json(
        self,
        name: impl Into<String>,
        value: Option<&impl serde::Serialize>,
    ) -> Result<Self> {
        match value {
            Some(value) => self.json(name, value),
            None => Ok(self),
        }
    }

    pub(crate) fn replayable(&self) -> bool {
        self.parts.iter().all(|(_, value)| match value {
            FormValue::Text(_) => true,
            FormValue::File(file) => file.replayable(),
        })
    }

    pub(crate) async fn to_reqwest(&self) -> Result<reqwest::multipart::Form> {
        let mut form = reqwest::multipart::Form::new();
        for (name, value) in &self.parts {
            form = match value {
                FormValue::Text(text) => form.text(name.clone(), text.clone()),
                FormValue::File(file) => form.part(name.clone(), file.part().await?),
            };
        }
        Ok(form)
    }
}

/// What a download wrote, and what the reply said about the file.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Download {
    /// From `Content-Disposition` (`filename*` preferred, as RFC 6266 says).
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    /// The `Content-Length` the server announced.
    pub content_length: Option<u64>,
    pub bytes_written: u64,
}

impl Download {
    pub(crate) fn from_headers(headers: &HeaderMap) -> Download {
        let text = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        Download {
            file_name: text("content-disposition")
                .as_deref()
                .and_then(disposition_file_name),
            content_type: text("content-type"),
            content_length: text("content-length").and_then(|v| v.parse().ok()),
            bytes_written: 0,
        }
    }
}

/// The file name of a `Content-Disposition` value.
pub fn disposition_file_name(value: &str) -> Option<String> {
    let mut plain = None;
    for param in value.split(';').map(str::trim) {
        let Some((key, raw)) = param.split_once('=') else {
            continue;
        };
        match key.trim().to_ascii_lowercase().as_str() {
            "filename*" => {
                // charset'language'percent-encoded
                let encoded = raw.trim().splitn(3, '\'').nth(2)?;
                let name = percent_decode_str(encoded).decode_utf8().ok()?;
                return Some(name.into_owned()).filter(|n| !n.is_empty());
            }
            "filename" => {
                let name = raw.trim().trim_matches('"');
                // Some servers percent-encode the plain form too.
                let name = percent_decode_str(name)
                    .decode_utf8()
                    .map(|n| n.into_owned())
                    .unwrap_or_else(|_| name.to_string());
                plain = Some(name).filter(|n| !n.is_empty());
            }
            _ => {}
        }
    }
    plain
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_disposition_names() {
        assert_eq!(
            disposition_file_name(r#"attachment; filename="report.pdf""#).as_deref(),
            Some("report.pdf")
        );
        assert_eq!(
            disposition_file_name(
                r#"attachment; filename="x.txt"; filename*=UTF-8''%E6%8A%A5%E5%91%8A.txt"#
            )
            .as_deref(),
            Some("报告.txt")
        );
        assert_eq!(
            disposition_file_name("attachment; filename=%E4%B8%AD.png").as_deref(),
            Some("中.png")
        );
        assert_eq!(disposition_file_name("inline"), None);
    }

    #[test]
    fn uploads_compare_and_debug_without_content() {
        let a = FileUpload::from_bytes("a.txt", &b"hello"[..]);
        assert_eq!(a, FileUpload::from_bytes("a.txt", &b"hello"[..]));
        assert_ne!(a, FileUpload::from_bytes("a.txt", &b"other"[..]));
        assert_eq!(
            format!("{a:?}"),
            r#"FileUpload { file_name: "a.txt", content_type: None, source: "5 bytes" }"#
        );
        assert!(a.replayable());
        assert!(!FileUpload::from_reader("r", tokio::io::empty()).replayable());
    }

    #[test]
    fn optional_parts_are_left_out_and_several_files_share_a_name() {
        let file = |name: &str| FileUpload::from_bytes(name.to_string(), &b"12"[..]);
        let form = MultipartForm::new()
            .text("file_type", "pdf")
            .optional_text("duration", Some(3000))
            .optional_text("note", None::<&str>)
            .optional_file("cover", None)
            .files("images", [file("a.png"), file("b.png")])
            .json("meta", &serde_json::json!({"k": [1, 2]}))
            .unwrap()
            .optional_json("extra", None::<&serde_json::Value>)
            .unwrap();
        assert_eq!(
            format!("{form:?}"),
            r#"{"file_type": "pdf", "duration": "3000", "images": file "a.png", 2 bytes, "images": file "b.png", 2 bytes, "meta": "{\"k\":[1,2]}"}"#
        );
    }
}
