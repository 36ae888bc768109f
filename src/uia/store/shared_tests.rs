//! One test suite every store must pass, run by each back end's tests.

use std::sync::Arc;

use super::{Store, StoreError};
use crate::uia::enrolment::EnrolledCert;
use crate::uia::session::tests::sample;
use crate::uia::token::TokenRecord;

type Factory<'a> = &'a dyn Fn() -> Box<dyn Store>;

pub(crate) fn run_all(factory: Factory<'_>) {
    stores_and_reads_back_sessions(factory());
    updates_only_the_version_read(factory());
    rolls_back_a_failed_transaction(factory());
    lists_idle_sessions(factory());
    keeps_token_counters(factory());
    keeps_enrolled_certificates(factory());
    serialises_concurrent_read_modify_write(Arc::from(factory()));
}

fn stores_and_reads_back_sessions(store: Box<dyn Store>) {
    let session = sample("s1");
    store
        .transaction(&mut |tx| tx.insert_session(&session))
        .unwrap();
    let mut read = None;
    store
        .transaction(&mut |tx| {
            read = tx.session("s1")?;
            Ok(())
        })
        .unwrap();
    assert_eq!(read.as_ref(), Some(&session));
    store
        .transaction(&mut |tx| {
            read = tx.session("missing")?;
            Ok(())
        })
        .unwrap();
    assert_eq!(read, None);
    // A second insert of the same id fails.
    assert!(
        store
            .transaction(&mut |tx| tx.insert_session(&session))
            .is_err()
    );
}

fn updates_only_the_version_read(store: Box<dyn Store>) {
    let mut session = sample("s2");
    store
        .transaction(&mut |tx| tx.insert_session(&session))
        .unwrap();
    session.path = "/changed".into();
    let mut updated = false;
    store
        .transaction(&mut |tx| {
            updated = tx.update_session(&session)?;
            Ok(())
        })
        .unwrap();
    assert!(updated);
    // The stored version moved on: the same (now stale) update fails.
    store
        .transaction(&mut |tx| {
            updated = tx.update_session(&session)?;
            Ok(())
        })
        .unwrap();
    assert!(!updated);
    let mut read = None;
    store
        .transaction(&mut |tx| {
            read = tx.session("s2")?;
            Ok(())
        })
        .unwrap();
    let read = read.unwrap();
    assert_eq!(read.path, "/changed");
    assert_eq!(read.version, session.version + 1);
}

fn rolls_back_a_failed_transaction(store: Box<dyn Store>) {
    let result = store.transaction(&mut |tx| {
        tx.insert_session(&sample("s3"))?;
        tx.put_token(&TokenRecord::new("t", Some(1), None))?;
        Err(StoreError::Backend("abort".into()))
    });
    assert!(result.is_err());
    let (mut session, mut token) = (None, None);
    store
        .transaction(&mut |tx| {
            session = tx.session("s3")?;
            token = tx.token(&TokenRecord::new("t", None, None).key)?;
            Ok(())
        })
        .unwrap();
    assert_eq!((session, token), (None, None));
}

fn lists_idle_sessions(store: Box<dyn Store>) {
    let mut old = sample("old");
    old.last_access_ms = 10;
    let mut fresh = sample("fresh");
    fresh.last_access_ms = 1000;
    store
        .transaction(&mut |tx| {
            tx.insert_session(&old)?;
            tx.insert_session(&fresh)
        })
        .unwrap();
    let mut idle = Vec::new();
    store
        .transaction(&mut |tx| {
            idle = tx.idle_sessions(500, 10)?;
            Ok(())
        })
        .unwrap();
    assert_eq!(
        idle.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        ["old"]
    );
    store
        .transaction(&mut |tx| tx.delete_session("old"))
        .unwrap();
    store
        .transaction(&mut |tx| {
            idle = tx.idle_sessions(500, 10)?;
            Ok(())
        })
        .unwrap();
    assert!(idle.is_empty());
}

fn keeps_token_counters(store: Box<dyn Store>) {
    let mut token = TokenRecord::new("reg", Some(3), Some(99));
    token.pending = 1;
    token.completed = 2;
    store.transaction(&mut |tx| tx.put_token(&token)).unwrap();
    let mut read = None;
    store
        .transaction(&mut |tx| {
            read = tx.token(&token.key)?;
            Ok(())
        })
        .unwrap();
    assert_eq!(read.as_ref(), Some(&token));
    let unlimited = TokenRecord::new("free", None, None);
    store
        .transaction(&mut |tx| tx.put_token(&unlimited))
        .unwrap();
    store
        .transaction(&mut |tx| {
            read = tx.token(&unlimited.key)?;
            Ok(())
        })
        .unwrap();
    assert_eq!(read.as_ref(), Some(&unlimited));
    let mut existed = false;
    store
        .transaction(&mut |tx| {
            existed = tx.delete_token(&token.key)?;
            Ok(())
        })
        .unwrap();
    assert!(existed);
    store
        .transaction(&mut |tx| {
            existed = tx.delete_token(&token.key)?;
            Ok(())
        })
        .unwrap();
    assert!(!existed);
}

fn serialises_concurrent_read_modify_write(store: Arc<dyn Store>) {
    let key = TokenRecord::new("count", None, None).key;
    store
        .transaction(&mut |tx| tx.put_token(&TokenRecord::new("count", None, None)))
        .unwrap();
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let store = Arc::clone(&store);
            let key = key.clone();
            std::thread::spawn(move || {
                for _ in 0..50 {
                    store
                        .transaction(&mut |tx| {
                            let mut t = tx.token(&key)?.expect("token exists");
                            t.completed += 1;
                            tx.put_token(&t)
                        })
                        .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let mut read = None;
    store
        .transaction(&mut |tx| {
            read = tx.token(&key)?;
            Ok(())
        })
        .unwrap();
    assert_eq!(read.unwrap().completed, 400);
}

fn keeps_enrolled_certificates(store: Box<dyn Store>) {
    let cert = |fp: char, user: &str, ms: u64| EnrolledCert {
        fingerprint: fp.to_string().repeat(64),
        user: user.to_owned(),
        enrolled_ms: ms,
    };
    store
        .transaction(&mut |tx| {
            tx.insert_cert(&cert('b', "@alice:x", 2))?;
            tx.insert_cert(&cert('a', "@alice:x", 1))?;
            tx.insert_cert(&cert('c', "@bob:x", 3))
        })
        .unwrap();
    // A fingerprint belongs to one user: a second insert fails, and rolls back.
    let again = store.transaction(&mut |tx| tx.insert_cert(&cert('a', "@bob:x", 4)));
    assert!(again.is_err());
    let (mut alice, mut owner, mut gone, mut wrong_user) = (Vec::new(), None, false, true);
    store
        .transaction(&mut |tx| {
            alice = tx.certs_of("@alice:x")?;
            owner = tx.cert(&"c".repeat(64))?;
            wrong_user = tx.delete_cert("@bob:x", &"a".repeat(64))?;
            gone = tx.delete_cert("@alice:x", &"b".repeat(64))?;
            Ok(())
        })
        .unwrap();
    assert_eq!(
        alice,
        vec![cert('a', "@alice:x", 1), cert('b', "@alice:x", 2)]
    );
    assert_eq!(owner, Some(cert('c', "@bob:x", 3)));
    assert!(!wrong_user, "only the owner's enrolment is revoked");
    assert!(gone);
    store
        .transaction(&mut |tx| {
            alice = tx.certs_of("@alice:x")?;
            owner = tx.cert(&"b".repeat(64))?;
            Ok(())
        })
        .unwrap();
    assert_eq!(alice, vec![cert('a', "@alice:x", 1)]);
    assert_eq!(owner, None);
}
