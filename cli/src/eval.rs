//! `fanzha eval`: recall and false-positive rate of a pack on a labelled corpus.

use std::io::{self, BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use fanzha::eval::{Counts, Label, Tally};
use fanzha::{Message, Risk};

/// Arguments of `fanzha eval`.
#[derive(Args)]
pub struct EvalArgs {
    /// JSON lines: {"text" (or "url"), "label": fraud|spam|ham, "source"?, "lang"?, "category"?}.
    file: PathBuf,
    /// A pack to use instead of the embedded default.
    #[arg(long)]
    pack: Option<PathBuf>,
    /// Lowest risk tier that counts as flagged.
    #[arg(long, default_value = "medium", value_parser = crate::parse_risk)]
    threshold: Risk,
    /// Print up to N fraud messages that were not flagged.
    #[arg(long, value_name = "N", default_value_t = 0)]
    misses: usize,
    /// Print up to N ham messages that were flagged.
    #[arg(long, value_name = "N", default_value_t = 0)]
    false_positives: usize,
    /// Only messages whose source is this.
    #[arg(long)]
    source: Option<String>,
    /// Print the table as one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

struct Row {
    text: String,
    /// The row is a URL (`"url"` field): judged as one link, not as message text.
    url: bool,
    label: Label,
    source: String,
    lang: String,
    category: String,
}

fn parse_line(line: &str) -> Result<Row, String> {
    let v: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("invalid JSON: {e}"))?;
    let field = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
    let text = match (
        v.get("text").and_then(|t| t.as_str()),
        v.get("url").and_then(|t| t.as_str()),
    ) {
        (Some(t), _) | (None, Some(t)) => t.to_string(),
        (None, None) => return Err("missing \"text\" or \"url\"".into()),
    };
    let label = Label::from_name(&field("label")).ok_or("label must be fraud, spam or ham")?;
    let mut lang = field("lang");
    if lang.is_empty() && v.get("url").is_some() {
        lang = "url".into();
    }
    Ok(Row {
        url: v.get("text").is_none(),
        text,
        label,
        source: field("source"),
        lang,
        category: field("category"),
    })
}

/// Runs `fanzha eval`.
pub fn run(args: EvalArgs) -> Result<ExitCode, String> {
    let engine = crate::load_engine(args.pack.as_deref())?;
    let file =
        std::fs::File::open(&args.file).map_err(|e| format!("{}: {e}", args.file.display()))?;
    let lines: Vec<String> = io::BufReader::new(file)
        .lines()
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{}: {e}", args.file.display()))?;
    let progress = io::stderr().is_terminal() && lines.len() > 2000;
    let mut scratch = engine.scratch();
    let mut tally = Tally::default();
    let mut misses = Vec::new();
    let mut fps = Vec::new();
    let mut bad = 0usize;
    let started = Instant::now();
    for (n, line) in lines.iter().enumerate() {
        if progress && n % 500 == 0 {
            let pct = n * 100 / lines.len();
            let bar = "#".repeat(pct / 4);
            let _ = write!(io::stderr(), "\r[{bar:<25}] {n}/{}", lines.len());
        }
        if line.trim().is_empty() {
            continue;
        }
        let row = match parse_line(line) {
            Ok(r) => r,
            Err(e) => {
                bad += 1;
                if bad <= 5 {
                    let _ = writeln!(io::stderr(), "line {}: {e}", n + 1);
                }
                continue;
            }
        };
        if args.source.as_deref().is_some_and(|s| s != row.source) {
            continue;
        }
        let v = if row.url {
            engine.scan_url_with(&mut scratch, row.text.as_bytes())
        } else {
            engine.scan_with(&mut scratch, &Message::new(row.text.as_bytes()))
        };
        let flagged = v.risk >= args.threshold;
        tally.add(row.label, &row.source, &row.lang, &row.category, flagged);
        let rules = || v.hits.iter().map(|h| h.rule).collect::<Vec<_>>().join(",");
        if row.label == Label::Fraud && !flagged && misses.len() < args.misses {
            misses.push(format!(
                "[{} {}] {} | {}",
                v.risk,
                v.score,
                clip(&row.text),
                rules()
            ));
        }
        if row.label == Label::Ham && flagged && fps.len() < args.false_positives {
            fps.push(format!(
                "[{} {}] {} | {}",
                v.risk,
                v.score,
                clip(&row.text),
                rules()
            ));
        }
    }
    let elapsed = started.elapsed();
    if progress {
        let _ = writeln!(io::stderr(), "\r{:<60}", "");
    }
    if args.json {
        let rows: Vec<serde_json::Value> = tally
            .rows()
            .into_iter()
            .map(|(d, k, c)| {
                serde_json::json!({
                    "dimension": d, "key": k,
                    "fraud": c.fraud, "fraud_flagged": c.fraud_flagged, "recall": c.recall(),
                    "ham": c.ham, "ham_flagged": c.ham_flagged, "fp_rate": c.false_positive_rate(),
                    "spam": c.spam, "spam_flagged": c.spam_flagged,
                })
            })
            .collect();
        let out = serde_json::json!({
            "pack": engine.pack_name(), "pack_version": engine.pack_version(),
            "threshold": args.threshold.as_str(), "rows": rows, "bad_lines": bad,
        });
        outln!("{out}");
    } else {
        outln!(
            "pack {} {} — flagged = risk >= {} — {} messages in {:.2}s",
            engine.pack_name(),
            engine.pack_version(),
            args.threshold,
            tally.total().fraud + tally.total().ham + tally.total().spam,
            elapsed.as_secs_f64()
        );
        outln!(
            "{:<12} {:<40} {:>6} {:>8} {:>6} {:>8} {:>6} {:>8}",
            "slice",
            "key",
            "fraud",
            "recall",
            "ham",
            "fp-rate",
            "spam",
            "flagged"
        );
        for (d, k, c) in tally.rows() {
            outln!("{}", format_row(d, k, &c));
        }
        if let Some(u) = tally.get("lang", "url") {
            outln!(
                "urls: {}/{} phishing URLs flagged ({}), {}/{} legitimate domains flagged ({})",
                u.fraud_flagged,
                u.fraud,
                pct(u.recall()),
                u.ham_flagged,
                u.ham,
                pct(u.false_positive_rate())
            );
        }
        if bad > 0 {
            outln!("{bad} lines could not be read");
        }
        for m in &misses {
            outln!("MISS {m}");
        }
        for f in &fps {
            outln!("FP   {f}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| String::from("-"), |x| format!("{:.2}%", x * 100.0))
}

fn format_row(d: &str, k: &str, c: &Counts) -> String {
    format!(
        "{:<12} {:<40} {:>6} {:>8} {:>6} {:>8} {:>6} {:>8}",
        d,
        k,
        c.fraud,
        pct(c.recall()),
        c.ham,
        pct(c.false_positive_rate()),
        c.spam,
        pct(c.spam_rate())
    )
}

fn clip(s: &str) -> String {
    let one_line: String = s.chars().map(|c| if c == '\n' { ' ' } else { c }).collect();
    if one_line.chars().count() > 140 {
        one_line.chars().take(140).collect::<String>() + "…"
    } else {
        one_line
    }
}
