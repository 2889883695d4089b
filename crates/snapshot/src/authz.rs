//! `aws iam get-account-authorization-details` (the AWS CLI's JSON) into CloudFormation-shaped
//! IAM resources. The live collector builds the same JSON from the SDK, so there is one mapping.

use crate::{AccountSnapshot, LiveResource};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Policy documents arrive as objects (AWS CLI) or URL-encoded JSON text (the raw API).
pub fn decode_document(doc: &Value) -> Value {
    match doc {
        Value::String(text) => {
            let decoded = percent_encoding::percent_decode_str(text).decode_utf8_lossy();
            serde_json::from_str(&decoded).unwrap_or_else(|_| Value::String(text.clone()))
        }
        other => other.clone(),
    }
}

fn list<'a>(v: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    v.get(key).and_then(Value::as_array).into_iter().flatten()
}

fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or_default().to_string()
}

/// `[{PolicyName, PolicyDocument}]` from a `*PolicyList`.
fn inline_policies(v: &Value, key: &str) -> Value {
    Value::Array(
        list(v, key)
            .map(|p| json!({"PolicyName": text(p, "PolicyName"), "PolicyDocument": decode_document(&p["PolicyDocument"])}))
            .collect(),
    )
}

fn managed_arns(v: &Value) -> Value {
    Value::Array(list(v, "AttachedManagedPolicies").map(|p| Value::String(text(p, "PolicyArn"))).collect())
}

/// Copies the keys present (dates, last use, boundaries) so rules on age and use can read them.
fn copy(from: &Value, to: &mut Map<String, Value>, keys: &[&str]) {
    for key in keys {
        if let Some(v) = from.get(*key) {
            to.insert((*key).to_string(), v.clone());
        }
    }
}

fn resource(resource_type: &str, arn: String, properties: Map<String, Value>) -> LiveResource {
    LiveResource { resource_type: resource_type.into(), arn, properties: Value::Object(properties) }
}

fn users(details: &Value, out: &mut Vec<LiveResource>) {
    for u in list(details, "UserDetailList") {
        let mut p = Map::new();
        p.insert("UserName".into(), json!(text(u, "UserName")));
        p.insert("Groups".into(), u.get("GroupList").cloned().unwrap_or(json!([])));
        p.insert("ManagedPolicyArns".into(), managed_arns(u));
        p.insert("Policies".into(), inline_policies(u, "UserPolicyList"));
        copy(
            u,
            &mut p,
            &["Path", "CreateDate", "PermissionsBoundary", "Tags", "LoginProfile", "AccessKeys", "MFADevices"],
        );
        out.push(resource("AWS::IAM::User", text(u, "Arn"), p));
    }
}

fn groups(details: &Value, out: &mut Vec<LiveResource>) {
    for g in list(details, "GroupDetailList") {
        let mut p = Map::new();
        p.insert("GroupName".into(), json!(text(g, "GroupName")));
        p.insert("ManagedPolicyArns".into(), managed_arns(g));
        p.insert("Policies".into(), inline_policies(g, "GroupPolicyList"));
        copy(g, &mut p, &["Path", "CreateDate"]);
        out.push(resource("AWS::IAM::Group", text(g, "Arn"), p));
    }
}

fn roles(details: &Value, out: &mut Vec<LiveResource>) {
    for r in list(details, "RoleDetailList") {
        let mut p = Map::new();
        p.insert("RoleName".into(), json!(text(r, "RoleName")));
        p.insert("AssumeRolePolicyDocument".into(), decode_document(&r["AssumeRolePolicyDocument"]));
        p.insert("ManagedPolicyArns".into(), managed_arns(r));
        p.insert("Policies".into(), inline_policies(r, "RolePolicyList"));
        copy(r, &mut p, &["Path", "CreateDate", "PermissionsBoundary", "RoleLastUsed", "Tags"]);
        out.push(resource("AWS::IAM::Role", text(r, "Arn"), p));
    }
}

/// `AWS::IAM::InstanceProfile` for each profile in a role's `InstanceProfileList`, once per ARN
/// (a profile shows up under every role it holds). `Roles` are the role names the profile
/// itself lists.
fn instance_profiles(details: &Value, out: &mut Vec<LiveResource>) {
    let mut seen = BTreeSet::new();
    for profile in list(details, "RoleDetailList").flat_map(|r| list(r, "InstanceProfileList")) {
        let arn = text(profile, "Arn");
        if arn.is_empty() || !seen.insert(arn.clone()) {
            continue;
        }
        let mut p = Map::new();
        p.insert("InstanceProfileName".into(), json!(text(profile, "InstanceProfileName")));
        p.insert("Roles".into(), list(profile, "Roles").map(|r| json!(text(r, "RoleName"))).collect());
        copy(profile, &mut p, &["Path", "CreateDate"]);
        out.push(resource("AWS::IAM::InstanceProfile", arn, p));
    }
}

fn is_aws_managed(arn: &str) -> bool {
    arn.split(':').nth(4) == Some("aws")
}

/// The default version's document of a `Policies` entry (null when the export lacks it).
fn default_document(m: &Value) -> Value {
    let default = text(m, "DefaultVersionId");
    list(m, "PolicyVersionList")
        .find(|v| {
            v.get("IsDefaultVersion").and_then(Value::as_bool).unwrap_or(false) || text(v, "VersionId") == default
        })
        .map(|v| decode_document(&v["Document"]))
        .unwrap_or(Value::Null)
}

/// AWS-managed policies: ARN -> default document, only where the export has the document.
fn aws_managed_policies(details: &Value) -> BTreeMap<String, Value> {
    list(details, "Policies")
        .map(|m| (text(m, "Arn"), m))
        .filter(|(arn, _)| is_aws_managed(arn))
        .map(|(arn, m)| (arn, default_document(m)))
        .filter(|(_, document)| !document.is_null())
        .collect()
}

/// Customer-managed policies only: AWS-managed ones are AWS's documents; their attachment is
/// judged on the principal (`ManagedPolicyArns`).
fn managed_policies(details: &Value, out: &mut Vec<LiveResource>) {
    for m in list(details, "Policies") {
        let arn = text(m, "Arn");
        if is_aws_managed(&arn) {
            continue;
        }
        let document = default_document(m);
        let mut p = Map::new();
        p.insert("ManagedPolicyName".into(), json!(text(m, "PolicyName")));
        p.insert("PolicyDocument".into(), document);
        copy(m, &mut p, &["Path", "AttachmentCount", "CreateDate", "UpdateDate"]);
        out.push(resource("AWS::IAM::ManagedPolicy", arn, p));
    }
}

/// Builds an account's IAM resources from an authorization-details export.
pub fn from_authorization_details(details: &Value) -> Result<AccountSnapshot, String> {
    let mut resources = Vec::new();
    users(details, &mut resources);
    groups(details, &mut resources);
    roles(details, &mut resources);
    instance_profiles(details, &mut resources);
    managed_policies(details, &mut resources);
    let account_id = resources
        .iter()
        .filter_map(|r| r.arn.split(':').nth(4))
        .find(|a| a.len() == 12 && a.chars().all(|c| c.is_ascii_digit()))
        .ok_or("no ARN with an account id in the export")?
        .to_string();
    let mut snapshot =
        AccountSnapshot { resources, aws_managed_policies: aws_managed_policies(details), ..Default::default() };
    snapshot.account.account_id = account_id;
    snapshot.account.partition = "aws".into();
    Ok(snapshot)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_users_roles_and_customer_policies() {
        let details = json!({
            "UserDetailList": [{"UserName": "ci", "Arn": "arn:aws:iam::111122223333:user/ci", "GroupList": ["ops"],
                "AttachedManagedPolicies": [{"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}],
                "UserPolicyList": [{"PolicyName": "inline", "PolicyDocument": "%7B%22Statement%22%3A%5B%5D%7D"}]}],
            "RoleDetailList": [{"RoleName": "app", "Arn": "arn:aws:iam::111122223333:role/app",
                "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]},
                "RolePolicyList": [], "AttachedManagedPolicies": []}],
            "GroupDetailList": [],
            "Policies": [
                {"PolicyName": "AdministratorAccess", "Arn": "arn:aws:iam::aws:policy/AdministratorAccess", "DefaultVersionId": "v1", "PolicyVersionList": []},
                {"PolicyName": "mine", "Arn": "arn:aws:iam::111122223333:policy/mine", "DefaultVersionId": "v2",
                 "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": false, "Document": {"Statement": []}},
                                       {"VersionId": "v2", "IsDefaultVersion": true, "Document": {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}]}
            ]
        });
        let snap = from_authorization_details(&details).unwrap();
        assert_eq!(snap.account.account_id, "111122223333");
        let types: Vec<&str> = snap.resources.iter().map(|r| r.resource_type.as_str()).collect();
        assert_eq!(types, ["AWS::IAM::User", "AWS::IAM::Role", "AWS::IAM::ManagedPolicy"]);
        assert_eq!(snap.resources[0].properties["Policies"][0]["PolicyDocument"], json!({"Statement": []}));
        assert_eq!(snap.resources[2].properties["PolicyDocument"]["Statement"][0]["Action"], "*");
        let model = crate::to_model(&snap);
        assert!(model.policies.iter().any(|p| p.statements.iter().any(|s| s.is_admin())));
        assert!(snap.aws_managed_policies.is_empty(), "the export has no AdministratorAccess document");
    }

    fn profile(name: &str, roles: &[&str]) -> Value {
        json!({"Path": "/", "InstanceProfileName": name, "InstanceProfileId": "AIPA0000",
               "Arn": format!("arn:aws:iam::111122223333:instance-profile/{name}"),
               "Roles": roles.iter().map(|r| json!({"RoleName": r, "Arn": format!("arn:aws:iam::111122223333:role/{r}")})).collect::<Vec<_>>()})
    }

    #[test]
    fn instance_profiles_come_from_roles_once_each() {
        let details = json!({
            "RoleDetailList": [
                {"RoleName": "web", "Arn": "arn:aws:iam::111122223333:role/web",
                 "InstanceProfileList": [profile("web-profile", &["web"]), profile("shared", &["web", "batch"])]},
                {"RoleName": "batch", "Arn": "arn:aws:iam::111122223333:role/batch",
                 "InstanceProfileList": [profile("shared", &["web", "batch"])]},
                {"RoleName": "lambda", "Arn": "arn:aws:iam::111122223333:role/lambda"}
            ]
        });
        let snap = from_authorization_details(&details).unwrap();
        let profiles: Vec<(&str, &Value)> = snap
            .resources
            .iter()
            .filter(|r| r.resource_type == "AWS::IAM::InstanceProfile")
            .map(|r| (r.arn.as_str(), &r.properties))
            .collect();
        assert_eq!(
            profiles,
            [
                (
                    "arn:aws:iam::111122223333:instance-profile/web-profile",
                    &json!({"InstanceProfileName": "web-profile", "Roles": ["web"], "Path": "/"})
                ),
                (
                    "arn:aws:iam::111122223333:instance-profile/shared",
                    &json!({"InstanceProfileName": "shared", "Roles": ["web", "batch"], "Path": "/"})
                ),
            ]
        );
        assert_eq!(snap.resources.len(), 5, "three roles and two profiles");
    }

    #[test]
    fn aws_managed_documents_are_kept_apart_from_resources() {
        let read_only = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"}]});
        let details = json!({
            "UserDetailList": [{"UserName": "ci", "Arn": "arn:aws:iam::111122223333:user/ci",
                "AttachedManagedPolicies": [{"PolicyName": "ReadOnly", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnly"},
                                            {"PolicyName": "Admin", "PolicyArn": "arn:aws:iam::aws:policy/Admin"}]}],
            "Policies": [
                {"PolicyName": "ReadOnly", "Arn": "arn:aws:iam::aws:policy/ReadOnly", "DefaultVersionId": "v3",
                 "PolicyVersionList": [
                     {"VersionId": "v2", "IsDefaultVersion": false, "Document": {"Statement": []}},
                     {"VersionId": "v3", "IsDefaultVersion": true,
                      "Document": "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%5B%22s3%3AGet%2A%22%2C%22s3%3AList%2A%22%5D%2C%22Resource%22%3A%22%2A%22%7D%5D%7D"}]},
                {"PolicyName": "Admin", "Arn": "arn:aws:iam::aws:policy/Admin", "DefaultVersionId": "v1",
                 "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true,
                     "Document": {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}]},
                {"PolicyName": "NoDocument", "Arn": "arn:aws:iam::aws:policy/service-role/NoDocument", "DefaultVersionId": "v1"}
            ]
        });
        let snap = from_authorization_details(&details).unwrap();
        let expected: BTreeMap<String, Value> = BTreeMap::from([
            (
                "arn:aws:iam::aws:policy/Admin".to_string(),
                json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
            ),
            ("arn:aws:iam::aws:policy/ReadOnly".to_string(), read_only),
        ]);
        assert_eq!(snap.aws_managed_policies, expected);
        let types: Vec<&str> = snap.resources.iter().map(|r| r.resource_type.as_str()).collect();
        assert_eq!(types, ["AWS::IAM::User"]);
        // The rules see the user and its (empty) inline policies only, not AWS's documents.
        let model = crate::to_model(&snap);
        assert_eq!(model.resources.len(), 2);
        assert!(model.policies.iter().all(|p| p.statements.iter().all(|s| !s.is_admin())));
    }
}
