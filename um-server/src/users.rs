//! The users file (`users` in the data directory): who may log in, with which password, and
//! whether their mailbox is enabled for Unified Messaging.
//!
//! Format: UTF-8 text, one user per line; empty lines and lines starting with `#` are ignored.
//!
//! ```text
//! NAME:PASSWORD-HASH:UM-FLAG[:EMAIL]
//! demo:$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>:um-enabled:demo@localhost
//! ```
//!
//! - `NAME`: 1 to 64 characters among `A-Z a-z 0-9 . _ - @` (the HTTP Basic user id);
//! - `PASSWORD-HASH`: the password hashed with Argon2id and a random 16-byte salt, as a PHC
//!   string (what [`hash_password`] writes);
//! - `UM-FLAG`: `um-enabled` or `um-disabled` (the answer of `IsUMEnabled`);
//! - `EMAIL` (optional): where `ResetPIN` sends the new PIN; default `NAME` if it contains
//!   `@`, else `NAME@localhost`.
//!
//! The server re-reads the file when it changes, so `um-server add-user` takes effect without
//! a restart.

use std::collections::HashMap;
use std::fmt;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, RwLock};
use std::time::SystemTime;

use argon2::password_hash::PasswordHasher as _;
use argon2::{Algorithm, Argon2, Params, Version};

/// The users file's name in the data directory.
pub const USERS_FILE: &str = "users";
/// The user created on first start.
pub const DEMO_USER: &str = "demo";

/// A user as the server knows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserInfo {
    /// The login name.
    pub name: String,
    /// Whether the mailbox is enabled for Unified Messaging.
    pub um_enabled: bool,
    /// The e-mail address.
    pub email: String,
}

/// Looks up users; implemented by [`UserDb`] and by test doubles.
pub trait Directory: Send + Sync + 'static {
    /// The user called `name`, if there is one.
    fn user(&self, name: &str) -> Option<UserInfo>;
}

/// A fixed set of users (for tests and embedding).
#[derive(Clone, Debug, Default)]
pub struct StaticDirectory(pub Vec<UserInfo>);

impl Directory for StaticDirectory {
    fn user(&self, name: &str) -> Option<UserInfo> {
        self.0.iter().find(|u| u.name == name).cloned()
    }
}

/// A problem with the users file or a user.
#[derive(Debug)]
pub struct UsersError(String);

impl fmt::Display for UsersError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsersError {}

/// Whether `name` is a valid user name.
pub fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-@".contains(&b))
}

fn default_email(name: &str) -> String {
    if name.contains('@') { name.to_owned() } else { format!("{name}@localhost") }
}

#[derive(Clone, Debug)]
struct Entry {
    info: UserInfo,
    hash: String,
}

fn parse(text: &str, path: &Path) -> Result<Vec<Entry>, UsersError> {
    let mut out: Vec<Entry> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = |why: &str| UsersError(format!("{}:{}: {why}", path.display(), n + 1));
        let fields: Vec<&str> = line.split(':').collect();
        if !(3..=4).contains(&fields.len()) {
            return Err(bad("expected NAME:PASSWORD-HASH:UM-FLAG[:EMAIL]"));
        }
        let name = fields[0];
        if !valid_name(name) {
            return Err(bad("invalid user name"));
        }
        if argon2::password_hash::phc::PasswordHash::new(fields[1]).is_err() {
            return Err(bad("the password hash is not a PHC string"));
        }
        let um_enabled = match fields[2] {
            "um-enabled" => true,
            "um-disabled" => false,
            _ => return Err(bad("UM-FLAG must be um-enabled or um-disabled")),
        };
        let email = fields.get(3).map(|e| e.trim()).filter(|e| !e.is_empty()).map_or_else(|| default_email(name), str::to_owned);
        if out.iter().any(|e| e.info.name == name) {
            return Err(bad(&format!("user {name} is listed twice")));
        }
        out.push(Entry { info: UserInfo { name: name.to_owned(), um_enabled, email }, hash: fields[1].to_owned() });
    }
    Ok(out)
}

/// Hashes `password` with Argon2id (default parameters) and a random salt, as a PHC string.
pub fn hash_password(password: &str) -> Result<String, UsersError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| UsersError(format!("cannot hash the password: {e}")))
}

/// Whether `password` matches the PHC string `hash` (Argon2 of any variant and cost).
///
/// At most one check per core runs at a time, each in a block buffer kept for the next
/// one: a full-cost check needs 19 MiB, and when every concurrent request with a wrong
/// password allocated its own, the allocator kept them per thread (the soak test saw the
/// server grow to 700 MB under a stream of wrong passwords). Waiting for a buffer is the
/// back-pressure a password-guessing client should get.
pub fn verify_password(password: &str, hash: &str) -> bool {
    let Ok(parsed) = argon2::PasswordHash::new(hash) else { return false };
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else { return false };
    let (Ok(params), Ok(algorithm)) = (Params::try_from(&parsed), Algorithm::try_from(parsed.algorithm.as_str())) else {
        return false;
    };
    let Ok(version) = parsed.version.map_or(Ok(Version::default()), Version::try_from) else { return false };
    let mut out = [0u8; argon2::password_hash::phc::Output::MAX_LENGTH];
    let Some(out) = out.get_mut(..expected.len()) else { return false };
    let computed = BLOCKS.with_buffer(params.block_count(), |blocks| {
        Argon2::new(algorithm, version, params).hash_password_into_with_memory(password.as_bytes(), salt, out, blocks).is_ok()
    });
    // `Output`'s equality is constant-time.
    computed && argon2::password_hash::phc::Output::new(out).is_ok_and(|o| &o == expected)
}

/// The block buffers of [`verify_password`]: one per core at most, reused.
struct BlockPool {
    free: Mutex<(Vec<Vec<argon2::Block>>, usize)>,
    returned: Condvar,
}

static BLOCKS: BlockPool = BlockPool { free: Mutex::new((Vec::new(), 0)), returned: Condvar::new() };

impl BlockPool {
    /// Runs `f` with a buffer of at least `blocks` blocks, waiting while every buffer is in use.
    fn with_buffer<R>(&self, blocks: usize, f: impl FnOnce(&mut [argon2::Block]) -> R) -> R {
        let most = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        let mut buffer = {
            let mut free = self.free.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            loop {
                if let Some(b) = free.0.pop() {
                    break b;
                }
                if free.1 < most {
                    free.1 += 1;
                    break Vec::new();
                }
                free = self.returned.wait(free).unwrap_or_else(std::sync::PoisonError::into_inner);
            }
        };
        if buffer.len() < blocks {
            buffer.resize(blocks, argon2::Block::new());
        }
        let r = f(&mut buffer[..blocks]);
        self.free.lock().unwrap_or_else(std::sync::PoisonError::into_inner).0.push(buffer);
        self.returned.notify_one();
        r
    }
}

/// A random password: 18 random bytes in URL-safe base64 (24 characters).
pub fn random_password() -> Result<String, UsersError> {
    use base64::Engine as _;
    let mut bytes = [0u8; 18];
    getrandom::fill(&mut bytes).map_err(|e| UsersError(format!("no randomness: {e}")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

const HEADER: &str = "\
# um-server users file. One user per line:
#   NAME:PASSWORD-HASH:UM-FLAG[:EMAIL]
# PASSWORD-HASH is an Argon2id PHC string (salted); UM-FLAG is um-enabled or um-disabled.
# Add users with: um-server add-user NAME --password-stdin --data DIR
";

fn line(name: &str, hash: &str, um_enabled: bool, email: Option<&str>) -> String {
    let flag = if um_enabled { "um-enabled" } else { "um-disabled" };
    match email {
        Some(e) => format!("{name}:{hash}:{flag}:{e}\n"),
        None => format!("{name}:{hash}:{flag}\n"),
    }
}

/// Writes `contents` to `path` atomically (temporary file, fsync, rename), readable by the
/// owner only.
fn write_atomically(path: &Path, contents: &str) -> Result<(), UsersError> {
    let tmp = path.with_extension("tmp");
    let io = |e: std::io::Error| UsersError(format!("cannot write {}: {e}", path.display()));
    {
        let mut opts = fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            opts.mode(0o600);
        }
        let mut f = opts.open(&tmp).map_err(io)?;
        f.write_all(contents.as_bytes()).map_err(io)?;
        f.sync_all().map_err(io)?;
    }
    fs::rename(&tmp, path).map_err(io)?;
    if let Some(dir) = path.parent()
        && let Ok(d) = fs::File::open(dir)
    {
        // Make the rename durable; not every platform can sync a directory.
        let _ = d.sync_all();
    }
    Ok(())
}

/// Adds a user to the users file at `path` (creating the file), failing if the name is taken.
pub fn add_user(path: &Path, name: &str, password: &str, um_enabled: bool, email: Option<&str>) -> Result<(), UsersError> {
    if !valid_name(name) {
        return Err(UsersError(format!("invalid user name {name:?}: use 1 to 64 characters among A-Z a-z 0-9 . _ - @")));
    }
    if password.is_empty() {
        return Err(UsersError("the password is empty".into()));
    }
    if let Some(e) = email
        && (e.is_empty() || e.contains([':', '\n', '\r']))
    {
        return Err(UsersError(format!("invalid e-mail address {e:?}")));
    }
    let existing = match fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => HEADER.to_owned(),
        Err(e) => return Err(UsersError(format!("cannot read {}: {e}", path.display()))),
    };
    if parse(&existing, path)?.iter().any(|e| e.info.name == name) {
        return Err(UsersError(format!("user {name} already exists in {}", path.display())));
    }
    let mut contents = existing;
    if !contents.is_empty() && !contents.ends_with('\n') {
        contents.push('\n');
    }
    contents.push_str(&line(name, &hash_password(password)?, um_enabled, email));
    write_atomically(path, &contents)
}

/// Creates the users file at `path` with the demo user and a random password, unless the file
/// exists. Returns the demo password if it created the file.
pub fn ensure_users_file(path: &Path) -> Result<Option<String>, UsersError> {
    if path.exists() {
        return Ok(None);
    }
    let password = random_password()?;
    add_user(path, DEMO_USER, &password, true, None)?;
    Ok(Some(password))
}

#[derive(Debug)]
struct Loaded {
    stamp: Option<(SystemTime, u64)>,
    users: HashMap<String, Entry>,
    /// Fast keyed digests of passwords that verified, per user (see [`UserDb::authenticate`]).
    verified: HashMap<String, [u8; 32]>,
}

/// The users file, re-read when it changes.
#[derive(Debug)]
pub struct UserDb {
    path: PathBuf,
    state: RwLock<Loaded>,
    cache_key: [u8; 16],
    dummy_hash: String,
}

impl UserDb {
    /// Reads the users file at `path`.
    pub fn open(path: &Path) -> Result<UserDb, UsersError> {
        let mut cache_key = [0u8; 16];
        getrandom::fill(&mut cache_key).map_err(|e| UsersError(format!("no randomness: {e}")))?;
        let db = UserDb {
            path: path.to_owned(),
            state: RwLock::new(Loaded { stamp: None, users: HashMap::new(), verified: HashMap::new() }),
            cache_key,
            dummy_hash: hash_password("not a password")?,
        };
        db.reload()?;
        Ok(db)
    }

    fn stamp(&self) -> Option<(SystemTime, u64)> {
        let m = fs::metadata(&self.path).ok()?;
        Some((m.modified().ok()?, m.len()))
    }

    fn reload(&self) -> Result<(), UsersError> {
        let stamp = self.stamp();
        let text = fs::read_to_string(&self.path).map_err(|e| UsersError(format!("cannot read {}: {e}", self.path.display())))?;
        let users = parse(&text, &self.path)?.into_iter().map(|e| (e.info.name.clone(), e)).collect();
        let mut st = self.state.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        *st = Loaded { stamp, users, verified: HashMap::new() };
        Ok(())
    }

    /// Re-reads the file if it changed since it was last read. A file that became unreadable
    /// or invalid keeps the users last read (the error is logged).
    fn refresh(&self) {
        let current = self.stamp();
        let stale = self.state.read().map(|s| s.stamp != current).unwrap_or(true);
        if stale && let Err(e) = self.reload() {
            tracing::warn!(error = %e, "keeping the previous users");
        }
    }

    fn digest(&self, name: &str, password: &str) -> Option<[u8; 32]> {
        // Argon2id at its smallest cost, keyed by a per-process random salt: a cryptographic
        // digest that is cheap to compute, so a password is not kept in memory in clear.
        let params = Params::new(Params::MIN_M_COST, 1, 1, Some(32)).ok()?;
        let mut salt = self.cache_key.to_vec();
        salt.extend_from_slice(name.as_bytes());
        let mut out = [0u8; 32];
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params).hash_password_into(password.as_bytes(), &salt, &mut out).ok()?;
        Some(out)
    }

    /// `Some(true)` if `password` was verified as `name`'s before (and the file has not
    /// changed since): a keyed digest of microseconds, cheap enough to run on an async thread.
    /// `None` when only the full check ([`UserDb::authenticate`]) can tell.
    pub fn remembered(&self, name: &str, password: &str) -> Option<bool> {
        self.refresh();
        let digest = self.digest(name, password)?;
        let st = self.state.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        (st.verified.get(name) == Some(&digest)).then_some(true)
    }

    /// Whether `password` is `name`'s. A successful check is remembered (as a keyed digest)
    /// until the file changes, so the full Argon2id cost is paid once per user, not per request.
    pub fn authenticate(&self, name: &str, password: &str) -> bool {
        self.refresh();
        let digest = self.digest(name, password);
        let hash = {
            let st = self.state.read().unwrap_or_else(std::sync::PoisonError::into_inner);
            if let (Some(d), Some(known)) = (&digest, st.verified.get(name))
                && d == known
            {
                return true;
            }
            st.users.get(name).map(|e| e.hash.clone())
        };
        match hash {
            Some(hash) => {
                let ok = verify_password(password, &hash);
                if ok && let Some(d) = digest {
                    let mut st = self.state.write().unwrap_or_else(std::sync::PoisonError::into_inner);
                    st.verified.insert(name.to_owned(), d);
                }
                ok
            }
            None => {
                // Same cost as for a known user, so that timing does not tell names apart.
                let _ = verify_password(password, &self.dummy_hash);
                false
            }
        }
    }

    /// The path of the file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Directory for UserDb {
    fn user(&self, name: &str) -> Option<UserInfo> {
        self.refresh();
        self.state.read().ok()?.users.get(name).map(|e| e.info.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_against_any_argon2_phc_string_concurrently_in_pooled_buffers() {
        let default = hash_password("right").unwrap();
        let cheap = Argon2::new(Algorithm::Argon2i, Version::V0x10, Params::new(8, 1, 1, Some(16)).unwrap())
            .hash_password_with_salt(b"right", b"saltsaltsalt")
            .unwrap()
            .to_string();
        assert!(cheap.starts_with("$argon2i$v=16$m=8,t=1,p=1$"), "{cheap}");
        for hash in [&default, &cheap] {
            assert!(verify_password("right", hash), "{hash}");
            assert!(!verify_password("wrong", hash), "{hash}");
            assert!(!verify_password("", hash), "{hash}");
        }
        assert!(!verify_password("right", "$argon2id$v=19$m=19456,t=2,p=1$bm90IGJhc2U2NA"), "no hash part");
        assert!(!verify_password("right", "not a PHC string"));
        // More checks at once than buffers: each gets the right answer.
        let threads: Vec<_> = (0..8)
            .map(|i| {
                let hash = default.clone();
                std::thread::spawn(move || verify_password(if i % 2 == 0 { "right" } else { "wrong" }, &hash) == (i % 2 == 0))
            })
            .collect();
        assert!(threads.into_iter().all(|t| t.join().unwrap()));
        // However many checks ran at once (other tests' included), no more buffers than cores.
        let made = BLOCKS.free.lock().unwrap().1;
        assert!(made <= std::thread::available_parallelism().unwrap().get(), "{made} buffers");
    }

    #[test]
    fn create_add_authenticate_reload() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(USERS_FILE);
        let demo_pw = ensure_users_file(&path).unwrap().unwrap();
        assert_eq!(demo_pw.len(), 24);
        assert_eq!(ensure_users_file(&path).unwrap(), None, "created once");
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains("demo:$argon2id$"), "{text}");
        assert!(!text.contains(&demo_pw));

        let db = UserDb::open(&path).unwrap();
        assert_eq!(db.remembered("demo", &demo_pw), None, "not verified yet");
        assert!(db.authenticate("demo", &demo_pw));
        assert!(db.authenticate("demo", &demo_pw), "cached");
        assert_eq!(db.remembered("demo", &demo_pw), Some(true));
        assert_eq!(db.remembered("demo", "wrong"), None, "a wrong password needs the full check");
        assert!(!db.authenticate("demo", "wrong"));
        assert!(!db.authenticate("nobody", &demo_pw));
        assert_eq!(db.user("demo").unwrap(), UserInfo { name: "demo".into(), um_enabled: true, email: "demo@localhost".into() });

        add_user(&path, "bob@example.com", "pw", false, None).unwrap();
        add_user(&path, "carol", "pw2", true, Some("carol@example.org")).unwrap();
        assert!(add_user(&path, "carol", "x", true, None).is_err());
        assert!(add_user(&path, "bad:name", "x", true, None).is_err());
        assert!(add_user(&path, "dave", "", true, None).is_err());
        // The running server sees the new users.
        let bob = db.user("bob@example.com").unwrap();
        assert!(!bob.um_enabled);
        assert_eq!(bob.email, "bob@example.com");
        assert_eq!(db.user("carol").unwrap().email, "carol@example.org");
        assert!(db.authenticate("carol", "pw2"));
        assert!(db.authenticate("demo", &demo_pw));
    }

    #[test]
    fn bad_files_are_rejected_with_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(USERS_FILE);
        fs::write(&path, "# c\n\nx:notahash:um-enabled\n").unwrap();
        let e = UserDb::open(&path).unwrap_err().to_string();
        assert!(e.ends_with(":3: the password hash is not a PHC string"), "{e}");
        let h = hash_password("p").unwrap();
        fs::write(&path, format!("x:{h}:maybe\n")).unwrap();
        assert!(UserDb::open(&path).is_err());
        fs::write(&path, format!("x:{h}:um-enabled\nx:{h}:um-disabled\n")).unwrap();
        assert!(UserDb::open(&path).unwrap_err().to_string().contains("listed twice"));
    }
}
