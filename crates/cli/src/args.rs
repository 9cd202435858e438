//! What `redburn burn` is told: its arguments, the write mode and what counts as a sheet.

use std::path::PathBuf;

use crate::device::DeviceArg;

/// How a disc is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    /// Track-at-once: each track written on its own, 2-second pauses.
    Tao,
    /// Disc-at-once (session-at-once): pauses as chosen, CD-TEXT possible.
    Dao,
    /// Disc-at-once written raw (RAW96R): redburn makes every sector's sub-channel.
    Raw,
}

/// Arguments of `redburn burn`.
#[derive(Debug, Clone, clap::Args)]
pub struct BurnArgs {
    /// Audio files, one track each, in order (WAV, FLAC, AIFF, MP3, Ogg Vorbis, ALAC/AAC, CAF …),
    /// and playlists (M3U, M3U8, PLS, XSPF) of them, burned track-at-once; or one CUE sheet or
    /// cdrdao TOC file, burned disc-at-once.
    #[arg(required = true, value_name = "FILE")]
    pub(crate) files: Vec<PathBuf>,
    /// The recorder: `emu:NAME` for an emulated one (default `emu:default`, created with a blank
    /// 80-minute CD-R on first use); `$REDBURN_DEVICE` when not given. Give it more than once
    /// to burn the same disc on several recorders at once.
    #[arg(short = 'd', long = "device", env = "REDBURN_DEVICE", value_name = "DEVICE")]
    pub(crate) devices: Vec<String>,
    /// An emulated drive's directory, used instead (for `redburn image`'s scratch drive).
    #[arg(skip)]
    pub(crate) scratch: Option<PathBuf>,
    /// Do everything but record: the drive's test-write mode.
    #[arg(long)]
    pub(crate) simulate: bool,
    /// Leave the disc appendable (multi-session) instead of finalizing it.
    #[arg(long)]
    pub(crate) no_finalize: bool,
    /// Write speed: `max`, a multiple of 1x (`24` or `24x`), or sectors per second (`1800`,
    /// numbers above 100). The drive takes the nearest speed it supports.
    #[arg(long, default_value = "max", value_parser = speed_arg)]
    pub(crate) speed: i32,
    /// Turn buffer-underrun protection (BUFE) off.
    #[arg(long)]
    pub(crate) no_bufe: bool,
    /// Print the plan (tracks, lengths, total against the free space) and stop.
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// `tao` (the default for files: track-at-once, 2-second pauses), `dao` (disc-at-once:
    /// pauses as chosen, CD-TEXT possible; the default for a CUE sheet or TOC file) or `raw`
    /// (disc-at-once written raw, RAW96R: redburn makes every sector's sub-channel, lead-in
    /// and lead-out included).
    #[arg(long, value_enum)]
    pub(crate) mode: Option<Mode>,
    /// Disc-at-once without pauses between the files' tracks.
    #[arg(long)]
    pub(crate) gapless: bool,
    /// Write CD-TEXT (titles, performers, composers) and ISRCs from the files' tags; implies
    /// disc-at-once.
    #[arg(long)]
    pub(crate) cdtext_from_tags: bool,
    /// Write CD-TEXT that ISO-8859-1 cannot hold in this single-byte code page (windows-1251,
    /// koi8-r, iso-8859-7 …), which many car stereos sold in Cyrillic- or Greek-script
    /// countries display — outside the CD-TEXT standard. Without it such text is written in
    /// Latin letters, with a note (Japanese, Korean and Chinese in their own CD-TEXT codes).
    #[arg(long, value_name = "CODEPAGE", value_parser = charset_arg)]
    pub(crate) cdtext_charset: Option<&'static encoding_rs::Encoding>,
    /// Burn without CD-TEXT, whatever the sheet or the files' tags have.
    #[arg(long)]
    pub(crate) no_cdtext: bool,
    /// Raw PCM files (.bin, .raw, .pcm, .cdr) are big-endian ("Motorola") rather than in CD
    /// byte order.
    #[arg(long)]
    pub(crate) big_endian: bool,
    /// A word in the CUE sheet that is no CUE command, or a command given twice for a track,
    /// is a warning instead of an error (a typo such as PERFORMR otherwise stops the burn
    /// before anything is written; of a command given twice, the first is kept).
    #[arg(long)]
    pub(crate) lenient: bool,
    /// Burn a sheet's tracks shorter than the Red Book's 4 seconds as they are (cdrdao's
    /// --force; a real disc, Nine Inch Nails' Broken, has 1-second tracks). Some players skip
    /// or mute such tracks, and some drives refuse the disc's cue sheet.
    #[arg(long)]
    pub(crate) allow_short_tracks: bool,
    /// Burn a sheet's four-channel flag (FLAGS 4CH, FOUR_CHANNEL_AUDIO) as cdrdao does. The
    /// audio is still the file's stereo; players ignore the flag or do not play the track.
    #[arg(long)]
    pub(crate) allow_four_channel: bool,
    /// Read the disc back after burning and compare it with the sources.
    #[arg(long)]
    pub(crate) verify: bool,
    /// Open the tray when done.
    #[arg(long)]
    pub(crate) eject: bool,
    /// Do not decode every file to its end before burning; trust the lengths in WAV, AIFF,
    /// FLAC and CAF headers (other formats are still decoded to be measured). A damaged file
    /// is then found only when its track is written, and the burn stops there.
    #[arg(long)]
    pub(crate) skip_decode_check: bool,
    /// Newline-delimited JSON events on stdout instead of text.
    #[arg(long)]
    pub(crate) json: bool,
    /// Show the progress bar even when stderr is not a terminal.
    #[arg(long)]
    pub(crate) progress: bool,
    /// Write an SVG chart of the burn: write speed, drive and host buffer fill over time.
    #[arg(long, value_name = "FILE.svg")]
    pub(crate) report: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) loudness: LoudnessArgs,
}

/// Loudness normalisation, for the commands that burn or compare with what was burned.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct LoudnessArgs {
    /// Burn every track at one loudness: `track` gives each track its own gain (a mix CD),
    /// `album` one gain for the whole disc (keeps an album's dynamics). Measured with EBU R128
    /// while the files are checked; the gain is held so the true peak stays at or under
    /// −1 dBTP.
    #[arg(long, value_enum, value_name = "track|album")]
    pub(crate) normalize: Option<NormalizeArg>,
    /// The loudness --normalize aims at, in LUFS (ReplayGain 2.0's −18 by default; EBU R128
    /// broadcast is −23).
    #[arg(long, value_name = "LUFS", default_value_t = redburn::normalize::DEFAULT_TARGET_LUFS,
          allow_negative_numbers = true, value_parser = lufs_arg)]
    pub(crate) target_lufs: f64,
    /// With --normalize: use the loudness the files' ReplayGain or R128 tags (or a CUE sheet's
    /// REM REPLAYGAIN_*) give, where they give one, instead of the measured loudness.
    #[arg(long, requires = "normalize")]
    pub(crate) normalize_from_tags: bool,
}

/// `--normalize`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NormalizeArg {
    /// Each track to the target.
    Track,
    /// One gain for the disc.
    Album,
}

impl From<NormalizeArg> for redburn::normalize::Normalize {
    fn from(a: NormalizeArg) -> Self {
        match a {
            NormalizeArg::Track => redburn::normalize::Normalize::Track,
            NormalizeArg::Album => redburn::normalize::Normalize::Album,
        }
    }
}

/// A loudness target, as the library takes it.
fn lufs_arg(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .trim_end_matches("LUFS")
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a loudness in LUFS (e.g. -18)"))?;
    redburn::normalize::check_target(v)?;
    Ok(v)
}

/// Sectors per second from `max`, `24`, `24x` or `1800`.
pub(crate) fn speed_arg(s: &str) -> Result<i32, String> {
    let t = s.trim().to_ascii_lowercase();
    if t == "max" {
        return Ok(-1);
    }
    let (num, times) = match t.strip_suffix('x') {
        Some(n) => (n, true),
        None => (t.as_str(), false),
    };
    let v: f64 = num.parse().map_err(|_| format!("{s:?} is not a speed: use max, 24, 24x or sectors per second"))?;
    if v <= 0.0 || v > 100_000.0 {
        return Err(format!("{s:?} is not a speed"));
    }
    Ok(if times || v <= 100.0 { (v * 75.0).round() as i32 } else { v.round() as i32 })
}

/// `--cdtext-charset`: a single-byte code page by its WHATWG label.
fn charset_arg(s: &str) -> Result<&'static encoding_rs::Encoding, String> {
    match cd::cdtext::TextFit::code_page(s) {
        Some(cd::cdtext::TextFit::CodePage(e)) => Ok(e),
        _ => Err(format!(
            "{s:?} is not a single-byte code page: give e.g. windows-1251, koi8-r, iso-8859-5 or windows-1253"
        )),
    }
}

impl BurnArgs {
    /// A burn of `files` onto `devices` with every option at its default (for commands that
    /// burn on the way: `image`, `copy`).
    pub(crate) fn of(files: Vec<PathBuf>, devices: Vec<String>) -> BurnArgs {
        BurnArgs {
            files,
            devices,
            scratch: None,
            simulate: false,
            no_finalize: false,
            no_bufe: false,
            dry_run: false,
            json: false,
            progress: false,
            speed: -1,
            verify: false,
            eject: false,
            mode: None,
            gapless: false,
            cdtext_from_tags: false,
            cdtext_charset: None,
            no_cdtext: false,
            big_endian: false,
            lenient: false,
            allow_short_tracks: false,
            allow_four_channel: false,
            skip_decode_check: false,
            report: None,
            loudness: LoudnessArgs { target_lufs: redburn::normalize::DEFAULT_TARGET_LUFS, ..LoudnessArgs::default() },
        }
    }

    /// The recorder of a burn onto one recorder: the first `-d`.
    pub(crate) fn device(&self) -> DeviceArg {
        DeviceArg { device: self.devices.first().cloned(), scratch: self.scratch.clone() }
    }

    /// The same arguments for the recorder `device` alone.
    pub(crate) fn for_device(&self, device: &str) -> BurnArgs {
        BurnArgs { devices: vec![device.to_owned()], ..self.clone() }
    }
}
