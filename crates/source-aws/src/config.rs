//! AWS Config recorders of one region and whether they record.

use crate::scope::Scope;
use aws_sdk_config::Client;
use nextgap_model::account::ConfigRecorder;
use nextgap_model::Fact;

pub async fn collect(scope: &Scope) {
    let config = Client::new(&scope.config);
    let (recorders, statuses) = tokio::join!(
        scope.read("config:DescribeConfigurationRecorders", config.describe_configuration_recorders().send()),
        scope
            .read("config:DescribeConfigurationRecorderStatus", config.describe_configuration_recorder_status().send()),
    );
    let fact = match (recorders, statuses) {
        (Err(reason), _) | (_, Err(reason)) => Fact::Unknown(reason),
        (Ok(recorders), Ok(statuses)) => Fact::Known(
            recorders
                .configuration_recorders()
                .iter()
                .map(|r| {
                    let name = r.name().unwrap_or_default().to_string();
                    let recording = statuses
                        .configuration_recorders_status()
                        .iter()
                        .any(|s| s.name() == Some(name.as_str()) && s.recording());
                    let all_supported = r.recording_group().is_some_and(|g| g.all_supported());
                    ConfigRecorder { name, recording, all_supported }
                })
                .collect(),
        ),
    };
    scope.region_facts(|r| r.config_recorders = fact);
}
