//! Errors in a text file (CUE sheet, cdrdao TOC file) with the place they were found.

use std::fmt;
use std::path::{Path, PathBuf};

/// The kind of an error in one kind of file; names the file kind in messages.
pub trait FileErrorKind: std::error::Error {
    /// How a message names a file of this kind when no path is known ("CUE sheet").
    const FILE_KIND: &'static str;
}

/// An error with its file, line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<K> {
    /// The file, when the caller named it.
    pub file: Option<PathBuf>,
    /// Line (1-based; 0 when the error is about the whole file).
    pub line: u32,
    /// Column in characters (1-based; 0 when not about one place in a line).
    pub column: u32,
    /// What is wrong.
    pub kind: K,
}

impl<K> Located<K> {
    /// An error at `line`, `column`.
    pub fn at(line: u32, column: u32, kind: impl Into<K>) -> Located<K> {
        Located { file: None, line, column, kind: kind.into() }
    }

    /// The same error, naming the file.
    #[must_use]
    pub fn in_file(mut self, file: &Path) -> Located<K> {
        self.file = Some(file.to_owned());
        self
    }
}

impl<K: FileErrorKind> fmt::Display for Located<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.line, self.column) {
            (Some(p), 0, _) => write!(f, "{}: ", p.display())?,
            (Some(p), l, 0) => write!(f, "{}:{l}: ", p.display())?,
            (Some(p), l, c) => write!(f, "{}:{l}:{c}: ", p.display())?,
            (None, 0, _) => write!(f, "{}: ", K::FILE_KIND)?,
            (None, l, 0) => write!(f, "{} line {l}: ", K::FILE_KIND)?,
            (None, l, c) => write!(f, "{} line {l}, column {c}: ", K::FILE_KIND)?,
        }
        write!(f, "{}", self.kind)
    }
}

impl<K: FileErrorKind + 'static> std::error::Error for Located<K> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.kind.source()
    }
}
