use crate::prelude::*;
use crate::Rule;
use nextgap_model::policy::{Effect, Pattern};
use std::collections::BTreeSet;

pub(crate) mod actions;

pub mod access_key_in_template;
pub mod assume_any_role;
pub mod ecr_repository_policy_public;
pub mod kms_key_policy_public;
pub mod lambda_permission_public;
pub mod passrole_compute_escalation;
pub mod policy_allow_not_action;
pub mod policy_credentials_exposure;
pub mod policy_full_admin;
pub mod policy_on_user;
pub mod policy_permissions_management;
pub mod policy_service_wildcard;
pub mod policy_star_action;
pub mod policy_write_unconstrained;
pub mod privilege_escalation;
pub mod privileged_managed_policy;
pub mod resource_policy_public;
pub mod role_trust_public;
pub mod role_trust_whole_account;
pub mod secretsmanager_policy_public;
pub mod sns_topic_policy_public;
pub mod sqs_queue_policy_public;
pub mod user_login_profile;
pub mod user_password_plaintext;

pub(crate) const RULES: &[&Rule] = &[
    &access_key_in_template::RULE,
    &assume_any_role::RULE,
    &ecr_repository_policy_public::RULE,
    &kms_key_policy_public::RULE,
    &lambda_permission_public::RULE,
    &policy_allow_not_action::RULE,
    &policy_credentials_exposure::RULE,
    &policy_full_admin::RULE,
    &policy_on_user::RULE,
    &policy_permissions_management::RULE,
    &policy_service_wildcard::RULE,
    &policy_star_action::RULE,
    &policy_write_unconstrained::RULE,
    &privilege_escalation::RULE,
    &privileged_managed_policy::RULE,
    &passrole_compute_escalation::RULE,
    &resource_policy_public::RULE,
    &role_trust_public::RULE,
    &role_trust_whole_account::RULE,
    &secretsmanager_policy_public::RULE,
    &sns_topic_policy_public::RULE,
    &sqs_queue_policy_public::RULE,
    &user_login_profile::RULE,
    &user_password_plaintext::RULE,
];

// ---------------------------------------------------------------------------------------------
// Statements and documents in messages
// ---------------------------------------------------------------------------------------------

/// Property path of a statement, for the finding's location.
pub(crate) fn stmt_path(doc: &PolicyDoc, stmt: &Statement) -> String {
    format!("{}.Statement[{}]", doc.path, stmt.index)
}

/// `statement 2` or `statement 2 (Sid "AllowAll")`.
pub(crate) fn stmt_label(stmt: &Statement) -> String {
    match stmt.sid.as_deref().filter(|s| !s.is_empty()) {
        Some(sid) => format!("statement {} (Sid \"{sid}\")", stmt.index),
        None => format!("statement {}", stmt.index),
    }
}

/// `policy "ops" of Role AppRole` / `AWS::IAM::ManagedPolicy AdminPolicy`.
pub(crate) fn doc_label(doc: &PolicyDoc) -> String {
    let short_type = doc.resource_type.rsplit("::").next().unwrap_or(&doc.resource_type);
    match doc.name.as_deref() {
        Some(name) if !name.is_empty() && doc.path.starts_with("Policies") => {
            format!("policy \"{name}\" of {short_type} {}", doc.logical_id)
        }
        _ => format!("{short_type} {}", doc.logical_id),
    }
}

fn join(list: &[&str]) -> String {
    if list.is_empty() {
        "(none)".into()
    } else {
        list.join(", ")
    }
}

/// The statement as evidence: effect, actions, resources and condition keys.
pub(crate) fn stmt_evidence(stmt: &Statement) -> String {
    let effect = match stmt.effect {
        Effect::Allow => "Allow",
        Effect::Deny => "Deny",
        Effect::Unknown => "?",
    };
    let action_key = if stmt.actions.negated { "NotAction" } else { "Action" };
    let resource_key = if stmt.resources.negated { "NotResource" } else { "Resource" };
    let mut text = format!(
        "Effect: {effect}; {action_key}: {}; {resource_key}: {}",
        join(&stmt.actions.texts()),
        join(&stmt.resources.texts())
    );
    if let Some(p) = &stmt.principal {
        let key = if p.negated { "NotPrincipal" } else { "Principal" };
        let mut parts: Vec<String> = Vec::new();
        if p.everyone {
            parts.push("*".into());
        }
        for (kind, list) in [("AWS", &p.aws), ("Service", &p.service), ("Federated", &p.federated)] {
            for pat in list.iter().filter(|pat| pat.text() != "*") {
                parts.push(format!("{kind}:{}", pat.text()));
            }
        }
        text.push_str(&format!("; {key}: {}", parts.join(", ")));
    }
    let keys = stmt.condition_keys();
    if stmt.has_condition() {
        text.push_str(&format!("; Condition on {}", if keys.is_empty() { "?".to_string() } else { keys.join(", ") }));
    } else {
        text.push_str("; no Condition");
    }
    text
}

// ---------------------------------------------------------------------------------------------
// Identity-policy questions
// ---------------------------------------------------------------------------------------------

/// Identity policies (attached to users, groups, roles, functions, or managed policies).
/// Resource types that carry identity policies (for rules' `resource_types`).
pub(crate) const IDENTITY_POLICY_HOLDERS: &[&str] = &[
    "AWS::IAM::Policy",
    "AWS::IAM::ManagedPolicy",
    "AWS::IAM::Role",
    "AWS::IAM::User",
    "AWS::IAM::Group",
    "AWS::Serverless::Function",
];

pub(crate) fn identity_docs(model: &Model) -> impl Iterator<Item = &PolicyDoc> {
    model.policies.iter().filter(|d| d.kind == PolicyKind::Identity)
}

/// Reports every identity-policy statement for which `judge` says what is wrong (the text
/// after "policy … statement n"), at the statement's position with its evidence.
pub(crate) fn report_identity_statements(
    model: &Model,
    out: &mut Hits,
    judge: impl Fn(&PolicyDoc, &Statement) -> Option<String>,
) {
    for doc in identity_docs(model) {
        for stmt in &doc.statements {
            if let Some(what) = judge(doc, stmt) {
                let message = format!("{} {} {what}", doc_label(doc), stmt_label(stmt));
                out.add_at(doc.resource, &stmt_path(doc, stmt), stmt.pos, message, stmt_evidence(stmt));
            }
        }
    }
}

/// The statement grants (nearly) everything: `*` on `*`, or `Allow` + `NotAction` on every
/// resource. Such statements are reported by `iam-policy-full-admin` and
/// `iam-policy-allow-not-action`; narrower rules skip them so one problem gives one finding.
pub(crate) fn grants_nearly_everything(stmt: &Statement) -> bool {
    stmt.is_admin() || (stmt.is_allow() && stmt.actions.negated && stmt.resources.is_star())
}

/// A `Deny` without condition, in the same document, that removes `action` on every resource.
/// This is the cheap check: denies in other policies of the same principal, permission
/// boundaries and SCPs are not looked at.
pub(crate) fn denied_in_doc(doc: &PolicyDoc, action: &str) -> bool {
    doc.statements.iter().any(|s| {
        s.effect == Effect::Deny
            && !s.has_condition()
            && s.actions.covers(action)
            && !s.resources.negated
            && s.resources.patterns.iter().any(|p| p.is_star())
    })
}

/// The statement allows `action` on every resource, with no condition, and no `Deny` of the same
/// document takes it back.
pub(crate) fn allows_unconstrained(doc: &PolicyDoc, stmt: &Statement, action: &str) -> bool {
    !stmt.has_condition() && stmt.allows_on_any_resource(action) && !denied_in_doc(doc, action)
}

/// Actions of `catalogue` that a statement allows on every resource without condition (and not
/// denied in the same document), for the access-level rules (write, permissions management,
/// credentials exposure).
pub(crate) fn unconstrained_actions(
    doc: &PolicyDoc,
    stmt: &Statement,
    catalogue: &[&'static str],
) -> Vec<&'static str> {
    if !stmt.is_allow() || stmt.has_condition() || !stmt.resources.is_star() || grants_nearly_everything(stmt) {
        return vec![];
    }
    catalogue.iter().copied().filter(|a| allows_unconstrained(doc, stmt, a)).collect()
}

/// Reports a statement whose listed actions are granted without constraint.
pub(crate) fn report_actions(out: &mut Hits, doc: &PolicyDoc, stmt: &Statement, found: &[&str], what: &str) {
    const SHOWN: usize = 8;
    let mut list: Vec<&str> = found.iter().take(SHOWN).copied().collect();
    let more = found.len().saturating_sub(SHOWN);
    let tail = if more > 0 { format!(" and {more} more") } else { String::new() };
    list.sort_unstable();
    out.add_at(
        doc.resource,
        &stmt_path(doc, stmt),
        stmt.pos,
        format!(
            "{} {} allows {what} on every resource without condition: {}{tail}",
            doc_label(doc),
            stmt_label(stmt),
            list.join(", ")
        ),
        stmt_evidence(stmt),
    );
}

/// Generic checks over every identity statement with an action catalogue.
pub(crate) fn catalogue_hits(model: &Model, out: &mut Hits, catalogue: &[&'static str], what: &str) {
    for doc in identity_docs(model) {
        for stmt in &doc.statements {
            let found = unconstrained_actions(doc, stmt, catalogue);
            if !found.is_empty() {
                report_actions(out, doc, stmt, &found, what);
            }
        }
    }
}

/// The statement's resources take in every IAM `kind` (`role`, `user`) of an account: `*`,
/// `NotResource`, or `arn:<partition>:iam::<account or *>:role/*`.
pub(crate) fn covers_every_iam(stmt: &Statement, kind: &str) -> bool {
    if stmt.resources.is_star() {
        return true;
    }
    stmt.resources.patterns.iter().any(|p| match p {
        Pattern::Known(text) => {
            let parts: Vec<&str> = text.splitn(6, ':').collect();
            parts.len() == 6
                && parts[0] == "arn"
                && parts[2].eq_ignore_ascii_case("iam")
                && (parts[5] == "*" || parts[5].strip_prefix(kind).is_some_and(|rest| rest == "/*" || rest == "*"))
        }
        Pattern::Unknown(_) => false,
    })
}

// ---------------------------------------------------------------------------------------------
// Who holds a document: roles, users, groups and functions of the template
// ---------------------------------------------------------------------------------------------

/// Keys of the principals a document's permissions land on: logical ids of template roles,
/// users, groups and functions, or `name:<x>` for principals named literally but not declared
/// in the template. A document attached to nothing known is its own principal.
///
/// Limits: users do not inherit their groups' policies here, and principals named through
/// unresolved values are not followed.
pub(crate) fn holders(model: &Model, doc: &PolicyDoc) -> BTreeSet<String> {
    let res = &model.resources[doc.resource];
    let mut out = BTreeSet::new();
    match res.resource_type.as_str() {
        "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
            for (prop, name_prop) in [("Roles", "RoleName"), ("Users", "UserName"), ("Groups", "GroupName")] {
                for list in res.lookup(prop).into_iter().flatten() {
                    for item in list.all_items() {
                        if let Some(key) = principal_key(model, item, name_prop) {
                            out.insert(key);
                        }
                    }
                }
            }
            if res.resource_type == "AWS::IAM::ManagedPolicy" {
                out.extend(attached_by_arn(model, &res.logical_id));
            }
        }
        "AWS::IAM::RolePolicy" | "AWS::IAM::UserPolicy" | "AWS::IAM::GroupPolicy" => {
            for name_prop in ["RoleName", "UserName", "GroupName"] {
                for node in res.lookup(name_prop).into_iter().flatten() {
                    if let Some(key) = principal_key(model, node, name_prop) {
                        out.insert(key);
                    }
                }
            }
        }
        _ => {
            out.insert(res.logical_id.clone());
        }
    }
    if out.is_empty() {
        out.insert(res.logical_id.clone());
    }
    out
}

/// A `Ref`/`GetAtt` to a template resource is that resource; a literal name is the template
/// resource with that name, or the name itself.
fn principal_key(model: &Model, node: &Node, name_prop: &str) -> Option<String> {
    match &node.value {
        Value::ResourceRef { logical_id, .. } => Some(logical_id.clone()),
        Value::String(name) => {
            let declared = model.resources.iter().find(|r| {
                r.resource_type.starts_with("AWS::IAM::")
                    && r.prop(name_prop).and_then(Node::as_str) == Some(name.as_str())
            });
            Some(declared.map(|r| r.logical_id.clone()).unwrap_or_else(|| format!("name:{name}")))
        }
        _ => None,
    }
}

/// Template roles, users, groups and SAM functions whose `ManagedPolicyArns` (or SAM
/// `Policies`) reference the managed policy `logical_id`.
fn attached_by_arn(model: &Model, logical_id: &str) -> Vec<String> {
    let refers = |node: &Node| matches!(&node.value, Value::ResourceRef { logical_id: id, .. } if id == logical_id);
    model
        .resources
        .iter()
        .filter(|r| {
            let prop = match r.resource_type.as_str() {
                "AWS::IAM::Role" | "AWS::IAM::User" | "AWS::IAM::Group" => "ManagedPolicyArns",
                "AWS::Serverless::Function" | "AWS::Serverless::StateMachine" => "Policies",
                _ => return false,
            };
            r.lookup(prop).into_iter().flatten().any(|list| list.all_items().into_iter().any(refers))
        })
        .map(|r| r.logical_id.clone())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Resource and trust policies open to everyone
// ---------------------------------------------------------------------------------------------

/// See [`Statement::is_open_to_anyone`].
pub(crate) fn open_to_anyone(stmt: &Statement) -> bool {
    stmt.is_open_to_anyone()
}

/// How an open statement's principal reads in messages.
pub(crate) fn everyone_text(stmt: &Statement) -> &'static str {
    match &stmt.principal {
        Some(p) if p.negated => "everyone outside its NotPrincipal",
        _ => "everyone (Principal *)",
    }
}

/// Reports every statement of the resource policies of `kind` open to anyone.
pub(crate) fn public_resource_policy_hits(model: &Model, out: &mut Hits, kind: &str, what: &str) {
    for doc in model.policies.iter().filter(|d| matches!(d.kind, PolicyKind::Resource(k) if k == kind)) {
        for stmt in doc.statements.iter().filter(|s| open_to_anyone(s)) {
            report_public(out, doc, stmt, what);
        }
    }
}

pub(crate) fn report_public(out: &mut Hits, doc: &PolicyDoc, stmt: &Statement, what: &str) {
    out.add_at(
        doc.resource,
        &stmt_path(doc, stmt),
        stmt.pos,
        format!(
            "{what} {} allows {} to {} with no condition limiting the caller ({})",
            doc.logical_id,
            everyone_text(stmt),
            actions_text(stmt),
            stmt_label(stmt)
        ),
        stmt_evidence(stmt),
    );
}

/// A pattern for messages: unknown ones as their partial template
/// (`arn:${AWS::Partition}:iam::${AWS::AccountId}:role/x`) or what they were (`GetAtt Role.Arn`).
pub(crate) fn pattern_text(p: &Pattern) -> String {
    match p {
        Pattern::Known(t) => t.clone(),
        Pattern::Unknown(t) => {
            let inner = t.strip_prefix("<unresolved ").and_then(|r| r.strip_suffix('>')).unwrap_or(t);
            inner.strip_prefix("Fn::Sub ").or_else(|| inner.strip_prefix("Fn::Join ")).unwrap_or(inner).to_string()
        }
    }
}

/// `every resource`, or the statement's resources as written.
pub(crate) fn resources_text(stmt: &Statement) -> String {
    if stmt.resources.is_star() {
        return "every resource".into();
    }
    let list: Vec<String> = stmt.resources.patterns.iter().map(pattern_text).collect();
    list.join(", ")
}

/// `s3:GetObject, s3:PutObject` or `every action except iam:*`.
pub(crate) fn actions_text(stmt: &Statement) -> String {
    let texts = stmt.actions.texts();
    if stmt.actions.negated {
        format!("every action except {}", join(&texts))
    } else if stmt.actions.is_star() {
        "every action".into()
    } else {
        join(&texts)
    }
}

// ---------------------------------------------------------------------------------------------
// Scalars
// ---------------------------------------------------------------------------------------------

/// Every value a property may take, with `None` for "missing" and unresolved values left out
/// (`Some(None)` entries are missing alternatives, known values are `Some(Some(text))`).
pub(crate) fn texts_at(res: &Resource, path: &str) -> Vec<Option<String>> {
    res.lookup(path)
        .into_iter()
        .filter(|n| !n.is_some_and(Node::is_unresolved))
        .map(|n| n.and_then(Node::scalar_text))
        .collect()
}

/// Known text of a scalar, or the template of a partly known `Fn::Sub`/`Fn::Join` string
/// (`arn:${AWS::Partition}:iam::aws:policy/X`), where unknown parts stay `${…}`.
pub(crate) fn text_or_template(node: &Node) -> Option<String> {
    match &node.value {
        Value::Unresolved(text) => {
            text.strip_prefix("Fn::Sub ").or_else(|| text.strip_prefix("Fn::Join ")).map(String::from)
        }
        _ => node.scalar_text(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nextgap_model::policy::from_json;
    use nextgap_model::policy::parse_statements;

    fn stmts(json: &str) -> Vec<Statement> {
        parse_statements(&from_json(&serde_json::from_str(json).unwrap()))
    }

    #[test]
    fn open_statements() {
        let s = stmts(
            r#"{"Statement":[
            {"Effect":"Allow","Principal":"*","Action":"sqs:*"},
            {"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sqs:*","Condition":{"ArnEquals":{"aws:SourceArn":"x"}}},
            {"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sqs:*","Condition":{"Bool":{"aws:SecureTransport":"true"}}},
            {"Effect":"Deny","Principal":"*","Action":"sqs:*"},
            {"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sqs:*"},
            {"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:*"}
            ]}"#,
        );
        let open: Vec<bool> = s.iter().map(open_to_anyone).collect();
        assert_eq!(open, vec![true, false, true, false, true, false]);
    }

    #[test]
    fn deny_in_same_document_removes_action() {
        let s = stmts(
            r#"{"Statement":[
            {"Effect":"Allow","Action":"iam:*","Resource":"*"},
            {"Effect":"Deny","Action":"iam:PassRole","Resource":"*"}
            ]}"#,
        );
        let doc = PolicyDoc {
            resource: 0,
            logical_id: "P".into(),
            resource_type: "AWS::IAM::Policy".into(),
            path: "PolicyDocument".into(),
            kind: PolicyKind::Identity,
            pos: Pos::default(),
            name: None,
            statements: s,
        };
        assert!(!allows_unconstrained(&doc, &doc.statements[0], "iam:PassRole"));
        assert!(allows_unconstrained(&doc, &doc.statements[0], "iam:AttachRolePolicy"));
    }
}
