//! Which rules an event can possibly match, from a few of its fields.
//!
//! Almost every CloudTrail rule requires `eventName` (or `eventSource`, `userIdentity.type`,
//! `userAgent`) to equal one of a few literals. At load time each rule's condition is searched
//! for such a necessary condition — a field and the values it must take — and the rule is filed
//! under those values. Per event, each indexed field is looked up once, lowercased into a stack
//! buffer and found in a hash map: an event evaluates only the rules filed under its values, plus
//! the few rules with no such condition.

use crate::condition::Cond;
use crate::detection::{SelKind, Selection, Test};
use crate::value::{self, FieldPath};
use nextgap_model::event::Event;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A rule's compiled detection.
#[derive(Debug)]
pub struct Compiled {
    pub selections: Vec<Selection>,
    pub cond: Cond,
}

impl Compiled {
    pub fn matches(&self, ev: &Event<'_>) -> bool {
        self.cond.eval(&self.selections, ev)
    }
}

/// The rule can only match if one of these (field, lowercased value) pairs holds.
type Need = Vec<(String, String)>;

/// Fields preferred for the index: the most selective first.
fn rank(field: &str) -> u8 {
    match field {
        "eventName" => 0,
        "eventSource" => 1,
        _ => 2,
    }
}

fn need_rank(need: &Need) -> (u8, usize) {
    (need.iter().map(|(f, _)| rank(f)).max().unwrap_or(0), need.len())
}

fn best(needs: impl Iterator<Item = Need>) -> Option<Need> {
    needs.min_by_key(need_rank)
}

/// A necessary condition of `cond`, if one is found.
fn need(cond: &Cond, sels: &[Selection]) -> Option<Need> {
    match cond {
        Cond::Sel(i) => selection_need(&sels[*i]),
        Cond::Not(_) => None,
        Cond::And(cs) => best(cs.iter().filter_map(|c| need(c, sels))),
        Cond::AtLeast(n, cs) if *n == cs.len() => best(cs.iter().filter_map(|c| need(c, sels))),
        Cond::Or(cs) | Cond::AtLeast(_, cs) => {
            cs.iter().map(|c| need(c, sels)).collect::<Option<Vec<_>>>().map(|ns| ns.concat())
        }
    }
}

/// Every OR-ed group of the selection must pin a field to literals.
fn selection_need(sel: &Selection) -> Option<Need> {
    let SelKind::Fields(groups) = &sel.kind else { return None };
    let per_group = groups.iter().map(|g| best(g.iter().filter_map(field_need)));
    per_group.collect::<Option<Vec<_>>>().map(|ns| ns.concat())
}

/// A field whose every value is an exact literal (`eventName: [A, B]`).
fn field_need(t: &crate::detection::FieldTest) -> Option<Need> {
    if t.all && t.tests.len() > 1 {
        return None;
    }
    let mut need = Vec::new();
    for test in &t.tests {
        let Test::Str(patterns) = test else { return None };
        for p in patterns {
            let lit = p.exact()?;
            need.push((t.path.name().to_string(), lit.text().to_lowercase()));
        }
    }
    Some(need)
}

/// Rule ids by a field's lowercased value.
type RulesByValue = HashMap<Box<str>, Vec<u32>, BuildHasherDefault<FxHasher>>;

/// One indexed field.
#[derive(Debug)]
struct Field {
    path: FieldPath,
    rules: RulesByValue,
    /// Longest value filed: a longer ASCII text (a browser's userAgent) cannot match, and is
    /// skipped before it is lowercased.
    max_len: usize,
}

/// Rules filed by the values of a few fields.
#[derive(Debug, Default)]
pub struct Index {
    fields: Vec<Field>,
    /// Rules with no necessary condition found: evaluated on every event.
    always: Vec<u32>,
}

impl Index {
    pub fn build(rules: &[Compiled]) -> Index {
        let mut index = Index::default();
        for (i, rule) in rules.iter().enumerate() {
            let id = u32::try_from(i).expect("fewer than 4 billion rules");
            match need(&rule.cond, &rule.selections) {
                Some(need) => need.into_iter().for_each(|(f, v)| index.file(&f, v, id)),
                None => index.always.push(id),
            }
        }
        index.fields.sort_by_key(|f| rank(f.path.name()));
        for field in &mut index.fields {
            field.rules.values_mut().for_each(|ids| ids.dedup());
        }
        index
    }

    fn file(&mut self, name: &str, value: String, id: u32) {
        let slot = match self.fields.iter().position(|f| f.path.name() == name) {
            Some(slot) => slot,
            None => {
                self.fields.push(Field { path: FieldPath::new(name), rules: HashMap::default(), max_len: 0 });
                self.fields.len() - 1
            }
        };
        let field = &mut self.fields[slot];
        field.max_len = field.max_len.max(value.len());
        field.rules.entry(value.into()).or_default().push(id);
    }

    /// Appends the rules `ev` may match, sorted, without duplicates.
    pub fn candidates(&self, ev: &Event<'_>, out: &mut Vec<usize>) {
        let start = out.len();
        out.extend(self.always.iter().map(|&i| i as usize));
        for field in &self.fields {
            value::resolve(ev, &field.path).any(&mut |text| {
                if text.len() > field.max_len && text.is_ascii() {
                    return false;
                }
                with_lowercase(text, |key| {
                    if let Some(ids) = field.rules.get(key) {
                        out.extend(ids.iter().map(|&i| i as usize));
                    }
                });
                false
            });
        }
        sort_dedup_tail(out, start);
    }

    /// (indexed field names, rules evaluated on every event), for diagnostics and tests.
    pub fn shape(&self) -> (Vec<&str>, usize) {
        (self.fields.iter().map(|f| f.path.name()).collect(), self.always.len())
    }
}

/// Firefox's multiply-rotate hash. The maps' keys come from rules, so colliding event values
/// cost at most a few comparisons in a small map; SipHash was 10% of matching time.
#[derive(Default)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Calls `f` with `text` lowercased, in a stack buffer when it is short ASCII.
fn with_lowercase(text: &str, f: impl FnOnce(&str)) {
    let mut buf = [0u8; 128];
    if text.len() <= buf.len() && text.is_ascii() {
        let lower = &mut buf[..text.len()];
        lower.copy_from_slice(text.as_bytes());
        lower.make_ascii_lowercase();
        f(std::str::from_utf8(lower).unwrap_or_default());
    } else {
        f(&text.to_lowercase());
    }
}

fn sort_dedup_tail(out: &mut Vec<usize>, start: usize) {
    out[start..].sort_unstable();
    let mut w = start;
    for r in start..out.len() {
        if w == start || out[w - 1] != out[r] {
            out[w] = out[r];
            w += 1;
        }
    }
    out.truncate(w);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dedups_only_the_tail() {
        let mut v = vec![3, 1, 5, 2, 5, 1];
        sort_dedup_tail(&mut v, 2);
        assert_eq!(v, [3, 1, 1, 2, 5]);
    }

    #[test]
    fn lowercases_long_and_unicode() {
        let long = "A".repeat(200);
        with_lowercase(&long, |l| assert_eq!(l, "a".repeat(200)));
        with_lowercase("ÄB", |l| assert_eq!(l, "äb"));
    }
}
