//! Policy documents, wherever they were written, with the wildcard semantics IAM applies.
//!
//! Rules ask questions ("does this statement allow `iam:PassRole` on every resource?") instead
//! of comparing strings, so `iam:*`, `*:*`, `iam:Pass*`, `NotAction` and `NotResource` all
//! answer correctly. A pattern that is not known before deployment never matches: rules do
//! not raise findings that depend on guessing it.

use crate::node::{Node, Pos, Value};
use crate::resource::Resource;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PolicyKind {
    /// Attached to a user, group or role (or a managed policy).
    Identity,
    /// A role's assume-role (trust) policy.
    Trust,
    /// A resource policy of the named service (`s3`, `sqs`, `kms` …).
    Resource(&'static str),
}

#[derive(Clone, Debug)]
pub struct PolicyDoc {
    /// Index of the resource holding the document in `Model::resources`.
    pub resource: usize,
    pub logical_id: String,
    pub resource_type: String,
    /// Property path of the document inside the resource, e.g. `Policies[0].PolicyDocument`.
    pub path: String,
    pub kind: PolicyKind,
    pub pos: Pos,
    /// Policy name where the source gives one.
    pub name: Option<String>,
    pub statements: Vec<Statement>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
    /// Not a literal `Allow`/`Deny` (unresolved or malformed).
    Unknown,
}

/// One element of `Action`, `Resource` or a principal list.
#[derive(Clone, Debug, PartialEq)]
pub enum Pattern {
    Known(String),
    /// Not knowable before deployment; the text says what it was.
    Unknown(String),
}

impl Pattern {
    pub fn matches(&self, text: &str) -> bool {
        match self {
            Pattern::Known(p) => wildcard_match(p, text),
            Pattern::Unknown(_) => false,
        }
    }

    pub fn is_star(&self) -> bool {
        matches!(self, Pattern::Known(p) if p == "*" || p == "*:*")
    }

    pub fn text(&self) -> &str {
        match self {
            Pattern::Known(s) | Pattern::Unknown(s) => s,
        }
    }
}

/// `Action`/`NotAction` or `Resource`/`NotResource` of a statement.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PatternSet {
    pub patterns: Vec<Pattern>,
    /// True for the `Not…` form.
    pub negated: bool,
}

impl PatternSet {
    /// Whether the set covers `text`: for `NotAction`, every action not listed (an unknown
    /// pattern in a `Not…` list might exclude it, so it does not count as covered).
    pub fn covers(&self, text: &str) -> bool {
        if self.negated {
            let unknown = self.patterns.iter().any(|p| matches!(p, Pattern::Unknown(_)));
            !unknown && !self.patterns.iter().any(|p| p.matches(text))
        } else {
            self.patterns.iter().any(|p| p.matches(text))
        }
    }

    /// Covers everything (`*`), or in the `Not…` form covers "nearly everything".
    pub fn is_star(&self) -> bool {
        if self.negated {
            return !self.patterns.is_empty();
        }
        self.patterns.iter().any(Pattern::is_star)
    }

    pub fn texts(&self) -> Vec<&str> {
        self.patterns.iter().map(Pattern::text).collect()
    }
}

/// A statement's principal.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Principals {
    /// `"*"` or `{"AWS": "*"}`.
    pub everyone: bool,
    pub aws: Vec<Pattern>,
    pub service: Vec<Pattern>,
    pub federated: Vec<Pattern>,
    pub canonical_user: Vec<Pattern>,
    pub negated: bool,
}

impl Principals {
    /// Account ids named by `aws` entries (`123456789012`, `arn:aws:iam::123456789012:root`,
    /// `arn:aws:iam::123456789012:role/x`).
    pub fn accounts(&self) -> Vec<String> {
        self.aws.iter().filter_map(|p| account_of(p.text())).collect()
    }

    /// Entries naming a whole account (the account root), not one principal in it.
    pub fn whole_accounts(&self) -> Vec<String> {
        self.aws
            .iter()
            .filter_map(|p| {
                let t = p.text();
                let is_root = t.chars().all(|c| c.is_ascii_digit()) || t.ends_with(":root");
                if is_root {
                    account_of(t)
                } else {
                    None
                }
            })
            .collect()
    }
}

fn account_of(text: &str) -> Option<String> {
    if text.len() == 12 && text.chars().all(|c| c.is_ascii_digit()) {
        return Some(text.to_string());
    }
    let account = text.strip_prefix("arn:")?.split(':').nth(3)?;
    (account.len() == 12 && account.chars().all(|c| c.is_ascii_digit())).then(|| account.to_string())
}

#[derive(Clone, Debug)]
pub struct Statement {
    /// 0-based index in the document's `Statement` list.
    pub index: usize,
    pub sid: Option<String>,
    pub effect: Effect,
    pub actions: PatternSet,
    pub resources: PatternSet,
    pub principal: Option<Principals>,
    pub condition: Option<Node>,
    pub pos: Pos,
}

impl Statement {
    pub fn is_allow(&self) -> bool {
        self.effect == Effect::Allow
    }

    /// Allows `action` (e.g. `iam:PassRole`), regardless of resource.
    pub fn allows(&self, action: &str) -> bool {
        self.is_allow() && self.actions.covers(action)
    }

    /// Allows `action` on every resource (`Resource: *`, or `NotResource`).
    pub fn allows_on_any_resource(&self, action: &str) -> bool {
        self.allows(action) && self.resources.is_star()
    }

    /// Allows every action on every resource: `*:*` administrator access.
    pub fn is_admin(&self) -> bool {
        self.is_allow() && !self.actions.negated && self.actions.is_star() && self.resources.is_star()
    }

    /// Any condition at all, including one that is unresolved or an `Fn::If` between two
    /// (which may restrict): only an absent or empty `Condition` is "no condition".
    pub fn has_condition(&self) -> bool {
        self.condition.as_ref().is_some_and(|c| match &c.value {
            Value::Map(entries) => !entries.is_empty(),
            Value::Absent | Value::Null => false,
            _ => true,
        })
    }

    /// Condition keys used (`aws:SourceIp`, `sts:ExternalId` …), lower-cased.
    pub fn condition_keys(&self) -> Vec<String> {
        let Some(cond) = &self.condition else { return vec![] };
        cond.entries()
            .iter()
            .flat_map(|(_, per_op)| per_op.entries().iter().map(|(k, _)| k.name.to_ascii_lowercase()))
            .collect()
    }

    /// Whether the statement is open to everyone: principal `*`, or `Allow` with
    /// `NotPrincipal` (everyone except the few listed).
    pub fn is_public(&self) -> bool {
        self.principal.as_ref().is_some_and(|p| if p.negated { self.is_allow() } else { p.everyone })
    }
}

/// Condition keys (lower case) that do not narrow who may make a request: a statement open to
/// `*` conditioned only on these is still open to anyone. `aws:Referer` and `aws:UserAgent` are
/// set by the caller and prove nothing; `sts:ExternalId` is a confused-deputy guard, not an
/// authenticator. Any other key (`aws:SourceArn`, `aws:PrincipalOrgID`, `aws:SourceVpce`,
/// `aws:SourceIp` …) is taken as limiting.
const NON_LIMITING_KEYS: &[&str] = &[
    "aws:securetransport",
    "aws:referer",
    "aws:useragent",
    "aws:currenttime",
    "aws:epochtime",
    "aws:requestedregion",
    "aws:multifactorauthpresent",
    "aws:multifactorauthage",
    "aws:tokenissuetime",
    "aws:viaawsservice",
    "aws:calledvia",
    "aws:calledviafirst",
    "aws:calledvialast",
    "kms:viaservice",
    "kms:encryptioncontextkeys",
    "kms:encryptionalgorithm",
    "kms:requestalias",
    "sns:protocol",
    "sns:endpoint",
    "sts:externalid",
    "s3:x-amz-acl",
    "s3:x-amz-server-side-encryption",
    "s3:x-amz-server-side-encryption-aws-kms-key-id",
    "s3:x-amz-storage-class",
    "s3:x-amz-content-sha256",
    "s3:signatureversion",
    "s3:signatureage",
    "s3:tlsversion",
    "s3:authtype",
    "s3:prefix",
    "s3:delimiter",
    "s3:max-keys",
];

fn is_non_limiting(key: &str) -> bool {
    NON_LIMITING_KEYS.contains(&key) || key.starts_with("kms:encryptioncontext:")
}

impl Statement {
    /// An `Allow` anyone can use: principal `*` (or `Allow` with `NotPrincipal`), with no
    /// condition or only conditions that do not narrow the caller. A condition that cannot be
    /// read counts as limiting (never guessed).
    pub fn is_open_to_anyone(&self) -> bool {
        if !self.is_allow() || !self.is_public() {
            return false;
        }
        let Some(cond) = &self.condition else { return true };
        let readable = matches!(cond.value, Value::Map(_))
            && cond.entries().iter().all(|(_, per_op)| matches!(per_op.value, Value::Map(_)));
        readable && self.condition_keys().iter().all(|k| is_non_limiting(k))
    }
}

/// IAM-style glob: `*` any run, `?` one character, ASCII case-insensitive (IAM action names
/// are case-insensitive; resource ARNs are matched the same way here, which can only widen).
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == b'?' || p[pi].eq_ignore_ascii_case(&t[ti])) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

fn patterns(node: Option<&Node>) -> Vec<Pattern> {
    let Some(node) = node else { return vec![] };
    let mut out = Vec::new();
    for alt in node.alternatives() {
        match &alt.value {
            Value::List(items) => {
                for item in items.iter().flat_map(|i| i.alternatives()) {
                    out.push(pattern_of(item));
                }
            }
            Value::Absent => {}
            _ => out.push(pattern_of(alt)),
        }
    }
    out
}

fn pattern_of(node: &Node) -> Pattern {
    match node.scalar_text() {
        Some(s) => Pattern::Known(s),
        None => Pattern::Unknown(node.describe()),
    }
}

fn pattern_set(stmt: &Node, key: &str, not_key: &str) -> PatternSet {
    match stmt.get(not_key) {
        Some(n) => PatternSet { patterns: patterns(Some(n)), negated: true },
        None => PatternSet { patterns: patterns(stmt.get(key)), negated: false },
    }
}

fn principals(stmt: &Node) -> Option<Principals> {
    let (node, negated) = match (stmt.get("Principal"), stmt.get("NotPrincipal")) {
        (Some(p), _) => (p, false),
        (None, Some(p)) => (p, true),
        (None, None) => return None,
    };
    let mut out = Principals { negated, ..Default::default() };
    if node.as_str() == Some("*") {
        out.everyone = true;
        return Some(out);
    }
    for (key, value) in node.entries() {
        let list = patterns(Some(value));
        match key.name.as_str() {
            "AWS" => {
                out.everyone |= list.iter().any(|p| p.text() == "*");
                out.aws.extend(list);
            }
            "Service" => out.service.extend(list),
            "Federated" => out.federated.extend(list),
            "CanonicalUser" => out.canonical_user.extend(list),
            _ => {}
        }
    }
    Some(out)
}

fn effect(stmt: &Node) -> Effect {
    match stmt.get("Effect").and_then(Node::as_str) {
        Some("Allow") => Effect::Allow,
        Some("Deny") => Effect::Deny,
        _ => Effect::Unknown,
    }
}

/// Parses a policy document node (a map with `Statement`, or a JSON string of one).
pub fn parse_statements(doc: &Node) -> Vec<Statement> {
    let parsed;
    let doc = match doc.as_str().and_then(json_to_node) {
        Some(n) => {
            parsed = n;
            &parsed
        }
        None => doc,
    };
    let mut out = Vec::new();
    for stmt_list in doc.lookup("Statement").into_iter().flatten() {
        let stmts: Vec<&Node> = match &stmt_list.value {
            Value::List(_) => stmt_list.all_items(),
            Value::Map(_) => vec![stmt_list],
            _ => vec![],
        };
        for stmt in stmts.into_iter().filter(|s| matches!(s.value, Value::Map(_))) {
            out.push(Statement {
                index: out.len(),
                sid: stmt.get("Sid").and_then(Node::scalar_text),
                effect: effect(stmt),
                actions: pattern_set(stmt, "Action", "NotAction"),
                resources: pattern_set(stmt, "Resource", "NotResource"),
                principal: principals(stmt),
                condition: stmt.get("Condition").cloned(),
                pos: stmt.pos,
            });
        }
    }
    out
}

/// Policies written as JSON text (allowed by several resource types) become nodes without
/// positions; the document's own position stands in.
fn json_to_node(text: &str) -> Option<Node> {
    let trimmed = text.trim_start();
    if !trimmed.starts_with('{') {
        return None;
    }
    serde_json::from_str::<serde_json::Value>(trimmed).ok().map(|v| from_json(&v))
}

/// Plain JSON to a position-less node (used for policies written as strings and by sources
/// that read JSON from APIs).
pub fn from_json(v: &serde_json::Value) -> Node {
    use crate::node::Key;
    use serde_json::Value as J;
    let value = match v {
        J::Null => Value::Null,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => Value::Number(n.as_f64().unwrap_or(0.0)),
        J::String(s) => Value::String(s.clone()),
        J::Array(items) => Value::List(items.iter().map(from_json).collect()),
        J::Object(map) => {
            Value::Map(map.iter().map(|(k, v)| (Key { name: k.clone(), pos: Pos::default() }, from_json(v))).collect())
        }
    };
    Node::synthetic(value)
}

/// Where policy documents live in CloudFormation-shaped resources: (type, property, kind).
/// `Policies` lists (inline policies of users, groups, roles) are handled separately.
const DOCUMENT_PROPERTIES: &[(&str, &str, PolicyKind)] = &[
    ("AWS::IAM::Policy", "PolicyDocument", PolicyKind::Identity),
    ("AWS::IAM::ManagedPolicy", "PolicyDocument", PolicyKind::Identity),
    ("AWS::IAM::RolePolicy", "PolicyDocument", PolicyKind::Identity),
    ("AWS::IAM::UserPolicy", "PolicyDocument", PolicyKind::Identity),
    ("AWS::IAM::GroupPolicy", "PolicyDocument", PolicyKind::Identity),
    ("AWS::IAM::Role", "AssumeRolePolicyDocument", PolicyKind::Trust),
    ("AWS::Serverless::Function", "AssumeRolePolicyDocument", PolicyKind::Trust),
    ("AWS::S3::BucketPolicy", "PolicyDocument", PolicyKind::Resource("s3")),
    ("AWS::SQS::QueuePolicy", "PolicyDocument", PolicyKind::Resource("sqs")),
    ("AWS::SQS::QueueInlinePolicy", "PolicyDocument", PolicyKind::Resource("sqs")),
    ("AWS::SNS::TopicPolicy", "PolicyDocument", PolicyKind::Resource("sns")),
    ("AWS::SNS::TopicInlinePolicy", "PolicyDocument", PolicyKind::Resource("sns")),
    ("AWS::KMS::Key", "KeyPolicy", PolicyKind::Resource("kms")),
    ("AWS::KMS::ReplicaKey", "KeyPolicy", PolicyKind::Resource("kms")),
    ("AWS::ECR::Repository", "RepositoryPolicyText", PolicyKind::Resource("ecr")),
    ("AWS::ECR::RepositoryPolicy", "PolicyText", PolicyKind::Resource("ecr")),
    ("AWS::SecretsManager::ResourcePolicy", "ResourcePolicy", PolicyKind::Resource("secretsmanager")),
    ("AWS::ApiGateway::RestApi", "Policy", PolicyKind::Resource("execute-api")),
    ("AWS::Serverless::Api", "Auth.ResourcePolicy.CustomStatements", PolicyKind::Resource("execute-api")),
    ("AWS::OpenSearchService::Domain", "AccessPolicies", PolicyKind::Resource("es")),
    ("AWS::Elasticsearch::Domain", "AccessPolicies", PolicyKind::Resource("es")),
    ("AWS::EFS::FileSystem", "FileSystemPolicy", PolicyKind::Resource("elasticfilesystem")),
    ("AWS::Backup::BackupVault", "AccessPolicy", PolicyKind::Resource("backup")),
    ("AWS::Logs::ResourcePolicy", "PolicyDocument", PolicyKind::Resource("logs")),
    ("AWS::Events::EventBusPolicy", "Statement", PolicyKind::Resource("events")),
    ("AWS::Glue::ResourcePolicy", "PolicyInJson", PolicyKind::Resource("glue")),
];

/// Collects every policy document of the resources.
pub fn gather(resources: &[Resource]) -> Vec<PolicyDoc> {
    let mut out = Vec::new();
    for (index, res) in resources.iter().enumerate() {
        let doc = |path: String, node: &Node, kind: PolicyKind, name: Option<String>| PolicyDoc {
            resource: index,
            logical_id: res.logical_id.clone(),
            resource_type: res.resource_type.clone(),
            path,
            kind,
            pos: if node.pos.line > 0 { node.pos } else { res.pos },
            name,
            statements: statements_of(node),
        };
        for (rtype, prop, kind) in DOCUMENT_PROPERTIES {
            if res.resource_type == *rtype {
                for node in res.lookup(prop).into_iter().flatten() {
                    let name = res.prop("PolicyName").or(res.prop("ManagedPolicyName")).and_then(Node::scalar_text);
                    out.push(doc(prop.to_string(), node, kind.clone(), name));
                }
            }
        }
        for (path, node, name) in inline_policies(res) {
            out.push(doc(path, node, PolicyKind::Identity, name));
        }
    }
    out
}

/// A document may be a map with `Statement`, a JSON string, or (EventBridge, SAM custom
/// statements) a bare statement or statement list.
fn statements_of(node: &Node) -> Vec<Statement> {
    if node.get("Statement").is_some() || node.as_str().is_some() {
        return parse_statements(node);
    }
    let wrapped = Node::new(
        node.pos,
        Value::Map(vec![(crate::node::Key { name: "Statement".into(), pos: node.pos }, node.clone())]),
    );
    parse_statements(&wrapped)
}

/// `Policies: [{PolicyName, PolicyDocument}]` on IAM users, groups and roles, and SAM's
/// `Policies` (a document, or a list mixing managed policy names, SAM policy templates and
/// inline documents).
fn inline_policies(res: &Resource) -> Vec<(String, &Node, Option<String>)> {
    let mut out = Vec::new();
    let is_iam = matches!(res.resource_type.as_str(), "AWS::IAM::Role" | "AWS::IAM::User" | "AWS::IAM::Group");
    let is_sam = matches!(res.resource_type.as_str(), "AWS::Serverless::Function" | "AWS::Serverless::StateMachine");
    if !is_iam && !is_sam {
        return out;
    }
    for policies in res.lookup("Policies").into_iter().flatten() {
        if is_sam && policies.get("Statement").is_some() {
            out.push(("Policies".to_string(), policies, None));
            continue;
        }
        for (i, item) in policies.items().iter().enumerate() {
            for alt in item.alternatives() {
                if is_iam {
                    if let Some(doc) = alt.get("PolicyDocument") {
                        let name = alt.get("PolicyName").and_then(Node::scalar_text);
                        out.push((format!("Policies[{i}].PolicyDocument"), doc, name));
                    }
                } else if alt.get("Statement").is_some() {
                    out.push((format!("Policies[{i}]"), alt, None));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_follow_iam_semantics() {
        assert!(wildcard_match("iam:*", "iam:PassRole"));
        assert!(wildcard_match("IAM:pass*", "iam:PassRole"));
        assert!(wildcard_match("*", "s3:GetObject"));
        assert!(wildcard_match("s3:Put*", "s3:PutBucketPolicy"));
        assert!(!wildcard_match("s3:Put*", "s3:GetObject"));
        assert!(wildcard_match("ec2:*Instance?", "ec2:RunInstances"));
        assert!(!wildcard_match("iam:Pass", "iam:PassRole"));
    }

    #[test]
    fn not_action_covers_everything_else() {
        let set = PatternSet { patterns: vec![Pattern::Known("iam:*".into())], negated: true };
        assert!(set.covers("s3:DeleteBucket"));
        assert!(!set.covers("iam:CreateUser"));
        assert!(set.is_star());
    }

    #[test]
    fn unknown_patterns_never_match() {
        let set = PatternSet { patterns: vec![Pattern::Unknown("Ref Action".into())], negated: false };
        assert!(!set.covers("iam:PassRole"));
        let not = PatternSet { patterns: vec![Pattern::Unknown("Ref Action".into())], negated: true };
        assert!(!not.covers("iam:PassRole"));
    }

    #[test]
    fn parses_json_string_policies() {
        let doc = Node::string(
            Pos::new(3, 5),
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"*"}]}"#,
        );
        let stmts = parse_statements(&doc);
        assert_eq!(stmts.len(), 1);
        assert!(stmts[0].is_public());
        assert!(stmts[0].allows_on_any_resource("sqs:SendMessage"));
    }

    #[test]
    fn account_principals() {
        let p = Principals {
            aws: vec![
                Pattern::Known("arn:aws:iam::123456789012:root".into()),
                Pattern::Known("arn:aws:iam::210987654321:role/x".into()),
            ],
            ..Default::default()
        };
        assert_eq!(p.accounts(), vec!["123456789012", "210987654321"]);
        assert_eq!(p.whole_accounts(), vec!["123456789012"]);
    }
}
