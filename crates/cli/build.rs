//! Carries the SG_IO shim inside the `redburn` program. `redburn emu exec` preloads the shim
//! into wodim, cdrskin or cdrdao; an installed `redburn` (`cargo install --path crates/cli`)
//! has no `target/` beside it, so the shim — a cdylib of this workspace — is built here
//! with cargo into OUT_DIR and embedded, and the program unpacks it to a cache directory at
//! first use (`emu_cmd::shim_library`).
//!
//! A nested cargo build, as wasm builders do: cargo cannot yet depend on another package's
//! cdylib (artifact dependencies are unstable). It has its own target directory, so it never
//! waits on the outer build's lock, and no debug information (the shim is embedded whole).

use std::path::PathBuf;
use std::process::Command;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let crates = manifest.join("..");
    // The shim and what it is built from.
    for krate in ["sgshim", "emu", "mmc", "cd", "device"] {
        println!("cargo:rerun-if-changed={}", crates.join(krate).join("src").display());
        println!("cargo:rerun-if-changed={}", crates.join(krate).join("Cargo.toml").display());
    }
    println!("cargo:rerun-if-changed={}", crates.join("../Cargo.lock").display());

    let release = std::env::var("PROFILE").is_ok_and(|p| p == "release");
    let profile = if release { "RELEASE" } else { "DEV" };
    let target = out.join("shim-target");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(["build", "--quiet", "--lib", "-p", "redburn-sgshim", "--manifest-path"])
        .arg(crates.join("../Cargo.toml"))
        .arg("--target-dir")
        .arg(&target)
        .env(format!("CARGO_PROFILE_{profile}_DEBUG"), "false")
        .env(format!("CARGO_PROFILE_{profile}_STRIP"), "debuginfo")
        // Under `cargo clippy` the outer build's rustc wrapper would lint the shim again.
        .env_remove("RUSTC_WORKSPACE_WRAPPER")
        .env_remove("CARGO_TARGET_DIR");
    if release {
        cmd.arg("--release");
    }
    let status = cmd.status().expect("running cargo to build the SG_IO shim");
    assert!(status.success(), "building the SG_IO shim (redburn-sgshim) failed: {status}");
    let built = target.join(if release { "release" } else { "debug" }).join("libredburn_sgshim.so");
    std::fs::copy(&built, out.join("libredburn_sgshim.so")).unwrap_or_else(|e| panic!("{}: {e}", built.display()));
}
