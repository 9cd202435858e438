//! Raw (RAW96R) sessions: the host sends every sector with its raw P–W sub-channel, lead-in
//! and lead-out included, and the drive records it as given. What the disc then holds — its
//! tracks, index points, codes and CD-TEXT — is read back from the recorded Q and R–W, as a
//! reader would.

use std::collections::BTreeMap;

use cd::addr::SUBCODE_BYTES;
use cd::cdtext::Pack;
use cd::subcode::{LEAD_OUT_TRACK, QData, QFrame, deinterleave};
use cd::{Lba, Mcn, Msf};

use crate::EmuError;
use crate::state::Track;
use crate::store::Store;

/// What the recorded sub-channel of a raw session says.
#[derive(Debug, Default)]
pub struct RawLayout {
    /// Tracks with index points, CONTROL and ISRC.
    pub tracks: Vec<Track>,
    /// Start of the lead-out.
    pub lead_out: Option<i32>,
    /// The MCN.
    pub mcn: Option<Mcn>,
    /// CD-TEXT packs from the lead-in, in sequence order per block.
    pub cdtext: Vec<Pack>,
    /// Every track the lead-in's TOC lists: number, start (index 1) and CONTROL — also the
    /// ones a write cut short never reached.
    pub toc: Vec<(u8, i32, u8)>,
}

/// Gathers the CD-TEXT packs carried by one lead-in sector's R–W (six-bit symbols, the low
/// bits of each raw P–W byte), keeping one of each (block, sequence).
fn collect_packs(raw: &[u8; 96], packs: &mut BTreeMap<(u8, u8), Pack>) {
    let mut symbols = [0u8; 96];
    for (s, b) in symbols.iter_mut().zip(raw) {
        *s = b & 0x3F;
    }
    for p in cd::cdtext::packs_from_rw_symbols(&symbols) {
        if p.crc_ok() && (0x80..=0x8F).contains(&p.kind()) {
            packs.entry((p.block(), p.sequence())).or_insert(p);
        }
    }
}

/// The CD-TEXT packs in the lead-in sub-channel recorded from `from` to `to`.
///
/// # Errors
/// I/O errors reading the drive's files.
pub fn lead_in_packs(store: &Store, from: Lba, to: Lba) -> Result<Vec<Pack>, EmuError> {
    let mut packs = BTreeMap::new();
    let mut raw = [0u8; SUBCODE_BYTES];
    for at in from.0..to.0 {
        store.read_subcode(Lba(at), &mut raw)?;
        collect_packs(&raw, &mut packs);
    }
    Ok(packs.into_values().collect())
}

/// Reads the sub-channel recorded from `from` (the first sector the host wrote) to `to`.
///
/// # Errors
/// I/O errors reading the drive's files.
pub fn analyze(store: &Store, from: Lba, to: Lba) -> Result<RawLayout, EmuError> {
    let mut layout = RawLayout::default();
    let mut packs: BTreeMap<(u8, u8), Pack> = BTreeMap::new();
    // Each track's start and CONTROL as the lead-in's TOC gives them.
    let mut toc: BTreeMap<u8, (i32, u8)> = BTreeMap::new();
    let mut toc_lead_out = None;
    let mut chunk = vec![0u8; 1024 * SUBCODE_BYTES];
    let mut lba = from.0;
    while lba < to.0 {
        let n = ((to.0 - lba) as usize).min(1024);
        let buf = &mut chunk[..n * SUBCODE_BYTES];
        store.read_subcode(Lba(lba), buf)?;
        for (i, raw) in buf.chunks_exact(SUBCODE_BYTES).enumerate() {
            let at = lba + i as i32;
            let raw: &[u8; 96] = raw.try_into().expect("96 bytes");
            if at < -150 {
                collect_packs(raw, &mut packs);
                // The table of contents a reader gets back is the one in the lead-in's Q.
                if let Ok(QFrame { data: QData::LeadIn { point, p, .. }, control }) =
                    QFrame::decode(&deinterleave(raw)[1])
                    && let Ok(start) = Msf::from_bcd(p)
                {
                    // POINT is a BCD track number, or A2 for the lead-out.
                    let track = (point >> 4) * 10 + (point & 0x0F);
                    match point {
                        0xA2 => toc_lead_out = Some(start.to_lba().0),
                        _ if point & 0x0F < 10 && (1..=99).contains(&track) => {
                            toc.insert(track, (start.to_lba().0, control.bits()));
                        }
                        _ => {}
                    }
                }
                continue;
            }
            let q = deinterleave(raw)[1];
            let Ok(frame) = QFrame::decode(&q) else { continue };
            match frame.data {
                QData::Position { track: LEAD_OUT_TRACK, .. } => {
                    layout.lead_out.get_or_insert(at);
                }
                QData::Position { track, index, .. } if layout.lead_out.is_none() => {
                    let t = match layout.tracks.last_mut() {
                        Some(t) if t.number == track => t,
                        _ => {
                            if let Some(prev) = layout.tracks.last_mut() {
                                prev.end = at;
                            }
                            layout.tracks.push(Track {
                                number: track,
                                control: frame.control.bits(),
                                indexes: Vec::new(),
                                end: at + 1,
                                open: false,
                                isrc: None,
                                damaged: false,
                            });
                            layout.tracks.last_mut().expect("pushed")
                        }
                    };
                    if t.indexes.last().is_none_or(|x| x.0 != index) {
                        t.indexes.push((index, at));
                    }
                    t.end = at + 1;
                }
                QData::Mcn { mcn, .. } => layout.mcn = Some(mcn),
                QData::Isrc { isrc, .. } => {
                    if let Some(t) = layout.tracks.last_mut() {
                        t.isrc = Some(isrc.as_str().to_owned());
                    }
                }
                _ => {}
            }
        }
        lba += n as i32;
    }
    // Track starts, CONTROL and the lead-out as the lead-in's TOC gives them, as a reader's
    // READ TOC has them: exact even where the program area's first sector of a track carries
    // an MCN or ISRC instead of a position, and where a pause carries another CONTROL than
    // its track (wodim's pause taken from the track before keeps that track's).
    if let Some(l) = toc_lead_out {
        layout.lead_out = Some(l);
    }
    for t in &mut layout.tracks {
        let Some(&(start, control)) = toc.get(&t.number) else { continue };
        t.control = control;
        if let Some(one) = t.indexes.iter_mut().find(|i| i.0 == 1) {
            one.1 = start;
        }
    }
    for i in 1..layout.tracks.len() {
        let next = layout.tracks[i].indexes.first().map(|x| x.1);
        if let Some(n) = next {
            layout.tracks[i - 1].end = n;
        }
    }
    if let (Some(last), Some(l)) = (layout.tracks.last_mut(), layout.lead_out) {
        last.end = l;
    }
    layout.cdtext = packs.into_values().collect();
    layout.toc = toc.into_iter().map(|(n, (start, control))| (n, start, control)).collect();
    Ok(layout)
}
