//! What a principal can do that matters in a war game: read or delete production data, delete
//! its backups, blind the audit trail, lock the owners out, persist. Each is one action on one
//! resource of the inventory (or on the account when the inventory has no such resource).

use crate::graph::probe::Probe;
use crate::graph::{build::Item, Graph, NodeKind};
use fixedbitset::FixedBitSet;
use rayon::prelude::*;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    DataRead,
    DataDelete,
    BackupDelete,
    AuditBlind,
    Lockout,
    Persist,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::DataRead => "read data",
            Category::DataDelete => "delete data",
            Category::BackupDelete => "delete backups",
            Category::AuditBlind => "stop or blind the audit trail",
            Category::Lockout => "lock the owners out",
            Category::Persist => "persist",
        }
    }
}

/// What the capability is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A data store (index into the inventory).
    Store(usize),
    /// A backup of the listed stores (empty: of any store, e.g. an AWS Backup vault).
    Backup { item: usize, of: Vec<usize> },
    /// The account (or one of its trails, users or roles).
    Account,
}

#[derive(Clone, Debug, Serialize)]
pub struct Capability {
    pub category: Category,
    pub action: &'static str,
    pub resource: String,
    pub account: String,
    #[serde(skip)]
    pub kind: Kind,
}

/// Stores and the actions that read and delete them.
const STORES: &[(&str, &str, &str, &str)] = &[
    // (type, read action, delete action, resource suffix for object-level actions)
    ("AWS::S3::Bucket", "s3:GetObject", "s3:DeleteObject", "/*"),
    ("AWS::RDS::DBInstance", "rds:ModifyDBInstance", "rds:DeleteDBInstance", ""),
    ("AWS::RDS::DBCluster", "rds:ModifyDBCluster", "rds:DeleteDBCluster", ""),
    ("AWS::DynamoDB::Table", "dynamodb:Scan", "dynamodb:DeleteTable", ""),
    ("AWS::EC2::Volume", "ec2:CreateSnapshot", "ec2:DeleteVolume", ""),
];

const AUDIT: &[&str] = &[
    "cloudtrail:StopLogging",
    "cloudtrail:DeleteTrail",
    "cloudtrail:UpdateTrail",
    "cloudtrail:PutEventSelectors",
    "config:StopConfigurationRecorder",
    "config:DeleteConfigurationRecorder",
    "config:DeleteDeliveryChannel",
    "guardduty:DeleteDetector",
    "guardduty:UpdateDetector",
    "guardduty:DisassociateFromAdministratorAccount",
    "securityhub:DisableSecurityHub",
    "organizations:LeaveOrganization",
];

/// Actions on an owner (an administrator user or role) that take its access away.
const LOCKOUT_USER: &[&str] = &[
    "iam:DeleteUser",
    "iam:DeleteLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:DeactivateMFADevice",
    "iam:DeleteAccessKey",
];
const LOCKOUT_ROLE: &[&str] = &["iam:UpdateAssumeRolePolicy", "iam:DeleteRole", "iam:DetachRolePolicy"];

const PERSIST: &[&str] = &[
    "iam:CreateUser",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:CreateRole",
    "iam:UpdateAssumeRolePolicy",
    "iam:CreateOpenIDConnectProvider",
    "iam:CreateSAMLProvider",
    "sts:GetFederationToken",
];

fn cap(category: Category, action: &'static str, resource: String, account: &str, kind: Kind) -> Capability {
    Capability { category, action, resource, account: account.to_string(), kind }
}

fn prop<'a>(item: &'a Item, key: &str) -> &'a str {
    item.properties.get(key).and_then(|v| v.as_str()).unwrap_or_default()
}

/// Every capability the input allows asking about.
pub fn catalogue(g: &Graph) -> Vec<Capability> {
    let items = &g.inventory.items;
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Some((_, read, delete, suffix)) = STORES.iter().find(|s| s.0 == item.resource_type) else { continue };
        let object = format!("{}{suffix}", item.arn);
        out.push(cap(Category::DataRead, read, object.clone(), &item.account, Kind::Store(i)));
        out.push(cap(Category::DataDelete, delete, object.clone(), &item.account, Kind::Store(i)));
        if item.resource_type == "AWS::S3::Bucket" && versioned(item) {
            let of = vec![i];
            out.push(cap(
                Category::BackupDelete,
                "s3:DeleteObjectVersion",
                object,
                &item.account,
                Kind::Backup { item: i, of },
            ));
        }
    }
    for (i, item) in items.iter().enumerate() {
        if let Some((action, of)) = backup_of(items, item) {
            out.push(cap(
                Category::BackupDelete,
                action,
                item.arn.clone(),
                &item.account,
                Kind::Backup { item: i, of },
            ));
        }
    }
    for account in &g.accounts {
        account_caps(g, account, &mut out);
    }
    out
}

fn versioned(item: &Item) -> bool {
    let status = item.properties.pointer("/VersioningConfiguration/Status").and_then(|v| v.as_str());
    status == Some("Enabled")
}

/// Which stores a backup item holds, and the action that deletes it.
fn backup_of(items: &[Item], item: &Item) -> Option<(&'static str, Vec<usize>)> {
    let find = |ty: &str, key: &str, value: &str| -> Vec<usize> {
        items
            .iter()
            .enumerate()
            .filter(|(_, s)| s.resource_type == ty && s.account == item.account && prop(s, key) == value)
            .map(|(i, _)| i)
            .collect()
    };
    match item.resource_type.as_str() {
        "AWS::EC2::Snapshot" => {
            Some(("ec2:DeleteSnapshot", find("AWS::EC2::Volume", "VolumeId", prop(item, "VolumeId"))))
        }
        "AWS::RDS::DBSnapshot" => Some((
            "rds:DeleteDBSnapshot",
            find("AWS::RDS::DBInstance", "DBInstanceIdentifier", prop(item, "DBInstanceIdentifier")),
        )),
        "AWS::RDS::DBClusterSnapshot" => Some((
            "rds:DeleteDBClusterSnapshot",
            find("AWS::RDS::DBCluster", "DBClusterIdentifier", prop(item, "DBClusterIdentifier")),
        )),
        // A vault's recovery points may be of any store; a locked vault's cannot be deleted.
        "AWS::Backup::BackupVault" if item.properties.get("Locked").and_then(|v| v.as_bool()) != Some(true) => {
            Some(("backup:DeleteRecoveryPoint", Vec::new()))
        }
        _ => None,
    }
}

fn account_caps(g: &Graph, account: &str, out: &mut Vec<Capability>) {
    let trails: Vec<&Item> = g.inventory.of_type("AWS::CloudTrail::Trail").filter(|t| t.account == account).collect();
    for action in AUDIT {
        if action.starts_with("cloudtrail:") && !trails.is_empty() {
            for t in &trails {
                out.push(cap(Category::AuditBlind, action, t.arn.clone(), account, Kind::Account));
            }
        } else {
            out.push(cap(Category::AuditBlind, action, "*".into(), account, Kind::Account));
        }
    }
    for (id, n) in g.nodes.iter().enumerate() {
        if n.account != account || !g.admin[id] {
            continue;
        }
        let actions = match n.kind {
            NodeKind::User => LOCKOUT_USER,
            NodeKind::Role => LOCKOUT_ROLE,
            _ => continue,
        };
        for action in actions {
            out.push(cap(Category::Lockout, action, n.arn.clone(), account, Kind::Account));
        }
    }
    for action in PERSIST {
        out.push(cap(Category::Persist, action, "*".into(), account, Kind::Account));
    }
}

/// Each node's own capabilities: administrators hold every one of their account; others are
/// evaluated action by action, skipping actions nothing of theirs allows.
pub fn own(g: &Graph, caps: &[Capability], powerful: &[bool]) -> Vec<FixedBitSet> {
    (0..g.nodes.len())
        .into_par_iter()
        .map(|id| {
            let node = &g.nodes[id];
            let mut set = FixedBitSet::with_capacity(caps.len());
            if node.is_outside() || node.kind == NodeKind::Group {
                return set;
            }
            let mut probe = Probe::with_rcps(node, &g.rcps);
            for (i, c) in caps.iter().enumerate() {
                if c.account != node.account || c.resource == node.arn {
                    continue;
                }
                if powerful[id] || allowed(g, &mut probe, c) {
                    set.insert(i);
                }
            }
            set
        })
        .collect()
}

fn allowed(g: &Graph, probe: &mut Probe, c: &Capability) -> bool {
    if probe.never(c.action) {
        return false;
    }
    ask(g, probe, c).is_some()
}

/// One capability asked of a probe: the item's resource policy and its account's RCPs apply.
fn ask(g: &Graph, probe: &mut Probe, c: &Capability) -> Option<crate::graph::probe::Allowed> {
    let policy = match &c.kind {
        Kind::Store(i) | Kind::Backup { item: i, .. } => g.inventory.items[*i].policy.as_ref(),
        Kind::Account => None,
    };
    probe.can_on(c.action, &c.resource, &c.account, policy, false)
}

/// The statement that grants a capability to one principal, for explanations.
pub fn explain(g: &Graph, id: usize, c: &Capability) -> Option<crate::graph::probe::Allowed> {
    let mut probe = Probe::with_rcps(&g.nodes[id], &g.rcps);
    ask(g, &mut probe, c)
}
