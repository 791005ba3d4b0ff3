//! Names of the documented error codes' constants (`errors::CHAT_NOT_FOUND`). Every code
//! gets a name that says what went wrong, never `CODE_232009`: an English message gives
//! its words (long ones without filler words); a Chinese message, which no case
//! converter can spell, gives the meaning of a few generic messages and phrases, else the
//! kind of failure its HTTP status names, with the code to tell it apart.

use std::collections::HashMap;

use super::naming::shouty;
use crate::spec::ErrorCode;

/// Longest name taken whole from a message; longer ones lose their filler words and are
/// cut at a word to at most [`SHORT`] characters.
const WHOLE: usize = 60;
const SHORT: usize = 48;

/// Words that carry no meaning in a constant's name.
const FILLER: &[&str] = &[
    "A", "AN", "THE", "YOUR", "PLEASE", "IS", "ARE", "WAS", "BE", "BEEN", "HAS", "HAVE", "WHICH",
    "THAT", "THIS", "IT", "OF", "TO", "FOR", "IN", "ON", "AT", "BY", "WITH", "AND",
];

/// Generic Chinese messages, whole (without end punctuation), and what they mean.
const MESSAGES: &[(&str, &str)] = &[
    ("参数错误", "INVALID_PARAMETER"),
    ("请求参数错误", "INVALID_PARAMETER"),
    ("参数非法", "INVALID_PARAMETER"),
    ("参数无效", "INVALID_PARAMETER"),
    ("请求参数有误", "INVALID_PARAMETER"),
    ("参数错误或系统异常", "INVALID_PARAMETER_OR_SYSTEM_ERROR"),
    ("系统错误", "SYSTEM_ERROR"),
    ("系统异常", "SYSTEM_ERROR"),
    ("内部错误", "INTERNAL_ERROR"),
    ("系统内部错误", "INTERNAL_ERROR"),
    ("服务器错误", "SERVER_ERROR"),
    ("服务器内部错误", "INTERNAL_ERROR"),
    ("服务端内部错误", "INTERNAL_ERROR"),
    ("通用错误信息", "GENERAL_ERROR"),
    ("未知错误", "UNKNOWN_ERROR"),
    ("无权限", "NO_PERMISSION"),
    ("没有权限", "NO_PERMISSION"),
    ("请求超时", "REQUEST_TIMEOUT"),
    ("调用失败", "CALL_FAILED"),
    ("鉴权失败", "AUTHENTICATION_FAILED"),
    ("操作鉴权失败", "AUTHENTICATION_FAILED"),
    ("历史错误码，不再使用", "RETIRED"),
    ("该功能仅对旗舰版可用", "ENTERPRISE_EDITION_ONLY"),
];

/// Phrases inside a Chinese message and the kind of failure they name.
const PHRASES: &[(&str, &str)] = &[
    ("不存在", "NOT_FOUND"),
    ("已删除", "NOT_FOUND"),
    ("权限", "NO_PERMISSION"),
    ("超时", "TIMEOUT"),
    ("已存在", "ALREADY_EXISTS"),
    ("重复", "DUPLICATE"),
    ("频率", "RATE_LIMITED"),
    ("频繁", "RATE_LIMITED"),
    ("未开通", "NOT_ENABLED"),
    ("不支持", "UNSUPPORTED"),
    ("不能为空", "MISSING_VALUE"),
];

/// One constant name per distinct code, in the table's order. A name two codes would
/// share gets each one's code appended.
pub fn constant_names(errors: &[ErrorCode]) -> Vec<(&ErrorCode, String)> {
    let mut named: Vec<(&ErrorCode, String)> = Vec::new();
    for error in errors {
        if !named.iter().any(|(e, _)| e.code == error.code) {
            named.push((error, name_of(error)));
        }
    }
    let mut uses: HashMap<String, usize> = HashMap::new();
    for (_, name) in &named {
        *uses.entry(name.clone()).or_default() += 1;
    }
    named
        .into_iter()
        .map(|(error, name)| {
            let name = match uses[&name] {
                1 => name,
                _ => format!("{name}_{}", error.code.unsigned_abs()),
            };
            (error, name)
        })
        .collect()
}

/// The name one code's message and status give, before codes sharing it are told apart.
fn name_of(error: &ErrorCode) -> String {
    let message = error.message.trim();
    if !message.chars().any(is_cjk)
        && let Some(name) = shouty(message)
    {
        return shorten(&name);
    }
    let bare = message.trim_end_matches(['。', '.', '！', '!']);
    if let Some((_, name)) = MESSAGES.iter().find(|(m, _)| *m == bare) {
        return name.to_string();
    }
    let kind = PHRASES
        .iter()
        .find(|(phrase, _)| message.contains(phrase))
        .map_or_else(|| status_kind(error.http_status), |(_, kind)| kind);
    format!("{kind}_{}", error.code.unsigned_abs())
}

/// A long name without its filler words, cut at the last word that fits.
fn shorten(name: &str) -> String {
    if name.len() <= WHOLE {
        return name.to_string();
    }
    let mut out = String::new();
    for word in name.split('_').filter(|w| !FILLER.contains(w)) {
        if !out.is_empty() && out.len() + 1 + word.len() > SHORT {
            break;
        }
        if !out.is_empty() {
            out.push('_');
        }
        out.push_str(word);
    }
    out
}

/// What a failure with this HTTP status is.
fn status_kind(status: u16) -> &'static str {
    match status {
        400 => "BAD_REQUEST",
        401 => "UNAUTHORIZED",
        403 => "FORBIDDEN",
        404 => "NOT_FOUND",
        409 => "CONFLICT",
        429 => "RATE_LIMITED",
        500 => "SERVER_ERROR",
        502..=504 => "SERVICE_UNAVAILABLE",
        _ => "FAILED",
    }
}

/// Chinese, Japanese and full-width characters: text no case converter spells.
fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{FF00}'..='\u{FFEF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(http_status: u16, code: i64, message: &str) -> ErrorCode {
        ErrorCode {
            http_status,
            code,
            message: message.to_string(),
            hint: None,
        }
    }

    fn names(errors: &[ErrorCode]) -> Vec<String> {
        constant_names(errors).into_iter().map(|(_, n)| n).collect()
    }

    #[test]
    fn english_messages_give_their_words() {
        let errors = [
            error(
                400,
                232009,
                "Your request specifies a chat which has already been dissolved.",
            ),
            error(400, 99991663, "Invalid access token for authorization"),
            error(
                400,
                1255006,
                "Client token conflict, please generate a new client token and try again.",
            ),
            error(400, 232009, "repeated row of one code"),
        ];
        assert_eq!(
            names(&errors),
            [
                "REQUEST_SPECIFIES_CHAT_ALREADY_DISSOLVED",
                "INVALID_ACCESS_TOKEN_FOR_AUTHORIZATION",
                "CLIENT_TOKEN_CONFLICT_GENERATE_NEW_CLIENT_TOKEN",
            ]
        );
    }

    #[test]
    fn chinese_messages_give_their_meaning_or_their_status() {
        let errors = [
            error(400, 1002002, "参数错误"),
            error(500, 1002001, "系统错误。"),
            error(404, 1270004, "数据源不存在"),
            error(400, 1002056, "投递阶段异常"),
            error(200, 7, "调用成功但有问题"),
            error(400, 44, "user_id 不合法"),
        ];
        assert_eq!(
            names(&errors),
            [
                "INVALID_PARAMETER",
                "SYSTEM_ERROR",
                "NOT_FOUND_1270004",
                "BAD_REQUEST_1002056",
                "FAILED_7",
                "BAD_REQUEST_44",
            ]
        );
    }

    #[test]
    fn codes_sharing_a_name_are_told_apart() {
        let errors = [
            error(400, 1220001, "param is invalis"),
            error(400, 1226003, "param is invalis"),
            error(500, 1315201, "Server Error"),
        ];
        assert_eq!(
            names(&errors),
            [
                "PARAM_IS_INVALIS_1220001",
                "PARAM_IS_INVALIS_1226003",
                "SERVER_ERROR"
            ]
        );
    }
}
