//! Whether Amazon Macie is enabled in one region ("Macie is not enabled" → false).

use crate::scope::Scope;
use aws_sdk_macie2::types::MacieStatus;
use aws_sdk_macie2::Client;
use nextgap_model::Fact;

pub async fn collect(scope: &Scope) {
    let macie = Client::new(&scope.config);
    let out = scope
        .read_or("macie2:GetMacieSession", macie.get_macie_session().send(), |f| {
            f.says("macie is not enabled") || f.code == "ResourceNotFoundException"
        })
        .await;
    let fact = match out {
        Ok(session) => Fact::Known(session.is_some_and(|s| s.status() == Some(&MacieStatus::Enabled))),
        Err(reason) => Fact::Unknown(reason),
    };
    scope.region_facts(|r| r.macie_enabled = fact);
}
