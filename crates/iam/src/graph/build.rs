//! From snapshots (or an authorization-details export, read as one) to the nodes of the graph:
//! each principal with its effective policy set, plus the inventory that existing-resource
//! paths and blast radius need.

use super::{edges, Graph, Node, NodeId, NodeKind};
use crate::eval::{Policy, PolicySet};
use nextgap_model::account::{Fact, NamedPolicy};
use nextgap_snapshot::{AccountSnapshot, LiveResource};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// The accounts to put in one graph (cross-account trust between them becomes edges).
pub struct Input<'a> {
    pub accounts: Vec<&'a AccountSnapshot>,
}

/// A resource the blast radius looks at, or compute whose role can be borrowed.
#[derive(Debug, Clone)]
pub struct Item {
    pub arn: String,
    pub resource_type: String,
    pub account: String,
    pub properties: Value,
    /// Its resource policy (bucket policy), when the input has one.
    pub policy: Option<Arc<Policy>>,
}

#[derive(Debug, Default)]
pub struct Inventory {
    pub items: Vec<Item>,
}

impl Inventory {
    pub fn of_type<'a>(&'a self, resource_type: &'a str) -> impl Iterator<Item = &'a Item> + 'a {
        self.items.iter().filter(move |i| i.resource_type == resource_type)
    }
}

/// AWS-managed policies whose meaning is certain without their document, for exports that
/// leave AWS-managed documents out.
fn well_known(arn: &str) -> Option<Value> {
    let name = arn.rsplit('/').next()?;
    (name == "AdministratorAccess")
        .then(|| json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
}

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    v.get(key).and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(String::from).collect()
}

/// Parsed policies, shared between the principals they are attached to.
struct Policies<'g> {
    managed: HashMap<String, Arc<Policy>>,
    /// Managed policies present but unparseable: already reported once.
    broken: std::collections::HashSet<String>,
    unknowns: &'g mut Vec<String>,
}

impl Policies<'_> {
    fn parse(&mut self, name: &str, doc: &Value) -> Option<Arc<Policy>> {
        match Policy::parse(name, doc) {
            Ok(p) => Some(Arc::new(p)),
            Err(e) => {
                self.unknowns.push(format!("{e}: its permissions are not counted"));
                None
            }
        }
    }

    fn managed(&mut self, arn: &str, holder: &str) -> Option<Arc<Policy>> {
        if let Some(p) = self.managed.get(arn) {
            return Some(p.clone());
        }
        if self.broken.contains(arn) {
            return None;
        }
        if let Some(doc) = well_known(arn) {
            let p = self.parse(arn, &doc)?;
            self.managed.insert(arn.to_string(), p.clone());
            return Some(p);
        }
        self.unknowns.push(format!(
            "{holder}: managed policy {arn} has no document in the input; its permissions are not counted"
        ));
        None
    }

    fn inline(&mut self, owner: &str, props: &Value) -> Vec<Arc<Policy>> {
        let list = props.get("Policies").and_then(Value::as_array).cloned().unwrap_or_default();
        list.iter()
            .filter_map(|p| self.parse(&format!("{owner} inline {}", text(p, "PolicyName")), &p["PolicyDocument"]))
            .collect()
    }
}

fn short(arn: &str) -> String {
    arn.split(':').nth(5).unwrap_or(arn).to_string()
}

/// The SCP levels that apply to an account: one per node of its Organization path (root, OUs,
/// the account itself). `None` when the account is not in an Organization or is its
/// management account (SCPs do not apply there).
fn scp_levels(acct: &AccountSnapshot, policies: &mut Policies) -> Vec<Vec<Arc<Policy>>> {
    let Fact::Known(Some(org)) = &acct.account.organization else {
        if let Fact::Unknown(reason) = &acct.account.organization {
            policies.unknowns.push(format!(
                "account {}: Organization not read ({reason}); service control policies are not applied",
                acct.account.account_id
            ));
        }
        return Vec::new();
    };
    if org.management_account_id == acct.account.account_id {
        return Vec::new();
    }
    let (Fact::Known(parents), Fact::Known(scps)) = (&org.parents, &org.service_control_policies) else {
        policies.unknowns.push(format!(
            "account {}: its Organization path or SCPs were not read; service control policies are not applied",
            acct.account.account_id
        ));
        return Vec::new();
    };
    let mut path = parents.clone();
    path.push(acct.account.account_id.clone());
    let levels: Vec<Vec<Arc<Policy>>> = path.iter().map(|target| attached("SCP", scps, target, policies)).collect();
    // Every level of a real Organization has at least one SCP (FullAWSAccess by default); an
    // empty level means the attachments were not read, and applying it would deny everything.
    if levels.iter().any(Vec::is_empty) {
        policies.unknowns.push(format!(
            "account {}: SCP attachments are missing for part of its Organization path; service control policies are not applied",
            acct.account.account_id
        ));
        return Vec::new();
    }
    levels
}

/// The RCP levels that apply to an account's resources: per node of its Organization path, the
/// implicit `RCPFullAWSAccess` (always attached, cannot be detached) plus the RCPs attached
/// there. Empty when no RCP is attached anywhere on the path (nothing to restrict), or when the
/// account is the management account (RCPs do not apply to it).
fn rcp_levels(acct: &AccountSnapshot, policies: &mut Policies) -> Vec<Vec<Arc<Policy>>> {
    let Fact::Known(Some(org)) = &acct.account.organization else { return Vec::new() };
    if org.management_account_id == acct.account.account_id {
        return Vec::new();
    }
    let (Fact::Known(parents), Fact::Known(rcps)) = (&org.parents, &org.resource_control_policies) else {
        if let Fact::Unknown(reason) = &org.resource_control_policies {
            policies.unknowns.push(format!(
                "account {}: resource control policies not read ({reason}); they are not applied",
                acct.account.account_id
            ));
        }
        return Vec::new();
    };
    let mut path = parents.clone();
    path.push(acct.account.account_id.clone());
    let custom: Vec<Vec<Arc<Policy>>> = path
        .iter()
        .map(|t| {
            attached("RCP", rcps, t, policies).into_iter().filter(|p| !p.name.contains("RCPFullAWSAccess")).collect()
        })
        .collect();
    if custom.iter().all(Vec::is_empty) {
        return Vec::new();
    }
    let full = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]});
    let Some(full) = policies.parse("RCPFullAWSAccess (implicit)", &full) else { return Vec::new() };
    custom
        .into_iter()
        .map(|mut level| {
            level.insert(0, full.clone());
            level
        })
        .collect()
}

fn attached(kind: &str, list: &[NamedPolicy], target: &str, policies: &mut Policies) -> Vec<Arc<Policy>> {
    list.iter()
        .filter(|p| p.targets.iter().any(|t| t == target))
        .filter_map(|p| policies.parse(&format!("{kind} {} ({})", p.name, p.id), &p.document))
        .collect()
}

/// Builds the graph: nodes, edges, admins, reachability inputs.
pub fn build(input: &Input) -> Graph {
    let mut g = Graph::default();
    let mut unknowns = Vec::new();
    {
        let mut policies = Policies { managed: HashMap::new(), broken: Default::default(), unknowns: &mut unknowns };
        for acct in &input.accounts {
            load_managed(acct, &mut policies);
        }
        for acct in &input.accounts {
            add_account(&mut g, acct, &mut policies);
        }
    }
    g.unknowns.extend(unknowns);
    let t = std::time::Instant::now();
    edges::compute(&mut g);
    if std::env::var_os("NEXTGAP_TIMINGS").is_some() {
        eprintln!("nextgap:   edges: {:.3} s", t.elapsed().as_secs_f64());
    }
    g
}

fn load_managed(acct: &AccountSnapshot, policies: &mut Policies) {
    let customer = acct.resources.iter().filter(|r| r.resource_type == "AWS::IAM::ManagedPolicy");
    let docs = customer.map(|r| (&r.arn, &r.properties["PolicyDocument"])).chain(&acct.aws_managed_policies);
    for (arn, doc) in docs {
        match policies.parse(arn, doc) {
            Some(p) => {
                policies.managed.insert(arn.clone(), p);
            }
            None => {
                policies.broken.insert(arn.clone());
            }
        }
    }
}

fn push(g: &mut Graph, node: Node) -> NodeId {
    let id = g.nodes.len();
    g.by_arn.insert(node.arn.clone(), id);
    g.nodes.push(node);
    id
}

fn add_account(g: &mut Graph, acct: &AccountSnapshot, policies: &mut Policies) {
    let account = acct.account.account_id.clone();
    let partition = if acct.account.partition.is_empty() { "aws" } else { &acct.account.partition };
    g.accounts.push(account.clone());
    let scps = scp_levels(acct, policies);
    let rcps = rcp_levels(acct, policies);
    if !rcps.is_empty() {
        g.rcps.insert(account.clone(), rcps);
    }
    let root = format!("arn:{partition}:iam::{account}:root");
    let mut root_node = Node::new(root, "root".into(), NodeKind::Root, account.clone());
    root_node.policies.scps = scps.clone();
    root_node.mfa = root_mfa(acct);
    push(g, root_node);
    let groups = add_groups(g, acct, &account, policies);
    for r in &acct.resources {
        match r.resource_type.as_str() {
            "AWS::IAM::User" => add_user(g, r, &account, &scps, &groups, policies),
            "AWS::IAM::Role" => add_role(g, r, &account, &scps, policies),
            _ => {}
        }
    }
    add_keys(g, acct);
    add_inventory(g, acct, &account, policies);
}

fn root_mfa(acct: &AccountSnapshot) -> bool {
    acct.account.summary.known().and_then(|s| s.get("AccountMFAEnabled")).is_some_and(|v| *v == 1)
}

fn principal_policies(owner: &str, props: &Value, policies: &mut Policies) -> (Vec<Arc<Policy>>, Vec<String>) {
    let mut list = policies.inline(owner, props);
    let managed = strings(props, "ManagedPolicyArns");
    list.extend(managed.iter().filter_map(|arn| policies.managed(arn, owner)));
    (list, managed)
}

fn boundary(owner: &str, props: &Value, policies: &mut Policies) -> Option<Arc<Policy>> {
    let b = props.get("PermissionsBoundary")?;
    let arn = b.get("PermissionsBoundaryArn").and_then(Value::as_str).or_else(|| b.as_str())?;
    match policies.managed(arn, owner) {
        Some(p) => Some(p),
        // An unreadable boundary still limits: nothing it would allow is known, so the
        // principal is treated as allowed nothing rather than everything.
        None => {
            Some(Arc::new(Policy { name: format!("{arn} (unread boundary)"), variables: false, statements: vec![] }))
        }
    }
}

fn add_groups(
    g: &mut Graph,
    acct: &AccountSnapshot,
    account: &str,
    policies: &mut Policies,
) -> HashMap<String, NodeId> {
    let mut by_name = HashMap::new();
    for r in acct.resources.iter().filter(|r| r.resource_type == "AWS::IAM::Group") {
        let name = text(&r.properties, "GroupName").to_string();
        let owner = short(&r.arn);
        let mut node = Node::new(r.arn.clone(), name.clone(), NodeKind::Group, account.to_string());
        let (identity, managed) = principal_policies(&owner, &r.properties, policies);
        node.policies.identity = identity;
        node.managed = managed;
        by_name.insert(name, push(g, node));
    }
    by_name
}

fn add_user(
    g: &mut Graph,
    r: &LiveResource,
    account: &str,
    scps: &[Vec<Arc<Policy>>],
    groups: &HashMap<String, NodeId>,
    policies: &mut Policies,
) {
    let p = &r.properties;
    let owner = short(&r.arn);
    let mut node = Node::new(r.arn.clone(), text(p, "UserName").to_string(), NodeKind::User, account.to_string());
    let (mut identity, managed) = principal_policies(&owner, p, policies);
    for group in strings(p, "Groups") {
        match groups.get(&group) {
            Some(&gid) => {
                identity.extend(g.nodes[gid].policies.identity.iter().cloned());
                node.groups.push(gid);
            }
            None => policies.unknowns.push(format!("{owner}: group {group} is not in the input")),
        }
    }
    node.policies =
        PolicySet { identity, boundary: boundary(&owner, p, policies), scps: scps.to_vec(), ..PolicySet::default() };
    node.managed = managed;
    node.console = p.get("LoginProfile").is_some_and(|l| !l.is_null());
    node.mfa = p.get("MFADevices").and_then(Value::as_array).is_some_and(|l| !l.is_empty());
    let id = push(g, node);
    for gid in g.nodes[id].groups.clone() {
        g.nodes[gid].members.push(id);
    }
}

fn add_role(g: &mut Graph, r: &LiveResource, account: &str, scps: &[Vec<Arc<Policy>>], policies: &mut Policies) {
    let p = &r.properties;
    let owner = short(&r.arn);
    let mut node = Node::new(r.arn.clone(), text(p, "RoleName").to_string(), NodeKind::Role, account.to_string());
    let (identity, managed) = principal_policies(&owner, p, policies);
    node.policies =
        PolicySet { identity, boundary: boundary(&owner, p, policies), scps: scps.to_vec(), ..PolicySet::default() };
    node.managed = managed;
    node.trust = policies.parse(&format!("trust policy of {owner}"), &p["AssumeRolePolicyDocument"]);
    node.trusted_services = node
        .trust
        .iter()
        .flat_map(|t| t.statements.iter())
        .filter(|s| s.effect == crate::eval::Effect::Allow)
        .filter_map(|s| s.principal.as_ref())
        .flat_map(|p| p.service.iter().map(|s| s.to_ascii_lowercase()))
        .collect();
    push(g, node);
}

/// Active access keys (live snapshots list them; exports do not).
fn add_keys(g: &mut Graph, acct: &AccountSnapshot) {
    for r in acct.resources.iter().filter(|r| r.resource_type == "AWS::IAM::AccessKey") {
        if text(&r.properties, "Status") != "Active" {
            continue;
        }
        let Some((user, key)) = r.arn.split_once("/accesskey/") else { continue };
        if let Some(id) = g.node(user) {
            g.nodes[id].access_keys.push(key.to_string());
        }
    }
    if let Some(rows) = acct.account.credential_report.known() {
        for row in rows.iter().filter(|r| !r.is_root()) {
            if let Some(id) = g.node(&row.arn) {
                let n = &mut g.nodes[id];
                n.console |= row.password_enabled;
                n.mfa |= row.mfa_active;
                if n.access_keys.is_empty() && (row.access_key_1_active || row.access_key_2_active) {
                    n.access_keys.push("(id not in the input)".into());
                }
            }
        }
    }
}

/// Types the blast radius and the existing-resource paths read.
pub const INVENTORY_TYPES: &[&str] = &[
    "AWS::S3::Bucket",
    "AWS::RDS::DBInstance",
    "AWS::RDS::DBCluster",
    "AWS::DynamoDB::Table",
    "AWS::EC2::Volume",
    "AWS::EC2::Snapshot",
    "AWS::RDS::DBSnapshot",
    "AWS::RDS::DBClusterSnapshot",
    "AWS::Backup::BackupVault",
    "AWS::CloudTrail::Trail",
    "AWS::Lambda::Function",
    "AWS::EC2::Instance",
    "AWS::IAM::InstanceProfile",
    "AWS::CloudFormation::Stack",
    "AWS::CodeBuild::Project",
];

fn add_inventory(g: &mut Graph, acct: &AccountSnapshot, account: &str, policies: &mut Policies) {
    let mut bucket_policies: BTreeMap<String, Arc<Policy>> = BTreeMap::new();
    for r in acct.resources.iter().filter(|r| r.resource_type == "AWS::S3::BucketPolicy") {
        let bucket = text(&r.properties, "Bucket").to_string();
        if let Some(p) = policies.parse(&format!("bucket policy of {bucket}"), &r.properties["PolicyDocument"]) {
            bucket_policies.insert(bucket, p);
        }
    }
    for r in acct.resources.iter().filter(|r| INVENTORY_TYPES.contains(&r.resource_type.as_str())) {
        let policy = match r.resource_type.as_str() {
            "AWS::S3::Bucket" => bucket_policies.get(text(&r.properties, "BucketName")).cloned(),
            _ => None,
        };
        g.inventory.items.push(Item {
            arn: r.arn.clone(),
            resource_type: r.resource_type.clone(),
            account: account.to_string(),
            properties: r.properties.clone(),
            policy,
        });
    }
}
