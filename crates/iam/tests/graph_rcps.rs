//! Resource control policies: they restrict what anyone may do to the account's resources
//! (S3 buckets, role assumption), along the account's Organization path.

mod common;

use common::*;
use nextgap_iam::graph::EdgeKind;
use nextgap_iam::wargame::{self, Analysis, Category};
use nextgap_model::account::{Fact, NamedPolicy, Organization};
use serde_json::json;

const ROOT: &str = "r-ab12";
const OU: &str = "ou-ab12-11111111";
const OUTSIDE: &str = "arn:aws:iam::444455556666:root";

fn rcp(id: &str, statement: serde_json::Value, target: &str) -> NamedPolicy {
    NamedPolicy { id: id.into(), name: id.into(), document: doc(json!([statement])), targets: vec![target.into()] }
}

/// A role trusted by an outside account, a bucket, and a user allowed to delete its objects.
fn graph(rcps: Vec<NamedPolicy>) -> nextgap_iam::graph::Graph {
    let mut snap = snapshot(&details(
        vec![user("cleaner", &[("clean", doc(json!([allow(json!("s3:DeleteObject"), json!("*"))])))])],
        vec![role("vendor", trust(json!({"AWS": OUTSIDE})), &[])],
        vec![],
        vec![],
    ));
    snap.resources.push(live("AWS::S3::Bucket", "arn:aws:s3:::prod", json!({"BucketName": "prod"})));
    snap.account.organization = Fact::Known(Some(Organization {
        id: "o-ab12cd34ef".into(),
        management_account_id: "999900001111".into(),
        service_control_policies: Fact::Known(vec![]),
        parents: Fact::Known(vec![ROOT.into(), OU.into()]),
        resource_control_policies: Fact::Known(rcps),
    }));
    build(&snap)
}

fn can_delete(g: &nextgap_iam::graph::Graph) -> bool {
    let an = Analysis::new(g);
    let cleaner = id(g, &arn("user", "cleaner"));
    an.caps_of(cleaner).ones().any(|c| an.caps[c].category == Category::DataDelete)
}

#[test]
fn without_rcps_the_outside_account_assumes_and_the_user_deletes() {
    let g = graph(vec![]);
    assert_eq!(out_of(&g, OUTSIDE), [fx(OUTSIDE, &arn("role", "vendor"), EdgeKind::AssumeRole, "sts-001", None)]);
    assert!(can_delete(&g));
    assert!(g.rcps.is_empty());
}

#[test]
fn an_rcp_keeping_sts_inside_the_organization_removes_the_outside_edge() {
    let inside_only = json!({
        "Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole", "Resource": "*",
        "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalAccount": [ACCOUNT]}}
    });
    let g = graph(vec![rcp("rcp-sts", inside_only, OU)]);
    assert_eq!(out_of(&g, OUTSIDE), []);
    // The user's deletes are not an STS call: untouched.
    assert!(can_delete(&g));
}

#[test]
fn an_rcp_denying_deletes_on_the_account_protects_the_bucket() {
    let no_delete = json!({"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject", "Resource": "*"});
    assert!(!can_delete(&graph(vec![rcp("rcp-s3", no_delete.clone(), ACCOUNT)])));
    // Attached to another OU, it does not apply.
    assert!(can_delete(&graph(vec![rcp("rcp-s3", no_delete, "ou-ab12-22222222")])));
}

#[test]
fn unread_rcps_are_reported() {
    let mut snap = snapshot(&details(vec![user("u", &[])], vec![], vec![], vec![]));
    snap.account.organization = Fact::Known(Some(Organization {
        id: "o-ab12cd34ef".into(),
        management_account_id: "999900001111".into(),
        service_control_policies: Fact::Known(vec![]),
        parents: Fact::Known(vec![ROOT.into()]),
        resource_control_policies: Fact::Unknown("AccessDenied".into()),
    }));
    let g = build(&snap);
    assert!(
        g.unknowns.iter().any(|u| u.contains("resource control policies not read (AccessDenied)")),
        "{:?}",
        g.unknowns
    );
    let _ = wargame::rank(&Analysis::new(&g));
}
