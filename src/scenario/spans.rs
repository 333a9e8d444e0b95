//! Scenario paths (`suppliers[0].access[1]`) and their places in the YAML source. Built once
//! while parsing, so that diagnostics and findings can point at the exact line.

use crate::source::Span;

/// Where one YAML node sits: its key (if it is a mapping value) and its value.
#[derive(Debug, Clone, Copy)]
pub struct NodeSpans {
    pub key: Option<Span>,
    pub value: Span,
    pub is_collection: bool,
}

/// A node of the index, by its position in [`SpanIndex::nodes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeId(u32);

const NO_KEY: (u32, u32) = (u32::MAX, u32::MAX);
/// The length of the children of a collection still being built.
const OPEN: u32 = u32::MAX;

#[derive(Debug, Clone)]
struct Node {
    spans: NodeSpans,
    /// The node's key in its parent mapping, as a range of [`SpanIndex::keys`]; [`NO_KEY`]
    /// for a list item or the root.
    key: (u32, u32),
    /// The children in document order (a list's items by index, a mapping's entries): where
    /// they start in [`SpanIndex::child_ids`] and how many there are; while the collection is
    /// open, where they start in [`SpanIndex::building`] and [`OPEN`].
    children: (u32, u32),
}

/// The spans of every node of one document, as a tree that mirrors the document; found by
/// path (`suppliers[0].access[1]`). Parsing builds it from the YAML events without writing a
/// path per node: a path string and a hash-map entry for each of a scenario's ~4,000 nodes
/// cost more than the ~300 look-ups a judged scenario makes (its findings and problems).
/// Nodes are added in document order, and each collection is closed after its last child,
/// as the parser's events come; a collection's children then lie side by side in one list
/// shared by all nodes, so a tree of thousands of nodes is three allocations.
#[derive(Debug, Clone, Default)]
pub struct SpanIndex {
    nodes: Vec<Node>,
    /// Every mapping key, end to end.
    keys: String,
    /// The children of every closed collection, each collection's together.
    child_ids: Vec<u32>,
    /// The children of the open collections, innermost last.
    building: Vec<u32>,
    root: Option<u32>,
}

impl SpanIndex {
    /// An index for about `nodes` nodes, so that building it does not reallocate as it grows.
    pub fn with_capacity(nodes: usize) -> SpanIndex {
        SpanIndex {
            nodes: Vec::with_capacity(nodes),
            keys: String::with_capacity(nodes * 4),
            child_ids: Vec::with_capacity(nodes),
            building: Vec::with_capacity(64),
            root: None,
        }
    }

    fn push(&mut self, spans: NodeSpans, key: (u32, u32)) -> NodeId {
        let id = self.nodes.len() as u32;
        let children = if spans.is_collection {
            (self.building.len() as u32, OPEN)
        } else {
            (0, 0)
        };
        self.nodes.push(Node {
            spans,
            key,
            children,
        });
        NodeId(id)
    }

    /// The document's node (path ``); replaces an earlier root.
    pub fn add_root(&mut self, spans: NodeSpans) -> NodeId {
        let id = self.push(spans, NO_KEY);
        self.root = Some(id.0);
        id
    }

    /// The value of `key` in `parent`, the innermost open mapping.
    pub fn add_entry(&mut self, parent: NodeId, key: &str, spans: NodeSpans) -> NodeId {
        debug_assert_eq!(self.nodes[parent.0 as usize].children.1, OPEN);
        let start = self.keys.len() as u32;
        self.keys.push_str(key);
        self.building.push(self.nodes.len() as u32);
        self.push(spans, (start, self.keys.len() as u32))
    }

    /// The next item of `parent`, the innermost open list.
    pub fn add_item(&mut self, parent: NodeId, spans: NodeSpans) -> NodeId {
        debug_assert_eq!(self.nodes[parent.0 as usize].children.1, OPEN);
        self.building.push(self.nodes.len() as u32);
        self.push(spans, NO_KEY)
    }

    /// The end of the collection `node`, the innermost open one: its children are all there.
    pub fn close(&mut self, node: NodeId) {
        let (from, len) = self.nodes[node.0 as usize].children;
        if len != OPEN {
            return;
        }
        let start = self.child_ids.len() as u32;
        self.child_ids.extend(
            self.building
                .drain((from as usize).min(self.building.len())..),
        );
        let len = self.child_ids.len() as u32 - start;
        self.nodes[node.0 as usize].children = (start, len);
    }

    fn children(&self, node: u32) -> &[u32] {
        match self.nodes[node as usize].children {
            (from, OPEN) => self.building.get(from as usize..).unwrap_or_default(),
            (start, len) => &self.child_ids[start as usize..(start + len) as usize],
        }
    }

    /// Replace the spans of the root node (or make one), e.g. to point problems about the
    /// whole document at its first line.
    pub fn set_root_spans(&mut self, spans: NodeSpans) {
        match self.root {
            Some(root) => self.nodes[root as usize].spans = spans,
            None => {
                self.add_root(NodeSpans {
                    is_collection: false,
                    ..spans
                });
            }
        }
    }

    /// The node's key in its mapping; `None` for a list item or the root.
    fn key_of(&self, node: u32) -> Option<&str> {
        match self.nodes[node as usize].key {
            NO_KEY => None,
            (start, end) => Some(&self.keys[start as usize..end as usize]),
        }
    }

    /// The spans of entry `key` of the mapping `parent`, if it has one.
    pub fn entry(&self, parent: NodeId, key: &str) -> Option<&NodeSpans> {
        (self.children(parent.0).iter())
            .find(|&&c| self.key_of(c) == Some(key))
            .map(|&c| &self.nodes[c as usize].spans)
    }

    pub fn get(&self, path: &str) -> Option<&NodeSpans> {
        let root = self.root?;
        self.find(root, path).map(|n| &self.nodes[n as usize].spans)
    }

    /// The node at `path` below `node`.
    fn find(&self, node: u32, path: &str) -> Option<u32> {
        if path.is_empty() {
            return Some(node);
        }
        let children = self.children(node);
        if let Some(rest) = path.strip_prefix('[') {
            let close = rest.find(']')?;
            let index: usize = rest[..close].parse().ok()?;
            let &child = children.get(index)?;
            // A mapping's entries are not its items.
            if self.key_of(child).is_some() {
                return None;
            }
            return self.find(child, after_segment(&rest[close + 1..]));
        }
        // Usually the key runs to the next `.` or `[`.
        let cut = (path.bytes())
            .position(|b| b == b'.' || b == b'[')
            .unwrap_or(path.len());
        let (key, rest) = path.split_at(cut);
        let found = (children.iter())
            .find(|&&c| self.key_of(c) == Some(key))
            .and_then(|&c| self.find(c, after_segment(rest)));
        if found.is_some() {
            return found;
        }
        // A key may itself hold `.` or `[`: paths join keys without quoting them.
        children.iter().find_map(|&c| {
            let key = self.key_of(c).filter(|k| k.len() > cut)?;
            let rest = path.strip_prefix(key)?;
            if rest.is_empty() || rest.starts_with(['.', '[']) {
                self.find(c, after_segment(rest))
            } else {
                None
            }
        })
    }

    pub fn contains(&self, path: &str) -> bool {
        self.get(path).is_some()
    }

    /// The span to underline for a path: a scalar's value, a collection's key, or the first
    /// line of a list item. Falls back to the nearest ancestor that exists (patched or
    /// missing nodes), and to the start of the file.
    pub fn label_span(&self, path: &str) -> Span {
        self.label_span_near(path, usize::MAX)
            .unwrap_or(Span::new(0, 1))
    }

    /// [`SpanIndex::label_span`] if `path` or one of its `up` nearest ancestors exists (the
    /// document, path ``, always does), e.g. a field left out (`…staff.security_cleared`) of
    /// an element that is there.
    pub fn label_span_near(&self, path: &str, up: usize) -> Option<Span> {
        let mut p = path;
        for _ in 0..=up {
            if let Some(n) = self.get(p) {
                return Some(match (n.is_collection, n.key) {
                    (true, Some(key)) => key,
                    _ => n.value,
                });
            }
            // The document itself is always there, at its start if nothing else is known.
            if p.is_empty() {
                return Some(Span::new(0, 1));
            }
            p = parent_path(p)?;
        }
        None
    }

    /// The nodes under `prefix`, re-rooted (an inline scenario inside a test file).
    pub fn subtree(&self, prefix: &str) -> SpanIndex {
        let root = self.root.and_then(|r| self.find(r, prefix));
        match root {
            Some(root) => SpanIndex {
                root: Some(root),
                ..self.clone()
            },
            None => SpanIndex::default(),
        }
    }

    /// The span of the key of `path` (for "unknown key" errors), else its label span.
    pub fn key_span(&self, path: &str) -> Span {
        self.get(path)
            .and_then(|n| n.key)
            .unwrap_or_else(|| self.label_span(path))
    }
}

/// What follows a path segment, without the `.` that joins a key to it.
fn after_segment(rest: &str) -> &str {
    rest.strip_prefix('.').unwrap_or(rest)
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

    fn at(start: usize) -> NodeSpans {
        NodeSpans {
            key: Some(Span::new(start, 1)),
            value: Span::new(start + 10, 1),
            is_collection: false,
        }
    }

    fn collection(start: usize) -> NodeSpans {
        NodeSpans {
            is_collection: true,
            ..at(start)
        }
    }

    /// Paths find the nodes they name: keys, list items (also of a list in a list and of a
    /// top-level list), a key holding `.` or `[`; anything else is not there.
    #[test]
    fn paths_find_their_nodes() {
        let mut index = SpanIndex::default();
        let root = index.add_root(collection(0));
        let suppliers = index.add_entry(root, "suppliers", collection(1));
        let first = index.add_item(suppliers, collection(2));
        index.add_entry(first, "id", at(3));
        let access = index.add_entry(first, "access", collection(4));
        let entry = index.add_item(access, collection(5));
        index.add_entry(entry, "from", at(6));
        // Looked up while open, as the parser does for a repeated key.
        assert_eq!(
            index
                .entry(entry, "from")
                .and_then(|n| n.key)
                .map(|k| k.start),
            Some(6)
        );
        for node in [entry, access, first, suppliers] {
            index.close(node);
        }
        let grid = index.add_entry(root, "grid", collection(7));
        let row = index.add_item(grid, collection(8));
        index.add_item(row, at(9));
        index.add_item(row, at(10));
        index.close(row);
        index.close(grid);
        index.add_entry(root, "a.b", at(11));
        index.add_entry(root, "a", at(12));
        index.add_entry(root, "x[1]", at(13));
        index.close(root);
        let key_start = |p: &str| index.get(p).and_then(|n| n.key).map(|k| k.start);
        assert_eq!(key_start(""), Some(0));
        assert_eq!(key_start("suppliers"), Some(1));
        assert_eq!(key_start("suppliers[0]"), Some(2));
        assert_eq!(key_start("suppliers[0].id"), Some(3));
        assert_eq!(key_start("suppliers[0].access[0].from"), Some(6));
        assert_eq!(key_start("grid[0][1]"), Some(10));
        assert_eq!(key_start("a.b"), Some(11));
        assert_eq!(key_start("a"), Some(12));
        assert_eq!(key_start("x[1]"), Some(13));
        for missing in [
            "suppliers[1]",
            "suppliers[0].name",
            "suppliers.id",
            "suppliers[x]",
            "grid[0][2]",
            "id",
            "a.c",
        ] {
            assert!(index.get(missing).is_none(), "{missing}");
        }
        assert_eq!(index.label_span("suppliers[0].access[0].storage").start, 5);
        assert_eq!(
            index
                .label_span_near("suppliers[0].access[0].x.y", 2)
                .map(|s| s.start),
            Some(5)
        );
        assert_eq!(
            index.label_span_near("suppliers[0].access[0].x.y.z", 2),
            None
        );
        assert_eq!(
            index.label_span_near("nowhere.x", 2).map(|s| s.start),
            Some(0)
        );
        assert_eq!(
            SpanIndex::default().label_span_near("a", 1),
            Some(Span::new(0, 1))
        );
        assert_eq!(
            index.entry(first, "access").map(|n| n.value.start),
            Some(14)
        );

        let list = {
            let mut list = SpanIndex::default();
            let top = list.add_root(collection(0));
            list.add_item(top, at(1));
            list.close(top);
            list
        };
        assert_eq!(
            list.get("[0]").and_then(|n| n.key).map(|k| k.start),
            Some(1)
        );
        assert!(list.get("0").is_none());

        let sub = index.subtree("suppliers[0]");
        assert_eq!(
            sub.get("access[0].from")
                .and_then(|n| n.key)
                .map(|k| k.start),
            Some(6)
        );
        assert!(sub.get("suppliers").is_none());
        assert!(index.subtree("nowhere").get("").is_none());

        index.set_root_spans(at(42));
        assert_eq!(index.get("").and_then(|n| n.key).map(|k| k.start), Some(42));
        assert!(index.contains("suppliers[0].access"));
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
