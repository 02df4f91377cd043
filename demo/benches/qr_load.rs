//! The QR-code login under load: the demo (its own release binary, a process of its own, so its
//! memory is measured alone: `/proc/<pid>/status`) holding many pending codes, each watched by
//! an open event stream (`GET /api/login/qr/events`), on loopback.
//!
//! 1. The demo starts on an SQLite file, codes living 600 s (`SESAME_QR_LIFE_SECS`, the
//!    longest: all stay pending through the run), `RUST_LOG=warn` (no log line per request),
//!    loopback as its trusted proxy (`SESAME_TRUSTED_PROXIES`).
//! 2. [`CODES`] codes are asked for (`POST /api/login/qr`), each by its own "browser" (no
//!    cookie: each gets its own QR cookie) behind its own address (`X-Forwarded-For`: the
//!    portal's limit of 30 codes a minute per address is left as it is, the load comes from
//!    10,000 addresses).
//! 3. Status polls per second with no stream open: [`POLLERS`] clients poll for
//!    [`POLL_SECS`] s, each over its own share of the codes (a code is polled far less than 3
//!    times a second: never `slow_down`).
//! 4. One event stream per code is opened (raw TCP, HTTP/1.1, the code's cookie) and read until
//!    its first event (`pending`); the streams stay open, drained, to the end.
//! 5. With every stream open and pending: the demo's RSS, its CPU use over [`IDLE_SECS`] s
//!    (the streams' re-reads of their rows), the same polls per second again, and
//!    [`APPROVALS`] approvals by an enrolled phone: from the approval's answer to its stream's
//!    `approved_pending_claim`.
//!
//! `SESAME_QR_LOAD_CODES` sets another number of codes (a quick run). Run by `cargo xtask
//! bench`. Prints markdown for BENCHMARKS.md.

use anyhow::{bail, ensure, Context, Result};
use sesame_core::api::{paths, CSRF_HEADER};
use sesame_core::qr::{QrCode, QrEnrolment};
use sesame_demo::phone::Phone;
use sesame_demo::seed::DEMO_ACCOUNTS;
use std::net::{Ipv4Addr, SocketAddr};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Pending codes, each with an open event stream.
const CODES: usize = 10_000;
/// The memory the demo should stay within, in MiB.
const RSS_BUDGET_MIB: u64 = 256;
/// Concurrent clients asking for codes, and opening streams.
const OPENERS: usize = 32;
/// Concurrent pollers.
const POLLERS: usize = 32;
/// How long polls are counted.
const POLL_SECS: u64 = 10;
/// How long the demo's CPU use is read with the streams open and nothing else asked.
const IDLE_SECS: u64 = 10;
/// Approvals timed to their stream's event under load.
const APPROVALS: usize = 20;
/// The phone's PIN.
const PIN: &str = "4821";

/// A code asked for: its handle and the `name=value` of its QR cookie, its payload and digits.
struct Code {
    id: String,
    cookie: String,
    payload: String,
    digits: String,
}

/// The demo's process, ended when dropped.
struct Demo {
    child: Child,
    addr: SocketAddr,
    _dir: tempfile::TempDir,
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Demo {
    /// A field of `/proc/<pid>/status` in kB (`VmRSS`, `VmHWM`).
    fn status_kb(&self, field: &str) -> Result<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        status
            .lines()
            .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .with_context(|| format!("no {field} in /proc/<pid>/status"))
    }

    fn rss_mib(&self) -> Result<f64> {
        Ok(self.status_kb("VmRSS")? as f64 / 1024.0)
    }

    /// CPU time used so far (user + system), in seconds.
    fn cpu_secs(&self) -> Result<f64> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id()))?;
        // Fields after the command's closing parenthesis; utime and stime are the 14th and 15th.
        let rest = stat.rsplit_once(')').context("/proc/<pid>/stat")?.1;
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks: u64 = fields[11].parse::<u64>()? + fields[12].parse::<u64>()?;
        Ok(ticks as f64 / clock_ticks())
    }

    fn open_fds(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.child.id())).map_or(0, |d| d.count())
    }
}

/// `sysconf(_SC_CLK_TCK)`, from `getconf` (100 on Linux nearly always).
fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}

/// Starts the demo's binary (built with this bench's profile) on a free loopback port.
async fn start_demo() -> Result<Demo> {
    // `SESAME_QR_LOAD_DIR`: where the database goes (e.g. /dev/shm, to leave the disk out).
    let dir = match std::env::var_os("SESAME_QR_LOAD_DIR") {
        Some(parent) => tempfile::tempdir_in(parent)?,
        None => tempfile::tempdir()?,
    };
    let addr = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?.local_addr()?;
    let child = Command::new(env!("CARGO_BIN_EXE_sesame-demo"))
        .env("SESAME_BIND", addr.to_string())
        .env(
            "DATABASE_URL",
            format!(
                "sqlite://{}?mode=rwc",
                dir.path().join("qr-load.sqlite").display()
            ),
        )
        .env("SESAME_DEV_MODE", "1")
        .env("SESAME_QR_LIFE_SECS", "600")
        .env("SESAME_TRUSTED_PROXIES", "127.0.0.1")
        .env("SESAME_PAGE_DIR", sesame_demo::config::repo_root())
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .context("starting target/…/sesame-demo")?;
    let demo = Demo {
        child,
        addr,
        _dir: dir,
    };
    // Ready once it answers HTTP (it listens before its database is seeded).
    let client = reqwest::Client::new();
    let start = Instant::now();
    while client
        .get(format!("http://{addr}/api/unknown"))
        .send()
        .await
        .is_err()
    {
        ensure!(
            start.elapsed() < Duration::from_secs(60),
            "the demo did not answer within 60 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(demo)
}

/// `POST /api{path}` with the CSRF header, a JSON body, and optionally a cookie and a client
/// address (`X-Forwarded-For`).
fn post(
    client: &reqwest::Client,
    demo: SocketAddr,
    path: &str,
    body: String,
    cookie: Option<&str>,
    forwarded: Option<&str>,
) -> reqwest::RequestBuilder {
    let mut request = client
        .post(format!("http://{demo}/api{path}"))
        .header(CSRF_HEADER, "1")
        .header("content-type", "application/json")
        .body(body);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    if let Some(ip) = forwarded {
        request = request.header("x-forwarded-for", ip);
    }
    request
}

/// The `name=value` of the Set-Cookie for `name`.
fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|pair| pair.split_once('=').is_some_and(|(n, _)| n == name))
        .map(str::to_owned)
}

/// Asks for `n` codes, each from its own address and browser, [`OPENERS`] at a time.
async fn create_codes(client: &reqwest::Client, demo: &Demo, n: usize) -> Result<Vec<Code>> {
    let next = Arc::new(AtomicUsize::new(0));
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..OPENERS {
        let (client, next, addr) = (client.clone(), next.clone(), demo.addr);
        workers.spawn(async move {
            let mut out = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    return anyhow::Ok(out);
                }
                let ip = Ipv4Addr::from(0x0a00_0000u32 + i as u32 + 1).to_string();
                let body = r#"{"portal":"paaco"}"#.to_owned();
                let response = post(&client, addr, paths::LOGIN_QR, body, None, Some(&ip))
                    .send()
                    .await?;
                let cookie = set_cookie(&response, sesame_demo::qr::cookie_name(true))
                    .context("no QR cookie")?;
                let status = response.status();
                let body = response.bytes().await?;
                ensure!(
                    status == 200,
                    "code {i}: {status} {}",
                    String::from_utf8_lossy(&body)
                );
                let code: QrCode = serde_json::from_slice(&body)?;
                out.push((
                    i,
                    Code {
                        id: code.id,
                        cookie,
                        payload: code.payload,
                        digits: code.digits,
                    },
                ));
            }
        });
    }
    let mut all = Vec::with_capacity(n);
    while let Some(done) = workers.join_next().await {
        all.extend(done??);
    }
    all.sort_by_key(|(i, _)| *i);
    Ok(all.into_iter().map(|(_, c)| c).collect())
}

/// Polls per second: [`POLLERS`] clients for [`POLL_SECS`] s, poller `k` over codes `k`,
/// `k + POLLERS`, …; (answered 200 per second, other answers, p50 and p95 in ms).
async fn poll_rate(
    client: &reqwest::Client,
    demo: &Demo,
    codes: &Arc<Vec<Code>>,
) -> Result<(f64, usize, f64, f64)> {
    let deadline = Instant::now() + Duration::from_secs(POLL_SECS);
    let mut workers = tokio::task::JoinSet::new();
    for k in 0..POLLERS {
        let (client, codes, addr) = (client.clone(), codes.clone(), demo.addr);
        workers.spawn(async move {
            let (mut ok, mut other, mut times) = (0usize, 0usize, Vec::new());
            let mut i = k;
            while Instant::now() < deadline {
                let code = &codes[i % codes.len()];
                i += POLLERS;
                let body = format!(r#"{{"id":"{}"}}"#, code.id);
                let start = Instant::now();
                let response = post(
                    &client,
                    addr,
                    paths::LOGIN_QR_STATUS,
                    body,
                    Some(&code.cookie),
                    None,
                )
                .send()
                .await;
                match response {
                    Ok(r) => {
                        let status = r.status();
                        let body = r.bytes().await.unwrap_or_default();
                        if status == 200 && body.starts_with(br#"{"state":"pending"#) {
                            ok += 1;
                            times.push(start.elapsed().as_secs_f64() * 1000.0);
                        } else {
                            other += 1;
                        }
                    }
                    Err(_) => other += 1,
                }
            }
            (ok, other, times)
        });
    }
    let (mut ok, mut other, mut times) = (0, 0, Vec::new());
    while let Some(done) = workers.join_next().await {
        let (o, x, t) = done?;
        ok += o;
        other += x;
        times.extend(t);
    }
    ensure!(!times.is_empty(), "no poll answered pending");
    Ok((
        ok as f64 / POLL_SECS as f64,
        other,
        percentile(&mut times, 50),
        percentile(&mut times, 95),
    ))
}

/// The open streams: how many ended, and when each saw `approved_pending_claim`
/// (microseconds since `epoch`, 0 before).
struct Streams {
    ended: AtomicUsize,
    approved_at: Vec<AtomicU64>,
    epoch: Instant,
}

/// Opens the event stream of code `i` and reads it until its first event; then drains it in
/// a task of its own, noting an approval and its end.
async fn open_stream(demo: SocketAddr, code: &Code, i: usize, streams: Arc<Streams>) -> Result<()> {
    let mut tcp = TcpStream::connect(demo).await?;
    let request = format!(
        "GET /api{}?id={} HTTP/1.1\r\nHost: {demo}\r\nAccept: text/event-stream\r\n\
         Cookie: {}\r\n\r\n",
        paths::LOGIN_QR_EVENTS,
        code.id,
        code.cookie
    );
    tcp.write_all(request.as_bytes()).await?;
    let mut seen = Vec::with_capacity(1024);
    let mut buf = [0u8; 1024];
    while !contains(&seen, b"\"pending\"") {
        let n = tokio::time::timeout(Duration::from_secs(60), tcp.read(&mut buf))
            .await
            .context("no first event within 60 s")??;
        if n == 0 {
            bail!(
                "stream {i} ended before its first event: {}",
                String::from_utf8_lossy(&seen)
            );
        }
        seen.extend_from_slice(&buf[..n]);
    }
    ensure!(seen.starts_with(b"HTTP/1.1 200"), "stream {i}: not 200");
    tokio::spawn(async move {
        let mut buf = [0u8; 512];
        loop {
            match tcp.read(&mut buf).await {
                Ok(0) | Err(_) => {
                    streams.ended.fetch_add(1, Ordering::Relaxed);
                    return;
                }
                Ok(n) => {
                    if contains(&buf[..n], b"approved_pending_claim") {
                        let at = streams.epoch.elapsed().as_micros() as u64;
                        streams.approved_at[i].store(at.max(1), Ordering::Relaxed);
                    }
                }
            }
        }
    });
    Ok(())
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Opens every code's stream, [`OPENERS`] at a time.
async fn open_streams(demo: &Demo, codes: &Arc<Vec<Code>>, streams: &Arc<Streams>) -> Result<()> {
    let next = Arc::new(AtomicUsize::new(0));
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..OPENERS {
        let (codes, streams, next, addr) =
            (codes.clone(), streams.clone(), next.clone(), demo.addr);
        workers.spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= codes.len() {
                    return anyhow::Ok(());
                }
                open_stream(addr, &codes[i], i, streams.clone())
                    .await
                    .with_context(|| format!("event stream {i}"))?;
            }
        });
    }
    while let Some(done) = workers.join_next().await {
        done??;
    }
    Ok(())
}

/// A phone enrolled for PAACO's demo account: a password login, an enrolment code, the phone.
async fn enrolled_phone(client: &reqwest::Client, demo: &Demo) -> Result<Phone> {
    let who = DEMO_ACCOUNTS
        .iter()
        .find(|a| a.portal == "paaco")
        .context("PAACO's demo account")?;
    let login = serde_json::json!({
        "portal": who.portal, "identifier": who.identifier, "password": who.password,
    });
    let response = post(
        client,
        demo.addr,
        paths::LOGIN_PASSWORD,
        login.to_string(),
        None,
        None,
    )
    .send()
    .await?;
    let session = set_cookie(&response, sesame_demo::session::cookie_name(true))
        .with_context(|| format!("password login: {}", response.status()))?;
    let answer = post(
        client,
        demo.addr,
        paths::PHONE_ENROLMENT,
        String::new(),
        Some(&session),
        None,
    )
    .send()
    .await?
    .bytes()
    .await?;
    let enrolment: QrEnrolment = serde_json::from_slice(&answer)
        .with_context(|| format!("enrolment code: {}", String::from_utf8_lossy(&answer)))?;
    let mut phone = Phone::new()?;
    phone
        .enrol(&enrolment.payload, PIN)
        .await
        .map_err(|e| anyhow::anyhow!("enrolling the phone: {e}"))?;
    Ok(phone)
}

/// The phone approves [`APPROVALS`] codes, one at a time (spread over the codes); for each,
/// the ms from the approval sent to its stream's event, and the approval's own answer time.
async fn approvals(
    phone: &Phone,
    codes: &[Code],
    streams: &Streams,
) -> Result<(Vec<f64>, Vec<f64>)> {
    let (mut pushed, mut answers) = (Vec::new(), Vec::new());
    for k in 0..APPROVALS {
        let i = k * codes.len() / APPROVALS;
        let code = &codes[i];
        let info = phone
            .request(&code.payload)
            .await
            .map_err(|e| anyhow::anyhow!("reading code {i}: {e}"))?;
        let sent = streams.epoch.elapsed();
        phone
            .approve_shown(&code.payload, &info, &code.digits, PIN)
            .await
            .map_err(|e| anyhow::anyhow!("approving code {i}: {e}"))?;
        answers.push((streams.epoch.elapsed() - sent).as_secs_f64() * 1000.0);
        let start = Instant::now();
        let at = loop {
            let at = streams.approved_at[i].load(Ordering::Relaxed);
            if at != 0 {
                break at;
            }
            ensure!(
                start.elapsed() < Duration::from_secs(30),
                "stream {i}: no approval event within 30 s"
            );
            tokio::time::sleep(Duration::from_millis(1)).await;
        };
        pushed.push(at.saturating_sub(sent.as_micros() as u64) as f64 / 1000.0);
    }
    Ok((pushed, answers))
}

fn percentile(v: &mut [f64], p: usize) -> f64 {
    v.sort_by(f64::total_cmp);
    v[((v.len() * p).div_ceil(100))
        .saturating_sub(1)
        .min(v.len() - 1)]
}

/// The soft limit on open files (`ulimit -n`), read from `/proc/self/limits`.
fn open_files_limit() -> Option<u64> {
    std::fs::read_to_string("/proc/self/limits")
        .ok()?
        .lines()
        .find(|l| l.starts_with("Max open files"))?
        .split_whitespace()
        .nth(3)?
        .parse()
        .ok()
}

#[tokio::main]
async fn main() -> Result<()> {
    let n: usize = std::env::var("SESAME_QR_LOAD_CODES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(CODES);
    if let Some(limit) = open_files_limit() {
        // Each stream is one descriptor here and one in the demo (which inherits the limit).
        ensure!(
            limit as usize > n + 256,
            "open files limited to {limit} (ulimit -n): raise it above {} for {n} streams",
            n + 256
        );
    }
    let demo = start_demo().await?;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(OPENERS.max(POLLERS))
        .build()?;
    let idle = demo.rss_mib()?;

    let start = Instant::now();
    let codes = Arc::new(create_codes(&client, &demo, n).await?);
    let create_secs = start.elapsed().as_secs_f64();
    let after_codes = demo.rss_mib()?;
    let (polls_before, other_before, p50_before, p95_before) =
        poll_rate(&client, &demo, &codes).await?;

    let streams = Arc::new(Streams {
        ended: AtomicUsize::new(0),
        approved_at: (0..n).map(|_| AtomicU64::new(0)).collect(),
        epoch: Instant::now(),
    });
    let start = Instant::now();
    open_streams(&demo, &codes, &streams).await?;
    let open_secs = start.elapsed().as_secs_f64();
    let with_streams = demo.rss_mib()?;
    let fds = demo.open_fds();

    let cpu = demo.cpu_secs()?;
    tokio::time::sleep(Duration::from_secs(IDLE_SECS)).await;
    let idle_cpu = (demo.cpu_secs()? - cpu) / IDLE_SECS as f64;
    let after_idle = demo.rss_mib()?;

    let cpu = demo.cpu_secs()?;
    let (polls_after, other_after, p50_after, p95_after) =
        poll_rate(&client, &demo, &codes).await?;
    let poll_cpu = (demo.cpu_secs()? - cpu) / POLL_SECS as f64;
    let after_polls = demo.rss_mib()?;

    let phone = enrolled_phone(&client, &demo).await?;
    let (mut pushed, mut answers) = approvals(&phone, &codes, &streams).await?;
    let ended = streams.ended.load(Ordering::Relaxed);
    let peak = demo.status_kb("VmHWM")? as f64 / 1024.0;
    let rss_max = [with_streams, after_idle, after_polls]
        .into_iter()
        .fold(0.0, f64::max);

    println!("\n## QR-code login under load (`cargo xtask bench`)\n");
    println!(
        "The demo's release binary alone in its process (SQLite file, `RUST_LOG=warn`, codes \
         living 600 s), on loopback with the load generator ({} cores, shared). {n} pending \
         codes, each asked for by its own browser (cookie) from its own address \
         (`X-Forwarded-For` through a trusted proxy), each watched by an open event stream \
         (raw HTTP/1.1). Polls: {POLLERS} concurrent clients for {POLL_SECS} s, each code \
         polled far less than 3 times a second.\n",
        std::thread::available_parallelism().map_or(0, |p| p.get()),
    );
    println!("| phase | measure | value |");
    println!("|---|---|---:|");
    println!("| started (seeded), nothing asked | RSS | {idle:.1} MiB |");
    println!(
        "| {n} codes asked for | time (rate) | {create_secs:.1} s ({:.0} codes/s) |",
        n as f64 / create_secs
    );
    println!("| {n} codes pending, no stream | RSS | {after_codes:.1} MiB |");
    println!(
        "| {n} codes pending, no stream | status polls answered `pending` | {polls_before:.0}/s (p50 {p50_before:.1} ms, p95 {p95_before:.1} ms; {other_before} other answers) |"
    );
    println!(
        "| {n} streams opened | time to all first events | {open_secs:.1} s ({fds} descriptors open in the demo) |"
    );
    println!("| {n} streams open, pending | RSS | {with_streams:.1} MiB |");
    println!(
        "| {n} streams open, nothing else asked | demo CPU ({IDLE_SECS} s) | {:.0} % of one core |",
        idle_cpu * 100.0
    );
    println!(
        "| {n} streams open | status polls answered `pending` | {polls_after:.0}/s (p50 {p50_after:.1} ms, p95 {p95_after:.1} ms; {other_after} other answers; demo CPU {:.0} % of one core) |",
        poll_cpu * 100.0
    );
    println!(
        "| {n} streams open | approval sent → its stream's event ({APPROVALS} approvals) | p50 {:.0} ms, p95 {:.0} ms, max {:.0} ms (the approval's own answer: p50 {:.0} ms, p95 {:.0} ms) |",
        percentile(&mut pushed, 50),
        percentile(&mut pushed, 95),
        percentile(&mut pushed, 100),
        percentile(&mut answers, 50),
        percentile(&mut answers, 95)
    );
    println!(
        "| whole run | RSS: highest read, peak (VmHWM) | {rss_max:.1} MiB, {peak:.1} MiB ({} {RSS_BUDGET_MIB} MiB) |",
        if peak <= RSS_BUDGET_MIB as f64 {
            "within"
        } else {
            "OVER"
        }
    );
    println!("| whole run | streams the demo ended early | {ended} of {n} |");
    Ok(())
}
