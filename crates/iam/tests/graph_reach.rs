//! Reachability and escalation: chains of roles to an administrator, self-escalation, rewrite
//! then assume, and boundaries that keep a rewritten principal from becoming administrator.

mod common;

use common::*;
use nextgap_iam::graph::Graph;
use nextgap_iam::wargame::{self, Analysis};
use serde_json::json;

fn assume(target: &str) -> serde_json::Value {
    doc(json!([allow(json!("sts:AssumeRole"), json!(arn("role", target)))]))
}

/// user/start -> role/hop1 -> role/hop2 -> role/top (administrator), each trusting the one
/// before it by ARN.
fn chain_graph() -> Graph {
    graph_of(&details(
        vec![user("start", &[("hop", assume("hop1"))])],
        vec![
            role("hop1", trust(json!({"AWS": arn("user", "start")})), &[("hop", assume("hop2"))]),
            role("hop2", trust(json!({"AWS": arn("role", "hop1")})), &[("hop", assume("top"))]),
            attach(role("top", trust(json!({"AWS": arn("role", "hop2")})), &[]), &[ADMIN]),
        ],
        vec![],
        vec![],
    ))
}

fn chain_summary(steps: &[wargame::ChainStep]) -> Vec<(String, String, String, Option<String>)> {
    steps.iter().map(|s| (s.from.clone(), s.to.clone(), s.kind.clone(), s.path.clone())).collect()
}

fn row(from: &str, to: &str, kind: &str, path: Option<&str>) -> (String, String, String, Option<String>) {
    (from.into(), to.into(), kind.into(), path.map(String::from))
}

#[test]
fn a_three_hop_chain_reaches_the_administrator() {
    let g = chain_graph();
    let an = Analysis::new(&g);
    let start = id(&g, &arn("user", "start"));
    assert!(an.can_become_admin(start));
    assert!(!an.powerful[start], "it has to act as others first");
    let chain = wargame::admin_chain(&an, start);
    assert_eq!(
        chain_summary(&chain),
        [
            row(&arn("user", "start"), &arn("role", "hop1"), "assume-role", Some("sts-001")),
            row(&arn("role", "hop1"), &arn("role", "hop2"), "assume-role", Some("sts-001")),
            row(&arn("role", "hop2"), &arn("role", "top"), "assume-role", Some("sts-001")),
            row(&arn("role", "top"), "administrator", "is-admin", None),
        ]
    );
    let last = &chain[3].permissions[0];
    assert_eq!((last.permission.as_str(), last.policy.as_str(), last.statement), ("*", ADMIN, 0));
    // Reaches every user and role of the account: the chain, then the administrator's reach.
    assert_eq!(an.reached_by(start).count_ones(..), 4);
}

#[test]
fn the_chain_stops_where_a_trust_does_not_name_the_caller() {
    let g = graph_of(&details(
        vec![user("start", &[("hop", assume("hop1"))])],
        vec![
            role("hop1", trust(json!({"AWS": arn("user", "start")})), &[("hop", assume("hop2"))]),
            role("hop2", trust(json!({"AWS": arn("user", "someone-else")})), &[("hop", assume("top"))]),
            attach(role("top", trust(json!({"AWS": arn("role", "hop2")})), &[]), &[ADMIN]),
        ],
        vec![],
        vec![],
    ));
    let an = Analysis::new(&g);
    let start = id(&g, &arn("user", "start"));
    assert!(!an.can_become_admin(start));
    assert_eq!(wargame::admin_chain(&an, start).len(), 0);
    assert_eq!(an.reached_by(start).count_ones(..), 2, "itself and hop1");
    // hop2 still becomes administrator through top.
    assert!(an.can_become_admin(id(&g, &arn("role", "hop2"))));
}

#[test]
fn rewriting_ones_own_policy_is_powerful() {
    let me = arn("user", "me");
    let g = graph_of(&details(
        vec![user(
            "me",
            &[(
                "p",
                doc(json!([
                    allow(json!("iam:PutUserPolicy"), json!(me)),
                    allow(json!("s3:ListAllMyBuckets"), json!("*"))
                ])),
            )],
        )],
        vec![role("other", service_trust("ec2.amazonaws.com"), &[])],
        vec![],
        vec![],
    ));
    let an = Analysis::new(&g);
    let i = id(&g, &me);
    assert!(!g.admin[i]);
    assert!(an.powerful[i]);
    assert!(an.can_become_admin(i));
    assert_eq!(chain_summary(&wargame::admin_chain(&an, i)), [row(&me, &me, "modify", Some("iam-007"))]);
    // Powerful: it reaches the role of its account without any edge to it.
    assert!(an.reached_by(i).contains(id(&g, &arn("role", "other"))));
}

#[test]
fn rewriting_a_group_one_belongs_to_is_powerful() {
    let mut me = user("me", &[("p", doc(json!([allow(json!("iam:PutGroupPolicy"), json!(arn("group", "mine")))])))]);
    me["GroupList"] = json!(["mine"]);
    let g = graph_of(&details(vec![me], vec![], vec![group("mine", &[])], vec![]));
    let an = Analysis::new(&g);
    let i = id(&g, &arn("user", "me"));
    assert!(an.powerful[i]);
    let chain = wargame::admin_chain(&an, i);
    assert_eq!(chain_summary(&chain), [row(&arn("user", "me"), &arn("group", "mine"), "modify", Some("iam-011"))]);
}

/// user/me may put a policy on role/target and assume it (pathfinding iam-017).
fn modify_and_assume(target_boundary: Option<&str>) -> Graph {
    let target = arn("role", "target");
    let mut r = role("target", trust(json!({"AWS": format!("arn:aws:iam::{ACCOUNT}:root")})), &[]);
    let mut policies = vec![];
    if let Some(allowed) = target_boundary {
        r["PermissionsBoundary"] = json!({"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": arn("policy", "limit")});
        policies.push(managed("limit", doc(json!([allow(json!(allowed), json!("*"))]))));
    }
    graph_of(&details(
        vec![user("me", &[("p", doc(json!([allow(json!(["iam:PutRolePolicy", "sts:AssumeRole"]), json!(target))])))])],
        vec![r],
        vec![],
        policies,
    ))
}

#[test]
fn iam_017_rewrite_then_assume_becomes_administrator() {
    let g = modify_and_assume(None);
    let an = Analysis::new(&g);
    let (me, target) = (arn("user", "me"), arn("role", "target"));
    let i = id(&g, &me);
    assert!(an.can_become_admin(i));
    assert!(an.powerful[i]);
    let chain = wargame::admin_chain(&an, i);
    assert_eq!(
        chain_summary(&chain),
        [row(&me, &target, "modify", Some("iam-005")), row(&me, &target, "assume-role", Some("sts-001"))]
    );
    let perms: Vec<(&str, usize)> =
        chain.iter().flat_map(|s| &s.permissions).map(|p| (p.permission.as_str(), p.statement)).collect();
    assert_eq!(perms, [("iam:PutRolePolicy", 0), ("sts:AssumeRole", 0)]);
}

#[test]
fn a_restrictive_boundary_on_the_target_keeps_it_from_becoming_administrator() {
    let g = modify_and_assume(Some("s3:*"));
    let an = Analysis::new(&g);
    let i = id(&g, &arn("user", "me"));
    // The edges are there; the rewrite just does not make anyone administrator.
    assert_eq!(
        out_of(&g, &arn("user", "me")),
        [
            fx(&arn("user", "me"), &arn("role", "target"), nextgap_iam::graph::EdgeKind::AssumeRole, "sts-001", None),
            fx(&arn("user", "me"), &arn("role", "target"), nextgap_iam::graph::EdgeKind::Modify, "iam-005", None),
        ]
    );
    assert!(!an.can_become_admin(i));
    assert!(!an.powerful[i]);
    // A boundary that allows IAM does not hold it back.
    let g = modify_and_assume(Some("*"));
    assert!(Analysis::new(&g).can_become_admin(id(&g, &arn("user", "me"))));
}

#[test]
fn modify_without_a_way_in_is_not_escalation() {
    let target = arn("role", "target");
    let g = graph_of(&details(
        vec![user("me", &[("p", doc(json!([allow(json!("iam:PutRolePolicy"), json!(target))])))])],
        vec![role("target", service_trust("ec2.amazonaws.com"), &[])],
        vec![],
        vec![],
    ));
    let an = Analysis::new(&g);
    assert!(!an.can_become_admin(id(&g, &arn("user", "me"))));
}

#[test]
fn a_cycle_of_roles_reaches_the_same_set() {
    let g = graph_of(&details(
        vec![],
        vec![
            role("a", trust(json!({"AWS": arn("role", "b")})), &[("hop", assume("b"))]),
            role("b", trust(json!({"AWS": arn("role", "a")})), &[("hop", assume("a"))]),
        ],
        vec![],
        vec![],
    ));
    let an = Analysis::new(&g);
    let (a, b) = (id(&g, &arn("role", "a")), id(&g, &arn("role", "b")));
    assert_eq!(an.reach.comp[a], an.reach.comp[b]);
    assert_eq!(an.reached_by(a).ones().collect::<Vec<_>>(), [a, b]);
    assert!(!an.can_become_admin(a));
}

#[test]
fn an_administrators_scenario_does_not_reach_the_root_user() {
    let g = graph_of(&details(
        vec![attach(user("boss", &[]), &[ADMIN]), user("dev", &[])],
        vec![role("app", service_trust("ec2.amazonaws.com"), &[])],
        vec![],
        vec![],
    ));
    let an = Analysis::new(&g);
    let boss = id(&g, &arn("user", "boss"));
    let report = wargame::scenario(&an, "leaked-key", "q", &[boss]);
    let reached: Vec<&str> = report.reaches.iter().map(|r| r.principal.as_str()).collect();
    assert_eq!(reached, [arn("user", "boss"), arn("user", "dev"), arn("role", "app")]);
    assert_eq!(report.reaches[1].chain[0].kind, "as-admin");
    // The ranking counts the same principals.
    let ranked = wargame::rank(&an);
    let boss_row = ranked.iter().find(|r| r.name == "boss").unwrap();
    assert_eq!(boss_row.reaches, reached.len() - 1);
}
