//! Unit tests of the decision logic (layers, accounts, unknown context).

use super::*;
use serde_json::{json, Value};

fn pol(name: &str, statements: Value) -> Arc<Policy> {
    Arc::new(Policy::parse(name, &json!({"Version": "2012-10-17", "Statement": statements})).unwrap())
}

fn allow_all(name: &str) -> Arc<Policy> {
    pol(name, json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]))
}

const ALICE: &str = "arn:aws:iam::111122223333:user/alice";

fn req(action: &str, resource: &str) -> Request {
    Request {
        principal: ALICE.into(),
        action: action.into(),
        resource: resource.into(),
        context: HashMap::new(),
        known_keys_complete: true,
    }
}

#[test]
fn allow_names_the_statement() {
    let set = PolicySet { identity: vec![allow_all("admin")], ..PolicySet::default() };
    let d = evaluate(&set, &req("s3:GetObject", "arn:aws:s3:::b/k"));
    assert_eq!(d.result, Outcome::Allowed);
    assert_eq!(d.reasons[0].policy, "admin");
    assert_eq!(d.reasons[0].statement, 0);
    assert_eq!(d.reasons[0].layer, Layer::Identity);
}

#[test]
fn explicit_deny_names_the_statement() {
    let set = PolicySet {
        identity: vec![pol(
            "p",
            json!([{"Effect": "Allow", "Action": "*", "Resource": "*"},
                   {"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]),
        )],
        ..PolicySet::default()
    };
    let d = evaluate(&set, &req("s3:GetObject", "arn:aws:s3:::b/k"));
    assert_eq!(d.result, Outcome::ExplicitDeny);
    assert_eq!(d.reasons[0].statement, 1);
}

#[test]
fn unknown_key_makes_a_conditional_decision() {
    let set = PolicySet {
        identity: vec![pol(
            "tagged",
            json!([{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
                    "Condition": {"StringEquals": {"aws:PrincipalTag/team": "blue"}}}]),
        )],
        ..PolicySet::default()
    };
    let mut r = req("s3:GetObject", "arn:aws:s3:::b/k");
    r.known_keys_complete = false;
    let d = evaluate(&set, &r);
    assert_eq!(d.result, Outcome::Conditional { keys: vec!["aws:PrincipalTag/team".into()] });
    assert!(d.reasons[0].conditional);
    let text = d.to_string();
    assert!(text.starts_with("allowed only if"), "{text}");
    assert!(text.contains("aws:PrincipalTag/team") && text.contains("policy tagged statement 0"));
    r.context.insert("aws:PrincipalTag/team".into(), ContextValue::from("blue"));
    assert_eq!(evaluate(&set, &r).result, Outcome::Allowed);
}

#[test]
fn unknown_deny_condition_is_conditional_too() {
    let set = PolicySet {
        identity: vec![pol(
            "p",
            json!([{"Effect": "Allow", "Action": "*", "Resource": "*"},
                   {"Effect": "Deny", "Action": "*", "Resource": "*",
                    "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}]),
        )],
        ..PolicySet::default()
    };
    let mut r = req("s3:GetObject", "*");
    r.known_keys_complete = false;
    let d = evaluate(&set, &r);
    assert!(matches!(d.result, Outcome::Conditional { .. }));
    assert_eq!(d.reasons.len(), 2);
}

#[test]
fn nothing_allows_is_implicit_deny_even_with_unknown_deny() {
    let set = PolicySet {
        identity: vec![pol(
            "p",
            json!([{"Effect": "Deny", "Action": "*", "Resource": "*",
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]),
        )],
        ..PolicySet::default()
    };
    let mut r = req("s3:GetObject", "*");
    r.known_keys_complete = false;
    let d = evaluate(&set, &r);
    assert_eq!(d.result, Outcome::ImplicitDeny);
    assert!(d.missing.contains(&Layer::Identity));
}

#[test]
fn resource_policy_via_role_is_limited_by_boundary() {
    let session = "arn:aws:sts::111122223333:assumed-role/r/s";
    let bucket = pol(
        "bucket",
        json!([{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/r"},
                "Action": "s3:GetObject", "Resource": "*"}]),
    );
    let boundary = pol("b", json!([{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]));
    let mut set = PolicySet { resource: Some(bucket), ..PolicySet::default() };
    let mut r = req("s3:GetObject", "arn:aws:s3:::b/k");
    r.principal = session.into();
    set.resource_account = Some("111122223333".into());
    assert_eq!(evaluate(&set, &r).result, Outcome::Allowed);
    set.boundary = Some(boundary);
    assert_eq!(evaluate(&set, &r).result, Outcome::ImplicitDeny);
}

#[test]
fn resource_policy_naming_user_is_not_limited_by_boundary() {
    let bucket = pol(
        "bucket",
        json!([{"Effect": "Allow", "Principal": {"AWS": ALICE},
                "Action": "s3:GetObject", "Resource": "*"}]),
    );
    let set = PolicySet {
        resource: Some(bucket),
        boundary: Some(pol("b", json!([{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]))),
        resource_account: Some("111122223333".into()),
        ..PolicySet::default()
    };
    let d = evaluate(&set, &req("s3:GetObject", "arn:aws:s3:::b/k"));
    assert_eq!(d.result, Outcome::Allowed);
    assert_eq!(d.reasons[0].layer, Layer::Resource);
}

#[test]
fn cross_account_with_both_sides_allows() {
    let bucket = pol(
        "bucket",
        json!([{"Effect": "Allow", "Principal": {"AWS": "444455556666"},
                "Action": "s3:GetObject", "Resource": "*"}]),
    );
    let mut set = PolicySet {
        identity: vec![allow_all("admin")],
        resource: Some(bucket),
        resource_account: Some("111122223333".into()),
        ..PolicySet::default()
    };
    let mut r = req("s3:GetObject", "arn:aws:s3:::b/k");
    r.principal = "arn:aws:iam::444455556666:user/bob".into();
    assert_eq!(evaluate(&set, &r).result, Outcome::Allowed);
    set.resource = None;
    assert_eq!(evaluate(&set, &r).result, Outcome::ImplicitDeny);
}

#[test]
fn resource_policy_deny_with_not_principal() {
    let bucket = pol(
        "bucket",
        json!([{"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:user/admin"},
                "Action": "s3:*", "Resource": "*"}]),
    );
    let set = PolicySet { identity: vec![allow_all("admin")], resource: Some(bucket), ..PolicySet::default() };
    let r = req("s3:DeleteBucket", "arn:aws:s3:::b");
    assert_eq!(evaluate(&set, &r).result, Outcome::ExplicitDeny);
    let mut admin = r.clone();
    admin.principal = "arn:aws:iam::111122223333:user/admin".into();
    assert_eq!(evaluate(&set, &admin).result, Outcome::Allowed);
}

#[test]
fn rcp_levels_must_allow_and_restrict_root() {
    let set = PolicySet {
        rcps: vec![vec![pol(
            "rcp",
            json!([{"Effect": "Allow", "Action": "*", "Resource": "*"},
                   {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}]),
        )]],
        ..PolicySet::default()
    };
    let mut r = req("s3:GetObject", "arn:aws:s3:::b/k");
    r.principal = "arn:aws:iam::111122223333:root".into();
    assert_eq!(evaluate(&set, &r).result, Outcome::ExplicitDeny);
    r.action = "ec2:RunInstances".into();
    assert_eq!(evaluate(&set, &r).result, Outcome::Allowed);
}

#[test]
fn session_policies_union_then_intersect() {
    let set = PolicySet {
        identity: vec![allow_all("admin")],
        session: vec![
            pol("s1", json!([{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}])),
            pol("s2", json!([{"Effect": "Allow", "Action": "s3:Put*", "Resource": "*"}])),
        ],
        ..PolicySet::default()
    };
    assert_eq!(evaluate(&set, &req("s3:PutObject", "*")).result, Outcome::Allowed);
    assert_eq!(evaluate(&set, &req("s3:DeleteObject", "*")).result, Outcome::ImplicitDeny);
}

#[test]
fn resource_variables() {
    let set = PolicySet {
        identity: vec![pol(
            "home",
            json!([{"Effect": "Allow", "Action": "s3:*",
                    "Resource": "arn:aws:s3:::home/${aws:username}/*"}]),
        )],
        ..PolicySet::default()
    };
    let mut r = req("s3:GetObject", "arn:aws:s3:::home/alice/x");
    r.context.insert("aws:username".into(), ContextValue::from("alice"));
    assert_eq!(evaluate(&set, &r).result, Outcome::Allowed);
    r.resource = "arn:aws:s3:::home/bob/x".into();
    assert_eq!(evaluate(&set, &r).result, Outcome::ImplicitDeny);
    r.context.clear();
    r.known_keys_complete = false;
    assert!(matches!(evaluate(&set, &r).result, Outcome::Conditional { .. }));
}

#[test]
fn truth_logic() {
    let m = || Truth::Maybe(vec!["k".into()]);
    assert_eq!(Truth::any([Truth::No, m(), Truth::Yes]), Truth::Yes);
    assert_eq!(Truth::any([Truth::No, m()]), m());
    assert_eq!(Truth::all([Truth::Yes, m(), Truth::No]), Truth::No);
    assert_eq!(Truth::all([Truth::Yes, m()]), m());
    assert_eq!(Truth::all([]), Truth::Yes);
    assert_eq!(Truth::any([]), Truth::No);
}

/// Hostile strings in every position: evaluation must answer, never panic.
#[test]
fn no_panics_on_odd_input() {
    let odd = [
        "",
        "*",
        "?",
        "${",
        "${}",
        "${aws:username",
        "}${*}",
        ":::::",
        "arn:",
        "é*ü?",
        "99999999999999999999-01-01",
        "1/129",
        "::/0",
        "10.0.0.0/",
        "-1",
        "NaN",
        "inf",
        "2024-13-40T99:99:99+99:99",
    ];
    let ops = [
        "StringLike",
        "NumericLessThan",
        "DateGreaterThan",
        "IpAddress",
        "ArnLike",
        "ForAllValues:StringNotLike",
        "ForAnyValue:ArnNotEquals",
        "Null",
        "BoolIfExists",
    ];
    for v in odd {
        for op in ops {
            let p = pol(
                "p",
                json!([{"Effect": "Allow", "Action": v, "NotResource": v,
                        "Condition": {op: {"k": v}}}]),
            );
            let set = PolicySet { identity: vec![p.clone()], resource: Some(p), ..PolicySet::default() };
            let mut r = req(v, v);
            r.principal = v.into();
            r.context.insert("k".into(), ContextValue::from(v));
            let _ = evaluate(&set, &r);
            r.known_keys_complete = false;
            r.context.clear();
            let _ = evaluate(&set, &r);
        }
    }
}

#[test]
fn trust_policy_must_allow_in_the_same_account() {
    let role = "arn:aws:iam::111122223333:role/r";
    let trust = |principal: &str| {
        pol("trust", json!([{"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}]))
    };
    let mut set =
        PolicySet { identity: vec![allow_all("admin")], resource_policy_required: true, ..PolicySet::default() };
    let r = req("sts:AssumeRole", role);
    // Identity alone does not let anyone assume a role that does not trust them.
    assert_eq!(evaluate(&set, &r).result, Outcome::ImplicitDeny);
    set.resource = Some(trust("arn:aws:iam::111122223333:root"));
    assert_eq!(evaluate(&set, &r).result, Outcome::Allowed);
    set.identity.clear();
    assert_eq!(evaluate(&set, &r).result, Outcome::ImplicitDeny);
    set.resource = Some(trust(ALICE));
    assert_eq!(evaluate(&set, &r).result, Outcome::Allowed);
}

#[test]
fn service_and_anonymous_callers_need_the_resource_policy() {
    let topic = pol(
        "topic",
        json!([{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
                "Action": "sns:Publish", "Resource": "*"}]),
    );
    let mut set = PolicySet { identity: vec![allow_all("admin")], resource: Some(topic), ..PolicySet::default() };
    let mut r = req("sns:Publish", "arn:aws:sns:us-east-1:111122223333:t");
    r.principal = "s3.amazonaws.com".into();
    assert_eq!(evaluate(&set, &r).result, Outcome::Allowed);
    r.principal = "*".into();
    assert_eq!(evaluate(&set, &r).result, Outcome::ImplicitDeny);
    set.resource =
        Some(pol("public", json!([{"Effect": "Allow", "Principal": "*", "Action": "sns:Publish", "Resource": "*"}])));
    assert_eq!(evaluate(&set, &r).result, Outcome::Allowed);
}
