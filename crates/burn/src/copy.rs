//! Copying an audio CD disc to disc: the policy of `redburn copy`, for every face.
//!
//! The source is read once into a temporary image ([`crate::image::read_to_image`]: every
//! pause, index, code and flag, the CD-TEXT, and the sub-channel when the drive reads it, so
//! that R–W data such as CD+G is kept), and nothing is burned when a sector could not be read
//! right — a copy would carry the damage. The image is then burned by the [`Job`] onto every
//! target at once, as many times as asked. With one drive (no target, or the source itself)
//! the disc is ejected and the copy waits for a blank one; between copies every target is
//! ejected and waited for. The image goes when the [`DiscCopy`] does, whatever way it ends.
//!
//! [`DiscCopy`] gives the steps to a face that shows each with its own display (the CLI);
//! [`copy_disc`] runs them all with one stream of [`CopyEvent`]s (C, Python, the service).

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use device::named::{self, OpenError};

use crate::image::{ImageError, ImageRead, ImageRequest, ReadSubchannel};
use crate::job::{Cancel, ErrorClass, Event, Job, JobError, Note, Outcome, Request};
use crate::{ReadCheck, ReadProgress};

/// What to copy, where, and how.
#[derive(Debug, Clone)]
pub struct CopyRequest {
    /// The drive holding the disc to copy.
    pub from: String,
    /// The recorders to write copies on, at once; empty: the `from` drive itself.
    pub to: Vec<String>,
    /// Copies to write on each recorder (at least 1).
    pub copies: u32,
    /// The source drive's read offset correction in samples (AccurateRip's sign).
    pub read_offset: i32,
    /// Times a sector that fails its check is read again.
    pub retries: u32,
    /// How the source's sectors are checked.
    pub check: ReadCheck,
    /// Where the temporary image goes (about 10 MB a minute of audio); `None`: the system's
    /// temporary directory.
    pub temp: Option<PathBuf>,
    /// How long to wait for a blank disc when one must be inserted.
    pub wait: Duration,
    /// How each copy is burned: route, speed, simulate, verify … (its inputs are replaced by
    /// the image's sheet).
    pub burn: Request,
}

impl CopyRequest {
    /// A copy of the disc in `from` onto `to` (once each), with the defaults of
    /// `redburn copy`: read offset 0, 8 retries, checked as the drive can, wait 10 minutes.
    #[must_use]
    pub fn new(from: &str, to: Vec<String>) -> CopyRequest {
        CopyRequest {
            from: from.to_owned(),
            to,
            copies: 1,
            read_offset: 0,
            retries: 8,
            check: ReadCheck::Auto,
            temp: None,
            wait: Duration::from_secs(600),
            burn: Request::new(Vec::new()),
        }
    }
}

/// Why a copy stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CopyError {
    /// Zero copies were asked for.
    #[error("0 copies: nothing to write")]
    NoCopies,
    /// The source drive is one of several targets.
    #[error("the source drive cannot also be one of several targets: copy with it alone, or to the others")]
    SourceAmongTargets,
    /// A target is given twice.
    #[error("{0} is given twice: each recorder burns one disc")]
    TargetTwice(String),
    /// The temporary image's directory cannot be made.
    #[error("{}: cannot make the temporary image's directory: {why}", .dir.display())]
    Temp {
        /// Where.
        dir: PathBuf,
        /// Why.
        why: String,
    },
    /// The source could not be read into the image.
    #[error(transparent)]
    Read(#[from] ImageError),
    /// The source was read, but some sectors could not be read right: nothing was burned.
    #[error(
        "the image is not exact: {damaged} sector{} could not be read right; nothing was burned (a copy would carry the damage)",
        if *.damaged == 1 { "" } else { "s" }
    )]
    Damaged {
        /// What was read, with each track's damaged sectors.
        read: Box<ImageRead>,
        /// Sectors not read right.
        damaged: usize,
    },
    /// A drive cannot be opened.
    #[error(transparent)]
    Open(#[from] OpenError),
    /// A drive would not eject its disc.
    #[error("{device}: eject: {why}")]
    Eject {
        /// The drive.
        device: String,
        /// Why.
        why: String,
    },
    /// No blank disc came in time.
    #[error("{device}: no blank disc was inserted within {} s", .waited.as_secs())]
    NoBlank {
        /// The drive.
        device: String,
        /// How long it waited.
        waited: Duration,
    },
    /// Cancelled while waiting for a blank disc.
    #[error("cancelled while waiting for a blank disc")]
    Cancelled,
    /// The image's plan could not be made.
    #[error(transparent)]
    Job(#[from] JobError),
}

impl CopyError {
    /// Which kind of failure.
    #[must_use]
    pub fn class(&self) -> ErrorClass {
        match self {
            CopyError::NoCopies | CopyError::SourceAmongTargets | CopyError::TargetTwice(_) => ErrorClass::Input,
            CopyError::Temp { .. } => ErrorClass::File,
            CopyError::Read(e) => e.class(),
            CopyError::Damaged { .. } => ErrorClass::Damaged,
            CopyError::Open(_) | CopyError::Eject { .. } => ErrorClass::Device,
            CopyError::NoBlank { .. } => ErrorClass::Medium,
            CopyError::Cancelled => ErrorClass::Cancelled,
            CopyError::Job(e) => e.class(),
        }
    }
}

impl crate::Imapi for CopyError {
    fn imapi(&self) -> (&'static str, u32) {
        match self {
            CopyError::NoCopies | CopyError::SourceAmongTargets | CopyError::TargetTwice(_) => {
                ("E_INVALIDARG", 0x8007_0057)
            }
            CopyError::Read(e) => e.imapi(),
            CopyError::Open(e) => e.imapi(),
            CopyError::Job(e) => e.imapi(),
            CopyError::NoBlank { .. } => ("E_IMAPI_RECORDER_MEDIA_NO_MEDIA", 0xC0AA_0202),
            CopyError::Cancelled => ("E_IMAPI_REQUEST_CANCELLED", 0xC0AA_0002),
            CopyError::Temp { .. } | CopyError::Damaged { .. } | CopyError::Eject { .. } => ("E_FAIL", 0x8000_4005),
        }
    }
}

/// A copy under way: its targets and its temporary image (removed when this goes).
#[derive(Debug)]
pub struct DiscCopy {
    request: CopyRequest,
    targets: Vec<String>,
    one_drive: bool,
    dir: tempfile::TempDir,
    sheet: PathBuf,
}

/// Whether two names are one drive (`emu:x` and its directory, a node and its link).
fn same(a: &str, b: &str) -> bool {
    a == b || named::unique_id(a) == named::unique_id(b)
}

impl DiscCopy {
    /// Checks the request (nothing is read or opened) and makes the temporary image's
    /// directory.
    ///
    /// # Errors
    /// [`CopyError::NoCopies`], [`CopyError::SourceAmongTargets`], [`CopyError::TargetTwice`],
    /// [`CopyError::Temp`].
    pub fn new(request: CopyRequest) -> Result<DiscCopy, CopyError> {
        if request.copies == 0 {
            return Err(CopyError::NoCopies);
        }
        let from = &request.from;
        let one_drive = request.to.is_empty() || (request.to.len() == 1 && same(&request.to[0], from));
        if !one_drive && request.to.iter().any(|t| same(t, from)) {
            return Err(CopyError::SourceAmongTargets);
        }
        for (i, t) in request.to.iter().enumerate() {
            if request.to[..i].iter().any(|u| same(u, t)) {
                return Err(CopyError::TargetTwice(t.clone()));
            }
        }
        let root = request.temp.clone().unwrap_or_else(std::env::temp_dir);
        let dir = tempfile::Builder::new()
            .prefix("redburn-copy-")
            .tempdir_in(&root)
            .map_err(|e| CopyError::Temp { dir: root, why: e.to_string() })?;
        let sheet = dir.path().join("copy.cue");
        let targets = if one_drive { vec![request.from.clone()] } else { request.to.clone() };
        Ok(DiscCopy { request, targets, one_drive, dir, sheet })
    }

    /// The recorders each copy is burned on.
    #[must_use]
    pub fn targets(&self) -> &[String] {
        &self.targets
    }

    /// Whether the source drive also writes the copies (its disc is ejected for a blank).
    #[must_use]
    pub fn one_drive(&self) -> bool {
        self.one_drive
    }

    /// Copies to write on each target.
    #[must_use]
    pub fn copies(&self) -> u32 {
        self.request.copies
    }

    /// The temporary directory (a face that must remove it on a signal holds on to it).
    #[must_use]
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The image's CUE sheet, once [`DiscCopy::read`] has made it.
    #[must_use]
    pub fn sheet(&self) -> &Path {
        &self.sheet
    }

    /// How the source is read: the whole disc into one .bin, the sub-channel when the drive
    /// reads it (R–W data such as CD+G lives only there).
    #[must_use]
    pub fn image_request(&self) -> ImageRequest {
        ImageRequest {
            subchannel: ReadSubchannel::IfReadable,
            read_offset: self.request.read_offset,
            retries: self.request.retries,
            check: self.request.check,
            ..ImageRequest::new(self.sheet.clone())
        }
    }

    /// Reads the source disc into the image, `progress` told as it goes (`Break` cancels),
    /// after checking that every target holds a disc the copy can be burned on.
    ///
    /// # Errors
    /// [`CopyError::Open`], [`CopyError::Job`] for a target's medium, [`CopyError::Read`]; [`CopyError::Damaged`] (with what was read)
    /// when a sector could not be read right.
    pub fn read(&self, progress: &mut dyn FnMut(&ReadProgress) -> ControlFlow<()>) -> Result<ImageRead, CopyError> {
        // Every target's medium before the source is read (minutes on a real drive): one that
        // could never take the copy is said now. (With one drive the source's disc is in it:
        // the blank comes later.)
        if !self.one_drive {
            let burn = self.burn_request();
            for t in &self.targets {
                let mut r = named::open_recorder(t)?;
                burn.check_medium(t, &mut r)?;
            }
        }
        let mut recorder = named::open_recorder(&self.request.from)?;
        let read = crate::image::read_to_image(&mut recorder, &self.request.from, &self.image_request(), progress)?;
        if !read.report.exact() {
            let damaged = read.report.tracks.iter().map(|t| t.damaged.len()).sum();
            return Err(CopyError::Damaged { read: Box::new(read), damaged });
        }
        Ok(read)
    }

    /// What each copy's burn is asked: the request's, with the image as its input.
    #[must_use]
    pub fn burn_request(&self) -> Request {
        Request { inputs: vec![self.sheet.clone()], ..self.request.burn.clone() }
    }

    /// Whether copy `n` (from 0) needs blank discs put in first: with one drive always (the
    /// source is in it), else from the second copy on.
    #[must_use]
    pub fn needs_blanks(&self, n: u32) -> bool {
        self.one_drive || n > 0
    }

    /// Ejects every target and waits until each holds a blank disc, `waiting` told of each
    /// drive as its wait begins. The drive is opened afresh every half second and let go
    /// between looks, so that another program (`redburn emu insert`, a desktop's eject
    /// button) can use it meanwhile.
    ///
    /// # Errors
    /// [`CopyError::Open`], [`CopyError::Eject`], [`CopyError::NoBlank`] after the request's
    /// wait, [`CopyError::Cancelled`].
    pub fn wait_for_blanks(&self, waiting: &mut dyn FnMut(&str), cancel: &Cancel) -> Result<(), CopyError> {
        for t in &self.targets {
            {
                let mut r = named::open_recorder(t)?;
                r.eject_media().map_err(|e| CopyError::Eject { device: t.clone(), why: e.to_string() })?;
            }
            waiting(t);
            let started = Instant::now();
            loop {
                if cancel.requested() {
                    return Err(CopyError::Cancelled);
                }
                if started.elapsed() > self.request.wait {
                    return Err(CopyError::NoBlank { device: t.clone(), waited: self.request.wait });
                }
                // Busy (another program inserting the disc) or no medium yet: look again shortly.
                if let Ok(mut r) = named::open_recorder(t)
                    && r.media_info().is_ok_and(|m| m.status == mmc::info::Status::Empty)
                {
                    break;
                }
                std::thread::sleep(Duration::from_millis(500));
            }
        }
        Ok(())
    }
}

/// What happens during [`copy_disc`].
#[derive(Debug)]
#[non_exhaustive]
pub enum CopyEvent<'a> {
    /// Reading the source.
    Reading(&'a ReadProgress),
    /// The source is read, exactly.
    Read(&'a ImageRead),
    /// Copy `copy` (from 1) of `copies` begins.
    Copy {
        /// This copy, from 1.
        copy: u32,
        /// How many.
        copies: u32,
    },
    /// `device`'s disc was ejected: put a blank one in.
    InsertBlank {
        /// The drive.
        device: &'a str,
    },
    /// One recorder's event during a copy's burn.
    Burn(&'a Event),
}

/// Every copy's outcome on every target, in the order of [`DiscCopy::targets`] (their
/// recorders are not kept: each was let go after its burn).
pub type CopyOutcomes = Vec<Vec<Outcome<device::Backend>>>;

/// Copies the disc as `request` says: read, then each copy burned onto every target (each
/// target's outcome says what its disc holds). A copy on which every target failed ends the
/// copying; one where some wrote goes on with those that did not fail.
///
/// # Errors
/// [`CopyError`] for what stops the copy before or between burns.
pub fn copy_disc(
    request: CopyRequest,
    notes: &mut dyn FnMut(Note),
    events: &(dyn Fn(CopyEvent<'_>) + Sync),
    cancel: &Cancel,
) -> Result<CopyOutcomes, CopyError> {
    let copy = DiscCopy::new(request)?;
    let read = copy.read(&mut |p| {
        events(CopyEvent::Reading(p));
        if cancel.requested() { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
    })?;
    events(CopyEvent::Read(&read));
    let job = Job::plan(copy.burn_request(), notes)?;
    let mut outcomes = Vec::new();
    for n in 0..copy.copies() {
        if copy.needs_blanks(n) {
            copy.wait_for_blanks(&mut |device| events(CopyEvent::InsertBlank { device }), cancel)?;
        }
        events(CopyEvent::Copy { copy: n + 1, copies: copy.copies() });
        let mut recorders = Vec::new();
        let mut failed = Vec::new();
        for t in copy.targets() {
            match named::open_recorder(t) {
                Ok(r) => recorders.push((t.clone(), r)),
                Err(e) => failed.push((t.clone(), e)),
            }
        }
        let mut these: Vec<Outcome<device::Backend>> = job.run(recorders, &|e| events(CopyEvent::Burn(e)), cancel);
        for (device, e) in failed {
            these.push(Outcome {
                device,
                recorder: None,
                result: Err(crate::job::Failed { error: JobError::Open(e), disc: None, route: None, burned: None }),
            });
        }
        // The drives are let go (the next copy opens them by name to eject them; another
        // program may want them meanwhile).
        for o in &mut these {
            o.recorder = None;
        }
        // In the targets' order.
        these.sort_by_key(|o| copy.targets().iter().position(|t| *t == o.device));
        let none = these.iter().all(|o| o.result.is_err());
        outcomes.push(these);
        if none || cancel.requested() {
            break;
        }
    }
    Ok(outcomes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(from: &str, to: &[&str]) -> CopyRequest {
        CopyRequest::new(from, to.iter().map(|s| (*s).to_owned()).collect())
    }

    #[test]
    fn a_copy_that_cannot_be_is_refused_before_anything_is_read() {
        let e = DiscCopy::new(CopyRequest { copies: 0, ..req("emu:s", &[]) }).unwrap_err();
        assert!(matches!(e, CopyError::NoCopies) && e.class() == ErrorClass::Input, "{e}");
        let e = DiscCopy::new(req("emu:s", &["emu:a", "emu:s"])).unwrap_err();
        assert!(matches!(e, CopyError::SourceAmongTargets), "{e}");
        let e = DiscCopy::new(req("emu:s", &["emu:a", "emu:b", "emu:a"])).unwrap_err();
        assert_eq!(e.to_string(), "emu:a is given twice: each recorder burns one disc");
        let e = DiscCopy::new(CopyRequest { temp: Some("/nonexistent/dir".into()), ..req("emu:s", &["emu:a"]) })
            .unwrap_err();
        assert!(matches!(e, CopyError::Temp { .. }) && e.class() == ErrorClass::File, "{e}");
    }

    #[test]
    fn one_drive_copies_wait_for_blanks_every_time_several_from_the_second() {
        let dir = tempfile::tempdir().unwrap();
        let temp = Some(dir.path().to_owned());
        let own = DiscCopy::new(CopyRequest { copies: 2, temp: temp.clone(), ..req("emu:s", &["emu:s"]) }).unwrap();
        assert!(own.one_drive() && own.needs_blanks(0) && own.needs_blanks(1));
        assert_eq!(own.targets(), ["emu:s"]);
        let many = DiscCopy::new(CopyRequest { copies: 2, temp, ..req("emu:s", &["emu:a", "emu:b"]) }).unwrap();
        assert!(!many.one_drive() && !many.needs_blanks(0) && many.needs_blanks(1));
        assert_eq!(many.burn_request().inputs, [many.sheet().to_owned()]);
        assert_eq!(many.image_request().subchannel, ReadSubchannel::IfReadable);
        // The temporary directory goes with the copy.
        let made = many.dir().to_owned();
        assert!(made.starts_with(dir.path()) && made.is_dir());
        drop(many);
        assert!(!made.exists());
    }
}
