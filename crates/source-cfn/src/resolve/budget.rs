//! Bounds the copies the resolver makes, so that a small template cannot expand into a huge
//! model (a large mapping value or parameter default referenced thousands of times). Text counts
//! one node per 8 bytes, about what a node costs in memory.

use nextgap_model::{Node, Value};

pub struct Budget {
    left: usize,
}

impl Budget {
    pub fn new(nodes: usize) -> Self {
        Budget { left: nodes }
    }

    /// A copy of `node`, or `None` once the budget is spent.
    pub fn copy(&mut self, node: &Node) -> Option<Node> {
        let size = size_up_to(node, self.left.saturating_add(1));
        self.take(size).then(|| node.clone())
    }

    /// The budget for a document of `size` nodes: generous for real templates (their copies are
    /// small defaults and mapping values), bounded for crafted ones.
    pub fn for_document(size: usize, max_nodes: usize) -> Self {
        Budget::new(max_nodes.min(size.saturating_mul(8).saturating_add(50_000)))
    }

    /// Charges a string built by the resolver.
    pub fn charge_text(&mut self, len: usize) -> bool {
        self.take(1 + len / 8)
    }

    fn take(&mut self, n: usize) -> bool {
        if n > self.left {
            self.left = 0;
            return false;
        }
        self.left -= n;
        true
    }
}

/// Size of `node` in nodes (text counted as in [`Budget::charge_text`]).
pub fn size_of(node: &Node) -> usize {
    size_up_to(node, usize::MAX)
}

/// Size of `node`, counting stops at `cap`.
fn size_up_to(node: &Node, cap: usize) -> usize {
    let mut stack = vec![node];
    let mut size = 0usize;
    while let Some(n) = stack.pop() {
        size += 1;
        if size >= cap {
            return cap;
        }
        match &n.value {
            Value::String(s) | Value::Unresolved(s) => size += s.len() / 8,
            Value::List(items) | Value::Choice(items) => stack.extend(items),
            Value::Map(entries) => stack.extend(entries.iter().map(|(_, v)| v)),
            Value::Intrinsic { arg, .. } => stack.push(arg),
            _ => {}
        }
    }
    size
}
