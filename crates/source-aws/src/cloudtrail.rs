//! CloudTrail trails whose home region is this one (a multi-region or organization trail shows
//! up in every region; reading it in its home region only avoids duplicates), with logging
//! status and event selectors.

use crate::scope::Scope;
use aws_sdk_cloudtrail::operation::get_event_selectors::GetEventSelectorsOutput;
use aws_sdk_cloudtrail::types::Trail;
use aws_sdk_cloudtrail::Client;
use serde_json::{json, Value};

pub async fn collect(scope: &Scope) {
    let ct = Client::new(&scope.config);
    let Ok(out) = scope.read("cloudtrail:DescribeTrails", ct.describe_trails().send()).await else {
        return;
    };
    let own = out.trail_list().iter().filter(|t| t.home_region().is_none_or(|r| r == scope.region));
    futures::future::join_all(own.map(|t| trail(scope, &ct, t))).await;
}

async fn trail(scope: &Scope, ct: &Client, t: &Trail) {
    let arn = t
        .trail_arn()
        .map(String::from)
        .unwrap_or_else(|| scope.arn("cloudtrail", &format!("trail/{}", t.name().unwrap_or_default())));
    let (status, selectors) = tokio::join!(
        scope.read("cloudtrail:GetTrailStatus", ct.get_trail_status().name(&arn).send()),
        scope.read("cloudtrail:GetEventSelectors", ct.get_event_selectors().trail_name(&arn).send()),
    );
    let mut p = json!({
        "TrailName": t.name(), "S3BucketName": t.s3_bucket_name(), "IsMultiRegionTrail": t.is_multi_region_trail(),
        "EnableLogFileValidation": t.log_file_validation_enabled(), "KMSKeyId": t.kms_key_id(),
        "HomeRegion": t.home_region(), "IsOrganizationTrail": t.is_organization_trail(),
        "IncludeGlobalServiceEvents": t.include_global_service_events(),
        "CloudWatchLogsLogGroupArn": t.cloud_watch_logs_log_group_arn(),
    });
    if let Ok(status) = status {
        p["IsLogging"] = json!(status.is_logging());
    }
    if let Ok(selectors) = selectors {
        p["EventSelectors"] = event_selectors(&selectors);
        if !selectors.advanced_event_selectors().is_empty() {
            p["AdvancedEventSelectors"] = advanced_selectors(&selectors);
        }
    }
    scope.push("AWS::CloudTrail::Trail", arn, p);
}

fn event_selectors(out: &GetEventSelectorsOutput) -> Value {
    out.event_selectors()
        .iter()
        .map(|s| {
            let data: Vec<Value> =
                s.data_resources().iter().map(|d| json!({"Type": d.r#type(), "Values": d.values()})).collect();
            json!({
                "ReadWriteType": s.read_write_type().map(|t| t.as_str()),
                "IncludeManagementEvents": s.include_management_events(),
                "DataResources": data,
                "ExcludeManagementEventSources": s.exclude_management_event_sources(),
            })
        })
        .collect()
}

fn advanced_selectors(out: &GetEventSelectorsOutput) -> Value {
    out.advanced_event_selectors()
        .iter()
        .map(|s| {
            let fields: Vec<Value> = s
                .field_selectors()
                .iter()
                .map(|f| {
                    json!({"Field": f.field(), "Equals": f.equals, "NotEquals": f.not_equals, "StartsWith": f.starts_with,
                           "NotStartsWith": f.not_starts_with, "EndsWith": f.ends_with, "NotEndsWith": f.not_ends_with})
                })
                .collect();
            json!({"Name": s.name(), "FieldSelectors": fields})
        })
        .collect()
}
