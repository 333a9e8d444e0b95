//! YAML text → JSON value + span index, with the hostile-input guards: size limit, UTF-8,
//! empty files, nesting depth, no anchors/aliases/tags (`yaml_tree` refuses them, so an alias
//! bomb cannot expand), duplicate keys.

use std::path::Path;
use std::sync::Arc;

use serde_json::{Number, Value};

use super::spans::{NodeSpans, SpanIndex};
use super::yaml_tree::{self, LoadError};
use crate::diag::{Problem, Problems};
use crate::source::{SourceFile, Span};

/// Files above this are refused before parsing: a scenario is a few hundred lines, and
/// batches must keep memory bounded.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;
/// Deeper nesting than this is not a scenario; refusing it keeps recursion bounded.
pub const MAX_DEPTH: usize = 64;

/// What the top of a YAML document must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopLevel {
    Mapping,
    Sequence,
}

/// Read a file from disk, refusing oversized and non-UTF-8 input with a located problem.
pub fn read_source(path: &Path) -> Result<Arc<SourceFile>, Problem> {
    let name = path.display().to_string();
    let meta = std::fs::metadata(path)
        .map_err(|e| Problem::new("granska::io", format!("cannot read {name}: {e}")))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(Problem::new(
            "granska::input::too-large",
            format!(
                "{name} is {} bytes; files over {} bytes are refused",
                meta.len(),
                MAX_FILE_BYTES
            ),
        )
        .help("a scenario describes one proposal; split it or remove embedded data"));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| Problem::new("granska::io", format!("cannot read {name}: {e}")))?;
    source_from_bytes(&name, path, bytes)
}

pub fn source_from_bytes(
    name: &str,
    path: &Path,
    bytes: Vec<u8>,
) -> Result<Arc<SourceFile>, Problem> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(Problem::new(
            "granska::input::too-large",
            format!("{name} is over {MAX_FILE_BYTES} bytes"),
        ));
    }
    match String::from_utf8(bytes) {
        // Editors on Windows save a byte-order mark; it is not part of the first key.
        Ok(text) => Ok(Arc::new(SourceFile::new(
            name,
            path,
            text.strip_prefix('\u{feff}')
                .map(str::to_string)
                .unwrap_or(text),
        ))),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let prefix = String::from_utf8_lossy(&bytes[..valid]).into_owned();
            let (line, col) = SourceFile::new(name, path, prefix.clone()).line_col(valid);
            let file = Arc::new(SourceFile::new(
                name,
                path,
                String::from_utf8_lossy(&bytes).into_owned(),
            ));
            Err(Problem::new(
                "granska::input::utf8",
                format!("{name} is not valid UTF-8 (line {line}, column {col}, byte {valid})"),
            )
            .at(&file, file.rest_of_line(file.offset_of(line, col)))
            .label("invalid byte here")
            .help("save the file as UTF-8"))
        }
    }
}

/// Parse YAML into a JSON value and the span of every node.
pub fn parse_yaml(file: &Arc<SourceFile>, top: TopLevel) -> Result<(Value, SpanIndex), Problems> {
    if file.text.trim().is_empty() {
        return Err(
            Problem::new("granska::input::empty", format!("{} is empty", file.name))
                .in_file(file)
                .help("start from `granska init`")
                .into(),
        );
    }
    if let Some(problem) = guard_structure(file) {
        return Err(problem.into());
    }
    let (value, mut index, problems) =
        yaml_tree::load(file, top).map_err(|e| Problems::from(load_error(file, e, top)))?;
    // Problems about the whole document point at its first line of content, column 1.
    let first = first_content_line(file);
    index.set_root_spans(NodeSpans {
        key: None,
        value: file.rest_of_line(first),
        is_collection: false,
    });
    problems.into_result((value, index))
}

/// YAML 1.2 core schema resolution of a plain scalar; quoted scalars stay strings.
/// `NO` stays a string (Norway), `2015-04-21` stays a string (a date).
/// Takes the text by value: most scalars stay text, and the parser's string becomes the value
/// without a copy.
pub(super) fn resolve_scalar(text: String, may_coerce: bool) -> Value {
    if !may_coerce {
        return Value::String(text);
    }
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(&text);
    if !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && let Ok(i) = text.parse::<i64>()
    {
        return Value::Number(i.into());
    }
    let looks_float = digits.bytes().any(|b| b == b'.' || b == b'e' || b == b'E')
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || b"eE.+-".contains(&b))
        && digits
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_digit() || b == b'.');
    if looks_float && let Some(n) = text.parse::<f64>().ok().and_then(Number::from_f64) {
        return Value::Number(n);
    }
    Value::String(text)
}

/// The source span of a scalar that starts at byte `start`: the text itself, a quoted
/// string up to its closing quote, or the rest of the line.
pub(super) fn scalar_span(file: &SourceFile, start: usize, text: &str) -> Span {
    let rest = &file.text[start.min(file.text.len())..];
    if !text.is_empty() && rest.starts_with(text) {
        return Span::new(start, text.len());
    }
    if let Some(q) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let line_end = rest.find('\n').unwrap_or(rest.len());
        if let Some(close) = rest[1..line_end].find(q) {
            return Span::new(start, close + 2);
        }
    }
    file.rest_of_line(start)
}

fn first_content_line(file: &SourceFile) -> usize {
    let mut offset = 0;
    for line in file.text.split_inclusive('\n') {
        let t = line.trim_start();
        if !t.is_empty() && !t.starts_with('#') && !t.starts_with("---") {
            return offset;
        }
        offset += line.len();
    }
    0
}

/// Refuse what the parser cannot take safely before handing the text to it: several
/// documents in one file, and nesting deep enough to threaten the stack.
fn guard_structure(file: &Arc<SourceFile>) -> Option<Problem> {
    let mut seen_content = false;
    let mut too_deep = None;
    for (offset, line) in file.lines() {
        // Byte tests first: this runs over every line of every file.
        let bytes = line.as_bytes();
        let starts_document = bytes.starts_with(b"---") && {
            let trimmed = line.trim_end();
            trimmed == "---" || trimmed.starts_with("--- ")
        };
        if starts_document {
            if seen_content {
                return Some(
                    Problem::new(
                        "granska::yaml::documents",
                        "a file holds one YAML document; found a second `---`",
                    )
                    .at(file, Span::new(offset, 3))
                    .label("second document starts here")
                    .help("put each scenario in its own file"),
                );
            }
        } else if !seen_content {
            let trimmed = line.trim_end();
            seen_content = !trimmed.is_empty() && !trimmed.starts_with('#') && trimmed != "...";
        }
        // Block nesting (`- - - x`, deep indentation) is bounded by how far in a line's
        // content starts; flow nesting (`[[[`) by counting brackets below.
        let indent = bytes
            .iter()
            .take_while(|b| matches!(b, b' ' | b'-' | b'?' | b':' | b'\t'))
            .count();
        if indent > 2 * MAX_DEPTH && too_deep.is_none() {
            too_deep = Some(offset);
        }
    }
    if let Some(offset) = too_deep {
        return Some(too_deep_at(file, offset));
    }
    let mut depth = 0usize;
    for (i, b) in file.text.bytes().enumerate() {
        match b {
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(too_deep_at(file, i));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b'\n' => {}
            _ => {}
        }
    }
    None
}

fn too_deep_at(file: &Arc<SourceFile>, offset: usize) -> Problem {
    Problem::new(
        "granska::yaml::depth",
        format!("nesting deeper than {MAX_DEPTH} levels"),
    )
    .at(file, Span::new(offset, 1))
    .label("too deep")
}

fn load_error(file: &Arc<SourceFile>, err: LoadError, top: TopLevel) -> Problem {
    match err {
        LoadError::TopLevelMustBeMapping(at) => Problem::new(
            "granska::yaml::top-level",
            "the top level must be a mapping (`granska: 1`, `id: …`, …)",
        )
        .at(file, file.rest_of_line(at))
        .label("expected `key: value` here"),
        LoadError::TopLevelMustBeSequence(at) => Problem::new(
            "granska::yaml::top-level",
            "the top level must be a list (`- name: …`)",
        )
        .at(file, file.rest_of_line(at))
        .label("expected `- …` here"),
        LoadError::Anchor(at) => Problem::new(
            "granska::yaml::anchor",
            "YAML anchors and aliases are not allowed",
        )
        .at(file, file.char_span(at))
        .label("anchor")
        .help(
            "write the value out; anchors make files hard to review and can expand without bound",
        ),
        LoadError::Tag(at) => {
            Problem::new("granska::yaml::tag", "YAML tags (`!…`) are not allowed")
                .at(file, file.char_span(at))
                .label("tag")
        }
        LoadError::KeyMustBeScalar(at) => {
            Problem::new("granska::yaml::key", "mapping keys must be plain words")
                .at(file, file.char_span(at))
                .label("complex key")
        }
        LoadError::Syntax(e, line, column) => {
            let msg = e.info().to_string();
            // An unclosed flow collection is noticed at the next token, often on the next
            // line; the mistake is at the end of the line before.
            let mut at_offset = file.offset_of(line, column);
            if msg.contains("flow") && column <= 1 {
                let before = file.text[..at_offset].trim_end();
                at_offset = before.len().saturating_sub(1);
            }
            let help = if msg.contains("anchor") {
                "anchors and aliases are not allowed"
            } else {
                "check indentation and quoting on this line"
            };
            Problem::new("granska::yaml::syntax", format!("YAML syntax error: {msg}"))
                .at(file, file.char_span(at_offset))
                .label("here")
                .help(help)
        }
        LoadError::DuplicateKey { key, first, second } => {
            let (fl, _) = file.line_col(first);
            Problem::new(
                "granska::yaml::duplicate-key",
                format!("key `{key}` appears twice in one mapping"),
            )
            .at(file, Span::new(second, key.len().max(1)))
            .label(format!("already set on line {fl}"))
            .help(if top == TopLevel::Mapping {
                "keep one of the two"
            } else {
                "keep one of the two keys"
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<(Value, SpanIndex), Problems> {
        let file = Arc::new(SourceFile::new("t.yaml", "t.yaml", text));
        parse_yaml(&file, TopLevel::Mapping)
    }

    #[test]
    fn scalars_resolve_like_yaml_1_2() {
        let (v, _) = parse("a: 1\nb: NO\nc: 2015-04-21\nd: true\ne: '7'\nf:\ng: 1.5\n").unwrap();
        assert_eq!(v["a"], 1);
        assert_eq!(v["b"], "NO");
        assert_eq!(v["c"], "2015-04-21");
        assert_eq!(v["d"], true);
        assert_eq!(v["e"], "7");
        assert!(v["f"].is_null());
        assert_eq!(v["g"], 1.5);
    }

    #[test]
    fn spans_point_at_values_and_keys() {
        let text = "a:\n  b: [x, y]\n  c: 'Zürich'\n";
        let file = Arc::new(SourceFile::new("t.yaml", "t.yaml", text));
        let (_, idx) = parse_yaml(&file, TopLevel::Mapping).unwrap();
        let s = idx.label_span("a.b[1]");
        assert_eq!(&text[s.start..s.start + s.len], "y");
        let s = idx.label_span("a.c");
        assert_eq!(&text[s.start..s.start + s.len], "'Zürich'");
        let s = idx.label_span("a");
        assert_eq!(&text[s.start..s.start + s.len], "a");
    }

    #[test]
    fn hostile_inputs_are_refused() {
        assert!(parse("").is_err());
        assert!(parse("a: &x [1]\nb: *x\n").is_err());
        assert!(parse("- 1\n- 2\n").is_err());
        assert!(parse("a: 1\na: 2\n").is_err());
        assert!(parse("a: 1\n---\nb: 2\n").is_err());
        assert!(parse(&format!("a: {}{}", "[".repeat(10_000), "]".repeat(10_000))).is_err());
        assert!(parse("a: !!str x\n").is_err());
    }
}
