//! Fast "can this principal do that?" for graph building: a principal's policies are first cut
//! down to the statements that name the action, so asking about thousands of targets costs a
//! few statements each, and a principal whose statements name no resource in particular is
//! evaluated once for all targets.

use super::{steps_of, Node, Step};
use crate::eval::matching::action_matches;
use crate::eval::{evaluate, ContextValue, Decision, Effect, Outcome, Policy, PolicySet, Request};
use std::collections::HashMap;
use std::sync::Arc;

/// What a principal may do with one action.
#[derive(Debug, Clone)]
pub enum Grant {
    /// Nothing allows it.
    No,
    /// The same decision whatever the resource (every statement says `Resource: *`).
    Uniform(Decision),
    /// Depends on the resource: evaluate per target with the reduced policy set.
    Targeted,
}

/// One action's grant and the principal's policies cut down to the statements naming it.
struct Entry {
    grant: Grant,
    set: PolicySet,
}

/// An allowed request: the statements used and the unknown condition keys, if any.
#[derive(Debug, Clone)]
pub struct Allowed {
    pub steps: Vec<Step>,
    pub only_if: Vec<String>,
}

fn reduce(policy: &Arc<Policy>, action: &str) -> Option<Arc<Policy>> {
    let statements: Vec<_> = policy.statements.iter().filter(|s| action_matches(&s.action, action)).cloned().collect();
    if statements.is_empty() {
        return None;
    }
    if statements.len() == policy.statements.len() {
        return Some(policy.clone());
    }
    Some(Arc::new(Policy { name: policy.name.clone(), variables: policy.variables, statements }))
}

fn reduce_all(list: &[Arc<Policy>], action: &str) -> Vec<Arc<Policy>> {
    list.iter().filter_map(|p| reduce(p, action)).collect()
}

/// Keeps a level's place even when none of its policies name the action: an empty level then
/// allows nothing, as it should.
fn reduce_set(set: &PolicySet, action: &str) -> PolicySet {
    PolicySet {
        identity: reduce_all(&set.identity, action),
        boundary: set.boundary.as_ref().map(|b| {
            reduce(b, action).unwrap_or_else(|| {
                Arc::new(Policy { name: b.name.clone(), variables: b.variables, statements: Vec::new() })
            })
        }),
        session: reduce_all(&set.session, action),
        scps: set.scps.iter().map(|l| reduce_all(l, action)).collect(),
        rcps: Vec::new(),
        resource: None,
        principal_account: set.principal_account.clone(),
        resource_account: None,
        resource_policy_required: false,
    }
}

fn resource_free(set: &PolicySet) -> bool {
    let all = set.identity.iter().chain(&set.boundary).chain(&set.session).chain(set.scps.iter().flatten());
    all.flat_map(|p| p.statements.iter())
        .all(|s| s.resource.as_ref().is_none_or(|r| !r.negated && r.values.iter().all(|v| v == "*")))
}

fn allowed(decision: &Decision, action: &str, resource: &str) -> Option<Allowed> {
    match &decision.result {
        Outcome::Allowed => Some(Allowed { steps: steps_of(action, resource, &decision.reasons), only_if: vec![] }),
        Outcome::Conditional { keys } => {
            Some(Allowed { steps: steps_of(action, resource, &decision.reasons), only_if: keys.clone() })
        }
        Outcome::ExplicitDeny | Outcome::ImplicitDeny => None,
    }
}

/// Per-principal cache of grants by action.
pub struct Probe<'n> {
    pub node: &'n Node,
    entries: HashMap<String, Entry>,
    /// Service prefixes its identity allow statements name (lowercase); `None` when one
    /// could name any service (a wildcard prefix, `NotAction`). Most principals never touch
    /// IAM or STS: this answers "nothing allows it" without cutting policies down.
    services: Option<std::collections::HashSet<String>>,
    rcps: Option<&'n HashMap<String, Vec<Vec<Arc<Policy>>>>>,
}

/// Services whose resources resource control policies govern.
const RCP_SERVICES: &[&str] = &["s3", "sts", "sqs", "kms", "secretsmanager"];

fn allowed_services(node: &Node) -> Option<std::collections::HashSet<String>> {
    let mut out = std::collections::HashSet::new();
    for s in node.policies.identity.iter().flat_map(|p| p.statements.iter()).filter(|s| s.effect == Effect::Allow) {
        if s.action.negated {
            return None;
        }
        for a in &s.action.values {
            let prefix = a.split(':').next().unwrap_or(a);
            if prefix.contains(['*', '?']) || !a.contains(':') {
                return None;
            }
            out.insert(prefix.to_ascii_lowercase());
        }
    }
    Some(out)
}

impl<'n> Probe<'n> {
    pub fn new(node: &'n Node) -> Probe<'n> {
        Probe { node, entries: HashMap::new(), services: allowed_services(node), rcps: None }
    }

    /// With the resource control policies of the accounts whose resources it is asked about.
    pub fn with_rcps(node: &'n Node, rcps: &'n HashMap<String, Vec<Vec<Arc<Policy>>>>) -> Probe<'n> {
        Probe { rcps: Some(rcps), ..Probe::new(node) }
    }

    /// The RCP levels for a request on a resource of `account`, for services RCPs govern.
    fn rcps_for(&self, action: &str, account: &str) -> Vec<Vec<Arc<Policy>>> {
        let service = action.split(':').next().unwrap_or_default();
        if !RCP_SERVICES.contains(&service) {
            return Vec::new();
        }
        self.rcps.and_then(|m| m.get(account)).cloned().unwrap_or_default()
    }

    /// Global condition keys known from the principal itself. An outside account stands for
    /// any of its principals: only its account is known.
    fn known_context(&self) -> impl Iterator<Item = (&str, &str)> {
        let n = self.node;
        let federated = n.kind == super::NodeKind::Federated;
        let account = (!n.account.is_empty() && !federated).then_some(("aws:PrincipalAccount", n.account.as_str()));
        let inside = !n.is_outside();
        let arn = inside.then_some(("aws:PrincipalArn", n.arn.as_str()));
        let username = (n.kind == super::NodeKind::User).then_some(("aws:username", n.name.as_str()));
        account.into_iter().chain(arn).chain(username)
    }

    fn request(&self, action: &str, resource: &str, context: &[(&str, &str)]) -> Request {
        Request {
            principal: self.node.arn.clone(),
            action: action.to_string(),
            resource: resource.to_string(),
            context: self
                .known_context()
                .chain(context.iter().copied())
                .map(|(k, v)| (k.to_string(), ContextValue::Single(v.to_string())))
                .collect(),
            known_keys_complete: false,
        }
    }

    fn entry(&mut self, action: &str) -> &Entry {
        if !self.entries.contains_key(action) {
            let entry = self.compute(action);
            self.entries.insert(action.to_string(), entry);
        }
        &self.entries[action]
    }

    /// The principal's grant for an action (cached).
    pub fn grant(&mut self, action: &str) -> &Grant {
        &self.entry(action).grant
    }

    fn compute(&self, action: &str) -> Entry {
        let outside = self.node.is_outside();
        let root = self.node.kind == super::NodeKind::Root;
        let prefix = action.split(':').next().unwrap_or(action).to_ascii_lowercase();
        if !outside && !root && self.services.as_ref().is_some_and(|s| !s.contains(&prefix)) {
            return Entry { grant: Grant::No, set: PolicySet::default() };
        }
        // Nothing is known of an outside principal's own policies: it may do anything its
        // account allows; what counts is the other side's resource policy.
        let set = if outside { everything() } else { reduce_set(&self.node.policies, action) };
        let allows_some = set.identity.iter().any(|p| p.statements.iter().any(|s| s.effect == Effect::Allow));
        let grant = if !root && !allows_some {
            Grant::No
        } else if resource_free(&set) {
            let decision = evaluate(&set, &self.request(action, "*", &[]));
            match decision.result {
                Outcome::ImplicitDeny | Outcome::ExplicitDeny => Grant::No,
                _ => Grant::Uniform(decision),
            }
        } else {
            Grant::Targeted
        };
        Entry { grant, set }
    }

    /// Whether nothing allows the action (cheap pre-check before walking targets).
    pub fn never(&mut self, action: &str) -> bool {
        matches!(self.grant(action), Grant::No)
    }

    /// Can the principal do `action` on `resource`, with these condition keys known?
    pub fn can(&mut self, action: &str, resource: &str, context: &[(&str, &str)]) -> Option<Allowed> {
        let req = self.request(action, resource, context);
        let entry = self.entry(action);
        match &entry.grant {
            Grant::No => None,
            Grant::Uniform(d) if context.is_empty() => allowed(d, action, resource),
            Grant::Uniform(_) | Grant::Targeted => allowed(&evaluate(&entry.set, &req), action, resource),
        }
    }

    /// The same, with a resource policy taking part (bucket policies, trust policies);
    /// `required`: the resource policy must allow even in the same account.
    pub fn can_with(&mut self, action: &str, resource: &str, policy: &Arc<Policy>, required: bool) -> Option<Allowed> {
        let principal = self.node.arn.clone();
        self.can_with_as(&principal, action, resource, policy, required)
    }

    /// A request on a resource of `account` (its RCPs apply), with or without its resource
    /// policy.
    pub fn can_on(
        &mut self,
        action: &str,
        resource: &str,
        account: &str,
        policy: Option<&Arc<Policy>>,
        required: bool,
    ) -> Option<Allowed> {
        let rcps = self.rcps_for(action, account);
        if rcps.is_empty() {
            return match policy {
                Some(p) => self.can_with(action, resource, p, required),
                None if resource == "*" => self.can_some(action, &[]),
                None => self.can(action, resource, &[]),
            };
        }
        if self.never(action) && policy.is_none() {
            return None;
        }
        let req = self.request(action, resource, &[]);
        let principal_account = self.node.account.clone();
        let mut set = self.entry(action).set.clone();
        set.resource = policy.cloned();
        set.resource_policy_required = required;
        set.principal_account = Some(principal_account);
        set.resource_account = Some(account.to_string());
        set.rcps = rcps;
        allowed(&evaluate(&set, &req), action, resource)
    }

    /// `can_with` for a request made by `principal` on the node's behalf: an outside account
    /// node stands for every principal of that account, and a trust policy may name only one.
    pub fn can_with_as(
        &mut self,
        principal: &str,
        action: &str,
        resource: &str,
        policy: &Arc<Policy>,
        required: bool,
    ) -> Option<Allowed> {
        let mut req = self.request(action, resource, &[]);
        req.principal = principal.to_string();
        let account = self.node.account.clone();
        let resource_account = crate::eval::matching::account_of(resource).map(str::to_string);
        let rcps = resource_account.as_deref().map(|a| self.rcps_for(action, a)).unwrap_or_default();
        let mut set = self.entry(action).set.clone();
        set.resource = Some(policy.clone());
        set.resource_policy_required = required;
        set.principal_account = Some(account);
        set.rcps = rcps;
        allowed(&evaluate(&set, &req), action, resource)
    }

    /// Some resource the action is allowed on: `*`, else each allowing pattern made concrete
    /// (for resources the attacker creates and names).
    pub fn can_some(&mut self, action: &str, context: &[(&str, &str)]) -> Option<Allowed> {
        if let Some(a) = self.can(action, "*", context) {
            return Some(a);
        }
        let entry = self.entry(action);
        if !matches!(entry.grant, Grant::Targeted) {
            return None;
        }
        let candidates: Vec<String> = entry
            .set
            .identity
            .iter()
            .flat_map(|p| p.statements.iter())
            .filter(|s| s.effect == Effect::Allow)
            .filter_map(|s| s.resource.as_ref())
            .filter(|r| !r.negated)
            .flat_map(|r| r.values.iter().map(|v| v.replace(['*', '?'], "x")))
            .collect();
        candidates.iter().find_map(|c| self.can(action, c, context))
    }

    /// The allow patterns of the action's statements, to find candidate targets fast; `None`
    /// when any statement could reach any resource (`*`, `NotResource`).
    pub fn patterns(&mut self, action: &str) -> Option<Vec<String>> {
        let entry = self.entry(action);
        match entry.grant {
            Grant::No => return Some(Vec::new()),
            Grant::Uniform(_) => return None,
            Grant::Targeted => {}
        }
        let mut out = Vec::new();
        for s in entry.set.identity.iter().flat_map(|p| p.statements.iter()).filter(|s| s.effect == Effect::Allow) {
            match &s.resource {
                Some(r) if !r.negated && !r.values.iter().any(|v| v == "*") => out.extend(r.values.iter().cloned()),
                _ => return None,
            }
        }
        Some(out)
    }
}

fn everything() -> PolicySet {
    let doc = serde_json::json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]});
    let policy = Policy::parse("(outside the input: assumed to allow everything)", &doc).expect("static policy parses");
    PolicySet { identity: vec![Arc::new(policy)], ..PolicySet::default() }
}
