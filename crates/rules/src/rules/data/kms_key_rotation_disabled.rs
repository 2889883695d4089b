use super::{each, switch_off, Switch};
use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-KMS-177",
        name: "kms-key-rotation-disabled",
        family: "DATA-ENCRYPT",
        severity: Severity::Medium,
        title: "Symmetric KMS key without automatic rotation",
        description: "A symmetric encryption `AWS::KMS::Key` leaves `EnableKeyRotation` false or unset \
            (the default is off). Without rotation the same key material protects every piece of \
            data for the key's whole life, which widens what one exposure of it reveals and fails \
            most key-management policies. Rotation is transparent: old ciphertext still decrypts. \
            Asymmetric and HMAC keys, and keys with imported or external key material, cannot be \
            rotated automatically and are not reported.",
        fix: "Set `EnableKeyRotation: true` (optionally `RotationPeriodInDays`).",
        fix_snippet: "Type: AWS::KMS::Key\nProperties:\n  EnableKeyRotation: true\n  RotationPeriodInDays: 365\n  KeyPolicy: { ... }",
        resource_types: &["AWS::KMS::Key"],
        cis: &["4.6"],
        fsbp: &["KMS.4"],
        well_architected: &["SEC08-BP01"],
        checkov: &["CKV_AWS_7"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

/// Every alternative of `path` is missing or one of `allowed` (a known value); unknown values
/// make the answer false, so the rule stays silent.
fn only(res: &Resource, path: &str, allowed: &[&str]) -> bool {
    res.lookup(path).into_iter().all(|n| match n {
        None => true,
        Some(n) => n.as_str().is_some_and(|s| allowed.contains(&s)),
    })
}

fn check(model: &Model, out: &mut Hits) {
    for (i, res) in each(model, "AWS::KMS::Key") {
        let symmetric = only(res, "KeySpec", &["SYMMETRIC_DEFAULT"]) && only(res, "KeyUsage", &["ENCRYPT_DECRYPT"]);
        let rotatable_origin = only(res, "Origin", &["AWS_KMS"]);
        if !symmetric || !rotatable_origin {
            continue;
        }
        let (message, evidence) = match switch_off(&res.properties, "EnableKeyRotation", false) {
            Some(Switch::Off) => {
                (format!("KMS key {} sets EnableKeyRotation to false", res.logical_id), "EnableKeyRotation: false")
            }
            Some(_) => (
                format!("KMS key {} does not set EnableKeyRotation: its key material is never rotated", res.logical_id),
                "EnableKeyRotation absent (default false)",
            ),
            None => continue,
        };
        out.add(i, "EnableKeyRotation", message, evidence);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["Default", "Disabled", "ExplicitSymmetric"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
