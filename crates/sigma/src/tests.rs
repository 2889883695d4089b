//! One test per feature, each on a small rule and hand-written events.

use crate::{load_str, Loaded, RuleSet};
use nextgap_findings::Severity;
use nextgap_model::event::Event;

/// A cloudtrail rule with this `detection:` body (indented by 4).
fn rule(detection: &str) -> String {
    format!(
        "title: t\nid: 00000000-0000-0000-0000-000000000001\nlogsource:\n    product: aws\n    service: cloudtrail\ndetection:\n{detection}\nlevel: high\n"
    )
}

fn load(detection: &str) -> RuleSet {
    let loaded = load_str(&rule(detection), "t.yml");
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert!(loaded.unsupported.is_empty(), "{:?}", loaded.unsupported);
    assert_eq!(loaded.rules.len(), 1);
    loaded.rules
}

fn hits(rules: &RuleSet, event: &str) -> bool {
    let ev = Event::parse(event).unwrap();
    let mut out = Vec::new();
    rules.matches(&ev, &mut out);
    !out.is_empty()
}

/// Asserts which of `events` the detection matches.
fn check(detection: &str, cases: &[(&str, bool)]) {
    let rules = load(detection);
    for (event, want) in cases {
        assert_eq!(hits(&rules, event), *want, "{detection}\non {event}");
    }
}

#[test]
fn metadata() {
    let loaded = load_str(&rule("    sel:\n        eventName: X\n    condition: sel"), "dir/aws_x.yml");
    let r = loaded.rules.rule(0);
    assert_eq!((r.title.as_str(), r.name.as_str(), r.file.as_str()), ("t", "aws_x", "dir/aws_x.yml"));
    assert_eq!((r.id.as_str(), r.level), ("00000000-0000-0000-0000-000000000001", Severity::High));
    let text = "title: x\nlevel: informational\ntags: [a, b]\nfalsepositives: one\nlogsource: {product: aws, service: cloudtrail}\ndetection: {s: {a: 1}, condition: s}\n";
    let r = load_str(text, "x.yml").rules.rule(0).clone();
    assert_eq!((r.level, r.tags, r.falsepositives), (Severity::Info, vec!["a".into(), "b".into()], vec!["one".into()]));
}

#[test]
fn value_lists_and_case() {
    let det = "    sel:\n        eventSource: cloudtrail.amazonaws.com\n        eventName:\n            - StopLogging\n            - DeleteTrail\n    condition: sel";
    check(
        det,
        &[
            (r#"{"eventSource":"cloudtrail.amazonaws.com","eventName":"DeleteTrail"}"#, true),
            (r#"{"eventSource":"CloudTrail.amazonaws.com","eventName":"stoplogging"}"#, true),
            (r#"{"eventSource":"cloudtrail.amazonaws.com","eventName":"UpdateTrail"}"#, false),
            (r#"{"eventName":"DeleteTrail"}"#, false),
        ],
    );
}

#[test]
fn wildcards() {
    let det =
        "    sel:\n        eventName: 'Get*Token'\n        userAgent: 'a?c'\n        x: 'lit\\*'\n    condition: sel";
    check(
        det,
        &[
            (r#"{"eventName":"GetSigninToken","userAgent":"ABC","x":"lit*"}"#, true),
            (r#"{"eventName":"GetSigninToken","userAgent":"abbc","x":"lit*"}"#, false),
            (r#"{"eventName":"GetSigninToken","userAgent":"abc","x":"litx"}"#, false),
        ],
    );
}

#[test]
fn string_modifiers() {
    let det = "    sel:\n        a|contains: 'mid'\n        b|startswith: 'Pre'\n        c|endswith: 'END'\n    condition: sel";
    check(
        det,
        &[
            (r#"{"a":"xMIDy","b":"prefix","c":"the end"}"#, true),
            (r#"{"a":"xMIy","b":"prefix","c":"the end"}"#, false),
            (r#"{"a":"mid","b":"xpre","c":"the end"}"#, false),
            (r#"{"a":"mid","b":"pre","c":"end."}"#, false),
        ],
    );
}

#[test]
fn contains_all() {
    let det = "    sel:\n        requestParameters|contains|all:\n            - '\"s3:GetObject\"'\n            - 'Allow'\n    condition: sel";
    check(
        det,
        &[
            (r#"{"requestParameters":{"Effect":"Allow","Action":["s3:GetObject"]}}"#, true),
            (r#"{"requestParameters":{"Effect":"Deny","Action":["s3:GetObject"]}}"#, false),
        ],
    );
}

#[test]
fn regex_is_case_sensitive() {
    check(
        "    sel:\n        userIdentity.arn|re: '.+:assumed-role/aws:.+'\n    condition: sel",
        &[
            (r#"{"userIdentity":{"arn":"arn:aws:sts::1:assumed-role/aws:ec2/i-1"}}"#, true),
            (r#"{"userIdentity":{"arn":"arn:aws:sts::1:ASSUMED-ROLE/aws:ec2/i-1"}}"#, false),
        ],
    );
    check("    sel:\n        a|re|i: '^abc$'\n    condition: sel", &[(r#"{"a":"ABC"}"#, true)]);
    check("    sel:\n        a|re: '(?i)^abc$'\n    condition: sel", &[(r#"{"a":"ABC"}"#, true)]);
}

#[test]
fn null_means_absent_or_null() {
    let det = "    sel:\n        eventName: DeleteBucket\n    ok:\n        errorCode: 'Success'\n    none:\n        errorCode: null\n    condition: sel and 1 of ok or sel and none";
    check(
        det,
        &[
            (r#"{"eventName":"DeleteBucket"}"#, true),
            (r#"{"eventName":"DeleteBucket","errorCode":null}"#, true),
            (r#"{"eventName":"DeleteBucket","errorCode":"success"}"#, true),
            (r#"{"eventName":"DeleteBucket","errorCode":"AccessDenied"}"#, false),
        ],
    );
}

#[test]
fn numbers_and_bools_compare_as_text() {
    let det = "    sel:\n        responseElements.publiclyAccessible: 'true'\n        code: 443\n    condition: sel";
    check(
        det,
        &[
            (r#"{"responseElements":{"publiclyAccessible":true},"code":443}"#, true),
            (r#"{"responseElements":{"publiclyAccessible":"TRUE"},"code":"443"}"#, true),
            (r#"{"responseElements":{"publiclyAccessible":false},"code":443}"#, false),
        ],
    );
}

#[test]
fn fieldref() {
    let det = "    sel:\n        eventName: UpdateLoginProfile\n    same:\n        userIdentity.userName|fieldref: requestParameters.userName\n    condition: sel and not same";
    check(
        det,
        &[
            (
                r#"{"eventName":"UpdateLoginProfile","userIdentity":{"userName":"bob"},"requestParameters":{"userName":"alice"}}"#,
                true,
            ),
            (
                r#"{"eventName":"UpdateLoginProfile","userIdentity":{"userName":"Bob"},"requestParameters":{"userName":"bob"}}"#,
                false,
            ),
            (r#"{"eventName":"UpdateLoginProfile","userIdentity":{"userName":"bob"}}"#, true),
        ],
    );
    let det = "    sel:\n        userIdentity.arn|contains|fieldref: requestParameters.userName\n    condition: sel";
    check(
        det,
        &[
            (r#"{"userIdentity":{"arn":"arn:aws:iam::1:user/bob"},"requestParameters":{"userName":"bob"}}"#, true),
            (r#"{"userIdentity":{"arn":"arn:aws:iam::1:user/bob"},"requestParameters":{"userName":"eve"}}"#, false),
        ],
    );
}

#[test]
fn quantifiers_not_and_parentheses() {
    let det = "    sel_a:\n        a: 1\n    sel_b:\n        b: 1\n    filter:\n        c: 1\n    condition: (1 of sel_* and not filter) or all of them";
    check(
        det,
        &[
            (r#"{"a":1}"#, true),
            (r#"{"b":1}"#, true),
            (r#"{"a":1,"c":1}"#, false),
            (r#"{"a":1,"b":1,"c":1}"#, true),
            (r#"{"c":1}"#, false),
        ],
    );
    let det = "    sel_a:\n        a: 1\n    sel_b:\n        b: 1\n    condition: all of sel_*";
    check(det, &[(r#"{"a":1,"b":1}"#, true), (r#"{"a":1}"#, false)]);
    let det = "    sel:\n        a: 1\n    condition: 1 of them";
    check(det, &[(r#"{"a":1}"#, true), (r#"{"a":2}"#, false)]);
}

#[test]
fn list_of_maps_is_or() {
    let det = "    filter:\n        - eventSource: ssm.amazonaws.com\n        - eventName: RegisterManagedInstance\n    condition: not filter";
    check(
        det,
        &[
            (r#"{"eventSource":"ssm.amazonaws.com","eventName":"X"}"#, false),
            (r#"{"eventSource":"ec2.amazonaws.com","eventName":"RegisterManagedInstance"}"#, false),
            (r#"{"eventSource":"ec2.amazonaws.com","eventName":"X"}"#, true),
        ],
    );
}

#[test]
fn whole_object_contains() {
    let det = "    sel:\n        eventName: PutBucketVersioning\n        requestParameters|contains: 'Suspended'\n    condition: sel";
    check(
        det,
        &[
            (
                r#"{"eventName":"PutBucketVersioning","requestParameters":{"VersioningConfiguration":{"Status":"Suspended"}}}"#,
                true,
            ),
            (
                r#"{"eventName":"PutBucketVersioning","requestParameters":{"VersioningConfiguration":{"Status":"Enabled"}}}"#,
                false,
            ),
        ],
    );
    // Pretty-printed objects are compacted first, as serde_json::to_string writes them.
    let det = "    sel:\n        requestParameters|contains: '{\"a\":[1,2]}'\n    condition: sel";
    check(det, &[("{\"requestParameters\": {\"x\": {\"a\": [1, 2]}}}", true)]);
}

#[test]
fn array_fields() {
    let det = "    sel:\n        requestParameters.layers|contains: '*'\n    condition: sel";
    check(
        det,
        &[
            (r#"{"requestParameters":{"layers":["arn:aws:lambda:x"]}}"#, true),
            (r#"{"requestParameters":{"layers":[]}}"#, false),
            (r#"{"requestParameters":{"layers":null}}"#, false),
            (r#"{"requestParameters":{}}"#, false),
        ],
    );
    let det = "    sel:\n        tags: prod\n    condition: sel";
    check(det, &[(r#"{"tags":["dev","PROD"]}"#, true), (r#"{"tags":["dev"]}"#, false)]);
    // A path through an array reaches every element.
    let det = "    sel:\n        requestParameters.containerDefinitions.command|contains: '$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'\n    condition: sel";
    let ev = r#"{"requestParameters":{"containerDefinitions":[{"command":["sh"]},{"command":["curl 169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"]}]}}"#;
    check(det, &[(ev, true), (r#"{"requestParameters":{"containerDefinitions":[{"command":["sh"]}]}}"#, false)]);
}

#[test]
fn cidr_base64_numbers_exists() {
    let det = "    sel:\n        sourceIPAddress|cidr:\n            - 10.0.0.0/8\n            - 'fd00::/8'\n    condition: sel";
    check(
        det,
        &[
            (r#"{"sourceIPAddress":"10.2.3.4"}"#, true),
            (r#"{"sourceIPAddress":"fd00::1"}"#, true),
            (r#"{"sourceIPAddress":"8.8.8.8"}"#, false),
        ],
    );
    let det = "    sel:\n        userData|base64offset|contains: 'http://'\n    condition: sel";
    check(
        det,
        &[(r#"{"userData":"IyEvYmluL2Jhc2gKY3VybCBodHRwOi8vZXZpbA=="}"#, true), (r#"{"userData":"aGVsbG8="}"#, false)],
    );
    let det = "    sel:\n        userData|base64: 'hello'\n    condition: sel";
    check(det, &[(r#"{"userData":"aGVsbG8="}"#, true), (r#"{"userData":"AGVSBG8="}"#, false)]);
    let det = "    sel:\n        n|gte: 10\n        e|exists: true\n        f|exists: false\n    condition: sel";
    check(
        det,
        &[
            (r#"{"n":10,"e":1}"#, true),
            (r#"{"n":"9.5","e":1}"#, false),
            (r#"{"n":11}"#, false),
            (r#"{"n":11,"e":1,"f":2}"#, false),
        ],
    );
}

#[test]
fn keywords() {
    let det = "    keywords:\n        - 'evil.exe'\n        - 'bad*tool'\n    condition: keywords";
    check(
        det,
        &[
            (r#"{"requestParameters":{"cmd":"run EVIL.exe now"}}"#, true),
            (r#"{"userAgent":"a badxtool b"}"#, true),
            (r#"{"userAgent":"good"}"#, false),
        ],
    );
}

#[test]
fn escaped_event_strings() {
    let det = "    sel:\n        userAgent|contains: 'a\"b'\n    condition: sel";
    check(det, &[(r#"{"userAgent":"xa\"b\u0041"}"#, true)]);
}

#[test]
fn index_prefers_event_name() {
    let loaded = load_str(
        &rule("    sel:\n        eventSource: s3.amazonaws.com\n        eventName: [A, B]\n    condition: sel"),
        "t.yml",
    );
    assert_eq!(loaded.rules.index_shape(), (vec!["eventName"], 0));
    let loaded = load_str(&rule("    sel:\n        a|re: x\n    condition: sel"), "t.yml");
    assert_eq!(loaded.rules.index_shape(), (vec![], 1));
}

#[test]
fn matches_are_sorted_and_unique() {
    let two = format!(
        "{}---\n{}",
        rule("    a:\n        eventName: X\n    b:\n        userAgent: Y\n    condition: a or b"),
        rule("    a:\n        eventName: [X, x]\n    condition: a")
    );
    let loaded = load_str(&two, "t.yml");
    assert_eq!(loaded.rules.len(), 2);
    let ev = Event::parse(r#"{"eventName":"X","userAgent":"Y"}"#).unwrap();
    let mut out = vec![7];
    loaded.rules.matches(&ev, &mut out);
    assert_eq!(out, [7, 0, 1]);
}

#[test]
fn rule_sets_are_shared_across_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<RuleSet>();
}

#[test]
fn trailing_document_marker_is_harmless() {
    let text = format!("{}---\n", rule("    sel:\n        a: 1\n    condition: sel"));
    let loaded = load_str(&text, "t.yml");
    assert_eq!((loaded.rules.len(), loaded.errors.len()), (1, 0));
}

#[test]
fn long_values_are_indexed_and_skipped_right() {
    let long = format!("agent/{}", "x".repeat(200));
    let rules = load(&format!("    sel:\n        userAgent: '{long}'\n    condition: sel"));
    assert_eq!(rules.index_shape(), (vec!["userAgent"], 0));
    let event = |ua: &str| format!(r#"{{"userAgent":"{ua}"}}"#);
    assert!(hits(&rules, &event(&long.to_uppercase())));
    assert!(!hits(&rules, &event(&format!("{long}x"))));
    assert!(!hits(&rules, &event("agent/")));
}

fn unsupported_reason(text: &str) -> String {
    let loaded: Loaded = load_str(text, "u.yml");
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert_eq!((loaded.rules.len(), loaded.unsupported.len()), (0, 1));
    let u = &loaded.unsupported[0];
    assert_eq!((u.file.as_str(), u.title.as_str()), ("u.yml", "t"));
    u.reason.clone()
}

#[test]
fn unsupported_features_are_reported() {
    let agg =
        rule("    sel:\n        eventName: X\n    timeframe: 10m\n    condition: sel | count() by sourceIPAddress > 5");
    assert!(unsupported_reason(&agg).contains("timeframe: 10m"));
    let agg = rule("    sel:\n        eventName: X\n    condition: sel | count() by sourceIPAddress > 5");
    assert!(unsupported_reason(&agg).contains("count() by sourceIPAddress > 5"));
    let near = rule("    a:\n        eventName: X\n    b:\n        eventName: Y\n    condition: a | near b");
    assert!(unsupported_reason(&near).contains("near b"));
    let expand = rule("    sel:\n        src_ip|expand: '%ips%'\n    condition: sel");
    assert!(unsupported_reason(&expand).contains("expand"));
    let windows = "title: t\nlogsource:\n    product: windows\n    category: process_creation\ndetection:\n    sel:\n        Image|windash: x\n    condition: sel\n";
    assert!(unsupported_reason(windows).contains("product: windows, category: process_creation"));
    let corr = "title: t\ncorrelation:\n    type: event_count\n";
    assert!(unsupported_reason(corr).contains("correlation"));
}

fn error_of(text: &str) -> (u32, u32, String) {
    let loaded = load_str(text, "e.yml");
    assert_eq!((loaded.rules.len(), loaded.errors.len()), (0, 1), "{:?}", loaded.errors);
    let e = &loaded.errors[0];
    (e.line, e.column, e.message.clone())
}

#[test]
fn bad_rules_are_errors_with_positions() {
    let (line, col, msg) = error_of(&rule("    sel:\n        a: 1\n    condition: sel and nope"));
    assert_eq!((line, col), (9, 16), "{msg}");
    assert!(msg.contains("no selection named `nope`"));
    let (line, _, msg) = error_of(&rule("    sel:\n        a|re: '('\n    condition: sel"));
    assert_eq!(line, 8, "{msg}");
    let (line, _, msg) = error_of(&rule("    sel:\n        a|contains|startswith: x\n    condition: sel"));
    assert_eq!(line, 8, "{msg}");
    let (line, _, _) = error_of(&rule("    sel:\n        a: {b: 1}\n    condition: sel"));
    assert_eq!(line, 8);
    let (line, col, msg) = error_of("title: [unclosed\n");
    assert!(line >= 1 && col >= 1 && msg.starts_with("invalid YAML"), "{msg}");
    let (_, _, msg) = error_of("title: t\nlogsource: {product: aws, service: cloudtrail}\n");
    assert!(msg.contains("missing `detection`"));
    let (_, _, msg) =
        error_of("logsource: {product: aws, service: cloudtrail}\ndetection: {s: {a: 1}, condition: s}\n");
    assert!(msg.contains("missing `title`"));
    let (_, _, msg) =
        error_of(&rule("    sel:\n        a: 1\n    condition: sel").replace("level: high", "level: severe"));
    assert!(msg.contains("level"));
    let (_, _, msg) = error_of("");
    assert!(msg.contains("no Sigma rule"));
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    /// Fragments of rule text, so mutations stay close to real rules.
    const PIECES: [&str; 16] = [
        "detection:\n",
        "    sel:\n",
        "        eventName|contains|all:\n",
        "            - 'a*b?\\\\'\n",
        "    condition: ",
        "1 of sel* and not (sel or",
        " all of them)",
        "\n",
        "logsource: {product: aws, service: cloudtrail}\n",
        "title: t\n",
        "        x|re: '[('\n",
        "        y|cidr: 1.2.3.4/40\n",
        "  - ",
        "null",
        "'\"",
        "---\n",
    ];

    proptest! {
        #[test]
        fn loading_never_panics(text in ".{0,300}") {
            let _ = load_str(&text, "f.yml");
        }

        #[test]
        fn loading_rule_like_text_never_panics(idx in proptest::collection::vec(0..PIECES.len(), 0..40)) {
            let text: String = idx.iter().map(|i| PIECES[*i]).collect();
            let loaded = load_str(&text, "f.yml");
            for e in &loaded.errors {
                prop_assert!(!e.message.is_empty());
            }
            let ev = Event::parse(r#"{"eventName":"ab","x":"(","y":"1.2.3.4","a":[{"b":null}]}"#).unwrap();
            let mut out = Vec::new();
            loaded.rules.matches(&ev, &mut out);
        }

        #[test]
        fn json_walking_never_panics(text in "[{}\\[\\],:\" a\\\\0-9nul]{0,80}") {
            let _ = crate::json::member(&text, "a");
            let _ = crate::json::elements(&text).count();
            let _ = crate::json::compact(&text);
        }
    }
}
