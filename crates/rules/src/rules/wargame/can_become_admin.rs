use crate::graph::{chain_line, GraphHit};
use crate::prelude::*;
use nextgap_iam::wargame::Ranked;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-366",
        name: "principal-can-become-admin",
        family: "IAM-ESCALATION",
        severity: Severity::High,
        title: "A principal that is not an administrator can become one",
        description: "Following the principal graph (assume role, new access keys or console \
            passwords for other users, passing a role to new compute, running code as the role of \
            existing compute, rewriting trust or permission policies: the paths catalogued by \
            pathfinding.cloud), this principal can end up with administrator permissions. Whoever \
            compromises it owns the account. The evidence is the shortest chain, each step with \
            the permission used and the policy statement that grants it; steps that hold only \
            under unknown conditions say so.",
        fix: "Break the chain at its cheapest step: scope `iam:PassRole` to the roles the \
            principal must pass (and `iam:PassedToService`), remove IAM write permissions from \
            workload principals or require a permissions boundary, and tighten trust policies.",
        fix_snippet: "Statement:\n  - Effect: Allow\n    Action: iam:PassRole\n    Resource: !GetAtt AppFunctionRole.Arn\n    Condition:\n      StringEquals:\n        iam:PassedToService: lambda.amazonaws.com",
        resource_types: &["AWS::IAM::User", "AWS::IAM::Role"],
        well_architected: &["SEC03-BP02", "SEC03-BP04"],
        cis: &["2.15"],
        links: &["https://pathfinding.cloud"],
        requires: &["iam:GetAccountAuthorizationDetails"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Graph(check),
};

fn check(r: &Ranked) -> Option<GraphHit> {
    if r.admin || !r.can_become_admin {
        return None;
    }
    let first = r.admin_chain.first()?;
    let path = first.path.as_deref().map(|p| format!(" ({p})")).unwrap_or_default();
    Some(GraphHit {
        message: format!(
            "{} can become administrator in {} step(s), starting with {}{path}",
            crate::graph::short(&r.principal),
            r.admin_chain.len(),
            first.kind
        ),
        evidence: chain_line(&r.admin_chain),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use nextgap_iam::wargame::ChainStep;

    fn ranked(admin: bool, can: bool) -> Ranked {
        serde_json::from_value(serde_json::json!({
            "rank": 1, "principal": "arn:aws:iam::111122223333:user/ci", "name": "ci", "kind": "user",
            "account": "111122223333", "admin": admin, "can_become_admin": can, "score": 0, "reaches": 1,
            "data_read": 0, "data_delete": 0, "backups_delete": 0, "same_domain": [], "audit": 0, "lockout": 0,
            "persist": 0, "exposed": true, "admin_chain": []
        }))
        .unwrap()
    }

    #[test]
    fn reports_escalation_with_the_chain_and_skips_admins() {
        let mut r = ranked(false, true);
        r.admin_chain = vec![ChainStep {
            from: r.principal.clone(),
            to: "arn:aws:iam::111122223333:role/cfn-exec".into(),
            kind: "pass-role".into(),
            path: Some("cloudformation-001".into()),
            via: None,
            permissions: vec![],
            only_if: vec![],
        }];
        let hit = check(&r).unwrap();
        assert_eq!(
            hit.message,
            "user/ci can become administrator in 1 step(s), starting with pass-role (cloudformation-001)"
        );
        assert_eq!(hit.evidence, "user/ci -[pass-role (cloudformation-001): ]-> role/cfn-exec");
        assert!(check(&ranked(true, true)).is_none());
        assert!(check(&ranked(false, false)).is_none());
    }
}
