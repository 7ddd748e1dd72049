//! Per-mailbox Unified Messaging settings, the UM PIN and the ResetPIN outbox, in an embedded
//! SQLite database (`um.sqlite3` in the data directory).
//!
//! Durability: the database runs in WAL mode with `synchronous=FULL`, and every write is one
//! committed transaction before the method returns, so a write the server acknowledged
//! survives a crash or power loss.
//!
//! Schema (version 1, in `PRAGMA user_version`):
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
//! ```

use std::fmt;
use std::path::Path;
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension, params};

/// The database file's name in the data directory.
pub const DB_FILE: &str = "um.sqlite3";

const SCHEMA_VERSION: i64 = 1;

/// A database error.
#[derive(Debug)]
pub struct StoreError(String);

impl StoreError {
    /// An error with this message.
    pub fn other(message: impl Into<String>) -> Self {
        StoreError(message.into())
    }

    fn new(context: &str, e: impl fmt::Display) -> Self {
        StoreError(format!("{context}: {e}"))
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
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
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let conn = Connection::open(path).map_err(|e| StoreError::new(&format!("cannot open {}", path.display()), e))?;
        Self::init(conn)
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
            Ok(())
        };
        setup().map_err(|e| StoreError::new("cannot initialize the database", e))?;
        let version: i64 =
            conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| StoreError::new("cannot read the schema version", e))?;
        if version != SCHEMA_VERSION {
            return Err(StoreError(format!("the database has schema version {version}; this server knows version {SCHEMA_VERSION}")));
        }
        Ok(Store { conn: Mutex::new(conn) })
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
}
