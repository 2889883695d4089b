//! EC2 in one region: security groups (one ingress/egress entry per source, whether a network
//! interface uses them), volumes, own snapshots and images (and whether they are public), EBS
//! encryption by default, instances and their instance profiles. Also the account's enabled
//! regions.

use crate::scope::{time, Scope};
use aws_sdk_ec2::types::{IpPermission, PermissionGroup, SecurityGroup, SnapshotAttributeName};
use aws_sdk_ec2::Client;
use futures::{stream, StreamExt};
use nextgap_model::Fact;
use serde_json::{json, Map, Value};
use std::collections::HashSet;

pub async fn collect(scope: &Scope) {
    let ec2 = Client::new(&scope.config);
    tokio::join!(
        security_groups(scope, &ec2),
        volumes(scope, &ec2),
        snapshots(scope, &ec2),
        images(scope, &ec2),
        instances(scope, &ec2),
        encryption_by_default(scope, &ec2),
    );
}

/// Enabled regions (opted in or not requiring opt-in), sorted.
pub async fn enabled_regions(scope: &Scope) -> Result<Vec<String>, String> {
    let ec2 = Client::new(&scope.config);
    let out = scope.read("ec2:DescribeRegions", ec2.describe_regions().send()).await?;
    let mut regions: Vec<String> = out
        .regions()
        .iter()
        .filter(|r| matches!(r.opt_in_status(), None | Some("opt-in-not-required") | Some("opted-in")))
        .filter_map(|r| r.region_name().map(String::from))
        .collect();
    regions.sort();
    Ok(regions)
}

async fn security_groups(scope: &Scope, ec2: &Client) {
    let (groups, attached) = tokio::join!(
        scope.read(
            "ec2:DescribeSecurityGroups",
            ec2.describe_security_groups().into_paginator().items().send().try_collect()
        ),
        attached_groups(scope, ec2),
    );
    for g in groups.unwrap_or_default() {
        let id = g.group_id().unwrap_or_default();
        let mut p = group_properties(&g);
        if let Some(attached) = &attached {
            p.insert("Attached".into(), json!(attached.contains(id)));
        }
        scope.push("AWS::EC2::SecurityGroup", scope.arn("ec2", &format!("security-group/{id}")), Value::Object(p));
    }
}

fn group_properties(g: &SecurityGroup) -> Map<String, Value> {
    let mut p = Map::new();
    p.insert("GroupId".into(), json!(g.group_id()));
    p.insert("GroupName".into(), json!(g.group_name()));
    p.insert("GroupDescription".into(), json!(g.description()));
    p.insert("VpcId".into(), json!(g.vpc_id()));
    p.insert(
        "SecurityGroupIngress".into(),
        Value::Array(g.ip_permissions().iter().flat_map(|r| entries(r, true)).collect()),
    );
    p.insert(
        "SecurityGroupEgress".into(),
        Value::Array(g.ip_permissions_egress().iter().flat_map(|r| entries(r, false)).collect()),
    );
    p.insert("IsDefault".into(), json!(g.group_name() == Some("default")));
    p
}

/// One CloudFormation-style rule per source (or destination) of an IP permission.
pub fn entries(r: &IpPermission, ingress: bool) -> Vec<Value> {
    let base = json!({"IpProtocol": r.ip_protocol(), "FromPort": r.from_port(), "ToPort": r.to_port()});
    let with = |key: &str, value: Option<&str>, description: Option<&str>| {
        let mut e = base.clone();
        e[key] = json!(value);
        e["Description"] = json!(description);
        e
    };
    let (group_key, prefix_key) = if ingress {
        ("SourceSecurityGroupId", "SourcePrefixListId")
    } else {
        ("DestinationSecurityGroupId", "DestinationPrefixListId")
    };
    let mut out = Vec::new();
    out.extend(r.ip_ranges().iter().map(|x| with("CidrIp", x.cidr_ip(), x.description())));
    out.extend(r.ipv6_ranges().iter().map(|x| with("CidrIpv6", x.cidr_ipv6(), x.description())));
    out.extend(r.user_id_group_pairs().iter().map(|x| {
        let mut e = with(group_key, x.group_id(), x.description());
        if ingress {
            e["SourceSecurityGroupOwnerId"] = json!(x.user_id());
        }
        e
    }));
    out.extend(r.prefix_list_ids().iter().map(|x| with(prefix_key, x.prefix_list_id(), x.description())));
    out
}

/// Ids of the security groups some network interface uses; `None` when unreadable.
async fn attached_groups(scope: &Scope, ec2: &Client) -> Option<HashSet<String>> {
    let interfaces = scope
        .read(
            "ec2:DescribeNetworkInterfaces",
            ec2.describe_network_interfaces().into_paginator().items().send().try_collect(),
        )
        .await
        .ok()?;
    Some(interfaces.iter().flat_map(|i| i.groups()).filter_map(|g| g.group_id().map(String::from)).collect())
}

async fn volumes(scope: &Scope, ec2: &Client) {
    let volumes =
        scope.read("ec2:DescribeVolumes", ec2.describe_volumes().into_paginator().items().send().try_collect()).await;
    for v in volumes.unwrap_or_default() {
        let id = v.volume_id().unwrap_or_default();
        let attachments: Vec<Value> = v
            .attachments()
            .iter()
            .map(|a| json!({"InstanceId": a.instance_id(), "Device": a.device(), "State": a.state().map(|s| s.as_str())}))
            .collect();
        let p = json!({
            "VolumeId": id, "Encrypted": v.encrypted(), "Size": v.size(), "AvailabilityZone": v.availability_zone(),
            "Attachments": attachments, "VolumeType": v.volume_type().map(|t| t.as_str()), "KmsKeyId": v.kms_key_id(),
            "CreateTime": time(v.create_time()),
        });
        scope.push("AWS::EC2::Volume", scope.arn("ec2", &format!("volume/{id}")), p);
    }
}

async fn snapshots(scope: &Scope, ec2: &Client) {
    let snapshots = scope
        .read(
            "ec2:DescribeSnapshots",
            ec2.describe_snapshots().owner_ids("self").into_paginator().items().send().try_collect(),
        )
        .await;
    stream::iter(snapshots.unwrap_or_default())
        .for_each_concurrent(scope.concurrency, |s| async move {
            let id = s.snapshot_id().unwrap_or_default();
            let public = snapshot_public(scope, ec2, id).await;
            let p = json!({
                "SnapshotId": id, "VolumeId": s.volume_id(), "VolumeSize": s.volume_size(), "StartTime": time(s.start_time()),
                "State": s.state().map(|x| x.as_str()), "Encrypted": s.encrypted(), "Public": public,
            });
            let arn = format!("arn:{}:ec2:{}::snapshot/{id}", scope.partition, scope.region);
            scope.push("AWS::EC2::Snapshot", arn, p);
        })
        .await;
}

/// Whether `createVolumePermission` grants group `all`; null when unreadable.
async fn snapshot_public(scope: &Scope, ec2: &Client, id: &str) -> Option<bool> {
    let out = scope
        .read(
            "ec2:DescribeSnapshotAttribute",
            ec2.describe_snapshot_attribute()
                .snapshot_id(id)
                .attribute(SnapshotAttributeName::CreateVolumePermission)
                .send(),
        )
        .await
        .ok()?;
    Some(out.create_volume_permissions().iter().any(|p| p.group() == Some(&PermissionGroup::All)))
}

async fn images(scope: &Scope, ec2: &Client) {
    let images = scope
        .read("ec2:DescribeImages", ec2.describe_images().owners("self").into_paginator().items().send().try_collect())
        .await;
    for i in images.unwrap_or_default() {
        let id = i.image_id().unwrap_or_default();
        let p = json!({"ImageId": id, "Name": i.name(), "CreationDate": i.creation_date(), "Public": i.public()});
        let arn = format!("arn:{}:ec2:{}::image/{id}", scope.partition, scope.region);
        scope.push("AWS::EC2::Image", arn, p);
    }
}

/// Instances with the instance profile that lends them a role's credentials.
async fn instances(scope: &Scope, ec2: &Client) {
    let reservations = scope
        .read("ec2:DescribeInstances", ec2.describe_instances().into_paginator().items().send().try_collect())
        .await;
    for i in reservations.unwrap_or_default().iter().flat_map(|r| r.instances()) {
        let id = i.instance_id().unwrap_or_default();
        let p = json!({
            "InstanceId": id,
            "IamInstanceProfile": i.iam_instance_profile().and_then(|p| p.arn()),
            "State": i.state().and_then(|s| s.name()).map(|n| n.as_str()),
        });
        scope.push("AWS::EC2::Instance", scope.arn("ec2", &format!("instance/{id}")), p);
    }
}

async fn encryption_by_default(scope: &Scope, ec2: &Client) {
    let out = scope.read("ec2:GetEbsEncryptionByDefault", ec2.get_ebs_encryption_by_default().send()).await;
    let fact = match out {
        Ok(o) => Fact::Known(o.ebs_encryption_by_default().unwrap_or(false)),
        Err(reason) => Fact::Unknown(reason),
    };
    scope.region_facts(|r| r.ebs_encryption_by_default = fact);
}
