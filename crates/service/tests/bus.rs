//! redburnd on a private session bus (a `dbus-daemon` of the test's own, with no service
//! directory but the test's): activated by its first call, burning onto emulated recorders.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use zbus::blocking::{Connection, MessageIterator};
use zbus::zvariant::{OwnedObjectPath, OwnedValue, Value};

const BUS: &str = "org.redburn.Redburn1";
const MANAGER: &str = "/org/redburn/Redburn1";

/// A private bus whose only activatable service is this build's redburnd, with its emulated
/// drives in `home`.
struct Bus {
    daemon: Child,
    address: String,
    home: tempfile::TempDir,
}

impl Bus {
    fn start() -> Bus {
        Bus::with_idle(30)
    }

    fn with_idle(idle: u32) -> Bus {
        let home = tempfile::tempdir().unwrap();
        // Installed as a user installs it: the activation file names the installed redburnd.
        let prefix = home.path().join("prefix");
        let built = Path::new(env!("CARGO_BIN_EXE_redburnd")).parent().unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/install-service");
        let ok = Command::new(script).arg("--from").arg(built).arg(&prefix).stdout(Stdio::null()).status().unwrap();
        assert!(ok.success(), "scripts/install-service");
        let services = prefix.join("share/dbus-1/services");
        let unit = std::fs::read_to_string(prefix.join("lib/systemd/user/redburnd.service")).unwrap();
        assert!(unit.contains("Type=dbus") && unit.contains(&format!("ExecStart={}/bin/redburnd", prefix.display())));
        let config = home.path().join("bus.conf");
        std::fs::write(
            &config,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={}/bus</listen>
  <auth>EXTERNAL</auth>
  <servicedir>{}</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
    <allow user="*"/>
  </policy>
</busconfig>
"#,
                home.path().display(),
                services.display()
            ),
        )
        .unwrap();
        // The services it starts inherit its environment: the drives' home, the quiet while.
        let mut daemon = Command::new("dbus-daemon")
            .env("REDBURN_HOME", home.path())
            .env("REDBURND_IDLE_EXIT", idle.to_string())
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("dbus-daemon runs (Debian: dbus-daemon)");
        let mut line = String::new();
        BufReader::new(daemon.stdout.take().unwrap()).read_line(&mut line).unwrap();
        Bus { daemon, address: line.trim().to_owned(), home }
    }

    fn client(&self) -> Connection {
        zbus::blocking::connection::Builder::address(self.address.as_str()).unwrap().build().unwrap()
    }

    /// An emulated recorder `emu:NAME` with a blank CD-R.
    fn drive(&self, name: &str) {
        self.drive_with(name, emu::DriveConfig::default(), emu::MediaKind::Cdr80);
    }

    fn drive_with(&self, name: &str, config: emu::DriveConfig, media: emu::MediaKind) {
        let dir = self.home.path().join("drives").join(name);
        drop(emu::Drive::create(&dir, config, Some(media)).unwrap());
    }

    /// Whether redburnd owns its name now.
    fn serving(&self, c: &Connection) -> bool {
        let owned: bool = c
            .call_method(
                Some("org.freedesktop.DBus"),
                "/org/freedesktop/DBus",
                Some("org.freedesktop.DBus"),
                "NameHasOwner",
                &(BUS,),
            )
            .unwrap()
            .body()
            .deserialize()
            .unwrap();
        owned
    }
}

impl Drop for Bus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

fn album(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/album")
        .join(name)
        .canonicalize()
        .unwrap()
        .display()
        .to_string()
}

fn call<B, R>(c: &Connection, path: &str, iface: &str, method: &str, body: &B) -> zbus::Result<R>
where
    B: serde::ser::Serialize + zbus::zvariant::DynamicType,
    R: for<'d> zbus::zvariant::DynamicDeserialize<'d>,
{
    c.call_method(Some(BUS), path, Some(iface), method, body)?.body().deserialize()
}

fn get<T: TryFrom<OwnedValue>>(c: &Connection, path: &str, iface: &str, prop: &str) -> T
where
    T::Error: std::fmt::Debug,
{
    let v: OwnedValue = call(c, path, "org.freedesktop.DBus.Properties", "Get", &(iface, prop)).unwrap();
    T::try_from(v).unwrap()
}

fn recorder(c: &Connection, name: &str) -> String {
    let list: Vec<(String, OwnedObjectPath)> =
        call(c, MANAGER, "org.redburn.Redburn1.Manager", "ListRecorders", &()).unwrap();
    list.into_iter().find(|(n, _)| n == name).map(|(_, p)| p.to_string()).unwrap_or_else(|| panic!("no {name}"))
}

/// The error name of a failed call.
fn error_name(e: &zbus::Error) -> String {
    match e {
        zbus::Error::MethodError(name, _, _) => name.to_string(),
        e => format!("not a method error: {e}"),
    }
}

fn error_text(e: &zbus::Error) -> String {
    match e {
        zbus::Error::MethodError(_, Some(text), _) => text.clone(),
        e => e.to_string(),
    }
}

type Results = Vec<(String, bool, String, String, u32)>;

/// `ReadToc`'s answer: tracks (number, LBA, sectors, ISRC, title, performer) and the disc.
type Toc = (Vec<(u8, i32, u32, String, String, String)>, HashMap<String, String>);

/// Starts a job and collects its signals until `Finished`: (member, body as text) in order,
/// and the results.
fn run_job(c: &Connection, job: &str) -> (Vec<(String, String)>, bool, Results) {
    let rule = zbus::MatchRule::builder()
        .msg_type(zbus::message::Type::Signal)
        .interface("org.redburn.Redburn1.Job")
        .unwrap()
        .path(job)
        .unwrap()
        .build();
    let mut signals = MessageIterator::for_match_rule(rule, c, Some(10_000)).unwrap();
    let _: () = call(c, job, "org.redburn.Redburn1.Job", "Start", &()).unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut seen = Vec::new();
    for m in signals.by_ref() {
        assert!(Instant::now() < deadline, "no Finished in time: {seen:?}");
        let m = m.unwrap();
        let member = m.header().member().unwrap().to_string();
        if member == "Finished" {
            let (ok, results): (bool, Results) = m.body().deserialize().unwrap();
            return (seen, ok, results);
        }
        let text = match member.as_str() {
            "Update" => {
                let (dev, fields): (String, HashMap<String, OwnedValue>) = m.body().deserialize().unwrap();
                let n = |k: &str| fields.get(k).and_then(|v| u64::try_from(v).ok()).unwrap_or(0);
                format!("{dev} {} {}", n("written"), n("total"))
            }
            "Phase" => {
                let (dev, phase, route, track, tracks): (String, String, String, u8, u8) =
                    m.body().deserialize().unwrap();
                format!("{dev} {phase} {route} {track}/{tracks}")
            }
            _ => format!("{:?}", m.body()),
        };
        seen.push((member, text));
    }
    panic!("the signals ended: {seen:?}");
}

fn options(pairs: &[(&str, Value<'_>)]) -> HashMap<String, OwnedValue> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), OwnedValue::try_from(v.clone()).unwrap())).collect()
}

#[test]
fn the_first_call_starts_redburnd_and_the_sample_album_burns_with_its_signals_in_order() {
    let bus = Bus::start();
    bus.drive("a");
    let c = bus.client();
    // Activation: redburnd was not running; the first call starts it.
    let version: u32 = get(&c, MANAGER, "org.redburn.Redburn1.Manager", "Version");
    assert_eq!(version, 1);
    let a = recorder(&c, "emu:a");
    assert_eq!(get::<String>(&c, &a, "org.redburn.Redburn1.Recorder", "MediaStatus"), "blank");
    assert_eq!(get::<String>(&c, &a, "org.redburn.Redburn1.Recorder", "VendorId"), "REDBURN");
    let files = [album("01-pluck-c.flac"), album("02-pluck-e.wav"), album("03-pluck-g.ogg")];
    let job: OwnedObjectPath = call(
        &c,
        MANAGER,
        "org.redburn.Redburn1.Manager",
        "Burn",
        &(vec!["emu:a"], files.to_vec(), options(&[("verify", true.into())])),
    )
    .unwrap();
    assert_eq!(get::<String>(&c, job.as_str(), "org.redburn.Redburn1.Job", "State"), "ready");
    let (seen, ok, results) = run_job(&c, job.as_str());
    assert!(ok, "{results:?}");
    assert_eq!(results, [("emu:a".to_owned(), true, String::new(), String::new(), 0)]);
    // Phases in order: each track written, closed, verified, done; progress to the end.
    let phases: Vec<&str> = seen.iter().filter(|s| s.0 == "Phase").map(|s| s.1.as_str()).collect();
    let want = [
        "emu:a writing tao 1/3",
        "emu:a writing tao 2/3",
        "emu:a writing tao 3/3",
        "emu:a closing tao 0/0",
        "emu:a verifying  0/0",
        "emu:a done  0/0",
    ];
    let mut at = 0;
    for p in &phases {
        if at < want.len() && *p == want[at] {
            at += 1;
        }
    }
    assert_eq!(at, want.len(), "{phases:?}");
    let updates: Vec<(u64, u64)> = seen
        .iter()
        .filter(|s| s.0 == "Update")
        .map(|s| {
            let v: Vec<u64> = s.1.split(' ').skip(1).map(|n| n.parse().unwrap()).collect();
            (v[0], v[1])
        })
        .collect();
    assert!(!updates.is_empty() && updates.windows(2).all(|w| w[0].0 <= w[1].0), "{updates:?}");
    let (last, total) = *updates.last().unwrap();
    assert_eq!(last, total, "the last Update is the end: {updates:?}");
    assert_eq!(get::<String>(&c, job.as_str(), "org.redburn.Redburn1.Job", "State"), "succeeded");
    // The last Update, kept for a client that looks instead of listening.
    let progress: HashMap<String, HashMap<String, OwnedValue>> =
        get(&c, job.as_str(), "org.redburn.Redburn1.Job", "Progress");
    let a_now = &progress["emu:a"];
    let n = |k: &str| u64::try_from(&a_now[k]).unwrap();
    assert!(n("written") == n("total") && n("total") > 0, "{progress:?}");
    // The disc, as the bus reads it.
    let (tracks, disc): Toc = call(&c, &a, "org.redburn.Redburn1.Recorder", "ReadToc", &()).unwrap();
    assert_eq!(tracks.len(), 3);
    assert_eq!(disc.get("status").map(String::as_str), Some("finalized"));
    assert_eq!(get::<String>(&c, &a, "org.redburn.Redburn1.Recorder", "MediaStatus"), "finalized");
}

#[test]
fn exclusive_access_is_a_lease_of_one_client_that_goes_with_it() {
    let bus = Bus::start();
    bus.drive("b");
    let (holder, other) = (bus.client(), bus.client());
    let b = recorder(&holder, "emu:b");
    // Every client hears who holds the recorder.
    let rule = zbus::MatchRule::builder()
        .msg_type(zbus::message::Type::Signal)
        .interface("org.freedesktop.DBus.Properties")
        .unwrap()
        .path(b.as_str())
        .unwrap()
        .build();
    let mut changes = MessageIterator::for_match_rule(rule, &other, Some(16)).unwrap();
    let _: () =
        call(&holder, &b, "org.redburn.Redburn1.Recorder", "AcquireExclusiveAccess", &(false, "Rhythmbox")).unwrap();
    assert_eq!(get::<String>(&other, &b, "org.redburn.Redburn1.Recorder", "ExclusiveAccessOwner"), "Rhythmbox");
    let changed = changes.next().unwrap().unwrap();
    let (iface, props, _): (String, HashMap<String, OwnedValue>, Vec<String>) = changed.body().deserialize().unwrap();
    assert_eq!(iface, "org.redburn.Redburn1.Recorder");
    assert_eq!(<&str>::try_from(&props["ExclusiveAccessOwner"]).unwrap(), "Rhythmbox");
    // Another client: refused with the holder's name, for a burn and for the lease.
    let file = album("02-pluck-e.wav");
    let e = call::<_, OwnedObjectPath>(
        &other,
        MANAGER,
        "org.redburn.Redburn1.Manager",
        "Burn",
        &(vec!["emu:b"], vec![file.clone()], options(&[])),
    )
    .unwrap_err();
    assert_eq!(error_name(&e), "org.redburn.Redburn1.Error.RecorderLocked");
    assert!(error_text(&e).contains("Rhythmbox") && error_text(&e).contains("0xC0AA0210"), "{}", error_text(&e));
    let e = call::<_, ()>(&other, &b, "org.redburn.Redburn1.Recorder", "AcquireExclusiveAccess", &(false, "K3b"))
        .unwrap_err();
    assert_eq!(error_name(&e), "org.redburn.Redburn1.Error.RecorderLocked");
    // Counted: two acquisitions need two releases.
    let _: () =
        call(&holder, &b, "org.redburn.Redburn1.Recorder", "AcquireExclusiveAccess", &(false, "Rhythmbox")).unwrap();
    let _: () = call(&holder, &b, "org.redburn.Redburn1.Recorder", "ReleaseExclusiveAccess", &()).unwrap();
    assert_eq!(get::<String>(&other, &b, "org.redburn.Redburn1.Recorder", "ExclusiveAccessOwner"), "Rhythmbox");
    // The holder burns on its own lease.
    let job: OwnedObjectPath =
        call(&holder, MANAGER, "org.redburn.Redburn1.Manager", "Burn", &(vec!["emu:b"], vec![file], options(&[])))
            .unwrap();
    let (_, ok, results) = run_job(&holder, job.as_str());
    assert!(ok, "{results:?}");
    assert_eq!(get::<String>(&other, &b, "org.redburn.Redburn1.Recorder", "ExclusiveAccessOwner"), "Rhythmbox");
    // The holder goes away without releasing: the lease goes with it.
    drop(holder);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !get::<String>(&other, &b, "org.redburn.Redburn1.Recorder", "ExclusiveAccessOwner").is_empty() {
        assert!(Instant::now() < deadline, "the lease outlived its client");
        std::thread::sleep(Duration::from_millis(50));
    }
    let _: () = call(&other, &b, "org.redburn.Redburn1.Recorder", "AcquireExclusiveAccess", &(false, "K3b")).unwrap();
    assert_eq!(get::<String>(&other, &b, "org.redburn.Redburn1.Recorder", "ExclusiveAccessOwner"), "K3b");
}

#[test]
fn audio_passed_as_file_descriptors_burns_and_bad_calls_get_named_errors() {
    let bus = Bus::start();
    bus.drive("c");
    let c = bus.client();
    // A sheet and its files by descriptor, under the names the sheet gives them.
    let names = ["album.cue", "01-pluck-c.flac", "02-pluck-e.wav", "03-pluck-g.ogg"];
    let fds: Vec<(String, zbus::zvariant::OwnedFd)> = names
        .iter()
        .map(|n| {
            let f = std::fs::File::open(album(n)).unwrap();
            ((*n).to_owned(), std::os::fd::OwnedFd::from(f).into())
        })
        .collect();
    let job: OwnedObjectPath =
        call(&c, MANAGER, "org.redburn.Redburn1.Manager", "BurnFiles", &(vec!["emu:c"], fds, options(&[]))).unwrap();
    let (seen, ok, results) = run_job(&c, job.as_str());
    assert!(ok, "{results:?} {seen:?}");
    assert!(seen.iter().any(|s| s.1 == "emu:c writing dao 0/3"), "{seen:?}");
    let cr = recorder(&c, "emu:c");
    let (tracks, _): Toc = call(&c, &cr, "org.redburn.Redburn1.Recorder", "ReadToc", &()).unwrap();
    assert_eq!(tracks.len(), 3);
    assert!(tracks.iter().any(|t| !t.4.is_empty()), "the sheet's CD-TEXT titles: {tracks:?}");

    // Bad calls: each a named error, and the service serves on.
    let burn = |recorders: Vec<&str>, inputs: Vec<String>, o: HashMap<String, OwnedValue>| {
        call::<_, OwnedObjectPath>(&c, MANAGER, "org.redburn.Redburn1.Manager", "Burn", &(recorders, inputs, o))
            .unwrap_err()
    };
    let wav = album("02-pluck-e.wav");
    let cases = [
        (burn(vec!["emu:c"], vec![wav.clone()], options(&[("mode", "fast".into())])), "InvalidArgs", "mode"),
        (burn(vec!["emu:c"], vec![wav.clone()], options(&[("colour", true.into())])), "InvalidArgs", "colour"),
        (burn(vec!["emu:c"], vec!["02-pluck-e.wav".into()], options(&[])), "InvalidArgs", "absolute"),
        (burn(vec!["emu:c"], vec!["/nonexistent/a.flac".into()], options(&[])), "AccessDenied", "cannot be read"),
        (burn(vec![], vec![wav.clone()], options(&[])), "InvalidArgs", "no recorder"),
        (burn(vec!["emu:zz"], vec![wav.clone()], options(&[])), "Error.FileNotFound", "no emulated drive \"zz\""),
        (burn(vec!["emu:c", "emu:c"], vec![wav.clone()], options(&[])), "InvalidArgs", "twice"),
        (burn(vec!["emu:c"], vec![wav.clone()], options(&[("normalize", "loud".into())])), "InvalidArgs", "normalize"),
        (burn(vec!["emu:c"], vec![wav.clone()], options(&[("target_lufs", 5.0.into())])), "InvalidArgs", "target_lufs"),
    ];
    for (e, name, text) in &cases {
        assert!(error_name(e).ends_with(name), "{}: {}", error_name(e), error_text(e));
        assert!(error_text(e).contains(text), "{}", error_text(e));
    }
    // A descriptor that is not a regular file.
    let (r, _w) = std::io::pipe().unwrap();
    let pipe: zbus::zvariant::OwnedFd = std::os::fd::OwnedFd::from(r).into();
    let e = call::<_, OwnedObjectPath>(
        &c,
        MANAGER,
        "org.redburn.Redburn1.Manager",
        "BurnFiles",
        &(vec!["emu:c"], vec![("a.wav".to_owned(), pipe)], options(&[])),
    )
    .unwrap_err();
    assert!(error_text(&e).contains("not a regular file"), "{}", error_text(&e));
    // A finalized disc: refused by the call, with IMAPI's name, before anything is decoded.
    let e = call::<_, OwnedObjectPath>(
        &c,
        MANAGER,
        "org.redburn.Redburn1.Manager",
        "Burn",
        &(vec!["emu:c"], vec![wav], options(&[])),
    )
    .unwrap_err();
    assert_eq!(error_name(&e), "org.redburn.Redburn1.Error.MediaIsNotBlank", "{}", error_text(&e));
    assert!(error_text(&e).contains("emu:c: the disc is finalized"), "{}", error_text(&e));
    // And the recorder was let go: another call finds it free.
    let _: () = call(&c, &cr, "org.redburn.Redburn1.Recorder", "EjectMedia", &()).unwrap();
    // A playlist, normalised and verified.
    bus.drive("n");
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("mix.m3u");
    std::fs::write(&list, format!("{}\n{}\n", album("01-pluck-c.flac"), album("02-pluck-e.wav"))).unwrap();
    let o = options(&[("normalize", "track".into()), ("target_lufs", (-20.0).into()), ("verify", true.into())]);
    let job: OwnedObjectPath =
        call(&c, MANAGER, "org.redburn.Redburn1.Manager", "Burn", &(vec!["emu:n"], vec![list.to_str().unwrap()], o))
            .unwrap();
    let (seen, ok, results) = run_job(&c, job.as_str());
    assert!(ok, "{results:?} {seen:?}");
    let version: u32 = get(&c, MANAGER, "org.redburn.Redburn1.Manager", "Version");
    assert_eq!(version, 1);
}

#[test]
fn three_clients_burn_three_recorders_at_once_and_one_cancels() {
    let bus = Bus::start();
    for n in ["x", "y", "z"] {
        bus.drive(n);
    }
    // A slow one to cancel: each WRITE takes 100 ms (about 4 s for the two tracks).
    bus.drive("slow");
    {
        let mut d = emu::Drive::open(&bus.home.path().join("drives/slow")).unwrap();
        let stall = emu::Action::Stall { ms: 100 };
        d.add_fault(emu::Fault { trigger: emu::Trigger::Command { opcode: 0x2A }, action: stall, once: false })
            .unwrap();
    }
    let files = vec![album("01-pluck-c.flac"), album("02-pluck-e.wav")];
    let handles: Vec<_> = ["emu:x", "emu:y", "emu:z"]
        .into_iter()
        .map(|dev| {
            let (address, files) = (bus.address.clone(), files.clone());
            std::thread::spawn(move || {
                let c = zbus::blocking::connection::Builder::address(address.as_str()).unwrap().build().unwrap();
                let job: OwnedObjectPath =
                    call(&c, MANAGER, "org.redburn.Redburn1.Manager", "Burn", &(vec![dev], files, options(&[])))
                        .unwrap();
                run_job(&c, job.as_str())
            })
        })
        .collect();
    // Meanwhile a fourth client starts a long burn and cancels it from another connection.
    let c = bus.client();
    let job: OwnedObjectPath =
        call(&c, MANAGER, "org.redburn.Redburn1.Manager", "Burn", &(vec!["emu:slow"], files.clone(), options(&[])))
            .unwrap();
    let other = bus.client();
    let canceller = {
        let path = job.to_string();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(1500));
            let _: () = call(&other, &path, "org.redburn.Redburn1.Job", "Cancel", &()).unwrap();
        })
    };
    let (seen, ok, results) = run_job(&c, job.as_str());
    canceller.join().unwrap();
    assert!(!ok, "{results:?}");
    assert_eq!(results[0].2, "org.redburn.Redburn1.Error.RequestCancelled", "{results:?} {seen:?}");
    assert_eq!(get::<String>(&c, job.as_str(), "org.redburn.Redburn1.Job", "State"), "cancelled");
    for h in handles {
        let (_, ok, results) = h.join().unwrap();
        assert!(ok, "{results:?}");
    }
}

#[test]
fn a_disc_is_copied_read_and_a_cd_rw_blanked_through_the_bus() {
    let bus = Bus::start();
    bus.drive("src");
    bus.drive("dst");
    bus.drive_with("rw", emu::DriveConfig::default(), emu::MediaKind::Cdrw80);
    let c = bus.client();
    let job: OwnedObjectPath = call(
        &c,
        MANAGER,
        "org.redburn.Redburn1.Manager",
        "Burn",
        &(vec!["emu:src", "emu:rw"], vec![album("album.cue")], options(&[])),
    )
    .unwrap();
    assert!(run_job(&c, job.as_str()).1);
    // Copy, verified.
    let job: OwnedObjectPath = call(
        &c,
        MANAGER,
        "org.redburn.Redburn1.Manager",
        "Copy",
        &("emu:src", vec!["emu:dst"], options(&[("verify", true.into())])),
    )
    .unwrap();
    assert_eq!(get::<String>(&c, job.as_str(), "org.redburn.Redburn1.Job", "Kind"), "copy");
    let (seen, ok, results) = run_job(&c, job.as_str());
    assert!(ok, "{results:?}");
    assert!(seen.iter().any(|s| s.0 == "Update" && s.1.starts_with("emu:src")), "the read's progress: {seen:?}");
    let dst = recorder(&c, "emu:dst");
    let (tracks, disc): Toc = call(&c, &dst, "org.redburn.Redburn1.Recorder", "ReadToc", &()).unwrap();
    assert_eq!((tracks.len(), disc.contains_key("catalog")), (3, true), "{tracks:?} {disc:?}");
    // Read into an image of the caller's.
    let out = bus.home.path().join("img");
    std::fs::create_dir(&out).unwrap();
    let cue = out.join("disc.cue").display().to_string();
    let job: OwnedObjectPath =
        call(&c, MANAGER, "org.redburn.Redburn1.Manager", "Read", &("emu:dst", cue.clone(), options(&[]))).unwrap();
    assert!(run_job(&c, job.as_str()).1);
    assert!(out.join("disc.bin").exists() && out.join("disc.cue").exists());
    // Blank the CD-RW; a CD-R cannot be.
    let rw = recorder(&c, "emu:rw");
    let job: OwnedObjectPath = call(&c, &rw, "org.redburn.Redburn1.Recorder", "Blank", &(false,)).unwrap();
    assert!(run_job(&c, job.as_str()).1);
    assert_eq!(get::<String>(&c, &rw, "org.redburn.Redburn1.Recorder", "MediaStatus"), "blank");
    let job: OwnedObjectPath = call(&c, &dst, "org.redburn.Redburn1.Recorder", "Blank", &(false,)).unwrap();
    let (_, ok, results) = run_job(&c, job.as_str());
    assert!(!ok && results[0].3.contains("only a CD-RW"), "{results:?}");
    // A copy refused at once: zero copies.
    let e = call::<_, OwnedObjectPath>(
        &c,
        MANAGER,
        "org.redburn.Redburn1.Manager",
        "Copy",
        &("emu:src", vec!["emu:dst"], options(&[("copies", 0u32.into())])),
    )
    .unwrap_err();
    assert_eq!(error_name(&e), "org.freedesktop.DBus.Error.InvalidArgs");
}

#[test]
fn redburnd_leaves_when_idle_and_the_next_call_starts_it_again() {
    let bus = Bus::with_idle(1);
    let c = bus.client();
    assert!(!bus.serving(&c));
    let _: u32 = get(&c, MANAGER, "org.redburn.Redburn1.Manager", "Version");
    assert!(bus.serving(&c));
    let deadline = Instant::now() + Duration::from_secs(20);
    while bus.serving(&c) {
        assert!(Instant::now() < deadline, "redburnd did not leave when idle");
        std::thread::sleep(Duration::from_millis(100));
    }
    let _: u32 = get(&c, MANAGER, "org.redburn.Redburn1.Manager", "Version");
    assert!(bus.serving(&c));
}

/// The `<interface name="org.redburn.Redburn1.…">` elements of an introspection, whitespace
/// made even.
fn redburn_interfaces(xml: &str) -> String {
    // The members' doc comments (zbus puts them in as XML comments) are the source's.
    let mut bare = String::new();
    let mut rest = xml;
    while let Some(at) = rest.find("<!--") {
        bare.push_str(&rest[..at]);
        rest = rest[at..].find("-->").map_or("", |end| &rest[at + end + 3..]);
    }
    bare.push_str(rest);
    let mut out = String::new();
    let mut rest = bare.as_str();
    while let Some(at) = rest.find("<interface name=\"org.redburn.Redburn1.") {
        let end = rest[at..].find("</interface>").expect("a closed interface") + at + "</interface>".len();
        for line in rest[at..end].lines() {
            let line = line.trim();
            if !line.is_empty() {
                let depth = usize::from(!line.starts_with("<interface") && !line.starts_with("</interface"))
                    + usize::from(line.starts_with("<arg") || line.starts_with("<annotation"));
                out.push_str(&"  ".repeat(depth));
                out.push_str(line);
                out.push('\n');
            }
        }
        rest = &rest[end..];
    }
    out
}

/// docs/dbus.md shows the interfaces as the service introspects them (REDBURN_BLESS=1
/// rewrites the block between its markers).
#[test]
fn the_introspection_is_what_docs_dbus_md_shows() {
    let bus = Bus::start();
    bus.drive("i");
    let c = bus.client();
    let introspect =
        |path: &str| -> String { call(&c, path, "org.freedesktop.DBus.Introspectable", "Introspect", &()).unwrap() };
    let a = recorder(&c, "emu:i");
    let job: OwnedObjectPath = call(
        &c,
        MANAGER,
        "org.redburn.Redburn1.Manager",
        "Burn",
        &(vec!["emu:i"], vec![album("02-pluck-e.wav")], options(&[])),
    )
    .unwrap();
    // Each interface once, in a fixed order (an object's introspection may show its
    // children's too).
    let all = [introspect(MANAGER), introspect(&a), introspect(job.as_str())].map(|x| redburn_interfaces(&x)).concat();
    let xml: String = ["Manager", "Recorder", "Job"]
        .iter()
        .map(|name| {
            let head = format!("<interface name=\"org.redburn.Redburn1.{name}\">");
            let at = all.find(&head).unwrap_or_else(|| panic!("no {name} interface in {all}"));
            let end = all[at..].find("</interface>\n").unwrap() + at + "</interface>\n".len();
            all[at..end].to_owned()
        })
        .collect();
    let _: () = call(&c, job.as_str(), "org.redburn.Redburn1.Job", "Cancel", &()).unwrap();
    let doc_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/dbus.md");
    let doc = std::fs::read_to_string(&doc_path).unwrap();
    let (begin, end) = ("<!-- introspection: begin -->\n```xml\n", "```\n<!-- introspection: end -->");
    let from = doc.find(begin).expect("the introspection's begin marker") + begin.len();
    let to = doc.find(end).expect("the introspection's end marker");
    if std::env::var_os("REDBURN_BLESS").is_some() {
        std::fs::write(&doc_path, format!("{}{xml}{}", &doc[..from], &doc[to..])).unwrap();
        return;
    }
    assert_eq!(
        doc[from..to],
        xml,
        "docs/dbus.md's introspection differs from the service's (REDBURN_BLESS=1 rewrites it)"
    );
}

/// examples/dbus: the gdbus shell example and the Python (Gio) playlist example, run as a
/// person would run them, against the private bus.
#[test]
fn the_dbus_examples_burn_with_progress() {
    let bus = Bus::start();
    bus.drive("sh");
    bus.drive("py");
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/dbus");
    // (timeout: a hung example fails the test rather than stopping the run.)
    let out = Command::new("timeout")
        .args(["120", "sh"])
        .arg(examples.join("burn.sh"))
        .args(["emu:sh", &album("01-pluck-c.flac"), &album("02-pluck-e.wav")])
        .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
        .output()
        .expect("sh runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    for want in ["phase ('emu:sh', 'writing', 'tao', byte 0x01, byte 0x02)", "written ", "finished (true"] {
        assert!(text.contains(want), "{want:?} missing from:\n{text}");
    }
    // A playlist beside its files, as players write them.
    let dir = tempfile::tempdir().unwrap();
    for f in ["01-pluck-c.flac", "03-pluck-g.ogg"] {
        std::fs::copy(album(f), dir.path().join(f)).unwrap();
    }
    std::fs::write(dir.path().join("list.m3u"), "#EXTM3U\n01-pluck-c.flac\n03-pluck-g.ogg\n").unwrap();
    let out = Command::new("timeout")
        .args(["120", "/usr/bin/python3"])
        .arg(examples.join("burn-playlist.py"))
        .arg(dir.path().join("list.m3u"))
        .arg("emu:py")
        .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
        .output()
        .expect("python3 runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    for want in ["emu:py: writing track 1 of 2", "emu:py: 100%", "emu:py: verifying", "emu:py: burned"] {
        assert!(text.contains(want), "{want:?} missing from:\n{text}");
    }
}

/// The rule for paths: only a caller of the service's own Unix user has paths read for it;
/// another user (here `nobody`, when the test may switch to it) must pass descriptors. And
/// while a client holds a recorder, no other program opens it (the library's lock).
#[test]
fn another_users_paths_are_refused_and_a_lease_keeps_every_program_out() {
    let bus = Bus::start();
    bus.drive("u");
    let c = bus.client();
    let wav = album("02-pluck-e.wav");
    let _: u32 = get(&c, MANAGER, "org.redburn.Redburn1.Manager", "Version");
    let root = std::fs::metadata("/proc/self").map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0).unwrap();
    if root {
        let out = Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "gdbus", "call", "--session"])
            .args(["--dest", BUS, "--object-path", MANAGER, "--method", "org.redburn.Redburn1.Manager.Burn"])
            .args(["['emu:u']", &format!("['{wav}']"), "{}"])
            .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
            .output()
            .expect("setpriv runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
        assert!(
            err.contains("org.freedesktop.DBus.Error.AccessDenied") && err.contains("pass file descriptors"),
            "{err}"
        );
    } else {
        // Not root: a file this user cannot read is refused by name.
        let locked = bus.home.path().join("locked.wav");
        std::fs::copy(&wav, &locked).unwrap();
        std::fs::set_permissions(&locked, std::os::unix::fs::PermissionsExt::from_mode(0o000)).unwrap();
        let e = call::<_, OwnedObjectPath>(
            &c,
            MANAGER,
            "org.redburn.Redburn1.Manager",
            "Burn",
            &(vec!["emu:u"], vec![locked.display().to_string()], options(&[])),
        )
        .unwrap_err();
        assert_eq!(error_name(&e), "org.freedesktop.DBus.Error.AccessDenied", "{}", error_text(&e));
    }
    // A lease held through the bus keeps the drive from any other program.
    let u = recorder(&c, "emu:u");
    let _: () =
        call(&c, &u, "org.redburn.Redburn1.Recorder", "AcquireExclusiveAccess", &(false, "Quod Libet")).unwrap();
    let direct = emu::Drive::open(&bus.home.path().join("drives/u"));
    assert!(matches!(direct, Err(emu::EmuError::Busy(_))), "{direct:?}");
    let _: () = call(&c, &u, "org.redburn.Redburn1.Recorder", "ReleaseExclusiveAccess", &()).unwrap();
    assert!(emu::Drive::open(&bus.home.path().join("drives/u")).is_ok());
}

/// A recorder made while the service runs appears (RecorderAdded) and one removed goes.
#[test]
fn recorders_that_come_and_go_are_announced() {
    let bus = Bus::start();
    let c = bus.client();
    let _: u32 = get(&c, MANAGER, "org.redburn.Redburn1.Manager", "Version");
    let rule = zbus::MatchRule::builder()
        .msg_type(zbus::message::Type::Signal)
        .interface("org.redburn.Redburn1.Manager")
        .unwrap()
        .build();
    let mut signals = MessageIterator::for_match_rule(rule, &c, Some(16)).unwrap();
    bus.drive("late");
    let m = signals.next().unwrap().unwrap();
    assert_eq!(m.header().member().unwrap().as_str(), "RecorderAdded");
    let (path,): (OwnedObjectPath,) = m.body().deserialize().unwrap();
    assert_eq!(path.as_str(), "/org/redburn/Redburn1/recorders/emu_3alate");
    assert_eq!(recorder(&c, "emu:late"), path.as_str());
    std::fs::remove_dir_all(bus.home.path().join("drives/late")).unwrap();
    let m = signals.next().unwrap().unwrap();
    assert_eq!(m.header().member().unwrap().as_str(), "RecorderRemoved");
    let list: Vec<(String, OwnedObjectPath)> =
        call(&c, MANAGER, "org.redburn.Redburn1.Manager", "ListRecorders", &()).unwrap();
    assert!(list.iter().all(|(n, _)| n != "emu:late"), "{list:?}");
}
