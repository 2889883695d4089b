//! Counts the kinds of unresolved values across the templates named on the command line, to
//! spot functions the resolver could know but does not.

use nextgap_model::Value;
use nextgap_source_cfn::{load_path, Limits, Loaded};
use std::collections::BTreeMap;

fn main() {
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    let mut choices = 0;
    for file in std::env::args().skip(1) {
        let Ok(Loaded::Template(model)) = load_path(std::path::Path::new(&file), &Limits::default()) else { continue };
        for resource in &model.resources {
            resource.properties.walk(&mut |_, node| match &node.value {
                Value::Unresolved(what) => {
                    let kind = what.split(' ').next().unwrap_or_default();
                    let kind = if kind == "Ref" { what.clone() } else { kind.to_string() };
                    *kinds.entry(kind).or_default() += 1;
                }
                Value::Intrinsic { name, .. } => *kinds.entry(format!("LEFT INTRINSIC {name}")).or_default() += 1,
                Value::Choice(_) => choices += 1,
                _ => {}
            });
        }
    }
    let mut sorted: Vec<_> = kinds.into_iter().collect();
    sorted.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    for (kind, n) in sorted.iter().take(40) {
        println!("{n:6} {kind}");
    }
    println!("{choices:6} choices");
}
