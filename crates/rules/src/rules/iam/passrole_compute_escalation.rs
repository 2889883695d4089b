use crate::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-131",
        name: "iam-passrole-compute-escalation",
        family: "IAM-ESCALATION",
        severity: Severity::High,
        title: "iam:PassRole on every role together with a way to start compute",
        description: "A principal may pass any role (`iam:PassRole` on `*` or on every role ARN) \
            and, in the same or another of its policies, start compute that runs with a passed \
            role: `ec2:RunInstances`, `lambda:CreateFunction` with a way to invoke it, \
            `cloudformation:CreateStack`, `glue:CreateDevEndpoint`, `ecs:RegisterTaskDefinition` \
            with `ecs:RunTask`, `codebuild:CreateProject` with `codebuild:StartBuild`, SageMaker \
            notebooks and jobs, App Runner services, Data Pipeline. It can then run its own code as \
            the most privileged role of the account, whatever its own policies say \
            (pathfinding.cloud \"new-passrole\" paths). The policies of a role, user, group or \
            SAM function are combined: inline policies, `AWS::IAM::Policy`/`ManagedPolicy` \
            resources naming it, and template managed policies in its `ManagedPolicyArns`. \
            Limits: group policies are not added to their users; conditioned statements are \
            skipped (`iam:PassedToService` is the usual safe condition); only a `Deny` without \
            condition in the same document is taken into account.",
        fix: "Limit `iam:PassRole` to the ARNs of the roles the principal must hand to services, \
            and add an `iam:PassedToService` condition.",
        fix_snippet: "Statement:\n  - Effect: Allow\n    Action: iam:PassRole\n    Resource: !GetAtt WorkerRole.Arn\n    Condition:\n      StringEquals:\n        iam:PassedToService: lambda.amazonaws.com",
        resource_types: super::IDENTITY_POLICY_HOLDERS,
        well_architected: &["SEC03-BP02", "SEC03-BP05"],
        checkov: &["CKV_AWS_110"],
        cfn_nag: &["F38", "F39"],
        links: &["https://pathfinding.cloud"],
        requires: &["iam:GetAccountAuthorizationDetails"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

/// `action` is granted by some unconditioned `Allow` of the documents, not denied in its own.
fn granted(docs: &[&PolicyDoc], related: &BTreeSet<usize>, action: &str) -> bool {
    related.iter().any(|&i| {
        let doc = docs[i];
        doc.statements.iter().any(|s| !s.has_condition() && s.allows(action)) && !super::denied_in_doc(doc, action)
    })
}

fn check(model: &Model, out: &mut Hits) {
    let docs: Vec<&PolicyDoc> = super::identity_docs(model).collect();
    if docs.is_empty() {
        return;
    }
    let holders: Vec<BTreeSet<String>> = docs.iter().map(|d| super::holders(model, d)).collect();
    let mut by_holder: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, hs) in holders.iter().enumerate() {
        for h in hs {
            by_holder.entry(h.as_str()).or_default().push(i);
        }
    }
    for (i, doc) in docs.iter().enumerate() {
        for stmt in &doc.statements {
            let passes_any_role = stmt.allows("iam:PassRole")
                && !stmt.has_condition()
                && !super::grants_nearly_everything(stmt)
                && super::covers_every_iam(stmt, "role")
                && !super::denied_in_doc(doc, "iam:PassRole");
            if !passes_any_role {
                continue;
            }
            let mut related: BTreeSet<usize> = BTreeSet::from([i]);
            for h in &holders[i] {
                related.extend(by_holder.get(h.as_str()).into_iter().flatten().copied());
            }
            // A holder that is already an administrator is reported as such.
            if related.iter().any(|&j| docs[j].statements.iter().any(super::grants_nearly_everything)) {
                continue;
            }
            let paths: Vec<(&str, &[&str])> = super::actions::PASSROLE_PATHS
                .iter()
                .copied()
                .filter(|(_, actions)| actions.iter().all(|a| granted(&docs, &related, a)))
                .collect();
            if paths.is_empty() {
                continue;
            }
            let combos: Vec<String> =
                paths.iter().map(|(id, actions)| format!("{} ({id})", actions.join(" + "))).collect();
            let who: Vec<&str> = holders[i].iter().map(String::as_str).collect();
            out.add_at(
                doc.resource,
                &super::stmt_path(doc, stmt),
                stmt.pos,
                format!(
                    "{} {} allows iam:PassRole on every role, and {} may also {}: it can run code as any role",
                    super::doc_label(doc),
                    super::stmt_label(stmt),
                    who.join(", "),
                    combos.join("; ")
                ),
                super::stmt_evidence(stmt),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["Ec2Launcher", "PassPolicy", "SplitAcrossManaged"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
