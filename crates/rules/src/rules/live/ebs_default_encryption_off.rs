use super::InRegion;
use crate::prelude::*;
use nextgap_model::Fact;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-EC2-285",
        name: "ebs-default-encryption-off",
        family: "DATA-ENCRYPT",
        severity: Severity::Medium,
        title: "EBS encryption by default off in a Region",
        description: "EBS encryption by default is off in a Region the account uses, so every volume and \
            snapshot created there without an explicit `Encrypted: true` (a console launch, an old \
            template, a third-party tool) is stored unencrypted, and its snapshots can be shared \
            publicly. With the setting on, new volumes are encrypted whatever the launch says. \
            One finding per Region. Prowler: `ec2_ebs_default_encryption`.",
        fix: "Turn on EBS encryption by default in every Region (optionally with a customer managed key).",
        fix_snippet: "# No CloudFormation resource; per Region:\n\
            # aws ec2 enable-ebs-encryption-by-default --region eu-west-1",
        resource_types: &["AWS::Account"],
        cis: &["6.1.1"],
        fsbp: &["EC2.7"],
        well_architected: &["SEC08-BP02"],
        requires: &["ec2:GetEbsEncryptionByDefault"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    super::judge_regions(model, out, |region, facts| match &facts.ebs_encryption_by_default {
        Fact::Known(true) => InRegion::Ok,
        Fact::Known(false) => InRegion::Bad(
            format!("per_region.{region}.ebs_encryption_by_default"),
            format!("EBS encryption by default is off in {region}"),
            "EbsEncryptionByDefault: false".into(),
        ),
        Fact::Unknown(reason) => InRegion::Unknown(format!("EBS encryption by default: {reason}")),
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
        crate::assert_fixture!(RULE, "template.yaml", []);
    }
}
