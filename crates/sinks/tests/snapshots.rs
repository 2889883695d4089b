//! Snapshots of every format on the hand-built report in `common`. Review changes with
//! `cargo insta review` (or `INSTA_UPDATE=always cargo test -p nextgap-sinks` and `git diff`).

mod common;

use nextgap_findings::Report;
use nextgap_sinks::{write_json, write_junit, write_junit_scanned, write_sarif, write_text, TextOptions};

fn render(f: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> String {
    let mut out = Vec::new();
    f(&mut out).expect("writing to a Vec cannot fail");
    String::from_utf8(out).expect("sinks write UTF-8")
}

fn text(report: &Report, verbose: bool) -> String {
    render(|out| write_text(report, &TextOptions { color: false, verbose }, out))
}

#[test]
fn text_plain() {
    insta::assert_snapshot!(text(&common::report(), false));
}

#[test]
fn text_verbose() {
    insta::assert_snapshot!(text(&common::report(), true));
}

#[test]
fn text_empty() {
    let mut report = Report::new(common::VERSION);
    report.summary.files_scanned = 2;
    report.finish();
    insta::assert_snapshot!(text(&report, true));
}

#[test]
fn json() {
    insta::assert_snapshot!(render(|out| write_json(&common::report(), out)));
}

#[test]
fn sarif() {
    let rules = common::rules();
    let rules: Vec<_> = rules.iter().collect();
    insta::assert_snapshot!(render(|out| write_sarif(&common::report(), &rules, out)));
}

#[test]
fn sarif_empty() {
    let mut report = Report::new(common::VERSION);
    report.finish();
    insta::assert_snapshot!(render(|out| write_sarif(&report, &[], out)));
}

#[test]
fn junit() {
    insta::assert_snapshot!(render(|out| write_junit(&common::report(), out)));
}

#[test]
fn junit_scanned() {
    insta::assert_snapshot!(render(|out| write_junit_scanned(&common::report(), common::SCANNED, out)));
}

/// Colour goes through anstyle; the plain rendering is the coloured one minus its escapes.
#[test]
fn text_colour_is_only_escapes() {
    let report = common::report();
    let coloured = render(|out| write_text(&report, &TextOptions { color: true, verbose: true }, out));
    assert!(coloured.contains("\u{1b}["), "no escape codes in coloured output");
    let stripped = strip_ansi(&coloured);
    assert_eq!(stripped, text(&report, true));
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A template can put escape sequences in logical ids and values; they must not reach the
/// terminal raw, in any format a person reads.
#[test]
fn hostile_strings_are_neutralised() {
    let mut report = common::report();
    let f = &mut report.findings[0];
    f.location.logical_id = "Evil\u{1b}]0;pwned\u{7}Bucket".into();
    f.evidence = "Value: \u{1b}[2J\u{202e}cleared".into();
    f.message = "line one\nline two".into();
    let plain = text(&report, true);
    assert!(!plain.contains('\u{1b}') && !plain.contains('\u{7}') && !plain.contains('\u{202e}'), "{plain}");
    assert!(plain.contains("line one line two"));
    let junit = render(|out| write_junit(&report, out));
    assert!(!junit.contains('\u{1b}') && !junit.contains('\u{7}'), "{junit}");
    // JSON and SARIF escape control characters as \u001b.
    let json = render(|out| write_json(&report, out));
    assert!(!json.contains('\u{1b}') && json.contains("\\u001b"));
}
