//! Account-level S3 Block Public Access (s3control; the account id goes into the host name,
//! which `client::StripAccountHost` undoes for custom endpoints).

use crate::client;
use crate::scope::Scope;
use nextgap_model::account::PublicAccessBlockFlags;
use nextgap_model::Fact;

pub async fn collect(scope: &Scope) {
    let s3control = client::s3control(&scope.config, scope.custom_endpoint);
    let out = scope
        .read_or(
            "s3control:GetPublicAccessBlock",
            s3control.get_public_access_block().account_id(&scope.account_id).send(),
            |f| f.code == "NoSuchPublicAccessBlockConfiguration",
        )
        .await;
    let fact = match out {
        Ok(out) => Fact::Known(out.and_then(|o| o.public_access_block_configuration).map(|c| PublicAccessBlockFlags {
            block_public_acls: c.block_public_acls.unwrap_or(false),
            ignore_public_acls: c.ignore_public_acls.unwrap_or(false),
            block_public_policy: c.block_public_policy.unwrap_or(false),
            restrict_public_buckets: c.restrict_public_buckets.unwrap_or(false),
        })),
        Err(reason) => Fact::Unknown(reason),
    };
    scope.account(|a| a.s3_public_access_block = fact);
}
