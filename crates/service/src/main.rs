//! `redburnd`: redburn on the D-Bus session bus — the Linux counterpart of IMAPI2 as a system
//! component. Any application, in any language, lists the recorders, takes exclusive access
//! to one, and burns, reads or copies an audio CD through the library's job, with IMAPI's
//! events as signals. docs/dbus.md describes the interface.
//!
//! Started by the bus on the first call (D-Bus activation) and gone after a quiet while.
//! `redburnd --address ADDR` serves another bus (the tests' private one); `--idle-exit SECONDS`
//! (or `REDBURND_IDLE_EXIT`) sets the quiet while (0: never).

#![forbid(unsafe_code)]

mod error;
mod iface;
mod service;

use std::sync::Arc;
use std::time::Duration;

/// The bus name redburnd owns.
pub const BUS_NAME: &str = "org.redburn.Redburn1";
/// The manager object's path.
pub const MANAGER_PATH: &str = "/org/redburn/Redburn1";

fn usage() -> ! {
    eprintln!("usage: redburnd [--address ADDRESS] [--idle-exit SECONDS]");
    std::process::exit(2)
}

fn main() {
    let mut address = None;
    // The environment's choice first (a test's bus starts redburnd from the installed
    // activation file, which gives no arguments), then the command line's.
    let mut idle =
        Duration::from_secs(std::env::var("REDBURND_IDLE_EXIT").ok().and_then(|s| s.parse().ok()).unwrap_or(60));
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--address" => address = Some(args.next().unwrap_or_else(|| usage())),
            "--idle-exit" => {
                let s: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or_else(|| usage());
                idle = Duration::from_secs(s);
            }
            "--version" => {
                println!("redburnd {}", env!("CARGO_PKG_VERSION"));
                return;
            }
            _ => usage(),
        }
    }
    if let Err(e) = run(address.as_deref(), idle) {
        eprintln!("redburnd: {e}");
        std::process::exit(1);
    }
}

fn run(address: Option<&str>, idle: Duration) -> zbus::Result<()> {
    let builder = match address {
        Some(a) => zbus::blocking::connection::Builder::address(a)?,
        None => zbus::blocking::connection::Builder::session()?,
    };
    let service = Arc::new(service::Service::new());
    let conn = builder.serve_at(MANAGER_PATH, iface::Manager::new(service.clone()))?.build()?;
    service.set_connection(conn.clone());
    service.rescan();
    // The name last: a call that activated us waits for it, and everything is served by then.
    conn.request_name(BUS_NAME)?;
    service.watch_clients()?;
    loop {
        std::thread::sleep(Duration::from_millis(500));
        service.rescan();
        if service.bus_gone() {
            // Jobs under way finish first: a disc is never left half-written for want of a bus.
            while service.running() > 0 {
                std::thread::sleep(Duration::from_millis(200));
            }
            return Ok(());
        }
        if !idle.is_zero() && service.idle_for() >= idle {
            break;
        }
    }
    // Let go of the name first so that the next call starts a fresh redburnd.
    let _ = conn.release_name(BUS_NAME);
    Ok(())
}
