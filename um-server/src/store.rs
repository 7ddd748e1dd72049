//! Per-mailbox Unified Messaging settings, the UM PIN and the ResetPIN outbox, and the mail
//! apps installed in each mailbox ([MS-OXWSCEXT]), in an embedded SQLite database
//! (`um.sqlite3` in the data directory).
//!
//! Durability: the database runs in WAL mode with `synchronous=FULL`, and every write is one
//! committed transaction before the method returns, so a write the server acknowledged
//! survives a crash or power loss.
//!
//! Schema (version 2, in `PRAGMA user_version`; a version 1 database is upgraded in place by
//! adding the `app` table):
//!
//! ```sql
//! CREATE TABLE mailbox (
//!     user                             TEXT PRIMARY KEY,
//!     oof_status                       INTEGER,  -- NULL: default (false)
//!     missed_call_notification_enabled INTEGER,  -- NULL: default (true)
//!     play_on_phone_dial_string        TEXT,     -- NULL: default ("")
//!     telephone_access_folder_email    TEXT,     -- NULL: default (the user's Inbox)
//!     pin_hash                         TEXT,     -- Argon2id PHC string; NULL: no PIN yet
//!     pin_set_at                       INTEGER   -- Unix time of the last ResetPIN
//! );
//! CREATE TABLE outbox (
//!     id         INTEGER PRIMARY KEY AUTOINCREMENT,
//!     user       TEXT NOT NULL,
//!     created_at INTEGER NOT NULL,               -- Unix time
//!     recipient  TEXT NOT NULL,
//!     subject    TEXT NOT NULL,
//!     body       TEXT NOT NULL
//! );
//! CREATE TABLE app (
//!     user           TEXT NOT NULL,
//!     id             TEXT NOT NULL,      -- the manifest's Id
//!     manifest       BLOB NOT NULL,      -- as installed
//!     installed_at   INTEGER NOT NULL,   -- Unix time
//!     disable_reason TEXT,               -- NULL: enabled; else the DisableReasonType value
//!     PRIMARY KEY (user, id)
//! );
//! ```

use std::fmt;
use std::path::Path;
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension, params};

/// The database file's name in the data directory.
pub const DB_FILE: &str = "um.sqlite3";

const SCHEMA_VERSION: i64 = 2;

/// A database error.
#[derive(Debug)]
pub struct StoreError {
    message: String,
    /// SQLite could not open or write the database file for lack of permission or a writable
    /// file system.
    read_only: bool,
}

impl StoreError {
    /// An error with this message.
    pub fn other(message: impl Into<String>) -> Self {
        StoreError { message: message.into(), read_only: false }
    }

    fn new(context: &str, e: rusqlite::Error) -> Self {
        let read_only = matches!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::CannotOpen | rusqlite::ErrorCode::ReadOnly));
        StoreError { message: format!("{context}: {e}"), read_only }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StoreError {}

/// The stored settings of one mailbox; `None` where the user never set a value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StoredSettings {
    /// `OofStatus`.
    pub oof_status: Option<bool>,
    /// `MissedCallNotificationEnabled`.
    pub missed_call_notification_enabled: Option<bool>,
    /// `PlayOnPhoneDialString`.
    pub play_on_phone_dial_string: Option<String>,
    /// `TelephoneAccessFolderEmail`.
    pub telephone_access_folder_email: Option<String>,
}

/// An e-mail the server "sent" (recorded in the outbox).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxMessage {
    /// Unix time it was recorded.
    pub created_at: i64,
    /// The recipient's address.
    pub recipient: String,
    /// Subject.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
}

/// The settings database.
#[derive(Debug)]
pub struct Store {
    conn: Mutex<Connection>,
}

impl Store {
    /// Opens (creating if needed) the database at `path`.
    ///
    /// A database that exists but cannot be opened for writing (a read-only data directory or
    /// file system) is opened read-only instead, with a warning: the server answers reads, and
    /// every change is refused with an internal error (logged with SQLite's reason) until it is
    /// restarted on a writable directory. Nothing stored is touched.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let writable =
            Connection::open(path).map_err(|e| StoreError::new(&format!("cannot open {}", path.display()), e)).and_then(Self::init);
        match writable {
            Err(e) if e.read_only && path.is_file() => {
                let store = Self::open_read_only(path)?;
                tracing::warn!(error = %e, "the database is read-only: serving reads, refusing every change until restarted on a writable data directory");
                Ok(store)
            }
            other => other,
        }
    }

    /// Opens the database read-only. `immutable` because the file cannot change under it (its
    /// file system refuses writes), and because SQLite could not otherwise read a WAL database
    /// without creating its `-shm` file.
    fn open_read_only(path: &Path) -> Result<Store, StoreError> {
        use rusqlite::OpenFlags;
        let uri = format!("file:{}?immutable=1", path.display());
        let conn = Connection::open_with_flags(uri, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI)
            .map_err(|e| StoreError::new(&format!("cannot open {} read-only", path.display()), e))?;
        Self::check_version(&conn)?;
        Ok(Store { conn: Mutex::new(conn) })
    }

    /// An in-memory database (for tests).
    pub fn in_memory() -> Result<Store, StoreError> {
        Self::init(Connection::open_in_memory().map_err(|e| StoreError::new("cannot open an in-memory database", e))?)
    }

    fn init(conn: Connection) -> Result<Store, StoreError> {
        let setup = || -> rusqlite::Result<()> {
            // journal_mode returns a row; in-memory databases answer "memory".
            let _mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
            conn.execute_batch("PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;")?;
            let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            if version == 0 {
                conn.execute_batch(
                    "BEGIN;
                     CREATE TABLE IF NOT EXISTS mailbox (
                         user TEXT PRIMARY KEY,
                         oof_status INTEGER,
                         missed_call_notification_enabled INTEGER,
                         play_on_phone_dial_string TEXT,
                         telephone_access_folder_email TEXT,
                         pin_hash TEXT,
                         pin_set_at INTEGER
                     );
                     CREATE TABLE IF NOT EXISTS outbox (
                         id INTEGER PRIMARY KEY AUTOINCREMENT,
                         user TEXT NOT NULL,
                         created_at INTEGER NOT NULL,
                         recipient TEXT NOT NULL,
                         subject TEXT NOT NULL,
                         body TEXT NOT NULL
                     );
                     CREATE INDEX IF NOT EXISTS outbox_user ON outbox(user, id);
                     PRAGMA user_version=1;
                     COMMIT;",
                )?;
            }
            let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            if version == 1 {
                conn.execute_batch(
                    "BEGIN;
                     CREATE TABLE IF NOT EXISTS app (
                         user TEXT NOT NULL,
                         id TEXT NOT NULL,
                         manifest BLOB NOT NULL,
                         installed_at INTEGER NOT NULL,
                         disable_reason TEXT,
                         PRIMARY KEY (user, id)
                     );
                     PRAGMA user_version=2;
                     COMMIT;",
                )?;
            }
            Ok(())
        };
        setup().map_err(|e| StoreError::new("cannot initialize the database", e))?;
        Self::check_version(&conn)?;
        Ok(Store { conn: Mutex::new(conn) })
    }

    fn check_version(conn: &Connection) -> Result<(), StoreError> {
        let version: i64 =
            conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| StoreError::new("cannot read the schema version", e))?;
        if version != SCHEMA_VERSION {
            return Err(StoreError::other(format!(
                "the database has schema version {version}; this server knows version {SCHEMA_VERSION}"
            )));
        }
        Ok(())
    }

    fn with<T>(&self, context: &str, f: impl FnOnce(&mut Connection) -> rusqlite::Result<T>) -> Result<T, StoreError> {
        // Every write is a single statement or transaction: a panic elsewhere cannot leave a
        // half-done write behind the poisoned lock.
        let mut conn = self.conn.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut conn).map_err(|e| StoreError::new(context, e))
    }

    /// The stored settings of `user` (all `None` for a user who never set anything).
    pub fn settings(&self, user: &str) -> Result<StoredSettings, StoreError> {
        self.with("cannot read settings", |c| {
            let row = c
                .query_row(
                    "SELECT oof_status, missed_call_notification_enabled, play_on_phone_dial_string, telephone_access_folder_email
                     FROM mailbox WHERE user = ?1",
                    params![user],
                    |r| {
                        Ok(StoredSettings {
                            oof_status: r.get::<_, Option<bool>>(0)?,
                            missed_call_notification_enabled: r.get::<_, Option<bool>>(1)?,
                            play_on_phone_dial_string: r.get(2)?,
                            telephone_access_folder_email: r.get(3)?,
                        })
                    },
                )
                .optional()?;
            Ok(row.unwrap_or_default())
        })
    }

    fn set(&self, user: &str, column: Column, value: rusqlite::types::Value) -> Result<(), StoreError> {
        let sql =
            format!("INSERT INTO mailbox(user, {c}) VALUES (?1, ?2) ON CONFLICT(user) DO UPDATE SET {c} = excluded.{c}", c = column.name());
        self.with("cannot save the setting", |c| c.execute(&sql, params![user, value]).map(|_| ()))
    }

    /// Stores `OofStatus`.
    pub fn set_oof_status(&self, user: &str, on: bool) -> Result<(), StoreError> {
        self.set(user, Column::OofStatus, i64::from(on).into())
    }

    /// Stores `MissedCallNotificationEnabled`.
    pub fn set_missed_call_notification_enabled(&self, user: &str, on: bool) -> Result<(), StoreError> {
        self.set(user, Column::MissedCallNotificationEnabled, i64::from(on).into())
    }

    /// Stores `PlayOnPhoneDialString`.
    pub fn set_play_on_phone_dial_string(&self, user: &str, dial_string: &str) -> Result<(), StoreError> {
        self.set(user, Column::PlayOnPhoneDialString, dial_string.to_owned().into())
    }

    /// Stores `TelephoneAccessFolderEmail`.
    pub fn set_telephone_access_folder_email(&self, user: &str, folder: &str) -> Result<(), StoreError> {
        self.set(user, Column::TelephoneAccessFolderEmail, folder.to_owned().into())
    }

    /// Replaces the PIN hash of `user` and records `mail` in the outbox, in one transaction.
    pub fn reset_pin(&self, user: &str, pin_hash: &str, mail: &OutboxMessage) -> Result<(), StoreError> {
        self.with("cannot reset the PIN", |c| {
            let tx = c.transaction()?;
            tx.execute(
                "INSERT INTO mailbox(user, pin_hash, pin_set_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT(user) DO UPDATE SET pin_hash = excluded.pin_hash, pin_set_at = excluded.pin_set_at",
                params![user, pin_hash, mail.created_at],
            )?;
            tx.execute(
                "INSERT INTO outbox(user, created_at, recipient, subject, body) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![user, mail.created_at, mail.recipient, mail.subject, mail.body],
            )?;
            tx.commit()
        })
    }

    /// The PIN hash of `user`, if a PIN was ever set.
    pub fn pin_hash(&self, user: &str) -> Result<Option<String>, StoreError> {
        self.with("cannot read the PIN", |c| {
            Ok(c.query_row("SELECT pin_hash FROM mailbox WHERE user = ?1", params![user], |r| r.get::<_, Option<String>>(0))
                .optional()?
                .flatten())
        })
    }

    /// The outbox of `user`, oldest first.
    pub fn outbox(&self, user: &str) -> Result<Vec<OutboxMessage>, StoreError> {
        self.with("cannot read the outbox", |c| {
            let mut st = c.prepare("SELECT created_at, recipient, subject, body FROM outbox WHERE user = ?1 ORDER BY id")?;
            let rows = st.query_map(params![user], |r| {
                Ok(OutboxMessage { created_at: r.get(0)?, recipient: r.get(1)?, subject: r.get(2)?, body: r.get(3)? })
            })?;
            rows.collect()
        })
    }
}

/// A mail app installed in a mailbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstalledApp {
    /// The manifest's `Id`.
    pub id: String,
    /// The manifest as installed.
    pub manifest: Vec<u8>,
    /// Unix time of the installation.
    pub installed_at: i64,
    /// Why it was disabled (a `DisableReasonType` value), `None` while enabled.
    pub disable_reason: Option<String>,
}

impl Store {
    /// Installs (or reinstalls, enabling it again) app `id` for `user`.
    pub fn install_app(&self, user: &str, id: &str, manifest: &[u8], now: i64) -> Result<(), StoreError> {
        self.with("cannot install the app", |c| {
            c.execute(
                "INSERT INTO app(user, id, manifest, installed_at, disable_reason) VALUES (?1, ?2, ?3, ?4, NULL)
                 ON CONFLICT(user, id) DO UPDATE SET manifest = excluded.manifest, installed_at = excluded.installed_at,
                 disable_reason = NULL",
                params![user, id, manifest, now],
            )
            .map(|_| ())
        })
    }

    /// The apps installed for `user`, in the order installed.
    pub fn apps(&self, user: &str) -> Result<Vec<InstalledApp>, StoreError> {
        self.with("cannot read the apps", |c| {
            let mut st =
                c.prepare("SELECT id, manifest, installed_at, disable_reason FROM app WHERE user = ?1 ORDER BY installed_at, id")?;
            let rows = st.query_map(params![user], |r| {
                Ok(InstalledApp { id: r.get(0)?, manifest: r.get(1)?, installed_at: r.get(2)?, disable_reason: r.get(3)? })
            })?;
            rows.collect()
        })
    }

    /// Disables app `id` of `user` with `reason`; whether it is installed.
    pub fn disable_app(&self, user: &str, id: &str, reason: &str) -> Result<bool, StoreError> {
        self.with("cannot disable the app", |c| {
            c.execute("UPDATE app SET disable_reason = ?3 WHERE user = ?1 AND id = ?2", params![user, id, reason]).map(|n| n == 1)
        })
    }

    /// Uninstalls app `id` of `user`; whether it was installed.
    pub fn uninstall_app(&self, user: &str, id: &str) -> Result<bool, StoreError> {
        self.with("cannot uninstall the app", |c| {
            c.execute("DELETE FROM app WHERE user = ?1 AND id = ?2", params![user, id]).map(|n| n == 1)
        })
    }
}

#[derive(Clone, Copy)]
enum Column {
    OofStatus,
    MissedCallNotificationEnabled,
    PlayOnPhoneDialString,
    TelephoneAccessFolderEmail,
}

impl Column {
    fn name(self) -> &'static str {
        match self {
            Column::OofStatus => "oof_status",
            Column::MissedCallNotificationEnabled => "missed_call_notification_enabled",
            Column::PlayOnPhoneDialString => "play_on_phone_dial_string",
            Column::TelephoneAccessFolderEmail => "telephone_access_folder_email",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_persist_across_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DB_FILE);
        {
            let s = Store::open(&path).unwrap();
            assert_eq!(s.settings("alice").unwrap(), StoredSettings::default());
            s.set_oof_status("alice", true).unwrap();
            s.set_missed_call_notification_enabled("alice", false).unwrap();
            s.set_play_on_phone_dial_string("alice", "12345").unwrap();
            s.set_telephone_access_folder_email("alice", "AAAA").unwrap();
            s.set_oof_status("bob", false).unwrap();
            let mail = OutboxMessage { created_at: 7, recipient: "alice@localhost".into(), subject: "s".into(), body: "PIN 1".into() };
            s.reset_pin("alice", "$argon2id$x", &mail).unwrap();
        }
        let s = Store::open(&path).unwrap();
        assert_eq!(
            s.settings("alice").unwrap(),
            StoredSettings {
                oof_status: Some(true),
                missed_call_notification_enabled: Some(false),
                play_on_phone_dial_string: Some("12345".into()),
                telephone_access_folder_email: Some("AAAA".into()),
            }
        );
        assert_eq!(s.settings("bob").unwrap().oof_status, Some(false));
        assert_eq!(s.settings("bob").unwrap().missed_call_notification_enabled, None);
        assert_eq!(s.pin_hash("alice").unwrap().as_deref(), Some("$argon2id$x"));
        assert_eq!(s.pin_hash("bob").unwrap(), None);
        assert_eq!(s.outbox("alice").unwrap().len(), 1);
        assert!(s.outbox("bob").unwrap().is_empty());
        let mode: String = s.with("", |c| c.query_row("PRAGMA journal_mode", [], |r| r.get(0))).unwrap();
        assert_eq!(mode, "wal");
        let sync: i64 = s.with("", |c| c.query_row("PRAGMA synchronous", [], |r| r.get(0))).unwrap();
        assert_eq!(sync, 2, "synchronous=FULL");
    }

    #[test]
    fn apps_are_per_user_and_persist() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DB_FILE);
        {
            let s = Store::open(&path).unwrap();
            s.install_app("alice", "A", b"<a/>", 1).unwrap();
            s.install_app("alice", "B", b"<b/>", 2).unwrap();
            s.install_app("bob", "A", b"<a2/>", 3).unwrap();
            assert!(s.disable_app("alice", "A", "NoReason").unwrap());
            assert!(!s.disable_app("alice", "C", "NoReason").unwrap());
            assert!(s.uninstall_app("alice", "B").unwrap());
            assert!(!s.uninstall_app("alice", "B").unwrap());
        }
        let s = Store::open(&path).unwrap();
        let alice = s.apps("alice").unwrap();
        assert_eq!(alice.len(), 1);
        assert_eq!((alice[0].id.as_str(), alice[0].disable_reason.as_deref()), ("A", Some("NoReason")));
        assert_eq!(s.apps("bob").unwrap()[0].manifest, b"<a2/>");
        // Reinstalling enables it again.
        s.install_app("alice", "A", b"<a/>", 4).unwrap();
        assert_eq!(s.apps("alice").unwrap()[0].disable_reason, None);
    }

    #[test]
    fn a_version_1_database_is_upgraded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DB_FILE);
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch(
                "CREATE TABLE mailbox (user TEXT PRIMARY KEY, oof_status INTEGER, missed_call_notification_enabled INTEGER,
                 play_on_phone_dial_string TEXT, telephone_access_folder_email TEXT, pin_hash TEXT, pin_set_at INTEGER);
                 CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, user TEXT NOT NULL, created_at INTEGER NOT NULL,
                 recipient TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL);
                 INSERT INTO mailbox(user, oof_status) VALUES ('alice', 1);
                 PRAGMA user_version=1;",
            )
            .unwrap();
        }
        let s = Store::open(&path).unwrap();
        assert_eq!(s.settings("alice").unwrap().oof_status, Some(true));
        s.install_app("alice", "A", b"<a/>", 1).unwrap();
        assert_eq!(s.apps("alice").unwrap().len(), 1);
    }
}
