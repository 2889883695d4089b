use super::InRegion;
use crate::prelude::*;
use nextgap_model::Fact;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-MACIE-284",
        name: "macie-off",
        family: "GAP-DETECT",
        severity: Severity::Low,
        title: "Macie not enabled where S3 buckets are",
        description: "A Region that holds S3 buckets does not have Amazon Macie enabled. Macie is what \
            finds personal data, credentials and other sensitive content in buckets, and buckets \
            whose access changed; without it, nobody knows which buckets a leak or a public policy \
            would actually hurt. Only Regions with buckets (by their `Region`) are judged. Prowler: \
            `macie_is_enabled`.",
        fix: "Enable Macie in the Regions that hold buckets (from a delegated administrator for the \
            Organization) and run automated sensitive data discovery.",
        fix_snippet:
            "Type: AWS::Macie::Session\nProperties:\n  Status: ENABLED\n  FindingPublishingFrequency: ONE_HOUR",
        resource_types: &["AWS::Account"],
        cis: &["3.1.3"],
        fsbp: &["Macie.1"],
        well_architected: &["SEC07-BP03"],
        requires: &["macie2:GetMacieSession"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    let bucket_regions: Vec<&str> =
        model.of_type("AWS::S3::Bucket").filter_map(|b| b.prop("Region").and_then(Node::as_str)).collect();
    super::judge_regions(model, out, |region, facts| {
        let buckets = bucket_regions.iter().filter(|r| **r == region).count();
        if buckets == 0 {
            return InRegion::Ok;
        }
        match &facts.macie_enabled {
            Fact::Known(true) => InRegion::Ok,
            Fact::Known(false) => InRegion::Bad(
                format!("per_region.{region}.macie_enabled"),
                format!("Macie is not enabled in {region}, which holds {buckets} S3 bucket(s)"),
                "GetMacieSession: not enabled".into(),
            ),
            Fact::Unknown(reason) => InRegion::Unknown(format!("Macie: {reason}")),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::RULE;

    const ROOT: &str = "arn:aws:iam::111122223333:root";

    #[test]
    fn fixtures() {
        // Macie off in both Regions; only eu-west-1 holds a bucket.
        crate::assert_checks!(RULE, ["fail.json"], [format!("FAIL {ROOT}")]);
        crate::assert_live!(RULE, ["fail.json"], [ROOT]);
        crate::assert_checks!(RULE, ["pass.json"], [format!("PASS {ROOT}")]);
    }

    #[test]
    fn only_regions_with_buckets() {
        let model = crate::testing::live_model(file!(), &["fail.json"]);
        let outcome = crate::check_model(&model, &[&RULE], &crate::Config::default());
        let regions: Vec<&str> = outcome.findings.iter().map(|f| f.location.region.as_str()).collect();
        assert_eq!(regions, ["eu-west-1"]);
    }
}
