//! Writes SECTORS sectors of audio through `Transport` into a new emulated drive in DIR
//! (WRITE(10) of 27 sectors as burners send, then CLOSE SESSION) and prints the seconds taken.
//! With a third argument `real-time`, the drive runs in real time at 52x, and the expected
//! seconds at that speed are printed too. Used by `scripts/bench`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use cd::Lba;
use emu::{Drive, DriveConfig, MediaKind};
use mmc::mode::{ModePage, ModeParameters, WriteParameters};
use mmc::{Command, Data, run};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().ok_or("usage: write_bench DIR SECTORS")?);
    let sectors: u32 = args.next().ok_or("usage: write_bench DIR SECTORS")?.parse()?;
    let real = args.next().as_deref() == Some("real-time");
    let config = if real {
        DriveConfig { timing: emu::Timing::RealTime, ..DriveConfig::default() }
    } else {
        DriveConfig::default()
    };
    let mut d = Drive::create(&dir, config, Some(MediaKind::Cdr80))?;
    let list = ModeParameters::page(ModePage::WriteParameters(WriteParameters::default())).select10();
    run(&mut d, &Command::ModeSelect10 { pf: true, sp: false, length: list.len() as u16 }, Data::Out(&list))?;
    let block: Vec<u8> = (0..27 * 2352).map(|i| (i * 7 + i / 2352) as u8).collect();
    let start = Instant::now();
    let mut lba = 0;
    while lba < sectors {
        let n = (sectors - lba).min(27);
        let cmd = Command::Write10 { lba: Lba(lba as i32), blocks: n as u16 };
        run(&mut d, &cmd, Data::Out(&block[..n as usize * 2352]))?;
        lba += n;
    }
    let close = Command::CloseTrackSession { immed: false, function: mmc::cdb::CloseFunction::Session, track: 0 };
    run(&mut d, &close, Data::None)?;
    let t: Duration = start.elapsed();
    if real {
        // 52x = 9173 kB/s; closing writes 4500 + 6750 sectors of lead-in and lead-out.
        let expected = (f64::from(sectors) + 11_250.0) * 2352.0 / 9_173_000.0;
        println!("{:.6} {expected:.6}", t.as_secs_f64());
    } else {
        println!("{:.6}", t.as_secs_f64());
    }
    Ok(())
}
