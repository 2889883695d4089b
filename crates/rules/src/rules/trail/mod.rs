//! Rules over CloudTrail events (`nextgap trail`): traces of the anti-patterns after the fact.
//! `EVENT_RULES` judge one event each; `CORRELATED_RULES` judge several events across files
//! (a window, a count, a first sighting).
use crate::Rule;

// Rules on single events.

pub(crate) const EVENT_RULES: &[&Rule] = &[];

// Rules correlating events.

pub(crate) const CORRELATED_RULES: &[&Rule] = &[];
