//! Hostile pages of growing size (1 to 10 MB), built from the seed page: many rows, rows
//! nested far too deep, one huge cell, unbalanced code fences. `cargo xtask bench` times
//! parsing each to show the cost stays linear in page size, and the fuzz test reuses them.

/// A page shape and how to grow it to about `bytes`.
pub struct Shape {
    pub name: &'static str,
    pub build: fn(seed: &str, bytes: usize) -> String,
}

pub const SHAPES: &[Shape] = &[
    Shape {
        name: "pipe table, many body rows",
        build: many_rows,
    },
    Shape {
        name: "site source, rows nested ever deeper",
        build: deep_site_rows,
    },
    Shape {
        name: "one huge description cell",
        build: huge_cell,
    },
    Shape {
        name: "unbalanced code fences",
        build: open_fences,
    },
];

/// The seed page's body table row that the row shapes repeat.
const ANCHOR: &str = "| metadata | string | 否 |";

/// Where the seed's body table row ends (new rows go after it), or the end of the page.
fn after_anchor(seed: &str) -> usize {
    seed.find(ANCHOR)
        .and_then(|at| seed[at..].find('\n').map(|end| at + end + 1))
        .unwrap_or(seed.len())
}

fn many_rows(seed: &str, bytes: usize) -> String {
    let at = after_anchor(seed);
    let mut page = String::with_capacity(bytes + seed.len());
    page.push_str(&seed[..at]);
    let mut n = 0;
    while page.len() < bytes {
        page.push_str(&format!(
            "| field_{n} | string | 否 | 第 {n} 个字段 <br> **示例**: x <br> **数据校验规则**:<br>最大长度: 255最小长度: 0 |\n"
        ));
        n += 1;
    }
    page.push_str(&seed[at..]);
    page
}

fn deep_site_rows(_seed: &str, bytes: usize) -> String {
    let mut page = String::from(
        "---\ntitle: \"deep\"\n---\n# 深层嵌套\n\n## 请求\n:::html\n<md-table>\n\
         <md-thead><tr><md-th>基本</md-th><md-th></md-th></tr></md-thead><md-tbody>\n\
         <md-tr><md-th>HTTP URL</md-th><md-td>https://open.feishu.cn/open-apis/x/v1/items</md-td></md-tr>\n\
         <md-tr><md-th>HTTP Method</md-th><md-td>POST</md-td></md-tr>\n\
         </md-tbody></md-table>\n:::\n### 请求体\n:::html\n<md-dt-table>\n\
         <md-dt-thead><md-dt-tr><md-dt-th>名称</md-dt-th><md-dt-th>类型</md-dt-th>\
         <md-dt-th>必填</md-dt-th><md-dt-th>描述</md-dt-th></md-dt-tr></md-dt-thead>\n<md-dt-tbody>\n",
    );
    let mut level = 0;
    while page.len() < bytes {
        page.push_str(&format!(
            "<md-dt-tr level=\"{level}\"><md-dt-td>f{level}</md-dt-td><md-dt-td>object</md-dt-td>\
             <md-dt-td>否</md-dt-td><md-dt-td>第 {level} 层</md-dt-td></md-dt-tr>\n"
        ));
        level += 1;
    }
    page.push_str("</md-dt-tbody>\n</md-dt-table>\n:::\n");
    page
}

fn huge_cell(seed: &str, bytes: usize) -> String {
    let at = after_anchor(seed);
    let filler = "很长的描述 long text ".repeat(bytes / 26 + 1);
    format!(
        "{}| huge | string | 否 | {filler} |\n{}",
        &seed[..at],
        &seed[at..]
    )
}

fn open_fences(seed: &str, bytes: usize) -> String {
    let mut page = seed.to_string();
    while page.len() < bytes {
        page.push_str("```json\n{\"a\": [1, 2, {\"b\": \n");
    }
    page
}
