//! Rules on the principal graph (`nextgap wargame --all`): blast radius per principal.
use crate::Rule;

pub mod can_become_admin;
pub mod delete_with_backups;
pub mod exposed_admin;

pub(crate) const RULES: &[&Rule] = &[&can_become_admin::RULE, &delete_with_backups::RULE, &exposed_admin::RULE];
