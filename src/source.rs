//! Source files as read from disk: text, content hash, and the one shared conversion from
//! parser positions (line + column in characters) to byte offsets for diagnostics.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

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
    /// Worked out on first use: only receipts need it, and start-up reads many files.
    sha256: OnceLock<String>,
    line_starts: Arc<[usize]>,
    /// A `\r` not followed by `\n` is a line break to miette but not to `line_starts`.
    lone_cr: bool,
    /// Characters are bytes: columns convert to offsets without walking the line.
    ascii: bool,
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
        let bytes = text.as_bytes();
        let lone_cr = memchr::memchr_iter(b'\r', bytes).any(|i| bytes.get(i + 1) != Some(&b'\n'));
        let ascii = text.is_ascii();
        // Every scenario of a batch is indexed by line: memchr finds the line ends a word at
        // a time (str::match_indices was 0.6 % of a batch's instructions).
        let line_starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1))
            .collect::<Vec<_>>()
            .into();
        SourceFile {
            name: name.into(),
            path: path.as_ref().to_path_buf(),
            text,
            sha256: OnceLock::new(),
            line_starts,
            lone_cr,
            ascii,
        }
    }

    /// Each line with its byte offset, line ending included (from the line starts already
    /// known, without searching the text again).
    pub fn lines(&self) -> impl Iterator<Item = (usize, &str)> {
        let ends = self.line_starts.iter().skip(1).copied();
        self.line_starts
            .iter()
            .copied()
            .zip(ends.chain(std::iter::once(self.text.len())))
            .map(|(start, end)| (start, &self.text[start..end]))
            .filter(|(_, line)| !line.is_empty())
    }

    /// SHA-256 of the text, in lower-case hex.
    pub fn sha256(&self) -> &str {
        self.sha256.get_or_init(|| sha256_hex(self.text.as_bytes()))
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
        let content = || line_text.trim_end_matches(['\n', '\r']).len();
        let index = column.saturating_sub(1);
        // Up to the column, characters are bytes when they are ASCII: true of most positions
        // even in a file with "Överförmyndarärenden" further along its lines.
        if index < line_text.len() && (self.ascii || line_text.as_bytes()[..index].is_ascii()) {
            return start + index;
        }
        if self.ascii {
            return start + content();
        }
        let byte_in_line = line_text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map(|(i, _)| i)
            .unwrap_or_else(content);
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
        let end = memchr::memchr(b'\n', rest.as_bytes()).unwrap_or(rest.len());
        let mut line = &rest[..end];
        // A comment starts at a `#` after a space. Found with memchr: `str::find(" #")` sets
        // up a substring searcher for every list item of every file (~600 instructions).
        let bytes = line.as_bytes();
        if let Some(hash) =
            memchr::memchr_iter(b'#', bytes).find(|&i| i > 0 && bytes[i - 1] == b' ')
        {
            line = &line[..hash - 1];
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
    /// miette's own reader scans the file from its first byte for every snippet; a report
    /// with twenty findings near the end of a long scenario paid that twenty times. Start the
    /// same reader a line before the context instead and shift its answer back: the result
    /// is identical, because the reader keeps no state across line starts other than counts.
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let skip_lines = if self.lone_cr {
            0
        } else {
            let line = match self.line_starts.binary_search(&span.offset()) {
                Ok(i) => i,
                Err(i) => i.saturating_sub(1),
            };
            line.saturating_sub(context_lines_before + 1)
        };
        let base = self.line_starts.get(skip_lines).copied().unwrap_or(0);
        let shifted = miette::SourceSpan::new((span.offset() - base).into(), span.len());
        let inner = self.text.as_bytes()[base..].read_span(
            &shifted,
            context_lines_before,
            context_lines_after,
        )?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            miette::SourceSpan::new((inner.span().offset() + base).into(), inner.span().len()),
            inner.line() + skip_lines,
            inner.column(),
            inner.line_count() + skip_lines,
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

    /// The ASCII shortcuts (whole file, or a line's start up to the column) must give what
    /// walking the characters gives, also past the end of a line, on `\r\n` endings, on lines
    /// beyond the last and right after a non-ASCII character.
    #[test]
    fn ascii_shortcut_agrees_with_walking_characters() {
        let texts = [
            "a: 1\r\nbb: [x, y]\n\n  - z\r\nlast",
            "a: 1\r\nort: Zürich, Åre\nnamn: Överförmyndarärenden\r\n  - ö: ä\nlast ü",
        ];
        for (n, text) in texts.into_iter().enumerate() {
            let src = SourceFile::new("t", "t", text);
            assert_eq!(src.ascii, n == 0);
            let walked = |line: usize, column: usize| {
                let starts: Vec<usize> = std::iter::once(0)
                    .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                    .collect();
                let idx = line.saturating_sub(1).min(starts.len() - 1);
                let end = starts.get(idx + 1).copied().unwrap_or(text.len());
                let line_text = &text[starts[idx]..end];
                starts[idx]
                    + line_text
                        .char_indices()
                        .nth(column.saturating_sub(1))
                        .map(|(i, _)| i)
                        .unwrap_or_else(|| line_text.trim_end_matches(['\n', '\r']).len())
            };
            for line in 0..8 {
                for column in 0..32 {
                    assert_eq!(
                        src.offset_of(line, column),
                        walked(line, column),
                        "text {n}, {line}:{column}"
                    );
                }
            }
        }
    }

    #[test]
    fn snippets_match_miettes_reader() {
        use miette::SourceCode;
        let text = "a: 1\nb:\n  - x\n\n  - Zürich\r\nc: 3\nd: [1, 2]\ne: end";
        let src = SourceFile::new("t", "t", text);
        for start in 0..text.len() {
            if !text.is_char_boundary(start) {
                continue;
            }
            for len in [0, 1, 3] {
                let len = len.min(text.len() - start);
                for (before, after) in [(0, 0), (1, 1), (2, 3)] {
                    let span = miette::SourceSpan::new(start.into(), len);
                    let ours = src.read_span(&span, before, after);
                    let theirs = text.as_bytes().read_span(&span, before, after);
                    match (ours, theirs) {
                        (Ok(o), Ok(t)) => {
                            assert_eq!(o.data(), t.data(), "{start}+{len} ({before},{after})");
                            assert_eq!(o.span(), t.span());
                            assert_eq!((o.line(), o.column()), (t.line(), t.column()));
                            assert_eq!(o.line_count(), t.line_count());
                        }
                        (Err(_), Err(_)) => {}
                        _ => panic!("readers disagree at {start}+{len}"),
                    }
                }
            }
        }
    }

    #[test]
    fn rest_of_line_drops_comments() {
        let src = SourceFile::new("t", "t", "x: abc # note\n");
        let span = src.rest_of_line(3);
        assert_eq!(&src.text[span.start..span.start + span.len], "abc");
        // A `#` without a space before it is text; the first ` #` starts the comment.
        let src = SourceFile::new("t", "t", "- id: a#b  # x # y\nnext: 1\n");
        let span = src.rest_of_line(2);
        assert_eq!(&src.text[span.start..span.start + span.len], "id: a#b");
        let src = SourceFile::new("t", "t", "- k: v");
        let span = src.rest_of_line(2);
        assert_eq!(&src.text[span.start..span.start + span.len], "k: v");
    }
}
