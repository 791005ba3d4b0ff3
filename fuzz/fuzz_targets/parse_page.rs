//! libFuzzer over the parser, and the emitter behind it: any bytes, read as a page (lossy
//! UTF-8, as a file with bad bytes would be after the reader's diagnostic), must parse
//! without a panic; a page that still reads as a valid endpoint must also emit.
#![no_main]

use feishu_codegen::emit::{EmitOptions, emit_crate};
use feishu_codegen::parse::{Outcome, parse_page};
use feishu_codegen::spec::check;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Outcome::Endpoint(spec) = parse_page("fuzz.md", &text)
        && check::check(&spec).is_empty()
    {
        let _ = emit_crate(&[*spec], &EmitOptions::default());
    }
});
