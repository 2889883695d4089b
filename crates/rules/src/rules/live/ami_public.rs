use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-EC2-280",
        name: "ami-public",
        family: "GAP-PUBLIC-SNAPSHOT",
        severity: Severity::High,
        title: "AMI shared publicly",
        description: "An AMI owned by the account is public: any AWS customer can launch it and read its \
            disks. Images built from working servers carry configuration files, keys, tokens and \
            application code; unless the image was built to be published, that is a leak. \
            Prowler: `ec2_ami_public`.",
        fix: "Make the image private (share it with named accounts or the Organization instead), and turn \
            on AMI Block Public Access for the Region.",
        fix_snippet:
            "# aws ec2 modify-image-attribute --image-id ami-0123 --launch-permission \"Remove=[{Group=all}]\"\n\
            # aws ec2 enable-image-block-public-access --image-block-public-access-state block-new-sharing",
        resource_types: &["AWS::EC2::Image"],
        well_architected: &["SEC03-BP07", "SEC08-BP04"],
        requires: &["ec2:DescribeImages"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    if model.account.is_none() {
        return;
    }
    super::public_hits(model, out, "AWS::EC2::Image", "ImageId", "AMI", "anyone can launch it and read its disks");
}

#[cfg(test)]
mod tests {
    use super::RULE;

    const I: &str = "arn:aws:ec2:eu-west-1:111122223333:image/";

    #[test]
    fn fixtures() {
        crate::assert_checks!(RULE, ["fail.json"], [format!("FAIL {I}ami-public"), format!("PASS {I}ami-private")]);
        // DescribeImages failed in eu-west-1.
        crate::assert_checks!(RULE, ["unknown.json"], ["UNKNOWN arn:aws:iam::111122223333:root eu-west-1"]);
    }
}
