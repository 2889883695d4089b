//! DynamoDB tables of one region with point-in-time recovery.

use crate::scope::Scope;
use aws_sdk_dynamodb::types::PointInTimeRecoveryStatus;
use aws_sdk_dynamodb::Client;
use futures::{stream, StreamExt};
use serde_json::json;

pub async fn collect(scope: &Scope) {
    let ddb = Client::new(&scope.config);
    let names =
        scope.read("dynamodb:ListTables", ddb.list_tables().into_paginator().items().send().try_collect()).await;
    stream::iter(names.unwrap_or_default())
        .for_each_concurrent(scope.concurrency, |name| {
            let ddb = &ddb;
            async move { table(scope, ddb, &name).await }
        })
        .await;
}

async fn table(scope: &Scope, ddb: &Client, name: &str) {
    let (table, backups) = tokio::join!(
        scope.read("dynamodb:DescribeTable", ddb.describe_table().table_name(name).send()),
        scope.read("dynamodb:DescribeContinuousBackups", ddb.describe_continuous_backups().table_name(name).send()),
    );
    let t = table.as_ref().ok().and_then(|t| t.table());
    let mut p = json!({"TableName": name});
    if let Some(t) = t {
        p["DeletionProtectionEnabled"] = json!(t.deletion_protection_enabled());
        let sse = t.sse_description().map(|s| {
            json!({"SSEEnabled": s.status().is_some_and(|x| x.as_str() == "ENABLED"), "SSEType": s.sse_type().map(|x| x.as_str()),
                   "KMSMasterKeyId": s.kms_master_key_arn()})
        });
        p["SSESpecification"] = sse.unwrap_or(json!({"SSEEnabled": false}));
    }
    if let Ok(b) = &backups {
        let enabled = b
            .continuous_backups_description()
            .and_then(|d| d.point_in_time_recovery_description())
            .and_then(|d| d.point_in_time_recovery_status())
            == Some(&PointInTimeRecoveryStatus::Enabled);
        p["PointInTimeRecoverySpecification"] = json!({"PointInTimeRecoveryEnabled": enabled});
    }
    let arn = t
        .and_then(|t| t.table_arn())
        .map(String::from)
        .unwrap_or_else(|| scope.arn("dynamodb", &format!("table/{name}")));
    scope.push("AWS::DynamoDB::Table", arn, p);
}
