//! YAML events → JSON value and span index, in one pass over yaml-rust2's parser events.
//!
//! Every scenario, rule header and data file goes through here, so it is on the hot path of a
//! batch: building the value and the path → span index straight from the events, instead of
//! building a node tree first and walking it afterwards, took parsing and validating a
//! generated scenario from 1.88 to 1.53 ms. What a scenario must not contain is refused as it
//! is met: anchors and aliases (so an alias bomb cannot expand), tags, non-scalar keys,
//! duplicate keys, a top level of the wrong kind.

use serde_json::{Map, Value};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, ScanError, TScalarStyle};

use super::parse::{MAX_DEPTH, TopLevel, resolve_scalar, scalar_span};
use super::spans::{NodeId, NodeSpans, SpanIndex};
use crate::diag::{Problem, Problems};
use crate::source::{SourceFile, Span};

/// Why a document was refused; each carries the byte offset it points at.
#[derive(Debug)]
pub enum LoadError {
    TopLevelMustBeMapping(usize),
    TopLevelMustBeSequence(usize),
    Anchor(usize),
    Tag(usize),
    KeyMustBeScalar(usize),
    DuplicateKey {
        key: String,
        first: usize,
        second: usize,
    },
    /// The parser's own error: its message and the (line, column) it gives, 1-based.
    Syntax(ScanError, usize, usize),
}

/// The value of the file's one document, the span of every node, and the nodes refused for
/// nesting deeper than [`MAX_DEPTH`] (reported, not fatal: the rest is still checked).
pub fn load(file: &SourceFile, top: TopLevel) -> Result<(Value, SpanIndex, Problems), LoadError> {
    let mut builder = Builder {
        file,
        top,
        stack: Vec::new(),
        // A generated scenario has a node per ~15 bytes of YAML; rehashing as the index grew
        // was ~0.7 % of a batch's instructions. Capped: a large file of few nodes (one long
        // text) must not reserve memory for nodes it does not have.
        index: SpanIndex::with_capacity((file.text.len() / 12).min(1 << 16)),
        problems: Problems::default(),
        skipping: 0,
        done: None,
        error: None,
    };
    let mut parser = Parser::new_from_str(&file.text);
    // A syntax error wins over a refusal met earlier in the file, as it did with marked-yaml.
    if let Err(e) = parser.load(&mut builder, false) {
        let (line, column) = (e.marker().line(), e.marker().col() + 1);
        return Err(LoadError::Syntax(e, line, column));
    }
    if let Some(error) = builder.error {
        return Err(error);
    }
    // A document without content (only comments) is an empty mapping.
    let value = builder.done.unwrap_or_else(|| Value::Object(Map::new()));
    Ok((value, builder.index, builder.problems))
}

/// A collection being built, and its node in the index.
struct Open {
    node: NodeId,
    body: Body,
}

enum Body {
    Mapping {
        map: Map<String, Value>,
        /// The key read and waiting for its value: text, span, and where the same key was
        /// first written when it is a repeat (reported once its value is complete).
        pending: Option<(String, Span, Option<usize>)>,
    },
    Sequence(Vec<Value>),
}

struct Builder<'f> {
    file: &'f SourceFile,
    top: TopLevel,
    stack: Vec<Open>,
    index: SpanIndex,
    problems: Problems,
    /// Collections opened below a node that is too deep: their events are skipped.
    skipping: usize,
    done: Option<Value>,
    /// The first refusal; every later event is ignored.
    error: Option<LoadError>,
}

impl Builder<'_> {
    fn offset(&self, mark: &Marker) -> usize {
        self.file.offset_of(mark.line(), mark.col() + 1)
    }

    /// Where a new node goes: its key's span and its depth; or a refusal.
    fn place(&self, start: usize) -> Result<(Option<Span>, usize), LoadError> {
        let depth = self.stack.len();
        match self.stack.last() {
            None => Ok((None, 0)),
            Some(parent) => match &parent.body {
                Body::Mapping { pending: None, .. } => Err(LoadError::KeyMustBeScalar(start)),
                Body::Mapping {
                    pending: Some((_, span, _)),
                    ..
                } => Ok((Some(*span), depth)),
                Body::Sequence(_) => Ok((None, depth)),
            },
        }
    }

    /// Index a new node where [`Builder::place`] put it: the root, the value of the pending
    /// key, or the next list item.
    fn index_node(&mut self, spans: NodeSpans) -> NodeId {
        match self.stack.last() {
            None => self.index.add_root(spans),
            Some(Open {
                node,
                body:
                    Body::Mapping {
                        pending: Some((key, ..)),
                        ..
                    },
            }) => self.index.add_entry(*node, key, spans),
            Some(Open { node, .. }) => self.index.add_item(*node, spans),
        }
    }

    /// Hand a finished value to its parent (or make it the document's).
    fn attach(&mut self, value: Value) -> Result<(), LoadError> {
        let Some(parent) = self.stack.last_mut() else {
            self.done = Some(value);
            return Ok(());
        };
        match &mut parent.body {
            Body::Mapping { map, pending } => {
                if let Some((key, span, first)) = pending.take() {
                    if let Some(first) = first {
                        return Err(LoadError::DuplicateKey {
                            key,
                            first,
                            second: span.start,
                        });
                    }
                    map.insert(key, value);
                }
            }
            Body::Sequence(items) => items.push(value),
        }
        Ok(())
    }

    /// Refuse a node deeper than the limit once per file; it becomes null.
    fn too_deep(&mut self, start: usize) {
        if self.problems.is_empty() {
            self.problems.push(
                Problem::new(
                    "granska::yaml::depth",
                    format!("nesting deeper than {MAX_DEPTH} levels"),
                )
                .at(&std::sync::Arc::new(self.file.clone()), Span::new(start, 1)),
            );
        }
    }

    fn scalar(&mut self, text: String, style: TScalarStyle, start: usize) -> Result<(), LoadError> {
        // A key of the mapping being built?
        if let Some(Open {
            node,
            body: Body::Mapping { map, pending },
        }) = self.stack.last_mut()
            && pending.is_none()
        {
            let span = scalar_span(self.file, start, &text);
            let first = if map.contains_key(&text) {
                let earlier = self.index.entry(*node, &text);
                Some(earlier.and_then(|n| n.key).map_or(0, |k| k.start))
            } else {
                None
            };
            *pending = Some((text, span, first));
            return Ok(());
        }
        if self.stack.is_empty() {
            return Err(match self.top {
                TopLevel::Mapping => LoadError::TopLevelMustBeMapping(start),
                TopLevel::Sequence => LoadError::TopLevelMustBeSequence(start),
            });
        }
        let (key, depth) = self.place(start)?;
        if depth > MAX_DEPTH {
            self.too_deep(start);
            return self.attach(Value::Null);
        }
        // An empty value has the position of the next token; point at its key instead.
        let span = match key {
            Some(k) if text.is_empty() => k,
            _ => scalar_span(self.file, start, &text),
        };
        self.index_node(NodeSpans {
            key,
            value: span,
            is_collection: false,
        });
        let value = resolve_scalar(text, matches!(style, TScalarStyle::Plain));
        self.attach(value)
    }

    fn open(&mut self, mapping: bool, start: usize) -> Result<(), LoadError> {
        if self.skipping > 0 {
            self.skipping += 1;
            return Ok(());
        }
        if self.stack.is_empty() {
            match (self.top, mapping) {
                (TopLevel::Mapping, false) => return Err(LoadError::TopLevelMustBeMapping(start)),
                (TopLevel::Sequence, true) => return Err(LoadError::TopLevelMustBeSequence(start)),
                _ => {}
            }
        }
        let (key, depth) = self.place(start)?;
        if depth > MAX_DEPTH {
            self.too_deep(start);
            self.skipping = 1;
            return Ok(());
        }
        let value_span = if key.is_some() {
            Span::new(start, 1)
        } else {
            self.file.rest_of_line(start)
        };
        let node = self.index_node(NodeSpans {
            key,
            value: value_span,
            is_collection: true,
        });
        let body = if mapping {
            Body::Mapping {
                map: Map::new(),
                pending: None,
            }
        } else {
            Body::Sequence(Vec::new())
        };
        self.stack.push(Open { node, body });
        Ok(())
    }

    fn close(&mut self) -> Result<(), LoadError> {
        if self.skipping > 0 {
            self.skipping -= 1;
            return match self.skipping {
                0 => self.attach(Value::Null),
                _ => Ok(()),
            };
        }
        match self.stack.pop() {
            Some(open) => {
                self.index.close(open.node);
                let value = match open.body {
                    Body::Mapping { map, .. } => Value::Object(map),
                    Body::Sequence(items) => Value::Array(items),
                };
                self.attach(value)
            }
            None => Ok(()),
        }
    }

    fn event(&mut self, ev: Event, mark: Marker) -> Result<(), LoadError> {
        let start = match ev {
            Event::Scalar(..) | Event::MappingStart(..) | Event::SequenceStart(..) => {
                self.offset(&mark)
            }
            _ => 0,
        };
        // The order of the checks is marked-yaml's, whose messages the tests pin: for a
        // collection the tag before the anchor, for a scalar the anchor before the tag.
        match ev {
            Event::MappingStart(_, Some(_)) | Event::SequenceStart(_, Some(_)) => {
                Err(LoadError::Tag(start))
            }
            Event::MappingStart(anchor, _) | Event::SequenceStart(anchor, _) if anchor != 0 => {
                Err(LoadError::Anchor(start))
            }
            Event::MappingStart(..) => self.open(true, start),
            Event::SequenceStart(..) => self.open(false, start),
            Event::MappingEnd | Event::SequenceEnd => self.close(),
            Event::Scalar(_, _, anchor, _) if anchor != 0 => Err(LoadError::Anchor(start)),
            Event::Scalar(_, _, _, Some(_)) => Err(LoadError::Tag(start)),
            Event::Scalar(..) if self.skipping > 0 => Ok(()),
            Event::Scalar(text, style, ..) => self.scalar(text, style, start),
            // Refused before: an alias needs an anchor, and every anchor is refused.
            Event::Alias(_) => Err(LoadError::Anchor(start)),
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart
            | Event::DocumentEnd => Ok(()),
        }
    }
}

impl MarkedEventReceiver for Builder<'_> {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        if let Err(e) = self.event(ev, mark) {
            self.error = Some(e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str, top: TopLevel) -> Result<(Value, SpanIndex, Problems), LoadError> {
        load(&SourceFile::new("t.yaml", "t.yaml", text), top)
    }

    /// Values, coercion only of plain scalars, and the spans of keys and values by path.
    #[test]
    fn builds_values_and_spans_in_one_pass() {
        let text = "a: 1\nb: '2'\nlist:\n  - x\n  - {k: v}\n";
        let (value, index, problems) = load_text(text, TopLevel::Mapping).expect("loads");
        assert!(problems.is_empty());
        assert_eq!(
            value,
            serde_json::json!({"a": 1, "b": "2", "list": ["x", {"k": "v"}]})
        );
        let k = index.get("list[1].k").expect("indexed");
        assert_eq!(&text[k.value.start..k.value.start + k.value.len], "v");
        let key = k.key.expect("key span");
        assert_eq!(&text[key.start..key.start + key.len], "k");
        assert!(index.get("list").expect("indexed").is_collection);
    }

    /// A repeated key names both places; a refusal inside the repeated value comes first.
    #[test]
    fn duplicate_keys_point_at_both_occurrences() {
        let text = "m:\n  x: 1\n  y: 2\n  x: 3\n";
        match load_text(text, TopLevel::Mapping) {
            Err(LoadError::DuplicateKey { key, first, second }) => {
                assert_eq!(key, "x");
                assert_eq!(first, text.find("x: 1").expect("first"));
                assert_eq!(second, text.find("x: 3").expect("second"));
            }
            other => panic!("expected a duplicate key, got {other:?}"),
        }
        let text = "m:\n  x: 1\n  x: !t 3\n";
        assert!(matches!(
            load_text(text, TopLevel::Mapping),
            Err(LoadError::Tag(_))
        ));
    }

    /// The top level is checked for the kind the caller expects, scalars included.
    #[test]
    fn top_level_of_the_wrong_kind_is_refused() {
        for (text, top) in [("- a\n", TopLevel::Mapping), ("plain\n", TopLevel::Mapping)] {
            let result = load_text(text, top);
            assert!(
                matches!(result, Err(LoadError::TopLevelMustBeMapping(_))),
                "{text:?}: {result:?}"
            );
        }
        for (text, top) in [
            ("a: 1\n", TopLevel::Sequence),
            ("plain\n", TopLevel::Sequence),
        ] {
            let result = load_text(text, top);
            assert!(
                matches!(result, Err(LoadError::TopLevelMustBeSequence(_))),
                "{text:?}: {result:?}"
            );
        }
    }

    /// Anchors and aliases are refused where the anchor is defined, so nothing expands.
    #[test]
    fn anchors_are_refused_before_any_alias_expands() {
        let text = "a: &x [1, 2]\nb: [*x, *x, *x]\n";
        assert!(matches!(
            load_text(text, TopLevel::Mapping),
            Err(LoadError::Anchor(at)) if at == text.find('[').expect("list")
        ));
    }
}
