//! The sub-channel of a whole disc, generated from its layout for raw writing (RAW96R): the
//! P channel (pauses, the lead-out's 2 Hz flag), the Q channel (positions in mode 1 with the
//! pause counting down, the table of contents in the lead-in, the MCN in mode 2 and each
//! track's ISRC in mode 3 once in every hundred sectors) and R–W (CD-TEXT in the lead-in).

use cd::cdtext::{Pack, leadin_rw_symbols};
use cd::subcode::{CodeSlot, LEAD_OUT_TRACK, QData, QFrame, code_slot, p_channel, raw_pw};
use cd::{Control, Lba, Msf};

use crate::layout::{DaoError, DaoLayout};

/// Sectors of lead-out a raw writer sends (90 seconds, as the Red Book's minimum lead-out).
pub const LEAD_OUT_SECTORS: i32 = 6750;

/// Where each track's index 1, further indexes and end are (its pause is what lies before
/// index 1, after the previous track's end).
#[derive(Debug, Clone)]
struct Span {
    number: u8,
    control: Control,
    scms: bool,
    isrc: Option<cd::Isrc>,
    one: i32,
    /// Index 2, 3 … as LBAs.
    indexes: Vec<i32>,
    end: i32,
}

/// The sub-channel of every sector of a disc, from its lead-in to the end of its lead-out.
#[derive(Debug, Clone)]
pub struct Subcode {
    spans: Vec<Span>,
    mcn: Option<cd::Mcn>,
    lead_in: Lba,
    lead_out: i32,
    toc: Vec<QFrame>,
    packs: Vec<Pack>,
}

impl Subcode {
    /// The sub-channel of `layout` for a disc whose lead-in starts at `lead_in` (the ATIP's
    /// start of lead-in, e.g. −11 634 for 97:26:66).
    ///
    /// # Errors
    /// [`DaoError::Layout`] for a layout that breaks a Red Book rule or CD-TEXT that does not
    /// encode.
    pub fn new(layout: &DaoLayout, lead_in: Lba) -> Result<Subcode, DaoError> {
        layout.validate()?;
        let mut spans = Vec::new();
        let mut at = -150;
        for t in &layout.tracks {
            let one = at + t.pause as i32;
            let end = one + t.length as i32;
            spans.push(Span {
                number: t.number,
                control: t.control,
                scms: t.scms,
                isrc: t.isrc,
                one,
                indexes: t.indexes.iter().map(|&x| one + x as i32).collect(),
                end,
            });
            at = end;
        }
        let lead_out = at;
        let bad = |e: cd::AddrError| DaoError::Layout(e.to_string());
        let (first, last) = (&spans[0], &spans[spans.len() - 1]);
        // The table of contents in the lead-in: A0 (first track), A1 (last), A2 (lead-out),
        // then every track's start.
        let mut toc = vec![
            QFrame { control: first.control, data: QData::toc_a0(first.number, 0, Msf::ZERO) },
            QFrame { control: last.control, data: QData::toc_a1(last.number, Msf::ZERO) },
            QFrame { control: last.control, data: QData::toc_a2(Lba(lead_out), Msf::ZERO).map_err(bad)? },
        ];
        for s in &spans {
            toc.push(QFrame {
                control: s.control,
                data: QData::toc_track(s.number, Lba(s.one), Msf::ZERO).map_err(bad)?,
            });
        }
        let packs = match &layout.cdtext {
            Some(text) => text.encode().map_err(|e| DaoError::Layout(e.to_string()))?,
            None => Vec::new(),
        };
        Ok(Subcode { spans, mcn: layout.mcn, lead_in, lead_out, toc, packs })
    }

    /// The first sector: the start of the lead-in.
    #[must_use]
    pub fn start(&self) -> Lba {
        self.lead_in
    }

    /// Where the lead-out begins.
    #[must_use]
    pub fn lead_out(&self) -> Lba {
        Lba(self.lead_out)
    }

    /// The sector after the last: the end of the lead-out.
    #[must_use]
    pub fn end(&self) -> Lba {
        Lba(self.lead_out + LEAD_OUT_SECTORS)
    }

    /// The Q frame and P flag of sector `lba`.
    ///
    /// # Errors
    /// [`DaoError::Layout`] for an address outside the disc.
    pub fn q(&self, lba: Lba) -> Result<(QFrame, bool), DaoError> {
        let at = lba.0;
        if at < self.lead_in.0 || at >= self.end().0 {
            return Err(DaoError::Layout(format!("LBA {at} is outside the disc")));
        }
        if at < -150 {
            // Each item three times over, cycling; the time runs from the lead-in's start.
            let n = (at - self.lead_in.0) as u32;
            let item = self.toc[(n / 3) as usize % self.toc.len()];
            let time = Msf::from_sectors(n).map_err(|e| DaoError::Layout(e.to_string()))?;
            let data = match item.data {
                QData::LeadIn { adr, point, zero, p, .. } => QData::LeadIn { adr, point, time, zero, p },
                other => other,
            };
            return Ok((QFrame { control: item.control, data }, false));
        }
        let aframe = lba.to_msf().map_or(0, Msf::frame);
        if at >= self.lead_out {
            let control = self.spans[self.spans.len() - 1].control;
            let data = QData::Position { track: LEAD_OUT_TRACK, index: 1, relative: at - self.lead_out, absolute: lba };
            // The lead-out's P flag: on for its first two seconds, then at 2 Hz.
            let since = at - self.lead_out;
            let p = since < 150 || (since - 150) / 19 % 2 == 0;
            return Ok((QFrame { control, data }, p));
        }
        let s = self.spans.iter().find(|s| at < s.end).expect("inside the program area");
        let index = if at < s.one { 0 } else { 1 + s.indexes.iter().filter(|&&x| x <= at).count() as u8 };
        // The first sector of a pause, a track or an index always says where it is, so that
        // a reader finds every boundary exactly; the codes go round them.
        let boundary =
            |x: i32| x == -150 || self.spans.iter().any(|s| x == s.end || x == s.one || s.indexes.contains(&x));
        let data = match (code_slot(at, boundary), self.mcn, s.isrc) {
            (CodeSlot::Mcn, Some(mcn), _) => QData::Mcn { mcn, aframe },
            (CodeSlot::Isrc, _, Some(isrc)) => QData::Isrc { isrc, aframe },
            _ => QData::Position { track: s.number, index, relative: at - s.one, absolute: lba },
        };
        // SCMS: the copy bit alternates at 9.375 Hz (four sectors on, four off).
        let control =
            if s.scms { Control::audio(s.control.pre_emphasis(), (at - s.one).rem_euclid(8) < 4) } else { s.control };
        Ok((QFrame { control, data }, index == 0))
    }

    /// The R–W symbols of sector `lba` (one 6-bit symbol per byte): CD-TEXT in the lead-in,
    /// nothing elsewhere.
    #[must_use]
    pub fn rw_symbols(&self, lba: Lba) -> [u8; 96] {
        if lba.0 < -150 && lba.0 >= self.lead_in.0 && !self.packs.is_empty() {
            leadin_rw_symbols(&self.packs, (lba.0 - self.lead_in.0) as u64)
        } else {
            [0; 96]
        }
    }

    /// The 96 bytes of raw, interleaved P–W of sector `lba`.
    ///
    /// # Errors
    /// [`DaoError::Layout`] for an address outside the disc.
    pub fn raw(&self, lba: Lba) -> Result<[u8; 96], DaoError> {
        let (q, p) = self.q(lba)?;
        let q = q.encode().map_err(|e| DaoError::Layout(e.to_string()))?;
        Ok(raw_pw(&p_channel(p), &q, &self.rw_symbols(lba)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::DaoTrack;
    use cd::subcode::{crc16, deinterleave};

    /// Two tracks: 1 (pre-emphasis, ISRC) 300 sectors from LBA 0 with index 2 at 100; 2 with a
    /// 75-sector pause, 300 sectors; MCN.
    fn layout() -> DaoLayout {
        DaoLayout {
            tracks: vec![
                DaoTrack {
                    number: 1,
                    control: Control::audio(true, false),
                    isrc: Some("USK7Y9812345".parse().unwrap()),
                    pause: 150,
                    length: 300,
                    indexes: vec![100],
                    scms: false,
                },
                DaoTrack {
                    number: 2,
                    control: Control::AUDIO,
                    isrc: None,
                    pause: 75,
                    length: 300,
                    indexes: vec![],
                    scms: false,
                },
            ],
            mcn: Some("0724385525728".parse().unwrap()),
            cdtext: None,
            short_tracks: false,
        }
    }

    /// The 12 Q bytes of a sector, from its raw P–W.
    fn q_bytes(s: &Subcode, lba: i32) -> [u8; 12] {
        deinterleave(&s.raw(Lba(lba)).unwrap())[1]
    }

    /// Ten data bytes and their CRC (`crc16` gives it inverted, as the Red Book stores it;
    /// checked against its own vectors in the `cd` crate), big-endian.
    fn with_crc(data: [u8; 10]) -> [u8; 12] {
        let crc = crc16(&data);
        let mut q = [0u8; 12];
        q[..10].copy_from_slice(&data);
        q[10..].copy_from_slice(&crc.to_be_bytes());
        q
    }

    #[test]
    fn program_area_q_counts_down_the_pause_and_up_the_track() {
        let s = Subcode::new(&layout(), Lba(-11_634)).unwrap();
        // LBA −150, the first sector of track 1's pause: control 1 (pre-emphasis), ADR 1,
        // track 01, index 00, relative 00:01:74 counting down, absolute 00:00:00.
        assert_eq!(q_bytes(&s, -150), with_crc([0x11, 0x01, 0x00, 0x00, 0x01, 0x74, 0x00, 0x00, 0x00, 0x00]));
        // LBA −1, its last: relative 00:00:00, absolute 00:01:74.
        assert_eq!(q_bytes(&s, -1), with_crc([0x11, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x74]));
        // LBA 2: index 01, relative 00:00:02, absolute 00:02:02.
        assert_eq!(q_bytes(&s, 2), with_crc([0x11, 0x01, 0x01, 0x00, 0x00, 0x02, 0x00, 0x00, 0x02, 0x02]));
        // LBA 102: index 02 inside the track (the MCN due at its first sector, 100, is at
        // 101); relative 00:01:27 (102 sectors).
        assert_eq!(q_bytes(&s, 102), with_crc([0x11, 0x01, 0x02, 0x00, 0x01, 0x27, 0x00, 0x00, 0x03, 0x27]));
        // LBA 302, in track 2's pause (the MCN due at its first sector, 300, is at 301):
        // control 0, index 00, 00:00:72 counting down, absolute 00:06:02.
        assert_eq!(q_bytes(&s, 302), with_crc([0x01, 0x02, 0x00, 0x00, 0x00, 0x72, 0x00, 0x00, 0x06, 0x02]));
        // The P channel: on in pauses, off in tracks.
        assert_eq!(deinterleave(&s.raw(Lba(302)).unwrap())[0], [0xFF; 12]);
        assert_eq!(deinterleave(&s.raw(Lba(302 + 75)).unwrap())[0], [0; 12]);
    }

    #[test]
    fn mcn_and_isrc_frames_replace_positions_once_in_a_hundred() {
        let s = Subcode::new(&layout(), Lba(-11_634)).unwrap();
        // LBA 200 (absolute 00:04:50, frame 50): mode 2, MCN 0724385525728 packed in BCD, the
        // frame number in the last byte before the CRC.
        assert_eq!(q_bytes(&s, 200), with_crc([0x12, 0x07, 0x24, 0x38, 0x55, 0x25, 0x72, 0x80, 0x00, 0x50]));
        // LBA 50 (absolute 00:02:50): mode 3, ISRC USK7Y9812345 — five 6-bit letter codes
        // (U=0x25, S=0x23, K=0x1B, 7=0x07, Y=0x29), then 98 12345 in BCD.
        assert_eq!(q_bytes(&s, 50), with_crc([0x13, 0x96, 0x36, 0xC7, 0xA4, 0x98, 0x12, 0x34, 0x50, 0x50]));
        // LBA 0 would be an MCN sector, but it is where track 1 starts: a position, so a
        // reader finds the boundary exactly (index 1, 00:00:00, absolute 00:02:00) …
        assert_eq!(q_bytes(&s, 0), with_crc([0x11, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00]));
        // … and the MCN moves to LBA 1 (frame 01), so no hundred sectors go without one.
        assert_eq!(q_bytes(&s, 1), with_crc([0x12, 0x07, 0x24, 0x38, 0x55, 0x25, 0x72, 0x80, 0x00, 0x01]));
        // Track 2 has no ISRC: its LBA 450 is a position.
        assert_eq!(q_bytes(&s, 450)[0], 0x01);
    }

    #[test]
    fn the_lead_in_carries_the_toc_and_the_lead_out_flags() {
        let s = Subcode::new(&layout(), Lba(-11_634)).unwrap();
        // Items in turn, three sectors each: A0 (first track 01, disc type 00), A1 (last 02),
        // A2 (lead-out 00:11:00 = LBA 675), track 1 at 00:02:00, track 2 at 00:07:00. The
        // time field runs from the lead-in's start.
        let a0 = q_bytes(&s, -11_634);
        assert_eq!(a0, with_crc([0x11, 0x00, 0xA0, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00]));
        assert_eq!(q_bytes(&s, -11_631), with_crc([0x01, 0x00, 0xA1, 0x00, 0x00, 0x03, 0x00, 0x02, 0x00, 0x00]));
        assert_eq!(q_bytes(&s, -11_628), with_crc([0x01, 0x00, 0xA2, 0x00, 0x00, 0x06, 0x00, 0x00, 0x11, 0x00]));
        assert_eq!(q_bytes(&s, -11_625), with_crc([0x11, 0x00, 0x01, 0x00, 0x00, 0x09, 0x00, 0x00, 0x02, 0x00]));
        assert_eq!(q_bytes(&s, -11_622), with_crc([0x01, 0x00, 0x02, 0x00, 0x00, 0x12, 0x00, 0x00, 0x07, 0x00]));
        // The lead-out at LBA 675: track AA, index 01, relative counting up.
        assert_eq!(s.lead_out(), Lba(675));
        assert_eq!(q_bytes(&s, 676), with_crc([0x01, 0xAA, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x11, 0x01]));
        // P: on for the lead-out's first two seconds, then alternating.
        let p = |lba: i32| deinterleave(&s.raw(Lba(lba)).unwrap())[0][0] != 0;
        assert!(p(675) && p(675 + 149) && !p(675 + 150 + 19) && p(675 + 150 + 38));
        assert_eq!(s.end(), Lba(675 + 6750));
        assert!(s.raw(Lba(675 + 6750)).is_err() && s.raw(Lba(-11_635)).is_err());
    }
}
