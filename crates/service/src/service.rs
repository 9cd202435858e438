//! What redburnd shares between its objects: the recorders it shows, the exclusive-access
//! leases clients hold, the jobs running, and when it was last used.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use device::Backend;
use device::named;
use redburn::Recorder;

use crate::error::ServiceError;
use crate::iface::{Manager, RecorderObject};

/// A client's exclusive access to a recorder, held for it by the service: the recorder stays
/// open (and locked against every other program) until the client releases it as often as it
/// acquired it, or leaves the bus.
pub struct Lease {
    /// The client's unique bus name (`:1.42`).
    pub owner: String,
    /// The name it gave (`Rhythmbox`), shown as `ExclusiveAccessOwner`.
    pub client: String,
    /// Acquisitions not yet released (IMAPI counts them).
    pub count: u32,
    /// The recorder; `None` while a job of the client's uses it.
    pub recorder: Option<Recorder<Backend>>,
}

/// The service's state.
pub struct Service {
    conn: OnceLock<zbus::blocking::Connection>,
    /// Recorder name → object path, as exported.
    recorders: Mutex<BTreeMap<String, String>>,
    leases: Mutex<HashMap<String, Lease>>,
    /// Recorders a job holds now (name → job path).
    in_jobs: Mutex<HashMap<String, String>>,
    running: Mutex<usize>,
    next_job: Mutex<u32>,
    last_use: Mutex<Instant>,
    /// The bus connection ended (the bus went away): nothing more to serve.
    bus_gone: std::sync::atomic::AtomicBool,
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// `/org/redburn/Redburn1/recorders/emu_3adefault` for `emu:default`: every byte that may not
/// stand in an object path element is `_` and two hex digits.
#[must_use]
pub fn recorder_path(name: &str) -> String {
    let mut p = format!("{}/recorders/", crate::MANAGER_PATH);
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() {
            p.push(b as char);
        } else {
            p.push_str(&format!("_{b:02x}"));
        }
    }
    p
}

impl Service {
    pub fn new() -> Service {
        Service {
            conn: OnceLock::new(),
            recorders: Mutex::new(BTreeMap::new()),
            leases: Mutex::new(HashMap::new()),
            in_jobs: Mutex::new(HashMap::new()),
            running: Mutex::new(0),
            next_job: Mutex::new(1),
            last_use: Mutex::new(Instant::now()),
            bus_gone: std::sync::atomic::AtomicBool::new(false),
        }
    }

    pub fn set_connection(&self, conn: zbus::blocking::Connection) {
        let _ = self.conn.set(conn);
    }

    pub fn connection(&self) -> &zbus::blocking::Connection {
        self.conn.get().expect("the connection is made before anything is served")
    }

    /// A call came: the service is in use.
    pub fn touch(&self) {
        *lock(&self.last_use) = Instant::now();
    }

    /// How long nothing has happened: no call, no job running, no lease held.
    pub fn idle_for(&self) -> Duration {
        if *lock(&self.running) > 0 || !lock(&self.leases).is_empty() {
            return Duration::ZERO;
        }
        lock(&self.last_use).elapsed()
    }

    /// Whether the bus went away.
    pub fn bus_gone(&self) -> bool {
        self.bus_gone.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// A new job's path.
    pub fn job_path(&self) -> String {
        let mut n = lock(&self.next_job);
        let p = format!("{}/jobs/{}", crate::MANAGER_PATH, *n);
        *n += 1;
        p
    }

    /// Jobs running.
    pub fn running(&self) -> usize {
        *lock(&self.running)
    }

    pub fn job_started(&self) {
        *lock(&self.running) += 1;
    }

    pub fn job_ended(&self) {
        let mut r = lock(&self.running);
        *r = r.saturating_sub(1);
        drop(r);
        self.touch();
    }

    /// The recorders shown now: name and path.
    pub fn recorders(&self) -> Vec<(String, String)> {
        lock(&self.recorders).iter().map(|(n, p)| (n.clone(), p.clone())).collect()
    }

    /// Looks for recorders come and gone (the machine's through sysfs, the emulated ones in
    /// their directory) and exports or removes their objects, with `RecorderAdded` and
    /// `RecorderRemoved`.
    pub fn rescan(self: &Arc<Self>) {
        let Some(conn) = self.conn.get() else { return };
        let now = named::names();
        let mut shown = lock(&self.recorders);
        let gone: Vec<String> = shown.keys().filter(|n| !now.contains(n)).cloned().collect();
        let mut added = Vec::new();
        for name in now {
            if let std::collections::btree_map::Entry::Vacant(slot) = shown.entry(name) {
                let path = recorder_path(slot.key());
                let object = RecorderObject::new(slot.key().clone(), self.clone());
                if conn.object_server().at(path.as_str(), object).is_ok() {
                    slot.insert(path.clone());
                    added.push(path);
                }
            }
        }
        let mut removed = Vec::new();
        for name in gone {
            // A recorder a client holds or a job uses stays shown (an emulated drive's
            // directory is briefly rewritten while it is saved).
            if lock(&self.leases).contains_key(&name) || lock(&self.in_jobs).contains_key(&name) {
                continue;
            }
            if let Some(path) = shown.remove(&name) {
                let _ = conn.object_server().remove::<RecorderObject, _>(path.as_str());
                removed.push(path);
            }
        }
        drop(shown);
        if added.is_empty() && removed.is_empty() {
            return;
        }
        if let Ok(manager) = conn.object_server().interface::<_, Manager>(crate::MANAGER_PATH) {
            let emitter = manager.signal_emitter();
            for p in added {
                let _ = zbus::block_on(Manager::recorder_added(emitter, path_of(&p)));
            }
            for p in removed {
                let _ = zbus::block_on(Manager::recorder_removed(emitter, path_of(&p)));
            }
            let _ = zbus::block_on(manager.get().recorders_changed(emitter));
        }
    }

    /// Watches clients leave the bus: a client that quits or crashes without releasing its
    /// exclusive access loses it, as IMAPI's driver drops a dead owner's lock.
    pub fn watch_clients(self: &Arc<Self>) -> zbus::Result<()> {
        let proxy = zbus::blocking::fdo::DBusProxy::new(self.connection())?;
        let changes = proxy.receive_name_owner_changed()?;
        let me = self.clone();
        std::thread::Builder::new().name("clients".into()).spawn(move || {
            for change in changes {
                let Ok(args) = change.args() else { continue };
                if args.new_owner().is_none() && args.name().starts_with(':') {
                    me.client_left(args.name().as_str());
                }
            }
            // The stream ends with the connection.
            me.bus_gone.store(true, std::sync::atomic::Ordering::SeqCst);
        })?;
        Ok(())
    }

    fn client_left(&self, owner: &str) {
        let mut leases = lock(&self.leases);
        let theirs: Vec<String> = leases.iter().filter(|(_, l)| l.owner == owner).map(|(n, _)| n.clone()).collect();
        for name in &theirs {
            // Dropping the recorder gives its exclusive access up and closes it.
            if let Some(mut l) = leases.remove(name)
                && let Some(r) = l.recorder.as_mut()
            {
                r.release_exclusive_access();
            }
        }
        drop(leases);
        for name in theirs {
            self.owner_changed(&name);
        }
    }

    /// `PropertiesChanged` for a recorder's `ExclusiveAccessOwner`.
    pub fn owner_changed(&self, name: &str) {
        let Some(conn) = self.conn.get() else { return };
        let path = recorder_path(name);
        if let Ok(r) = conn.object_server().interface::<_, RecorderObject>(path.as_str()) {
            let _ = zbus::block_on(r.get().exclusive_access_owner_changed(r.signal_emitter()));
        }
    }

    /// Who holds `name` for now: the client's name and bus name.
    pub fn lease_owner(&self, name: &str) -> Option<(String, String)> {
        lock(&self.leases).get(name).map(|l| (l.client.clone(), l.owner.clone()))
    }

    /// `AcquireExclusiveAccess` for `owner`: the first opens and locks the recorder, later
    /// ones of the same client count.
    pub fn acquire(&self, name: &str, owner: &str, client: &str) -> Result<(), ServiceError> {
        let mut leases = lock(&self.leases);
        if let Some(l) = leases.get_mut(name) {
            if l.owner != owner {
                return Err(locked(name, &l.client, &l.owner));
            }
            l.count += 1;
            return Ok(());
        }
        if let Some(job) = lock(&self.in_jobs).get(name) {
            return Err(ServiceError::imapi(
                "E_IMAPI_RECORDER_LOCKED",
                0xC0AA_0210,
                format!("{name} is burning for job {job}"),
            ));
        }
        let mut r = named::open_recorder(name).map_err(|e| ServiceError::of(&e))?;
        r.acquire_exclusive_access(false, client).map_err(|e| ServiceError::of(&e))?;
        leases.insert(
            name.to_owned(),
            Lease { owner: owner.to_owned(), client: client.to_owned(), count: 1, recorder: Some(r) },
        );
        Ok(())
    }

    /// `ReleaseExclusiveAccess`: the last release of the holder closes the recorder.
    pub fn release(&self, name: &str, owner: &str) -> Result<(), ServiceError> {
        let mut leases = lock(&self.leases);
        match leases.get_mut(name) {
            Some(l) if l.owner == owner => {
                l.count -= 1;
                if l.count == 0 {
                    if l.recorder.is_none() {
                        l.count = 1;
                        return Err(ServiceError::imapi(
                            "E_IMAPI_RECORDER_LOCKED",
                            0xC0AA_0210,
                            format!("{name}: a job of yours is burning on it; release it when the job has finished"),
                        ));
                    }
                    if let Some(mut l) = leases.remove(name)
                        && let Some(r) = l.recorder.as_mut()
                    {
                        r.release_exclusive_access();
                    }
                }
                Ok(())
            }
            Some(l) => Err(locked(name, &l.client, &l.owner)),
            None => Err(ServiceError::imapi(
                "E_FAIL",
                0x8000_4005,
                format!("{name}: this client holds no exclusive access to release"),
            )),
        }
    }

    /// Runs `f` on the recorder `name` for `caller`: the caller's leased one, or one opened
    /// for the call (refused when another client holds it).
    pub fn with_recorder<R>(
        &self,
        name: &str,
        caller: Option<&str>,
        f: impl FnOnce(&mut Recorder<Backend>) -> Result<R, ServiceError>,
    ) -> Result<R, ServiceError> {
        let mut leases = lock(&self.leases);
        if let Some(l) = leases.get_mut(name) {
            if caller.is_some_and(|c| c != l.owner) {
                return Err(locked(name, &l.client, &l.owner));
            }
            if let Some(r) = l.recorder.as_mut() {
                return f(r);
            }
        }
        drop(leases);
        if let Some(job) = lock(&self.in_jobs).get(name) {
            return Err(ServiceError::imapi(
                "E_IMAPI_RECORDER_LOCKED",
                0xC0AA_0210,
                format!("{name} is burning for job {job}"),
            ));
        }
        let mut r = named::open_recorder(name).map_err(|e| ServiceError::of(&e))?;
        f(&mut r)
    }

    /// Takes the recorders a job burns on, for `caller`: its leased ones, or opened now. None
    /// is taken when one cannot be.
    pub fn take_for_job(
        &self,
        names: &[String],
        caller: &str,
        job: &str,
    ) -> Result<Vec<(String, Recorder<Backend>)>, ServiceError> {
        let mut leases = lock(&self.leases);
        let mut in_jobs = lock(&self.in_jobs);
        for (i, n) in names.iter().enumerate() {
            if names[..i].contains(n) {
                return Err(ServiceError::invalid(format!("{n} is given twice: each recorder burns one disc")));
            }
            if let Some(l) = leases.get(n)
                && l.owner != caller
            {
                return Err(locked(n, &l.client, &l.owner));
            }
            if let Some(other) = in_jobs.get(n) {
                return Err(ServiceError::imapi(
                    "E_IMAPI_RECORDER_LOCKED",
                    0xC0AA_0210,
                    format!("{n} is burning for job {other}"),
                ));
            }
        }
        let mut taken: Vec<(String, Recorder<Backend>)> = Vec::new();
        let mut failure = None;
        for n in names {
            let r = match leases.get_mut(n).and_then(|l| l.recorder.take()) {
                Some(r) => Ok(r),
                None => named::open_recorder(n).map_err(|e| ServiceError::of(&e)),
            };
            match r {
                Ok(r) => taken.push((n.clone(), r)),
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        }
        if let Some(e) = failure {
            // Give back what was taken.
            for (n, r) in taken {
                if let Some(l) = leases.get_mut(&n) {
                    l.recorder = Some(r);
                }
            }
            return Err(e);
        }
        for (n, _) in &taken {
            in_jobs.insert(n.clone(), job.to_owned());
        }
        Ok(taken)
    }

    /// A job is done with a recorder: back to its lease, or closed.
    pub fn give_back(&self, name: &str, recorder: Option<Recorder<Backend>>) {
        lock(&self.in_jobs).remove(name);
        if let Some(l) = lock(&self.leases).get_mut(name) {
            l.recorder = recorder;
        }
    }
}

fn locked(name: &str, client: &str, owner: &str) -> ServiceError {
    ServiceError::imapi(
        "E_IMAPI_RECORDER_LOCKED",
        0xC0AA_0210,
        format!("{name} is held for exclusive access by {client} ({owner})"),
    )
}

fn path_of(p: &str) -> zbus::zvariant::ObjectPath<'_> {
    zbus::zvariant::ObjectPath::try_from(p).expect("made by recorder_path: a valid object path")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorder_names_become_object_paths() {
        assert_eq!(recorder_path("emu:default"), "/org/redburn/Redburn1/recorders/emu_3adefault");
        assert_eq!(recorder_path("/dev/sr0"), "/org/redburn/Redburn1/recorders/_2fdev_2fsr0");
        assert!(zbus::zvariant::ObjectPath::try_from(recorder_path("emu:a-b.c_d").as_str()).is_ok());
    }
}
