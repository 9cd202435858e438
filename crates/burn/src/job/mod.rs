//! The burn job: the one policy of a burn, which every face (the CLI, the C library, the
//! Python package, the D-Bus service, the desktop app) only shows.
//!
//! A [`Job`] is planned from a [`Request`] — audio files or one CUE sheet / cdrdao TOC file —
//! and proves everything it can before a recorder is touched: every file decoded to its last
//! sample (its CRC-32 kept, so that a file changed since is caught as it is burned), at most
//! 99 tracks, codes, lengths, CD-TEXT fitted to its character codes. [`Job::check`] then
//! proves the plan against one recorder (the medium's state and free space, the drive's
//! write modes) and chooses the route with its reason. [`Job::run`] burns onto one or
//! several recorders at once (the audio decoded once and handed to each), with one stream
//! of [`Event`]s, cancel from any thread ([`Cancel`]), verify and eject afterwards, and an
//! [`Outcome`] per recorder that says what its disc now holds.
//!
//! ```
//! use redburn::job::{Cancel, Job, Request};
//! # let dir = tempfile::tempdir()?;
//! # let wav = dir.path().join("a.wav");
//! # std::fs::write(&wav, redburn::job::tests_support::wav_of_seconds(5))?;
//! let job = Job::plan(Request::files(vec![wav]), &mut |note| eprintln!("{note}"))?;
//! let drive = emu::Drive::create(&dir.path().join("d"), emu::DriveConfig::default(), Some(emu::MediaKind::Cdr80))?;
//! let recorder = redburn::Recorder::new(drive, "emu:doc")?;
//! let outcomes = job.run(vec![("emu:doc".into(), recorder)], &|event| println!("{event:?}"), &Cancel::new());
//! assert!(outcomes[0].result.is_ok());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
mod run;
#[doc(hidden)]
pub mod tests_support;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use audio::segments::{file_format, header_frames, measure_ranges_with};
use cd::addr::{FRAMES_PER_SECTOR, MAX_TRACKS, MIN_TRACK_SECTORS, PREGAP_SECTORS};
use cd::cdtext::TextFit;
use device::{MediaInfo, Recorder};
use mmc::Transport;

use crate::layout::DaoLayout;
use crate::sheet::{RwSource, Stream};

pub use error::{DiscNow, ErrorClass, JobError};
pub use run::{Burned, Event, EventKind, Failed, Outcome, Phase, Progress};

/// Pause the drive records before every track after the first in Track-At-Once: 2 seconds.
pub const TAO_PAUSE: u64 = 150;

/// How a disc is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route {
    /// Track-at-once: each track written on its own, 2-second pauses.
    TrackAtOnce,
    /// Disc-at-once, session-at-once: the drive makes the sub-channel from a cue sheet.
    SessionAtOnce,
    /// Disc-at-once written raw (RAW96R): redburn makes every sector's sub-channel.
    Raw,
}

impl Route {
    /// How people name it: `track-at-once`, `disc-at-once`, `disc-at-once, raw`.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Route::TrackAtOnce => "track-at-once",
            Route::SessionAtOnce => "disc-at-once",
            Route::Raw => "disc-at-once, raw",
        }
    }

    /// The short name JSON carries: `tao`, `dao`, `raw`.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Route::TrackAtOnce => "tao",
            Route::SessionAtOnce => "dao",
            Route::Raw => "raw",
        }
    }
}

/// Why a recorder burns by the route it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteReason {
    /// The request named the route.
    Asked,
    /// Audio files, burned one track each.
    Files,
    /// Disc-at-once for a sheet, CD-TEXT, gapless tracks or the request's mode.
    DiscAtOnce,
    /// The drive has no session-at-once but writes raw.
    NoSessionAtOnce,
    /// The sheet carries R–W sub-channel data (CD+G …), which only raw writing keeps.
    RwData,
    /// The drive refused CD-TEXT in its cue sheet (before writing anything): raw instead.
    CdTextRefused,
}

/// What to burn and how: the inputs and every choice a user makes. Start from
/// [`Request::files`] or [`Request::sheet`]; the defaults are those of `redburn burn`.
#[derive(Debug, Clone)]
pub struct Request {
    /// Audio files (one track each), or one CUE sheet / cdrdao TOC file.
    pub inputs: Vec<PathBuf>,
    /// The route asked for; `None`: the job chooses (track-at-once for files, disc-at-once
    /// for a sheet, raw where the drive needs it).
    pub route: Option<Route>,
    /// Disc-at-once of files without pauses between the tracks.
    pub gapless: bool,
    /// CD-TEXT and ISRCs from the files' tags (disc-at-once).
    pub cdtext_from_tags: bool,
    /// How CD-TEXT outside its character codes is fitted; `None`: burn no CD-TEXT.
    pub cdtext: Option<TextFit>,
    /// Raw PCM inputs are big-endian.
    pub big_endian: bool,
    /// An unknown word in a CUE sheet is a note, not an error.
    pub lenient: bool,
    /// Trust WAV/AIFF/FLAC/CAF header lengths instead of decoding every file first.
    pub skip_decode_check: bool,
    /// A sheet's tracks under 4 seconds are burned as they are (cdrdao's `--force`).
    pub allow_short_tracks: bool,
    /// A sheet's four-channel flags are burned (as cdrdao burns them).
    pub allow_four_channel: bool,
    /// Sectors per second (75 = 1×), −1 for the drive's fastest.
    pub write_speed: i32,
    /// A test write: the drive records nothing.
    pub simulate: bool,
    /// Buffer-underrun protection off.
    pub bufe_disabled: bool,
    /// Leave the disc appendable.
    pub do_not_finalize: bool,
    /// Read the disc back afterwards and compare it with the sources.
    pub verify: bool,
    /// Open the tray when done.
    pub eject: bool,
    /// Loudness normalisation (none: the audio as it is).
    pub normalize: Option<crate::normalize::Normalize>,
    /// The loudness normalisation aims at, LUFS.
    pub target_lufs: f64,
    /// Normalise to the loudness the files' ReplayGain/R128 tags (or the sheet's `REM
    /// REPLAYGAIN_*`) give, where they give one, instead of the measured one.
    pub normalize_from_tags: bool,
}

impl Request {
    /// A burn of `inputs` (files, or one sheet) with every option at its default.
    #[must_use]
    pub fn new(inputs: Vec<PathBuf>) -> Request {
        Request {
            inputs,
            route: None,
            gapless: false,
            cdtext_from_tags: false,
            cdtext: Some(TextFit::Transliterate),
            big_endian: false,
            lenient: false,
            skip_decode_check: false,
            allow_short_tracks: false,
            allow_four_channel: false,
            write_speed: -1,
            simulate: false,
            bufe_disabled: false,
            do_not_finalize: false,
            verify: false,
            eject: false,
            normalize: None,
            target_lufs: crate::normalize::DEFAULT_TARGET_LUFS,
            normalize_from_tags: false,
        }
    }

    /// How the sheet (if any) is read.
    #[must_use]
    pub fn sheet_options(&self) -> crate::sheet::SheetOptions {
        crate::sheet::SheetOptions {
            lenient: self.lenient,
            trust_headers: self.skip_decode_check,
            short_tracks: self.allow_short_tracks,
            four_channel: self.allow_four_channel,
            loudness: self.normalize.is_some(),
        }
    }

    /// Audio files, one track each.
    #[must_use]
    pub fn files(files: Vec<PathBuf>) -> Request {
        Request::new(files)
    }

    /// One CUE sheet or cdrdao TOC file.
    #[must_use]
    pub fn sheet(sheet: PathBuf) -> Request {
        Request::new(vec![sheet])
    }

    /// Whether the request is burned disc-at-once: a sheet, a disc-at-once route, gapless
    /// tracks or CD-TEXT from tags.
    #[must_use]
    pub fn disc_at_once(&self) -> bool {
        self.the_sheet().is_some()
            || matches!(self.route, Some(Route::SessionAtOnce | Route::Raw))
            || self.cdtext_from_tags
            || self.gapless
    }

    /// The medium in `recorder` (named `name`) checked before anything is decoded: present,
    /// a CD-R or CD-RW, not finalized, and blank for a disc-at-once burn. A burn of an album
    /// that takes minutes to decode is refused at once for a disc it could never write;
    /// [`Job::check`] checks again, with the plan, when the job has been made.
    ///
    /// # Errors
    /// As [`Job::check`]'s medium errors.
    pub fn check_medium<T: Transport>(&self, name: &str, recorder: &mut Recorder<T>) -> Result<MediaInfo, JobError> {
        self.check_route()?;
        writable_medium(name, recorder, self.disc_at_once())
    }

    /// The choices agree with each other: track-at-once asked for a sheet, gapless tracks or
    /// CD-TEXT from tags is refused (they need disc-at-once).
    ///
    /// # Errors
    /// [`JobError::SheetNeedsDiscAtOnce`], [`JobError::NeedsDiscAtOnce`].
    pub fn check_route(&self) -> Result<(), JobError> {
        if self.normalize.is_some() {
            crate::normalize::check_target(self.target_lufs).map_err(|what| {
                JobError::Sheet(crate::sheet::SheetError {
                    kind: crate::sheet::SheetErrorKind::Input,
                    file: None,
                    line: 0,
                    column: 0,
                    what,
                })
            })?;
        }
        if self.route != Some(Route::TrackAtOnce) {
            return Ok(());
        }
        if self.the_sheet().is_some() {
            return Err(JobError::SheetNeedsDiscAtOnce);
        }
        if self.cdtext_from_tags || self.gapless {
            return Err(JobError::NeedsDiscAtOnce);
        }
        Ok(())
    }

    /// The gains for tracks measured as `loudness` (and tagged as `tagged`), when asked.
    fn gains(
        &self,
        loudness: &[audio::loudness::Loudness],
        tagged: &[crate::normalize::Tagged],
    ) -> Option<crate::normalize::Gains> {
        let mode = self.normalize?;
        Some(crate::normalize::Gains::choose(mode, self.target_lufs, loudness, tagged, self.normalize_from_tags))
    }

    /// The sheet, when the inputs are one.
    #[must_use]
    pub fn the_sheet(&self) -> Option<&Path> {
        match self.inputs.as_slice() {
            [one] if is_sheet(one) => Some(one),
            _ => None,
        }
    }
}

/// Whether `path` is a CUE sheet or a cdrdao TOC file (by its extension).
#[must_use]
pub fn is_sheet(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("cue") || e.eq_ignore_ascii_case("toc"))
}

pub use crate::sheet::{Note, Notes};

/// One file of a track-at-once burn, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileTrack {
    /// The file.
    pub path: PathBuf,
    /// Its stereo frames at 44.1 kHz.
    pub frames: u64,
    /// Sectors on the disc (at least 4 seconds: track-at-once pads, as IMAPI does).
    pub sectors: u64,
    /// CRC-32 of the decoded audio (none when the decode check was skipped).
    pub crc: Option<u32>,
}

impl FileTrack {
    /// Shorter than the Red Book's 4 seconds: padded with silence.
    #[must_use]
    pub fn padded(&self) -> bool {
        self.frames < MIN_TRACK_SECTORS as u64 * FRAMES_PER_SECTOR as u64
    }
}

/// What a job writes.
#[derive(Debug)]
pub enum Work {
    /// Files, one track each, track-at-once.
    Tracks(Vec<FileTrack>),
    /// A disc laid out whole, written disc-at-once (session-at-once or raw).
    Disc {
        /// The layout: tracks, pauses, indexes, codes, CD-TEXT.
        layout: DaoLayout,
        /// The audio from LBA −150, with each file range's preflight checksum.
        stream: Stream,
        /// The R–W sub-channel carried by the sheet, when there is one.
        rw: Option<RwSource>,
    },
}

/// A burn, planned and proven: see the [module](self).
#[derive(Debug)]
pub struct Job {
    request: Request,
    /// The files burned, playlists expanded (none for a sheet).
    files: Vec<crate::playlist::Listed>,
    work: Work,
    /// Each track's gain, when normalised.
    gains: Option<crate::normalize::Gains>,
}

/// The plan against one recorder: what [`Job::check`] found.
#[derive(Debug, Clone)]
pub struct Check {
    /// The medium in the recorder.
    pub medium: MediaInfo,
    /// The route the recorder will burn by, and why.
    pub route: Route,
    /// Why that route.
    pub reason: RouteReason,
    /// Sectors the burn needs (pauses included; disc-at-once from the first pause).
    pub needed: u64,
    /// Sectors free on the medium.
    pub free: u64,
}

impl Check {
    /// Whether the burn fits the medium.
    ///
    /// # Errors
    /// [`JobError::DoesNotFit`].
    pub fn fits(&self) -> Result<(), JobError> {
        // Disc-at-once counts track 1's pause, which lies before LBA 0 on every disc.
        let room = if self.route == Route::TrackAtOnce { self.free } else { self.free + u64::from(PREGAP_SECTORS) };
        if self.needed > room {
            return Err(JobError::DoesNotFit { route: self.route, needed: self.needed, free: self.free });
        }
        Ok(())
    }
}

impl Job {
    /// Plans `request`: every input read and measured, nothing written.
    ///
    /// # Errors
    /// [`JobError`] of class input or plan: a missing, undecodable or empty file, a
    /// directory, a sheet among files, more than 99 tracks, a sheet's error (file and line),
    /// a route the inputs cannot take, more CD-TEXT than the lead-in holds.
    pub fn plan(request: Request, notes: Notes<'_>) -> Result<Job, JobError> {
        Job::plan_watched(request, notes, &|_| {})
    }

    /// As [`Job::plan`], telling `watch` as each file is decoded (from the decoding threads).
    ///
    /// # Errors
    /// As [`Job::plan`].
    pub fn plan_watched(request: Request, notes: Notes<'_>, watch: Watch<'_>) -> Result<Job, JobError> {
        request.check_route()?;
        let measure = request.normalize.is_some();
        if let Some(sheet) = request.the_sheet() {
            let sheet = sheet.to_owned();
            let how = request.sheet_options();
            let planned = crate::sheet::plan_sheet_watched(&sheet, &how, notes, watch)?;
            let (mut layout, stream) = (planned.layout, planned.stream);
            crate::sheet::fit_cdtext(&mut layout, request.cdtext, notes)?;
            let rw = crate::sheet::rw_source(&sheet, &stream)?;
            let gains = request.gains(&planned.loudness, &planned.tagged);
            return Ok(Job { request, files: Vec::new(), work: Work::Disc { layout, stream, rw }, gains });
        }
        let disc = request.disc_at_once();
        let listed = crate::playlist::expand(&request.inputs, notes)?;
        let files: Vec<PathBuf> = listed.iter().map(|l| l.path.clone()).collect();
        if measure && request.skip_decode_check {
            notes(Note {
                warning: false,
                file: None,
                line: 0,
                what: "--normalize measures every file: each is decoded before the burn all the same".into(),
            });
        }
        // Every file is checked (a sheet among them, more than 99, one that does not decode)
        // before a recorder is touched, whichever way it is written.
        let skip = request.skip_decode_check && !measure;
        let (tracks, loudness) = preflight_watched(&files, request.big_endian, skip, measure, watch)
            .map_err(|e| at_playlist_line(e, &listed))?;
        let tagged = if measure && request.normalize_from_tags { tagged_files(&files, notes) } else { Vec::new() };
        let gains = request.gains(&loudness, &tagged);
        if !disc {
            return Ok(Job { request, files: listed, work: Work::Tracks(tracks), gains });
        }
        let measured: Vec<(u64, Option<u32>)> = tracks.iter().map(|t| (t.frames, t.crc)).collect();
        let hints: Vec<(Option<String>, Option<String>)> =
            listed.iter().map(|l| (l.title.clone(), l.creator.clone())).collect();
        let (mut layout, stream) = crate::sheet::plan_files(
            &files,
            &measured,
            &hints,
            request.big_endian,
            request.gapless,
            request.cdtext_from_tags,
            notes,
        )?;
        crate::sheet::fit_cdtext(&mut layout, request.cdtext, notes)?;
        Ok(Job { request, files: listed, work: Work::Disc { layout, stream, rw: None }, gains })
    }

    /// Each track's loudness and gain, when the job normalises.
    #[must_use]
    pub fn gains(&self) -> Option<&crate::normalize::Gains> {
        self.gains.as_ref()
    }

    /// The files burned, each with the playlist line that lists it (empty for a sheet).
    #[must_use]
    pub fn files(&self) -> &[crate::playlist::Listed] {
        &self.files
    }

    /// What was asked.
    #[must_use]
    pub fn request(&self) -> &Request {
        &self.request
    }

    /// What the job writes.
    #[must_use]
    pub fn work(&self) -> &Work {
        &self.work
    }

    /// Tracks on the disc.
    #[must_use]
    pub fn track_count(&self) -> usize {
        match &self.work {
            Work::Tracks(t) => t.len(),
            Work::Disc { layout, .. } => layout.tracks.len(),
        }
    }

    /// Sectors the burn needs: track-at-once with its 2-second pauses between tracks,
    /// disc-at-once from track 1's pause.
    #[must_use]
    pub fn sectors(&self) -> u64 {
        match &self.work {
            Work::Tracks(t) => tracks_sectors(t),
            Work::Disc { layout, .. } => u64::from(layout.sectors()),
        }
    }

    /// The plan against the recorder: its medium, the route and its reason.
    ///
    /// # Errors
    /// [`JobError`] of class medium or device: no medium, a finalized disc (a disc that is
    /// not blank, for disc-at-once), a drive that cannot write what the plan needs. Whether
    /// the burn fits is [`Check::fits`].
    pub fn check<T: Transport>(&self, name: &str, recorder: &mut Recorder<T>) -> Result<Check, JobError> {
        let medium = writable_medium(name, recorder, matches!(self.work, Work::Disc { .. }))?;
        let free = medium.free_sectors;
        let needed = self.sectors();
        match &self.work {
            Work::Tracks(_) => {
                let reason = if self.request.route.is_some() { RouteReason::Asked } else { RouteReason::Files };
                Ok(Check { medium, route: Route::TrackAtOnce, reason, needed, free })
            }
            Work::Disc { rw, .. } => {
                let modes = recorder.write_modes().unwrap_or_default();
                let (mut route, mut reason) = match self.request.route {
                    Some(r @ (Route::Raw | Route::SessionAtOnce)) => (r, RouteReason::Asked),
                    _ if !modes.sao && modes.raw96 => (Route::Raw, RouteReason::NoSessionAtOnce),
                    _ => (Route::SessionAtOnce, RouteReason::DiscAtOnce),
                };
                if let Some(rw) = rw {
                    if self.request.route == Some(Route::SessionAtOnce) {
                        return Err(JobError::RwNeedsRaw { sub: rw.path().to_owned() });
                    }
                    if !modes.raw96 {
                        return Err(JobError::RwCannotRaw { device: name.to_owned(), sub: rw.path().to_owned() });
                    }
                    if route != Route::Raw {
                        (route, reason) = (Route::Raw, RouteReason::RwData);
                    }
                }
                Ok(Check { medium, route, reason, needed, free })
            }
        }
    }

    /// What [`crate::verify_disc`] compares the burned disc with.
    ///
    /// # Errors
    /// The sheet cannot be read again.
    pub fn expected(&self) -> Result<crate::Expected<'static>, JobError> {
        let expected = match self.request.the_sheet() {
            Some(sheet) => {
                let how = crate::sheet::SheetOptions { loudness: false, ..self.request.sheet_options() };
                crate::sheet::expected_from_sheet(sheet, &how, &mut |_| {})?
            }
            None => crate::sheet::expected_from_files(
                self.files.iter().map(|l| l.path.clone()).collect(),
                self.request.big_endian,
            ),
        };
        // The normalised audio, as the burn wrote it.
        let Some(gains) = self.gains.clone().filter(crate::normalize::Gains::changes_audio) else {
            return Ok(expected);
        };
        Ok(match expected {
            crate::Expected::Stream(r) => {
                let shape: Vec<(u32, u32)> = match &self.work {
                    Work::Disc { layout, .. } => layout.tracks.iter().map(|t| (t.pause, t.length)).collect(),
                    Work::Tracks(_) => Vec::new(),
                };
                crate::Expected::Stream(Box::new(audio::gain::Gained::new(r, gains.disc_schedule(&shape))))
            }
            crate::Expected::Tracks { count, mut open } => crate::Expected::Tracks {
                count,
                open: Box::new(move |i| {
                    let r = open(i)?;
                    Ok(Box::new(audio::gain::Gained::track(r, gains.factor(i), i)) as Box<dyn std::io::Read>)
                }),
            },
        })
    }
}

/// What a disc burned from `request` is compared with by [`crate::verify_disc`], without
/// planning a burn: the sheet's audio from LBA −150 (its short tracks and four-channel flags
/// taken as burned), or the files one a track, playlists expanded — normalised as the burn
/// was, when the request normalises.
///
/// # Errors
/// The sheet's, a playlist's or a file's problem.
pub fn expected_of(request: &Request, notes: Notes<'_>) -> Result<crate::Expected<'static>, JobError> {
    if request.normalize.is_some() {
        // The gains are those the burn chose: the inputs measured again (or their tags read).
        let how = Request { allow_short_tracks: true, allow_four_channel: true, ..request.clone() };
        return Job::plan(how, notes)?.expected();
    }
    if let Some(sheet) = request.the_sheet() {
        let how = crate::sheet::SheetOptions { short_tracks: true, four_channel: true, ..request.sheet_options() };
        return Ok(crate::sheet::expected_from_sheet(sheet, &how, notes)?);
    }
    let listed = crate::playlist::expand(&request.inputs, notes)?;
    Ok(crate::sheet::expected_from_files(listed.into_iter().map(|l| l.path).collect(), request.big_endian))
}

/// A file's error, at the playlist line that lists it (when one does).
fn at_playlist_line(e: JobError, listed: &[crate::playlist::Listed]) -> JobError {
    let path = match &e {
        JobError::Audio(a) => a.path(),
        JobError::NoAudio(p) | JobError::Directory(p) | JobError::SheetAmongFiles(p) => p.as_path(),
        _ => return e,
    };
    match listed.iter().find(|l| l.path == path).and_then(|l| l.from.as_ref()) {
        Some((playlist, line)) => JobError::Sheet(crate::sheet::SheetError {
            kind: crate::sheet::SheetErrorKind::Input,
            file: Some(playlist.clone()),
            line: *line,
            column: 0,
            what: e.to_string(),
        }),
        None => e,
    }
}

/// Sectors of files burned track-at-once, with the pauses between them.
fn tracks_sectors(tracks: &[FileTrack]) -> u64 {
    tracks.iter().map(|t| t.sectors).sum::<u64>() + TAO_PAUSE * (tracks.len() as u64).saturating_sub(1)
}

/// The medium a burn can write: present, a recordable CD, not finalized, blank for
/// disc-at-once.
fn writable_medium<T: Transport>(
    name: &str,
    recorder: &mut Recorder<T>,
    disc_at_once: bool,
) -> Result<MediaInfo, JobError> {
    let medium = recorder.media_info().map_err(|e| JobError::Medium(format!("{name}: {e}")))?;
    if !medium.media_type.is_recordable_cd() && medium.media_type != device::MediaType::Unknown {
        return Err(JobError::NotWritable { device: name.to_owned(), media: medium.media_type });
    }
    if medium.status == mmc::info::Status::Complete && !disc_at_once {
        return Err(JobError::Finalized { device: name.to_owned() });
    }
    if medium.status != mmc::info::Status::Empty && disc_at_once {
        return Err(JobError::NotBlank { device: name.to_owned(), medium });
    }
    Ok(medium)
}

/// Decodes every file to its end (two at a time) so that a missing, damaged or unsupported
/// file is found before anything is written; with `skip_decode`, headers are trusted where
/// they give exact lengths.
///
/// # Errors
/// A directory or a sheet among the files, more than 99 files, a file that cannot be decoded
/// or holds no audio.
pub fn preflight(files: &[PathBuf], big_endian: bool, skip_decode: bool) -> Result<Vec<FileTrack>, JobError> {
    Ok(preflight_with(files, big_endian, skip_decode, false)?.0)
}

/// The loudness the files' tags give (ReplayGain, R128), each file's; a file whose tags
/// cannot be read gives none, with a note.
fn tagged_files(files: &[PathBuf], notes: Notes<'_>) -> Vec<crate::normalize::Tagged> {
    files
        .iter()
        .map(|f| match audio::tags::read_tags(f) {
            Ok(t) => crate::normalize::Tagged::from_texts(
                t.replaygain_track_gain.as_deref(),
                t.replaygain_album_gain.as_deref(),
                t.r128_track_gain.as_deref(),
                t.r128_album_gain.as_deref(),
            ),
            Err(e) => {
                notes(Note { warning: true, file: Some(f.clone()), line: 0, what: format!("its tags: {e}; measured") });
                crate::normalize::Tagged::default()
            }
        })
        .collect()
}

/// How far the preflight is: files decoded of all, and their sizes on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decoded {
    /// Files decoded (or found damaged) so far.
    pub files: usize,
    /// Files in all.
    pub of: usize,
    /// Bytes of those files.
    pub bytes: u64,
    /// Bytes of all.
    pub of_bytes: u64,
}

/// What hears the preflight's progress, from its decoding threads.
pub type Watch<'a> = &'a (dyn Fn(Decoded) + Sync);

/// As [`preflight`], and with `loudness` each file's loudness and peaks, measured in the
/// same pass (empty without).
///
/// # Errors
/// As [`preflight`].
pub fn preflight_with(
    files: &[PathBuf],
    big_endian: bool,
    skip_decode: bool,
    loudness: bool,
) -> Result<(Vec<FileTrack>, Vec<audio::loudness::Loudness>), JobError> {
    preflight_watched(files, big_endian, skip_decode, loudness, &|_| {})
}

/// As [`preflight_with`], telling `watch` as each file is done.
///
/// # Errors
/// As [`preflight`].
pub fn preflight_watched(
    files: &[PathBuf],
    big_endian: bool,
    skip_decode: bool,
    loudness: bool,
    watch: Watch<'_>,
) -> Result<(Vec<FileTrack>, Vec<audio::loudness::Loudness>), JobError> {
    if let Some(dir) = files.iter().find(|f| f.is_dir()) {
        return Err(JobError::Directory(dir.clone()));
    }
    if let Some(sheet) = files.iter().find(|f| is_sheet(f)) {
        return Err(JobError::SheetAmongFiles(sheet.clone()));
    }
    if files.is_empty() {
        return Err(JobError::NothingToBurn);
    }
    if files.len() > usize::from(MAX_TRACKS) {
        return Err(JobError::TooManyTracks(files.len()));
    }
    type Measured = Result<(u64, Option<u32>, Option<audio::loudness::Loudness>), audio::AudioError>;
    let sizes: Vec<u64> = files.iter().map(|f| std::fs::metadata(f).map_or(0, |m| m.len())).collect();
    let of_bytes = sizes.iter().sum();
    let done = std::sync::Mutex::new(Decoded { files: 0, of: files.len(), bytes: 0, of_bytes });
    let finished = |i: usize| {
        let now = {
            let mut d = done.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            d.files += 1;
            d.bytes += sizes[i];
            *d
        };
        watch(now);
    };
    let results: Vec<Measured> = std::thread::scope(|s| {
        let half = files.len().div_ceil(2).max(1);
        let finished = &finished;
        let handles: Vec<_> = files
            .chunks(half)
            .enumerate()
            .map(|(c, chunk)| {
                let handle = s.spawn(move || {
                    let measure = |p: &Path| -> Measured {
                        let format = file_format(p, big_endian);
                        if skip_decode {
                            Ok((header_frames(p, &format)?, None, None))
                        } else {
                            let (n, crcs, mut l) = measure_ranges_with(p, &format, &[(0, None)], loudness)?;
                            Ok((n, crcs[0], l.pop()))
                        }
                    };
                    chunk
                        .iter()
                        .enumerate()
                        .map(|(i, p)| {
                            let r = measure(p);
                            finished(c * half + i);
                            r
                        })
                        .collect::<Vec<_>>()
                });
                (chunk, handle)
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|(chunk, h)| {
                // A decoder that panics is that file's error, not the program's end.
                h.join().unwrap_or_else(|_| {
                    let panicked = |p: &PathBuf| audio::AudioError::Open {
                        path: p.clone(),
                        source: std::io::Error::other("its decoder failed unexpectedly"),
                    };
                    chunk.iter().map(|p| Err(panicked(p))).collect()
                })
            })
            .collect()
    });
    let mut tracks = Vec::with_capacity(files.len());
    let mut measured = Vec::new();
    for (path, r) in files.iter().zip(results) {
        let (frames, crc, l) = r.map_err(JobError::Audio)?;
        if frames == 0 {
            return Err(JobError::NoAudio(path.clone()));
        }
        let sectors = frames.div_ceil(FRAMES_PER_SECTOR as u64).max(MIN_TRACK_SECTORS as u64);
        tracks.push(FileTrack { path: path.clone(), frames, sectors, crc });
        measured.extend(l);
    }
    Ok((tracks, measured))
}

/// Cancels a job's burns from any thread: the track being written ends where it is and the
/// disc is closed so that it plays (track-at-once); a disc-at-once write is told to stop.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// Not cancelled.
    #[must_use]
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Asks every burn of the job to stop; it stays asked (a new `Cancel` for another run).
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether cancel was asked.
    #[must_use]
    pub fn requested(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}
