use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-252",
        name: "root-mfa-not-hardware",
        family: "ACCOUNT-ROOT-MFA",
        severity: Severity::High,
        title: "The root user's MFA is not a hardware device",
        description: "The root user's MFA is a virtual device (an authenticator app on one phone), \
            or there is no MFA at all. A virtual device ties the account's last line of control \
            to one person's phone: it leaves with them, breaks with the phone, and is exposed to \
            whatever runs on it. A hardware key (or passkey on a security key) kept in a safe, \
            with a second one registered for another custodian, keeps root recoverable by the \
            organisation rather than by a person. A virtual MFA device assigned to \
            `arn:aws:iam::<account>:root` in `ListVirtualMFADevices` marks root's MFA as \
            virtual; MFA on without such a device means hardware. Prowler: \
            `iam_root_hardware_mfa_enabled`.",
        fix: "Register a hardware MFA device (FIDO security key or TOTP token) for root, register a second \
            one for another custodian, then remove the virtual device.",
        fix_snippet: "# As root: Security credentials > Multi-factor authentication > Assign MFA device >\n\
            #   Security key (or Hardware TOTP token); then remove the authenticator-app device.\n\
            # Check: aws iam list-virtual-mfa-devices --query \"VirtualMFADevices[?User.Arn=='arn:aws:iam::<account>:root']\"  # []",
        resource_types: &["AWS::Account"],
        cis: &["2.5"],
        fsbp: &["IAM.6"],
        well_architected: &["SEC01-BP02", "SEC02-BP01"],
        requires: &["iam:GetAccountSummary", "iam:ListVirtualMFADevices"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    let Some((acct, account)) = super::account(model) else { return };
    let root = account.root_arn();
    let virtual_device = account.virtual_mfa_devices.known().map(|devices| {
        devices
            .iter()
            .find(|(_, user)| user.as_deref().is_some_and(|u| u == root || u.ends_with(":root")))
            .map(|(s, _)| s)
    });
    if let Some(Some(serial)) = virtual_device {
        return out.add(
            acct,
            "virtual_mfa_devices",
            format!("The root user of account {} uses a virtual MFA device, not a hardware one", account.account_id),
            format!("virtual MFA device {serial} assigned to {root}"),
        );
    }
    match (super::root_mfa_off::root_mfa(account), &account.virtual_mfa_devices) {
        (Ok((false, evidence)), _) => out.add(
            acct,
            "AccountMFAEnabled",
            format!("The root user of account {} has no MFA at all, so no hardware MFA", account.account_id),
            evidence,
        ),
        (Ok((true, _)), nextgap_model::Fact::Known(_)) => {}
        (Ok((true, _)), nextgap_model::Fact::Unknown(reason)) => out.unknown(
            acct,
            format!("root MFA is on, but whether it is virtual is unknown: virtual MFA devices: {reason}"),
        ),
        (Err(reason), _) => out.unknown(acct, reason),
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    const ROOT: &str = "arn:aws:iam::111122223333:root";

    #[test]
    fn fixtures() {
        // fail.json: MFA on, with a virtual device assigned to root.
        crate::assert_live!(RULE, ["fail.json"], [ROOT]);
        // no_mfa.json: no MFA at all.
        crate::assert_live!(RULE, ["no_mfa.json"], [ROOT]);
        // pass.json: MFA on, the only virtual device belongs to a user.
        crate::assert_live!(RULE, ["pass.json"], []);
        crate::assert_checks!(RULE, ["pass.json"], [format!("PASS {ROOT}")]);
        // MFA on, but the device list could not be read.
        crate::assert_checks!(RULE, ["unknown.json"], [format!("UNKNOWN {ROOT}")]);
    }
}
