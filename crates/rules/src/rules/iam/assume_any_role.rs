use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-106",
        name: "iam-policy-assume-any-role",
        family: "IAM-BROAD",
        severity: Severity::Medium,
        title: "IAM policy allows assuming any role",
        description: "An identity policy allows `sts:AssumeRole` on every role (`*` or \
            `arn:aws:iam::*:role/*`). The principal can then become any role whose trust policy \
            lets its account in, which for roles trusting the account root means every such role, \
            the most privileged included, and in any other account that trusts this one. Which \
            roles a principal may assume should be an explicit list.",
        fix: "List the role ARNs the principal needs to assume in `Resource`.",
        fix_snippet: "Statement:\n  - Effect: Allow\n    Action: sts:AssumeRole\n    Resource: !GetAtt DeployRole.Arn",
        resource_types: super::IDENTITY_POLICY_HOLDERS,
        well_architected: &["SEC03-BP02"],
        requires: &["iam:GetAccountAuthorizationDetails"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for doc in super::identity_docs(model) {
        for stmt in &doc.statements {
            let hit = stmt.allows("sts:AssumeRole")
                && !stmt.has_condition()
                && !super::grants_nearly_everything(stmt)
                && super::covers_every_iam(stmt, "role")
                && !super::denied_in_doc(doc, "sts:AssumeRole");
            if !hit {
                continue;
            }
            out.add_at(
                doc.resource,
                &super::stmt_path(doc, stmt),
                stmt.pos,
                format!(
                    "{} {} allows sts:AssumeRole on every role ({})",
                    super::doc_label(doc),
                    super::stmt_label(stmt),
                    stmt.resources.texts().join(", ")
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
        crate::assert_fixture!(RULE, "fail.yaml", ["AnyRoleArn", "StarResource", "StsWildcard"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
