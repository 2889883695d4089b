//! Small authorization-details fixtures for the graph tests: one account, principals with
//! inline policies, and helpers that read the graph's edges back as plain tuples so tests can
//! compare them exactly.

#![allow(dead_code)]

use nextgap_iam::graph::{self, Edge, EdgeKind, Graph};
use nextgap_snapshot::{AccountSnapshot, LiveResource};
use serde_json::{json, Value};

pub const ACCOUNT: &str = "111122223333";
pub const REGION: &str = "eu-west-1";
pub const ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

pub fn arn(kind: &str, name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:{kind}/{name}")
}

pub fn doc(statements: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

pub fn allow(action: Value, resource: Value) -> Value {
    json!({"Effect": "Allow", "Action": action, "Resource": resource})
}

pub fn deny(action: Value, resource: Value) -> Value {
    json!({"Effect": "Deny", "Action": action, "Resource": resource})
}

/// A trust policy allowing `principal` to `sts:AssumeRole`.
pub fn trust(principal: Value) -> Value {
    doc(json!([{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]))
}

pub fn service_trust(service: &str) -> Value {
    trust(json!({"Service": service}))
}

fn inline(policies: &[(&str, Value)]) -> Value {
    policies.iter().map(|(n, d)| json!({"PolicyName": n, "PolicyDocument": d})).collect()
}

/// A `UserDetailList` entry.
pub fn user(name: &str, policies: &[(&str, Value)]) -> Value {
    json!({"UserName": name, "Arn": arn("user", name), "GroupList": [], "AttachedManagedPolicies": [],
           "UserPolicyList": inline(policies)})
}

/// A `RoleDetailList` entry.
pub fn role(name: &str, trust: Value, policies: &[(&str, Value)]) -> Value {
    json!({"RoleName": name, "Arn": arn("role", name), "AssumeRolePolicyDocument": trust,
           "AttachedManagedPolicies": [], "RolePolicyList": inline(policies)})
}

/// A `GroupDetailList` entry.
pub fn group(name: &str, policies: &[(&str, Value)]) -> Value {
    json!({"GroupName": name, "Arn": arn("group", name), "AttachedManagedPolicies": [],
           "GroupPolicyList": inline(policies)})
}

/// A customer-managed `Policies` entry with one (default) version.
pub fn managed(name: &str, document: Value) -> Value {
    json!({"PolicyName": name, "Arn": arn("policy", name), "DefaultVersionId": "v1",
           "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true, "Document": document}]})
}

/// Attaches managed policies to a principal entry.
pub fn attach(mut principal: Value, arns: &[&str]) -> Value {
    principal["AttachedManagedPolicies"] =
        arns.iter().map(|a| json!({"PolicyName": a.rsplit('/').next(), "PolicyArn": a})).collect();
    principal
}

pub fn details(users: Vec<Value>, roles: Vec<Value>, groups: Vec<Value>, policies: Vec<Value>) -> Value {
    json!({"UserDetailList": users, "RoleDetailList": roles, "GroupDetailList": groups, "Policies": policies})
}

pub fn snapshot(details: &Value) -> AccountSnapshot {
    let mut snap = nextgap_snapshot::from_authorization_details(details).expect("fixture reads");
    // Not in an Organization: no SCPs, and no "Organization not read" notice.
    snap.account.organization = nextgap_model::account::Fact::Known(None);
    snap
}

pub fn live(resource_type: &str, arn: &str, properties: Value) -> LiveResource {
    LiveResource { resource_type: resource_type.into(), arn: arn.into(), properties }
}

/// An active access key of a user (live snapshots list them; exports do not).
pub fn access_key(user: &str, id: &str) -> LiveResource {
    live(
        "AWS::IAM::AccessKey",
        &format!("{}/accesskey/{id}", arn("user", user)),
        json!({"UserName": user, "Status": "Active"}),
    )
}

pub fn build(snap: &AccountSnapshot) -> Graph {
    graph::build(&graph::Input { accounts: vec![snap] })
}

pub fn graph_of(details: &Value) -> Graph {
    build(&snapshot(details))
}

pub fn id(g: &Graph, arn: &str) -> usize {
    g.node(arn).unwrap_or_else(|| panic!("no node {arn}"))
}

/// An edge as plain data: (from, to, kind, path, via).
pub type Flat = (String, String, EdgeKind, &'static str, Option<String>);

pub fn flat(g: &Graph, e: &Edge) -> Flat {
    (g.nodes[e.from].arn.clone(), g.nodes[e.to].arn.clone(), e.kind, e.path.unwrap_or(""), e.via.clone())
}

/// Every "acts as" and "modifies" edge leaving a principal.
pub fn out_of(g: &Graph, from: &str) -> Vec<Flat> {
    let from = id(g, from);
    g.edges.iter().chain(&g.modifies).filter(|e| e.from == from).map(|e| flat(g, e)).collect()
}

/// Every edge of the graph (acts and modifies).
pub fn all_edges(g: &Graph) -> Vec<Flat> {
    g.edges.iter().chain(&g.modifies).map(|e| flat(g, e)).collect()
}

/// The one edge (acts or modifies) from `from` to `to` of `kind`.
pub fn edge<'g>(g: &'g Graph, from: &str, to: &str, kind: EdgeKind) -> &'g Edge {
    let (f, t) = (id(g, from), id(g, to));
    let found: Vec<&Edge> =
        g.edges.iter().chain(&g.modifies).filter(|e| e.from == f && e.to == t && e.kind == kind).collect();
    assert_eq!(found.len(), 1, "{from} -> {to} {kind:?}: {:?}", all_edges(g));
    found[0]
}

/// An edge's steps as (permission, resource, policy, statement).
pub fn steps(e: &Edge) -> Vec<(&str, &str, &str, usize)> {
    e.steps.iter().map(|s| (s.permission.as_str(), s.resource.as_str(), s.policy.as_str(), s.statement)).collect()
}

pub fn fx(from: &str, to: &str, kind: EdgeKind, path: &'static str, via: Option<&str>) -> Flat {
    (from.to_string(), to.to_string(), kind, path, via.map(String::from))
}
