//! Finding the machine's recorders (IMAPI's `IDiscMaster2`): every CD/DVD device that sysfs
//! lists, once, by its `sr` node with its `sg` sibling, plus the user's emulated drives.

use std::path::{Path, PathBuf};

/// A recorder found on the machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The node to open: `/dev/srN`, or `/dev/sgN` for a device without an `sr` node.
    pub path: PathBuf,
    /// The `sg` node of the same device, when there is one.
    pub sg: Option<PathBuf>,
    /// Vendor from sysfs.
    pub vendor: String,
    /// Model from sysfs.
    pub model: String,
    /// Revision from sysfs.
    pub revision: String,
    /// A stable id: vendor, model, revision and the SCSI address.
    pub unique_id: String,
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).map(|s| s.trim().to_owned()).unwrap_or_default()
}

/// Devices of `class` (`block` or `scsi_generic`) under `sys`: (node name, canonical SCSI
/// device directory) for every CD/DVD device (SCSI type 5).
fn members(sys: &Path, class: &str, prefix: &str) -> Vec<(String, PathBuf)> {
    let Ok(rd) = std::fs::read_dir(sys.join("class").join(class)) else { return Vec::new() };
    let mut out: Vec<(String, PathBuf)> = rd
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            if !name.starts_with(prefix) {
                return None;
            }
            let dev = std::fs::canonicalize(e.path().join("device")).ok()?;
            (read(&dev, "type") == "5").then_some((name, dev))
        })
        .collect();
    out.sort();
    out
}

/// Scans sysfs at `sys` (normally `/sys`) for CD/DVD recorders; nodes are named under `dev`
/// (normally `/dev`). Each device is listed once.
#[must_use]
pub fn scan(sys: &Path, dev: &Path) -> Vec<Found> {
    let srs = members(sys, "block", "sr");
    let sgs = members(sys, "scsi_generic", "sg");
    let mut found: Vec<Found> = Vec::new();
    let mut seen: Vec<PathBuf> = Vec::new();
    for (name, dir) in srs.iter().chain(sgs.iter()) {
        if seen.contains(dir) {
            continue;
        }
        seen.push(dir.clone());
        let sg = sgs.iter().find(|(_, d)| d == dir).map(|(n, _)| dev.join(n));
        let hctl = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let (vendor, model, revision) = (read(dir, "vendor"), read(dir, "model"), read(dir, "rev"));
        let unique_id =
            format!("{vendor} {model} {revision} [{hctl}]").split_whitespace().collect::<Vec<_>>().join(" ");
        found.push(Found { path: dev.join(name), sg, vendor, model, revision, unique_id });
    }
    found
}

/// The recorder with `unique_id` (IMAPI's `InitializeDiscRecorder` by id) among `found`, with
/// its legacy device number (its position in the list).
#[must_use]
pub fn by_unique_id<'a>(found: &'a [Found], unique_id: &str) -> Option<(usize, &'a Found)> {
    found.iter().enumerate().find(|(_, f)| f.unique_id == unique_id)
}

/// Where `node` (or a device with the same device number) is mounted, from a mounts table
/// (`/proc/self/mounts` format): IMAPI's `VolumePathNames`.
#[must_use]
pub fn mount_points(node: &Path, mounts: &str) -> Vec<PathBuf> {
    let want = std::fs::canonicalize(node).unwrap_or_else(|_| node.to_owned());
    mounts
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let (source, target) = (f.next()?, f.next()?);
            let src = std::fs::canonicalize(source).unwrap_or_else(|_| PathBuf::from(source));
            // Mount tables escape spaces as \040.
            (src == want).then(|| PathBuf::from(target.replace("\\040", " ")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn device(root: &Path, hctl: &str, kind: &str, vendor: &str) -> PathBuf {
        let d = root.join("devices/pci0/host0/target0").join(hctl);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("type"), format!("{kind}\n")).unwrap();
        std::fs::write(d.join("vendor"), format!("{vendor:<8}\n")).unwrap();
        std::fs::write(d.join("model"), "DVD-RW DRU-840A \n").unwrap();
        std::fs::write(d.join("rev"), "1.0a\n").unwrap();
        d
    }

    fn link(root: &Path, class: &str, name: &str, dev: &Path) {
        let c = root.join("class").join(class).join(name);
        std::fs::create_dir_all(&c).unwrap();
        symlink(dev, c.join("device")).unwrap();
    }

    #[test]
    fn each_recorder_once_with_its_sg_sibling() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path();
        let cd = device(root, "0:0:0:0", "5", "SONY");
        let disk = device(root, "1:0:0:0", "0", "ATA");
        let cd2 = device(root, "2:0:0:0", "5", "PLEXTOR");
        link(root, "block", "sr0", &cd);
        link(root, "block", "sda", &disk);
        link(root, "scsi_generic", "sg0", &disk);
        link(root, "scsi_generic", "sg1", &cd);
        // A recorder known only by its sg node.
        link(root, "scsi_generic", "sg2", &cd2);
        let found = scan(root, Path::new("/dev"));
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].path, Path::new("/dev/sr0"));
        assert_eq!(found[0].sg.as_deref(), Some(Path::new("/dev/sg1")));
        assert_eq!(found[0].unique_id, "SONY DVD-RW DRU-840A 1.0a [0:0:0:0]");
        assert_eq!((found[1].path.as_path(), found[1].vendor.as_str()), (Path::new("/dev/sg2"), "PLEXTOR"));
        assert!(scan(Path::new("/nonexistent"), Path::new("/dev")).is_empty());
        let (n, f) = by_unique_id(&found, "PLEXTOR DVD-RW DRU-840A 1.0a [2:0:0:0]").unwrap();
        assert_eq!((n, f.path.as_path()), (1, Path::new("/dev/sg2")));
        assert!(by_unique_id(&found, "nope").is_none());
    }

    #[test]
    fn mount_points_from_the_mounts_table() {
        let table = "/dev/sda1 / ext4 rw 0 0\n/dev/sr9 /media/cd\\040disc iso9660 ro 0 0\n/dev/sr9 /mnt/x udf ro 0 0\n";
        assert_eq!(
            mount_points(Path::new("/dev/sr9"), table),
            [PathBuf::from("/media/cd disc"), PathBuf::from("/mnt/x")]
        );
        assert!(mount_points(Path::new("/dev/sr8"), table).is_empty());
    }
}
