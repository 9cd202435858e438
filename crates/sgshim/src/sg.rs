//! The `sg_io_hdr` structure and the safe part of answering SG_IO from a [`Transport`].

use std::time::{Duration, Instant};

use mmc::{Completion, Data, Sense, Transport, TransportError};

pub use device::platform::linux_sg::SgIoHdr;

/// Host status for a device that is gone.
pub const DID_NO_CONNECT: u16 = 0x01;
/// Driver status flag: sense data is valid.
pub const DRIVER_SENSE: u16 = 0x08;

/// What an SG_IO call produced, to be written into the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// SCSI status.
    pub status: u8,
    /// Sense bytes (fixed format) for CHECK CONDITION.
    pub sense: Vec<u8>,
    /// Host status.
    pub host_status: u16,
    /// Residual byte count.
    pub resid: i32,
    /// Milliseconds taken.
    pub duration: u32,
}

/// Sense bytes as a transport's drive formats them.
pub type SenseBytes<T> = fn(&T, &Sense) -> Vec<u8>;

/// Fixed-format sense, whatever the transport.
pub fn fixed<T>(_: &T, s: &Sense) -> Vec<u8> {
    s.to_fixed().to_vec()
}

/// Runs one command on `t` as SG_IO would: a drive error is CHECK CONDITION with sense in
/// the drive's format (`sense_bytes`), a transport failure a lost connection.
pub fn execute<T: Transport>(
    t: &mut T,
    cdb: &[u8],
    data: Data<'_>,
    timeout: Duration,
    sense_bytes: SenseBytes<T>,
) -> Reply {
    let start = Instant::now();
    let result = t.execute(cdb, data, timeout);
    let duration = start.elapsed().as_millis().min(u128::from(u32::MAX)) as u32;
    match result {
        Ok(Completion { status, sense, residual }) => Reply {
            status,
            sense: sense.map(|s| sense_bytes(t, &s)).unwrap_or_default(),
            host_status: 0,
            resid: i32::try_from(residual).unwrap_or(i32::MAX),
            duration,
        },
        Err(TransportError::Timeout(_)) => {
            Reply { status: 0, sense: Vec::new(), host_status: 0x03, resid: 0, duration }
        }
        Err(_) => Reply { status: 0, sense: Vec::new(), host_status: DID_NO_CONNECT, resid: 0, duration },
    }
}

/// Writes `reply` into the header's result fields; the sense goes to `sense_out`, cut to
/// `mx_sb_len`.
pub fn fill(h: &mut SgIoHdr, reply: &Reply, sense_out: &mut [u8]) {
    let n = reply.sense.len().min(usize::from(h.mx_sb_len)).min(sense_out.len());
    sense_out[..n].copy_from_slice(&reply.sense[..n]);
    h.status = reply.status;
    h.masked_status = reply.status >> 1;
    h.msg_status = 0;
    h.sb_len_wr = n as u8;
    h.host_status = reply.host_status;
    h.driver_status = if n > 0 { DRIVER_SENSE } else { 0 };
    h.resid = reply.resid;
    h.duration = reply.duration;
    h.info = u32::from(reply.status != 0 || reply.host_status != 0 || n > 0);
}

#[cfg(test)]
mod tests {
    use super::*;
    use mmc::{Command, Sense};

    struct Fake;
    impl Transport for Fake {
        fn execute(&mut self, cdb: &[u8], data: Data<'_>, _: Duration) -> Result<Completion, TransportError> {
            match (cdb[0], data) {
                (0x12, Data::In(b)) => {
                    b[..4].copy_from_slice(&[5, 0x80, 0, 2]);
                    Ok(Completion::good_short(b.len() - 4))
                }
                (0x00, _) => Ok(Completion::check(Sense::new(2, 0x3A, 1))),
                _ => Err(TransportError::NoDevice("gone".into())),
            }
        }
    }

    #[test]
    fn header_fields_as_tools_read_them() {
        let mut buf = [0u8; 36];
        let r = execute(
            &mut Fake,
            &Command::Inquiry { evpd: false, page: 0, alloc: 36 }.to_bytes(),
            Data::In(&mut buf),
            Duration::from_secs(1),
            fixed,
        );
        let mut h = SgIoHdr::new(&[0u8; 6]);
        h.mx_sb_len = 32;
        let mut sense = [0u8; 32];
        fill(&mut h, &r, &mut sense);
        assert_eq!((h.status, h.sb_len_wr, h.host_status, h.driver_status, h.resid, h.info), (0, 0, 0, 0, 32, 0));

        let r = execute(&mut Fake, &[0; 6], Data::None, Duration::from_secs(1), fixed);
        fill(&mut h, &r, &mut sense);
        assert_eq!((h.status, h.masked_status, h.sb_len_wr, h.driver_status, h.info), (2, 1, 18, DRIVER_SENSE, 1));
        assert_eq!(&sense[..18], &[0x70, 0, 2, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x3A, 1, 0, 0, 0, 0]);
        // libburn allows 32 bytes of sense; wodim asks for fewer: the copy is cut.
        h.mx_sb_len = 14;
        fill(&mut h, &r, &mut sense);
        assert_eq!(h.sb_len_wr, 14);

        let r = execute(&mut Fake, &[0x2A; 10], Data::None, Duration::from_secs(1), fixed);
        fill(&mut h, &r, &mut sense);
        assert_eq!((h.host_status, h.info), (DID_NO_CONNECT, 1));

        // A drive that speaks descriptor-format sense is passed through in it.
        let r = execute(&mut Fake, &[0; 6], Data::None, Duration::from_secs(1), |_, s| s.to_descriptor());
        h.mx_sb_len = 32;
        fill(&mut h, &r, &mut sense);
        assert_eq!(&sense[..usize::from(h.sb_len_wr)], &[0x72, 2, 0x3A, 1, 0, 0, 0, 0]);
    }
}
