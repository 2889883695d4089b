//! Lambda in one region: each function and the role it runs as.

use crate::scope::Scope;
use aws_sdk_lambda::Client;
use serde_json::json;

pub async fn collect(scope: &Scope) {
    let lambda = Client::new(&scope.config);
    let functions =
        scope.read("lambda:ListFunctions", lambda.list_functions().into_paginator().items().send().try_collect()).await;
    for f in functions.unwrap_or_default() {
        let arn = f.function_arn().unwrap_or_default().to_string();
        scope.push("AWS::Lambda::Function", arn, json!({"FunctionName": f.function_name(), "Role": f.role()}));
    }
}
