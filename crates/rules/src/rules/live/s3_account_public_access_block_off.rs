use crate::prelude::*;
use nextgap_model::Fact;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-S3-277",
        name: "s3-account-public-access-block-off",
        family: "GAP-PUBLIC-S3",
        severity: Severity::High,
        title: "Account-level S3 Block Public Access off or partial",
        description: "S3 Block Public Access is not configured for the account, or some of its four \
            settings are off. Then every bucket's exposure rests on its own settings, and one \
            bucket made public \"temporarily\" (a policy with `Principal: *`, a public-read ACL) \
            is public at once. With all four on at the account level, no bucket in the account \
            can be made public by ACL or policy, whatever its own configuration. Accounts that \
            must serve public content should do so through CloudFront with origin access \
            control, not public buckets. Prowler: `s3_account_level_public_access_blocks`.",
        fix: "Turn on all four account-level Block Public Access settings (BlockPublicAcls, IgnorePublicAcls, \
            BlockPublicPolicy, RestrictPublicBuckets), or enforce them for the Organization.",
        fix_snippet: "# No CloudFormation resource for the account-level setting:\n\
            # aws s3control put-public-access-block --account-id 111122223333 --public-access-block-configuration \\\n\
            #   BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
        resource_types: &["AWS::Account"],
        cis: &["3.1.4"],
        fsbp: &["S3.1"],
        well_architected: &["SEC03-BP07", "SEC08-BP04"],
        requires: &["s3control:GetPublicAccessBlock"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    let Some((acct, account)) = super::account(model) else { return };
    match &account.s3_public_access_block {
        Fact::Unknown(reason) => out.unknown(acct, format!("account-level Block Public Access: {reason}")),
        Fact::Known(None) => out.add(
            acct,
            "s3_public_access_block",
            format!("Account {} has no account-level S3 Block Public Access", account.account_id),
            "GetPublicAccessBlock (account): NoSuchPublicAccessBlockConfiguration",
        ),
        Fact::Known(Some(flags)) if flags.all_on() => {}
        Fact::Known(Some(flags)) => {
            let all = [
                ("BlockPublicAcls", flags.block_public_acls),
                ("IgnorePublicAcls", flags.ignore_public_acls),
                ("BlockPublicPolicy", flags.block_public_policy),
                ("RestrictPublicBuckets", flags.restrict_public_buckets),
            ];
            let off: Vec<&str> = all.iter().filter(|(_, on)| !on).map(|(name, _)| *name).collect();
            let evidence: Vec<String> = all.iter().map(|(name, on)| format!("{name}: {on}")).collect();
            out.add(
                acct,
                "s3_public_access_block",
                format!(
                    "Account {} has account-level S3 Block Public Access off for {}",
                    account.account_id,
                    off.join(", ")
                ),
                evidence.join(", "),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    const ROOT: &str = "arn:aws:iam::111122223333:root";

    #[test]
    fn fixtures() {
        // fail.json: two of four settings on; missing.json: not configured.
        crate::assert_checks!(RULE, ["fail.json"], [format!("FAIL {ROOT}")]);
        crate::assert_checks!(RULE, ["missing.json"], [format!("FAIL {ROOT}")]);
        crate::assert_checks!(RULE, ["pass.json"], [format!("PASS {ROOT}")]);
        // The s3control call failed (as it does on emulators without the account host name).
        crate::assert_checks!(RULE, ["unknown.json"], [format!("UNKNOWN {ROOT}")]);
    }
}
