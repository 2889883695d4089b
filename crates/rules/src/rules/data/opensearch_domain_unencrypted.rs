use super::{each, report_switch_off, subject};
use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-OPENSEARCH-185",
        name: "opensearch-domain-unencrypted",
        family: "DATA-ENCRYPT",
        severity: Severity::Medium,
        title: "OpenSearch / Elasticsearch domain without encryption at rest or node-to-node",
        description: "An `AWS::OpenSearchService::Domain` or `AWS::Elasticsearch::Domain` does not enable \
            `EncryptionAtRestOptions` or `NodeToNodeEncryptionOptions`. Indices, logs and automated \
            snapshots are then stored unencrypted, or documents travel between the domain's nodes \
            in clear text. Search domains usually index the application's most queryable copy of \
            its data. Fine-grained access control also requires both.",
        fix: "Set `EncryptionAtRestOptions.Enabled: true` and `NodeToNodeEncryptionOptions.Enabled: true`.",
        fix_snippet: "EncryptionAtRestOptions:\n  Enabled: true\n  KmsKeyId: !Ref SearchKey\nNodeToNodeEncryptionOptions:\n  Enabled: true",
        resource_types: &["AWS::OpenSearchService::Domain", "AWS::Elasticsearch::Domain"],
        fsbp: &["OpenSearch.1", "OpenSearch.3", "ES.1", "ES.3"],
        well_architected: &["SEC08-BP02", "SEC09-BP02"],
        checkov: &["CKV_AWS_5", "CKV_AWS_6"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for rtype in ["AWS::OpenSearchService::Domain", "AWS::Elasticsearch::Domain"] {
        for (i, res) in each(model, rtype) {
            let who = subject("Search domain", res);
            report_switch_off(
                out,
                i,
                &res.properties,
                "",
                "EncryptionAtRestOptions.Enabled",
                &who,
                "encryption at rest",
            );
            report_switch_off(
                out,
                i,
                &res.properties,
                "",
                "NodeToNodeEncryptionOptions.Enabled",
                &who,
                "node-to-node encryption",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["Default", "LegacyNoNodeToNode"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
