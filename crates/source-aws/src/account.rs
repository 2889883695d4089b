//! The Account service: which alternate contacts (billing, operations, security) are set.

use crate::scope::Scope;
use aws_sdk_account::types::AlternateContactType;
use aws_sdk_account::Client;
use nextgap_model::Fact;
use std::collections::BTreeMap;

pub async fn collect(scope: &Scope) {
    let account = Client::new(&scope.config);
    let mut contacts = BTreeMap::new();
    let mut unknown = None;
    for kind in [AlternateContactType::Billing, AlternateContactType::Operations, AlternateContactType::Security] {
        let out = scope
            .read_or(
                "account:GetAlternateContact",
                account.get_alternate_contact().alternate_contact_type(kind.clone()).send(),
                |f| f.code == "ResourceNotFoundException",
            )
            .await;
        match out {
            Ok(out) => {
                contacts.insert(kind.as_str().to_string(), out.is_some_and(|o| o.alternate_contact().is_some()));
            }
            Err(reason) => unknown = Some(reason),
        }
    }
    let fact = match unknown {
        Some(reason) => Fact::Unknown(reason),
        None => Fact::Known(contacts),
    };
    scope.account(|a| a.alternate_contacts = fact);
}
