//! `redburn burn`: chooses how the inputs are written — a sheet or files disc-at-once, files
//! track-at-once.

use anyhow::Result;

use crate::args::{BurnArgs, Mode, is_sheet};
use crate::fail::{code, fail};

/// Runs `redburn burn`.
pub fn run(args: &BurnArgs) -> Result<()> {
    if let [sheet] = args.files.as_slice()
        && is_sheet(sheet)
    {
        if args.mode == Some(Mode::Tao) {
            return Err(fail(code::PLAN, "a CUE sheet or TOC file is burned disc-at-once: use --mode dao or raw"));
        }
        if args.devices.len() > 1 {
            return crate::many::run(args, None);
        }
        return crate::dao::run_sheet(args, sheet);
    }
    let dao = matches!(args.mode, Some(Mode::Dao | Mode::Raw)) || args.cdtext_from_tags || args.gapless;
    if args.mode == Some(Mode::Tao) && (args.cdtext_from_tags || args.gapless) {
        return Err(fail(code::PLAN, "CD-TEXT and gapless tracks need disc-at-once (--mode dao)"));
    }
    // Every file is checked (a sheet among them, more than 99, one that does not decode)
    // before a recorder is touched, whichever way it is written.
    let tracks = crate::tao::preflight(&args.files, args.big_endian, args.skip_decode_check)?;
    if args.devices.len() > 1 {
        return crate::many::run(args, Some(tracks));
    }
    if dao {
        return crate::dao::run_files(args);
    }
    crate::tao::run(args, tracks)
}
