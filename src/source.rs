//! Source files as read from disk: text, content hash, and the one shared conversion from
//! parser positions (line + column in characters) to byte offsets for diagnostics.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};

/// A loaded text file. Positions from YAML and Rhai count characters, miette counts bytes:
/// every conversion goes through [`SourceFile::offset_of`] so a line with "Zürich" is not
/// off by one byte per umlaut.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The name shown to users (the path as given, or an embedded name like `<builtin>/…`).
    pub name: String,
    pub path: PathBuf,
    pub text: Arc<str>,
    pub sha256: String,
    line_starts: Arc<[usize]>,
}

/// A byte range in a [`SourceFile`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub len: usize,
}

impl Span {
    pub fn new(start: usize, len: usize) -> Self {
        Span { start, len }
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(s: Span) -> Self {
        (s.start, s.len).into()
    }
}

impl SourceFile {
    pub fn new(name: impl Into<String>, path: impl AsRef<Path>, text: impl Into<Arc<str>>) -> Self {
        let text: Arc<str> = text.into();
        let sha256 = sha256_hex(text.as_bytes());
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect::<Vec<_>>()
            .into();
        SourceFile {
            name: name.into(),
            path: path.as_ref().to_path_buf(),
            text,
            sha256,
            line_starts,
        }
    }

    /// Byte offset of a 1-based line and 1-based column counted in characters.
    /// Out-of-range positions are clamped to the end of the line or file.
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        let line_idx = line.saturating_sub(1).min(self.line_starts.len() - 1);
        let start = self.line_starts[line_idx];
        let line_end = self
            .line_starts
            .get(line_idx + 1)
            .copied()
            .unwrap_or(self.text.len());
        let line_text = &self.text[start..line_end];
        let byte_in_line = line_text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map(|(i, _)| i)
            .unwrap_or_else(|| line_text.trim_end_matches(['\n', '\r']).len());
        start + byte_in_line
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line_idx = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line_idx];
        let column = self
            .text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(0)
            + 1;
        (line_idx + 1, column)
    }

    /// The span of the one character at `offset` (empty at the end of the file).
    pub fn char_span(&self, offset: usize) -> Span {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let len = self.text[offset..]
            .chars()
            .next()
            .map(char::len_utf8)
            .unwrap_or(0);
        Span::new(offset, len)
    }

    /// The span of the rest of the line from `offset`, without the line break, trailing
    /// whitespace or a trailing comment. Used to label a whole YAML entry.
    pub fn rest_of_line(&self, offset: usize) -> Span {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let rest = &self.text[offset..];
        let end = rest.find('\n').unwrap_or(rest.len());
        let mut line = &rest[..end];
        if let Some(hash) = line.find(" #") {
            line = &line[..hash];
        }
        let len = line.trim_end().len();
        if len == 0 {
            self.char_span(offset)
        } else {
            Span::new(offset, len)
        }
    }
}

/// miette reads snippets straight from the file and shows its name above them.
impl miette::SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner = self
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest.iter() {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_count_characters_not_bytes() {
        let src = SourceFile::new("t", "t", "a: 1\nort: Zürich # x\nb: ok\n");
        // "Zürich" starts at column 6 of line 2; the byte after "ü" is one further.
        let off = src.offset_of(2, 9);
        assert_eq!(&src.text[off..off + 3], "ich");
        assert_eq!(src.line_col(off), (2, 9));
        assert_eq!(src.offset_of(3, 1), src.text.find("b: ok").unwrap());
    }

    #[test]
    fn rest_of_line_drops_comments() {
        let src = SourceFile::new("t", "t", "x: abc # note\n");
        let span = src.rest_of_line(3);
        assert_eq!(&src.text[span.start..span.start + span.len], "abc");
    }
}
