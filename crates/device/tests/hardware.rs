//! Read-only checks against a real recorder; built only with `--features hardware` and run
//! with `REDBURN_TEST_DEVICE` naming the node (e.g. /dev/sr0).
#![cfg(feature = "hardware")]

use std::path::PathBuf;

use device::Recorder;
use device::platform::linux_sg::SgDevice;

fn node() -> PathBuf {
    PathBuf::from(std::env::var_os("REDBURN_TEST_DEVICE").expect("set REDBURN_TEST_DEVICE to the recorder's node"))
}

#[test]
fn identity_profiles_and_medium() {
    let sg = SgDevice::open(&node()).unwrap();
    let mut r = Recorder::new(sg, "hardware").unwrap();
    assert!(!r.vendor_id().is_empty());
    let profiles = r.supported_profiles().unwrap();
    assert!(profiles.contains(&0x0008) || profiles.contains(&0x0009), "{profiles:x?}");
    let pages = r.supported_mode_pages().unwrap();
    assert!(pages.contains(&0x2A), "{pages:x?}");
    // With a disc in the drive this describes it; without, it says so.
    match r.media_info() {
        Ok(m) => println!("{m:?}"),
        Err(e) => println!("no readable medium: {e}"),
    }
}
