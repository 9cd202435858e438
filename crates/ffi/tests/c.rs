//! libredburn from C: the header is what cbindgen makes of the source, and
//! examples/c/burn.c — built through pkg-config against an installed copy, and statically —
//! burns, cancels, fails and verifies on the emulated recorder, under valgrind with no leak
//! or invalid access.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// libredburn.so and .a, built here once: `cargo test` builds a crate's library for its
/// tests only as an rlib, which this crate does not make (its name would be the Rust
/// library's), and leaves target/debug as it was (as the shim's tests say).
fn libs() -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            let exe = std::env::current_exe().unwrap();
            let dir = exe.parent().unwrap().parent().unwrap().to_owned();
            let status = Command::new(env!("CARGO"))
                .args(["build", "-q", "-p", "redburn-ffi", "--lib"])
                .current_dir(root())
                .status()
                .expect("cargo runs");
            assert!(status.success(), "cargo build -p redburn-ffi failed");
            assert!(dir.join("libredburn.so").exists(), "libredburn.so not built in {}", dir.display());
            dir
        })
        .clone()
}

#[test]
fn the_header_is_what_cbindgen_makes_of_the_source() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).unwrap();
    let mut made = Vec::new();
    cbindgen::Builder::new().with_crate(crate_dir).with_config(config).generate().unwrap().write(&mut made);
    let path = crate_dir.join("include/redburn.h");
    if std::env::var_os("REDBURN_BLESS").is_some() {
        std::fs::write(&path, &made).unwrap();
    }
    let kept = std::fs::read(&path).unwrap_or_default();
    assert!(
        kept == made,
        "crates/ffi/include/redburn.h is out of date: REDBURN_BLESS=1 cargo test -p redburn-ffi --test c rewrites it"
    );
    // A few of the declarations C programs rely on, as the header spells them.
    let h = String::from_utf8(made).unwrap();
    for decl in [
        "int32_t rb_recorder_open(const char *name, struct rb_recorder **out);",
        "typedef bool (*rb_tao_update_fn)(const struct rb_tao_update *update, void *user);",
        "#define RB_E_IMAPI_REQUEST_CANCELLED (int32_t)3232366594",
        "int32_t rb_cancel_request(const struct rb_cancel *c);",
    ] {
        assert!(h.contains(decl), "the header lacks {decl:?}");
    }
}

struct Built {
    _dir: tempfile::TempDir,
    dynamic: PathBuf,
    fully_static: PathBuf,
    cancel: PathBuf,
    job: PathBuf,
    v1: PathBuf,
    raw: PathBuf,
    copy: PathBuf,
}

fn cc(args: &[&str]) {
    let out = Command::new("cc").args(args).output().expect("cc runs");
    assert!(out.status.success(), "cc {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// Installs libredburn into a prefix (scripts/install-lib), builds the example with the flags
/// pkg-config gives, and once more against libredburn.a alone.
fn build() -> Built {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("prefix");
    let status =
        Command::new(root().join("scripts/install-lib")).arg("--from").arg(libs()).arg(&prefix).status().unwrap();
    assert!(status.success());
    let pc = Command::new("pkg-config")
        .args(["--cflags", "--libs", "redburn"])
        .env("PKG_CONFIG_PATH", prefix.join("lib/pkgconfig"))
        .output()
        .expect("pkg-config runs");
    assert!(pc.status.success(), "{}", String::from_utf8_lossy(&pc.stderr));
    let flags = String::from_utf8(pc.stdout).unwrap();
    assert!(flags.contains(&format!("-I{}/include", prefix.display())) && flags.contains("-lredburn"), "{flags}");
    let source = root().join("examples/c/burn.c");
    let (src, dynamic, fully_static) =
        (source.to_str().unwrap(), dir.path().join("burn"), dir.path().join("burn-static"));
    let rpath = format!("-Wl,-rpath,{}/lib", prefix.display());
    let mut args = vec!["-std=c11", "-Wall", "-Wextra", "-Werror", "-g", src, "-o", dynamic.to_str().unwrap(), &rpath];
    args.extend(flags.split_whitespace());
    cc(&args);
    let include = format!("-I{}/include", prefix.display());
    let archive = prefix.join("lib/libredburn.a");
    cc(&[
        "-std=c11",
        "-Wall",
        "-Werror",
        &include,
        src,
        archive.to_str().unwrap(),
        "-lpthread",
        "-ldl",
        "-lm",
        "-o",
        fully_static.to_str().unwrap(),
    ]);
    let built = |name: &str| {
        let out = dir.path().join(name);
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/{name}.c"));
        let mut args =
            vec!["-std=c11", "-Wall", "-Wextra", "-Werror", "-g", src.to_str().unwrap(), "-o", out.to_str().unwrap()];
        args.push(&rpath);
        args.extend(flags.split_whitespace());
        args.push("-lpthread");
        cc(&args);
        out
    };
    let (cancel, job, v1, raw, copy) = (built("cancel"), built("job"), built("v1"), built("raw"), built("copy"));
    Built { _dir: dir, dynamic, fully_static, cancel, job, v1, raw, copy }
}

fn album(name: &str) -> String {
    root().join("examples/album").join(name).display().to_string()
}

fn run(program: &Path, home: &Path, args: &[&str], valgrind: bool) -> Output {
    let mut c = if valgrind {
        let mut c = Command::new("valgrind");
        c.args([
            "-q",
            "--error-exitcode=99",
            "--leak-check=full",
            "--errors-for-leak-kinds=definite,indirect",
            "--show-leak-kinds=definite,indirect",
        ])
        .arg(program);
        c
    } else {
        Command::new(program)
    };
    c.args(args).env("REDBURN_HOME", home).env_remove("REDBURN_DEVICE").output().expect("the example runs")
}

fn text(o: &Output) -> (String, String) {
    (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

/// A 44.1 kHz 16-bit stereo WAV of `seconds` of a ramp.
fn wav(path: &Path, seconds: u32) {
    let data = seconds * 44_100 * 4;
    let mut b = Vec::with_capacity(44 + data as usize);
    b.extend_from_slice(b"RIFF");
    b.extend_from_slice(&(36 + data).to_le_bytes());
    b.extend_from_slice(b"WAVEfmt ");
    b.extend_from_slice(&[16, 0, 0, 0, 1, 0, 2, 0]);
    b.extend_from_slice(&44_100u32.to_le_bytes());
    b.extend_from_slice(&(44_100u32 * 4).to_le_bytes());
    b.extend_from_slice(&[4, 0, 16, 0]);
    b.extend_from_slice(b"data");
    b.extend_from_slice(&data.to_le_bytes());
    b.extend((0..data).map(|i| (i * 7 % 251) as u8));
    std::fs::write(path, b).unwrap();
}

#[test]
fn the_c_example_burns_verifies_cancels_and_fails_as_the_header_says() {
    let built = build();
    let files = [album("01-pluck-c.flac"), album("02-pluck-e.wav"), album("03-pluck-g.ogg")];
    let files: Vec<&str> = files.iter().map(String::as_str).collect();

    // Under valgrind (short audio: it runs some 50 times slower): track-at-once and verify,
    // no invalid access, no leak.
    let scratch = tempfile::tempdir().unwrap();
    let short = scratch.path().join("short.wav");
    wav(&short, 4);
    let home = tempfile::tempdir().unwrap();
    let o = run(&built.dynamic, home.path(), &["emu:default", short.to_str().unwrap()], true);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "stdout:\n{out}\nstderr:\n{err}");
    assert!(out.contains("wrote 1 tracks") && out.contains("verify track 1: ok"), "{out}");

    // The album of three formats, track-at-once and verified.
    let home = tempfile::tempdir().unwrap();
    let mut args = vec!["emu:default"];
    args.extend(&files);
    let o = run(&built.dynamic, home.path(), &args, false);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "stdout:\n{out}\nstderr:\n{err}");
    for line in [
        "emu:default: REDBURN EMULATED CD-RW 1.00",
        "writer: client burn.c, finalize yes, BUFE on",
        "medium: type 2, status 0,",
        "track 1: preparing",
        "track 1: writing",
        "track 3: writing",
        "wrote 3 tracks",
        "verify track 1: ok, CRC32",
        "verify track 3: ok, CRC32",
        "verified: the disc holds exactly the sources",
    ] {
        assert!(out.contains(line), "{line:?} missing from:\n{out}");
    }

    // The same disc again: finalized, refused by PrepareMedia with IMAPI's code.
    let o = run(&built.dynamic, home.path(), &args, false);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err.contains("rb_tao_prepare_media(tao) failed")
            && err.contains("(E_IMAPI_DF2TAO_MEDIA_IS_NOT_BLANK, 0xC0AA0506)"),
        "{err}"
    );

    // Cancelled from the Update callback halfway through track 1.
    let home = tempfile::tempdir().unwrap();
    let o = run(&built.dynamic, home.path(), &["--stop-at", "50", "emu:default", short.to_str().unwrap()], true);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}\n{err}");
    assert!(out.contains("track 1: stopping at"), "{out}");
    assert!(err.contains("(E_IMAPI_REQUEST_CANCELLED, 0xC0AA0002)"), "{err}");

    // A file that is not audio: named, before anything of it is written.
    let home = tempfile::tempdir().unwrap();
    let not_audio = root().join("examples/album/album.cue");
    let o = run(&built.dynamic, home.path(), &["emu:default", not_audio.to_str().unwrap()], false);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err.contains("album.cue failed:") && err.contains("(E_IMAPI_DF2TAO_STREAM_NOT_SUPPORTED, 0xC0AA050D)"),
        "{err}"
    );

    // A drive name that is not one.
    let o = run(&built.dynamic, home.path(), &["emu:../x", files[0]], false);
    let (_, err) = text(&o);
    assert!(err.contains("\"../x\" is not a valid drive name") && err.contains("(E_INVALIDARG, 0x80070057)"), "{err}");
}

#[test]
fn the_statically_linked_example_burns_a_sheet_disc_at_once() {
    let built = build();
    let home = tempfile::tempdir().unwrap();
    let sheet = album("album.cue");
    let o = run(&built.fully_static, home.path(), &["--sheet", "emu:default", &sheet], false);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "stdout:\n{out}\nstderr:\n{err}");
    assert!(out.contains("disc-at-once: ") && out.contains("sectors sent, closing the session"), "{out}");
    assert!(
        out.contains("verify track 3: ok") && out.contains("verified: the disc holds exactly the sources"),
        "{out}"
    );
    // A sheet with a problem: its file and line, E_INVALIDARG, nothing written.
    let bad = home.path().join("bad.cue");
    std::fs::write(&bad, "FILE \"missing.wav\" WAVE\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n").unwrap();
    let o = run(&built.fully_static, home.path(), &["--sheet", "emu:default", bad.to_str().unwrap()], false);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err.contains("bad.cue:1:") && err.contains("missing.wav") && err.contains("(E_INVALIDARG, 0x80070057)"),
        "{err}"
    );
}

#[test]
fn a_pcm_callback_track_is_cancelled_from_another_thread_then_one_is_written_whole() {
    let built = build();
    let home = tempfile::tempdir().unwrap();
    let o = run(&built.cancel, home.path(), &["emu:default"], true);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "stdout:\n{out}\nstderr:\n{err}");
    assert!(out.contains("track 1 cancelled from another thread after"), "{out}");
    assert!(out.contains("status 2,"), "the disc is finalized: {out}");
}

/// IMAPI v1's album burn from C, under valgrind: the speed descriptors, then every
/// `IDiscMasterProgressEvents` call in IMAPI v1's order, and a missing file refused before
/// anything is written.
#[test]
fn the_v1_album_burn_and_speed_descriptors_from_c() {
    let built = build();
    let home = tempfile::tempdir().unwrap();
    let (one, two) = (album("01-pluck-c.flac"), album("02-pluck-e.wav"));
    let o = run(&built.v1, home.path(), &["emu:default", &one, &two], true);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "stdout:\n{out}\nstderr:\n{err}");
    let events: Vec<&str> = out.lines().filter(|l| !l.starts_with("speed")).collect();
    assert_eq!(
        events,
        [
            "add 0/2",
            "add 1/2",
            "add 2/2",
            "track 0/2",
            "track 1/2",
            "track 2/2",
            "closing (3 s)",
            "complete 0x00000000",
            "disc: 2 tracks, status 2"
        ],
        "{out}"
    );
    assert!(out.lines().any(|l| l.starts_with("speed 3900 media 2 cav 0")), "52x first, CD-R: {out}");
}

/// IMAPI's raw disc-at-once from C, under valgrind: an image built from two files with an
/// ISRC, flags, an index and a catalog number, its expected TOC, and the writer's events.
#[test]
fn a_raw_image_is_built_and_written_from_c() {
    let built = build();
    let home = tempfile::tempdir().unwrap();
    let (one, two) = (album("01-pluck-c.flac"), album("02-pluck-e.wav"));
    let o = run(&built.raw, home.path(), &["emu:default", &one, &two], true);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "stdout:\n{out}\nstderr:\n{err}");
    assert!(out.contains("copy 1, pre-emphasis 1, 2 indexes"), "{out}");
    assert!(out.contains("tracks 1-2, track 1 ADR/CONTROL 13"), "ADR 1, CONTROL pre-emphasis + copy: {out}");
    assert!(out.contains("updates: preparing 1, writing 1, finishing 1, bad buffers 0"), "{out}");
    assert!(out.contains("disc: 2 tracks, status 2"), "{out}");
    // Read back: per-track WAVs and the sheet, nothing of the stopped read.
    assert!(out.contains("read: exact 1, 2 tracks"), "{out}");
    let mut left: Vec<String> = std::fs::read_dir(home.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    left.retain(|n| n.starts_with("copy") || n.starts_with("stopped"));
    assert_eq!(left, ["copy-01.wav", "copy-02.wav", "copy.cue"], "{out}");
}

/// An emulated drive `emu:NAME` under `home`, with a blank CD-R and the quirks named.
fn emulated(home: &Path, name: &str, quirks: &[&str]) -> PathBuf {
    let mut q = emu::Quirks::default();
    for n in quirks {
        q.set(n, None).unwrap();
    }
    let dir = home.join("drives").join(name);
    let config = emu::DriveConfig { quirks: q, ..emu::DriveConfig::default() };
    drop(emu::Drive::create(&dir, config, Some(emu::MediaKind::Cdr80)).unwrap());
    dir
}

fn status(drive: &Path) -> mmc::info::Status {
    let d = emu::Drive::open(drive).unwrap();
    let mut r = device::Recorder::new(d, &drive.display().to_string()).unwrap();
    r.media_info().unwrap().status
}

#[test]
fn the_burn_job_from_c_checks_first_falls_back_to_raw_and_burns_several_recorders() {
    let built = build();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let sheet = album("album.cue");
    // A drive that refuses CD-TEXT in its cue sheet and one that takes it, at once, verified.
    emulated(h, "rawtext", &["no_sao_cdtext"]);
    emulated(h, "plain", &[]);
    let o = run(&built.job, h, &["--verify", "emu:rawtext", "emu:plain", "--", &sheet], false);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "stdout:\n{out}\nstderr:\n{err}");
    for line in [
        "job: 3 tracks, 1740 sectors",
        "check emu:rawtext: ok, route session-at-once (reason 3)",
        "emu:rawtext: route now raw (reason 6)",
        "emu:rawtext: phase verifying",
        "emu:plain: phase done",
    ] {
        assert!(out.contains(line), "{line:?} missing from:\n{out}");
    }
    let result = |dev: &str| out.lines().find(|l| l.starts_with(&format!("result {dev}:"))).unwrap().to_owned();
    let raw = result("emu:rawtext");
    assert!(
        raw.contains("hresult 0x00000000 class 0 route raw tracks 3") && raw.contains("verified 1 differing 0"),
        "{raw}"
    );
    let sao = result("emu:plain");
    assert!(sao.contains("hresult 0x00000000 class 0 route session-at-once") && sao.contains("verified 1"), "{sao}");
    assert!(!out.contains("bad progress"), "{out}");

    // rb_burn_sheet is the same job: the quirky drive burns the CD-TEXT sheet.
    emulated(h, "rawtext2", &["no_sao_cdtext"]);
    let o = run(&built.job, h, &["--sheet-only", "emu:rawtext2", "--", &sheet], false);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "stdout:\n{out}\nstderr:\n{err}");
    assert!(out.contains("rb_burn_sheet: ok"), "{out}");

    // A damaged last file: refused when the job is planned, and the disc stays blank.
    let scratch = tempfile::tempdir().unwrap();
    let (good, bad) = (scratch.path().join("good.wav"), scratch.path().join("bad.wav"));
    wav(&good, 5);
    wav(&bad, 5);
    let len = std::fs::metadata(&bad).unwrap().len();
    std::fs::OpenOptions::new().write(true).open(&bad).unwrap().set_len(len / 2).unwrap();
    let blank = emulated(h, "blank", &[]);
    let o = run(&built.job, h, &["emu:blank", "--", good.to_str().unwrap(), bad.to_str().unwrap()], false);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "stdout:\n{out}\nstderr:\n{err}");
    assert!(err.contains("rb_job_new:") && err.contains("bad.wav") && err.contains("STREAM_NOT_SUPPORTED"), "{err}");
    assert_eq!(status(&blank), mmc::info::Status::Empty);

    // A playlist, each track normalised, burned and verified against the gained audio.
    let list = scratch.path().join("mix.m3u");
    std::fs::write(&list, "#EXTM3U\ngood.wav\n\ngood.wav\n").unwrap();
    emulated(h, "norm", &[]);
    let o = run(&built.job, h, &["--verify", "--normalize", "emu:norm", "--", list.to_str().unwrap()], false);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "stdout:\n{out}\nstderr:\n{err}");
    assert!(out.contains("job: 2 tracks") && out.contains("gain track 2: "), "{out}");
    assert!(
        result_of(&out, "emu:norm").contains("hresult 0x00000000") && out.contains("verified 1 differing 0"),
        "{out}"
    );

    // Two recorders at once, track-at-once and verified, under valgrind: no leak, no invalid
    // access across the job's threads; a recorder with a finalized disc fails alone.
    let short = scratch.path().join("short.wav");
    wav(&short, 4);
    emulated(h, "a", &[]);
    let o = run(&built.job, h, &["--verify", "emu:a", "emu:plain", "--", short.to_str().unwrap()], true);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "stdout:\n{out}\nstderr:\n{err}");
    let a = result_of(&out, "emu:a");
    assert!(
        a.contains("hresult 0x00000000")
            && a.contains("route track-at-once tracks 1")
            && a.contains("verified 1 differing 0"),
        "{a}"
    );
    let plain = result_of(&out, "emu:plain");
    assert!(plain.contains("class 3") && plain.contains("finalized"), "{plain}");
}

/// `rb_copy_disc` under valgrind: a disc copied onto two recorders at once and verified, then
/// twice onto its own drive with the blanks put in from the insert callback; the temporary
/// image gone afterwards.
#[test]
fn a_disc_is_copied_from_c_onto_two_recorders_and_onto_its_own_drive() {
    let built = build();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let scratch = tempfile::tempdir().unwrap();
    let (one, two) = (scratch.path().join("1.wav"), scratch.path().join("2.wav"));
    wav(&one, 5);
    wav(&two, 4);
    emulated(h, "src", &[]);
    let o = run(&built.job, h, &["emu:src", "--", one.to_str().unwrap(), two.to_str().unwrap()], false);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    emulated(h, "a", &[]);
    emulated(h, "b", &[]);
    let o = run(&built.copy, h, &["emu:src", "emu:a", "emu:b"], true);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "stdout:\n{out}\nstderr:\n{err}");
    assert!(out.contains("read: whole, inserts 0, events some"), "{out}");
    for i in 0..2 {
        let line = out.lines().find(|l| l.starts_with(&format!("result {i}:"))).unwrap_or_default();
        assert!(line.contains("hresult 0x00000000 class 0 tracks 2 verified 1 differing 0"), "{out}");
    }
    assert!(out.contains("zero copies: E_INVALIDARG") && out.contains("no source: E_POINTER"), "{out}");
    assert_eq!(status(&h.join("drives/b")), mmc::info::Status::Complete);
    // Twice onto the source's own drive: ejected, a blank put in, burned; twice.
    let o = run(&built.copy, h, &["--copies", "2", "emu:a"], false);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "stdout:\n{out}\nstderr:\n{err}");
    assert_eq!(out.matches("insert emu:a").count(), 2, "{out}");
    assert!(out.contains("result 1: hresult 0x00000000 class 0 tracks 2 verified 1"), "{out}");
    // The temporary images (in REDBURN_HOME, as copy.c asks) are gone.
    let left: Vec<_> = std::fs::read_dir(h)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("redburn-copy-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

fn result_of(out: &str, dev: &str) -> String {
    out.lines().find(|l| l.starts_with(&format!("result {dev}:"))).unwrap_or_default().to_owned()
}
