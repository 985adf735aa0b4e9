//! What every handler works with, below every layer that handles requests: the
//! request and response types, the handler signatures, the per-request [`Context`]
//! (database, settings, outbound HTTP) and the one way to record an action in the
//! activity log. `auth`, `export` and `api` all build on it; it imports none of them.

use crate::config::Settings;
use crate::db::{Db, DbError};
use crate::error::ApiError;
pub use crate::router::Params;
use crate::store::activity::Activity;

/// An incoming request with its whole body.
pub type Request = http::Request<Vec<u8>>;
/// A complete response.
pub type Response = http::Response<Vec<u8>>;
/// A route's handler: the request's context, the request, its path parameters.
pub type Handler = fn(&Context, &Request, &Params) -> Result<Response, ApiError>;

/// A handler that needs neither the database nor the settings (static pages and
/// assets): the adapter serves it without opening the database.
pub type StaticHandler = fn(&Request, &Params) -> Result<Response, ApiError>;

/// A response sent in pieces, for bodies too large to hold in memory.
pub trait ChunkSource {
    /// Status and headers (the body part is ignored).
    fn head(&self) -> Response;
    /// The next piece of the body, or `None` at the end. An error after the head was
    /// sent can only end the stream early.
    fn next_chunk(&mut self, ctx: &Context) -> Result<Option<Vec<u8>>, ApiError>;
}

/// A complete response, or a streamed one.
pub enum Reply {
    /// The whole response at once.
    Full(Response),
    /// Head first, then the body chunk by chunk.
    Stream(Box<dyn ChunkSource>),
}

/// A handler that may stream its response.
pub type StreamingHandler = fn(&Context, &Request, &Params) -> Result<Reply, ApiError>;

/// Outbound HTTP as handlers need it (the lore's story writer): one JSON POST with
/// a deadline. The adapter provides Spin's; tests provide their own.
pub trait Outbound {
    /// POSTs `body` as JSON to `url`; the response body, or why there is none.
    fn post_json(&self, url: &str, body: &[u8], timeout_ms: u64) -> Result<Vec<u8>, String>;
}

/// What a handler works with: the database, the settings and outbound HTTP.
pub struct Context<'a> {
    /// The app's database.
    pub db: &'a dyn Db,
    /// Settings from Spin variables.
    pub settings: Settings,
    /// Outbound HTTP (reaches only the component's `allowed_outbound_hosts`).
    pub outbound: &'a dyn Outbound,
    /// The user whose first request of the (UTC) day this is, as `auth::authenticate`
    /// found: the request's first activity entry records the login in its own
    /// transaction (`Origin::log`), else [`Context::run`] does after the handler.
    login_due: std::cell::Cell<Option<i64>>,
}

/// Where a request came from, as the activity log records it: the client's IP address
/// (Spin's `spin-client-addr`, port removed) and user agent, and the user whose daily
/// login is still to be recorded. Handlers take it from the request
/// ([`Context::origin`]); use-cases get it without seeing HTTP.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    /// Client IP address.
    pub ip_address: Option<String>,
    /// Client user agent.
    pub user_agent: Option<String>,
    /// A user's first request of the day: its `user_login` entry goes first.
    pub login: Option<i64>,
}

impl Origin {
    /// The origin of `req`.
    pub fn of(req: &Request) -> Self {
        let header = |name: &str| {
            req.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let ip_address =
            header("spin-client-addr").map(|a| match a.parse::<std::net::SocketAddr>() {
                Ok(sock) => sock.ip().to_string(),
                Err(_) => a,
            });
        Self {
            ip_address,
            user_agent: header("user-agent"),
            login: None,
        }
    }

    /// An activity entry from this origin.
    pub fn activity(
        &self,
        log_type: Activity,
        user_id: Option<i64>,
        action_data: serde_json::Value,
    ) -> crate::store::activity::Entry {
        crate::store::activity::Entry {
            log_type,
            user_id,
            action_data,
            ip_address: self.ip_address.clone(),
            user_agent: self.user_agent.clone(),
        }
    }

    /// Appends one entry from this origin to the activity log (call it inside the
    /// transaction whose writes it records, so both land or neither does), after the
    /// day's `user_login` when that is still due.
    pub fn log(
        &self,
        db: &dyn Db,
        log_type: Activity,
        user_id: Option<i64>,
        action_data: serde_json::Value,
        now: &str,
    ) -> Result<(), DbError> {
        self.log_login(db, now)?;
        crate::activity_chain::append(db, &self.activity(log_type, user_id, action_data), now)
    }

    /// Records the day's `user_login` if it is due and not yet recorded (the marking
    /// statement makes a second call a no-op). Call inside a write transaction.
    pub fn log_login(&self, db: &dyn Db, now: &str) -> Result<(), DbError> {
        let Some(uid) = self.login else {
            return Ok(());
        };
        let today = &now[..10];
        if crate::store::users::mark_login_day(db, uid, today)? {
            let entry = self.activity(
                Activity::UserLogin,
                Some(uid),
                serde_json::json!({ "day": today }),
            );
            crate::activity_chain::append(db, &entry, now)?;
        }
        Ok(())
    }
}

impl<'a> Context<'a> {
    /// A request's context.
    pub fn new(db: &'a dyn Db, settings: Settings, outbound: &'a dyn Outbound) -> Self {
        Self {
            db,
            settings,
            outbound,
            login_due: std::cell::Cell::new(None),
        }
    }

    /// Notes whether this request is a user's first of the day (`auth::authenticate`).
    pub fn set_login_due(&self, uid: Option<i64>) {
        self.login_due.set(uid);
    }

    /// Where `req` came from, with the day's login if it is due.
    pub fn origin(&self, req: &Request) -> Origin {
        Origin {
            login: self.login_due.get(),
            ..Origin::of(req)
        }
    }

    /// Runs a handler, then records the day's login if its transaction did not (a
    /// request that wrote nothing, or failed): one small transaction, once a day per
    /// user. A database failure there is logged; the handler's answer stands.
    pub fn run<T>(
        &self,
        req: &Request,
        handler: impl FnOnce() -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let answer = handler();
        if self.login_due.get().is_some() {
            let origin = self.origin(req);
            let now = crate::clock::now();
            if let Err(e) = crate::db::transaction(self.db, || origin.log_login(self.db, &now)) {
                eprintln!("recording the day's login failed: {}", e.0);
            }
        }
        answer
    }

    /// Appends one entry for this request to the activity log (call it inside the
    /// transaction whose writes it records, so both land or neither does).
    pub fn log_activity(
        &self,
        req: &Request,
        log_type: Activity,
        user_id: Option<i64>,
        action_data: serde_json::Value,
        now: &str,
    ) -> Result<(), DbError> {
        self.origin(req)
            .log(self.db, log_type, user_id, action_data, now)
    }
}
