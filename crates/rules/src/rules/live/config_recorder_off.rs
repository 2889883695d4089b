use super::InRegion;
use crate::prelude::*;
use nextgap_model::Fact;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-CONFIG-276",
        name: "config-recorder-off",
        family: "GAP-CONFIG",
        severity: Severity::Medium,
        title: "AWS Config not recording in a Region",
        description: "A Region the account uses has no AWS Config configuration recorder, a stopped one, \
            or one that records only some resource types. Without it there is no history of what a \
            resource looked like before a change, no record of who made a public bucket public or \
            opened a security group, and no Config rules or conformance packs to catch it next \
            time. Attackers favour the Regions nobody watches, so every enabled Region counts. \
            One finding per Region; a Region whose recorders could not be read is UNKNOWN. \
            Prowler: `config_recorder_all_regions_enabled`.",
        fix: "Enable a recorder for all supported resource types (and global IAM types in one Region) in \
            every enabled Region, delivering to a central bucket, for example with a StackSet or AWS \
            Control Tower.",
        fix_snippet: "Type: AWS::Config::ConfigurationRecorder\nProperties:\n  RoleARN: !GetAtt ConfigRole.Arn\n  RecordingGroup:\n    AllSupported: true\n    IncludeGlobalResourceTypes: true",
        resource_types: &["AWS::Account"],
        cis: &["4.3"],
        fsbp: &["Config.1"],
        well_architected: &["SEC04-BP01", "SEC04-BP02"],
        requires: &["config:DescribeConfigurationRecorders", "config:DescribeConfigurationRecorderStatus"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    super::judge_regions(model, out, |region, facts| {
        let recorders = match &facts.config_recorders {
            Fact::Known(r) => r,
            Fact::Unknown(reason) => return InRegion::Unknown(format!("configuration recorders: {reason}")),
        };
        let path = format!("per_region.{region}.config_recorders");
        if recorders.is_empty() {
            return InRegion::Bad(
                path,
                format!("AWS Config has no configuration recorder in {region}"),
                "config_recorders: []".into(),
            );
        }
        if recorders.iter().any(|r| r.recording && r.all_supported) {
            return InRegion::Ok;
        }
        let listed: Vec<String> = recorders
            .iter()
            .map(|r| format!("{} (recording: {}, all supported types: {})", r.name, r.recording, r.all_supported))
            .collect();
        let what = if recorders.iter().any(|r| r.recording) {
            format!("AWS Config records only some resource types in {region}")
        } else {
            format!("AWS Config's recorder is stopped in {region}")
        };
        InRegion::Bad(path, what, listed.join(", "))
    });
}

#[cfg(test)]
mod tests {
    use super::RULE;

    const ROOT: &str = "arn:aws:iam::111122223333:root";

    #[test]
    fn fixtures() {
        // eu-west-1: recorder stopped; us-east-1: recording everything; ap-south-1: unreadable;
        // eu-central-1: no recorder.
        crate::assert_checks!(RULE, ["fail.json"], [format!("FAIL {ROOT}"), format!("UNKNOWN {ROOT} ap-south-1")]);
        crate::assert_live!(RULE, ["fail.json"], [ROOT]);
        crate::assert_checks!(RULE, ["pass.json"], [format!("PASS {ROOT}")]);
        // Every Region fine but one unreadable, which the collector also lists as a failed read.
        crate::assert_checks!(RULE, ["unknown.json"], [format!("UNKNOWN {ROOT} ap-south-1")]);
    }

    #[test]
    fn one_finding_per_region() {
        let model = crate::testing::live_model(file!(), &["fail.json"]);
        let outcome = crate::check_model(&model, &[&RULE], &crate::Config::default());
        let mut regions: Vec<&str> = outcome.findings.iter().map(|f| f.location.region.as_str()).collect();
        regions.sort();
        assert_eq!(regions, ["eu-central-1", "eu-west-1"]);
    }
}
