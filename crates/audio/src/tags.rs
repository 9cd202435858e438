//! Tags (Vorbis comments, ID3v2, MP4, RIFF INFO …) read with symphonia, for CD-TEXT and ISRC.

use std::fs::File;
use std::path::Path;

use symphonia::core::formats::FormatOptions;
use symphonia::core::formats::probe::Hint;
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::{MetadataOptions, StandardTag};

use crate::AudioError;

pub use crate::Tags;

/// Reads a file's tags (every revision, the newest first; media-level and per-track).
///
/// # Errors
/// [`AudioError`] when the file cannot be opened or probed.
pub fn read_tags(path: &Path) -> Result<Tags, AudioError> {
    let file = File::open(path).map_err(|source| AudioError::Open { path: path.to_owned(), source })?;
    // The formats symphonia is not asked to decode: their tags as FFmpeg reads them.
    if crate::Chosen::of(path) != crate::Chosen::Symphonia {
        let Some(format) = crate::ffmpeg::format_name(path) else {
            return Err(AudioError::Unsupported { path: path.to_owned(), detail: "no tags reader for it".into() });
        };
        if !crate::ffmpeg::available() {
            return Err(AudioError::NeedsDecoder {
                path: path.to_owned(),
                format,
                program: "FFmpeg",
                package: "ffmpeg",
            });
        }
        return crate::ffmpeg::probe(path)
            .map(|p| p.tags)
            .map_err(|detail| AudioError::Unsupported { path: path.to_owned(), detail });
    }
    let mss = MediaSourceStream::new(Box::new(file), Default::default());
    let mut hint = Hint::new();
    if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
        hint.with_extension(ext);
    }
    let mut format =
        match symphonia::default::get_probe().probe(&hint, mss, FormatOptions::default(), MetadataOptions::default()) {
            Ok(f) => f,
            // What symphonia does not read, FFmpeg may (APEv2 in Monkey's Audio and WavPack,
            // ASF in WMA …).
            Err(e) => {
                let refused = AudioError::Unsupported { path: path.to_owned(), detail: e.to_string() };
                if !crate::ffmpeg::available() {
                    return Err(match crate::ffmpeg::format_name(path) {
                        Some(format) => AudioError::NeedsDecoder {
                            path: path.to_owned(),
                            format,
                            program: "FFmpeg",
                            package: "ffmpeg",
                        },
                        None => refused,
                    });
                }
                return crate::ffmpeg::probe(path).map(|p| p.tags).map_err(|_| refused);
            }
        };
    let mut tags = Tags::default();
    let mut meta = format.metadata();
    // Every revision, newest first: an MP3's ID3v2 tag is read before the stream and is an
    // older revision than what the MP3 reader itself records, yet it holds the tags.
    let mut older = Vec::new();
    while let Some(rev) = meta.pop() {
        older.push(rev);
    }
    let revisions: Vec<&symphonia::core::meta::MetadataRevision> =
        meta.current().into_iter().chain(older.iter().rev()).collect();
    let all = revisions
        .iter()
        .flat_map(|rev| rev.media.tags.iter().chain(rev.per_track.iter().flat_map(|t| t.metadata.tags.iter())));
    for tag in all {
        let slot = match &tag.std {
            Some(StandardTag::TrackTitle(v)) => (&mut tags.title, v),
            Some(StandardTag::Artist(v)) => (&mut tags.artist, v),
            Some(StandardTag::Album(v)) => (&mut tags.album, v),
            Some(StandardTag::AlbumArtist(v)) => (&mut tags.album_artist, v),
            Some(StandardTag::Composer(v)) => (&mut tags.composer, v),
            Some(StandardTag::Arranger(v)) => (&mut tags.arranger, v),
            Some(StandardTag::IdentIsrc(v)) => (&mut tags.isrc, v),
            Some(StandardTag::ReplayGainTrackGain(v)) => (&mut tags.replaygain_track_gain, v),
            Some(StandardTag::ReplayGainAlbumGain(v)) => (&mut tags.replaygain_album_gain, v),
            _ => {
                // Opus's R128 gains have no standard tag of symphonia's.
                let slot = match tag.raw.key.to_ascii_uppercase().as_str() {
                    "R128_TRACK_GAIN" => &mut tags.r128_track_gain,
                    "R128_ALBUM_GAIN" => &mut tags.r128_album_gain,
                    _ => continue,
                };
                if slot.is_none() {
                    *slot = Some(tag.raw.value.to_string().trim().to_owned());
                }
                continue;
            }
        };
        if slot.0.is_none() && !slot.1.trim().is_empty() {
            *slot.0 = Some(slot.1.trim().to_owned());
        }
    }
    Ok(tags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_of_the_sample_album() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/album");
        // FLAC: Vorbis comments, ISRC included.
        let t = read_tags(&dir.join("01-pluck-c.flac")).unwrap();
        assert_eq!(t.title.as_deref(), Some("Pluck in C"));
        assert_eq!(t.artist.as_deref(), Some("redburn"));
        assert_eq!(t.album.as_deref(), Some("Sample Album"));
        assert_eq!(t.isrc.as_deref(), Some("ZZRB12600001"));
        // Ogg Vorbis: the same comments in another container.
        let t = read_tags(&dir.join("03-pluck-g.ogg")).unwrap();
        assert_eq!((t.title.as_deref(), t.isrc.as_deref()), (Some("Pluck in G"), Some("ZZRB12600003")));
        // A plain WAV has none.
        let t = read_tags(&dir.join("02-pluck-e.wav")).unwrap();
        assert_eq!((t.title, t.isrc), (None, None));
    }
}
