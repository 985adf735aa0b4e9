//! The one storage interface the domain needs: run a statement with parameters and get
//! rows back. Spin's SQLite implements it in the component adapter; rusqlite does in
//! native tests.

/// A SQLite value (the five storage classes).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// INTEGER.
    Integer(i64),
    /// REAL.
    Real(f64),
    /// TEXT.
    Text(String),
    /// BLOB.
    Blob(Vec<u8>),
    /// NULL.
    Null,
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Integer(v)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Real(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_string())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Self {
        Value::Blob(v)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// A storage failure, with the backend's message (logged, never shown to clients).
#[derive(Debug, Clone, PartialEq)]
pub struct DbError(pub String);

/// A value as the snapshot format writes it (blobs as base64).
impl From<&Value> for wire::snapshot::Cell {
    fn from(value: &Value) -> Self {
        use base64::Engine as _;
        match value {
            Value::Integer(i) => Self::Integer(*i),
            Value::Real(r) => Self::Real(*r),
            Value::Text(t) => Self::Text(t.clone()),
            Value::Blob(b) => Self::Blob {
                b64: base64::engine::general_purpose::STANDARD.encode(b),
            },
            Value::Null => Self::Null,
        }
    }
}

impl Value {
    /// A snapshot cell as a value again; a blob that is not base64 is an error.
    pub fn from_cell(cell: wire::snapshot::Cell) -> Result<Self, base64::DecodeError> {
        use base64::Engine as _;
        use wire::snapshot::Cell;
        Ok(match cell {
            Cell::Null => Value::Null,
            Cell::Integer(i) => Value::Integer(i),
            Cell::Real(r) => Value::Real(r),
            Cell::Text(t) => Value::Text(t),
            Cell::Blob { b64 } => {
                Value::Blob(base64::engine::general_purpose::STANDARD.decode(b64)?)
            }
        })
    }
}

impl DbError {
    /// Whether the database was busy or locked by another writer: worth retrying,
    /// never a fault of the request. Spin relays SQLite's message (`database is
    /// locked`), libSQL over Hrana its code (`SQLITE_BUSY`). sqld also interrupts a
    /// transaction that waits on another writer (`SQLITE_INTERRUPT`); the transaction
    /// is rolled back, so running it again is as safe as after a busy answer.
    pub fn is_busy(&self) -> bool {
        let m = self.0.to_ascii_lowercase();
        [
            "database is locked",
            "sqlite_busy",
            "database table is locked",
            "sqlite_locked",
            "sqlite_interrupt",
        ]
        .iter()
        .any(|needle| m.contains(needle))
    }
}

/// An error that may stand for a busy database (so a transaction is worth retrying).
pub trait MaybeBusy {
    /// True when the failure was a busy or locked database.
    fn is_busy(&self) -> bool;
}

impl MaybeBusy for DbError {
    fn is_busy(&self) -> bool {
        DbError::is_busy(self)
    }
}

/// The rows a statement returned.
#[derive(Debug, Clone, Default)]
pub struct Rows {
    /// Column names, in order.
    pub columns: Vec<String>,
    /// Row values, in column order.
    pub rows: Vec<Vec<Value>>,
}

/// One row with access by column name.
pub struct Row<'a> {
    columns: &'a [String],
    values: &'a [Value],
}

impl Rows {
    /// Iterates rows with by-name access.
    pub fn iter(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(|values| Row {
            columns: &self.columns,
            values,
        })
    }
    /// The first row, if any.
    pub fn first(&self) -> Option<Row<'_>> {
        self.iter().next()
    }
}

impl Row<'_> {
    fn get(&self, name: &str) -> &Value {
        self.columns
            .iter()
            .position(|c| c == name)
            .and_then(|i| self.values.get(i))
            .unwrap_or(&Value::Null)
    }
    /// An INTEGER column (0 when NULL or absent).
    pub fn int(&self, name: &str) -> i64 {
        self.opt_int(name).unwrap_or(0)
    }
    /// An INTEGER column that may be NULL.
    pub fn opt_int(&self, name: &str) -> Option<i64> {
        match self.get(name) {
            Value::Integer(i) => Some(*i),
            _ => None,
        }
    }
    /// A REAL (or INTEGER) column that may be NULL.
    pub fn opt_real(&self, name: &str) -> Option<f64> {
        match self.get(name) {
            Value::Real(r) => Some(*r),
            Value::Integer(i) => Some(*i as f64),
            _ => None,
        }
    }
    /// A TEXT column ("" when NULL).
    pub fn text(&self, name: &str) -> String {
        self.opt_text(name).unwrap_or_default()
    }
    /// A TEXT column that may be NULL.
    pub fn opt_text(&self, name: &str) -> Option<String> {
        match self.get(name) {
            Value::Text(t) => Some(t.clone()),
            _ => None,
        }
    }
    /// A BLOB column (empty when NULL).
    pub fn blob(&self, name: &str) -> Vec<u8> {
        match self.get(name) {
            Value::Blob(b) => b.clone(),
            _ => Vec::new(),
        }
    }
}

/// Runs statements against one connection.
pub trait Db {
    /// Executes one statement with positional `?` parameters.
    fn execute(&self, sql: &str, params: &[Value]) -> Result<Rows, DbError>;

    /// Called after the database answered busy: waits a little and says whether the
    /// request's budget allows another try. Plain connections never retry.
    fn wait_to_retry(&self, _attempt: u32) -> bool {
        false
    }
}

/// The most parameters one statement binds: SQLite's limit since 3.32 (and libSQL's).
pub const MAX_PARAMS: usize = 32_766;

/// Inserts rows of `width` values each (`params`, row after row) with multi-row
/// `INSERT`s: `insert` is the statement up to `VALUES`, `tail` what follows the values
/// (`RETURNING …`, or empty). As few statements as [`MAX_PARAMS`] allows; the rows they
/// return, in order.
pub fn insert_rows(
    db: &dyn Db,
    insert: &str,
    width: usize,
    params: &[Value],
    tail: &str,
) -> Result<Rows, DbError> {
    let mut out = Rows::default();
    let per_statement = (MAX_PARAMS / width.max(1)).max(1);
    for chunk in params.chunks(per_statement * width.max(1)) {
        let row = format!("({})", vec!["?"; width].join(", "));
        let values = vec![row.as_str(); chunk.len() / width.max(1)].join(", ");
        let rows = db.execute(&format!("{insert} VALUES {values} {tail}"), chunk)?;
        out.columns = rows.columns;
        out.rows.extend(rows.rows);
    }
    Ok(out)
}

const BEGIN: &str = "BEGIN IMMEDIATE";
const COMMIT: &str = "COMMIT";
const ROLLBACK: &str = "ROLLBACK";

/// Runs `work` inside `BEGIN IMMEDIATE … COMMIT`: all of it lands or none of it does.
///
/// `IMMEDIATE` takes the write lock up front, so read-then-write logic (duplicate
/// checks, chain heads) cannot race with another request. When the database is busy
/// anywhere in the transaction, it is rolled back and run again from the start while
/// the connection's retry budget lasts (see [`Resilient`]); `work` must therefore
/// only touch the database, never state outside it.
pub fn transaction<T, E: From<DbError> + MaybeBusy>(
    db: &dyn Db,
    mut work: impl FnMut() -> Result<T, E>,
) -> Result<T, E> {
    let mut attempt = 0;
    loop {
        match transaction_once(db, &mut work) {
            Err(e) if e.is_busy() && db.wait_to_retry(attempt) => attempt += 1,
            outcome => return outcome,
        }
    }
}

fn transaction_once<T, E: From<DbError>>(
    db: &dyn Db,
    work: &mut impl FnMut() -> Result<T, E>,
) -> Result<T, E> {
    db.execute(BEGIN, &[])?;
    let outcome = match work() {
        Ok(value) => match db.execute(COMMIT, &[]) {
            Ok(_) => return Ok(value),
            Err(e) => Err(E::from(e)),
        },
        Err(e) => Err(e),
    };
    let _ = db.execute(ROLLBACK, &[]);
    outcome
}

/// A read transaction that spans several calls (a streamed export or dump): every
/// page reads the same consistent snapshot while writers go on. Begun with
/// [`ReadTransaction::begin`], ended with [`ReadTransaction::end`]; a request that
/// ends without it closes its connection, which ends the transaction too.
#[must_use = "end the read transaction when the last page is read"]
pub struct ReadTransaction(());

impl ReadTransaction {
    /// `BEGIN` (deferred): the snapshot is taken by the first read.
    pub fn begin(db: &dyn Db) -> Result<Self, DbError> {
        db.execute("BEGIN", &[])?;
        Ok(Self(()))
    }

    /// Ends the transaction (it wrote nothing, so `COMMIT` only releases the snapshot).
    pub fn end(self, db: &dyn Db) -> Result<(), DbError> {
        db.execute(COMMIT, &[]).map(|_| ())
    }
}

/// How long one request may spend retrying a busy database before it answers 503.
/// The last try may add one busy wait of the backend (Spin's SQLite: 5 s), so no
/// request waits on the database for longer than about 15 s.
pub const RETRY_BUDGET: std::time::Duration = std::time::Duration::from_secs(10);

/// A connection that retries when the database is busy, for one request: a statement
/// outside a transaction is retried on its own, a transaction as a whole (by
/// [`transaction`]); both with jittered exponential back-off until [`RETRY_BUDGET`]
/// from the connection's opening is spent.
pub struct Resilient<D> {
    inner: D,
    deadline: std::time::Instant,
    in_transaction: std::cell::Cell<bool>,
}

impl<D: Db> Resilient<D> {
    /// Wraps `inner`; the budget starts now.
    pub fn new(inner: D) -> Self {
        Self {
            inner,
            deadline: std::time::Instant::now() + RETRY_BUDGET,
            in_transaction: std::cell::Cell::new(false),
        }
    }
}

impl<D: Db> Db for Resilient<D> {
    fn execute(&self, sql: &str, params: &[Value]) -> Result<Rows, DbError> {
        match sql {
            BEGIN => {
                let result = self.inner.execute(sql, params);
                self.in_transaction.set(result.is_ok());
                return result;
            }
            COMMIT | ROLLBACK => {
                let result = self.inner.execute(sql, params);
                if sql == ROLLBACK || result.is_ok() {
                    self.in_transaction.set(false);
                }
                return result;
            }
            _ if self.in_transaction.get() => return self.inner.execute(sql, params),
            _ => {}
        }
        let mut attempt = 0;
        loop {
            match self.inner.execute(sql, params) {
                Err(e) if e.is_busy() && self.wait_to_retry(attempt) => attempt += 1,
                result => return result,
            }
        }
    }

    fn wait_to_retry(&self, attempt: u32) -> bool {
        // 5 ms doubling to 320 ms, each wait drawn from its upper half so that
        // writers that collided do not collide again in step.
        let ceiling = 5u64 << attempt.min(6);
        let jitter = u64::from(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0),
        ) % (ceiling / 2 + 1);
        let wait = std::time::Duration::from_millis(ceiling / 2 + jitter);
        if std::time::Instant::now() + wait > self.deadline {
            return false;
        }
        std::thread::sleep(wait);
        true
    }
}

#[cfg(test)]
mod retry_tests {
    use super::*;
    use std::cell::RefCell;

    /// A backend that answers busy to the statements whose (0-based) position is in
    /// `busy_at`, or to every statement when `always`.
    struct Flaky {
        busy_at: RefCell<Vec<usize>>,
        always: bool,
        seen: RefCell<Vec<String>>,
    }

    impl Db for Flaky {
        fn execute(&self, sql: &str, _params: &[Value]) -> Result<Rows, DbError> {
            let n = self.seen.borrow().len();
            self.seen.borrow_mut().push(sql.to_string());
            if self.always || self.busy_at.borrow().contains(&n) {
                return Err(DbError("Io(\"database is locked\")".into()));
            }
            Ok(Rows::default())
        }
    }

    fn flaky(busy_at: &[usize], always: bool) -> Resilient<Flaky> {
        Resilient::new(Flaky {
            busy_at: RefCell::new(busy_at.to_vec()),
            always,
            seen: RefCell::new(Vec::new()),
        })
    }

    #[test]
    fn busy_messages_of_both_backends_are_recognised() {
        assert!(DbError("Io(\"database is locked\")".into()).is_busy());
        assert!(
            DbError("Io(\"Hrana: `api error: SQLITE_BUSY: database is locked`\")".into()).is_busy()
        );
        // What sqld 0.24.32 answered a reviewer waiting on another writer (review.rs).
        let interrupted =
            "Io(\"Hrana: `stream error: `Error { message: \\\"SQLite error: interrupted\\\", \
                           code: \\\"SQLITE_INTERRUPT\\\" }``\")";
        assert!(DbError(interrupted.into()).is_busy());
        assert!(!DbError("Io(\"no such table: x\")".into()).is_busy());
    }

    #[test]
    fn a_single_statement_is_retried_until_it_passes() {
        let db = flaky(&[0, 1, 2], false);
        assert!(db.execute("SELECT 1", &[]).is_ok());
        assert_eq!(db.inner.seen.borrow().len(), 4);
    }

    #[test]
    fn a_busy_transaction_is_rolled_back_and_run_again_whole() {
        let db = flaky(&[0, 2], false);
        let mut runs = 0;
        let out: Result<u32, DbError> = transaction(&db, || {
            runs += 1;
            db.execute("INSERT INTO t VALUES (1)", &[])?;
            Ok(runs)
        });
        // BEGIN busy, then INSERT busy inside the transaction, then a clean run.
        assert_eq!(out, Ok(2));
        let seen = db.inner.seen.borrow().join(";");
        assert_eq!(
            seen,
            "BEGIN IMMEDIATE;BEGIN IMMEDIATE;INSERT INTO t VALUES (1);ROLLBACK;BEGIN IMMEDIATE;INSERT INTO t VALUES (1);COMMIT"
        );
    }

    #[test]
    fn statements_inside_a_transaction_are_not_retried_alone() {
        let db = flaky(&[1], false);
        db.execute(BEGIN, &[]).unwrap();
        assert!(db.execute("UPDATE t SET a = 1", &[]).is_err());
        assert_eq!(db.inner.seen.borrow().len(), 2, "no retry inside");
        db.execute(ROLLBACK, &[]).unwrap();
    }

    #[test]
    fn the_budget_ends_in_a_busy_error() {
        let mut db = flaky(&[], true);
        db.deadline = std::time::Instant::now() + std::time::Duration::from_millis(60);
        let started = std::time::Instant::now();
        let err = db.execute("SELECT 1", &[]).unwrap_err();
        assert!(err.is_busy());
        assert!(started.elapsed() < std::time::Duration::from_millis(200));
        assert!(
            db.inner.seen.borrow().len() > 2,
            "it retried before giving up"
        );
    }
}

#[cfg(test)]
mod snapshot_tests {
    use super::*;
    use wire::snapshot::Cell;

    #[test]
    fn values_round_trip_through_snapshot_cells() {
        let values = [
            Value::Integer(1),
            Value::Real(2.5),
            Value::Text("Ada".into()),
            Value::Blob(vec![0, 1]),
            Value::Null,
        ];
        for v in values {
            assert_eq!(Value::from_cell(Cell::from(&v)).unwrap(), v);
        }
        assert_eq!(
            Cell::from(&Value::Blob(vec![0, 1])),
            Cell::Blob { b64: "AAE=".into() }
        );
        assert!(Value::from_cell(Cell::Blob { b64: "!".into() }).is_err());
    }
}
