//! The long connection's frames: protobuf messages of package `pbbp2`, one per binary
//! WebSocket message. The types are what prost-build writes for this schema:
//!
//! ```proto
//! syntax = "proto2";
//! package pbbp2;
//! message Header { required string key = 1; required string value = 2; }
//! message Frame {
//!   required uint64 SeqID = 1;   required uint64 LogID = 2;
//!   required int32 service = 3;  required int32 method = 4;
//!   repeated Header headers = 5;
//!   optional string payload_encoding = 6; optional string payload_type = 7;
//!   optional bytes payload = 8;  optional string LogIDNew = 9;
//! }
//! ```

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::Value;

/// `method` of a control frame (ping, pong).
pub const METHOD_CONTROL: i32 = 0;
/// `method` of a data frame (an event or a callback).
pub const METHOD_DATA: i32 = 1;

/// Header keys.
pub const TYPE: &str = "type";
pub const MESSAGE_ID: &str = "message_id";
pub const SUM: &str = "sum";
pub const SEQ: &str = "seq";
pub const TRACE_ID: &str = "trace_id";
pub const BIZ_RT: &str = "biz_rt";

#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct Header {
    #[prost(string, required, tag = "1")]
    pub key: String,
    #[prost(string, required, tag = "2")]
    pub value: String,
}

#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct Frame {
    #[prost(uint64, required, tag = "1")]
    pub seq_id: u64,
    #[prost(uint64, required, tag = "2")]
    pub log_id: u64,
    #[prost(int32, required, tag = "3")]
    pub service: i32,
    #[prost(int32, required, tag = "4")]
    pub method: i32,
    #[prost(message, repeated, tag = "5")]
    pub headers: Vec<Header>,
    #[prost(string, optional, tag = "6")]
    pub payload_encoding: Option<String>,
    #[prost(string, optional, tag = "7")]
    pub payload_type: Option<String>,
    #[prost(bytes = "vec", optional, tag = "8")]
    pub payload: Option<Vec<u8>>,
    #[prost(string, optional, tag = "9")]
    pub log_id_new: Option<String>,
}

impl Frame {
    /// The value of header `key`, if the frame has it.
    pub fn header(&self, key: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|h| h.key == key)
            .map(|h| h.value.as_str())
    }

    /// A header read as a number; absent or not a number is `None`.
    pub fn header_number(&self, key: &str) -> Option<u64> {
        self.header(key).and_then(|v| v.trim().parse().ok())
    }

    /// The ping a client sends: a control frame to the URL's `service_id`.
    pub fn ping(service_id: i32) -> Frame {
        Frame {
            service: service_id,
            method: METHOD_CONTROL,
            headers: vec![Header {
                key: TYPE.to_string(),
                value: "ping".to_string(),
            }],
            ..Frame::default()
        }
    }

    /// The answer to a data frame: the frame itself with a `biz_rt` header (handler
    /// time in ms) and the response as payload.
    pub fn ack(mut self, biz_rt_ms: u64, status: u16, answer: Option<&Value>) -> Frame {
        self.headers.push(Header {
            key: BIZ_RT.to_string(),
            value: biz_rt_ms.to_string(),
        });
        self.payload = Some(ack_payload(status, answer));
        self
    }
}

/// `{"code": 200, "headers": null, "data": "<base64 of the answer's JSON>"}`: the shape
/// the official SDKs send (a Go `[]byte` marshals as base64, nil as null).
pub fn ack_payload(status: u16, answer: Option<&Value>) -> Vec<u8> {
    let data = match answer {
        Some(answer) => Value::String(BASE64.encode(answer.to_string())),
        None => Value::Null,
    };
    let mut out = serde_json::Map::new();
    out.insert("code".to_string(), Value::from(status));
    out.insert("headers".to_string(), Value::Null);
    out.insert("data".to_string(), data);
    Value::Object(out).to_string().into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost::Message;

    #[test]
    fn a_ping_encodes_as_the_wire_format_says() {
        // 08 00 (SeqID 0), 10 00 (LogID 0), 18 07 (service 7), 20 00 (method 0),
        // 2a 0c { 0a 04 "type" 12 04 "ping" } (one header)
        let bytes = Frame::ping(7).encode_to_vec();
        let expected: Vec<u8> = [
            &[
                0x08, 0x00, 0x10, 0x00, 0x18, 0x07, 0x20, 0x00, 0x2a, 0x0c, 0x0a, 0x04,
            ][..],
            b"type",
            &[0x12, 0x04],
            b"ping",
        ]
        .concat();
        assert_eq!(bytes, expected);
        assert_eq!(Frame::decode(&bytes[..]).unwrap(), Frame::ping(7));
    }

    #[test]
    fn an_ack_keeps_the_frame_and_adds_biz_rt() {
        let frame = Frame {
            seq_id: 3,
            log_id: 4,
            service: 1,
            method: METHOD_DATA,
            headers: vec![Header {
                key: TYPE.into(),
                value: "event".into(),
            }],
            payload: Some(b"{}".to_vec()),
            ..Frame::default()
        };
        let ack = frame.ack(12, 200, Some(&serde_json::json!({"ok": true})));
        assert_eq!(ack.header(BIZ_RT), Some("12"));
        assert_eq!(ack.header(TYPE), Some("event"));
        assert_eq!((ack.seq_id, ack.log_id, ack.method), (3, 4, METHOD_DATA));
        // base64 of {"ok":true}
        assert_eq!(
            String::from_utf8(ack.payload.unwrap()).unwrap(),
            r#"{"code":200,"headers":null,"data":"eyJvayI6dHJ1ZX0="}"#
        );
        assert_eq!(
            ack_payload(500, None),
            br#"{"code":500,"headers":null,"data":null}"#
        );
    }
}
