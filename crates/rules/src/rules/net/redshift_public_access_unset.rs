use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-REDSHIFT-012",
        name: "redshift-public-access-unset",
        family: "NET-OPEN",
        severity: Severity::Low,
        title: "Redshift cluster leaves public accessibility to the service default",
        description: "An Amazon Redshift cluster does not set `PubliclyAccessible`. The service \
            default has changed over time (Redshift only began disabling public access by default \
            for new and restored clusters in 2025), and clusters created earlier or restored from \
            older snapshots may be public. Whether a data warehouse faces the internet should be \
            a decision written in the template and visible in review, not inherited from a \
            default.",
        fix: "Set PubliclyAccessible: false explicitly.",
        fix_snippet: "Warehouse:\n  Type: AWS::Redshift::Cluster\n  Properties:\n    PubliclyAccessible: false",
        resource_types: &["AWS::Redshift::Cluster"],
        fsbp: &["Redshift.1"],
        well_architected: &["SEC05-BP02", "SEC01-BP06"],
        checkov: &["CKV_AWS_87"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for (index, res) in model.resources.iter().enumerate().filter(|(_, r)| r.is_type("AWS::Redshift::Cluster")) {
        if super::settings(res, "PubliclyAccessible").iter().any(|s| matches!(s, super::Setting::Missing)) {
            out.add(
                index,
                "PubliclyAccessible",
                format!("Redshift cluster {} does not state PubliclyAccessible: false", res.logical_id),
                "PubliclyAccessible absent".to_string(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["NoValueBranch", "Unset"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
