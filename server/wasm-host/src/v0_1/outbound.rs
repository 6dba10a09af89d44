//! The `outbound` interface: one HTTP request on the guest's behalf (outgoing webhooks, pagers,
//! status pages). Runs on
//! the guest call's blocking thread, bounded by its own timeout, so a slow receiver cannot hold
//! a hook longer than that.
//!
//! Webhook URLs are written by whoever may edit plugin settings (and pager and status page base
//! URLs by them too), so the host applies
//! Mattermost's own rule for untrusted outgoing connections (its `httpservice` transport): the
//! name is resolved once, every address is checked, and the connection goes only to a checked
//! address (no second lookup that could answer differently). Loopback, private, link-local,
//! unique-local, shared (CGNAT), multicast, unspecified, documentation and other reserved
//! addresses, and the server's own addresses, are refused unless the server's
//! `ServiceSettings.AllowedUntrustedInternalConnections` allows them: a listed host name (or
//! IP, as written in the URL) is trusted as such, and a listed CIDR range allows the addresses
//! in it.

use std::io::Read;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs, UdpSocket};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::mattermost::plugin::outbound::{Host, HttpAnswer};
use crate::state::HostState;

const MAX_TIMEOUT_MS: u32 = 10_000;
const MAX_ANSWER_BYTES: u64 = 64 * 1024;
const MAX_BODY_BYTES: usize = 1024 * 1024;

impl Host for HostState {
    fn http_post(&mut self, url: String, headers: Vec<(String, String)>, body: Vec<u8>, timeout_ms: u32) -> Result<u16, String> {
        let deadline = Instant::now() + timeout(timeout_ms);
        let allowance = self.allowance(timeout_ms);
        post(&url, &headers, &body, deadline, &allowance)
    }

    fn http_request(
        &mut self,
        method: String,
        url: String,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
        timeout_ms: u32,
    ) -> Result<HttpAnswer, String> {
        let deadline = Instant::now() + timeout(timeout_ms);
        let allowance = self.allowance(timeout_ms);
        send(&method, &url, &headers, &body, deadline, &allowance).map(|(status, body)| HttpAnswer { status, body })
    }
}

impl HostState {
    /// Read at each call: an admin's change applies to the next request. Without an answer
    /// nothing internal is allowed (as Mattermost does when it cannot tell).
    fn allowance(&mut self, timeout_ms: u32) -> Allowance {
        let setting = self
            .block_on_within("GetConfig", timeout(timeout_ms), |api| async move { api.get_config().await })
            .ok()
            .and_then(|config| config["ServiceSettings"]["AllowedUntrustedInternalConnections"].as_str().map(str::to_owned))
            .unwrap_or_default();
        Allowance::parse(&setting)
    }
}

/// The methods the guest may use: those of the REST APIs it calls (no CONNECT, TRACE or
/// anything a proxy or the host itself would read differently).
const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE"];

fn timeout(timeout_ms: u32) -> Duration {
    Duration::from_millis(u64::from(timeout_ms.clamp(1, MAX_TIMEOUT_MS)))
}

/// `ServiceSettings.AllowedUntrustedInternalConnections`, read as Mattermost reads it: entries
/// separated by spaces or commas; each is a host name or IP matched against the URL's host as
/// written, and one that parses as a CIDR range also allows the resolved addresses in it.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Allowance {
    hosts: Vec<String>,
    ranges: Vec<(IpAddr, u8)>,
}

impl Allowance {
    pub(crate) fn parse(setting: &str) -> Self {
        let mut allowance = Allowance::default();
        for entry in setting.split(|c: char| c.is_whitespace() || c == ',').filter(|e| !e.is_empty()) {
            allowance.hosts.push(entry.to_ascii_lowercase());
            if let Some(range) = parse_cidr(entry) {
                allowance.ranges.push(range);
            }
        }
        allowance
    }

    fn allows_host(&self, host: &str) -> bool {
        self.hosts.iter().any(|h| h.eq_ignore_ascii_case(host))
    }

    fn allows_ip(&self, ip: IpAddr) -> bool {
        self.ranges.iter().any(|&(network, bits)| in_range(ip, network, bits))
    }
}

/// `192.168.0.0/16`, `fd00::/8`; the address part in its strict form only.
fn parse_cidr(entry: &str) -> Option<(IpAddr, u8)> {
    let (address, bits) = entry.split_once('/')?;
    let address: IpAddr = address.parse().ok()?;
    let bits: u8 = bits.parse().ok()?;
    let max = if address.is_ipv4() { 32 } else { 128 };
    (bits <= max).then_some((address, bits))
}

fn in_range(ip: IpAddr, network: IpAddr, bits: u8) -> bool {
    match (canonical(ip), network) {
        (IpAddr::V4(ip), IpAddr::V4(net)) => {
            let mask = if bits == 0 { 0 } else { u32::MAX << (32 - u32::from(bits)) };
            u32::from(ip) & mask == u32::from(net) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(net)) => {
            let mask = if bits == 0 { 0 } else { u128::MAX << (128 - u32::from(bits)) };
            u128::from(ip) & mask == u128::from(net) & mask
        }
        _ => false,
    }
}

/// An IPv4 address written as IPv6 (`::ffff:127.0.0.1`) is that IPv4 address: the kernel
/// connects to it as such.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The ranges Mattermost refuses for untrusted connections (`httpservice.IsReservedIP`), and
/// IPv4-compatible IPv6 (`::/96`, deprecated, which some stacks still route to IPv4).
const RESERVED: &[(&str, u8, &str)] = &[
    ("10.0.0.0", 8, "private"),
    ("172.16.0.0", 12, "private"),
    ("192.168.0.0", 16, "private"),
    ("127.0.0.0", 8, "loopback"),
    ("0.0.0.0", 8, "unspecified (this network)"),
    ("169.254.0.0", 16, "link-local"),
    ("192.0.0.0", 24, "reserved (IETF protocol assignments)"),
    ("192.0.2.0", 24, "reserved (documentation)"),
    ("198.51.100.0", 24, "reserved (documentation)"),
    ("203.0.113.0", 24, "reserved (documentation)"),
    ("192.88.99.0", 24, "reserved (6to4 relay)"),
    ("198.18.0.0", 15, "reserved (benchmarking)"),
    ("224.0.0.0", 4, "multicast"),
    ("255.255.255.255", 32, "broadcast"),
    ("240.0.0.0", 4, "reserved"),
    ("100.64.0.0", 10, "shared address space (CGNAT)"),
    ("::", 128, "unspecified"),
    ("::1", 128, "loopback"),
    ("::", 96, "IPv4-compatible IPv6"),
    ("100::", 64, "reserved (discard)"),
    ("2001::", 23, "reserved (IETF protocol assignments)"),
    ("2001:2::", 48, "reserved (benchmarking)"),
    ("2001:db8::", 32, "reserved (documentation)"),
    ("2001::", 32, "reserved (Teredo)"),
    ("fc00::", 7, "unique-local"),
    ("fe80::", 10, "link-local"),
    ("ff00::", 8, "multicast"),
    ("2002::", 16, "reserved (6to4)"),
    ("64:ff9b::", 96, "reserved (IPv4/IPv6 translation)"),
    ("2001:10::", 28, "reserved (ORCHID)"),
    ("2001:20::", 28, "reserved (ORCHIDv2)"),
];

/// Why `ip` is not for untrusted connections, if it is not: a reserved range, or one of this
/// server's own addresses (which reach its local services past a host firewall).
pub(crate) fn forbidden_reason(ip: IpAddr) -> Option<&'static str> {
    let ip = canonical(ip);
    for &(network, bits, what) in RESERVED {
        if let Ok(network) = network.parse::<IpAddr>()
            && in_range(ip, network, bits)
        {
            return Some(what);
        }
    }
    is_own_ip(ip).then_some("one of this server's own addresses")
}

/// Only an address of one of this machine's interfaces can be bound to.
fn is_own_ip(ip: IpAddr) -> bool {
    UdpSocket::bind(SocketAddr::new(ip, 0)).is_ok()
}

/// The URL's host (brackets of an IPv6 literal removed) and port.
fn host_and_port(uri: &ureq::http::Uri) -> Result<(String, u16), String> {
    let host = uri.host().filter(|h| !h.is_empty()).ok_or("the URL has no host")?;
    let host = host.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
    let default_port = if uri.scheme_str().is_some_and(|s| s.eq_ignore_ascii_case("https")) { 443 } else { 80 };
    Ok((host, uri.port_u16().unwrap_or(default_port)))
}

/// The addresses to connect to: all the host's, each checked, unless the host itself is
/// allowed. The lookup is bounded by `deadline` (the system resolver has no timeout of its own).
fn checked_addresses(host: &str, port: u16, deadline: Instant, allowance: &Allowance) -> Result<Vec<SocketAddr>, String> {
    let (tx, rx) = mpsc::sync_channel(1);
    let name = (host.to_owned(), port);
    std::thread::spawn(move || tx.send(name.to_socket_addrs().map(Iterator::collect::<Vec<_>>)).ok());
    let resolved = match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        Ok(Ok(addresses)) => addresses,
        Ok(Err(e)) => return Err(format!("cannot resolve the host: {e}")),
        Err(_) => return Err("the host name did not resolve in time".into()),
    };
    if allowance.allows_host(host) {
        return Ok(resolved);
    }
    let mut allowed = Vec::new();
    let mut refused = Vec::new();
    for address in resolved {
        match forbidden_reason(address.ip()) {
            Some(why) if !allowance.allows_ip(address.ip()) => refused.push(format!("{} is {why}", address.ip())),
            _ => allowed.push(address),
        }
    }
    if allowed.is_empty() {
        return Err(if refused.is_empty() {
            "the host name has no address".into()
        } else {
            format!(
                "address forbidden: {}; list the host or its range in the server's ServiceSettings.AllowedUntrustedInternalConnections to allow it",
                refused.join("; ")
            )
        });
    }
    Ok(allowed)
}

/// Hands ureq the addresses checked before, whatever it asks for, so it connects to nothing
/// else.
#[derive(Debug)]
struct CheckedResolver(Vec<SocketAddr>);

impl ureq::unversioned::resolver::Resolver for CheckedResolver {
    fn resolve(
        &self,
        _uri: &ureq::http::Uri,
        _config: &ureq::config::Config,
        _timeout: ureq::unversioned::transport::NextTimeout,
    ) -> Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        let mut out = self.empty();
        for address in self.0.iter().take(16) {
            out.push(*address);
        }
        if out.is_empty() { Err(ureq::Error::HostNotFound) } else { Ok(out) }
    }
}

pub(crate) fn post(
    url: &str,
    headers: &[(String, String)],
    body: &[u8],
    deadline: Instant,
    allowance: &Allowance,
) -> Result<u16, String> {
    send("POST", url, headers, body, deadline, allowance).map(|(status, _)| status)
}

/// One request; the status and at most [`MAX_ANSWER_BYTES`] of the answer's body.
pub(crate) fn send(
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: &[u8],
    deadline: Instant,
    allowance: &Allowance,
) -> Result<(u16, Vec<u8>), String> {
    let method = METHODS
        .iter()
        .find(|m| m.eq_ignore_ascii_case(method.trim()))
        .ok_or_else(|| format!("the method must be one of {}", METHODS.join(", ")))?;
    let lower = url.trim().to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return Err("only http and https URLs can be called".into());
    }
    if body.len() > MAX_BODY_BYTES {
        return Err(format!("the body has {} bytes; the limit is {MAX_BODY_BYTES}", body.len()));
    }
    let uri: ureq::http::Uri = url.trim().parse().map_err(|e| format!("not a valid URL: {e}"))?;
    let (host, port) = host_and_port(&uri)?;
    let addresses = checked_addresses(&host, port, deadline, allowance)?;
    let remaining = deadline.saturating_duration_since(Instant::now());
    if remaining.is_zero() {
        return Err("no time was left to send the request".into());
    }
    let config = ureq::Agent::config_builder()
        .timeout_global(Some(remaining))
        .http_status_as_error(false)
        .max_redirects(0)
        // A proxy would be connected to instead of the checked address.
        .proxy(None)
        .build();
    let agent =
        ureq::Agent::with_parts(config, ureq::unversioned::transport::DefaultConnector::new(), CheckedResolver(addresses));
    let mut request = ureq::http::Request::builder().method(*method).uri(url.trim());
    for (name, value) in headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let request = request.body(body.to_vec()).map_err(|e| format!("not a valid request: {e}"))?;
    let mut response = agent.run(request).map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    // Read (a bounded part of) the answer: the caller may need it (a created record's id), and
    // the connection ends cleanly.
    let mut answer = Vec::new();
    let _ = response.body_mut().as_reader().take(MAX_ANSWER_BYTES).read_to_end(&mut answer);
    Ok((status, answer))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;

    /// A one-shot HTTP server that answers `status` and hands back what it received.
    fn receiver(status: u16) -> (String, std::thread::JoinHandle<String>) {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
        let handle = std::thread::spawn(move || {
            let (stream, _) = listener.accept().expect("accept");
            let mut reader = BufReader::new(stream);
            let mut head = String::new();
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).expect("line");
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                head.push_str(&line);
                if line == "\r\n" {
                    break;
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).expect("body");
            let mut stream = reader.into_inner();
            write!(stream, "HTTP/1.1 {status} X\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok").expect("answer");
            format!("{head}{}", String::from_utf8_lossy(&body))
        });
        (url, handle)
    }

    fn soon() -> Instant {
        Instant::now() + Duration::from_secs(5)
    }

    #[test]
    fn posts_the_body_and_headers_and_answers_any_status() {
        let (url, seen) = receiver(503);
        let status =
            post(&url, &[("X-Event".into(), "incident_started".into())], br#"{"a":1}"#, soon(), &Allowance::parse("127.0.0.1"))
                .expect("sent");
        assert_eq!(status, 503);
        let request = seen.join().expect("receiver");
        assert!(request.starts_with("POST /hook HTTP/1.1"), "{request}");
        assert!(request.to_ascii_lowercase().contains("x-event: incident_started"), "{request}");
        assert!(request.ends_with(r#"{"a":1}"#), "{request}");
    }

    /// `http-request` (pagers, status pages): any of the REST methods, the answer's body
    /// handed back (a created record's id is in it), capped at 64 KiB.
    #[test]
    fn requests_with_other_methods_hand_back_the_answers_body() {
        let (url, seen) = receiver(201);
        let (status, body) = send(
            "patch",
            &url,
            &[("Authorization".into(), "OAuth k".into())],
            br#"{"incident":{}}"#,
            soon(),
            &Allowance::parse("127.0.0.1"),
        )
        .expect("sent");
        assert_eq!((status, body.as_slice()), (201, b"ok".as_slice()));
        let request = seen.join().expect("receiver");
        assert!(request.starts_with("PATCH /hook HTTP/1.1"), "{request}");
        assert!(request.to_ascii_lowercase().contains("authorization: oauth k"), "{request}");
        assert!(request.ends_with(r#"{"incident":{}}"#), "{request}");

        let big = "x".repeat(100 * 1024);
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}/big", listener.local_addr().expect("addr"));
        let answer = big.clone();
        let server = std::thread::spawn(move || {
            let (stream, _) = listener.accept().expect("accept");
            let mut reader = BufReader::new(stream);
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).expect("line");
                if line == "\r\n" || line.is_empty() {
                    break;
                }
            }
            let mut stream = reader.into_inner();
            let _ = write!(stream, "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}", answer.len());
        });
        let (status, body) = send("GET", &url, &[], b"", soon(), &Allowance::parse("127.0.0.1")).expect("sent");
        assert_eq!((status, body.len()), (200, 64 * 1024), "the answer is cut at 64 KiB");
        server.join().expect("server");
    }

    #[test]
    fn only_rest_methods_are_sent_and_other_schemes_are_refused_for_them_too() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let url = format!("http://{}/x", listener.local_addr().expect("addr"));
        let allow = Allowance::parse("127.0.0.1");
        for method in ["CONNECT", "TRACE", "OPTIONS", "", "GET\r\nX-Evil: 1"] {
            let err = send(method, &url, &[], b"", soon(), &allow).expect_err("refused");
            assert!(err.starts_with("the method must be one of"), "{method:?}: {err}");
        }
        assert!(listener.accept().is_err(), "nothing connected to the receiver");
        assert_eq!(
            send("PATCH", "file:///etc/passwd", &[], b"", soon(), &allow),
            Err("only http and https URLs can be called".into())
        );
        let err = send("PATCH", &url, &[], b"{}", soon(), &Allowance::default()).expect_err("loopback refused");
        assert!(err.starts_with("address forbidden: 127.0.0.1 is loopback"), "{err}");
    }

    #[test]
    fn refuses_other_schemes_and_reports_unreachable_hosts_in_words() {
        let none = Allowance::default();
        assert_eq!(post("file:///etc/passwd", &[], b"", soon(), &none), Err("only http and https URLs can be called".into()));
        let closed = TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr");
        let err =
            post(&format!("http://{closed}/"), &[], b"", soon(), &Allowance::parse("127.0.0.0/8")).expect_err("nobody listens");
        assert!(!err.is_empty());
    }

    /// SSRF (security review #15): a webhook URL on loopback is refused, before any connection,
    /// with the reason, unless the server's AllowedUntrustedInternalConnections lists the host
    /// (as written) or a range holding its address.
    #[test]
    fn a_loopback_webhook_receiver_is_refused_unless_the_server_allows_it() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let port = listener.local_addr().expect("addr").port();
        let err = post(&format!("http://127.0.0.1:{port}/hook"), &[], b"{}", soon(), &Allowance::default()).expect_err("refused");
        assert!(err.starts_with("address forbidden: 127.0.0.1 is loopback"), "{err}");
        assert!(err.contains("AllowedUntrustedInternalConnections"), "{err}");
        let err = post(&format!("http://localhost:{port}/hook"), &[], b"{}", soon(), &Allowance::parse("127.0.0.1"))
            .expect_err("a name is not its IP");
        assert!(err.starts_with("address forbidden"), "{err}");
        assert!(listener.accept().is_err(), "nothing connected to the receiver");

        for allowed in ["127.0.0.1", "example.com, 127.0.0.0/8", "LOCALHOST"] {
            let (url, seen) = receiver(204);
            let url = if allowed == "LOCALHOST" { url.replace("127.0.0.1", "localhost") } else { url };
            assert_eq!(post(&url, &[], b"{}", soon(), &Allowance::parse(allowed)), Ok(204), "allowed by {allowed:?}");
            seen.join().expect("receiver");
        }
    }

    /// Other spellings of internal addresses: IPv4 in decimal, octal and hex (the system
    /// resolver accepts them), IPv4-mapped IPv6, and the unspecified addresses, which reach
    /// the local host. All are refused without a connection.
    #[test]
    fn other_spellings_of_internal_addresses_are_refused() {
        let listener = TcpListener::bind("0.0.0.0:0").expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let port = listener.local_addr().expect("addr").port();
        for host in [
            "2130706433",
            "0177.0.0.1",
            "0x7f.1",
            "127.1",
            "[::ffff:127.0.0.1]",
            "[::ffff:7f00:1]",
            "0.0.0.0",
            "[::]",
            "[::1]",
            "[::127.0.0.1]",
        ] {
            let outcome = post(&format!("http://{host}:{port}/hook"), &[], b"{}", soon(), &Allowance::default());
            let refused = outcome.as_ref().is_err_and(|e| e.starts_with("address forbidden: "));
            assert!(refused, "{host}: {outcome:?}");
        }
        assert!(listener.accept().is_err(), "nothing connected to the receiver");
    }

    #[test]
    fn reserved_ranges_are_mattermosts_and_mapped_addresses_count_as_ipv4() {
        let reason = |ip: &str| forbidden_reason(ip.parse().expect("ip"));
        for (ip, why) in [
            ("127.0.0.1", "loopback"),
            ("10.1.2.3", "private"),
            ("172.31.255.255", "private"),
            ("192.168.1.1", "private"),
            ("169.254.169.254", "link-local"),
            ("100.64.0.1", "shared address space (CGNAT)"),
            ("0.0.0.0", "unspecified (this network)"),
            ("224.0.0.251", "multicast"),
            ("255.255.255.255", "broadcast"),
            ("::1", "loopback"),
            ("::", "unspecified"),
            ("fe80::1", "link-local"),
            ("fd12:3456::1", "unique-local"),
            ("ff02::1", "multicast"),
            ("::ffff:127.0.0.1", "loopback"),
            ("::ffff:169.254.169.254", "link-local"),
            ("::127.0.0.1", "IPv4-compatible IPv6"),
            ("64:ff9b::a00:1", "reserved (IPv4/IPv6 translation)"),
        ] {
            assert_eq!(reason(ip), Some(why), "{ip}");
        }
        assert!(is_own_ip("127.0.0.1".parse().expect("ip")) && !is_own_ip("8.8.8.8".parse().expect("ip")));
        for public in ["8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"] {
            assert_eq!(reason(public), None, "{public}");
        }
    }

    #[test]
    fn the_allowance_reads_like_mattermosts() {
        let a = Allowance::parse(" hooks.internal,10.0.0.0/8  fd00::/8\n192.168.1.5 bad/99");
        assert!(a.allows_host("hooks.internal") && a.allows_host("192.168.1.5") && !a.allows_host("other"));
        assert!(a.allows_ip("10.9.8.7".parse().expect("ip")) && a.allows_ip("::ffff:10.0.0.1".parse().expect("ip")));
        assert!(a.allows_ip("fd00::1".parse().expect("ip")));
        assert!(!a.allows_ip("192.168.1.5".parse().expect("ip")), "a plain IP allows that host as written, not the address");
        assert!(!a.allows_ip("11.0.0.1".parse().expect("ip")));
    }
}
