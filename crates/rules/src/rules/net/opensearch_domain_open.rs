use crate::prelude::*;
use nextgap_model::policy::Effect;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-OPENSEARCH-015",
        name: "opensearch-domain-open",
        family: "NET-OPEN",
        severity: Severity::Critical,
        title: "OpenSearch domain open to the internet without authentication",
        description: "An OpenSearch (or Elasticsearch) domain has a public endpoint (no \
            `VPCOptions`), its access policy allows principal `*` without any condition, and \
            fine-grained access control is off. Anyone on the internet can then search, read, \
            change and delete every index through the REST API — exposed search clusters are one \
            of the most common sources of large data leaks. Put the domain in a VPC, or keep the \
            public endpoint only with fine-grained access control and signed requests from named \
            principals.",
        fix: "Add VPCOptions (subnets and security groups), or name specific IAM principals in \
            AccessPolicies and enable AdvancedSecurityOptions (fine-grained access control).",
        fix_snippet: "SearchDomain:\n  Type: AWS::OpenSearchService::Domain\n  Properties:\n    VPCOptions:\n      SubnetIds: [!Ref PrivateSubnetA]\n      SecurityGroupIds: [!Ref SearchClientsSecurityGroup]\n    AccessPolicies:\n      Version: \"2012-10-17\"\n      Statement:\n        - Effect: Allow\n          Principal: {AWS: !GetAtt AppRole.Arn}\n          Action: es:ESHttp*\n          Resource: !Sub arn:${AWS::Partition}:es:${AWS::Region}:${AWS::AccountId}:domain/search/*",
        resource_types: &["AWS::OpenSearchService::Domain", "AWS::Elasticsearch::Domain"],
        fsbp: &["OpenSearch.2", "ES.2", "OpenSearch.7"],
        well_architected: &["SEC05-BP02", "SEC03-BP07"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for doc in model.policies.iter().filter(|d| d.kind == PolicyKind::Resource("es")) {
        let res = &model.resources[doc.resource];
        let public_endpoint = res.lookup("VPCOptions").iter().any(Option::is_none);
        let fine_grained = res
            .lookup("AdvancedSecurityOptions.Enabled")
            .into_iter()
            .all(|n| n.is_some_and(|n| n.is_unresolved() || super::flag(n) == Some(true)));
        // A Deny in the same policy (typically "deny unless from these addresses") limits the
        // open statement; that case belongs to resource-policy-ip-only.
        if !public_endpoint || fine_grained || doc.statements.iter().any(|s| s.effect == Effect::Deny) {
            continue;
        }
        let Some(stmt) = doc.statements.iter().find(|s| s.is_allow() && s.is_public() && !s.has_condition()) else {
            continue;
        };
        out.add_at(
            doc.resource,
            &format!("{}.Statement[{}]", doc.path, stmt.index),
            stmt.pos,
            format!(
                "Domain {} has a public endpoint and its access policy allows everyone ({}) without conditions",
                res.logical_id,
                stmt.actions.texts().join(", ")
            ),
            format!(
                "Principal: *, Action: {}, no Condition, no VPCOptions, fine-grained access control off",
                stmt.actions.texts().join(", ")
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["Legacy", "OpenDomain"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
