use super::InRegion;
use crate::prelude::*;
use nextgap_model::Fact;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-SECURITYHUB-282",
        name: "securityhub-off",
        family: "GAP-DETECT",
        severity: Severity::Medium,
        title: "Security Hub not enabled in a Region",
        description: "A Region the account uses does not have AWS Security Hub enabled. Security Hub is \
            where findings from GuardDuty, Inspector, Macie, IAM Access Analyzer and Config come \
            together and where the FSBP and CIS controls are evaluated continuously; without it, \
            each service's findings sit in its own console, per Region, and nobody sees the whole. \
            One finding per Region; a Region whose state could not be read is UNKNOWN. Prowler: \
            `securityhub_enabled`.",
        fix: "Enable Security Hub in every Region with central configuration from a delegated \
            administrator, aggregate findings into one Region, and turn on the FSBP standard.",
        fix_snippet: "Type: AWS::SecurityHub::Hub\nProperties:\n  EnableDefaultStandards: true\n  ControlFindingGenerator: SECURITY_CONTROL",
        resource_types: &["AWS::Account"],
        cis: &["5.16"],
        well_architected: &["SEC04-BP02", "SEC04-BP03"],
        requires: &["securityhub:DescribeHub"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    super::judge_regions(model, out, |region, facts| match &facts.securityhub_enabled {
        Fact::Known(true) => InRegion::Ok,
        Fact::Known(false) => InRegion::Bad(
            format!("per_region.{region}.securityhub_enabled"),
            format!("Security Hub is not enabled in {region}"),
            "DescribeHub: InvalidAccessException (not subscribed)".into(),
        ),
        Fact::Unknown(reason) => InRegion::Unknown(format!("Security Hub: {reason}")),
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
        // The emulator lacks the API in both Regions: one UNKNOWN per Region.
        crate::assert_checks!(
            RULE,
            ["unknown.json"],
            [format!("UNKNOWN {ROOT} eu-west-1"), format!("UNKNOWN {ROOT} us-east-1")]
        );
    }
}
