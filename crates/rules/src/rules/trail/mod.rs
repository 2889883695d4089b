//! Rules over CloudTrail events (`nextgap trail`): traces of the anti-patterns after the fact.
//! `EVENT_RULES` judge one event each; `CORRELATED_RULES` judge several events across files
//! (a window, a count, a first sighting).
use crate::Rule;

// Rules on single events.

pub mod backup_deleted;
pub mod config_recording_stopped;
pub mod console_login_without_mfa;
pub mod credentials_for_another_user;
pub mod leave_organization;
pub mod mfa_removed;
pub mod root_console_login;
pub mod security_group_open_to_world;
pub mod snapshot_made_public;
pub mod trail_logging_reduced;

pub(crate) const EVENT_RULES: &[&Rule] = &[
    &root_console_login::RULE,
    &console_login_without_mfa::RULE,
    &credentials_for_another_user::RULE,
    &mfa_removed::RULE,
    &security_group_open_to_world::RULE,
    &trail_logging_reduced::RULE,
    &config_recording_stopped::RULE,
    &snapshot_made_public::RULE,
    &backup_deleted::RULE,
    &leave_organization::RULE,
];

// Rules correlating events.

pub mod access_key_new_source_ip;
pub mod bucket_public_not_reverted;
pub mod console_changes;
pub mod console_login_after_failures;
pub mod data_and_backups_deleted_by_one_principal;
pub mod root_api_call;
#[cfg(test)]
mod split_runs;

pub(crate) const CORRELATED_RULES: &[&Rule] = &[
    &root_api_call::RULE,
    &console_login_after_failures::RULE,
    &console_changes::RULE,
    &bucket_public_not_reverted::RULE,
    &data_and_backups_deleted_by_one_principal::RULE,
    &access_key_new_source_ip::RULE,
];
