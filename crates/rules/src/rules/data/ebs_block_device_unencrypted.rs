use super::{each, switch_off, Switch};
use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-EC2-175",
        name: "ebs-block-device-unencrypted",
        family: "DATA-ENCRYPT",
        severity: Severity::Medium,
        title: "Launch configuration, launch template or instance creates unencrypted EBS volumes",
        description: "A block device mapping declares an EBS volume without `Encrypted: true`. Every \
            instance launched from the launch configuration, launch template or instance definition \
            gets that volume unencrypted (unless the account's EBS encryption by default happens \
            to be on in the region), and Auto Scaling keeps creating more of them. Mappings that \
            name a `SnapshotId` take the snapshot's encryption, and instance-store (ephemeral) \
            mappings have no EBS volume: neither is reported.",
        fix: "Add `Encrypted: true` (and `KmsKeyId` if you use a customer managed key) to each `Ebs` \
            block of `BlockDeviceMappings`; turn on EBS encryption by default in the account too.",
        fix_snippet: "BlockDeviceMappings:\n  - DeviceName: /dev/xvda\n    Ebs:\n      VolumeSize: 50\n      VolumeType: gp3\n      Encrypted: true",
        resource_types: &["AWS::AutoScaling::LaunchConfiguration", "AWS::EC2::LaunchTemplate", "AWS::EC2::Instance"],
        cis: &["6.1.1"],
        fsbp: &["EC2.7"],
        well_architected: &["SEC08-BP02"],
        checkov: &["CKV_AWS_8"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

/// Where each resource type keeps its block device mappings, and its name in messages.
const MAPPINGS: &[(&str, &str, &str)] = &[
    ("AWS::AutoScaling::LaunchConfiguration", "BlockDeviceMappings", "Launch configuration"),
    ("AWS::EC2::LaunchTemplate", "LaunchTemplateData.BlockDeviceMappings", "Launch template"),
    ("AWS::EC2::Instance", "BlockDeviceMappings", "Instance"),
];

fn check(model: &Model, out: &mut Hits) {
    for (rtype, path, noun) in MAPPINGS {
        for (i, res) in each(model, rtype) {
            for list in res.lookup(path).into_iter().flatten() {
                for (n, item) in list.all_items().into_iter().enumerate() {
                    report_device(out, i, res, path, n, item, noun);
                }
            }
        }
    }
}

fn report_device(out: &mut Hits, index: usize, res: &Resource, path: &str, n: usize, item: &Node, noun: &str) {
    for ebs in item.lookup("Ebs").into_iter().flatten() {
        if !matches!(ebs.value, Value::Map(_)) || ebs.get("SnapshotId").is_some() {
            continue;
        }
        let device = item.get("DeviceName").and_then(Node::scalar_text).unwrap_or_else(|| format!("#{n}"));
        let at = format!("{path}[{n}].Ebs.Encrypted");
        let (message, evidence) = match switch_off(ebs, "Encrypted", false) {
            Some(Switch::Off) => (format!("{noun} {} maps EBS volume {device} with Encrypted: false", res.logical_id), "Encrypted: false"),
            Some(_) => (
                format!("{noun} {} maps EBS volume {device} without Encrypted: true (unencrypted unless the account encrypts by default)", res.logical_id),
                "Encrypted absent (default false)",
            ),
            None => continue,
        };
        out.add_at(index, &at, super::pos_below(ebs, "Encrypted"), message, format!("{device}: {evidence}"));
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["Instance", "LaunchConfig", "Template", "WhenBig"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
