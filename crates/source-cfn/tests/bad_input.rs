//! Hostile and broken input: every case ends in a clear error or a `NotATemplate`, never a
//! panic, a hang or unbounded memory. The big inputs are generated here, not stored.

mod common;

use common::*;
use nextgap_model::Value;
use nextgap_source_cfn::{load, load_path, Limits, Loaded};
use std::time::{Duration, Instant};

fn billion_laughs() -> String {
    let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..=9 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    text
}

#[test]
fn billion_laughs_is_refused_quickly() {
    let start = Instant::now();
    let e = error("bomb.yaml", billion_laughs().as_bytes());
    assert_eq!(e.message, "YAML aliases expand to too many nodes (more than 10,000 + 4 per byte of the file)");
    // 590 bytes: 12,360 copied nodes allowed; a1 to a3 copy 12,330, the first alias of a4 11,111.
    assert_eq!((e.line, e.column), (5, 10));
    assert!(start.elapsed() < Duration::from_secs(1));
    let small = Limits { max_nodes: 1000, ..Limits::default() };
    let e = load("bomb.yaml", billion_laughs().as_bytes(), &small).unwrap_err();
    assert_eq!(e.message, "more than 1000 nodes");
    assert_eq!((e.line, e.column), (3, 45)); // the 8th alias of a2 passes 1000 nodes
}

#[test]
fn deep_yaml_flow_nesting_is_refused() {
    let text = format!("a: {}1{}\n", "{a: ".repeat(10_000), "}".repeat(10_000));
    let e = error("deep.yaml", text.as_bytes());
    assert_eq!(e.message, "nesting deeper than 255 (YAML flow style)");
    assert_eq!(e.line, 1);
    let text = format!("a: {}1{}\n", "[".repeat(10_000), "]".repeat(10_000));
    assert_eq!(error("deep.yaml", text.as_bytes()).message, "nesting deeper than 255 (YAML flow style)");
}

#[test]
fn deep_yaml_block_nesting_is_refused() {
    // `- - - x`: nested block sequences on one line, 10,000 deep.
    let text = format!("{}x\n", "- ".repeat(10_000));
    let e = error("deep.yaml", text.as_bytes());
    assert_eq!(e.to_string(), "deep.yaml:1:1025: nesting deeper than 512");
    // Nested block mappings need one more space per level.
    let text: String = (0..600).map(|i| format!("{}a:\n", " ".repeat(i))).collect();
    let e = error("deep.yaml", text.as_bytes());
    assert_eq!((e.line, e.column, e.message.as_str()), (513, 513, "nesting deeper than 512"));
}

#[test]
fn deep_aliases_count_toward_nesting() {
    // 300 levels anchored, then aliased 300 levels down: 600 levels once expanded.
    let levels = |key: &str| (0..300).map(|i| format!("{}{key}:\n", " ".repeat(i + 2))).collect::<String>();
    let text = format!("x: &x\n{}y:\n{}{}c: *x\n", levels("a"), levels("b"), " ".repeat(302));
    let e = error("deep.yaml", text.as_bytes());
    assert_eq!((e.line, e.column, e.message.as_str()), (603, 306, "nesting deeper than 512"));
}

#[test]
fn deep_json_nesting_is_refused() {
    let text = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert_eq!(error("deep.json", text.as_bytes()).to_string(), "deep.json:1:513: nesting deeper than 512");
    // Also when the name does not say JSON (no YAML retry after a limit).
    let text = format!("{}1{}", "{\"a\": ".repeat(10_000), "}".repeat(10_000));
    assert_eq!(error("deep.template", text.as_bytes()).message, "nesting deeper than 512");
    // Brackets inside strings do not count.
    let text = format!("{{\"Resources\": {{}}, \"x\": \"{}\"}}", "[".repeat(10_000));
    assert!(matches!(load("ok.json", text.as_bytes(), &Limits::default()), Ok(Loaded::Template(_))));
}

#[test]
fn deep_intrinsics_resolve_within_a_small_stack() {
    // 500 nested `!Base64` maps: the resolver recurses, inside the test thread's 2 MiB stack.
    let mut text = String::from("Resources:\n  R:\n    Type: X::Y::Z\n    Properties:\n      P: !Base64\n");
    for i in 0..500 {
        text.push_str(&format!("{}a: !Base64\n", " ".repeat(8 + i)));
    }
    text.push_str(&format!("{}a: end\n", " ".repeat(508)));
    let m = yaml(&text);
    assert!(m.resources[0].prop("P").is_some());
}

#[test]
fn invalid_utf8_gives_line_and_column() {
    let e = error("bad.yaml", b"Resources:\n  A\xFF: 1\n");
    assert_eq!(e.to_string(), "bad.yaml:2:4: invalid UTF-8 at byte 14");
}

fn random_bytes(n: usize, mut seed: u64) -> Vec<u8> {
    (0..n)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}

#[test]
fn binary_files_are_not_templates() {
    let bytes = random_bytes(8192, 0x9E37_79B9_7F4A_7C15);
    assert!(bytes.contains(&0));
    assert_eq!(not_template("blob.yaml", &bytes), "binary file (NUL byte in the first 8 KiB)");
    assert_eq!(not_template("blob.json", b"{\"a\": 1}\0"), "binary file (NUL byte in the first 8 KiB)");
    // Random bytes without NULs are an error (not UTF-8), not a crash.
    let no_nul: Vec<u8> = bytes.iter().map(|b| b.max(&1)).copied().collect();
    assert!(error("blob.yaml", &no_nul).message.starts_with("invalid UTF-8 at byte"));
}

#[test]
fn empty_and_comment_only_files_are_not_templates() {
    assert_eq!(not_template("e.yaml", b""), "empty file");
    assert_eq!(not_template("e.yaml", b" \n\t\n"), "empty file");
    assert_eq!(not_template("e.yaml", b"# a comment\n# another\n"), "no YAML document (only comments or directives)");
    assert_eq!(not_template("e.yaml", b"---\n"), "the document is not a mapping (null)");
}

#[test]
fn documents_that_are_not_templates() {
    assert_eq!(not_template("l.yaml", b"- a\n- b\n"), "the document is not a mapping ([a, b])");
    assert_eq!(not_template("s.yaml", b"just text\n"), "the document is not a mapping (just text)");
    assert_eq!(not_template("l.json", b"[1, 2]"), "the document is not a mapping ([1, 2])");
    let config = b"server:\n  port: 8080\nlogging: {level: debug}\n";
    assert_eq!(
        not_template("config.yaml", config),
        "a mapping without Resources, AWSTemplateFormatVersion or Transform"
    );
}

#[test]
fn odd_sections_do_not_fail_the_file() {
    let m = yaml("AWSTemplateFormatVersion: 2010-09-09\nResources: [a, b]\n");
    assert!(m.resources.is_empty());
    let m = yaml("Resources:\n  Module:\n    Type: {Path: ./bucket.yaml}\n  Str: hello\n  Loop: [1]\n  Ok:\n    Type: AWS::SNS::Topic\n    Properties:\n");
    assert_eq!(resource(&m, "Module").resource_type, "{Path}");
    assert!(m.resource("Str").is_none());
    assert!(resource(&m, "Ok").properties.entries().is_empty());
    let m = yaml("Transform: AWS::LanguageExtensions\nResources:\n  Fn::ForEach::Topics: [T, [a, b], {\"Topic${T}\": {Type: AWS::SNS::Topic}}]\n");
    assert!(m.resources.is_empty());
    let m = yaml("Parameters: [x]\nMappings: 3\nConditions: [y]\nResources:\n  A:\n    Type: X::Y::Z\n    Properties:\n      P: !FindInMap [M, a, b]\n      Q: !If [C, 1, 2]\n");
    assert_eq!(prop(&m, "A", "P").value, unresolved("Fn::FindInMap M.a.b (not in Mappings)"));
    assert!(matches!(prop(&m, "A", "Q").value, Value::Choice(_)));
}

#[test]
fn malformed_functions_are_unresolved() {
    let m = yaml(
        "Parameters:\n  Self: {Type: String, Default: !Ref Self}\nMappings:\n  M: {a: {b: !FindInMap [M, a, b]}}\nResources:\n  A:\n    Type: X::Y::Z\n    Properties:\n      P: !Ref Self\n      Q: !FindInMap [M, a, b]\n      R: !If [C]\n      S: !Select [9, [a]]\n      T: !Join [1]\n      U: !Sub [1, 2, 3]\n      V: !GetAtt [1]\n      W: !Split x\n      X: !Cidr [a, b, c]\n      Y: !Ref [x]\n",
    );
    let p = |k: &str| prop(&m, "A", k).value.clone();
    assert_eq!(p("P"), unresolved("Ref Self"));
    assert_eq!(p("Q"), unresolved("Fn::FindInMap M.a.b"));
    assert_eq!(p("R"), unresolved("Fn::If"));
    assert_eq!(p("S"), unresolved("Fn::Select [9, [a]]"));
    for k in ["T", "U", "V", "W", "X", "Y"] {
        assert!(prop(&m, "A", k).is_unresolved(), "{k}: {:?}", p(k));
    }
}

#[test]
fn duplicate_keys_are_errors() {
    let e = error("d.yaml", b"Resources:\n  A: {Type: X}\n  A: {Type: Y}\n");
    assert_eq!(e.to_string(), "d.yaml:3:3: duplicate key \"A\"");
    let e = error("d.json", b"{\"Resources\": {},\n \"Resources\": {}}");
    assert_eq!(e.to_string(), "d.json:2:2: duplicate key \"Resources\"");
    // Big maps switch to a hash set; duplicates are still found.
    let mut text: String = (0..100).map(|i| format!("k{i}: {i}\n")).collect();
    text.push_str("k42: again\n");
    assert_eq!(error("d.yaml", text.as_bytes()).message, "duplicate key \"k42\"");
}

#[test]
fn syntax_errors_have_positions() {
    let e = error("s.yaml", b"Resources:\n  A: [1, 2\n");
    assert_eq!((e.line, e.column), (3, 1));
    let e = error("s.json", b"{\"Resources\": {\"A\": }}");
    assert_eq!(e.to_string(), "s.json:1:21: Unexpected close brace");
    assert_eq!(error("s.yaml", b"a: *nothing\n").line, 1);
}

#[test]
fn size_limit_is_checked_before_reading() {
    let limits = Limits { max_bytes: 10, ..Limits::default() };
    assert_eq!(
        load("big.yaml", b"Resources: {}\n", &limits).unwrap_err().to_string(),
        "big.yaml: file is 14 bytes, over the limit of 10 bytes"
    );
    // A sparse 200 MB file: refused from its metadata, so fast and without the memory.
    let dir = std::env::temp_dir().join(format!("nextgap-cfn-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("huge.yaml");
    std::fs::File::create(&path).unwrap().set_len(200 * 1024 * 1024).unwrap();
    let start = Instant::now();
    let e = load_path(&path, &Limits::default()).unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(1));
    assert_eq!(e.file, path.to_string_lossy());
    assert_eq!(e.message, "file is 209715200 bytes, over the limit of 67108864 bytes");
    let missing = load_path(&dir.join("missing.yaml"), &Limits::default()).unwrap_err();
    assert!(missing.message.starts_with("cannot read:"), "{missing}");
    assert_eq!(load_path(&dir, &Limits::default()).unwrap_err().message, "not a regular file");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn node_limit_applies_to_plain_documents() {
    let limits = Limits { max_nodes: 100, ..Limits::default() };
    let text: String = (0..200).map(|i| format!("k{i}: {i}\n")).collect();
    assert_eq!(load("n.yaml", text.as_bytes(), &limits).unwrap_err().message, "more than 100 nodes");
    let json = format!("{{{}}}", (0..200).map(|i| format!("\"k{i}\": {i}")).collect::<Vec<_>>().join(","));
    assert_eq!(load("n.json", json.as_bytes(), &limits).unwrap_err().message, "more than 100 nodes");
}

#[test]
fn copies_made_by_the_resolver_are_bounded() {
    // A 100 KB default referenced 2,000 times would be 200 MB of copies.
    let mut text = format!("Parameters:\n  Big: {{Type: String, Default: {}}}\nResources:\n", "x".repeat(100_000));
    for i in 0..2000 {
        text.push_str(&format!("  R{i}: {{Type: X::Y::Z, Properties: {{P: !Ref Big}}}}\n"));
    }
    let m = yaml(&text);
    let copied = m.resources.iter().filter(|r| r.prop("P").unwrap().as_str().is_some()).count();
    assert!(copied > 0 && copied < 100, "{copied} copies");
    assert_eq!(prop(&m, "R1999", "P").value, unresolved("Ref Big (resolution budget exhausted)"));
}

#[test]
fn utf16_with_byte_order_mark_is_decoded() {
    let text = "Resources:\n  \u{e9}:\n    Type: AWS::SNS::Topic\n";
    let mut le = vec![0xFF, 0xFE];
    le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let mut be = vec![0xFE, 0xFF];
    be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    for bytes in [le, be] {
        let Ok(Loaded::Template(m)) = load("w.yaml", &bytes, &Limits::default()) else { panic!() };
        assert_eq!(resource(&m, "\u{e9}").pos, pos(2, 3));
    }
    let bad = [0xFF, 0xFE, b'a', 0, 0x00, 0xD8, b'b', 0];
    assert_eq!(error("w.yaml", &bad).to_string(), "w.yaml:1:2: invalid UTF-16 near byte 4");
}

#[test]
fn duplicate_keys_in_big_json_objects_are_errors() {
    let mut keys: Vec<String> = (0..40).map(|i| format!("\"k{i}\": {i}")).collect();
    keys.push("\"k7\": 0".into());
    let e = error("d.json", format!("{{{}}}", keys.join(", ")).as_bytes());
    assert_eq!(e.message, "duplicate key \"k7\"");
}
