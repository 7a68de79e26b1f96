//! `fanzha`: scan messages, explain verdicts, evaluate corpora, build and check packs.

/// `println!` for the commands: a closed stdout (`fanzha eval … | head`) becomes an error
/// returned from the command instead of a panic.
macro_rules! outln {
    ($($arg:tt)*) => {
        writeln!(std::io::stdout().lock(), $($arg)*)
            .map_err(|e| format!("writing output: {e}"))?
    };
}

mod eval;

use std::io::{self, BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use fanzha::pack::{binary, Pack};
use fanzha::{Engine, Message, Risk, Verdict};

#[derive(Parser)]
#[command(
    name = "fanzha",
    version,
    about = "Screen short texts for telecom and online fraud, on device"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print a verdict for each TEXT argument, or for each line of stdin.
    Scan {
        /// Messages to scan; read from stdin (one per line) when absent.
        text: Vec<String>,
        /// Output: `text` (one line per message) or `jsonl` (stdin lines are JSON objects with a
        /// "text" field, and one JSON verdict is written per input line).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// A pack to use instead of the embedded default: a binary pack, a TOML file, or a
        /// directory of TOML sources.
        #[arg(long)]
        pack: Option<PathBuf>,
        /// The sender (number or short code) of every message.
        #[arg(long)]
        sender: Option<String>,
    },
    /// Show a message with its hits highlighted, the scores, tier and advice.
    Explain {
        /// The message.
        text: String,
        /// A pack to use instead of the embedded default.
        #[arg(long)]
        pack: Option<PathBuf>,
        /// The sender (number or short code).
        #[arg(long)]
        sender: Option<String>,
        /// Colour: auto (on a terminal), always or never.
        #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
        color: ColorChoice,
    },
    /// Measure a pack on a labelled corpus (JSON lines with "text" and "label").
    Eval(eval::EvalArgs),
    /// Build or check a pattern pack.
    Pack {
        #[command(subcommand)]
        command: PackCommand,
    },
}

#[derive(Subcommand)]
enum PackCommand {
    /// Compile TOML sources into a binary pack.
    Build {
        /// A directory of TOML sources (read recursively) or one TOML file.
        source: PathBuf,
        /// Where to write the binary pack.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Validate a pack and run every rule's inline examples.
    Check {
        /// A directory of TOML sources, a TOML file or a binary pack.
        source: PathBuf,
    },
    /// Create an Ed25519 key pair for signing packs: SECRET.key (keep it offline) and
    /// SECRET.pub (ship it in the app). Both files hold 64 hex digits.
    Keygen {
        /// Path prefix of the two files.
        prefix: PathBuf,
    },
    /// Sign a binary pack with a secret key file (replaces an earlier signature).
    Sign {
        /// The binary pack.
        pack: PathBuf,
        /// The secret key file (64 hex digits).
        #[arg(long)]
        key: PathBuf,
        /// Where to write the signed pack (default: overwrite the input).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Verify a signed binary pack against a public key file; exit 1 when it does not verify.
    Verify {
        /// The binary pack.
        pack: PathBuf,
        /// The public key file (64 hex digits).
        #[arg(long)]
        key: PathBuf,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Jsonl,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan {
            text,
            format,
            pack,
            sender,
        } => scan(text, format, pack, sender),
        Command::Explain {
            text,
            pack,
            sender,
            color,
        } => explain(&text, pack, sender, color),
        Command::Eval(args) => eval::run(args),
        Command::Pack {
            command: PackCommand::Build { source, output },
        } => build(&source, &output),
        Command::Pack {
            command: PackCommand::Check { source },
        } => check(&source),
        Command::Pack {
            command: PackCommand::Keygen { prefix },
        } => keygen(&prefix),
        Command::Pack {
            command: PackCommand::Sign { pack, key, output },
        } => sign(&pack, &key, output.as_deref()),
        Command::Pack {
            command: PackCommand::Verify { pack, key },
        } => verify(&pack, &key),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            let _ = writeln!(io::stderr(), "fanzha: {e}");
            ExitCode::from(2)
        }
    }
}

type Result<T> = std::result::Result<T, String>;

/// Reads TOML pack sources: one file, or every `*.toml` under a directory in sorted order.
pub(crate) fn read_sources(path: &Path) -> Result<Pack> {
    Pack::from_path(path)
}

/// Loads an engine: the embedded pack, or a binary pack / TOML sources at `path`.
pub(crate) fn load_engine(path: Option<&Path>) -> Result<Engine> {
    let Some(path) = path else {
        return Engine::embedded().map_err(|e| format!("embedded pack: {e}"));
    };
    if path.is_file() {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        if bytes.starts_with(binary::MAGIC) {
            return Engine::from_bytes(&bytes).map_err(|e| format!("{}: {e}", path.display()));
        }
    }
    let pack = read_sources(path)?;
    Engine::new(&pack).map_err(|e| format!("{}: {e}", path.display()))
}

fn scan(
    texts: Vec<String>,
    format: Format,
    pack: Option<PathBuf>,
    sender: Option<String>,
) -> Result<ExitCode> {
    let engine = load_engine(pack.as_deref())?;
    let mut scratch = engine.scratch();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut one = |line: &str, out: &mut dyn Write| -> io::Result<()> {
        match format {
            Format::Text => {
                let msg = message(line.as_bytes(), sender.as_deref());
                let v = engine.scan_with(&mut scratch, &msg);
                writeln!(out, "{}", text_line(&v))
            }
            Format::Jsonl => {
                let json = match parse_json_input(line) {
                    Ok((text, line_sender)) => {
                        let s = line_sender.or_else(|| sender.clone());
                        let msg = message(text.as_bytes(), s.as_deref());
                        engine
                            .scan_with(&mut scratch, &msg)
                            .to_json(text.as_bytes())
                    }
                    Err(e) => serde_json::json!({ "error": e }).to_string(),
                };
                writeln!(out, "{json}")
            }
        }
    };
    let io_err = |e: io::Error| format!("writing output: {e}");
    if texts.is_empty() {
        let stdin = io::stdin();
        let mut reader = stdin.lock();
        let mut buf = Vec::new();
        loop {
            buf.clear();
            let n = reader
                .read_until(b'\n', &mut buf)
                .map_err(|e| format!("reading stdin: {e}"))?;
            if n == 0 {
                break;
            }
            while buf.last().is_some_and(|&b| b == b'\n' || b == b'\r') {
                buf.pop();
            }
            let line = String::from_utf8_lossy(&buf);
            one(&line, &mut out).map_err(io_err)?;
        }
    } else {
        for t in &texts {
            one(t, &mut out).map_err(io_err)?;
        }
    }
    out.flush().map_err(io_err)?;
    Ok(ExitCode::SUCCESS)
}

fn message<'a>(text: &'a [u8], sender: Option<&'a str>) -> Message<'a> {
    let m = Message::new(text);
    match sender {
        Some(s) => m.with_sender(s.as_bytes()),
        None => m,
    }
}

/// Reads one JSONL input line: `{"text": "...", "sender": "..."?}`.
fn parse_json_input(line: &str) -> std::result::Result<(String, Option<String>), String> {
    let v: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("invalid JSON: {e}"))?;
    let text = v
        .get("text")
        .and_then(|t| t.as_str())
        .ok_or_else(|| String::from("missing string field \"text\""))?;
    let sender = v.get("sender").and_then(|s| s.as_str()).map(String::from);
    Ok((text.to_string(), sender))
}

fn text_line(v: &Verdict<'_>) -> String {
    let rules: Vec<&str> = v
        .hits
        .iter()
        .filter(|h| h.weight != 0)
        .map(|h| h.rule)
        .collect();
    format!(
        "{}\t{}\t{}\t{}",
        v.risk,
        v.score,
        v.top_category().unwrap_or("-"),
        if rules.is_empty() {
            String::from("-")
        } else {
            rules.join(",")
        }
    )
}

fn explain(
    text: &str,
    pack: Option<PathBuf>,
    sender: Option<String>,
    color: ColorChoice,
) -> Result<ExitCode> {
    let engine = load_engine(pack.as_deref())?;
    let colour = match color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let v = engine.scan_with(
        &mut engine.scratch(),
        &message(text.as_bytes(), sender.as_deref()),
    );
    let (on, cue_on, off, bold) = if colour {
        ("\x1b[1;31m", "\x1b[33m", "\x1b[0m", "\x1b[1m")
    } else {
        ("[", "[", "]", "")
    };
    // Highlight: merge hit spans; scoring hits in red, cues in yellow.
    let mut marks: Vec<(usize, usize, bool)> = v
        .hits
        .iter()
        .map(|h| (h.start, h.end, h.weight != 0))
        .collect();
    marks.sort();
    let mut merged: Vec<(usize, usize, bool)> = Vec::new();
    for (a, b, s) in marks {
        match merged.last_mut() {
            Some(last) if a < last.1 => {
                last.1 = last.1.max(b);
                last.2 |= s;
            }
            _ => merged.push((a, b, s)),
        }
    }
    let mut out = String::new();
    let mut pos = 0;
    for (a, b, scoring) in merged {
        out.push_str(&text[pos..a]);
        out.push_str(if scoring { on } else { cue_on });
        out.push_str(&text[a..b]);
        out.push_str(off);
        pos = b;
    }
    out.push_str(&text[pos..]);
    outln!("{out}");
    outln!();
    outln!(
        "{bold}risk{off_b}: {}   score: {}",
        v.risk,
        v.score,
        off_b = if colour { off } else { "" }
    );
    if v.truncated {
        outln!("(text longer than the limit: only its start was scanned)");
    }
    for c in &v.categories {
        let title = engine
            .category(c.id)
            .map(|(t, _)| t.zh.as_str())
            .unwrap_or("");
        outln!("  category {:<26} {:>4}  {}", c.id, c.score, title);
    }
    outln!("hits:");
    for h in &v.hits {
        outln!(
            "  {:<44} {:>5}  {:<24} {}..{}  {:?}",
            h.rule,
            h.weight,
            h.category.unwrap_or("(cue)"),
            h.start,
            h.end,
            h.text(text)
        );
    }
    if !v.links.is_empty() {
        outln!("links:");
        for l in &v.links {
            let flags: Vec<&str> = l.flags.names().collect();
            outln!(
                "  {}..{}  {:?}  {}  domain {}  brand {}  [{}]",
                l.start,
                l.end,
                text.get(l.start..l.end).unwrap_or(""),
                l.url,
                l.domain.as_deref().unwrap_or("-"),
                l.brand.as_deref().unwrap_or("-"),
                flags.join(" ")
            );
        }
    }
    if !v.entities.is_empty() {
        outln!("entities:");
        for e in &v.entities {
            outln!(
                "  {}..{}  {:<15} {:?} = {}",
                e.start,
                e.end,
                e.kind.as_str(),
                text.get(e.start..e.end).unwrap_or(""),
                e.value
            );
        }
    }
    if let Some(s) = &sender {
        outln!(
            "sender: {} ({})",
            s,
            fanzha::sender::classify_sender(s.as_bytes()).as_str()
        );
    }
    if let Some(a) = v.advice {
        outln!("advice ({}: {} / {}):", a.category, a.title.zh, a.title.en);
        outln!("  {}", a.advice.zh);
        outln!("  {}", a.advice.en);
    }
    Ok(ExitCode::SUCCESS)
}

fn build(source: &Path, output: &Path) -> Result<ExitCode> {
    let pack = read_sources(source)?;
    // Compile to prove the pack builds before writing it.
    Engine::new(&pack).map_err(|e| format!("{}: {e}", source.display()))?;
    let bytes = binary::encode(&pack);
    std::fs::write(output, &bytes).map_err(|e| format!("{}: {e}", output.display()))?;
    outln!(
        "wrote {} ({} bytes, pack {} {}, {} rules)",
        output.display(),
        bytes.len(),
        pack.pack.as_ref().map_or("", |m| m.name.as_str()),
        pack.version(),
        pack.rules.len()
    );
    Ok(ExitCode::SUCCESS)
}

fn check(source: &Path) -> Result<ExitCode> {
    let pack = if source.is_file()
        && std::fs::read(source)
            .map(|b| b.starts_with(binary::MAGIC))
            .unwrap_or(false)
    {
        let bytes = std::fs::read(source).map_err(|e| format!("{}: {e}", source.display()))?;
        binary::decode(&bytes).map_err(|e| format!("{}: {e}", source.display()))?
    } else {
        read_sources(source)?
    };
    let engine = Engine::new(&pack).map_err(|e| format!("{}: {e}", source.display()))?;
    let failures = fanzha::pack::check_examples(&pack, &engine);
    let examples: usize = pack
        .rules
        .iter()
        .map(|r| r.must_match.len() + r.no_match.len())
        .sum();
    for f in &failures {
        outln!("FAIL {f}");
    }
    let mut warnings = 0;
    for w in fanzha::pack::lint(&pack) {
        outln!("warning: {w}");
        warnings += 1;
    }
    for rule in engine.unfiltered_regex_rules() {
        outln!(
            "warning: rule {rule}: regex has no literal prefix or suffix to find it by; it is \
             searched on every message (slower): start or end it with literal text"
        );
        warnings += 1;
    }
    outln!(
        "{}: {} rules, {} categories, {} examples, {} failing, {} warnings",
        source.display(),
        pack.rules.len(),
        pack.categories.len(),
        examples,
        failures.len(),
        warnings
    );
    Ok(if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn read_key(path: &Path) -> Result<[u8; 32]> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let hex = text.trim();
    let mut key = [0u8; 32];
    if hex.len() != 64 {
        return Err(format!(
            "{}: a key file holds 64 hex digits",
            path.display()
        ));
    }
    for (i, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16)
            .map_err(|_| format!("{}: a key file holds 64 hex digits", path.display()))?;
    }
    Ok(key)
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn keygen(prefix: &Path) -> Result<ExitCode> {
    let mut secret = [0u8; 32];
    let mut f = std::fs::File::open("/dev/urandom").map_err(|e| format!("/dev/urandom: {e}"))?;
    io::Read::read_exact(&mut f, &mut secret).map_err(|e| format!("/dev/urandom: {e}"))?;
    let public = binary::public_key(&secret);
    let sec_path = prefix.with_extension("key");
    let pub_path = prefix.with_extension("pub");
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut file = opts
        .open(&sec_path)
        .map_err(|e| format!("{}: {e}", sec_path.display()))?;
    writeln!(file, "{}", to_hex(&secret)).map_err(|e| format!("{}: {e}", sec_path.display()))?;
    std::fs::write(&pub_path, format!("{}\n", to_hex(&public)))
        .map_err(|e| format!("{}: {e}", pub_path.display()))?;
    outln!(
        "wrote {} (secret: keep offline) and {} (public)",
        sec_path.display(),
        pub_path.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn sign(pack: &Path, key: &Path, output: Option<&Path>) -> Result<ExitCode> {
    let secret = read_key(key)?;
    let bytes = std::fs::read(pack).map_err(|e| format!("{}: {e}", pack.display()))?;
    // Refuse to sign something that does not load.
    binary::decode(&bytes).map_err(|e| format!("{}: {e}", pack.display()))?;
    let signed = binary::sign(&bytes, &secret).map_err(|e| format!("{}: {e}", pack.display()))?;
    let out = output.unwrap_or(pack);
    std::fs::write(out, &signed).map_err(|e| format!("{}: {e}", out.display()))?;
    outln!("signed {} -> {}", pack.display(), out.display());
    Ok(ExitCode::SUCCESS)
}

fn verify(pack: &Path, key: &Path) -> Result<ExitCode> {
    let public = read_key(key)?;
    let bytes = std::fs::read(pack).map_err(|e| format!("{}: {e}", pack.display()))?;
    match binary::decode_verified(&bytes, Some(&public)) {
        Ok(p) => {
            outln!(
                "{}: signature OK (pack {} {})",
                pack.display(),
                p.pack.as_ref().map_or("", |m| m.name.as_str()),
                p.version()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            outln!("{}: {e}", pack.display());
            Ok(ExitCode::from(1))
        }
    }
}

/// The tier a string names, for `--threshold`.
pub(crate) fn parse_risk(s: &str) -> std::result::Result<Risk, String> {
    Risk::from_name(s)
        .ok_or_else(|| format!("unknown risk tier {s:?} (none|low|medium|high|critical)"))
}
