//! IAM principals and policies: `GetAccountAuthorizationDetails` rebuilt in the AWS CLI's
//! JSON shape and mapped by `nextgap_snapshot::from_authorization_details` (one mapping for
//! live accounts and CLI exports), plus each user's login profile, MFA devices and access keys.

use crate::scope::{time, Scope};
use aws_sdk_iam::types::{
    AttachedPermissionsBoundary, AttachedPolicy, EntityType, GroupDetail, InstanceProfile, ManagedPolicyDetail,
    PolicyDetail, RoleDetail, Tag, UserDetail,
};
use aws_sdk_iam::Client;
use futures::{stream, StreamExt};
use serde_json::{json, Value};

pub async fn collect(scope: &Scope) {
    let iam = Client::new(&scope.config);
    let Ok(mut details) = authorization_details(scope, &iam).await else { return };
    let users: Vec<(usize, String)> = details["UserDetailList"]
        .as_array()
        .map(|list| list.iter().enumerate().map(|(i, u)| (i, text(u, "UserName"))).collect())
        .unwrap_or_default();
    let extras: Vec<(usize, Value, Value)> = stream::iter(users)
        .map(|(i, name)| {
            let (scope, iam) = (scope, &iam);
            async move { (i, login_profile(scope, iam, &name).await, mfa_devices(scope, iam, &name).await) }
        })
        .buffer_unordered(scope.concurrency)
        .collect()
        .await;
    for (i, login, mfa) in extras {
        let user = &mut details["UserDetailList"][i];
        user["LoginProfile"] = login;
        user["MFADevices"] = mfa;
    }
    let aws_policies = aws_managed_policies(scope, &iam, &details).await;
    if let Some(policies) = details["Policies"].as_array_mut() {
        policies.extend(aws_policies);
    }
    if let Ok(snapshot) = nextgap_snapshot::from_authorization_details(&crate::scope::prune(details.clone())) {
        for r in snapshot.resources {
            scope.push(&r.resource_type, r.arn, r.properties);
        }
        for (arn, document) in snapshot.aws_managed_policies {
            scope.aws_managed_policy(arn, document);
        }
    }
    access_keys(scope, &iam, &details).await;
}

fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or_default().to_string()
}

/// Distinct AWS-managed policy ARNs attached to (or bounding) some user, group or role, sorted.
fn attached_aws_managed(details: &Value) -> Vec<String> {
    let mut arns = std::collections::BTreeSet::new();
    for key in ["UserDetailList", "GroupDetailList", "RoleDetailList"] {
        for principal in details[key].as_array().into_iter().flatten() {
            let attached = principal["AttachedManagedPolicies"].as_array().into_iter().flatten();
            arns.extend(attached.map(|p| text(p, "PolicyArn")));
            arns.insert(text(&principal["PermissionsBoundary"], "PermissionsBoundaryArn"));
        }
    }
    arns.into_iter().filter(|arn| arn.split(':').nth(4) == Some("aws")).collect()
}

/// `Policies` entries (AWS CLI shape, default version only) for the AWS-managed policies in
/// use, read one by one so only the documents that can matter are fetched. A policy that
/// cannot be read is recorded as unavailable and left out of the map.
async fn aws_managed_policies(scope: &Scope, iam: &Client, details: &Value) -> Vec<Value> {
    stream::iter(attached_aws_managed(details))
        .map(|arn| async move { aws_managed_policy(scope, iam, &arn).await })
        .buffer_unordered(scope.concurrency)
        .filter_map(|entry| async move { entry })
        .collect()
        .await
}

async fn aws_managed_policy(scope: &Scope, iam: &Client, arn: &str) -> Option<Value> {
    let policy = scope.read("iam:GetPolicy", iam.get_policy().policy_arn(arn).send()).await.ok()?;
    let policy = policy.policy()?;
    let version_id = policy.default_version_id()?;
    let version = scope
        .read("iam:GetPolicyVersion", iam.get_policy_version().policy_arn(arn).version_id(version_id).send())
        .await
        .ok()?;
    let document = version.policy_version().and_then(|v| v.document())?;
    Some(json!({
        "PolicyName": policy.policy_name(), "Arn": arn, "DefaultVersionId": version_id,
        "PolicyVersionList": [{"VersionId": version_id, "IsDefaultVersion": true, "Document": document}],
    }))
}

/// All pages merged into one AWS CLI-shaped document. AWS-managed policies are not asked for
/// here; the attached ones are read separately ([`aws_managed_policies`]).
async fn authorization_details(scope: &Scope, iam: &Client) -> Result<Value, String> {
    let pages = scope
        .read(
            "iam:GetAccountAuthorizationDetails",
            iam.get_account_authorization_details()
                .set_filter(Some(vec![
                    EntityType::User,
                    EntityType::Group,
                    EntityType::Role,
                    EntityType::LocalManagedPolicy,
                ]))
                .into_paginator()
                .send()
                .try_collect(),
        )
        .await?;
    let (mut users, mut groups, mut roles, mut policies) = (vec![], vec![], vec![], vec![]);
    for page in &pages {
        users.extend(page.user_detail_list().iter().map(user));
        groups.extend(page.group_detail_list().iter().map(group));
        roles.extend(page.role_detail_list().iter().map(role));
        policies.extend(page.policies().iter().map(managed_policy));
    }
    Ok(json!({"UserDetailList": users, "GroupDetailList": groups, "RoleDetailList": roles, "Policies": policies}))
}

fn inline(list: &[PolicyDetail]) -> Value {
    list.iter().map(|p| json!({"PolicyName": p.policy_name(), "PolicyDocument": p.policy_document()})).collect()
}

fn attached(list: &[AttachedPolicy]) -> Value {
    list.iter().map(|p| json!({"PolicyName": p.policy_name(), "PolicyArn": p.policy_arn()})).collect()
}

fn boundary(b: Option<&AttachedPermissionsBoundary>) -> Value {
    b.map(|b| {
        json!({
            "PermissionsBoundaryType": b.permissions_boundary_type().map(|t| t.as_str()),
            "PermissionsBoundaryArn": b.permissions_boundary_arn(),
        })
    })
    .unwrap_or(Value::Null)
}

fn tags(list: &[Tag]) -> Value {
    list.iter().map(|t| json!({"Key": t.key(), "Value": t.value()})).collect()
}

fn user(u: &UserDetail) -> Value {
    json!({
        "Path": u.path(), "UserName": u.user_name(), "UserId": u.user_id(), "Arn": u.arn(),
        "CreateDate": time(u.create_date()),
        "UserPolicyList": inline(u.user_policy_list()),
        "GroupList": u.group_list(),
        "AttachedManagedPolicies": attached(u.attached_managed_policies()),
        "PermissionsBoundary": boundary(u.permissions_boundary()),
        "Tags": tags(u.tags()),
    })
}

fn group(g: &GroupDetail) -> Value {
    json!({
        "Path": g.path(), "GroupName": g.group_name(), "GroupId": g.group_id(), "Arn": g.arn(),
        "CreateDate": time(g.create_date()),
        "GroupPolicyList": inline(g.group_policy_list()),
        "AttachedManagedPolicies": attached(g.attached_managed_policies()),
    })
}

fn role(r: &RoleDetail) -> Value {
    let last_used = r.role_last_used().map(|l| json!({"LastUsedDate": time(l.last_used_date()), "Region": l.region()}));
    json!({
        "Path": r.path(), "RoleName": r.role_name(), "RoleId": r.role_id(), "Arn": r.arn(),
        "CreateDate": time(r.create_date()),
        "AssumeRolePolicyDocument": r.assume_role_policy_document(),
        "RolePolicyList": inline(r.role_policy_list()),
        "AttachedManagedPolicies": attached(r.attached_managed_policies()),
        "PermissionsBoundary": boundary(r.permissions_boundary()),
        "Tags": tags(r.tags()),
        "RoleLastUsed": last_used,
        "InstanceProfileList": r.instance_profile_list().iter().map(instance_profile).collect::<Vec<_>>(),
    })
}

fn instance_profile(p: &InstanceProfile) -> Value {
    let roles: Vec<Value> = p.roles().iter().map(|r| json!({"RoleName": r.role_name(), "Arn": r.arn()})).collect();
    json!({
        "Path": p.path(), "InstanceProfileName": p.instance_profile_name(), "InstanceProfileId": p.instance_profile_id(),
        "Arn": p.arn(), "CreateDate": time(Some(p.create_date())), "Roles": roles,
    })
}

fn managed_policy(m: &ManagedPolicyDetail) -> Value {
    let versions: Vec<Value> = m
        .policy_version_list()
        .iter()
        .map(|v| {
            json!({"Document": v.document(), "VersionId": v.version_id(), "IsDefaultVersion": v.is_default_version(),
                   "CreateDate": time(v.create_date())})
        })
        .collect();
    json!({
        "PolicyName": m.policy_name(), "PolicyId": m.policy_id(), "Arn": m.arn(), "Path": m.path(),
        "DefaultVersionId": m.default_version_id(), "AttachmentCount": m.attachment_count(),
        "IsAttachable": m.is_attachable(), "CreateDate": time(m.create_date()), "UpdateDate": time(m.update_date()),
        "PolicyVersionList": versions,
    })
}

/// `{CreateDate}` when the user has a console password, null when not (or unreadable).
async fn login_profile(scope: &Scope, iam: &Client, user: &str) -> Value {
    let out = scope
        .read_or("iam:GetLoginProfile", iam.get_login_profile().user_name(user).send(), |f| f.code == "NoSuchEntity")
        .await;
    match out {
        Ok(Some(out)) => json!({"CreateDate": time(out.login_profile().map(|p| p.create_date()))}),
        _ => Value::Null,
    }
}

/// Serial numbers of the user's MFA devices, null when unreadable.
async fn mfa_devices(scope: &Scope, iam: &Client, user: &str) -> Value {
    let devices = scope
        .read(
            "iam:ListMFADevices",
            iam.list_mfa_devices().user_name(user).into_paginator().items().send().try_collect(),
        )
        .await;
    match devices {
        Ok(devices) => devices.iter().map(|d| Value::from(d.serial_number())).collect(),
        Err(_) => Value::Null,
    }
}

/// `AWS::IAM::AccessKey` for every key of every user, with its last use.
async fn access_keys(scope: &Scope, iam: &Client, details: &Value) {
    let names: Vec<String> = details["UserDetailList"]
        .as_array()
        .map(|list| list.iter().map(|u| text(u, "UserName")).collect())
        .unwrap_or_default();
    stream::iter(names)
        .for_each_concurrent(scope.concurrency, |name| async move {
            let keys = scope
                .read(
                    "iam:ListAccessKeys",
                    iam.list_access_keys().user_name(&name).into_paginator().items().send().try_collect(),
                )
                .await;
            for key in keys.unwrap_or_default() {
                let id = key.access_key_id().unwrap_or_default();
                let last_used = scope
                    .read("iam:GetAccessKeyLastUsed", iam.get_access_key_last_used().access_key_id(id).send())
                    .await
                    .map(|o| time(o.access_key_last_used().and_then(|l| l.last_used_date())))
                    .unwrap_or(Value::Null);
                let arn = format!("arn:{}:iam::{}:user/{name}/accesskey/{id}", scope.partition, scope.account_id);
                let properties = json!({
                    "UserName": name, "Status": key.status().map(|s| s.as_str()),
                    "CreateDate": time(key.create_date()), "LastUsedDate": last_used,
                });
                scope.push("AWS::IAM::AccessKey", arn, properties);
            }
        })
        .await;
}
