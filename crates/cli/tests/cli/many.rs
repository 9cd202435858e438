//! `redburn burn -d A -d B -d C`: one decode, several recorders, each with its own result.

use super::read::toc;
use super::{fails, json, redburn, samples, stdout};

#[test]
fn one_album_on_three_recorders_and_a_failing_one_does_not_stop_the_others() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let sheet = samples()[0].parent().unwrap().join("album.cue");
    // The disc one recorder alone burns.
    for n in ["alone", "a", "b", "c"] {
        stdout(redburn(h).args(["emu", "create", n]));
    }
    stdout(redburn(h).args(["burn", "-d", "emu:alone"]).arg(&sheet));
    let want = toc(h, "emu:alone");
    stdout(redburn(h).args(["read", "-d", "emu:alone", "-o"]).arg(h.join("alone.cue")));
    let audio = std::fs::read(h.join("alone.bin")).unwrap();

    // A write error midway on b.
    stdout(redburn(h).args(["emu", "fault", "b", "--at-lba", "500", "--sense", "3/0C/00", "--once"]));
    let out =
        redburn(h).args(["burn", "--json", "-d", "emu:a", "-d", "emu:b", "-d", "emu:c"]).arg(&sheet).output().unwrap();
    assert_eq!(out.status.code(), Some(7), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let events: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    for d in ["emu:a", "emu:b", "emu:c"] {
        assert!(events.iter().any(|e| e["event"] == "progress" && e["device"] == d), "progress of {d}");
    }
    let result = |d: &str| events.iter().find(|e| e["event"] == "result" && e["device"] == d).unwrap().clone();
    assert_eq!((result("emu:a")["ok"].as_bool(), result("emu:c")["ok"].as_bool()), (Some(true), Some(true)));
    assert_eq!((result("emu:b")["ok"].as_bool(), result("emu:b")["exit_code"].as_u64()), (Some(false), Some(4)));
    // Where it failed: the WRITE covering LBA 500 began at 498, in track 2's pause.
    let error = result("emu:b")["error"].as_str().unwrap().to_owned();
    assert!(error.contains("track 2: writing at LBA 498 failed") && error.contains("03/0C/00"), "{error}");
    let summary = json(&text);
    assert_eq!(
        (summary["written"].clone(), summary["failed"].clone()),
        (serde_json::json!(["emu:a", "emu:c"]), serde_json::json!(["emu:b"]))
    );
    for d in ["a", "c"] {
        let mut got = toc(h, &format!("emu:{d}"));
        got["device"] = serde_json::Value::Null;
        assert_eq!(got, want, "emu:{d}");
        stdout(redburn(h).args(["read", "-d", &format!("emu:{d}"), "-o"]).arg(h.join(format!("{d}.cue"))));
        assert!(std::fs::read(h.join(format!("{d}.bin"))).unwrap() == audio, "emu:{d}: the audio");
    }

    // Files track-at-once on two recorders, one without a disc: the other burns; text output.
    for n in ["a", "c"] {
        stdout(redburn(h).args(["emu", "insert", n]));
    }
    stdout(redburn(h).args(["emu", "eject", "b"]));
    let out = redburn(h).args(["burn", "-d", "emu:a", "-d", "emu:b", "-d", "emu:c"]).args(samples()).output().unwrap();
    assert_eq!(out.status.code(), Some(7));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("track-at-once on emu:a") && text.contains("track-at-once on emu:c"), "{text}");
    assert!(text.contains("Failed on emu:b: ") && text.contains("medium not present"), "{text}");
    let (ta, tc) = (toc(h, "emu:a"), toc(h, "emu:c"));
    assert_eq!(ta["tracks"], tc["tracks"]);
    assert_eq!(ta["tracks"].as_array().unwrap().len(), samples().len());

    // All written: exit 0. The same recorder twice is refused before anything.
    for n in ["a", "c"] {
        stdout(redburn(h).args(["emu", "insert", n]));
    }
    stdout(redburn(h).args(["burn", "-d", "emu:a", "-d", "emu:c"]).arg(&sheet));
    let err = fails(redburn(h).args(["burn", "-d", "emu:a", "-d", "emu:a"]).arg(&sheet), 2);
    assert!(err.contains("given twice"), "{err}");
}
