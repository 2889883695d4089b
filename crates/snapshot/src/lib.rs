//! The account snapshot: everything `nextgap collect` read, written as versioned JSON
//! (gzip when the name ends in `.gz`), and read back by `nextgap audit` to run the rules
//! offline. Also reads the standard AWS CLI exports (`aws iam get-account-authorization-details`
//! JSON, the IAM credential report CSV). Format: `docs/snapshot.md`.
//!
//! No AWS SDK here: auditors without account access build and run this part alone.

mod authz;
mod credential_report;

pub use authz::from_authorization_details;
pub use credential_report::parse_credential_report;

use nextgap_model::account::{Account, Unavailable};
use nextgap_model::policy::from_json;
use nextgap_model::{Model, Node, Pos, Resource, Value};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;

pub const SCHEMA_VERSION: &str = "1";

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub schema_version: String,
    /// `nextgap <version>` that wrote it.
    pub tool: String,
    pub accounts: Vec<AccountSnapshot>,
}

/// One account: its facts, its resources (CloudFormation-shaped), and the reads that failed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AccountSnapshot {
    pub account: Account,
    #[serde(default)]
    pub resources: Vec<LiveResource>,
    #[serde(default)]
    pub unavailable: Vec<Unavailable>,
    /// AWS-managed policy ARN -> its default version's document, for the AWS-managed policies
    /// attached to some principal. Kept apart from `resources`: they are AWS's documents, not
    /// the account's, so no rule judges them; analyses that follow permissions read them here.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub aws_managed_policies: BTreeMap<String, serde_json::Value>,
}

/// A live resource in CloudFormation shape: `type` and property names of the CloudFormation
/// resource specification, so the same rules judge templates and accounts.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LiveResource {
    #[serde(rename = "type")]
    pub resource_type: String,
    pub arn: String,
    pub properties: serde_json::Value,
}

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("{file}: {message}")]
    Read { file: String, message: String },
}

fn err(file: &Path, message: impl ToString) -> SnapshotError {
    SnapshotError::Read { file: file.display().to_string(), message: message.to_string() }
}

/// What an `audit` input file turned out to be.
#[derive(Debug)]
pub enum Input {
    Snapshot(Snapshot),
    /// `aws iam get-account-authorization-details` output.
    AuthorizationDetails(Box<AccountSnapshot>),
    /// An IAM credential report (CSV, as `aws iam get-credential-report` decodes it).
    CredentialReport(Vec<nextgap_model::account::CredentialRow>),
}

/// Reads bytes, gunzipping when they start with the gzip magic; a truncated stream is an
/// error naming the file.
fn read_bytes(path: &Path) -> Result<Vec<u8>, SnapshotError> {
    let raw = std::fs::read(path).map_err(|e| err(path, e))?;
    if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .map_err(|e| err(path, format!("gzip: {e}")))?;
        return Ok(out);
    }
    Ok(raw)
}

/// Reads any supported `audit` input, deciding by content.
pub fn read_input(path: &Path) -> Result<Input, SnapshotError> {
    let bytes = read_bytes(path)?;
    let text = std::str::from_utf8(&bytes).map_err(|e| err(path, format!("not UTF-8 at byte {}", e.valid_up_to())))?;
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with("user,arn,") {
        return parse_credential_report(trimmed).map(Input::CredentialReport).map_err(|e| err(path, e));
    }
    let value: serde_json::Value = serde_json::from_str(trimmed)
        .map_err(|e| err(path, format!("line {} column {}: {e}", e.line(), e.column())))?;
    if value.get("schema_version").is_some() && value.get("accounts").is_some() {
        let snapshot: Snapshot = serde_json::from_value(value).map_err(|e| err(path, e))?;
        if snapshot.schema_version.split('.').next() != Some(SCHEMA_VERSION) {
            return Err(err(
                path,
                format!(
                    "snapshot schema {} is not supported (this nextgap reads {SCHEMA_VERSION})",
                    snapshot.schema_version
                ),
            ));
        }
        return Ok(Input::Snapshot(snapshot));
    }
    if value.get("UserDetailList").is_some() || value.get("RoleDetailList").is_some() {
        return from_authorization_details(&value)
            .map(|a| Input::AuthorizationDetails(Box::new(a)))
            .map_err(|e| err(path, e));
    }
    Err(err(path, "neither a nextgap snapshot, an authorization-details export nor a credential report"))
}

/// Writes the snapshot; gzip when the path ends in `.gz`.
pub fn write(path: &Path, snapshot: &Snapshot) -> Result<(), SnapshotError> {
    let file = std::fs::File::create(path).map_err(|e| err(path, e))?;
    let mut out: Box<dyn Write> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(flate2::write::GzEncoder::new(std::io::BufWriter::new(file), flate2::Compression::default()))
    } else {
        Box::new(std::io::BufWriter::new(file))
    };
    serde_json::to_writer(&mut out, snapshot).map_err(|e| err(path, e))?;
    out.flush().map_err(|e| err(path, e))
}

/// Merges audit inputs into one snapshot: exports without a snapshot become accounts of their
/// own; a credential report joins the account its ARNs name.
pub fn merge(inputs: Vec<Input>) -> Snapshot {
    let mut snapshot = Snapshot { schema_version: SCHEMA_VERSION.into(), ..Default::default() };
    let mut reports = Vec::new();
    for input in inputs {
        match input {
            Input::Snapshot(s) => snapshot.accounts.extend(s.accounts),
            Input::AuthorizationDetails(a) => merge_account(&mut snapshot, *a),
            Input::CredentialReport(rows) => reports.push(rows),
        }
    }
    for rows in reports {
        let account_id = rows.iter().find_map(|r| r.arn.split(':').nth(4).map(String::from)).unwrap_or_default();
        let account = account_for(&mut snapshot, &account_id);
        account.account.credential_report = nextgap_model::Fact::Known(rows);
    }
    snapshot
}

fn account_for<'s>(snapshot: &'s mut Snapshot, account_id: &str) -> &'s mut AccountSnapshot {
    let index = match snapshot.accounts.iter().position(|a| a.account.account_id == account_id) {
        Some(i) => i,
        None => {
            let mut a = AccountSnapshot::default();
            a.account.account_id = account_id.to_string();
            a.account.partition = "aws".into();
            snapshot.accounts.push(a);
            snapshot.accounts.len() - 1
        }
    };
    &mut snapshot.accounts[index]
}

fn merge_account(snapshot: &mut Snapshot, incoming: AccountSnapshot) {
    let target = account_for(snapshot, &incoming.account.account_id.clone());
    let known: std::collections::HashSet<String> = target.resources.iter().map(|r| r.arn.clone()).collect();
    target.resources.extend(incoming.resources.into_iter().filter(|r| !known.contains(&r.arn)));
    for (arn, document) in incoming.aws_managed_policies {
        target.aws_managed_policies.entry(arn).or_insert(document);
    }
}

/// The model of one account: its resources (logical id = ARN, unique across types and
/// regions), a synthetic `AWS::Account` resource for account-level checks, its facts and the
/// reads that failed.
pub fn to_model(snapshot: &AccountSnapshot) -> Model {
    let account = &snapshot.account;
    let mut resources: Vec<Resource> = snapshot.resources.iter().map(live_resource).collect();
    resources.push(Resource {
        logical_id: account.root_arn(),
        resource_type: "AWS::Account".into(),
        pos: Pos::default(),
        properties: Node::synthetic(Value::Map(vec![])),
        metadata: None,
        deletion_policy: None,
        update_replace_policy: None,
        condition: None,
        arn: Some(account.root_arn()),
    });
    let mut model = Model::new(account.account_id.clone(), resources, vec![]);
    model.account = Some(account.clone());
    model.unavailable = snapshot.unavailable.clone();
    model
}

/// Properties may refer to other resources as `{"Ref": "<arn>"}` (a bucket policy's bucket);
/// those become resource references so views link them as in templates.
fn live_resource(r: &LiveResource) -> Resource {
    Resource {
        logical_id: r.arn.clone(),
        resource_type: r.resource_type.clone(),
        pos: Pos::default(),
        properties: with_refs(from_json(&r.properties)),
        metadata: None,
        deletion_policy: None,
        update_replace_policy: None,
        condition: None,
        arn: Some(r.arn.clone()),
    }
}

fn with_refs(node: Node) -> Node {
    let value = match node.value {
        Value::Map(entries) if entries.len() == 1 && entries[0].0.name == "Ref" && entries[0].1.as_str().is_some() => {
            Value::ResourceRef { logical_id: entries[0].1.as_str().unwrap_or_default().to_string(), attribute: None }
        }
        Value::Map(entries) => Value::Map(entries.into_iter().map(|(k, v)| (k, with_refs(v))).collect()),
        Value::List(items) => Value::List(items.into_iter().map(with_refs).collect()),
        other => other,
    };
    Node::new(node.pos, value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> Snapshot {
        let mut account = Account { account_id: "111122223333".into(), partition: "aws".into(), ..Default::default() };
        account.collected_at = "2026-11-23T00:00:00Z".into();
        Snapshot {
            schema_version: SCHEMA_VERSION.into(),
            tool: "nextgap test".into(),
            accounts: vec![AccountSnapshot {
                account,
                resources: vec![
                    LiveResource {
                        resource_type: "AWS::S3::Bucket".into(),
                        arn: "arn:aws:s3:::logs".into(),
                        properties: json!({"BucketName": "logs", "AccessControl": "PublicRead"}),
                    },
                    LiveResource {
                        resource_type: "AWS::S3::BucketPolicy".into(),
                        arn: "arn:aws:s3:::logs/policy".into(),
                        properties: json!({"Bucket": {"Ref": "arn:aws:s3:::logs"}, "PolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]}}),
                    },
                ],
                unavailable: vec![Unavailable {
                    operation: "ec2:DescribeSecurityGroups".into(),
                    region: "eu-west-1".into(),
                    reason: "AccessDenied".into(),
                }],
                aws_managed_policies: BTreeMap::from([(
                    "arn:aws:iam::aws:policy/ReadOnlyAccess".to_string(),
                    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}),
                )]),
            }],
        }
    }

    #[test]
    fn round_trips_plain_and_gzip() {
        let dir = std::env::temp_dir().join(format!("nextgap-snap-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for name in ["s.json", "s.json.gz"] {
            let path = dir.join(name);
            write(&path, &sample()).unwrap();
            match read_input(&path).unwrap() {
                Input::Snapshot(s) => assert_eq!(s, sample()),
                other => panic!("{other:?}"),
            }
        }
        let gz = std::fs::read(dir.join("s.json.gz")).unwrap();
        std::fs::write(dir.join("cut.json.gz"), &gz[..gz.len() / 2]).unwrap();
        let e = read_input(&dir.join("cut.json.gz")).unwrap_err().to_string();
        assert!(e.contains("cut.json.gz") && e.contains("gzip"), "{e}");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn model_links_policies_and_adds_the_account() {
        let model = to_model(&sample().accounts[0]);
        assert_eq!(model.buckets.len(), 1);
        assert_eq!(model.buckets[0].policies.len(), 1);
        assert_eq!(model.buckets[0].acl.as_deref(), Some("PublicRead"));
        let account = model.of_type("AWS::Account").next().unwrap();
        assert_eq!(account.arn.as_deref(), Some("arn:aws:iam::111122223333:root"));
        assert!(model.unavailable("ec2:DescribeSecurityGroups", "eu-west-1").is_some());
        assert!(model.unavailable("ec2:DescribeSecurityGroups", "us-east-1").is_none());
        // The AWS-managed document is AWS's: no resource, no policy for the rules to judge.
        assert_eq!(model.resources.len(), 3);
        assert_eq!(model.policies.len(), 1);
    }

    #[test]
    fn old_snapshots_without_the_new_fields_still_load() {
        let text = r#"{"schema_version": "1", "tool": "nextgap 0.1", "accounts": [{
            "account": {"account_id": "111122223333", "collected_at": "2026-11-23T00:00:00Z", "regions": [],
                "organization": {"known": {"id": "o-1", "management_account_id": "111122223333",
                    "service_control_policies": {"known": [{"id": "p-1", "name": "guard", "document": {}}]}}}},
            "resources": []}]}"#;
        let snapshot: Snapshot = serde_json::from_str(text).unwrap();
        let account = &snapshot.accounts[0];
        assert!(account.aws_managed_policies.is_empty());
        let org = account.account.organization.known().unwrap().as_ref().unwrap();
        assert_eq!(org.parents.reason(), Some("not collected"));
        assert_eq!(org.resource_control_policies.reason(), Some("not collected"));
        assert_eq!(org.service_control_policies.known().unwrap()[0].targets, Vec::<String>::new());
        let written = serde_json::to_value(&snapshot).unwrap();
        assert!(written["accounts"][0].get("aws_managed_policies").is_none(), "empty map is not written");
    }

    #[test]
    fn merging_keeps_aws_managed_policies() {
        let mut second = sample().accounts[0].clone();
        second.aws_managed_policies.insert("arn:aws:iam::aws:policy/Other".into(), json!({"Statement": []}));
        let merged = merge(vec![Input::Snapshot(sample()), Input::AuthorizationDetails(Box::new(second))]);
        assert_eq!(merged.accounts.len(), 1);
        let arns: Vec<&str> = merged.accounts[0].aws_managed_policies.keys().map(String::as_str).collect();
        assert_eq!(arns, ["arn:aws:iam::aws:policy/Other", "arn:aws:iam::aws:policy/ReadOnlyAccess"]);
    }
}
