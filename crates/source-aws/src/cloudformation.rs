//! CloudFormation in one region: each live stack and the service role it deploys with (absent
//! when it deploys with the caller's credentials).

use crate::scope::Scope;
use aws_sdk_cloudformation::types::StackStatus;
use aws_sdk_cloudformation::Client;
use serde_json::json;

pub async fn collect(scope: &Scope) {
    let cfn = Client::new(&scope.config);
    let stacks = scope
        .read("cloudformation:DescribeStacks", cfn.describe_stacks().into_paginator().items().send().try_collect())
        .await;
    for s in stacks.unwrap_or_default() {
        if s.stack_status() == Some(&StackStatus::DeleteComplete) {
            continue;
        }
        let arn = s.stack_id().unwrap_or_default().to_string();
        scope.push("AWS::CloudFormation::Stack", arn, json!({"StackName": s.stack_name(), "RoleARN": s.role_arn()}));
    }
}
