//! The principal graph: who can act as whom. Nodes are principals (users, roles, groups, the
//! root user, external accounts, federated identity providers); an edge `A -> B` says that A
//! can obtain B's permissions (assume it, mint its credentials, pass it to compute, join it),
//! with the permissions and the policy statements that make it possible. `modifies` edges say
//! that A can rewrite B's permissions; together with an edge into B, or on A itself, that is an
//! escalation to administrator.
//!
//! Built from a snapshot (`build`), edges computed by `edges`, reachability by `reach`.

pub mod build;
mod edges;
pub mod probe;
pub mod reach;

use crate::eval::{Policy, PolicySet, Reason};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;

pub use build::{build, Input};
pub use edges::unsupported_paths;
pub use probe::Probe;

pub type NodeId = usize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NodeKind {
    User,
    Role,
    Group,
    Root,
    /// A whole other AWS account (anyone its administrators allow), or any account (`*`).
    ExternalAccount,
    /// An identity provider (OIDC, SAML) whose tokens a trust policy accepts.
    Federated,
    /// An AWS service a trust policy names (`lambda.amazonaws.com`): it acts as the role for
    /// whoever can make it run code; shown in the graph, not ranked.
    Service,
}

impl NodeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::User => "user",
            NodeKind::Role => "role",
            NodeKind::Group => "group",
            NodeKind::Root => "root",
            NodeKind::ExternalAccount => "external-account",
            NodeKind::Federated => "federated",
            NodeKind::Service => "service",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Node {
    pub arn: String,
    pub name: String,
    pub kind: NodeKind,
    pub account: String,
    /// Identity policies (with the groups' for users), boundary and SCP levels.
    pub policies: PolicySet,
    /// Users: their groups. Groups: their members.
    pub groups: Vec<NodeId>,
    pub members: Vec<NodeId>,
    /// Roles: the trust policy.
    pub trust: Option<Arc<Policy>>,
    /// Roles: the service principals the trust policy names (`lambda.amazonaws.com`).
    pub trusted_services: Vec<String>,
    /// Managed policy ARNs attached to the principal itself (not through groups).
    pub managed: Vec<String>,
    /// Users: ids of active access keys.
    pub access_keys: Vec<String>,
    /// Users: a console password exists.
    pub console: bool,
    /// Users: an MFA device is attached.
    pub mfa: bool,
}

impl Node {
    fn new(arn: String, name: String, kind: NodeKind, account: String) -> Node {
        Node {
            arn,
            name,
            kind,
            account,
            policies: PolicySet::default(),
            groups: Vec::new(),
            members: Vec::new(),
            trust: None,
            trusted_services: Vec::new(),
            managed: Vec::new(),
            access_keys: Vec::new(),
            console: false,
            mfa: false,
        }
    }

    /// Outside the accounts in the input: its own permissions are unknown, so it is assumed to
    /// be able to do anything its own account allows.
    pub fn is_outside(&self) -> bool {
        matches!(self.kind, NodeKind::ExternalAccount | NodeKind::Federated | NodeKind::Service)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EdgeKind {
    /// `sts:AssumeRole` (or the web-identity / SAML variants) allowed by both sides.
    AssumeRole,
    /// Rewrite a role's trust policy, then assume it.
    UpdateTrust,
    /// Create an access key for a user.
    AccessKey,
    /// Create or reset a user's console password.
    LoginProfile,
    /// Pass a role to new compute (`iam:PassRole` + a service's create/run actions).
    PassRole,
    /// Run code as the role of existing compute (a Lambda function, an instance, a stack …).
    ExistingResource,
    /// Add oneself to a group.
    JoinGroup,
    /// Rewrite the target's permissions (put/attach a policy, a new policy version).
    Modify,
}

impl EdgeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::AssumeRole => "assume-role",
            EdgeKind::UpdateTrust => "update-trust",
            EdgeKind::AccessKey => "access-key",
            EdgeKind::LoginProfile => "login-profile",
            EdgeKind::PassRole => "pass-role",
            EdgeKind::ExistingResource => "existing-resource",
            EdgeKind::JoinGroup => "join-group",
            EdgeKind::Modify => "modify",
        }
    }
}

/// One permission used on an edge and the statement that grants it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub permission: String,
    pub resource: String,
    /// The policy (`user/alice inline deploy`, a managed policy ARN, `trust policy of …`).
    pub policy: String,
    pub statement: usize,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sid: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Edge {
    pub from: NodeId,
    pub to: NodeId,
    pub kind: EdgeKind,
    /// The pathfinding.cloud path id (`lambda-001`), when the edge is one of its paths.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<&'static str>,
    /// Through which resource (a Lambda function, an instance, a policy), when not the target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    pub steps: Vec<Step>,
    /// Unknown condition keys: the edge exists only if they hold.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub only_if: Vec<String>,
}

/// The graph and what could not be read.
#[derive(Debug, Default)]
pub struct Graph {
    pub nodes: Vec<Node>,
    /// "Can act as" edges.
    pub edges: Vec<Edge>,
    /// "Can rewrite the permissions of" edges (self loops included).
    pub modifies: Vec<Edge>,
    /// Edge indices by source node.
    pub out: Vec<Vec<usize>>,
    pub by_arn: HashMap<String, NodeId>,
    /// Principals whose permissions allow everything (within SCPs).
    pub admin: Vec<bool>,
    /// Why an admin is one: the statement that grants `*`.
    pub admin_reason: Vec<Option<Step>>,
    /// Accounts whose data is in the input.
    pub accounts: Vec<String>,
    /// What could not be evaluated, with the reason (never silently dropped).
    pub unknowns: Vec<String>,
    pub inventory: build::Inventory,
    /// Resource control policies by account: one level per node of its Organization path,
    /// each with the implicit `RCPFullAWSAccess`. Empty when none is attached.
    pub rcps: HashMap<String, Vec<Vec<Arc<Policy>>>>,
}

impl Graph {
    pub fn node(&self, arn: &str) -> Option<NodeId> {
        self.by_arn.get(arn).copied()
    }

    /// Principals that can act on their own (not groups).
    pub fn is_actor(&self, id: NodeId) -> bool {
        !matches!(self.nodes[id].kind, NodeKind::Group | NodeKind::Service)
    }
}

/// The statements behind an allow, as steps.
pub(crate) fn steps_of(permission: &str, resource: &str, reasons: &[Reason]) -> Vec<Step> {
    use crate::eval::{Effect, Layer};
    let granting: Vec<&Reason> = reasons
        .iter()
        .filter(|r| r.effect == Effect::Allow && matches!(r.layer, Layer::Identity | Layer::Resource))
        .collect();
    // A synthetic grant (an outside principal's assumed permissions) explains less than the
    // resource policy that let it in.
    let real: Vec<&Reason> = granting.iter().copied().filter(|r| !r.policy.starts_with('(')).collect();
    let pick = if !real.is_empty() {
        real
    } else if granting.is_empty() {
        reasons.iter().collect()
    } else {
        granting
    };
    pick.into_iter()
        .take(1)
        .map(|r| Step {
            permission: permission.to_string(),
            resource: resource.to_string(),
            policy: r.policy.clone(),
            statement: r.statement,
            sid: r.sid.clone(),
        })
        .collect()
}
