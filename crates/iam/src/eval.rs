//! The AWS policy evaluation logic (IAM User Guide, "Policy evaluation logic").
//!
//! ```text
//! evaluate(&PolicySet, &Request) -> Decision
//! ```
//!
//! * An explicit `Deny` that applies in any policy (identity, boundary, session, SCP, RCP,
//!   resource) decides.
//! * Every SCP level on the principal's OU path (root, OUs, account) must allow, and so must
//!   every RCP level on the resource's path.
//! * The grant: identity policies (intersected with the permissions boundary and session
//!   policies), or, in the same account, a resource policy naming the caller. A resource
//!   policy naming the caller's *role* (for a role session) is still limited by boundary and
//!   session policy; one naming the *account* delegates to the account's identity policies.
//!   Cross-account needs both the identity side and the resource side.
//! * With `PolicySet::resource_policy_required` (KMS keys, role trust policies) the resource
//!   policy must allow even in the same account.
//! * Callers that are not ARNs (service principals, anonymous) need a resource policy naming
//!   them.
//! * The account's root user is allowed by its identity implicitly; only SCPs, RCPs and
//!   explicit denies restrict it.
//!
//! Condition keys absent from `Request::context` are *unknown* unless
//! `Request::known_keys_complete` is set: a decision that depends on them is
//! `Outcome::Conditional`, naming the keys, rather than a guess. Every decision carries the
//! statements (policy name, index) that made it.
//!
//! Not modelled: service-linked roles and the management account being exempt from SCPs,
//! RCPs not applying to service principals, deriving `aws:` global keys (the caller supplies
//! the context). Resource-policy statements without `Principal` never apply (AWS rejects
//! them); wildcards are honoured in `Principal` values although AWS only documents `*`.

pub mod conditions;
pub mod matching;
pub mod policy;
pub mod variables;

use std::collections::HashMap;
use std::sync::Arc;

pub use policy::{Effect, Policy, PolicyError, Statement};

use matching::{account_of, action_matches, is_root, principal_matches, resource_matches, PrincipalMatch};

/// A request-context value: condition keys may be single- or multi-valued (`aws:TagKeys`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContextValue {
    Single(String),
    Multi(Vec<String>),
}

impl From<&str> for ContextValue {
    fn from(s: &str) -> Self {
        ContextValue::Single(s.to_string())
    }
}

impl ContextValue {
    fn values(&self) -> &[String] {
        match self {
            ContextValue::Single(s) => std::slice::from_ref(s),
            ContextValue::Multi(v) => v,
        }
    }
}

/// What is being asked: can `principal` (an ARN) perform `action` on `resource`?
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub principal: String,
    pub action: String,
    pub resource: String,
    /// Condition keys (matched case-insensitively).
    pub context: HashMap<String, ContextValue>,
    /// When set, a key absent from `context` is absent from the request; otherwise unknown.
    pub known_keys_complete: bool,
}

/// Every policy that takes part in one request.
#[derive(Debug, Clone, Default)]
pub struct PolicySet {
    pub identity: Vec<Arc<Policy>>,
    pub boundary: Option<Arc<Policy>>,
    /// Session policies (inline and managed, which combine as a union); empty for none.
    pub session: Vec<Arc<Policy>>,
    /// SCPs by level of the principal account's OU path; each level must allow.
    pub scps: Vec<Vec<Arc<Policy>>>,
    /// RCPs by level of the resource account's OU path; each level must allow.
    pub rcps: Vec<Vec<Arc<Policy>>>,
    /// The resource's policy (bucket policy, key policy, role trust policy, …).
    pub resource: Option<Arc<Policy>>,
    /// Defaults to the account in the principal ARN.
    pub principal_account: Option<String>,
    /// Defaults to the account in the resource ARN, else the principal's account.
    pub resource_account: Option<String>,
    /// The resource policy must allow even in the same account (KMS key policies, role trust
    /// policies): identity policies then count only where it names the account.
    pub resource_policy_required: bool,
}

/// Which kind of policy a statement belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Layer {
    Identity,
    Boundary,
    Session,
    Scp(usize),
    Rcp(usize),
    Resource,
}

/// A statement that took part in the decision.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Reason {
    pub layer: Layer,
    pub policy: String,
    pub statement: usize,
    pub sid: Option<String>,
    pub effect: Effect,
    /// The statement applies only if its unknown condition keys hold.
    pub conditional: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum Outcome {
    Allowed,
    ExplicitDeny,
    ImplicitDeny,
    /// Allowed only if the listed (unknown) condition keys take values that make the
    /// `reasons` statements apply (allows) or not apply (denies).
    Conditional {
        keys: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Decision {
    pub result: Outcome,
    /// Allowed: the allow statements that granted (and those of gating layers). Explicit
    /// deny: the deny statements. Conditional: every statement that depends on unknown keys.
    pub reasons: Vec<Reason>,
    /// Implicit deny: the layers in which nothing allowed.
    pub missing: Vec<Layer>,
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let effect = if self.effect == Effect::Allow { "allow" } else { "deny" };
        write!(f, "{:?} policy {} statement {} ({effect})", self.layer, self.policy, self.statement)?;
        match &self.sid {
            Some(sid) => write!(f, " sid {sid}"),
            None => Ok(()),
        }
    }
}

/// One line for humans: `allowed only if <keys> (…statements)` for conditional decisions.
impl std::fmt::Display for Decision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let reasons: Vec<String> = self.reasons.iter().map(Reason::to_string).collect();
        match &self.result {
            Outcome::Allowed => write!(f, "allowed by {}", reasons.join("; ")),
            Outcome::ExplicitDeny => write!(f, "explicitly denied by {}", reasons.join("; ")),
            Outcome::ImplicitDeny => write!(f, "implicitly denied: nothing allows in {:?}", self.missing),
            Outcome::Conditional { keys } => write!(
                f,
                "allowed only if the condition keys {} make these statements apply or not: {}",
                keys.join(", "),
                reasons.join("; ")
            ),
        }
    }
}

/// Three-valued truth: `Maybe` names the unknown condition keys it depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Truth {
    Yes,
    No,
    Maybe(Vec<String>),
}

impl From<bool> for Truth {
    fn from(b: bool) -> Self {
        if b {
            Truth::Yes
        } else {
            Truth::No
        }
    }
}

impl std::ops::Not for Truth {
    type Output = Truth;

    /// `Maybe` stays `Maybe`: negating an unknown is still unknown.
    fn not(self) -> Truth {
        match self {
            Truth::Yes => Truth::No,
            Truth::No => Truth::Yes,
            m => m,
        }
    }
}

impl Truth {
    /// Kleene disjunction.
    pub fn any(items: impl IntoIterator<Item = Truth>) -> Truth {
        Self::fold(items, Truth::Yes)
    }

    /// Kleene conjunction.
    pub fn all(items: impl IntoIterator<Item = Truth>) -> Truth {
        Self::fold(items, Truth::No)
    }

    /// `decisive` short-circuits; the other definite value is the identity.
    fn fold(items: impl IntoIterator<Item = Truth>, decisive: Truth) -> Truth {
        let mut keys: Vec<String> = Vec::new();
        let mut maybe = false;
        for t in items {
            match t {
                Truth::Maybe(k) => {
                    maybe = true;
                    keys.extend(k);
                }
                t if t == decisive => return t,
                _ => {}
            }
        }
        if maybe {
            keys.sort();
            keys.dedup();
            Truth::Maybe(keys)
        } else {
            !decisive
        }
    }
}

/// The request context with keys lower-cased (condition keys are case-insensitive).
pub struct Ctx {
    map: HashMap<String, Vec<String>>,
    complete: bool,
}

pub enum Lookup<'a> {
    Present(&'a [String]),
    Absent,
    Unknown,
}

impl Ctx {
    pub fn new(context: &HashMap<String, ContextValue>, complete: bool) -> Ctx {
        let map = context.iter().map(|(k, v)| (k.to_lowercase(), v.values().to_vec())).collect();
        Ctx { map, complete }
    }

    pub fn empty(complete: bool) -> Ctx {
        Ctx { map: HashMap::new(), complete }
    }

    pub fn get(&self, key: &str) -> Lookup<'_> {
        match self.map.get(&key.to_lowercase()) {
            Some(v) => Lookup::Present(v),
            None if self.complete => Lookup::Absent,
            None => Lookup::Unknown,
        }
    }
}

/// A truth value with the statements behind it.
#[derive(Debug, Clone)]
struct Judged {
    truth: Truth,
    reasons: Vec<Reason>,
}

impl Judged {
    fn yes() -> Judged {
        Judged { truth: Truth::Yes, reasons: Vec::new() }
    }

    /// Disjunction: when something definitely holds, only its statements explain it.
    fn or(items: Vec<Judged>) -> Judged {
        let truth = Truth::any(items.iter().map(|j| j.truth.clone()));
        let keep = |j: &Judged| match truth {
            Truth::Yes => j.truth == Truth::Yes,
            _ => j.truth != Truth::No,
        };
        let reasons = items.iter().filter(|j| keep(j)).flat_map(|j| j.reasons.clone());
        Judged { reasons: reasons.collect(), truth }
    }

    fn and(items: Vec<Judged>) -> Judged {
        let truth = Truth::all(items.iter().map(|j| j.truth.clone()));
        let reasons = match truth {
            Truth::No => Vec::new(),
            _ => items.into_iter().flat_map(|j| j.reasons).collect(),
        };
        Judged { truth, reasons }
    }
}

/// One statement judged against the request: does it apply, and how did it name the caller.
struct Applied {
    judged: Judged,
    effect: Effect,
    principal: Option<PrincipalMatch>,
}

fn judge_statement(layer: Layer, policy: &Policy, stmt: &Statement, req: &Request, ctx: &Ctx) -> Option<Applied> {
    if !action_matches(&stmt.action, &req.action) {
        return None;
    }
    let principal = match layer {
        Layer::Resource => Some(principal_matches(stmt.principal.as_ref()?, &req.principal)?),
        _ => None,
    };
    let resource = match &stmt.resource {
        Some(set) => resource_matches(set, &req.resource, ctx, policy.variables),
        None => Truth::Yes,
    };
    let conds = stmt.conditions.iter().map(|c| conditions::evaluate(c, ctx, policy.variables));
    let truth = Truth::all(std::iter::once(resource).chain(conds));
    if truth == Truth::No {
        return None;
    }
    let reason = Reason {
        layer,
        policy: policy.name.clone(),
        statement: stmt.index,
        sid: stmt.sid.clone(),
        effect: stmt.effect,
        conditional: truth != Truth::Yes,
    };
    Some(Applied { judged: Judged { truth, reasons: vec![reason] }, effect: stmt.effect, principal })
}

/// Every statement of the layer's policies that (possibly) applies.
fn judge_layer<'a>(
    layer: Layer,
    policies: impl IntoIterator<Item = &'a Arc<Policy>>,
    req: &Request,
    ctx: &Ctx,
) -> Vec<Applied> {
    policies
        .into_iter()
        .flat_map(|p| p.statements.iter().filter_map(move |s| judge_statement(layer, p, s, req, ctx)))
        .collect()
}

/// Whether some allow statement in `applied` holds (optionally only for a principal match).
fn allows(applied: &[Applied], principal: Option<PrincipalMatch>) -> Judged {
    let items = applied
        .iter()
        .filter(|a| a.effect == Effect::Allow && a.principal == principal)
        .map(|a| a.judged.clone())
        .collect();
    Judged::or(items)
}

fn denies(applied: &[Applied]) -> impl Iterator<Item = Judged> + '_ {
    applied.iter().filter(|a| a.effect == Effect::Deny).map(|a| a.judged.clone())
}

/// All statements judged, layer by layer.
struct Judgement {
    identity: Vec<Applied>,
    boundary: Option<Vec<Applied>>,
    session: Option<Vec<Applied>>,
    scps: Vec<Vec<Applied>>,
    rcps: Vec<Vec<Applied>>,
    resource: Vec<Applied>,
}

impl Judgement {
    fn new(set: &PolicySet, req: &Request, ctx: &Ctx) -> Judgement {
        let levels = |levels: &[Vec<Arc<Policy>>], mk: fn(usize) -> Layer| {
            levels.iter().enumerate().map(|(i, l)| judge_layer(mk(i), l, req, ctx)).collect()
        };
        let session = (!set.session.is_empty()).then(|| judge_layer(Layer::Session, &set.session, req, ctx));
        Judgement {
            identity: judge_layer(Layer::Identity, &set.identity, req, ctx),
            boundary: set.boundary.as_ref().map(|b| judge_layer(Layer::Boundary, [b], req, ctx)),
            session,
            scps: levels(&set.scps, Layer::Scp),
            rcps: levels(&set.rcps, Layer::Rcp),
            resource: judge_layer(Layer::Resource, set.resource.as_ref(), req, ctx),
        }
    }

    fn all_layers(&self) -> impl Iterator<Item = &Vec<Applied>> {
        std::iter::once(&self.identity)
            .chain(self.boundary.as_ref())
            .chain(self.session.as_ref())
            .chain(&self.scps)
            .chain(&self.rcps)
            .chain(std::iter::once(&self.resource))
    }

    fn explicit_deny(&self) -> Judged {
        Judged::or(self.all_layers().flat_map(|l| denies(l)).collect())
    }
}

/// An optional layer that, when present, must allow.
fn gate(layer: Option<&Vec<Applied>>) -> Judged {
    layer.map_or_else(Judged::yes, |l| allows(l, None))
}

fn levels_gate(levels: &[Vec<Applied>]) -> Judged {
    Judged::and(levels.iter().map(|l| allows(l, None)).collect())
}

/// Evaluates the request against the policies. Never panics; policies were validated when
/// parsed.
pub fn evaluate(set: &PolicySet, req: &Request) -> Decision {
    let ctx = Ctx::new(&req.context, req.known_keys_complete);
    let j = Judgement::new(set, req, &ctx);
    let deny = j.explicit_deny();
    if deny.truth == Truth::Yes {
        return decision(Outcome::ExplicitDeny, deny.reasons, Vec::new());
    }
    let allow = Judged::and(vec![grant(set, req, &j), levels_gate(&j.scps), levels_gate(&j.rcps)]);
    match (allow.truth, deny.truth) {
        (Truth::No, _) => decision(Outcome::ImplicitDeny, Vec::new(), missing(set, &j, req)),
        (Truth::Yes, Truth::No) => decision(Outcome::Allowed, allow.reasons, Vec::new()),
        (a, d) => conditional(a, d, allow.reasons, deny.reasons),
    }
}

fn decision(result: Outcome, reasons: Vec<Reason>, missing: Vec<Layer>) -> Decision {
    Decision { result, reasons, missing }
}

fn conditional(allow: Truth, deny: Truth, mut a: Vec<Reason>, d: Vec<Reason>) -> Decision {
    let mut keys: Vec<String> = [allow, deny]
        .into_iter()
        .flat_map(|t| match t {
            Truth::Maybe(k) => k,
            _ => Vec::new(),
        })
        .collect();
    keys.sort();
    keys.dedup();
    a.extend(d);
    decision(Outcome::Conditional { keys }, a, Vec::new())
}

/// The identity side and the resource side, combined by the same/cross-account rules.
fn grant(set: &PolicySet, req: &Request, j: &Judgement) -> Judged {
    let limits = || Judged::and(vec![gate(j.boundary.as_ref()), gate(j.session.as_ref())]);
    let root = is_root(&req.principal);
    let identity = if root {
        // The root user has no identity policies, boundary or session policy to consult.
        Judged::yes()
    } else {
        Judged::and(vec![allows(&j.identity, None), limits()])
    };
    let direct = allows(&j.resource, Some(PrincipalMatch::Direct));
    if !req.principal.starts_with("arn:") {
        // Service principals and anonymous callers have no identity policies: only a
        // resource policy naming them can grant.
        return direct;
    }
    let via_role = Judged::and(vec![allows(&j.resource, Some(PrincipalMatch::Role)), limits()]);
    let account = allows(&j.resource, Some(PrincipalMatch::Account));
    match (same_account(set, req), set.resource_policy_required) {
        (true, false) => Judged::or(vec![identity, direct, via_role]),
        // KMS key policies, role trust policies: identity policies count only where the
        // resource policy delegates to the account.
        (true, true) => Judged::or(vec![Judged::and(vec![identity, account]), direct, via_role]),
        (false, _) => Judged::and(vec![identity, Judged::or(vec![direct, via_role, account])]),
    }
}

fn same_account(set: &PolicySet, req: &Request) -> bool {
    let principal = set.principal_account.as_deref().or_else(|| account_of(&req.principal));
    let resource = set.resource_account.as_deref().or_else(|| account_of(&req.resource)).or(principal);
    principal == resource
}

/// The layers that allowed nothing, to explain an implicit deny.
fn missing(set: &PolicySet, j: &Judgement, req: &Request) -> Vec<Layer> {
    let mut out = Vec::new();
    let mut check = |layer, applied: &[Applied]| {
        let any = applied.iter().any(|a| a.effect == Effect::Allow);
        if !any {
            out.push(layer);
        }
    };
    if !is_root(&req.principal) {
        check(Layer::Identity, &j.identity);
    }
    if set.resource.is_some() {
        check(Layer::Resource, &j.resource);
    }
    if let Some(b) = &j.boundary {
        check(Layer::Boundary, b);
    }
    if let Some(s) = &j.session {
        check(Layer::Session, s);
    }
    for (i, l) in j.scps.iter().enumerate() {
        check(Layer::Scp(i), l);
    }
    for (i, l) in j.rcps.iter().enumerate() {
        check(Layer::Rcp(i), l);
    }
    out
}

#[cfg(test)]
mod tests;
