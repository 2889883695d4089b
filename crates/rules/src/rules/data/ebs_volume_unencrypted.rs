use super::{each, is_set, report_switch_off, subject};
use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-EC2-174",
        name: "ebs-volume-unencrypted",
        family: "DATA-ENCRYPT",
        severity: Severity::Medium,
        title: "EBS volume not encrypted",
        description: "An `AWS::EC2::Volume` leaves `Encrypted` false or unset. Unless the account has EBS \
            encryption by default turned on in that region (which the template cannot show), the \
            volume, its snapshots and any volume later created from them are unencrypted, and \
            a snapshot shared by mistake exposes the data in clear. Volumes created from a \
            snapshot take the snapshot's encryption and are not reported.",
        fix: "Set `Encrypted: true` (and `KmsKeyId` for a customer managed key); also turn on EBS \
            encryption by default in every region of the account.",
        fix_snippet: "Type: AWS::EC2::Volume\nProperties:\n  AvailabilityZone: !Select [0, !GetAZs \"\"]\n  Size: 100\n  Encrypted: true\n  KmsKeyId: !Ref DataKey",
        resource_types: &["AWS::EC2::Volume"],
        cis: &["6.1.1"],
        fsbp: &["EC2.3", "EC2.7"],
        well_architected: &["SEC08-BP02"],
        checkov: &["CKV_AWS_3"],
        requires: &["ec2:DescribeVolumes"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for (i, res) in each(model, "AWS::EC2::Volume") {
        // A template volume from a snapshot inherits its encryption; a live volume's `Encrypted` is the fact.
        if model.account.is_none() && is_set(res, "SnapshotId") {
            continue;
        }
        report_switch_off(out, i, &res.properties, "", "Encrypted", &subject("EBS volume", res), "encryption");
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["Default", "Disabled"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
