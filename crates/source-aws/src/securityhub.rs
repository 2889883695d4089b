//! Whether Security Hub is enabled in one region (not subscribed → false).

use crate::scope::Scope;
use aws_sdk_securityhub::Client;
use nextgap_model::Fact;

pub async fn collect(scope: &Scope) {
    let hub = Client::new(&scope.config);
    let out = scope
        .read_or("securityhub:DescribeHub", hub.describe_hub().send(), |f| {
            (f.code == "InvalidAccessException" && f.says("not subscribed")) || f.code == "ResourceNotFoundException"
        })
        .await;
    let fact = match out {
        Ok(hub) => Fact::Known(hub.is_some()),
        Err(reason) => Fact::Unknown(reason),
    };
    scope.region_facts(|r| r.securityhub_enabled = fact);
}
