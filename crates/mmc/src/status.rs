//! GET PERFORMANCE write speeds, READ BUFFER CAPACITY, GET EVENT STATUS NOTIFICATION and
//! MECHANISM STATUS data.

use crate::bytes::{DecodeError, be16, be24, be32, bit, flag, need, put16, put24, put32};

/// Kilobytes per second of 1× CD audio (75 × 2352 bytes, in units of 1000 bytes).
pub const KBS_1X: u32 = 176;

/// A write speed descriptor (GET PERFORMANCE type 03h).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteSpeed {
    /// Write rotation control (2 bits: 0 CLV, 1 CAV).
    pub wrc: u8,
    /// Restore drive defaults.
    pub rdd: bool,
    /// The speed is exact.
    pub exact: bool,
    /// Mount Rainier.
    pub mrw: bool,
    /// End LBA (capacity of the medium).
    pub end_lba: u32,
    /// Read speed kB/s.
    pub read_kbs: u32,
    /// Write speed kB/s.
    pub write_kbs: u32,
}

/// GET PERFORMANCE type 03h response.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WriteSpeeds {
    /// Descriptors, fastest first.
    pub speeds: Vec<WriteSpeed>,
}

impl WriteSpeeds {
    /// Header and 16-byte descriptors.
    #[must_use]
    pub fn encode(&self) -> Vec<u8> {
        let mut b = vec![0u8; 8];
        for s in &self.speeds {
            let mut d = [0u8; 16];
            d[0] = ((s.wrc & 3) << 3) | flag(s.rdd, 2) | flag(s.exact, 1) | flag(s.mrw, 0);
            put32(&mut d, 4, s.end_lba);
            put32(&mut d, 8, s.read_kbs);
            put32(&mut d, 12, s.write_kbs);
            b.extend(d);
        }
        let len = (b.len() - 4) as u32;
        put32(&mut b, 0, len);
        b
    }

    /// Decodes a response (a descriptor cut short is dropped).
    ///
    /// # Errors
    /// [`DecodeError::Short`] without the header.
    pub fn decode(b: &[u8]) -> Result<WriteSpeeds, DecodeError> {
        need("performance header", b, 8)?;
        let end = b.len().min(4usize.saturating_add(be32(b, 0) as usize));
        let speeds = b[8..end.max(8)]
            .chunks_exact(16)
            .map(|d| WriteSpeed {
                wrc: (d[0] >> 3) & 3,
                rdd: bit(d[0], 2),
                exact: bit(d[0], 1),
                mrw: bit(d[0], 0),
                end_lba: be32(d, 4),
                read_kbs: be32(d, 8),
                write_kbs: be32(d, 12),
            })
            .collect();
        Ok(WriteSpeeds { speeds })
    }
}

/// READ BUFFER CAPACITY data (Block = 0: in bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BufferCapacity {
    /// Size of the drive's buffer in bytes.
    pub length: u32,
    /// Free bytes in it.
    pub blank: u32,
}

impl BufferCapacity {
    /// The 12 bytes.
    #[must_use]
    pub fn encode(&self) -> [u8; 12] {
        let mut b = [0u8; 12];
        put16(&mut b, 0, 10);
        put32(&mut b, 4, self.length);
        put32(&mut b, 8, self.blank);
        b
    }

    /// Decodes 12 bytes.
    ///
    /// # Errors
    /// [`DecodeError::Short`].
    pub fn decode(b: &[u8]) -> Result<BufferCapacity, DecodeError> {
        need("buffer capacity", b, 12)?;
        Ok(BufferCapacity { length: be32(b, 4), blank: be32(b, 8) })
    }

    /// Bytes held (length − blank).
    #[must_use]
    pub const fn used(&self) -> u32 {
        self.length.saturating_sub(self.blank)
    }
}

/// Media event codes of GET EVENT STATUS NOTIFICATION (class 4).
pub mod media_event {
    /// No change.
    pub const NO_CHANGE: u8 = 0;
    /// The user pressed eject.
    pub const EJECT_REQUEST: u8 = 1;
    /// A medium was loaded.
    pub const NEW_MEDIA: u8 = 2;
    /// The medium was removed.
    pub const MEDIA_REMOVAL: u8 = 3;
    /// The medium changed.
    pub const MEDIA_CHANGED: u8 = 4;
}

/// A GET EVENT STATUS NOTIFICATION response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventStatus {
    /// No event available (NEA).
    pub nea: bool,
    /// Notification class of the event (4 = media).
    pub class: u8,
    /// Supported event classes (bit mask; bit 4 media).
    pub supported: u8,
    /// For the media class: event code, medium present, tray open.
    pub media: Option<(u8, bool, bool)>,
}

impl EventStatus {
    /// Header and, for the media class, its 4-byte descriptor.
    #[must_use]
    pub fn encode(&self) -> Vec<u8> {
        let mut b = vec![0, 2, flag(self.nea, 7) | (self.class & 7), self.supported];
        if let Some((event, present, open)) = self.media {
            b.extend([event & 0xF, flag(present, 1) | flag(open, 0), 0, 0]);
            b[1] = 6;
        }
        b
    }

    /// Decodes a response.
    ///
    /// # Errors
    /// [`DecodeError::Short`] without the header.
    pub fn decode(b: &[u8]) -> Result<EventStatus, DecodeError> {
        need("event status header", b, 4)?;
        let class = b[2] & 7;
        let media = (class == 4 && b.len() >= 6 && be16(b, 0) >= 4).then(|| (b[4] & 0xF, bit(b[5], 1), bit(b[5], 0)));
        Ok(EventStatus { nea: bit(b[2], 7), class, supported: b[3], media })
    }
}

/// MECHANISM STATUS header (no changer slots).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MechanismStatus {
    /// Fault.
    pub fault: bool,
    /// Changer state (2 bits).
    pub changer_state: u8,
    /// Current slot.
    pub current_slot: u8,
    /// Mechanism state (3 bits: 0 idle, 1 playing, 2 scanning, 3 host active, 7 no state).
    pub mechanism_state: u8,
    /// Door or tray open.
    pub door_open: bool,
    /// Current LBA (24 bits).
    pub current_lba: u32,
    /// Number of slots available.
    pub slots: u8,
}

impl MechanismStatus {
    /// The 8-byte header.
    #[must_use]
    pub fn encode(&self) -> [u8; 8] {
        let mut b = [0u8; 8];
        b[0] = flag(self.fault, 7) | ((self.changer_state & 3) << 5) | (self.current_slot & 0x1F);
        b[1] = ((self.mechanism_state & 7) << 5) | flag(self.door_open, 4);
        put24(&mut b, 2, self.current_lba);
        b[5] = self.slots;
        b
    }

    /// Decodes the header.
    ///
    /// # Errors
    /// [`DecodeError::Short`].
    pub fn decode(b: &[u8]) -> Result<MechanismStatus, DecodeError> {
        need("mechanism status", b, 8)?;
        Ok(MechanismStatus {
            fault: bit(b[0], 7),
            changer_state: (b[0] >> 5) & 3,
            current_slot: b[0] & 0x1F,
            mechanism_state: b[1] >> 5,
            door_open: bit(b[1], 4),
            current_lba: be24(b, 2),
            slots: b[5],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_speeds_literal() {
        // Two descriptors for an 80-minute CD-R: 24× (4234 kB/s) and 16× (2822), exact.
        let b: Vec<u8> = vec![
            0, 0, 0, 36, 0, 0, 0, 0, //
            0x02, 0, 0, 0, 0x00, 0x05, 0x7E, 0x3F, 0, 0, 0x21, 0x0C, 0, 0, 0x10, 0x8A, //
            0x02, 0, 0, 0, 0x00, 0x05, 0x7E, 0x3F, 0, 0, 0x21, 0x0C, 0, 0, 0x0B, 0x06,
        ];
        let w = WriteSpeeds::decode(&b).unwrap();
        assert_eq!(w.speeds.len(), 2);
        assert_eq!((w.speeds[0].end_lba, w.speeds[0].write_kbs, w.speeds[1].write_kbs), (359_999, 4234, 2822));
        assert!(w.speeds[0].exact);
        assert_eq!(w.encode(), b);
        assert_eq!(WriteSpeeds::decode(&b[..20]).unwrap().speeds.len(), 0);
    }

    #[test]
    fn buffer_event_mechanism_literal() {
        // 2 MiB buffer, 512 KiB free.
        let b = [0, 10, 0, 0, 0, 0x20, 0, 0, 0, 0x08, 0, 0];
        let c = BufferCapacity::decode(&b).unwrap();
        assert_eq!((c.length, c.blank, c.used()), (2 << 20, 512 << 10, 1536 << 10));
        assert_eq!(c.encode(), b);

        // Media class, new media, present, tray closed.
        let e =
            EventStatus { nea: false, class: 4, supported: 0x10, media: Some((media_event::NEW_MEDIA, true, false)) };
        assert_eq!(e.encode(), [0, 6, 4, 0x10, 2, 2, 0, 0]);
        assert_eq!(EventStatus::decode(&e.encode()).unwrap(), e);
        let none = EventStatus { nea: true, class: 0, supported: 0x10, media: None };
        assert_eq!(none.encode(), [0, 2, 0x80, 0x10]);

        let m = MechanismStatus {
            fault: false,
            changer_state: 0,
            current_slot: 0,
            mechanism_state: 0,
            door_open: true,
            current_lba: 0x01_0203,
            slots: 1,
        };
        assert_eq!(m.encode(), [0, 0x10, 1, 2, 3, 1, 0, 0]);
        assert_eq!(MechanismStatus::decode(&m.encode()).unwrap(), m);
    }

    proptest::proptest! {
        #[test]
        fn never_panics(b in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..80)) {
            if let Ok(w) = WriteSpeeds::decode(&b) { proptest::prop_assert_eq!(WriteSpeeds::decode(&w.encode()).unwrap(), w); }
            let _ = BufferCapacity::decode(&b);
            if let Ok(e) = EventStatus::decode(&b) { let _ = e.encode(); }
            let _ = MechanismStatus::decode(&b);
        }
    }
}
