//! RDS in one region: instances, clusters, and snapshots of both (public when the `restore`
//! attribute contains `all`).

use crate::scope::{time, Scope};
use aws_sdk_rds::types::{DbClusterSnapshot, DbSnapshot};
use aws_sdk_rds::Client;
use futures::{stream, StreamExt};
use serde_json::json;

pub async fn collect(scope: &Scope) {
    let rds = Client::new(&scope.config);
    tokio::join!(instances(scope, &rds), clusters(scope, &rds), snapshots(scope, &rds), cluster_snapshots(scope, &rds));
}

async fn instances(scope: &Scope, rds: &Client) {
    let list = scope
        .read("rds:DescribeDBInstances", rds.describe_db_instances().into_paginator().items().send().try_collect())
        .await;
    for i in list.unwrap_or_default() {
        let p = json!({
            "DBInstanceIdentifier": i.db_instance_identifier(), "Engine": i.engine(),
            "PubliclyAccessible": i.publicly_accessible(), "StorageEncrypted": i.storage_encrypted(),
            "BackupRetentionPeriod": i.backup_retention_period(), "DeletionProtection": i.deletion_protection(),
            "DBClusterIdentifier": i.db_cluster_identifier(), "MultiAZ": i.multi_az(),
        });
        let arn = i
            .db_instance_arn()
            .map(String::from)
            .unwrap_or_else(|| scope.arn("rds", &format!("db:{}", i.db_instance_identifier().unwrap_or_default())));
        scope.push("AWS::RDS::DBInstance", arn, p);
    }
}

async fn clusters(scope: &Scope, rds: &Client) {
    let list = scope
        .read("rds:DescribeDBClusters", rds.describe_db_clusters().into_paginator().items().send().try_collect())
        .await;
    for c in list.unwrap_or_default() {
        let p = json!({
            "DBClusterIdentifier": c.db_cluster_identifier(), "Engine": c.engine(),
            "StorageEncrypted": c.storage_encrypted(), "BackupRetentionPeriod": c.backup_retention_period(),
            "DeletionProtection": c.deletion_protection(), "PubliclyAccessible": c.publicly_accessible(),
        });
        let arn = c
            .db_cluster_arn()
            .map(String::from)
            .unwrap_or_else(|| scope.arn("rds", &format!("cluster:{}", c.db_cluster_identifier().unwrap_or_default())));
        scope.push("AWS::RDS::DBCluster", arn, p);
    }
}

fn restores_to_all<'a>(mut attributes: impl Iterator<Item = (Option<&'a str>, &'a [String])>) -> bool {
    attributes.any(|(name, values)| name == Some("restore") && values.iter().any(|v| v == "all"))
}

async fn snapshots(scope: &Scope, rds: &Client) {
    let list = scope
        .read("rds:DescribeDBSnapshots", rds.describe_db_snapshots().into_paginator().items().send().try_collect())
        .await;
    stream::iter(list.unwrap_or_default())
        .for_each_concurrent(scope.concurrency, |s| async move { snapshot(scope, rds, &s).await })
        .await;
}

/// Only manual snapshots can be shared; automated ones are never public.
async fn snapshot(scope: &Scope, rds: &Client, s: &DbSnapshot) {
    let id = s.db_snapshot_identifier().unwrap_or_default();
    let public = if s.snapshot_type() == Some("manual") {
        scope
            .read(
                "rds:DescribeDBSnapshotAttributes",
                rds.describe_db_snapshot_attributes().db_snapshot_identifier(id).send(),
            )
            .await
            .ok()
            .map(|o| {
                let attrs = o.db_snapshot_attributes_result().map(|r| r.db_snapshot_attributes()).unwrap_or_default();
                restores_to_all(attrs.iter().map(|a| (a.attribute_name(), a.attribute_values())))
            })
    } else {
        Some(false)
    };
    let p = json!({
        "DBSnapshotIdentifier": id, "DBInstanceIdentifier": s.db_instance_identifier(),
        "SnapshotCreateTime": time(s.snapshot_create_time()), "AllocatedStorage": s.allocated_storage(),
        "Encrypted": s.encrypted(), "SnapshotType": s.snapshot_type(), "Public": public,
    });
    let arn = s.db_snapshot_arn().map(String::from).unwrap_or_else(|| scope.arn("rds", &format!("snapshot:{id}")));
    scope.push("AWS::RDS::DBSnapshot", arn, p);
}

async fn cluster_snapshots(scope: &Scope, rds: &Client) {
    let list = scope
        .read(
            "rds:DescribeDBClusterSnapshots",
            rds.describe_db_cluster_snapshots().into_paginator().items().send().try_collect(),
        )
        .await;
    stream::iter(list.unwrap_or_default())
        .for_each_concurrent(scope.concurrency, |s| async move { cluster_snapshot(scope, rds, &s).await })
        .await;
}

async fn cluster_snapshot(scope: &Scope, rds: &Client, s: &DbClusterSnapshot) {
    let id = s.db_cluster_snapshot_identifier().unwrap_or_default();
    let public = if s.snapshot_type() == Some("manual") {
        scope
            .read(
                "rds:DescribeDBClusterSnapshotAttributes",
                rds.describe_db_cluster_snapshot_attributes().db_cluster_snapshot_identifier(id).send(),
            )
            .await
            .ok()
            .map(|o| {
                let attrs = o
                    .db_cluster_snapshot_attributes_result()
                    .map(|r| r.db_cluster_snapshot_attributes())
                    .unwrap_or_default();
                restores_to_all(attrs.iter().map(|a| (a.attribute_name(), a.attribute_values())))
            })
    } else {
        Some(false)
    };
    let p = json!({
        "DBClusterSnapshotIdentifier": id, "DBClusterIdentifier": s.db_cluster_identifier(),
        "SnapshotCreateTime": time(s.snapshot_create_time()), "SnapshotType": s.snapshot_type(), "Public": public,
    });
    let arn = s
        .db_cluster_snapshot_arn()
        .map(String::from)
        .unwrap_or_else(|| scope.arn("rds", &format!("cluster-snapshot:{id}")));
    scope.push("AWS::RDS::DBClusterSnapshot", arn, p);
}
