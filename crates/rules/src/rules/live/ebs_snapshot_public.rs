use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-EC2-278",
        name: "ebs-snapshot-public",
        family: "GAP-PUBLIC-SNAPSHOT",
        severity: Severity::Critical,
        title: "EBS snapshot shared publicly",
        description: "An EBS snapshot owned by the account can be restored by anyone: its \
            `createVolumePermission` includes the group `all`. Any AWS customer can create a volume \
            from it and read the disk, including database files, keys and credentials left on it; \
            public snapshots are scanned for exactly that. Prowler: `ec2_ebs_public_snapshot`.",
        fix: "Remove the `all` group from the snapshot's create-volume permission (share with named \
            accounts instead), and turn on EBS snapshot Block Public Access for the Region.",
        fix_snippet:
            "# aws ec2 modify-snapshot-attribute --snapshot-id snap-0123 --attribute createVolumePermission \\\n\
            #   --operation-type remove --group-names all\n\
            # aws ec2 enable-snapshot-block-public-access --state block-all-sharing",
        resource_types: &["AWS::EC2::Snapshot"],
        fsbp: &["EC2.1"],
        well_architected: &["SEC03-BP07", "SEC08-BP04"],
        requires: &["ec2:DescribeSnapshots", "ec2:DescribeSnapshotAttribute"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    if model.account.is_none() {
        return;
    }
    super::public_hits(
        model,
        out,
        "AWS::EC2::Snapshot",
        "SnapshotId",
        "EBS snapshot",
        "anyone can create a volume from it",
    );
}

#[cfg(test)]
mod tests {
    use super::RULE;

    const S: &str = "arn:aws:ec2:eu-west-1:111122223333:snapshot/";

    #[test]
    fn fixtures() {
        // snap-public: Public true; snap-private: false; snap-unread: the attribute was not read.
        crate::assert_checks!(
            RULE,
            ["fail.json"],
            [format!("FAIL {S}snap-public"), format!("PASS {S}snap-private"), format!("UNKNOWN {S}snap-unread")]
        );
        crate::assert_live!(RULE, ["pass.json"], []);
    }
}
