use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-EC2-005",
        name: "sg-world-admin-services",
        family: "NET-OPEN",
        severity: Severity::High,
        title: "Database or administrative service port open to the internet",
        description: "A security group lets anyone on the internet reach the port of a database, \
            cache, search engine, container or cluster control plane, file share or legacy \
            clear-text admin protocol (MySQL, PostgreSQL, SQL Server, Oracle, MongoDB, Redis, \
            Memcached, Elasticsearch/OpenSearch, Kibana, Docker, etcd, kubelet, SMB, NFS, Telnet, \
            FTP, VNC …). These services are found by internet-wide scanners within hours; several \
            (Redis, Memcached, Elasticsearch, the Docker API) accept unauthenticated requests in \
            their default configuration, and the others are one weak password or one unpatched \
            flaw away from a data breach. Data and control-plane ports belong on private subnets, \
            reachable only from the application's security group or through a VPN.",
        fix: "Remove the 0.0.0.0/0 and ::/0 sources; allow the port only from the security groups of the \
            clients that need it (SourceSecurityGroupId) or from internal ranges.",
        fix_snippet: "SecurityGroupIngress:\n  - IpProtocol: tcp\n    FromPort: 5432\n    ToPort: 5432\n    SourceSecurityGroupId: !Ref AppSecurityGroup",
        resource_types: &["AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"],
        cis: &["6.1.2"],
        fsbp: &["EC2.18", "EC2.19"],
        well_architected: &["SEC05-BP01", "SEC05-BP02"],
        cfn_nag: &["W2"],
        requires: &["ec2:DescribeSecurityGroups"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

/// TCP ports of services that should never face the internet directly. SSH, RDP and HTTP have
/// rules of their own.
const SERVICES: &[(i64, &str)] = &[
    (20, "FTP data"),
    (21, "FTP"),
    (23, "Telnet"),
    (135, "Microsoft RPC"),
    (139, "NetBIOS"),
    (445, "SMB/CIFS"),
    (1433, "SQL Server"),
    (1434, "SQL Server browser"),
    (1521, "Oracle"),
    (2049, "NFS"),
    (2375, "Docker API (plain text)"),
    (2376, "Docker API"),
    (2379, "etcd"),
    (2380, "etcd peer"),
    (3306, "MySQL/MariaDB"),
    (5432, "PostgreSQL"),
    (5439, "Redshift"),
    (5601, "Kibana/OpenSearch Dashboards"),
    (5900, "VNC"),
    (5984, "CouchDB"),
    (6379, "Redis"),
    (7000, "Cassandra inter-node"),
    (7199, "Cassandra JMX"),
    (8020, "Hadoop NameNode"),
    (9042, "Cassandra"),
    (9092, "Kafka"),
    (9200, "Elasticsearch/OpenSearch"),
    (9300, "Elasticsearch transport"),
    (10250, "kubelet"),
    (11211, "Memcached"),
    (27017, "MongoDB"),
    (27018, "MongoDB shard"),
];

fn check(model: &Model, out: &mut Hits) {
    for group in &model.security_groups {
        for rule in group.ingress.iter().filter(|r| super::from_world(r) && !super::opens_everything(r)) {
            let exposed: Vec<String> = SERVICES
                .iter()
                .filter(|(port, _)| rule.covers_tcp_port(*port))
                .map(|(port, name)| format!("{name} ({port})"))
                .collect();
            if exposed.is_empty() {
                continue;
            }
            let listed = if exposed.len() > 4 {
                format!("{} and {} more", exposed[..4].join(", "), exposed.len() - 4)
            } else {
                exposed.join(", ")
            };
            out.add_at(
                rule.resource,
                &rule.path,
                rule.pos,
                format!(
                    "{listed} open to {} on security group {}{}",
                    rule.source(),
                    group.logical_id,
                    super::group_note(model, group)
                ),
                super::ingress_evidence(rule),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["Database", "Ephemeral", "Redis", "Standalone", "Telnet"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
