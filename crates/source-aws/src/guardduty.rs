//! GuardDuty detectors of one region that are enabled.

use crate::scope::Scope;
use aws_sdk_guardduty::types::DetectorStatus;
use aws_sdk_guardduty::Client;
use nextgap_model::Fact;

pub async fn collect(scope: &Scope) {
    let gd = Client::new(&scope.config);
    let fact = match enabled_detectors(scope, &gd).await {
        Ok(ids) => Fact::Known(ids),
        Err(reason) => Fact::Unknown(reason),
    };
    scope.region_facts(|r| r.guardduty_detectors = fact);
}

async fn enabled_detectors(scope: &Scope, gd: &Client) -> Result<Vec<String>, String> {
    let ids = scope
        .read("guardduty:ListDetectors", gd.list_detectors().into_paginator().items().send().try_collect())
        .await?;
    let mut enabled = Vec::new();
    for id in ids {
        let out = scope.read("guardduty:GetDetector", gd.get_detector().detector_id(&id).send()).await?;
        if out.status() == Some(&DetectorStatus::Enabled) {
            enabled.push(id);
        }
    }
    Ok(enabled)
}
