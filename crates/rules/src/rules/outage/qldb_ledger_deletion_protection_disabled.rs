use crate::prelude::*;
use crate::rules::data::{each, switch_off, Switch};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-QLDB-153",
        name: "qldb-ledger-deletion-protection-disabled",
        family: "OUTAGE-STATEFUL",
        severity: Severity::Medium,
        title: "QLDB ledger with deletion protection turned off",
        description: "An `AWS::QLDB::Ledger` sets `DeletionProtection: false`. QLDB protects ledgers by \
            default; turning it off lets a stack deletion, a replacement or one `DeleteLedger` call \
            destroy the ledger, and with it the verifiable history that is the reason for using \
            QLDB. Ledgers that leave the property unset keep the protective default and are not \
            reported.",
        fix: "Remove `DeletionProtection: false` (or set it to true).",
        fix_snippet: "Type: AWS::QLDB::Ledger\nDeletionPolicy: Retain\nProperties:\n  PermissionsMode: STANDARD\n  DeletionProtection: true",
        resource_types: &["AWS::QLDB::Ledger"],
        well_architected: &["SEC07-BP04", "SEC08-BP04"],
        checkov: &["CKV_AWS_172"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for (i, res) in each(model, "AWS::QLDB::Ledger") {
        if switch_off(&res.properties, "DeletionProtection", true) == Some(Switch::Off) {
            out.add(
                i,
                "DeletionProtection",
                format!(
                    "QLDB ledger {} sets DeletionProtection to false: the ledger can be deleted without a safeguard",
                    res.logical_id
                ),
                "DeletionProtection: false",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["Disabled"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
