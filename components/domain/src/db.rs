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
}

/// Runs `work` inside `BEGIN IMMEDIATE … COMMIT`: all of it lands or none of it does.
///
/// `IMMEDIATE` takes the write lock up front, so read-then-write logic (duplicate
/// checks, chain heads) cannot race with another request.
pub fn transaction<T, E: From<DbError>>(
    db: &dyn Db,
    work: impl FnOnce() -> Result<T, E>,
) -> Result<T, E> {
    db.execute("BEGIN IMMEDIATE", &[])?;
    let result = work();
    let outcome = match result {
        Ok(value) => match db.execute("COMMIT", &[]) {
            Ok(_) => return Ok(value),
            Err(e) => Err(E::from(e)),
        },
        Err(e) => Err(e),
    };
    let _ = db.execute("ROLLBACK", &[]);
    outcome
}
