//! A bigger page set for measuring generation, made in memory from a corpus: the corpus
//! plus renamed copies of whole services (`im` becomes `im_copy1` in the pages' names and
//! everywhere the parser takes a page's endpoint from: its `/open-apis/im/` paths, the API
//! explorer link's `project=im` and the SDK samples' `client.im.` / `client.Im.`), so the
//! copies are new services and endpoints with the corpus's own mix of dialects, sizes and
//! shapes. Nothing is written to disk.

use std::collections::BTreeMap;
use std::io;
use std::path::PathBuf;

use crate::pages::{Page, collect, read_pages};

/// How big the page set should be.
#[derive(Debug, Clone)]
pub struct Options {
    /// Pages wanted in all; copies are added, whole services at a time, while they fit.
    pub pages: usize,
}

impl Default for Options {
    /// About twice the shared corpus's 1,269 endpoints' worth of issue 18: 3,250 pages
    /// give just over 1,600 endpoints (the corpus has about two pages per endpoint).
    fn default() -> Self {
        Options { pages: 3_250 }
    }
}

/// The pages under `inputs` (named as given), then renamed copies of whole services, in
/// rounds (`_copy1`, `_copy2`, …), until no further service fits in `options.pages`.
/// Pages without an `/open-apis/<service>/` path are not copied.
pub fn bigger_corpus(inputs: &[PathBuf], options: &Options) -> io::Result<Vec<Page>> {
    let mut pages = read_pages(&collect(inputs)?, None);
    let mut by_service: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, page) in pages.iter().enumerate() {
        if let Some(service) = page.contents.as_deref().ok().and_then(service_of) {
            by_service.entry(service.to_string()).or_default().push(i);
        }
    }
    let originals = pages.len();
    for round in 1.. {
        let before = pages.len();
        for (service, members) in &by_service {
            if pages.len() + members.len() > options.pages {
                continue;
            }
            let renamed = format!("{service}_copy{round}");
            for &i in members {
                let copy = renamed_copy(&pages[i], service, &renamed);
                pages.push(copy);
            }
        }
        if pages.len() == before || originals == 0 {
            break;
        }
    }
    Ok(pages)
}

/// The service of the first `/open-apis/<service>/` path in a page.
fn service_of(text: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(text).ok()?;
    let rest = &text[text.find(PREFIX)? + PREFIX.len()..];
    let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))?;
    (end > 0 && rest[end..].starts_with('/')).then(|| &rest[..end])
}

const PREFIX: &str = "/open-apis/";

/// `page` with its service renamed wherever it names its endpoint, named
/// `<renamed>/<its name>`.
fn renamed_copy(page: &Page, service: &str, renamed: &str) -> Page {
    let contents = page.contents.as_ref().map(|bytes| {
        let mut text = String::from_utf8_lossy(bytes).into_owned();
        for (from, to) in [
            (format!("{PREFIX}{service}/"), format!("{PREFIX}{renamed}/")),
            (format!("project={service}&"), format!("project={renamed}&")),
            (format!("client.{service}."), format!("client.{renamed}.")),
            (format!("client.{service}("), format!("client.{renamed}(")),
            (
                format!("client.{}.", camel(service)),
                format!("client.{}.", camel(renamed)),
            ),
        ] {
            text = text.replace(&from, &to);
        }
        text.into_bytes()
    });
    Page {
        file: format!("{renamed}/{}", page.file),
        contents: contents.map_err(Clone::clone),
    }
}

/// `human_auth` → `HumanAuth`, as the Go SDK names services.
fn camel(name: &str) -> String {
    name.split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect()
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(file: &str, text: &str) -> Page {
        Page {
            file: file.to_string(),
            contents: Ok(text.as_bytes().to_vec()),
        }
    }

    #[test]
    fn the_service_is_the_first_open_apis_segment() {
        assert_eq!(
            service_of(b"| HTTP URL | `https://open.feishu.cn/open-apis/im/v1/messages` |"),
            Some("im")
        );
        assert_eq!(service_of(b"no path here"), None);
        assert_eq!(service_of(b"/open-apis/"), None);
    }

    #[test]
    fn a_copy_renames_every_path_of_its_service_and_nothing_else() {
        let original = page(
            "pipe/im/v1/post_messages.md",
            "`https://open.feishu.cn/open-apis/im/v1/messages` and /open-apis/im/v1/chats, \
             not /open-apis/image/v1/x; ?project=im&resource=message; client.im.v1.message, \
             client.Im.V1.Message, client.im().v1(); client.image.v1",
        );
        let copy = renamed_copy(&original, "im", "im_copy1");
        assert_eq!(copy.file, "im_copy1/pipe/im/v1/post_messages.md");
        assert_eq!(
            String::from_utf8(copy.contents.unwrap()).unwrap(),
            "`https://open.feishu.cn/open-apis/im_copy1/v1/messages` and \
             /open-apis/im_copy1/v1/chats, not /open-apis/image/v1/x; \
             ?project=im_copy1&resource=message; client.im_copy1.v1.message, \
             client.ImCopy1.V1.Message, client.im_copy1().v1(); client.image.v1"
        );
    }

    #[test]
    fn whole_services_are_copied_while_they_fit() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
        write("a1.md", "/open-apis/a/v1/x");
        write("a2.md", "/open-apis/a/v1/y");
        write("b1.md", "/open-apis/b/v1/x");
        write("c.md", "not an endpoint");
        let inputs = [dir.path().to_path_buf()];
        let names = |wanted: usize| -> Vec<String> {
            let pages = bigger_corpus(&inputs, &Options { pages: wanted }).unwrap();
            let base = dir.path().to_string_lossy().into_owned();
            pages.iter().map(|p| p.file.replace(&base, "")).collect()
        };
        assert_eq!(names(4), ["/a1.md", "/a2.md", "/b1.md", "/c.md"]);
        assert_eq!(
            names(6),
            [
                "/a1.md",
                "/a2.md",
                "/b1.md",
                "/c.md",
                "a_copy1//a1.md",
                "a_copy1//a2.md"
            ]
        );
        assert_eq!(
            names(8),
            [
                "/a1.md",
                "/a2.md",
                "/b1.md",
                "/c.md",
                "a_copy1//a1.md",
                "a_copy1//a2.md",
                "b_copy1//b1.md",
                "b_copy2//b1.md"
            ]
        );
    }
}
