//! Loudness normalisation: the gain each track is burned with, so that a mix of tracks from
//! different albums plays at one loudness.
//!
//! - The loudness is measured during the preflight ([`audio::loudness`], ITU-R BS.1770-4),
//!   or taken from the files' ReplayGain tags (`REPLAYGAIN_TRACK_GAIN`/`_ALBUM_GAIN`, gains
//!   to ReplayGain 2.0's reference of −18 LUFS; Opus's `R128_TRACK_GAIN`/`_ALBUM_GAIN`, Q7.8
//!   dB to −23 LUFS) or a CUE sheet's `REM REPLAYGAIN_*` when asked.
//! - *Track* mode gives each track its own gain to the target; *album* mode one gain for the
//!   whole disc (the album's loudness, all its blocks gated together), which keeps the
//!   differences between its tracks.
//! - The gain is limited so that the true peak stays at or under −1 dBTP: nothing is pushed
//!   into clipping; a track that could not reach the target says so.
//! - Gains are rounded to 0.01 dB, the figure shown; a gain of 0.00 dB leaves the audio
//!   bit-exact ([`audio::gain`]).

use audio::loudness::Loudness;

/// The highest true peak a gain may lead to, in dBTP.
pub const CEILING_DBTP: f64 = -1.0;

/// The default target: ReplayGain 2.0's reference loudness.
pub const DEFAULT_TARGET_LUFS: f64 = -18.0;

/// A loudness target a gain can aim at: −70 LUFS (the gate, under which nothing counts) to
/// 0 LUFS. Every face takes the target through this one check.
///
/// # Errors
/// The reason, for a target outside that range (or not a number).
pub fn check_target(lufs: f64) -> Result<(), String> {
    if (-70.0..=0.0).contains(&lufs) {
        Ok(())
    } else {
        Err(format!(
            "a target loudness of {lufs} LUFS: it lies between -70 and 0 LUFS (-18 is ReplayGain's, -23 EBU R128's)"
        ))
    }
}

/// How the gains are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Normalize {
    /// Each track to the target.
    Track,
    /// One gain for the disc: the album to the target.
    Album,
}

impl Normalize {
    /// From its name, `track` or `album` (what every face takes).
    #[must_use]
    pub fn parse(name: &str) -> Option<Normalize> {
        match name {
            "track" => Some(Normalize::Track),
            "album" => Some(Normalize::Album),
            _ => None,
        }
    }

    /// `track` or `album`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Normalize::Track => "track",
            Normalize::Album => "album",
        }
    }
}

/// The loudness a track's tags (or its sheet) give, in LUFS.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Tagged {
    /// The track's.
    pub track: Option<f64>,
    /// Its album's.
    pub album: Option<f64>,
}

impl Tagged {
    /// From ReplayGain gain texts (`-7.89 dB`, to −18 LUFS) and R128 texts (`-1234`, Q7.8 to
    /// −23 LUFS); ReplayGain first.
    #[must_use]
    pub fn from_texts(
        rg_track: Option<&str>,
        rg_album: Option<&str>,
        r128_track: Option<&str>,
        r128_album: Option<&str>,
    ) -> Tagged {
        let rg = |t: Option<&str>| t.and_then(replaygain_db).map(|g| DEFAULT_TARGET_LUFS - g);
        let r128 = |t: Option<&str>| t.and_then(|t| t.trim().parse::<i32>().ok()).map(|q| -23.0 - f64::from(q) / 256.0);
        Tagged { track: rg(rg_track).or_else(|| r128(r128_track)), album: rg(rg_album).or_else(|| r128(r128_album)) }
    }
}

/// A ReplayGain gain text's dB: `-7.89 dB`, `+1.2dB`, `-7.89`.
#[must_use]
pub fn replaygain_db(text: &str) -> Option<f64> {
    let t = text.trim();
    let t = t.strip_suffix("dB").or_else(|| t.strip_suffix("db")).or_else(|| t.strip_suffix("DB")).unwrap_or(t);
    t.trim().parse::<f64>().ok().filter(|g| g.is_finite() && g.abs() < 100.0)
}

/// One track's loudness and gain.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackGain {
    /// Its integrated loudness as measured, LUFS (none: silent or too short to measure).
    pub measured: Option<f64>,
    /// The loudness the gain was computed from (measured, or from a tag).
    pub loudness: Option<f64>,
    /// Whether `loudness` came from a tag or the sheet.
    pub from_tag: bool,
    /// Its true peak, dBTP.
    pub true_peak: f64,
    /// The gain applied, dB (rounded to 0.01).
    pub gain: f64,
    /// The gain was held under what the target asked, to keep the true peak at the ceiling.
    pub limited: bool,
}

/// The gains of a disc.
#[derive(Debug, Clone, PartialEq)]
pub struct Gains {
    /// How they were chosen.
    pub mode: Normalize,
    /// The target, LUFS.
    pub target: f64,
    /// The whole disc's loudness before, LUFS.
    pub album: Option<f64>,
    /// Each track's.
    pub tracks: Vec<TrackGain>,
}

fn round(db: f64) -> f64 {
    let r = (db * 100.0).round() / 100.0;
    if r == 0.0 { 0.0 } else { r }
}

impl Gains {
    /// The gains for tracks measured as `measured` (and tagged as `tagged`, used instead when
    /// `from_tags`).
    #[must_use]
    pub fn choose(mode: Normalize, target: f64, measured: &[Loudness], tagged: &[Tagged], from_tags: bool) -> Gains {
        let album_measured = Loudness::gated(measured);
        let tag = |i: usize| tagged.get(i).copied().unwrap_or_default();
        let mut tracks: Vec<TrackGain> = measured
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let own = m.integrated();
                let tagged = if from_tags { tag(i).track } else { None };
                TrackGain {
                    measured: own,
                    loudness: tagged.or(own),
                    from_tag: tagged.is_some(),
                    true_peak: m.true_peak_db(),
                    gain: 0.0,
                    limited: false,
                }
            })
            .collect();
        let mut album = album_measured;
        match mode {
            Normalize::Track => {
                for t in &mut tracks {
                    if let Some(l) = t.loudness {
                        let want = target - l;
                        let room = CEILING_DBTP - t.true_peak;
                        (t.gain, t.limited) = if want > room { (room, true) } else { (want, false) };
                        t.gain = round(t.gain);
                    }
                }
            }
            Normalize::Album => {
                // One loudness for the album: its tag when every track gives the same one.
                let albums: Vec<Option<f64>> = (0..tracks.len()).map(|i| tag(i).album).collect();
                if from_tags && albums.first().copied().flatten().is_some() && albums.windows(2).all(|w| w[0] == w[1]) {
                    album = albums[0];
                    for t in &mut tracks {
                        t.from_tag = true;
                    }
                }
                if let Some(l) = album {
                    let peak = tracks.iter().map(|t| t.true_peak).fold(f64::NEG_INFINITY, f64::max);
                    let want = target - l;
                    let room = CEILING_DBTP - peak;
                    let (gain, limited) = if want > room { (room, true) } else { (want, false) };
                    for t in &mut tracks {
                        t.loudness = Some(l);
                        (t.gain, t.limited) = (round(gain), limited);
                    }
                }
            }
        }
        Gains { mode, target, album, tracks }
    }

    /// Whether any gain changes the audio.
    #[must_use]
    pub fn changes_audio(&self) -> bool {
        self.tracks.iter().any(|t| t.gain != 0.0)
    }

    /// Track `i`'s linear gain.
    #[must_use]
    pub fn factor(&self, i: usize) -> f32 {
        self.tracks.get(i).map_or(1.0, |t| audio::gain::factor(t.gain))
    }

    /// The schedule of a disc-at-once stream from LBA −150: each track's gain from its pause
    /// (`pauses_and_lengths`: each track's pause and length, in sectors).
    #[must_use]
    pub fn disc_schedule(&self, pauses_and_lengths: &[(u32, u32)]) -> audio::gain::Schedule {
        let mut at = 0u64;
        let mut out = Vec::new();
        for (i, (pause, length)) in pauses_and_lengths.iter().enumerate() {
            out.push((at, self.factor(i)));
            at += u64::from(pause + length) * cd::addr::FRAMES_PER_SECTOR as u64;
        }
        out
    }

    /// Each track's line for a person: `-14.2 LUFS, peak -0.3 dBTP, gain -3.80 dB (limited)`.
    #[must_use]
    pub fn describe(t: &TrackGain) -> String {
        let loud = t.measured.map_or_else(|| "silent".to_owned(), |l| format!("{l:.1} LUFS"));
        let tag = if t.from_tag { format!(" (tagged {:.1})", t.loudness.unwrap_or(0.0)) } else { String::new() };
        let peak = if t.true_peak.is_finite() { format!("{:.1} dBTP", t.true_peak) } else { "none".into() };
        let limited = if t.limited { ", limited by the peak" } else { "" };
        format!("{loud}{tag}, peak {peak}, gain {:+.2} dB{limited}", t.gain)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loud(lufs: f64, true_peak_db: f64) -> Loudness {
        // One 400-ms block at the wanted loudness.
        let z = 10f64.powf((lufs + 0.691) / 10.0);
        #[allow(clippy::cast_possible_truncation)]
        Loudness {
            blocks: vec![z as f32; 10],
            sample_peak: 0.0,
            true_peak: 10f64.powf(true_peak_db / 20.0) as f32,
            frames: 44_100 * 4,
        }
    }

    #[test]
    fn track_mode_brings_each_to_the_target_under_the_ceiling() {
        let g = Gains::choose(
            Normalize::Track,
            -18.0,
            &[loud(-30.0, -20.0), loud(-10.0, -0.5), loud(-20.0, -2.0)],
            &[],
            false,
        );
        let got: Vec<(f64, bool)> = g.tracks.iter().map(|t| (t.gain, t.limited)).collect();
        // +12 dB: peak −8 dBTP; −8 dB; +2 dB would reach 0 dBTP: held at +1.
        assert_eq!(got, [(12.0, false), (-8.0, false), (1.0, true)]);
        assert!(Gains::describe(&g.tracks[2]).ends_with("gain +1.00 dB, limited by the peak"));
    }

    #[test]
    fn album_mode_keeps_the_differences() {
        let g = Gains::choose(Normalize::Album, -18.0, &[loud(-20.0, -6.0), loud(-26.0, -12.0)], &[], false);
        let album = g.album.unwrap();
        assert!(album > -26.0 && album < -20.0, "{album}");
        assert_eq!(g.tracks[0].gain, g.tracks[1].gain);
        assert_eq!(g.tracks[0].gain, round(-18.0 - album));
    }

    #[test]
    fn tags_replace_the_measurement_when_asked() {
        let tagged = [
            Tagged::from_texts(Some("-7.50 dB"), Some("-6 dB"), None, None),
            Tagged::from_texts(None, None, Some("-512"), None),
        ];
        assert_eq!(tagged[0], Tagged { track: Some(-10.5), album: Some(-12.0) });
        assert_eq!(tagged[1].track, Some(-21.0));
        let m = [loud(-14.0, -10.0), loud(-14.0, -10.0)];
        let g = Gains::choose(Normalize::Track, -18.0, &m, &tagged, true);
        assert_eq!((g.tracks[0].gain, g.tracks[0].from_tag), (-7.5, true));
        assert_eq!(g.tracks[1].gain, 3.0);
        let g = Gains::choose(Normalize::Track, -18.0, &m, &tagged, false);
        assert_eq!((g.tracks[0].gain, g.tracks[0].from_tag), (-4.0, false));
        assert_eq!(replaygain_db("+1.25dB"), Some(1.25));
        assert_eq!(replaygain_db("loud"), None);
    }

    #[test]
    fn a_target_out_of_range_is_refused_by_the_job_before_anything_is_decoded() {
        assert!(check_target(-18.0).is_ok() && check_target(0.0).is_ok() && check_target(-70.0).is_ok());
        assert!(check_target(5.0).is_err() && check_target(f64::NAN).is_err());
        let dir = tempfile::tempdir().unwrap();
        let wav = dir.path().join("a.wav");
        std::fs::write(&wav, crate::job::tests_support::wav_of_seconds(5)).unwrap();
        let request = crate::job::Request {
            normalize: Some(Normalize::Track),
            target_lufs: 3.0,
            ..crate::job::Request::files(vec![wav])
        };
        let e = crate::job::Job::plan(request, &mut |_| {}).unwrap_err();
        assert!(e.to_string().contains("between -70 and 0 LUFS"), "{e}");
        assert_eq!(e.class(), crate::job::ErrorClass::Input);
    }

    #[test]
    fn silence_gets_no_gain_and_the_schedule_follows_the_layout() {
        let g = Gains::choose(Normalize::Track, -18.0, &[Loudness::default(), loud(-24.0, -20.0)], &[], false);
        assert_eq!((g.tracks[0].gain, g.tracks[0].measured), (0.0, None));
        let s = g.disc_schedule(&[(150, 300), (150, 600)]);
        assert_eq!(s, vec![(0, 1.0), (450 * 588, audio::gain::factor(6.0))]);
    }
}
