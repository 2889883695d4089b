use super::InRegion;
use crate::prelude::*;
use nextgap_model::Fact;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-GUARDDUTY-281",
        name: "guardduty-off",
        family: "GAP-DETECT",
        severity: Severity::Medium,
        title: "GuardDuty not enabled in a Region",
        description: "A Region the account uses has no enabled GuardDuty detector. GuardDuty is what \
            notices the common compromises without anyone writing a rule: credentials used from an \
            unusual network, instances talking to mining pools or command-and-control hosts, \
            discovery API calls from a stolen key. Attackers start in Regions nobody watches, so \
            every enabled Region needs it. One finding per Region; a Region whose detectors could \
            not be read is UNKNOWN. Prowler: `guardduty_is_enabled`.",
        fix: "Enable GuardDuty in every Region, for the whole Organization from a delegated administrator \
            account, and route its findings to people (Security Hub, EventBridge).",
        fix_snippet:
            "Type: AWS::GuardDuty::Detector\nProperties:\n  Enable: true\n  FindingPublishingFrequency: FIFTEEN_MINUTES",
        resource_types: &["AWS::Account"],
        fsbp: &["GuardDuty.1"],
        well_architected: &["SEC04-BP02", "SEC04-BP04"],
        requires: &["guardduty:ListDetectors", "guardduty:GetDetector"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    super::judge_regions(model, out, |region, facts| match &facts.guardduty_detectors {
        Fact::Known(ids) if !ids.is_empty() => InRegion::Ok,
        Fact::Known(_) => InRegion::Bad(
            format!("per_region.{region}.guardduty_detectors"),
            format!("GuardDuty is not enabled in {region}"),
            "enabled GuardDuty detectors: []".into(),
        ),
        Fact::Unknown(reason) => InRegion::Unknown(format!("GuardDuty detectors: {reason}")),
    });
}

#[cfg(test)]
mod tests {
    use super::RULE;

    const ROOT: &str = "arn:aws:iam::111122223333:root";

    #[test]
    fn fixtures() {
        // eu-west-1 on, us-east-1 off, ap-south-1 unreadable.
        crate::assert_checks!(RULE, ["fail.json"], [format!("FAIL {ROOT}"), format!("UNKNOWN {ROOT} ap-south-1")]);
        crate::assert_checks!(RULE, ["pass.json"], [format!("PASS {ROOT}")]);
    }
}
