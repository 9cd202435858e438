//! A disc-at-once burn's plan ([`redburn::sheet`]) with its notes on stderr and its errors
//! as exit codes.

use std::path::{Path, PathBuf};

use anyhow::Result;
use redburn::DaoLayout;
pub use redburn::sheet::{RwSource, Stream, checked_reader};
use redburn::sheet::{SheetError, SheetErrorKind};

use crate::fail::{code, fail};

fn print(note: String) {
    eprintln!("redburn: {note}");
}

/// A sheet's problem ends the program with the input or the plan code.
pub fn failure(e: SheetError) -> anyhow::Error {
    match e.kind {
        SheetErrorKind::Plan => fail(code::PLAN, e.message),
        _ => fail(code::INPUT, e.message),
    }
}

/// See [`redburn::sheet::plan_sheet`].
pub fn measured(sheet: &Path, lenient: bool) -> Result<(DaoLayout, Stream)> {
    redburn::sheet::plan_sheet(sheet, lenient, &mut print).map_err(failure)
}

/// See [`redburn::sheet::plan_files`].
pub fn from_files(
    files: &[PathBuf],
    big_endian: bool,
    gapless: bool,
    cdtext_from_tags: bool,
) -> Result<(DaoLayout, Stream)> {
    redburn::sheet::plan_files(files, big_endian, gapless, cdtext_from_tags, &mut print).map_err(failure)
}

/// The layout's CD-TEXT as `--no-cdtext` and `--cdtext-charset` ask (see
/// [`redburn::sheet::fit_cdtext`]).
pub fn fit_cdtext(layout: &mut DaoLayout, args: &crate::args::BurnArgs) -> Result<()> {
    let how = (!args.no_cdtext)
        .then(|| args.cdtext_charset.map_or(cd::cdtext::TextFit::Transliterate, cd::cdtext::TextFit::CodePage));
    redburn::sheet::fit_cdtext(layout, how, &mut print).map_err(failure)
}

/// See [`redburn::sheet::rw_source`].
pub fn rw_source(sheet: &Path, stream: &Stream) -> Result<Option<RwSource>> {
    redburn::sheet::rw_source(sheet, stream).map_err(failure)
}
