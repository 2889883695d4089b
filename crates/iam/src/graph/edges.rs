//! Edges: for every principal, which others it can act as and whose permissions it can
//! rewrite, following the pathfinding.cloud catalogue. Principals are independent, so they are
//! computed in parallel; each keeps a `Probe` that cuts its policies down per action.

use super::probe::{Allowed, Probe};
use super::{Edge, EdgeKind, Graph, Node, NodeId, NodeKind, Step};
use crate::eval::matching::glob_str;
use crate::eval::Effect;
use crate::paths::{self, Category, EscalationPath};
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap};

/// Actions whose unconditional allow on `*` makes a principal an administrator: IAM, data,
/// audit and organization actions, and one no real policy lists (only `*` grants it).
const ADMIN_SENTINELS: &[&str] = &[
    "iam:PutRolePolicy",
    "iam:CreateAccessKey",
    "sts:AssumeRole",
    "s3:DeleteBucket",
    "ec2:TerminateInstances",
    "kms:ScheduleKeyDeletion",
    "cloudtrail:StopLogging",
    "organizations:LeaveOrganization",
    "nextgapsentinel:AnyAction",
];

pub fn compute(g: &mut Graph) {
    add_outside_nodes(g);
    let index = Index::new(g);
    let results: Vec<(Vec<Edge>, Vec<Edge>, Option<Step>)> =
        (0..g.nodes.len()).into_par_iter().map(|id| from_node(g, &index, id)).collect();
    g.admin = vec![false; g.nodes.len()];
    g.admin_reason = vec![None; g.nodes.len()];
    for (id, (acts, modifies, admin)) in results.into_iter().enumerate() {
        g.admin[id] = admin.is_some();
        g.admin_reason[id] = admin;
        g.edges.extend(acts);
        g.modifies.extend(modifies);
    }
    g.out = vec![Vec::new(); g.nodes.len()];
    for (i, e) in g.edges.iter().enumerate() {
        g.out[e.from].push(i);
    }
}

/// Principals that trust policies name but the input does not hold: other accounts, any
/// account (`*`), identity providers.
fn add_outside_nodes(g: &mut Graph) {
    let mut wanted: BTreeSet<(String, NodeKind)> = BTreeSet::new();
    for node in g.nodes.iter().filter(|n| n.kind == NodeKind::Role) {
        let Some(trust) = &node.trust else { continue };
        for s in trust.statements.iter().filter(|s| s.effect == Effect::Allow) {
            let Some(p) = &s.principal else { continue };
            if p.everyone {
                wanted.insert(("*".into(), NodeKind::ExternalAccount));
            }
            for aws in &p.aws {
                let arn = account_principal(aws);
                if !g.by_arn.contains_key(&arn) && !g.accounts.iter().any(|a| Some(a.as_str()) == account(&arn)) {
                    wanted.insert((outside_account_arn(&arn), NodeKind::ExternalAccount));
                }
            }
            for f in &p.federated {
                wanted.insert((f.clone(), NodeKind::Federated));
            }
            for service in &p.service {
                wanted.insert((service.to_ascii_lowercase(), NodeKind::Service));
            }
        }
    }
    for (arn, kind) in wanted {
        if g.by_arn.contains_key(&arn) {
            continue;
        }
        let name = match kind {
            NodeKind::ExternalAccount if arn == "*" => "any AWS account".to_string(),
            NodeKind::ExternalAccount => format!("account {}", account(&arn).unwrap_or("?")),
            _ => arn.rsplit('/').next().unwrap_or(&arn).to_string(),
        };
        let acct = account(&arn).unwrap_or("").to_string();
        let node = Node::new(arn.clone(), name, kind, acct);
        g.by_arn.insert(arn, g.nodes.len());
        g.nodes.push(node);
    }
}

/// A bare account id in a principal means the account's root.
fn account_principal(aws: &str) -> String {
    if aws.len() == 12 && aws.bytes().all(|b| b.is_ascii_digit()) {
        format!("arn:aws:iam::{aws}:root")
    } else {
        aws.to_string()
    }
}

/// Any principal of another account is represented by that account.
fn outside_account_arn(arn: &str) -> String {
    match account(arn) {
        Some(a) => format!("arn:aws:iam::{a}:root"),
        None => arn.to_string(),
    }
}

fn account(arn: &str) -> Option<&str> {
    crate::eval::matching::account_of(arn)
}

/// Lookups shared by all workers.
struct Index {
    /// Roles whose trust names this principal ARN (or its account root ARN) exactly.
    trusted_arn: HashMap<String, Vec<NodeId>>,
    /// Roles whose trust names this account (root ARN or id).
    trusted_account: HashMap<String, Vec<NodeId>>,
    /// Roles whose trust names everyone (or uses `NotPrincipal`).
    trusted_everyone: Vec<NodeId>,
    /// Nodes by (account, kind).
    by_kind: HashMap<(String, NodeKind), Vec<NodeId>>,
    /// Holders (principals, groups flattened to their members) of each managed policy.
    holders: std::collections::BTreeMap<String, Vec<NodeId>>,
    /// Roles by name within each account (instance profiles name roles).
    role_by_name: HashMap<(String, String), NodeId>,
    new_passrole: Vec<&'static EscalationPath>,
}

impl Index {
    fn new(g: &Graph) -> Index {
        let mut ix = Index {
            trusted_arn: HashMap::new(),
            trusted_account: HashMap::new(),
            trusted_everyone: Vec::new(),
            by_kind: HashMap::new(),
            holders: Default::default(),
            role_by_name: HashMap::new(),
            new_passrole: paths::all()
                .iter()
                .filter(|p| p.category == Category::NewPassrole && p.trusted_service.is_some())
                .collect(),
        };
        for (id, n) in g.nodes.iter().enumerate() {
            ix.by_kind.entry((n.account.clone(), n.kind)).or_default().push(id);
            if n.kind == NodeKind::Role {
                ix.role_by_name.insert((n.account.clone(), n.name.clone()), id);
                ix.index_trust(g, id);
            }
            for arn in &n.managed {
                let list = ix.holders.entry(arn.clone()).or_default();
                list.push(id);
                list.extend(n.members.iter().copied());
            }
        }
        ix
    }

    fn index_trust(&mut self, g: &Graph, role: NodeId) {
        let Some(trust) = &g.nodes[role].trust else { return };
        let mut everyone = false;
        for s in trust.statements.iter().filter(|s| s.effect == Effect::Allow) {
            let Some(p) = &s.principal else { continue };
            everyone |= p.everyone || p.negated;
            for aws in &p.aws {
                let arn = account_principal(aws);
                if arn.ends_with(":root") {
                    if let Some(a) = account(&arn) {
                        self.trusted_account.entry(a.to_string()).or_default().push(role);
                    }
                }
                let key = if g.by_arn.contains_key(&arn) { arn } else { outside_account_arn(&arn) };
                self.trusted_arn.entry(key).or_default().push(role);
            }
            for f in &p.federated {
                self.trusted_arn.entry(f.clone()).or_default().push(role);
            }
            for service in &p.service {
                self.trusted_arn.entry(service.to_ascii_lowercase()).or_default().push(role);
            }
        }
        if everyone {
            self.trusted_everyone.push(role);
        }
    }

    fn of_kind(&self, account: &str, kind: NodeKind) -> &[NodeId] {
        self.by_kind.get(&(account.to_string(), kind)).map_or(&[], Vec::as_slice)
    }
}

/// Targets of `kind` in the account that an action's allow patterns can reach.
fn candidates(g: &Graph, ix: &Index, probe: &mut Probe, action: &str, kind: NodeKind) -> Vec<NodeId> {
    let all = ix.of_kind(&probe.node.account, kind);
    match probe.patterns(action) {
        None => all.to_vec(),
        Some(patterns) => {
            all.iter().copied().filter(|&t| patterns.iter().any(|p| glob_str(p, &g.nodes[t].arn, false))).collect()
        }
    }
}

struct Out {
    from: NodeId,
    acts: Vec<Edge>,
    modifies: Vec<Edge>,
}

impl Out {
    fn edge(&mut self, to: NodeId, kind: EdgeKind, path: &'static str, via: Option<String>, parts: Vec<Allowed>) {
        let mut only_if: Vec<String> = parts.iter().flat_map(|a| a.only_if.iter().cloned()).collect();
        only_if.sort();
        only_if.dedup();
        let edge = Edge {
            from: self.from,
            to,
            kind,
            path: Some(path),
            via,
            steps: parts.into_iter().flat_map(|a| a.steps).collect(),
            only_if,
        };
        if kind == EdgeKind::Modify {
            self.modifies.push(edge);
        } else if to != self.from {
            self.acts.push(edge);
        }
    }

    /// Keeps one edge per (target, kind): the first path found explains it.
    fn dedup(&mut self) {
        let mut seen = BTreeSet::new();
        self.acts.retain(|e| seen.insert((e.to, e.kind)));
        let mut seen = BTreeSet::new();
        self.modifies.retain(|e| seen.insert(e.to));
    }
}

fn path_id(id: &str) -> &'static str {
    paths::get(id).map(|p| p.id.as_str()).unwrap_or("")
}

fn from_node(g: &Graph, ix: &Index, id: NodeId) -> (Vec<Edge>, Vec<Edge>, Option<Step>) {
    let node = &g.nodes[id];
    let mut probe = Probe::with_rcps(node, &g.rcps);
    let mut out = Out { from: id, acts: Vec::new(), modifies: Vec::new() };
    let admin = admin(&mut probe);
    assume(g, ix, &mut probe, &mut out);
    // An administrator reaches every principal of its account anyway (reach adds that as
    // implied edges); listing each key it could mint would only bloat the graph.
    if admin.is_none() && !node.is_outside() {
        credentials(g, ix, &mut probe, &mut out);
        trust_rewrite(g, ix, &mut probe, &mut out);
        pass_role(g, ix, &mut probe, &mut out);
        existing(g, ix, &mut probe, &mut out);
        modify(g, ix, &mut probe, &mut out);
    }
    out.dedup();
    (out.acts, out.modifies, admin)
}

fn admin(probe: &mut Probe) -> Option<Step> {
    if probe.node.is_outside() {
        return None;
    }
    let mut first = None;
    for action in ADMIN_SENTINELS {
        let allowed = probe.can(action, "*", &[])?;
        if !allowed.only_if.is_empty() {
            return None;
        }
        if first.is_none() {
            first = Some(allowed.steps.into_iter().next().unwrap_or_else(|| Step {
                permission: "*".into(),
                resource: "*".into(),
                policy: "(the root user needs no policy)".into(),
                statement: 0,
                sid: None,
            }));
        }
    }
    first.map(|mut s| {
        s.permission = "*".into();
        s
    })
}

fn assume(g: &Graph, ix: &Index, probe: &mut Probe, out: &mut Out) {
    let node = probe.node;
    let mut roles: BTreeSet<NodeId> = BTreeSet::new();
    roles.extend(ix.trusted_arn.get(&node.arn).into_iter().flatten());
    roles.extend(&ix.trusted_everyone);
    if !node.is_outside() && !probe.never("sts:AssumeRole") {
        // Trust in the whole account needs the identity side too: only roles its own
        // `sts:AssumeRole` statements name are candidates.
        let patterns = probe.patterns("sts:AssumeRole");
        let named =
            |r: &NodeId| patterns.as_ref().is_none_or(|p| p.iter().any(|p| glob_str(p, &g.nodes[*r].arn, false)));
        roles.extend(ix.trusted_account.get(&node.account).into_iter().flatten().filter(|r| named(r)));
    }
    let action = match node.kind {
        NodeKind::Federated if node.arn.contains(":saml-provider/") => "sts:AssumeRoleWithSAML",
        NodeKind::Federated => "sts:AssumeRoleWithWebIdentity",
        _ => "sts:AssumeRole",
    };
    for role in roles {
        let target = &g.nodes[role];
        let Some(trust) = &target.trust else { continue };
        let allowed =
            acting_principals(node, trust).iter().find_map(|p| probe.can_with_as(p, action, &target.arn, trust, true));
        if let Some(a) = allowed {
            out.edge(role, EdgeKind::AssumeRole, path_id("sts-001"), None, vec![a]);
        }
    }
}

/// Who makes the request: the node itself, and for another account's node also each
/// principal of that account the trust policy names (a trust naming
/// `arn:aws:iam::<other>:role/vendor` does not match that account's root).
fn acting_principals(node: &Node, trust: &crate::eval::Policy) -> Vec<String> {
    let mut out = vec![node.arn.clone()];
    if node.kind != NodeKind::ExternalAccount || node.arn == "*" {
        return out;
    }
    let named = trust.statements.iter().filter(|s| s.effect == Effect::Allow).filter_map(|s| s.principal.as_ref());
    for aws in named.flat_map(|p| p.aws.iter()).map(|a| account_principal(a)) {
        if account(&aws) == Some(node.account.as_str()) && !out.contains(&aws) {
            out.push(aws);
        }
    }
    out
}

/// New access keys and console passwords for other users.
fn credentials(g: &Graph, ix: &Index, probe: &mut Probe, out: &mut Out) {
    if !probe.never("iam:CreateAccessKey") {
        for user in candidates(g, ix, probe, "iam:CreateAccessKey", NodeKind::User) {
            let target = &g.nodes[user];
            let Some(create) = probe.can("iam:CreateAccessKey", &target.arn, &[]) else { continue };
            if target.access_keys.len() < 2 {
                out.edge(user, EdgeKind::AccessKey, path_id("iam-002"), None, vec![create]);
            } else if let Some(delete) = probe.can("iam:DeleteAccessKey", &target.arn, &[]) {
                out.edge(user, EdgeKind::AccessKey, path_id("iam-003"), None, vec![create, delete]);
            }
        }
    }
    for (action, path, has_console) in
        [("iam:CreateLoginProfile", "iam-004", false), ("iam:UpdateLoginProfile", "iam-006", true)]
    {
        if probe.never(action) {
            continue;
        }
        for user in candidates(g, ix, probe, action, NodeKind::User) {
            let target = &g.nodes[user];
            if target.console != has_console {
                continue;
            }
            if let Some(a) = probe.can(action, &target.arn, &[]) {
                out.edge(user, EdgeKind::LoginProfile, path_id(path), None, vec![a]);
            }
        }
    }
}

fn trust_rewrite(g: &Graph, ix: &Index, probe: &mut Probe, out: &mut Out) {
    let action = "iam:UpdateAssumeRolePolicy";
    if probe.never(action) {
        return;
    }
    for role in candidates(g, ix, probe, action, NodeKind::Role) {
        if let Some(a) = probe.can(action, &g.nodes[role].arn, &[]) {
            out.edge(role, EdgeKind::UpdateTrust, path_id("iam-012"), None, vec![a]);
        }
    }
}

/// Passing a role that trusts a compute service to new compute of that service.
fn pass_role(g: &Graph, ix: &Index, probe: &mut Probe, out: &mut Out) {
    if probe.never("iam:PassRole") {
        return;
    }
    // The paths whose other permissions the principal has, with their statements.
    let mut usable: Vec<(&'static EscalationPath, Vec<Allowed>)> = Vec::new();
    for path in &ix.new_passrole {
        let parts: Option<Vec<Allowed>> =
            path.required.iter().filter(|a| a.as_str() != "iam:PassRole").map(|a| probe.can_some(a, &[])).collect();
        if let Some(parts) = parts {
            usable.push((path, parts));
        }
    }
    if usable.is_empty() {
        return;
    }
    for role in candidates(g, ix, probe, "iam:PassRole", NodeKind::Role) {
        let target = &g.nodes[role];
        for (path, parts) in &usable {
            let service = path.trusted_service.as_deref().unwrap_or_default();
            if !target.trusted_services.iter().any(|s| s == service) {
                continue;
            }
            let ctx = [("iam:PassedToService", service)];
            if let Some(pass) = probe.can("iam:PassRole", &target.arn, &ctx) {
                let mut all = vec![pass];
                all.extend(parts.iter().cloned());
                out.edge(role, EdgeKind::PassRole, path_id(&path.id), None, all);
                break;
            }
        }
    }
}

/// Existing compute whose role can be borrowed, by pathfinding.cloud path: the inventory type
/// it acts on and how the role is found.
const EXISTING: &[(&str, &str)] = &[
    ("lambda-003", "AWS::Lambda::Function"),
    ("lambda-004", "AWS::Lambda::Function"),
    ("lambda-005", "AWS::Lambda::Function"),
    ("ec2-002", "AWS::EC2::Instance"),
    ("ssm-001", "AWS::EC2::Instance"),
    ("ssm-002", "AWS::EC2::Instance"),
    ("ec2instanceconnect-003", "AWS::EC2::Instance"),
    ("cloudformation-002", "AWS::CloudFormation::Stack"),
    ("cloudformation-005", "AWS::CloudFormation::Stack"),
    ("codebuild-002", "AWS::CodeBuild::Project"),
    ("codebuild-003", "AWS::CodeBuild::Project"),
];

/// Pathfinding paths the graph cannot follow, for the report: they need inventory nextgap
/// does not collect (App Runner, Bedrock, Glue dev endpoints, SageMaker notebooks, launch
/// templates, stack sets).
pub fn unsupported_paths() -> Vec<&'static str> {
    paths::all()
        .iter()
        .filter(|p| match p.category {
            Category::ExistingPassrole => !EXISTING.iter().any(|(id, _)| *id == p.id),
            Category::NewPassrole => p.trusted_service.is_none() && !EXISTING.iter().any(|(id, _)| *id == p.id),
            _ => false,
        })
        .map(|p| p.id.as_str())
        .collect()
}

fn roles_of(g: &Graph, ix: &Index, item: &super::build::Item) -> Vec<NodeId> {
    let p = &item.properties;
    let arn_field = |k: &str| p.get(k).and_then(|v| v.as_str()).and_then(|a| g.node(a));
    match item.resource_type.as_str() {
        "AWS::Lambda::Function" => arn_field("Role").into_iter().collect(),
        "AWS::CloudFormation::Stack" => arn_field("RoleARN").into_iter().collect(),
        "AWS::CodeBuild::Project" => arn_field("ServiceRole").into_iter().collect(),
        "AWS::EC2::Instance" => {
            let running = p.get("State").and_then(|v| v.as_str()).is_none_or(|s| s == "running" || s == "stopped");
            let Some(profile) = p.get("IamInstanceProfile").and_then(|v| v.as_str()) else { return vec![] };
            if !running {
                return vec![];
            }
            g.inventory
                .of_type("AWS::IAM::InstanceProfile")
                .filter(|i| i.arn == profile)
                .flat_map(|i| i.properties.get("Roles").and_then(|r| r.as_array()).cloned().unwrap_or_default())
                .filter_map(|name| {
                    let name = name.as_str()?.rsplit('/').next()?.to_string();
                    ix.role_by_name.get(&(item.account.clone(), name)).copied()
                })
                .collect()
        }
        _ => vec![],
    }
}

fn existing(g: &Graph, ix: &Index, probe: &mut Probe, out: &mut Out) {
    let catalog = crate::catalog::Catalog::get();
    for (id, resource_type) in EXISTING {
        let Some(path) = paths::get(id) else { continue };
        if path.required.iter().any(|a| probe.never(a)) {
            continue;
        }
        let items = g.inventory.of_type(resource_type).filter(|i| i.account == probe.node.account);
        for item in items {
            let roles = roles_of(g, ix, item);
            if roles.is_empty() {
                continue;
            }
            let parts: Option<Vec<Allowed>> = path
                .required
                .iter()
                .map(|a| {
                    let resource_level = catalog.action(a).is_some_and(|x| x.supports_resource_level_permissions());
                    probe.can(a, if resource_level { &item.arn } else { "*" }, &[])
                })
                .collect();
            let Some(parts) = parts else { continue };
            for role in roles {
                out.edge(role, EdgeKind::ExistingResource, path_id(id), Some(item.arn.clone()), parts.clone());
            }
        }
    }
}

/// Rewriting permissions: of users, roles, groups (and so their members), of the holders of a
/// customer-managed policy (a new default version); and joining a group.
fn modify(g: &Graph, ix: &Index, probe: &mut Probe, out: &mut Out) {
    const ADMIN_POLICY: (&str, &str) = ("iam:PolicyARN", "arn:aws:iam::aws:policy/AdministratorAccess");
    let direct = [
        ("iam:PutUserPolicy", "iam-007", NodeKind::User, None),
        ("iam:AttachUserPolicy", "iam-008", NodeKind::User, Some(ADMIN_POLICY)),
        ("iam:PutRolePolicy", "iam-005", NodeKind::Role, None),
        ("iam:AttachRolePolicy", "iam-009", NodeKind::Role, Some(ADMIN_POLICY)),
        ("iam:PutGroupPolicy", "iam-011", NodeKind::Group, None),
        ("iam:AttachGroupPolicy", "iam-010", NodeKind::Group, Some(ADMIN_POLICY)),
    ];
    for (action, path, kind, ctx) in direct {
        if probe.never(action) {
            continue;
        }
        let ctx: Vec<(&str, &str)> = ctx.into_iter().collect();
        for target in candidates(g, ix, probe, action, kind) {
            let Some(a) = probe.can(action, &g.nodes[target].arn, &ctx) else { continue };
            out.edge(target, EdgeKind::Modify, path_id(path), None, vec![a.clone()]);
            for &member in &g.nodes[target].members {
                out.edge(member, EdgeKind::Modify, path_id(path), Some(g.nodes[target].arn.clone()), vec![a.clone()]);
            }
        }
    }
    if !probe.never("iam:CreatePolicyVersion") {
        for (policy, holders) in &ix.holders {
            if policy.split(':').nth(4) == Some("aws")
                || holders.iter().all(|&h| g.nodes[h].account != probe.node.account)
            {
                continue;
            }
            let Some(a) = probe.can("iam:CreatePolicyVersion", policy, &[]) else { continue };
            for &h in holders {
                out.edge(h, EdgeKind::Modify, path_id("iam-001"), Some(policy.clone()), vec![a.clone()]);
            }
        }
    }
    if probe.node.kind == NodeKind::User && !probe.never("iam:AddUserToGroup") {
        for group in candidates(g, ix, probe, "iam:AddUserToGroup", NodeKind::Group) {
            if probe.node.groups.contains(&group) {
                continue;
            }
            if let Some(a) = probe.can("iam:AddUserToGroup", &g.nodes[group].arn, &[]) {
                out.edge(group, EdgeKind::JoinGroup, path_id("iam-013"), None, vec![a]);
            }
        }
    }
}
