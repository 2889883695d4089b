use super::{each, report_switch_off, subject};
use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-EFS-176",
        name: "efs-unencrypted",
        family: "DATA-ENCRYPT",
        severity: Severity::Medium,
        title: "EFS file system not encrypted at rest",
        description: "An `AWS::EFS::FileSystem` leaves `Encrypted` false or unset, and CloudFormation \
            creates file systems unencrypted by default (the console's default differs). Encryption \
            at rest can only be chosen at creation: an existing file system has to be copied into \
            a new encrypted one.",
        fix: "Set `Encrypted: true` (and `KmsKeyId` for a customer managed key).",
        fix_snippet: "Type: AWS::EFS::FileSystem\nProperties:\n  Encrypted: true\n  KmsKeyId: !Ref DataKey",
        resource_types: &["AWS::EFS::FileSystem"],
        cis: &["3.3.1"],
        fsbp: &["EFS.1"],
        well_architected: &["SEC08-BP02"],
        checkov: &["CKV_AWS_42"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for (i, res) in each(model, "AWS::EFS::FileSystem") {
        report_switch_off(
            out,
            i,
            &res.properties,
            "",
            "Encrypted",
            &subject("EFS file system", res),
            "encryption at rest",
        );
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
