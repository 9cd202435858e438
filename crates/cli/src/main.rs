//! The `redburn` command.

/// Prints a line on stdout. A closed stdout (`redburn … | head`) is not an error worth
/// stopping for — a burn in progress must go on — so write errors are ignored.
macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($t)*);
    }};
}

mod args;
mod burn;
mod copy;
mod device;
mod emu_cmd;
mod fail;
mod image;
mod interrupt;
mod lines;
mod many;
mod profile;
mod read;
mod report;
mod show;
mod verify;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::fail::Failure;

/// Burn audio CDs. Without a real recorder, redburn uses its emulated one (`emu:default`).
#[derive(Debug, Parser)]
#[command(name = "redburn", version, about, after_help = fail::EXIT_CODES_HELP)]
struct Cli {
    /// Log to stderr: -v what redburn does, -vv more, -vvv every MMC command (RUST_LOG, when
    /// set, chooses instead).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Burn audio files (track-at-once) or a CUE sheet / TOC file (disc-at-once).
    Burn(args::BurnArgs),
    /// Write the disc image burning would produce (.cue + .bin, optionally .sub and .toc),
    /// without a recorder.
    Image(image::ImageArgs),
    /// Read an audio CD into an image that burns back to the same disc: CUE sheet with every
    /// index, ISRC, catalog number, flag and CD-TEXT, audio as .bin, WAV per track or FLAC.
    Read(read::ReadArgs),
    /// Copy an audio CD disc to disc: read once, then burn onto one or several recorders
    /// (`--to` more than once), or onto the same drive after inserting a blank.
    Copy(copy::CopyArgs),
    /// Show the disc's table of contents, with ISRCs and the catalog number.
    Toc {
        #[command(flatten)]
        device: device::DeviceArg,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Read the disc back and compare it with what was burned (CRC-32, AccurateRip v1/v2).
    Verify(verify::VerifyArgs),
    /// Show the drive and the medium in it.
    Info {
        #[command(flatten)]
        device: device::DeviceArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Erase a CD-RW (--fast, the default: the table of contents only; --full: the whole disc).
    Blank {
        #[command(flatten)]
        device: device::DeviceArg,
        /// Erase only the table of contents and what a reader needs (the default).
        #[arg(long, conflicts_with = "full")]
        fast: bool,
        /// Erase the whole disc, not only its table of contents.
        #[arg(long)]
        full: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Open the tray.
    Eject {
        #[command(flatten)]
        device: device::DeviceArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Close the tray.
    Load {
        #[command(flatten)]
        device: device::DeviceArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Capture what a recorder answers about itself (nothing is written) into a profile
    /// that `redburn emu create NAME --profile FILE` makes an emulated drive of.
    DriveProfile(profile::ProfileArgs),
    /// List the recorders redburn can use.
    Devices {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Manage emulated recorders.
    #[command(subcommand)]
    Emu(emu_cmd::EmuCmd),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `redburn man > redburn.1`.
    Man,
}

/// Logging to stderr (stdout stays clean for --json).
fn init_logging(verbose: u8) {
    use tracing_subscriber::EnvFilter;
    let filter = match std::env::var("RUST_LOG") {
        Ok(spec) if !spec.is_empty() => EnvFilter::new(spec),
        // redburn's own crates only; other libraries' logs need RUST_LOG.
        _ => EnvFilter::new(match verbose {
            0 => "redburn=warn",
            1 => "redburn=info",
            2 => "redburn=debug",
            _ => "redburn=trace",
        }),
    };
    // Off a terminal (a log file, a pipe), warnings are plain lines: no colour codes, no
    // timestamps.
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(terminal)
        .with_target(terminal)
        .without_time()
        .try_init();
}

/// `1 track`, `2 tracks`: a count with its noun.
pub(crate) fn plural(n: impl Into<u64>, noun: &str) -> String {
    match n.into() {
        1 => format!("1 {noun}"),
        n => format!("{n} {noun}s"),
    }
}

/// `m:ss` of a sector count, rounded to the nearest second: every command shows lengths
/// this one way, so `info` and `burn` agree.
pub(crate) fn mmss(sectors: u64) -> String {
    let sps = u64::from(cd::addr::SECTORS_PER_SECOND);
    let s = (sectors + sps / 2) / sps;
    format!("{}:{:02}", s / 60, s % 60)
}

/// `m:ss.ff` of a sector count — minutes, seconds and 1/75-second frames (`0:05.30` is 5
/// seconds and 30 frames): where the exact sector matters (`toc`, a disc-at-once plan). The
/// headers that show it say so; `--json` gives sectors.
pub(crate) fn clock(sectors: u64) -> String {
    let sps = u64::from(cd::addr::SECTORS_PER_SECOND);
    format!("{}:{:02}.{:02}", sectors / sps / 60, sectors / sps % 60, sectors % sps)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    let result = match cli.command {
        Cmd::Burn(args) => burn::run(&args),
        Cmd::Image(args) => image::run(&args),
        Cmd::Read(args) => read::run(&args),
        Cmd::Copy(args) => copy::run(&args),
        Cmd::Toc { device, json } => show::toc(&device, json),
        Cmd::Info { device, json } => show::info(&device, json),
        Cmd::Devices { json } => show::devices(json),
        Cmd::DriveProfile(args) => profile::run(&args),
        Cmd::Verify(args) => verify::run_cmd(&args),
        Cmd::Blank { device, full, json, .. } => show::blank(&device, full, json),
        Cmd::Eject { device, json } => show::tray(&device, false, json),
        Cmd::Load { device, json } => show::tray(&device, true, json),
        Cmd::Emu(cmd) => emu_cmd::run(cmd),
        Cmd::Completions { shell } => {
            use clap::CommandFactory;
            clap_complete::generate(shell, &mut Cli::command(), "redburn", &mut std::io::stdout());
            Ok(())
        }
        Cmd::Man => {
            use clap::CommandFactory;
            clap_mangen::Man::new(Cli::command())
                .render(&mut std::io::stdout())
                .map_err(|e| fail::fail(fail::code::OTHER, e))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let code = e.downcast_ref::<Failure>().map_or(fail::code::OTHER, |f| f.code);
            eprintln!("redburn: {e:#}");
            // A program reading --json gets the failure as an object too, not only the code.
            if std::env::args().any(|a| a == "--json")
                && let Some(v) = fail::json_error(&e)
            {
                out!("{v}");
            }
            ExitCode::from(code)
        }
    }
}
