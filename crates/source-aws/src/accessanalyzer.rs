//! IAM Access Analyzer: the number of active analyzers in one region.

use crate::scope::Scope;
use aws_sdk_accessanalyzer::types::AnalyzerStatus;
use aws_sdk_accessanalyzer::Client;
use nextgap_model::Fact;

pub async fn collect(scope: &Scope) {
    let aa = Client::new(&scope.config);
    let out = scope
        .read("access-analyzer:ListAnalyzers", aa.list_analyzers().into_paginator().items().send().try_collect())
        .await;
    let fact = match out {
        Ok(list) => Fact::Known(list.iter().filter(|a| a.status() == &AnalyzerStatus::Active).count()),
        Err(reason) => Fact::Unknown(reason),
    };
    scope.region_facts(|r| r.access_analyzers = fact);
}
