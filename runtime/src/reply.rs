//! The `{code, msg, data}` envelope every JSON reply comes in, and the errors made from it.

use std::borrow::Cow;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::{ApiError, DocumentedError, Error, ErrorDetails, Result};

/// Made once, not parsed from text on every reply.
static LOG_ID: HeaderName = HeaderName::from_static("x-tt-logid");
const EXCERPT_CHARS: usize = 200;

/// How Feishu begins a successful reply. A 2xx body that begins so is taken as a success
/// without being read for its `code` first; its envelope and `data` are then read in one
/// pass ([`Data::decode`]), which catches anything else it says (a second `code`, say).
const SUCCESS_START: &[u8] = br#"{"code":0,"#;

/// The envelope, borrowing from the body: read to find an error, and the `data` of a reply
/// that did not decode in one pass.
#[derive(Deserialize)]
struct Envelope<'a> {
    code: i64,
    #[serde(default, borrow)]
    msg: Cow<'a, str>,
    /// Kept as its JSON text, to be decoded again with the path to a member that does
    /// not fit.
    #[serde(default, borrow)]
    data: Option<&'a RawValue>,
    #[serde(default)]
    error: Option<Value>,
}

/// The envelope of a successful reply with its `data` decoded straight into the caller's
/// type. `msg` is read as [`Envelope`] reads it, so both accept the same replies.
#[derive(Deserialize)]
struct Typed<'a, T> {
    code: i64,
    #[serde(default, borrow, rename = "msg")]
    _msg: Cow<'a, str>,
    data: Option<T>,
}

/// A reply that is not an error: the body as received, its `data` not yet decoded.
#[derive(Debug)]
pub(crate) struct Data {
    status: u16,
    pub body: Bytes,
    pub log_id: Option<String>,
}

impl Data {
    /// Decode `data` (`{}` when the reply has none, or `null`); an error names the field
    /// that did not fit (`data.items[0].id`).
    pub(crate) fn decode<T: DeserializeOwned>(self) -> Result<T> {
        let first = match serde_json::from_slice::<Typed<T>>(&self.body) {
            Ok(Typed {
                code: 0,
                data: Some(data),
                ..
            }) => return Ok(data),
            Ok(Typed {
                code: 0,
                data: None,
                ..
            }) => serde_json::from_str("{}"),
            Ok(_) => return Err(self.decode_error::<T>(None)),
            Err(err) => Err(err),
        };
        first.map_err(|err| self.decode_error::<T>(Some(&err)))
    }

    /// The error of a reply whose `data` does not decode as `T` (`first` says why), with
    /// the path to where. The envelope is read again, and `data` decoded through
    /// `serde_path_to_error`, which copies each member name it reads: work a call whose
    /// reply decodes is spared.
    #[cold]
    fn decode_error<T: DeserializeOwned>(&self, first: Option<&serde_json::Error>) -> Error {
        let data = match classify(self.status, self.log_id.clone(), &self.body, &[]) {
            Ok(data) => data,
            Err(error) => return error,
        };
        let text = data.map_or("{}", RawValue::get);
        let mut json = serde_json::Deserializer::from_str(text);
        let message = match (serde_path_to_error::deserialize::<_, T>(&mut json), first) {
            (Err(err), _) => format!(
                "at `{}`: {}",
                member_path(err.path()),
                without_position(err.inner())
            ),
            (Ok(_), Some(err)) => format!("in `data`: {}", without_position(err)),
            (Ok(_), None) => "the reply's `code` is not 0".to_string(),
        };
        Error::Decode {
            message,
            log_id: self.log_id.clone(),
            body_excerpt: excerpt(&self.body),
        }
    }
}

/// Where in the reply a path into `data` is: `data.items[0].id`, or `data` itself.
fn member_path(path: &serde_path_to_error::Path) -> String {
    match path.to_string().as_str() {
        "." => "data".to_string(),
        inner => format!("data.{inner}"),
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
        .get(&LOG_ID)
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
    let success = (200..300).contains(&status) && body.starts_with(SUCCESS_START);
    if !success {
        classify(status, log_id.clone(), &body, documented)?;
    }
    Ok(Data {
        status,
        body,
        log_id,
    })
}

/// Reads a reply's envelope: its `data` (`None`: none, or `null`), or the error it carries.
fn classify<'a>(
    status: u16,
    log_id: Option<String>,
    body: &'a [u8],
    documented: &[DocumentedError],
) -> Result<Option<&'a RawValue>> {
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
    Ok(envelope.data.filter(|data| data.get() != "null"))
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
            br#"{ "code": 0, "data": null }"#,
        ] {
            let data = open_envelope(200, None, Bytes::copy_from_slice(body), DOCUMENTED).unwrap();
            assert_eq!(data.decode::<Empty>().unwrap(), Empty::default());
        }
        assert_eq!(
            decode(200, br#"{"code":0,"msg":"ok"}"#)
                .unwrap_err()
                .to_string(),
            "cannot decode reply (log id L1): at `data`: missing field `n`; \
             body starts: {\"code\":0,\"msg\":\"ok\"}"
        );
    }

    #[test]
    fn a_success_is_read_in_one_pass_and_what_else_it_says_still_counts() {
        let body = Bytes::from_static(br#"{"code":0,"data":{"n":1},"msg":"ok"}"#);
        let data = open_envelope(200, None, body.clone(), DOCUMENTED).unwrap();
        assert_eq!(data.body.as_ptr(), body.as_ptr(), "the body is not copied");
        assert_eq!(data.decode::<Payload>().unwrap(), Payload { n: 1 });
        // Not in Feishu's own order: read for its code first, then decoded.
        assert_eq!(
            decode(200, br#"{ "data": {"n": 2}, "code": 0 }"#).unwrap(),
            Payload { n: 2 }
        );
        assert_eq!(
            decode(200, br#"{"code":0,"data":{"n":1},"code":7}"#)
                .unwrap_err()
                .to_string(),
            "cannot decode reply (log id L1): duplicate field `code` at line 1 column 31; \
             body starts: {\"code\":0,\"data\":{\"n\":1},\"code\":7}"
        );
        assert_eq!(
            decode(200, br#"{"code":0,"msg":5,"data":{"n":1}}"#)
                .unwrap_err()
                .to_string(),
            "cannot decode reply (log id L1): invalid type: integer `5`, expected a string at \
             line 1 column 17; body starts: {\"code\":0,\"msg\":5,\"data\":{\"n\":1}}"
        );
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
