//! The steps after a burn: verify, then eject.

use anyhow::Result;

use crate::args::BurnArgs;
use crate::fail::{code, fail};

/// After a burn: verify if asked (not after a simulation, which records nothing), then eject
/// if asked.
pub(crate) fn finish<T: mmc::Transport>(
    drive: &mut redburn::Recorder<T>,
    dev_name: &str,
    args: &BurnArgs,
) -> Result<()> {
    if args.verify && !args.simulate {
        crate::verify::check(drive, dev_name, &args.files, args.big_endian, args.lenient, args.json)?;
    }
    if args.eject {
        drive.eject_media().map_err(|e| fail(code::DEVICE, format!("{dev_name}: eject: {e}")))?;
    }
    Ok(())
}
