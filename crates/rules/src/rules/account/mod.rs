use crate::Rule;

pub(crate) const RULES: &[&Rule] = &[];
