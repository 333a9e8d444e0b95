//! Scenario paths (`suppliers[0].access[1]`) and their places in the YAML source. Built once
//! while parsing, so that diagnostics and findings can point at the exact line.

use foldhash::HashMap;

use crate::source::Span;

/// Where one YAML node sits: its key (if it is a mapping value) and its value.
#[derive(Debug, Clone, Copy)]
pub struct NodeSpans {
    pub key: Option<Span>,
    pub value: Span,
    pub is_collection: bool,
}

/// Path → spans for every node of one document. Keys come from the input, so the hasher is
/// seeded per process (foldhash: several times quicker than std's SipHash on short keys,
/// and a file cannot be crafted offline to make every key collide).
#[derive(Debug, Clone, Default)]
pub struct SpanIndex {
    nodes: HashMap<String, NodeSpans>,
}

impl SpanIndex {
    /// An index for about `nodes` nodes, so that building it does not rehash as it grows.
    pub fn with_capacity(nodes: usize) -> SpanIndex {
        SpanIndex {
            nodes: HashMap::with_capacity_and_hasher(nodes, Default::default()),
        }
    }

    pub fn insert(&mut self, path: String, spans: NodeSpans) {
        self.nodes.insert(path, spans);
    }

    pub fn get(&self, path: &str) -> Option<&NodeSpans> {
        self.nodes.get(path)
    }

    pub fn contains(&self, path: &str) -> bool {
        self.nodes.contains_key(path)
    }

    /// The span to underline for a path: a scalar's value, a collection's key, or the first
    /// line of a list item. Falls back to the nearest ancestor that exists (patched or
    /// missing nodes), and to the start of the file.
    pub fn label_span(&self, path: &str) -> Span {
        let mut p = path;
        loop {
            if let Some(n) = self.nodes.get(p) {
                return match (n.is_collection, n.key) {
                    (true, Some(key)) => key,
                    _ => n.value,
                };
            }
            match parent_path(p) {
                Some(parent) => p = parent,
                None => return Span::new(0, 1),
            }
        }
    }

    /// The nodes under `prefix`, re-rooted (an inline scenario inside a test file).
    pub fn subtree(&self, prefix: &str) -> SpanIndex {
        let mut nodes = HashMap::default();
        for (path, spans) in &self.nodes {
            if path == prefix {
                nodes.insert(String::new(), *spans);
            } else if let Some(rest) = path.strip_prefix(prefix) {
                if let Some(rest) = rest.strip_prefix('.') {
                    nodes.insert(rest.to_string(), *spans);
                } else if rest.starts_with('[') {
                    nodes.insert(rest.to_string(), *spans);
                }
            }
        }
        SpanIndex { nodes }
    }

    /// The span of the key of `path` (for "unknown key" errors), else its label span.
    pub fn key_span(&self, path: &str) -> Span {
        self.nodes
            .get(path)
            .and_then(|n| n.key)
            .unwrap_or_else(|| self.label_span(path))
    }
}

/// `a.b[2].c` → `a.b[2]`, `a.b[2]` → `a.b`, `a` → ``, `` → None.
pub fn parent_path(path: &str) -> Option<&str> {
    if path.is_empty() {
        return None;
    }
    let cut = path.rfind(['.', '[']).unwrap_or(0);
    Some(&path[..cut])
}

pub fn child_key(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        return key.to_string();
    }
    let mut path = String::with_capacity(parent.len() + 1 + key.len());
    path.push_str(parent);
    path.push('.');
    path.push_str(key);
    path
}

/// `parent[index]`. With itoa, not `write!`: the formatting machinery cost ~400 instructions
/// per list item, for every list item of every file.
pub fn child_index(parent: &str, index: usize) -> String {
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(index);
    let mut path = String::with_capacity(parent.len() + digits.len() + 2);
    path.push_str(parent);
    path.push('[');
    path.push_str(digits);
    path.push(']');
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents() {
        assert_eq!(
            parent_path("suppliers[0].subcontractors[1].access[0]"),
            Some("suppliers[0].subcontractors[1].access")
        );
        assert_eq!(
            parent_path("suppliers[0].subcontractors[1].access"),
            Some("suppliers[0].subcontractors[1]")
        );
        assert_eq!(parent_path("suppliers[0]"), Some("suppliers"));
        assert_eq!(parent_path("suppliers"), Some(""));
        assert_eq!(parent_path(""), None);
    }

    #[test]
    fn children() {
        assert_eq!(child_index("suppliers", 0), "suppliers[0]");
        assert_eq!(child_index("a.b", 1234), "a.b[1234]");
        assert_eq!(child_index("", 7), "[7]");
        assert_eq!(child_key("", "a"), "a");
        assert_eq!(child_key("suppliers[0]", "access"), "suppliers[0].access");
    }
}
