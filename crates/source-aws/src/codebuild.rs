//! CodeBuild in one region: each project and its service role.

use crate::scope::Scope;
use aws_sdk_codebuild::Client;
use serde_json::json;

/// `BatchGetProjects` takes at most 100 names.
const BATCH: usize = 100;

pub async fn collect(scope: &Scope) {
    let codebuild = Client::new(&scope.config);
    let names = scope
        .read("codebuild:ListProjects", codebuild.list_projects().into_paginator().items().send().try_collect())
        .await;
    for batch in names.unwrap_or_default().chunks(BATCH) {
        let out = scope
            .read("codebuild:BatchGetProjects", codebuild.batch_get_projects().set_names(Some(batch.to_vec())).send())
            .await;
        for p in out.iter().flat_map(|o| o.projects()) {
            let arn = p.arn().unwrap_or_default().to_string();
            scope.push("AWS::CodeBuild::Project", arn, json!({"Name": p.name(), "ServiceRole": p.service_role()}));
        }
    }
}
