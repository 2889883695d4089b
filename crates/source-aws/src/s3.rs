//! S3 buckets (listed once per account, read in their own region) and their policies.

use crate::client;
use crate::errors::Failure;
use crate::scope::Scope;
use aws_sdk_s3::operation::get_bucket_acl::GetBucketAclOutput;
use aws_sdk_s3::types::{Grant, ReplicationConfiguration, ServerSideEncryptionConfiguration};
use aws_sdk_s3::Client;
use futures::{stream, StreamExt};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";
const AUTHENTICATED_USERS: &str = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";

pub async fn collect(scope: &Scope) {
    let s3 = client::s3(&scope.config, scope.custom_endpoint);
    let Ok(pages) = scope.read("s3:ListBuckets", s3.list_buckets().into_paginator().send().try_collect()).await else {
        return;
    };
    let names: Vec<(String, Option<String>)> = pages
        .iter()
        .flat_map(|p| p.buckets())
        .filter_map(|b| Some((b.name()?.to_string(), b.bucket_region().map(String::from))))
        .collect();
    let mut clients: BTreeMap<String, Client> = BTreeMap::new();
    let mut buckets = Vec::new();
    for (name, region) in names {
        let region = match region {
            Some(r) => r,
            None => location(scope, &s3, &name).await,
        };
        let c = clients
            .entry(region.clone())
            .or_insert_with(|| client::s3(&client::in_region(&scope.config, &region), scope.custom_endpoint))
            .clone();
        buckets.push((name, region, c));
    }
    stream::iter(buckets)
        .for_each_concurrent(scope.concurrency, |(name, region, c)| async move {
            bucket(&scope.reporting_in(&region), &c, &name, &region).await
        })
        .await;
}

/// The bucket's region (GetBucketLocation: none means us-east-1, `EU` eu-west-1).
async fn location(scope: &Scope, s3: &Client, name: &str) -> String {
    match scope.read("s3:GetBucketLocation", s3.get_bucket_location().bucket(name).send()).await {
        Ok(out) => match out.location_constraint().map(|l| l.as_str()) {
            None | Some("") => "us-east-1".to_string(),
            Some("EU") => "eu-west-1".to_string(),
            Some(r) => r.to_string(),
        },
        Err(_) => client::home_region(&scope.config),
    }
}

fn code(code: &'static str) -> impl Fn(&Failure) -> bool {
    move |f| f.code_starts_with(code)
}

async fn bucket(scope: &Scope, s3: &Client, name: &str, region: &str) {
    let (acl, pab, versioning, encryption, logging, lock, replication, status, policy) = tokio::join!(
        scope.read("s3:GetBucketAcl", s3.get_bucket_acl().bucket(name).send()),
        scope.read_or(
            "s3:GetPublicAccessBlock",
            s3.get_public_access_block().bucket(name).send(),
            code("NoSuchPublicAccessBlockConfiguration")
        ),
        scope.read("s3:GetBucketVersioning", s3.get_bucket_versioning().bucket(name).send()),
        scope.read_or(
            "s3:GetBucketEncryption",
            s3.get_bucket_encryption().bucket(name).send(),
            code("ServerSideEncryptionConfigurationNotFound")
        ),
        scope.read("s3:GetBucketLogging", s3.get_bucket_logging().bucket(name).send()),
        scope.read_or(
            "s3:GetObjectLockConfiguration",
            s3.get_object_lock_configuration().bucket(name).send(),
            code("ObjectLockConfigurationNotFound")
        ),
        scope.read_or(
            "s3:GetBucketReplication",
            s3.get_bucket_replication().bucket(name).send(),
            code("ReplicationConfigurationNotFound")
        ),
        scope.read_or(
            "s3:GetBucketPolicyStatus",
            s3.get_bucket_policy_status().bucket(name).send(),
            code("NoSuchBucketPolicy")
        ),
        scope.read_or("s3:GetBucketPolicy", s3.get_bucket_policy().bucket(name).send(), code("NoSuchBucketPolicy")),
    );
    let arn = format!("arn:{}:s3:::{name}", scope.partition);
    let mut p = Map::new();
    p.insert("BucketName".into(), json!(name));
    p.insert("Region".into(), json!(region));
    if let Ok(acl) = &acl {
        p.insert("AccessControl".into(), json!(canned_acl(acl.grants())));
        p.insert("AclGrants".into(), grants(acl));
    }
    if let Ok(Some(out)) = &pab {
        p.insert("PublicAccessBlockConfiguration".into(), public_access_block(out.public_access_block_configuration()));
    }
    if let Ok(v) = &versioning {
        p.insert("VersioningConfiguration".into(), json!({"Status": v.status().map(|s| s.as_str())}));
    }
    if let Ok(Some(e)) = &encryption {
        p.insert("BucketEncryption".into(), bucket_encryption(e.server_side_encryption_configuration()));
    }
    if let Ok(l) = &logging {
        let conf = l
            .logging_enabled()
            .map(|l| json!({"DestinationBucketName": l.target_bucket(), "LogFilePrefix": l.target_prefix()}));
        p.insert("LoggingConfiguration".into(), conf.unwrap_or(Value::Null));
    }
    if let Ok(lock) = &lock {
        let enabled = lock
            .as_ref()
            .and_then(|o| o.object_lock_configuration())
            .and_then(|c| c.object_lock_enabled())
            .is_some_and(|e| e.as_str() == "Enabled");
        p.insert("ObjectLockEnabled".into(), json!(enabled));
    }
    if let Ok(Some(r)) = &replication {
        p.insert("ReplicationConfiguration".into(), replication_configuration(r.replication_configuration()));
    }
    if let Ok(status) = &status {
        let public = status.as_ref().and_then(|s| s.policy_status()).and_then(|s| s.is_public()).unwrap_or(false);
        p.insert("PolicyStatus".into(), json!({"IsPublic": public}));
    }
    scope.push("AWS::S3::Bucket", arn.clone(), Value::Object(p));
    if let Ok(Some(out)) = policy {
        let text = out.policy().unwrap_or_default();
        let document = serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()));
        scope.push(
            "AWS::S3::BucketPolicy",
            format!("{arn}/policy"),
            json!({"Bucket": {"Ref": arn}, "PolicyDocument": document}),
        );
    }
}

/// The canned ACL the grants amount to: what the public (or every AWS user) may do.
pub fn canned_acl(grants: &[Grant]) -> &'static str {
    let perms = |uri: &str| -> Vec<&str> {
        grants
            .iter()
            .filter(|g| g.grantee().and_then(|e| e.uri()) == Some(uri))
            .filter_map(|g| g.permission().map(|p| p.as_str()))
            .collect()
    };
    let public = perms(ALL_USERS);
    let writes = |p: &[&str]| p.iter().any(|p| matches!(*p, "WRITE" | "WRITE_ACP" | "FULL_CONTROL"));
    let reads = |p: &[&str]| p.iter().any(|p| matches!(*p, "READ" | "READ_ACP"));
    if writes(&public) {
        "PublicReadWrite"
    } else if reads(&public) {
        "PublicRead"
    } else if !perms(AUTHENTICATED_USERS).is_empty() {
        "AuthenticatedRead"
    } else {
        "Private"
    }
}

fn grants(acl: &GetBucketAclOutput) -> Value {
    acl.grants()
        .iter()
        .map(|g| {
            let grantee = g.grantee().map(|e| {
                json!({"Type": e.r#type().as_str(), "URI": e.uri(), "ID": e.id(), "DisplayName": e.display_name(),
                       "EmailAddress": e.email_address()})
            });
            json!({"Grantee": grantee, "Permission": g.permission().map(|p| p.as_str())})
        })
        .collect()
}

fn public_access_block(c: Option<&aws_sdk_s3::types::PublicAccessBlockConfiguration>) -> Value {
    let flag = |v: Option<bool>| v.unwrap_or(false);
    c.map(|c| {
        json!({
            "BlockPublicAcls": flag(c.block_public_acls()),
            "IgnorePublicAcls": flag(c.ignore_public_acls()),
            "BlockPublicPolicy": flag(c.block_public_policy()),
            "RestrictPublicBuckets": flag(c.restrict_public_buckets()),
        })
    })
    .unwrap_or(Value::Null)
}

fn bucket_encryption(c: Option<&ServerSideEncryptionConfiguration>) -> Value {
    let rules: Vec<Value> = c
        .map(|c| c.rules())
        .unwrap_or_default()
        .iter()
        .map(|r| {
            let default = r
                .apply_server_side_encryption_by_default()
                .map(|d| json!({"SSEAlgorithm": d.sse_algorithm().as_str(), "KMSMasterKeyID": d.kms_master_key_id()}));
            json!({"ServerSideEncryptionByDefault": default, "BucketKeyEnabled": r.bucket_key_enabled()})
        })
        .collect();
    json!({ "ServerSideEncryptionConfiguration": rules })
}

#[allow(deprecated)]
fn prefix(r: &aws_sdk_s3::types::ReplicationRule) -> Option<&str> {
    r.prefix()
}

fn replication_configuration(c: Option<&ReplicationConfiguration>) -> Value {
    let Some(c) = c else { return Value::Null };
    let rules: Vec<Value> = c
        .rules()
        .iter()
        .map(|r| {
            let destination = r.destination().map(|d| json!({"Bucket": d.bucket(), "Account": d.account()}));
            json!({"Id": r.id(), "Status": r.status().as_str(), "Priority": r.priority(), "Prefix": prefix(r),
                   "Destination": destination})
        })
        .collect();
    json!({"Role": c.role(), "Rules": rules})
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_s3::types::{Grantee, Permission, Type};

    fn grant(uri: &str, permission: Permission) -> Grant {
        let grantee = Grantee::builder().r#type(Type::Group).uri(uri).build().unwrap();
        Grant::builder().grantee(grantee).permission(permission).build()
    }

    #[test]
    fn canned_equivalent_of_grants() {
        assert_eq!(canned_acl(&[]), "Private");
        assert_eq!(canned_acl(&[grant(ALL_USERS, Permission::Read)]), "PublicRead");
        assert_eq!(
            canned_acl(&[grant(ALL_USERS, Permission::Read), grant(ALL_USERS, Permission::Write)]),
            "PublicReadWrite"
        );
        assert_eq!(canned_acl(&[grant(ALL_USERS, Permission::FullControl)]), "PublicReadWrite");
        assert_eq!(canned_acl(&[grant(AUTHENTICATED_USERS, Permission::Read)]), "AuthenticatedRead");
    }
}
