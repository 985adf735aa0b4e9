//! A rusqlite-backed `Db` for native tests, benchmarks and tools (feature
//! `native-sqlite`); inside Spin the adapter's `SpinDb` plays this part.

use crate::db::{Db, DbError, Rows, Value};

/// A SQLite connection speaking the `Db` trait, with Spin's value mapping.
pub struct SqliteDb(pub rusqlite::Connection);

impl SqliteDb {
    /// A fresh in-memory database with every migration applied.
    pub fn migrated() -> Self {
        let db = SqliteDb(rusqlite::Connection::open_in_memory().expect("in-memory SQLite"));
        crate::migrations::ensure_schema(&db).expect("migrations apply");
        db
    }
}

impl Db for SqliteDb {
    fn execute(&self, sql: &str, params: &[Value]) -> Result<Rows, DbError> {
        use rusqlite::types::{Value as V, ValueRef};
        let mut stmt = self.0.prepare(sql).map_err(|e| DbError(e.to_string()))?;
        let columns: Vec<String> = stmt.column_names().into_iter().map(String::from).collect();
        let params = params.iter().map(|p| match p {
            Value::Integer(i) => V::Integer(*i),
            Value::Real(r) => V::Real(*r),
            Value::Text(t) => V::Text(t.clone()),
            Value::Blob(b) => V::Blob(b.clone()),
            Value::Null => V::Null,
        });
        let mut rows = stmt
            .query(rusqlite::params_from_iter(params))
            .map_err(|e| DbError(e.to_string()))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(|e| DbError(e.to_string()))? {
            let mut values = Vec::new();
            for i in 0..columns.len() {
                values.push(match row.get_ref(i).map_err(|e| DbError(e.to_string()))? {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(i) => Value::Integer(i),
                    ValueRef::Real(r) => Value::Real(r),
                    ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Blob(b) => Value::Blob(b.to_vec()),
                });
            }
            out.push(values);
        }
        Ok(Rows { columns, rows: out })
    }
}
