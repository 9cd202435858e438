//! A minimal redburnd client in Rust (zbus): burns files onto a recorder through the session
//! bus and prints the job's phases, then its result. `scripts/bench` times it against the CLI
//! (the shell example's own cost, four `gdbus` processes, would hide the service's).
//!
//!     cargo run -p redburn-service --example burn_client -- RECORDER FILE...

use std::collections::HashMap;

use zbus::blocking::{Connection, MessageIterator};
use zbus::zvariant::{OwnedObjectPath, OwnedValue};

const BUS: &str = "org.redburn.Redburn1";

/// `Finished`: whether all went well, and each recorder's name, success, error name,
/// message and HRESULT.
type Finished = (bool, Vec<(String, bool, String, String, u32)>);

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let recorder = args.next().ok_or("usage: burn_client RECORDER FILE...")?;
    let files: Vec<String> =
        args.map(|f| std::fs::canonicalize(&f).map(|p| p.display().to_string())).collect::<Result<_, _>>()?;
    let options: HashMap<String, OwnedValue> = HashMap::from([("verify".to_owned(), OwnedValue::from(true))]);
    let c = Connection::session()?;
    let job: OwnedObjectPath = c
        .call_method(
            Some(BUS),
            "/org/redburn/Redburn1",
            Some("org.redburn.Redburn1.Manager"),
            "Burn",
            &(vec![recorder], files, options),
        )?
        .body()
        .deserialize()?;
    // Listen before starting: no signal is missed.
    let rule = zbus::MatchRule::builder()
        .msg_type(zbus::message::Type::Signal)
        .interface("org.redburn.Redburn1.Job")?
        .path(job.as_str())?
        .build();
    let signals = MessageIterator::for_match_rule(rule, &c, None)?;
    c.call_method(Some(BUS), job.as_str(), Some("org.redburn.Redburn1.Job"), "Start", &())?;
    for m in signals {
        let m = m?;
        match m.header().member().map(|n| n.as_str()) {
            Some("Phase") => {
                let (dev, phase, _route, track, tracks): (String, String, String, u8, u8) = m.body().deserialize()?;
                println!("{dev}: {phase} {track}/{tracks}");
            }
            Some("Finished") => {
                let (ok, results): Finished = m.body().deserialize()?;
                for (dev, done, _, message, _) in results {
                    println!("{dev}: {}", if done { "burned" } else { &message });
                }
                std::process::exit(if ok { 0 } else { 1 });
            }
            _ => {}
        }
    }
    Err("the bus closed before the job finished".into())
}
