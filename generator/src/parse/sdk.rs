//! SDK call names from the page's `调用示例` code samples, e.g. the Python sample's
//! `client.aily.v1.aily_session.update(request)`.

/// The SDK language a fenced code block's info string stands for, as used in `sdk_names`.
pub fn language(info: &str) -> Option<&'static str> {
    Some(match info.to_ascii_lowercase().as_str() {
        "python" | "py" => "python",
        "go" | "golang" => "go",
        "java" => "java",
        "javascript" | "js" | "node" | "nodejs" | "typescript" | "ts" => "nodejs",
        _ => return None,
    })
}

/// The first `client.a.b.c(` call in a sample, as `client.a.b.c`. Java's `a().b()` chains
/// are flattened to `a.b`.
pub fn call_name(code: &str) -> Option<String> {
    code.match_indices("client.").find_map(|(start, _)| {
        // `lark.Client.builder` etc. have another identifier character just before.
        let before = code[..start].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
            return None;
        }
        let chain = code[start..].replace("()", "");
        let end = chain.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))?;
        let name = &chain[..end];
        let opens_call = chain[end..].starts_with('(');
        (opens_call && name.matches('.').count() >= 4).then(|| name.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_each_language() {
        assert_eq!(
            call_name("    response = client.aily.v1.aily_session.update(request)").as_deref(),
            Some("client.aily.v1.aily_session.update")
        );
        assert_eq!(
            call_name("resp, err := client.Aily.V1.AilySession.Update(context.Background(), req)")
                .as_deref(),
            Some("client.Aily.V1.AilySession.Update")
        );
        assert_eq!(
            call_name("Resp resp = client.aily().v1().ailySession().update(req);").as_deref(),
            Some("client.aily.v1.ailySession.update")
        );
        assert_eq!(call_name("lark.Client.builder().app_id(x)"), None);
    }
}
