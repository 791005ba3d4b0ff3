//! Links in page prose → absolute URLs on the page's own documentation site.
//!
//! Pages link to other documentation pages with site-relative targets that only the site
//! itself understands: `/ssl:ttdoc/uAjLw4CM/…` (and its misspellings `/ssl:ttdoc:/…`,
//! `/ssl:/ttdoc/…`, `/ssl：ttdoc/…`, `ssl:/…`, `/:ssltoken/…`), `/document/…`,
//! `/document-mod/index?fullPath=…`, a source file beside the page (`get.md`) or an anchor
//! in the page (`#错误码`). On open.feishu.cn every one of those is a `/document/…` page
//! (the corpus links one page both ways: `/ssl:ttdoc/X` and
//! `https://open.feishu.cn/document/X`). Resolving them here, while the page is read, puts
//! absolute URLs in the IR, so the rustdoc and the OpenAPI export both get links that work.
//! A target no page fact can place is unlinked (its text kept) and reported.

use percent_encoding::percent_decode_str;

use crate::diagnostics::{Diagnostic, Kind};
use crate::spec::{Field, Spec};

/// The documentation site a page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Site {
    /// open.feishu.cn: the Chinese pages.
    Feishu,
    /// open.larksuite.com: the English Lark pages.
    Lark,
}

impl Site {
    pub fn origin(self) -> &'static str {
        match self {
            Site::Feishu => "https://open.feishu.cn",
            Site::Lark => "https://open.larksuite.com",
        }
    }

    /// Lark when the page's own address (front matter `url`) or its API host is
    /// open.larksuite.com; every other page is Feishu's.
    pub fn of_page(url: Option<&str>, text: &str) -> Site {
        let lark = "open.larksuite.com";
        let own = url.is_some_and(|url| url.contains(lark));
        if own || text.contains("https://open.larksuite.com/open-apis/") {
            Site::Lark
        } else {
            Site::Feishu
        }
    }
}

/// What the resolver knows about the page it reads.
#[derive(Debug, Clone, Copy)]
pub struct Page<'a> {
    pub site: Site,
    /// The page's own document path (front matter `fullPath`, `/uAjLw4CM/…/list`), for
    /// anchors and source files beside it.
    pub full_path: Option<&'a str>,
}

/// The absolute URL of a link target, or why it cannot be placed on the site.
pub fn resolve_target(target: &str, page: Page) -> Result<String, &'static str> {
    // Renderings leave a line break (`<br>`, a tab, a newline) or a stray `(` before it.
    let target = target
        .trim()
        .trim_start_matches("<br>")
        .trim_start_matches('(')
        .trim();
    let decoded = percent_decode_str(target).decode_utf8_lossy();
    if decoded.starts_with("https://") || decoded.starts_with("http://") {
        return Ok(encode_spaces(&decoded));
    }
    let origin = page.site.origin();
    if let Some(rest) = document_path(&decoded) {
        return Ok(encode_spaces(&format!("{origin}/document/{rest}")));
    }
    if let Some(anchor) = target.strip_prefix('#') {
        let own = page
            .full_path
            .ok_or("an anchor in the page, which does not give its own address")?;
        return Ok(encode_spaces(&format!("{origin}/document{own}#{anchor}")));
    }
    if let Some(file) = target.strip_suffix(".md") {
        if file.contains('/') {
            return Err(
                "a source file in another folder: the site's paths are not the source tree's",
            );
        }
        let own = page
            .full_path
            .ok_or("a source file beside the page, which does not give its own address")?;
        let folder = own.rsplit_once('/').map_or("", |(folder, _)| folder);
        return Ok(format!("{origin}/document{folder}/{file}"));
    }
    if let Some(host) = target.split('/').next().filter(|h| is_site_host(h)) {
        return Ok(format!("https://{host}{}", &target[host.len()..]));
    }
    Err("not an address")
}

/// The document path after one of the site's own prefixes, without leading slashes.
fn document_path(target: &str) -> Option<&str> {
    let path = target.strip_prefix('/').unwrap_or(target);
    if let Some(full) = path.strip_prefix("document-mod/index?fullPath=") {
        return Some(full.trim_start_matches('/'));
    }
    const PREFIXES: [&str; 8] = [
        "ssl:ttdoc:",
        "ssl:ttdoc",
        "ssl:/ttdoc",
        "ssl：ttdoc",
        "ssl://ttdocs",
        ":ssltoken",
        "document",
        "ssl:",
    ];
    let rest = PREFIXES.iter().find_map(|p| path.strip_prefix(p))?;
    rest.starts_with('/')
        .then(|| rest.trim_start_matches('/'))
        .filter(|rest| !rest.is_empty())
}

/// `feishu.cn/service`: a Feishu or Lark host written without its scheme.
fn is_site_host(host: &str) -> bool {
    ["feishu.cn", "larksuite.com", "larkoffice.com"]
        .iter()
        .any(|domain| host == *domain || host.ends_with(&format!(".{domain}")))
}

fn encode_spaces(url: &str) -> String {
    url.replace(' ', "%20")
}

/// A markdown link found in prose: where it starts and ends, its text and its target.
struct Link<'a> {
    start: usize,
    end: usize,
    text: &'a str,
    target: &'a str,
}

/// The markdown links `[text](target)` of `prose`, outside code spans. The target may
/// be padded with whitespace (pages put tabs and line breaks there).
fn links(prose: &str) -> Vec<Link<'_>> {
    let mut out = Vec::new();
    let mut at = 0;
    let bytes = prose.as_bytes();
    while at < bytes.len() {
        match bytes[at] {
            b'`' => {
                let ticks = prose[at..].len() - prose[at..].trim_start_matches('`').len();
                let fence = &prose[at..at + ticks];
                at = match prose[at + ticks..].find(fence) {
                    Some(close) => at + ticks + close + ticks,
                    None => at + ticks,
                };
            }
            b'[' => match link_at(prose, at) {
                Some(link) => {
                    at = link.end;
                    out.push(link);
                }
                None => at += 1,
            },
            _ => at += 1,
        }
    }
    out
}

fn link_at(prose: &str, start: usize) -> Option<Link<'_>> {
    let inner = &prose[start + 1..];
    let close = inner.find(']')?;
    if inner[..close].contains('[') {
        return None;
    }
    let after = inner[close + 1..].strip_prefix('(')?;
    let target_end = after.find(')')?;
    let target = &after[..target_end];
    if target.trim().is_empty() {
        return None;
    }
    Some(Link {
        start,
        end: start + 1 + close + 2 + target_end + 1,
        text: &inner[..close],
        target,
    })
}

/// `prose` with every link target resolved; links that cannot be are their text alone.
/// The unresolved targets come back with the reason.
pub fn resolve(prose: &str, page: Page) -> (String, Vec<(String, &'static str)>) {
    let mut out = String::with_capacity(prose.len());
    let mut unresolved = Vec::new();
    let mut from = 0;
    for link in links(prose) {
        out.push_str(&prose[from..link.start]);
        match resolve_target(link.target, page) {
            Ok(url) => out.push_str(&format!("[{}]({url})", link.text)),
            Err(reason) => {
                out.push_str(link.text);
                unresolved.push((link.target.trim().to_string(), reason));
            }
        }
        from = link.end;
    }
    out.push_str(&prose[from..]);
    (out, unresolved)
}

/// A documented error message with its links to documentation pages resolved. The
/// message stands for what the server sends (`common_categories[%d](%s) not exist`), so
/// anything that is not a link to the site stays exactly as written.
pub fn resolve_message(message: &str, page: Page) -> String {
    let mut out = String::with_capacity(message.len());
    let mut from = 0;
    for link in links(message) {
        if document_path(link.target.trim()).is_none() {
            continue;
        }
        if let Ok(url) = resolve_target(link.target, page) {
            out.push_str(&message[from..link.start]);
            out.push_str(&format!("[{}]({url})", link.text));
            from = link.end;
        }
    }
    out.push_str(&message[from..]);
    out
}

/// Every piece of page prose a spec holds: the summary, scope descriptions, field and
/// value descriptions, error hints. Error messages ([`resolve_message`]), and field
/// examples, defaults and values, are data: none of them is passed.
pub fn for_each_prose(spec: &mut Spec, f: &mut impl FnMut(&mut String)) {
    if let Some(summary) = &mut spec.summary {
        f(summary);
    }
    for scope in &mut spec.auth.scopes {
        if let Some(description) = &mut scope.description {
            f(description);
        }
    }
    let request = spec.request.iter_mut().flat_map(|r| r.fields.iter_mut());
    let response = spec.response.iter_mut().flat_map(|r| r.fields.iter_mut());
    spec.path_params
        .iter_mut()
        .chain(spec.query_params.iter_mut())
        .chain(spec.headers.iter_mut())
        .chain(request)
        .chain(response)
        .for_each(|field| field_prose(field, f));
    for error in &mut spec.errors {
        if let Some(hint) = &mut error.hint {
            f(hint);
        }
    }
}

fn field_prose(field: &mut Field, f: &mut impl FnMut(&mut String)) {
    if let Some(description) = &mut field.description {
        f(description);
    }
    for value in &mut field.enum_values {
        if let Some(description) = &mut value.description {
            f(description);
        }
    }
    for child in &mut field.fields {
        field_prose(child, f);
    }
    if let Some(items) = &mut field.items {
        field_prose(items, f);
    }
}

/// Resolve every link in the spec's prose; each link left unresolved is a warning at the
/// first line of `text` (the page) that holds its target.
pub fn resolve_spec(spec: &mut Spec, page: Page, text: &str) {
    let mut unresolved = Vec::new();
    for_each_prose(spec, &mut |prose| {
        let (resolved, missed) = resolve(prose, page);
        *prose = resolved;
        unresolved.extend(missed);
    });
    for error in &mut spec.errors {
        error.message = resolve_message(&error.message, page);
    }
    for (target, reason) in unresolved {
        let line = text
            .find(&target)
            .map_or(1, |at| text[..at].matches('\n').count() + 1);
        spec.diagnostics.push(Diagnostic::warning(
            line,
            Kind::UnresolvedLink,
            format!("link `{target}` left as text: {reason}"),
        ));
    }
    spec.diagnostics.sort_by_key(|d| d.line);
}

#[cfg(test)]
mod tests {
    use super::*;

    const FEISHU: Page = Page {
        site: Site::Feishu,
        full_path: Some("/uAjLw4CM/ukTMukTMukTM/apaas-v1/user_task/cc"),
    };
    const LARK: Page = Page {
        site: Site::Lark,
        full_path: None,
    };

    fn resolved(target: &str, page: Page) -> String {
        resolve_target(target, page).unwrap()
    }

    #[test]
    fn site_paths_become_document_urls() {
        let cases = [
            "/ssl:ttdoc/uAjLw4CM/x/im-v1/message/create",
            "/ssl:ttdoc:/uAjLw4CM/x/im-v1/message/create",
            "/ssl:/ttdoc/uAjLw4CM/x/im-v1/message/create",
            "/ssl：ttdoc/uAjLw4CM/x/im-v1/message/create",
            "ssl:ttdoc//uAjLw4CM/x/im-v1/message/create",
            "ssl:/uAjLw4CM/x/im-v1/message/create",
            "ssl://ttdocs/uAjLw4CM/x/im-v1/message/create",
            "\t/ssl:ttdoc/uAjLw4CM/x/im-v1/message/create\n",
            "<br>/ssl:ttdoc/uAjLw4CM/x/im-v1/message/create",
            "/ssl:ttdoc%2FuAjLw4CM%2Fx%2Fim-v1%2Fmessage%2Fcreate",
            "/document/uAjLw4CM/x/im-v1/message/create",
            "/document-mod/index?fullPath=%2FuAjLw4CM%2Fx%2Fim-v1%2Fmessage%2Fcreate",
            "/document-mod/index?fullPath=/uAjLw4CM/x/im-v1/message/create",
        ];
        for target in cases {
            assert_eq!(
                resolved(target, FEISHU),
                "https://open.feishu.cn/document/uAjLw4CM/x/im-v1/message/create",
                "{target:?}"
            );
        }
        assert_eq!(
            resolved("/:ssltoken/home/user-identity-introduction/union-id", LARK),
            "https://open.larksuite.com/document/home/user-identity-introduction/union-id"
        );
        assert_eq!(
            resolved("/ssl:ttdoc/home/index#6dbaa8df", FEISHU),
            "https://open.feishu.cn/document/home/index#6dbaa8df"
        );
    }

    #[test]
    fn absolute_and_hostname_targets() {
        assert_eq!(
            resolved(" https://applink.feishu.cn/client/x ", FEISHU),
            "https://applink.feishu.cn/client/x"
        );
        assert_eq!(
            resolved("(https://applink.feishu.cn/TLJpeNdW", FEISHU),
            "https://applink.feishu.cn/TLJpeNdW"
        );
        assert_eq!(
            resolved("https%3A%2F%2Fopen.feishu.cn", FEISHU),
            "https://open.feishu.cn"
        );
        assert_eq!(
            resolved("feishu.cn/service", FEISHU),
            "https://feishu.cn/service"
        );
    }

    #[test]
    fn anchors_and_files_beside_the_page() {
        assert_eq!(
            resolved("#错误码", FEISHU),
            "https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/apaas-v1/user_task/cc#错误码"
        );
        assert_eq!(
            resolved("query.md", FEISHU),
            "https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/apaas-v1/user_task/query"
        );
        assert_eq!(
            resolve_target("query.md", LARK),
            Err("a source file beside the page, which does not give its own address")
        );
        assert_eq!(
            resolve_target("#错误码", LARK),
            Err("an anchor in the page, which does not give its own address")
        );
        assert_eq!(
            resolve_target("../employee/person/upload.md", FEISHU),
            Err("a source file in another folder: the site's paths are not the source tree's")
        );
        assert_eq!(resolve_target("%s", FEISHU), Err("not an address"));
        assert_eq!(resolve_target("/ssl:ttdoc", FEISHU), Err("not an address"));
    }

    #[test]
    fn prose_keeps_code_and_unlinks_what_it_cannot_place() {
        let (text, missed) = resolve(
            "见[发送消息](/ssl:ttdoc/a/b)与`[x](/ssl:ttdoc/c)`，[上传](../u.md)。[0,1] [a](b c",
            FEISHU,
        );
        assert_eq!(
            text,
            "见[发送消息](https://open.feishu.cn/document/a/b)与`[x](/ssl:ttdoc/c)`，上传。[0,1] [a](b c"
        );
        assert_eq!(
            missed,
            [(
                "../u.md".to_string(),
                "a source file in another folder: the site's paths are not the source tree's"
            )]
        );
    }

    #[test]
    fn messages_keep_everything_but_site_links() {
        assert_eq!(
            resolve_message(
                "见[清单](/ssl:ttdoc/a/b)。[%d](%s) [x](#y) [z](https://q)",
                LARK
            ),
            "见[清单](https://open.larksuite.com/document/a/b)。[%d](%s) [x](#y) [z](https://q)"
        );
    }

    #[test]
    fn the_site_is_the_pages_own() {
        assert_eq!(
            Site::of_page(Some("https://open.larksuite.com/document/x"), ""),
            Site::Lark
        );
        assert_eq!(
            Site::of_page(
                None,
                "| HTTP URL | https://open.larksuite.com/open-apis/x |"
            ),
            Site::Lark
        );
        assert_eq!(
            Site::of_page(None, "`https://open.feishu.cn/open-apis/x`"),
            Site::Feishu
        );
    }
}
