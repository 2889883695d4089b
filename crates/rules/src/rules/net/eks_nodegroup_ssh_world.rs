use super::Setting;
use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-EKS-007",
        name: "eks-nodegroup-ssh-world",
        family: "NET-OPEN",
        severity: Severity::High,
        title: "EKS node group opens SSH to the internet",
        description: "An EKS managed node group enables remote access with an EC2 key pair \
            (`RemoteAccess.Ec2SshKey`) but names no `SourceSecurityGroups`. EKS then creates a \
            security group that allows port 22 from 0.0.0.0/0 on every node: the nodes' SSH \
            daemons are exposed to the internet, and a leaked key reaches the kubelet, the node's \
            IAM role and every pod's secrets. Use Session Manager to reach nodes, or restrict \
            remote access to a bastion's security group.",
        fix: "Remove RemoteAccess and reach nodes through Session Manager, or set \
            RemoteAccess.SourceSecurityGroups to the security groups allowed to connect.",
        fix_snippet:
            "RemoteAccess:\n  Ec2SshKey: !Ref NodeKeyName\n  SourceSecurityGroups:\n    - !Ref BastionSecurityGroup",
        resource_types: &["AWS::EKS::Nodegroup"],
        cis: &["6.3"],
        fsbp: &["EC2.13"],
        well_architected: &["SEC05-BP02", "SEC06-BP05"],
        checkov: &["CKV_AWS_100"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for (index, res) in model.resources.iter().enumerate().filter(|(_, r)| r.is_type("AWS::EKS::Nodegroup")) {
        // Every alternative of RemoteAccess that sets a key and leaves the sources out.
        let open = res.lookup("RemoteAccess").into_iter().flatten().any(|remote| {
            if remote.is_unresolved() {
                return false;
            }
            let has_key = remote.lookup("Ec2SshKey").into_iter().any(|k| k.is_some());
            let no_sources = remote.lookup("SourceSecurityGroups").into_iter().any(|s| match s {
                None => true,
                Some(list) => matches!(&list.value, Value::List(items) if items.is_empty()),
            });
            has_key && no_sources
        });
        if !open {
            continue;
        }
        let key = super::settings(res, "RemoteAccess.Ec2SshKey")
            .into_iter()
            .find_map(|s| match s {
                Setting::Known(n) | Setting::Unknown(n) => Some(n.describe()),
                Setting::Missing => None,
            })
            .unwrap_or_default();
        out.add(
            index,
            "RemoteAccess",
            format!("Node group {} allows SSH with key {key} from 0.0.0.0/0 (no SourceSecurityGroups)", res.logical_id),
            format!("RemoteAccess.Ec2SshKey: {key}, RemoteAccess.SourceSecurityGroups absent"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["EmptySources", "KeyFromParameter", "NoSources"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
