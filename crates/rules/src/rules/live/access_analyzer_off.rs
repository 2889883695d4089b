use super::InRegion;
use crate::prelude::*;
use nextgap_model::Fact;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-ACCESSANALYZER-283",
        name: "access-analyzer-off",
        family: "GAP-DETECT",
        severity: Severity::Low,
        title: "IAM Access Analyzer not enabled in a Region",
        description: "A Region the account uses has no IAM Access Analyzer analyzer. The analyzer is what \
            reports, as they appear, buckets, keys, roles, queues, snapshots and secrets that \
            are reachable from outside the account or Organization; without one, a resource policy \
            opened to the world or to a foreign account goes unnoticed until someone audits by \
            hand. Analyzers are per Region. Prowler: `accessanalyzer_enabled`.",
        fix: "Create an external-access analyzer in every Region (with the Organization as the zone of \
            trust from a delegated administrator), and review its findings.",
        fix_snippet: "Type: AWS::AccessAnalyzer::Analyzer\nProperties:\n  AnalyzerName: external-access\n  Type: ORGANIZATION  # or ACCOUNT",
        resource_types: &["AWS::Account"],
        cis: &["2.19"],
        well_architected: &["SEC03-BP07", "SEC04-BP02"],
        requires: &["access-analyzer:ListAnalyzers"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    super::judge_regions(model, out, |region, facts| match &facts.access_analyzers {
        Fact::Known(n) if *n > 0 => InRegion::Ok,
        Fact::Known(_) => InRegion::Bad(
            format!("per_region.{region}.access_analyzers"),
            format!("IAM Access Analyzer has no analyzer in {region}"),
            "ListAnalyzers: []".into(),
        ),
        Fact::Unknown(reason) => InRegion::Unknown(format!("Access Analyzer: {reason}")),
    });
}

#[cfg(test)]
mod tests {
    use super::RULE;

    const ROOT: &str = "arn:aws:iam::111122223333:root";

    #[test]
    fn fixtures() {
        crate::assert_checks!(RULE, ["fail.json"], [format!("FAIL {ROOT}")]);
        crate::assert_checks!(RULE, ["pass.json"], [format!("PASS {ROOT}")]);
    }
}
