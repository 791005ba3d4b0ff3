//! The `{code, msg, data}` envelope every JSON reply comes in, and the errors made from it.

use std::borrow::Cow;
use std::ops::Range;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::{ApiError, DocumentedError, Error, ErrorDetails, Result};

const LOG_ID: &str = "x-tt-logid";
const EXCERPT_CHARS: usize = 200;

/// The envelope, borrowing from the body: nothing is copied out of a successful reply.
#[derive(Deserialize)]
struct Envelope<'a> {
    code: i64,
    #[serde(default, borrow)]
    msg: Cow<'a, str>,
    /// Kept as its JSON text and decoded straight into the caller's type: no
    /// `serde_json::Value` tree built and thrown away on every call.
    #[serde(default, borrow)]
    data: Option<&'a RawValue>,
    #[serde(default)]
    error: Option<Value>,
}

/// A successful envelope: the body as received, and where its `data` is in it.
#[derive(Debug)]
pub(crate) struct Data {
    pub body: Bytes,
    /// Where the `data` member's JSON text is in `body` (`None`: the reply has no `data`,
    /// or `null`, read as `{}`).
    data: Option<Range<usize>>,
    pub log_id: Option<String>,
}

impl Data {
    /// The `data` member's JSON text.
    fn data(&self) -> &[u8] {
        match &self.data {
            Some(range) => &self.body[range.clone()],
            None => b"{}",
        }
    }

    /// Decode `data`; an error names the field that did not fit (`data.items[0].id`).
    pub(crate) fn decode<T: DeserializeOwned>(self) -> Result<T> {
        match serde_json::from_slice(self.data()) {
            Ok(value) => Ok(value),
            Err(err) => Err(self.decode_error::<T>(&err)),
        }
    }

    /// The error of a `data` that does not decode as `T`, with the path to where. The path
    /// is found by decoding again through `serde_path_to_error`, which copies each member
    /// name it reads: work a call whose reply decodes is spared.
    #[cold]
    fn decode_error<T: DeserializeOwned>(&self, err: &serde_json::Error) -> Error {
        let mut json = serde_json::Deserializer::from_slice(self.data());
        let message = match serde_path_to_error::deserialize::<_, T>(&mut json) {
            Err(err) => format!(
                "at `data.{}`: {}",
                err.path(),
                without_position(err.inner())
            ),
            Ok(_) => format!("in `data`: {}", without_position(err)),
        };
        Error::Decode {
            message,
            log_id: self.log_id.clone(),
            body_excerpt: excerpt(&self.body),
        }
    }
}

/// An error's message without serde_json's ` at line 1 column 17`: the position is in
/// `data`'s text, not the body's, and the path already says where.
fn without_position(err: &serde_json::Error) -> String {
    let text = err.to_string();
    if err.line() == 0 {
        return text;
    }
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    text.strip_suffix(&suffix).unwrap_or(&text).to_string()
}

pub(crate) fn log_id_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get(LOG_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// A reply body → its `data`, or the error it carries.
pub(crate) fn open_envelope(
    status: u16,
    log_id: Option<String>,
    body: Bytes,
    documented: &[DocumentedError],
) -> Result<Data> {
    let envelope: Envelope = match serde_json::from_slice(&body) {
        Ok(envelope) => envelope,
        Err(err) if (200..300).contains(&status) => {
            return Err(Error::Decode {
                message: err.to_string(),
                log_id,
                body_excerpt: excerpt(&body),
            });
        }
        Err(_) => {
            return Err(Error::Http {
                status,
                log_id,
                body_excerpt: excerpt(&body),
            });
        }
    };
    if envelope.code != 0 {
        let hint = documented
            .iter()
            .find(|e| e.code == envelope.code)
            .and_then(|e| e.hint);
        // Details are a help, not a contract: a shape we do not know is dropped.
        let details = envelope
            .error
            .and_then(|e| serde_json::from_value::<ErrorDetails>(e).ok())
            .filter(|d| d != &ErrorDetails::default())
            .map(Box::new);
        return Err(ApiError {
            code: envelope.code,
            msg: envelope.msg.into_owned(),
            http_status: status,
            log_id,
            hint,
            details,
        }
        .into());
    }
    let data = envelope
        .data
        .filter(|data| data.get() != "null")
        .map(|data| within(&body, data.get().as_bytes()));
    Ok(Data { data, body, log_id })
}

/// Where `part`, a slice borrowed from `whole`, lies in it.
fn within(whole: &[u8], part: &[u8]) -> Range<usize> {
    let start = part.as_ptr() as usize - whole.as_ptr() as usize;
    start..start + part.len()
}

/// The start of a body, for error messages.
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

    #[derive(Debug, Deserialize, PartialEq)]
    struct Payload {
        n: i64,
    }

    const DOCUMENTED: &[DocumentedError] = &[DocumentedError {
        http_status: 400,
        code: 7,
        message: "bad",
        hint: Some("fix it"),
    }];

    fn decode(status: u16, body: &[u8]) -> Result<Payload> {
        open_envelope(
            status,
            Some("L1".into()),
            Bytes::copy_from_slice(body),
            DOCUMENTED,
        )?
        .decode()
    }

    #[derive(Debug, Default, Deserialize, PartialEq)]
    struct Empty {
        #[serde(default)]
        n: Option<i64>,
    }

    #[test]
    fn missing_or_null_data_is_an_empty_object() {
        for body in [
            &br#"{"code":0,"msg":"ok"}"#[..],
            br#"{"code":0,"msg":"ok","data": null }"#,
        ] {
            let data = open_envelope(200, None, Bytes::copy_from_slice(body), DOCUMENTED).unwrap();
            assert_eq!(data.data(), b"{}");
            assert_eq!(data.decode::<Empty>().unwrap(), Empty::default());
        }
    }

    #[test]
    fn data_is_read_where_it_lies_in_the_body() {
        let body = Bytes::from_static(br#"{"code":0,"data": {"n": 1} ,"msg":"ok"}"#);
        let data = open_envelope(200, None, body.clone(), DOCUMENTED).unwrap();
        assert_eq!(data.data(), br#"{"n": 1}"#);
        assert_eq!(data.body.as_ptr(), body.as_ptr(), "the body is not copied");
        assert_eq!(data.decode::<Payload>().unwrap(), Payload { n: 1 });
    }

    #[test]
    fn data_and_errors() {
        assert_eq!(
            decode(200, br#"{"code":0,"msg":"ok","data":{"n":1}}"#).unwrap(),
            Payload { n: 1 }
        );
        let Error::Api(api) = decode(400, br#"{"code":7,"msg":"bad"}"#).unwrap_err() else {
            panic!("api error")
        };
        assert_eq!(
            (api.code, api.http_status, api.log_id.as_deref(), api.hint),
            (7, 400, Some("L1"), Some("fix it"))
        );
        let err = decode(502, b"<html>bad gateway</html>").unwrap_err();
        assert_eq!(
            err.to_string(),
            "HTTP 502 (log id L1): <html>bad gateway</html>"
        );
        let err = decode(200, br#"{"code":0,"data":{"n":"x"}}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot decode reply (log id L1): at `data.n`: invalid type: string \"x\", expected i64; \
             body starts: {\"code\":0,\"data\":{\"n\":\"x\"}}"
        );
    }

    #[test]
    fn error_details() {
        let body = br#"{"code":99991672,"msg":"Access denied",
            "error":{"log_id":"L1","troubleshooter":"https://open.feishu.cn/search?log_id=L1",
            "permission_violations":[{"type":"action_scope_required","subject":"im:message","description":"need it"}],
            "field_violations":[{"field":"receive_id","value":"x","description":"bad id"}]}}"#;
        let Error::Api(api) = decode(400, body).unwrap_err() else {
            panic!("api error")
        };
        let details = api.details.clone().unwrap();
        assert_eq!(
            details.troubleshooter.as_deref(),
            Some("https://open.feishu.cn/search?log_id=L1")
        );
        assert_eq!(
            details.permission_violations[0].subject.as_deref(),
            Some("im:message")
        );
        assert_eq!(
            api.to_string(),
            "Feishu error 99991672 (HTTP 400): Access denied; field `receive_id`: bad id; \
             missing scope: im:message (log id L1)"
        );
        // An `error` of a shape we do not know is dropped, not an error.
        let Error::Api(api) = decode(400, br#"{"code":1,"msg":"m","error":[1]}"#).unwrap_err()
        else {
            panic!("api error")
        };
        assert_eq!(api.details, None);
    }

    #[test]
    fn excerpts_are_short() {
        let long = "é".repeat(300);
        let cut = excerpt(long.as_bytes());
        assert_eq!(cut.chars().count(), EXCERPT_CHARS + 1);
        assert!(cut.ends_with('…'));
    }
}
