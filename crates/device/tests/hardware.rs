//! Read-only checks against a real recorder; built only with `--features hardware-tests` and
//! run with `REDBURN_TEST_DEVICE` naming the node (e.g. /dev/sr0). See TESTING.md.
#![cfg(feature = "hardware-tests")]

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

#[test]
fn discovery_finds_the_device_once() {
    let node = node();
    let found = device::discover::scan(std::path::Path::new("/sys"), std::path::Path::new("/dev"));
    let hits: Vec<_> = found.iter().filter(|f| f.path == node || f.sg.as_deref() == Some(node.as_path())).collect();
    assert_eq!(hits.len(), 1, "{found:?}");
    let (_, again) = device::discover::by_unique_id(&found, &hits[0].unique_id).unwrap();
    assert_eq!(again.path, hits[0].path);
}

#[test]
fn exclusive_access_is_seen_by_a_second_handle() {
    let mut a = Recorder::new(SgDevice::open(&node()).unwrap(), "hardware-lock").unwrap();
    a.acquire_exclusive_access(false, "redburn hardware test").unwrap();
    assert_eq!(a.exclusive_access_owner().as_deref(), Some("redburn hardware test"));
    a.release_exclusive_access();
    assert_eq!(a.exclusive_access_owner(), None);
}
