//! An opt-in burn on a real CD-RW, built only with `--features hardware-tests`. It erases the
//! disc in `REDBURN_TEST_DEVICE`, so it runs only when `REDBURN_TEST_BURN=erase-my-cd-rw` says
//! so, and refuses anything but a CD-RW. See TESTING.md.
#![cfg(feature = "hardware-tests")]

use redburn::DiscFormat2;
use std::io;
use std::path::PathBuf;

use device::platform::linux_sg::SgDevice;
use mmc::{Command, Data, run};
use redburn::{MediaType, Pcm, Recorder, TrackAtOnce};

#[test]
fn burns_and_reads_back_two_tracks_on_a_cd_rw() {
    if std::env::var("REDBURN_TEST_BURN").as_deref() != Ok("erase-my-cd-rw") {
        eprintln!("REDBURN_TEST_BURN=erase-my-cd-rw is not set: the burn test does nothing");
        return;
    }
    let node = PathBuf::from(std::env::var_os("REDBURN_TEST_DEVICE").expect("REDBURN_TEST_DEVICE names the recorder"));
    let mut r = Recorder::new(SgDevice::open(&node).unwrap(), "hardware-burn").unwrap();
    r.settle().unwrap();
    let mut t = TrackAtOnce::new();
    t.set_recorder(r).unwrap();
    assert_eq!(t.current_physical_media_type().unwrap(), MediaType::CdRw, "this test only erases CD-RW");
    let mut r = t.take_recorder().unwrap().unwrap();
    let blank = Command::Blank { immed: false, kind: mmc::cdb::BlankType::Minimal, address: 0 };
    run(r.transport(), &blank, Data::None).unwrap();
    r.settle().unwrap();
    t.set_recorder(r).unwrap();
    t.set_client_name("redburn hardware test").unwrap();
    t.prepare_media().unwrap();
    let track = |seed: u8| -> Vec<u8> { (0..588 * 400 * 4).map(|i| (i as u8).wrapping_mul(seed)).collect() };
    let (a, b) = (track(3), track(5));
    t.add_audio_source(Pcm::new(io::Cursor::new(a.clone()), 588 * 400)).unwrap();
    t.add_audio_source(Pcm::new(io::Cursor::new(b.clone()), 588 * 400)).unwrap();
    let toc = mmc::FormattedToc::decode(&t.expected_table_of_contents().unwrap(), false).unwrap();
    t.release_media().unwrap();
    let mut r = t.take_recorder().unwrap().unwrap();
    r.settle().unwrap();
    for (entry, want) in toc.entries.iter().zip([&a, &b]) {
        let mut got = Vec::new();
        redburn::read_audio(r.transport(), entry.address, 400, &mut |c| got.extend_from_slice(c)).unwrap();
        assert!(got == *want, "track at LBA {} reads back as written", entry.address.0);
    }
}
