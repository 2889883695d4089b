use crate::graph::GraphHit;
use crate::prelude::*;
use nextgap_iam::wargame::Ranked;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-368",
        name: "exposed-principal-is-admin",
        family: "IAM-BROAD",
        severity: Severity::High,
        title: "A principal with long-lived or outside access has the whole account in its blast radius",
        description: "The principal has a way in that can leak or be abused from outside — an \
            access key, a console password, or trust from another account or an identity \
            provider — and is an administrator or can become one. Its blast radius is the whole \
            account: every principal, every store, the audit trail. The root user is left to the \
            root rules.",
        fix: "Give day-to-day principals only what they use (IAM Access Analyzer policy \
            generation helps), keep administrator access behind short-lived, MFA-protected role \
            sessions, and remove access keys from administrators.",
        fix_snippet: "",
        resource_types: &["AWS::IAM::User", "AWS::IAM::Role"],
        well_architected: &["SEC03-BP02", "SEC02-BP02"],
        cis: &["2.15"],
        requires: &["iam:GetAccountAuthorizationDetails"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Graph(check),
};

fn check(r: &Ranked) -> Option<GraphHit> {
    if !r.exposed || !r.can_become_admin || r.kind == "root" {
        return None;
    }
    let how = if r.admin { "is an administrator" } else { "can become administrator" };
    Some(GraphHit {
        message: format!(
            "{} ({}) {how}: its blast radius is the account ({} other principals)",
            crate::graph::short(&r.principal),
            r.kind,
            r.reaches
        ),
        evidence: format!(
            "reaches {} principals; can delete {} stores, {} backups; can blind the trail: {}",
            r.reaches,
            r.data_delete,
            r.backups_delete,
            r.audit > 0
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_exposed_admins_only() {
        let mut r: Ranked = serde_json::from_value(serde_json::json!({
            "rank": 1, "principal": "arn:aws:iam::111122223333:user/ops", "name": "ops", "kind": "user",
            "account": "111122223333", "admin": true, "can_become_admin": true, "score": 0, "reaches": 5,
            "data_read": 2, "data_delete": 2, "backups_delete": 1, "same_domain": [], "audit": 3, "lockout": 0,
            "persist": 0, "exposed": true
        }))
        .unwrap();
        let hit = check(&r).unwrap();
        assert_eq!(
            hit.message,
            "user/ops (user) is an administrator: its blast radius is the account (5 other principals)"
        );
        r.exposed = false;
        assert!(check(&r).is_none());
    }
}
