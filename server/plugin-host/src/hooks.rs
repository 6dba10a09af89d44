//! Every hook, run in the guest on a blocking thread, with guest failures turned into the
//! error answers Mattermost expects.

use std::sync::Arc;

use mm_api::ApiClient;
use mm_model::{AppError, ChannelMember, CommandArgs, CommandResponse, Context, Post, Reaction, User};
use mm_protocol::{HttpRequest, HttpResponse};
use tokio::sync::watch;
use wasm_host::GuestRuntime;

use crate::log;

type Loaded = Result<Arc<GuestRuntime>, String>;

/// The guest, once compiled. Hooks that arrive earlier wait for it.
#[derive(Clone)]
pub struct GuestSlot {
    tx: Arc<watch::Sender<Option<Loaded>>>,
}

impl GuestSlot {
    pub fn new() -> Self {
        Self { tx: Arc::new(watch::channel(None).0) }
    }

    pub fn set(&self, loaded: Loaded) {
        self.tx.send_replace(Some(loaded));
    }

    async fn get(&self) -> Loaded {
        let mut rx = self.tx.subscribe();
        match rx.wait_for(Option::is_some).await {
            Ok(v) => v.clone().unwrap_or_else(|| Err("the plugin logic was not loaded".into())),
            Err(_) => Err("the plugin logic loader stopped".into()),
        }
    }
}

pub struct HostHooks {
    guest: GuestSlot,
    plugin_id: String,
    /// The timer calling the guest's `RunScheduled` while the plugin is active.
    ticker: std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
    /// The store opened at activation, to let go of its connections at deactivation.
    store: std::sync::Mutex<Option<Arc<dyn host_store::Store>>>,
    /// `INCIDENT_SERVER_TIMING=1`: HTTP answers carry a `Server-Timing` header saying where the
    /// request's time went (instantiation, each API method, SQL, the guest); `make bench` reads it.
    /// Off by default: it tells a client how the server spends its time.
    server_timing: bool,
    /// Guest calls under way, so that the process does not stop under them (see `wait_for_calls`).
    calls: Arc<CallsUnderWay>,
}

/// Counts the guest calls running on blocking threads; `Notify` wakes the waiter at zero.
#[derive(Default)]
struct CallsUnderWay {
    count: std::sync::atomic::AtomicUsize,
    none_left: tokio::sync::Notify,
}

/// One guest call under way, from its start to its end (on any path, panics included).
struct CallUnderWay(Arc<CallsUnderWay>);

impl CallUnderWay {
    fn start(calls: &Arc<CallsUnderWay>) -> Self {
        calls.count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Self(calls.clone())
    }
}

impl Drop for CallUnderWay {
    fn drop(&mut self) {
        if self.0.count.fetch_sub(1, std::sync::atomic::Ordering::SeqCst) == 1 {
            self.0.none_left.notify_waiters();
        }
    }
}

/// Longest wait at deactivation for the database work under way.
const DEACTIVATE_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// How often `RunScheduled` runs: `INCIDENT_TICK_SECONDS` (1 to 3600), else a minute.
fn tick_period() -> std::time::Duration {
    let seconds = std::env::var("INCIDENT_TICK_SECONDS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|s| (1..=3600).contains(s))
        .unwrap_or(60);
    std::time::Duration::from_secs(seconds)
}

impl HostHooks {
    pub fn new(guest: GuestSlot, plugin_id: String) -> Self {
        let server_timing = std::env::var("INCIDENT_SERVER_TIMING").is_ok_and(|v| v.trim() == "1");
        Self {
            guest,
            plugin_id,
            ticker: std::sync::Mutex::new(None),
            store: std::sync::Mutex::new(None),
            server_timing,
            calls: Arc::default(),
        }
    }

    /// Waits up to `limit` for the guest calls under way to finish; `false` if some still run.
    /// Mattermost's `Control.Quit` (or a broken connection) can end the protocol while hooks
    /// still run in the guest, and those need the async runtime (its timers, the API client):
    /// stopping the runtime under them made them panic, and the panic hook then exited before
    /// the store closed its file (e2e: an unmerged write-ahead log after disabling under load).
    pub async fn wait_for_calls(&self, limit: std::time::Duration) -> bool {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            // Registered before the count is read, so a call ending in between still wakes us.
            let none_left = self.calls.none_left.notified();
            if self.calls.count.load(std::sync::atomic::Ordering::SeqCst) == 0 {
                return true;
            }
            if tokio::time::timeout_at(deadline, none_left).await.is_err() {
                return self.calls.count.load(std::sync::atomic::Ordering::SeqCst) == 0;
            }
        }
    }

    /// Starts (or restarts) the timer when the guest has timed work. A slow run delays the
    /// next one rather than piling up; a failed run is logged and the timer goes on.
    fn start_ticker(&self, guest: Arc<GuestRuntime>) {
        let calls = self.calls.clone();
        let task = tokio::spawn(async move {
            let mut interval = tokio::time::interval(tick_period());
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            interval.tick().await; // the first tick is immediate; activation has just run
            loop {
                interval.tick().await;
                let g = guest.clone();
                let call = CallUnderWay::start(&calls);
                match tokio::task::spawn_blocking(move || {
                    let _call = call;
                    g.run_scheduled()
                })
                .await
                {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) => log::error(&format!("RunScheduled: {e}")),
                    Err(e) => log::error(&format!("RunScheduled: the plugin logic thread failed: {e}")),
                }
            }
        });
        if let Ok(mut slot) = self.ticker.lock()
            && let Some(old) = slot.replace(task)
        {
            old.abort();
        }
    }

    fn stop_ticker(&self) {
        if let Ok(mut slot) = self.ticker.lock()
            && let Some(task) = slot.take()
        {
            task.abort();
        }
    }

    /// Runs `f` against the guest on a blocking thread (guest calls block on API round trips).
    async fn run<R: Send + 'static>(
        &self,
        hook: &'static str,
        f: impl FnOnce(&GuestRuntime) -> Result<R, wasm_host::GuestError> + Send + 'static,
    ) -> Result<R, String> {
        let guest = self.guest.get().await?;
        let call = CallUnderWay::start(&self.calls);
        let outcome = tokio::task::spawn_blocking(move || {
            let _call = call;
            f(&guest)
        })
        .await
        .map_err(|e| format!("{hook}: the plugin logic thread failed: {e}"))?;
        outcome.map_err(|e| {
            let message = format!("{hook}: {e}");
            log::error(&message);
            message
        })
    }
}

/// The 401 for a request Mattermost did not authenticate (no `Mattermost-User-Id`), the same
/// answer the plugin logic gives.
fn unauthenticated(request: &HttpRequest) -> Option<HttpResponse> {
    match request.header("Mattermost-User-Id") {
        Some(user) if !user.trim().is_empty() => None,
        _ => Some(HttpResponse::json(401, r#"{"error":"not authenticated: log in to Mattermost"}"#)),
    }
}

fn guest_failed(message: String) -> AppError {
    AppError {
        id: "plugin.incident_response.logic_failed".into(),
        message: "Incident Response could not complete this request; the error was logged.".into(),
        detailed_error: message,
        status_code: 500,
        where_: "ExecuteCommand".into(),
        ..AppError::default()
    }
}

impl mm_protocol::Hooks for HostHooks {
    async fn implemented(&self) -> Result<Vec<String>, String> {
        // The guest's own list (mm-protocol drops names it cannot dispatch), plus two hooks the
        // host needs whatever the guest does, because Mattermost calls only listed hooks:
        // OnDeactivate (without it the process would be killed with database work under way)
        // and OnConfigurationChange (it empties the host's configuration cache).
        let mut hooks = self.run("Implemented", |g| g.implemented()).await?;
        for needed in ["OnDeactivate", "OnConfigurationChange"] {
            if !hooks.iter().any(|h| h == needed) {
                hooks.push(needed.into());
            }
        }
        Ok(hooks)
    }

    async fn on_activate(&self, api: go_netrpc::Client, driver: Option<go_netrpc::Client>) -> Result<(), String> {
        let guest = self.guest.get().await?;
        let api = ApiClient::new(api);
        guest.set_api(api.clone());
        let driver = driver.map(mm_api::DriverClient::new);
        let store = crate::storage::open_store(&api, driver, &self.plugin_id).await.inspect_err(|e| log::error(e))?;
        guest.set_store(store.clone());
        if let Ok(mut slot) = self.store.lock() {
            *slot = Some(store);
        }
        self.run("OnActivate", |g| g.on_activate()).await??;
        if self.run("Implemented", |g| g.implemented()).await?.iter().any(|h| h == "RunScheduled") {
            self.start_ticker(guest);
        }
        log::info("Incident Response activated");
        Ok(())
    }

    async fn on_deactivate(&self) -> Result<(), String> {
        self.stop_ticker();
        let result = self.run("OnDeactivate", |g| g.on_deactivate()).await?;
        if let Some(store) = self.store.lock().ok().and_then(|mut s| s.take()) {
            // Mattermost kills the process next and takes its connections back as they are:
            // a transaction still open then would carry over into Mattermost's own queries.
            // So wait for those under way (Mattermost allows OnDeactivate 10 s at shutdown).
            let drained = tokio::task::spawn_blocking(move || store.shut_down(DEACTIVATE_WAIT)).await;
            if !matches!(drained, Ok(true)) {
                log::error(&format!(
                    "database work was still running {DEACTIVATE_WAIT:?} into deactivation; the database ends it when the process exits"
                ));
            }
        }
        result
    }

    async fn on_configuration_change(&self) -> Result<(), String> {
        self.run("OnConfigurationChange", |g| g.on_configuration_change()).await?
    }

    async fn execute_command(&self, ctx: Context, args: CommandArgs) -> Result<CommandResponse, AppError> {
        self.run("ExecuteCommand", move |g| g.execute_command(&ctx, &args)).await.map_err(guest_failed)?
    }

    async fn serve_http(&self, ctx: Context, mut request: HttpRequest) -> HttpResponse {
        let user_id = request.header("Mattermost-User-Id").map(str::to_owned);
        // Only the host asks the guest for its JSON time, and only when timing is on.
        request.headers.retain(|(name, _)| !name.eq_ignore_ascii_case(wasm_host::timing::TIMING_REQUEST_HEADER));
        if self.server_timing {
            request.headers.push((wasm_host::timing::TIMING_REQUEST_HEADER.into(), "1".into()));
        }
        let outcome = self.run("ServeHTTP", move |g| g.serve_http(&ctx, user_id.as_deref(), &request)).await;
        match outcome {
            Ok((mut response, mut timing)) => {
                timing.take_guest_json(&mut response.headers);
                if self.server_timing {
                    response.headers.push(("Server-Timing".into(), timing.server_timing()));
                }
                response
            }
            Err(_) => {
                HttpResponse::json(500, r#"{"error":"Incident Response could not complete this request; the error was logged."}"#)
            }
        }
    }

    /// A request without `Mattermost-User-Id` (Mattermost sets it only for a logged-in session)
    /// is answered 401 before its body is read: every route of the plugin needs a user, so an
    /// anonymous client cannot make the host take in megabytes (security review #16).
    fn answer_before_body(&self, request: &HttpRequest) -> Option<HttpResponse> {
        unauthenticated(request)
    }

    async fn message_has_been_posted(&self, ctx: Context, post: Post) {
        let _ = self.run("MessageHasBeenPosted", move |g| g.message_has_been_posted(&ctx, &post)).await;
    }

    async fn message_has_been_deleted(&self, ctx: Context, post: Post) {
        let _ = self.run("MessageHasBeenDeleted", move |g| g.message_has_been_deleted(&ctx, &post)).await;
    }

    async fn message_has_been_updated(&self, ctx: Context, new_post: Post, old_post: Post) {
        let _ = self.run("MessageHasBeenUpdated", move |g| g.message_has_been_updated(&ctx, &new_post, &old_post)).await;
    }

    async fn reaction_has_been_added(&self, ctx: Context, reaction: Reaction) {
        let _ = self.run("ReactionHasBeenAdded", move |g| g.reaction_has_been_added(&ctx, &reaction)).await;
    }

    async fn user_has_joined_channel(&self, ctx: Context, member: ChannelMember, actor: Option<User>) {
        let _ = self.run("UserHasJoinedChannel", move |g| g.user_has_joined_channel(&ctx, &member, actor.as_ref())).await;
    }

    async fn on_plugin_cluster_event(&self, ctx: Context, id: String, data: Vec<u8>) {
        let _ = self.run("OnPluginClusterEvent", move |g| g.on_plugin_cluster_event(&ctx, &id, &data)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(headers: &[(&str, &str)]) -> HttpRequest {
        HttpRequest {
            method: "POST".into(),
            url: "/api/v0/echo".into(),
            headers: headers.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
            body: Vec::new(),
        }
    }

    /// Security review #16: without a user the answer is decided before the body is read.
    #[test]
    fn an_unauthenticated_request_is_refused_before_its_body() {
        for anonymous in [request(&[]), request(&[("Mattermost-User-Id", "")]), request(&[("Content-Length", "33554432")])] {
            let answer = unauthenticated(&anonymous).expect("refused");
            assert_eq!(answer.status, 401);
            assert_eq!(answer.body, br#"{"error":"not authenticated: log in to Mattermost"}"#);
        }
        assert_eq!(unauthenticated(&request(&[("mattermost-user-id", "u1")])), None);
    }

    /// The process stops only after the guest calls under way, or after the limit.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn stopping_waits_for_the_calls_under_way() {
        let hooks = HostHooks::new(GuestSlot::new(), "incident-response".into());
        assert!(hooks.wait_for_calls(std::time::Duration::ZERO).await, "nothing under way");
        let first = CallUnderWay::start(&hooks.calls);
        let second = CallUnderWay::start(&hooks.calls);
        assert!(!hooks.wait_for_calls(std::time::Duration::from_millis(50)).await, "two still run");
        let ends = tokio::task::spawn_blocking(move || {
            drop(first);
            std::thread::sleep(std::time::Duration::from_millis(100));
            drop(second);
        });
        let started = std::time::Instant::now();
        assert!(hooks.wait_for_calls(std::time::Duration::from_secs(10)).await, "both ended");
        assert!(started.elapsed() >= std::time::Duration::from_millis(90), "it waited for the second");
        ends.await.expect("joined");
    }
}
