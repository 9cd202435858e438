//! Who the drive is and what it can do: INQUIRY, GET CONFIGURATION, page 2Ah, GET
//! PERFORMANCE, GET EVENT STATUS NOTIFICATION, MECHANISM STATUS.

use mmc::Sense;
use mmc::config::{Feature, FeatureData};
use mmc::mode::{Capabilities, ModePage, SpeedDescriptor};
use mmc::status::{EventStatus, MechanismStatus, WriteSpeed, WriteSpeeds, media_event};

use super::{Drive, check, sense};
use crate::config::Replay;
use crate::config::{SubchannelRead, WriteMode};
use crate::media::MediaKind;

impl Drive {
    pub(super) fn configuration(&self, rt: u8, start: u16) -> mmc::Configuration {
        let kind = (!self.meta.tray_open).then_some(()).and(self.meta.disc.as_ref()).map(|d| d.kind);
        let profile = kind.map_or(mmc::config::profile::NONE, MediaKind::profile);
        let cd = kind.is_some_and(MediaKind::is_cd);
        let rw = kind.is_some_and(MediaKind::erasable);
        let pressed = kind.is_some_and(|k| !k.recordable());
        let p = self.personality();
        let raw = WriteMode::ALL.into_iter().filter(|m| m.is_raw()).any(|m| p.writes(m));
        let mut features = vec![
            Feature::new(FeatureData::ProfileList(self.profiles(kind)), true),
            Feature::new(FeatureData::Core { interface: 1, dbe: true, inq2: false }, true),
            Feature::new(FeatureData::Morphing { asynchronous: false, oc_event: true }, true),
            Feature::new(
                FeatureData::RemovableMedium {
                    mechanism: 1,
                    load: p.tray_loads,
                    eject: true,
                    prevent_jumper: false,
                    lock: true,
                },
                true,
            ),
            Feature::new(FeatureData::RandomReadable { block_size: 2048, blocking: 1, page_present: true }, false),
            Feature::new(FeatureData::CdRead { dap: true, c2: p.c2_pointers, cd_text: true }, cd),
            Feature::new(
                FeatureData::CdTrackAtOnce {
                    buf: p.bufe,
                    rw_raw: false,
                    rw_pack: false,
                    test_write: p.test_write,
                    cd_rw: true,
                    rw_subcode: false,
                    data_types: 0x0001,
                },
                cd && !pressed,
            ),
            Feature::new(
                FeatureData::CdMastering {
                    buf: p.bufe,
                    sao: p.writes(WriteMode::Sao),
                    raw_ms: false,
                    raw,
                    test_write: p.test_write,
                    cd_rw: true,
                    rw: p.writes(WriteMode::Raw96P) || p.writes(WriteMode::Raw96R),
                    max_cue_length: 0x1_0000,
                },
                cd && !pressed,
            ),
            Feature::new(FeatureData::CdRwWrite { subtypes: 0x02 }, rw),
            Feature::new(FeatureData::PowerManagement, true),
            Feature::new(FeatureData::Timeout { group3: false, unit_length: 0 }, true),
            Feature::new(
                FeatureData::RealTimeStreaming {
                    rbcb: false,
                    scs: true,
                    mp2a: true,
                    wspd: p.get_performance,
                    sw: false,
                },
                cd,
            ),
            Feature::new(FeatureData::SerialNumber(format!("EMU{:08X}", self.serial())), true),
        ];
        // A drive lists the writing features of the modes it records, and no others.
        let (tao, mastering) = (p.writes(WriteMode::Tao), p.writes(WriteMode::Sao) || raw);
        features.retain(|f| match f.data {
            FeatureData::CdTrackAtOnce { .. } => tao,
            FeatureData::CdMastering { .. } => mastering,
            _ => true,
        });
        let features = features
            .into_iter()
            .filter(|f| f.code >= start)
            .filter(|f| match rt {
                1 => f.current,
                2 => f.code == start,
                _ => true,
            })
            .collect();
        mmc::Configuration { current_profile: profile, features }
    }

    fn serial(&self) -> u32 {
        // A stable serial number from the drive's directory name.
        self.store
            .dir()
            .as_os_str()
            .as_encoded_bytes()
            .iter()
            .fold(2_166_136_261u32, |h, &b| (h ^ u32::from(b)).wrapping_mul(16_777_619))
    }

    /// The profile list: CD-RW, CD-R and CD-ROM, and a DVD writer's DVD profiles (DVD-ROM
    /// current with a pressed DVD in), highest first as drives list them; the medium's profile
    /// is the current one.
    fn profiles(&self, kind: Option<MediaKind>) -> Vec<(u16, bool)> {
        use mmc::config::profile;
        let current = kind.map_or(profile::NONE, MediaKind::profile);
        let mut list = Vec::new();
        if self.personality().dvd || current == profile::DVD_ROM {
            // DVD+R, DVD+RW, DVD-RW (sequential), DVD-RAM, DVD-R, DVD-ROM.
            list.extend([0x001B, 0x001A, 0x0014, 0x0012, profile::DVD_R, profile::DVD_ROM]);
        }
        list.extend([profile::CD_RW, profile::CD_R, profile::CD_ROM]);
        list.into_iter().map(|p| (p, p == current)).collect()
    }

    /// Decision point: page 2Ah in the length of the drive's MMC generation — 20 bytes of
    /// page (MMC-1), 24 (MMC-2, no write-speed descriptors) or the MMC-3 page with a
    /// descriptor per speed. `changeable`: the mask MODE SENSE gives for it (none).
    pub(super) fn capabilities_page(&self, changeable: bool) -> ModePage {
        // A drive made from a profile answers with the page it captured.
        let replayed = self.meta.config.replay.as_ref().and_then(|r| Replay::bytes(r.capabilities.as_ref()));
        let mut b = replayed.filter(|b| b.len() >= 2).unwrap_or_else(|| self.capabilities().encode());
        let len = match self.personality().mmc_level {
            _ if self.meta.config.replay.as_ref().is_some_and(|r| r.capabilities.is_some()) => b.len(),
            1 => 22,
            2 => 26,
            _ => b.len(),
        };
        b.truncate(len);
        b[1] = (len - 2) as u8;
        if changeable {
            b[2..].fill(0);
        }
        ModePage::Other { code: Capabilities::CODE, ps: false, data: b[2..].to_vec() }
    }

    pub(super) fn capabilities(&self) -> Capabilities {
        let c = self.personality();
        Capabilities {
            read_cd_r: true,
            read_cd_rw: true,
            method2: true,
            write_cd_r: true,
            write_cd_rw: true,
            test_write: c.test_write,
            buf: c.bufe,
            multi_session: true,
            audio_play: true,
            upc: true,
            isrc: true,
            rw_supported: c.reads_subchannel(SubchannelRead::RawPw),
            rw_deinterleaved: c.reads_subchannel(SubchannelRead::RawPw),
            c2_pointers: c.c2_pointers,
            cdda_accurate: true,
            cdda_commands: true,
            loading_mechanism: if c.tray_loads { 1 } else { 0 },
            eject: true,
            lock: true,
            lock_state: self.prevent,
            max_read_speed: c.max_read_speed,
            volume_levels: 256,
            buffer_kib: c.buffer_kib,
            current_read_speed: c.max_read_speed,
            max_write_speed: c.write_speeds.iter().copied().max().unwrap_or(0),
            current_write_speed_old: self.write_speed,
            current_write_speed: self.write_speed,
            write_speeds: c.write_speeds.iter().map(|&kbs| SpeedDescriptor { rotation: 0, kbs }).collect(),
            ..Capabilities::default()
        }
    }

    pub(super) fn inquiry(&self, evpd: bool) -> Result<Vec<u8>, Sense> {
        check(!evpd, sense::INVALID_FIELD_CDB)?;
        if let Some(b) = self.meta.config.replay.as_ref().and_then(|r| Replay::bytes(r.inquiry.as_ref())) {
            return Ok(b);
        }
        let p = self.personality();
        let mut inq = mmc::Inquiry::cd_dvd(&p.vendor, &p.product, &p.revision);
        inq.version = p.inquiry_version;
        inq.response_format = p.inquiry_response_format;
        Ok(inq.encode().to_vec())
    }

    pub(super) fn event_status(&mut self, polled: bool, classes: u8) -> Result<Vec<u8>, Sense> {
        check(polled, sense::INVALID_FIELD_CDB)?;
        let media = classes & 0x10 != 0;
        let event = std::mem::replace(&mut self.media_event, media_event::NO_CHANGE);
        let status = EventStatus {
            nea: !media,
            class: if media { 4 } else { 0 },
            supported: 0x10,
            media: media.then(|| (event, self.meta.disc.is_some(), self.meta.tray_open)),
        };
        if !media {
            self.media_event = event;
        }
        Ok(status.encode())
    }

    pub(super) fn mechanism_status(&self) -> Vec<u8> {
        MechanismStatus {
            fault: false,
            changer_state: 0,
            current_slot: 0,
            mechanism_state: 0,
            door_open: self.meta.tray_open,
            current_lba: 0,
            slots: 1,
        }
        .encode()
        .to_vec()
    }

    /// GET PERFORMANCE: write speeds (type 03h), when the personality answers it.
    pub(super) fn performance(&self, kind: u8) -> Result<Vec<u8>, Sense> {
        let p = self.personality();
        check(p.get_performance, sense::INVALID_OPCODE)?;
        if kind == 3
            && let Some(b) = self.meta.config.replay.as_ref().and_then(|r| Replay::bytes(r.write_speeds.as_ref()))
        {
            return Ok(b);
        }
        let end = self.meta.disc.as_ref().map_or(0, |d| d.kind.capacity() - 1);
        let speeds = match kind {
            3 => p
                .write_speeds
                .iter()
                .map(|&w| WriteSpeed {
                    wrc: 0,
                    rdd: false,
                    exact: true,
                    mrw: false,
                    end_lba: end,
                    read_kbs: u32::from(p.max_read_speed),
                    write_kbs: u32::from(w),
                })
                .collect(),
            0 => Vec::new(),
            _ => return Err(sense::INVALID_FIELD_CDB),
        };
        Ok(WriteSpeeds { speeds }.encode())
    }
}
