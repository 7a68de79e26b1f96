//! Shared pieces of fanzha's benchmarks: haystacks, the pack's literal set, synthetic keyword
//! packs, and an interleaved timer.
//!
//! The criterion suite (`benches/scan.rs`) and the `compare` binary both use this crate so that
//! they measure the same things. See `benches/README.md` for where each haystack comes from.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fanzha::normalize;
use fanzha::pack::{Pack, Rule, RuleKind};

/// The committed synthetic haystack (messages written for this repository, one per line), used
/// when `../shared/data/messages.jsonl` is absent.
pub const SYNTHETIC: &str = include_str!("../data/synthetic.txt");

/// A set of messages to scan and where it came from.
#[derive(Clone, Debug)]
pub struct Haystack {
    /// Where the messages came from (a path or "synthetic").
    pub source: String,
    /// The messages' texts.
    pub messages: Vec<String>,
}

impl Haystack {
    /// Total bytes of all messages.
    pub fn bytes(&self) -> usize {
        self.messages.iter().map(String::len).sum()
    }
}

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// `<workspace>/../shared/data/messages.jsonl`.
pub fn default_corpus_path() -> PathBuf {
    workspace_root().join("../shared/data/messages.jsonl")
}

/// Reads the `text` field (`url` in the link corpus) of every line of a JSON-lines file.
pub fn read_jsonl_texts(path: &Path) -> Result<Vec<String>, String> {
    let data = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    for (i, line) in data.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value =
            serde_json::from_str(line).map_err(|e| format!("{}:{}: {e}", path.display(), i + 1))?;
        // Messages have a "text", the link corpus (urls.jsonl) a "url".
        match v
            .get("text")
            .or_else(|| v.get("url"))
            .and_then(|t| t.as_str())
        {
            Some(t) => out.push(t.to_string()),
            None => {
                return Err(format!(
                    "{}:{}: no \"text\" or \"url\" field",
                    path.display(),
                    i + 1
                ))
            }
        }
    }
    Ok(out)
}

/// The committed synthetic haystack.
pub fn synthetic_haystack() -> Haystack {
    Haystack {
        source: "synthetic (benches/data/synthetic.txt)".into(),
        messages: SYNTHETIC
            .lines()
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect(),
    }
}

/// The dev corpus (`FANZHA_BENCH_CORPUS`, else [`default_corpus_path`]) if present, else the
/// synthetic haystack (saying so on stderr).
pub fn corpus_or_synthetic() -> Haystack {
    let path = std::env::var_os("FANZHA_BENCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(default_corpus_path);
    if path.exists() {
        match read_jsonl_texts(&path) {
            Ok(messages) if !messages.is_empty() => {
                return Haystack {
                    source: path.display().to_string(),
                    messages,
                }
            }
            Ok(_) => eprintln!("note: {} is empty", path.display()),
            Err(e) => eprintln!("note: cannot read the corpus: {e}"),
        }
    } else {
        eprintln!(
            "note: {} is absent: skipping the corpus benchmarks, using the committed synthetic \
             haystack instead",
            path.display()
        );
    }
    synthetic_haystack()
}

/// A text of about `len` bytes (cut on a char boundary) made by joining messages with `\n`.
pub fn long_text(messages: &[String], len: usize) -> String {
    let mut out = String::with_capacity(len + 256);
    let mut i = 0;
    while out.len() < len && !messages.is_empty() {
        out.push_str(&messages[i % messages.len()]);
        out.push('\n');
        i += 1;
    }
    let mut cut = len.min(out.len());
    while !out.is_char_boundary(cut) {
        cut -= 1;
    }
    out.truncate(cut);
    out
}

/// The embedded default pack, decoded.
pub fn default_pack() -> Pack {
    match fanzha::pack::binary::decode(fanzha::Engine::default_pack_bytes()) {
        Ok(p) => p,
        Err(e) => panic!("the embedded default pack does not decode: {e}"),
    }
}

/// The pack to benchmark and its binary form: the embedded default pack when `spec` is `None`,
/// else a binary pack (`*.fzpack`) or pack sources (a TOML file or a directory of them).
pub fn load_pack(spec: Option<&str>) -> Result<(Pack, Vec<u8>), String> {
    match spec {
        None => Ok((
            default_pack(),
            fanzha::Engine::default_pack_bytes().to_vec(),
        )),
        Some(path) if path.ends_with(".fzpack") => {
            let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
            let pack = fanzha::pack::binary::decode(&bytes).map_err(|e| format!("{path}: {e}"))?;
            Ok((pack, bytes))
        }
        Some(path) => {
            let pack = Pack::from_path(Path::new(path))?;
            let bytes = fanzha::pack::binary::encode(&pack);
            Ok((pack, bytes))
        }
    }
}

/// The pack named by the `FANZHA_BENCH_PACK` environment variable (see [`load_pack`]), else the
/// embedded default pack.
pub fn bench_pack() -> (Pack, Vec<u8>) {
    let spec = std::env::var("FANZHA_BENCH_PACK").ok();
    match load_pack(spec.as_deref()) {
        Ok(p) => p,
        Err(e) => panic!("FANZHA_BENCH_PACK: {e}"),
    }
}

/// The literals of the engine's Aho-Corasick automaton for `pack`, from
/// [`fanzha::Engine::literals`] (the engine's own code: normalised keywords with variants,
/// regex prefilter literals, literals of decomposed regexes). Sorted, deduplicated.
///
/// # Panics
/// When the pack does not compile (benchmarks only run packs that do).
pub fn pack_literals(pack: &Pack) -> Vec<String> {
    let mut out = match fanzha::Engine::literals(pack) {
        Ok(l) => l,
        Err(e) => panic!("the pack does not compile: {e}"),
    };
    out.sort();
    out.dedup();
    out
}

/// The regexes of a pack's regex rules.
pub fn pack_regexes(pack: &Pack) -> Vec<String> {
    pack.rules
        .iter()
        .filter(|r| r.kind == RuleKind::Regex)
        .filter_map(|r| r.regex.clone())
        .collect()
}

/// A small deterministic PRNG (xorshift64*), so synthetic packs are the same on every run.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a non-zero seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// Common simplified characters of fraud and everyday vocabulary, to build plausible Chinese
/// keywords from.
const HANZI: &str = "的一是在不了有人这中大为上个国我以要他时来用们生到作地于出就分对成会可主\
发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实\
加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线\
内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党\
程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论\
运农指几九区强放决西被干做必战先回则任取据处理府研质信号码微转账汇款退订客服银行卡贷款刷单返利佣金兼\
职快递包裹理赔冻结解冻验证安全账户公安检察法院警官通缉洗钱涉案保证金充值提现平台投资理财导师股票虚拟\
币博彩中奖领取积分兑换过期链接点击下载共享屏幕会议社保医保养老补贴退税罚款违章逾期征信额度提升";

const ASCII_STEMS: &[&str] = &[
    "vip", "app", "pay", "bank", "card", "loan", "cash", "coin", "usdt", "btc", "eth", "gift",
    "prize", "bonus", "claim", "verify", "login", "secure", "update", "account", "wallet",
    "parcel", "toll", "refund", "tax", "job", "task", "click", "link", "code", "win", "free",
    "urgent", "reward", "invest", "profit", "crypto", "airdrop", "support", "service", "qq", "vx",
    "wx", "tg", "line", "kf", "dl", "sms", "otp", "pin",
];

/// `n` distinct plausible keywords (about 70% Chinese of 2–6 characters, 30% ASCII stems with
/// digits or a second stem), deterministic for a given `seed`, already in normalised form.
pub fn synthetic_keywords(n: usize, seed: u64) -> Vec<String> {
    let hanzi: Vec<char> = HANZI.chars().filter(|c| !c.is_whitespace()).collect();
    let mut rng = Rng::new(seed);
    let mut seen = std::collections::HashSet::with_capacity(n);
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let kw = if rng.below(10) < 7 {
            let len = 2 + rng.below(5);
            (0..len)
                .map(|_| hanzi[rng.below(hanzi.len())])
                .collect::<String>()
        } else {
            let a = ASCII_STEMS[rng.below(ASCII_STEMS.len())];
            match rng.below(3) {
                0 => format!("{a}{}", rng.below(10_000)),
                1 => format!("{a}{}", ASCII_STEMS[rng.below(ASCII_STEMS.len())]),
                _ => format!(
                    "{a}{}",
                    hanzi[rng.below(hanzi.len())..]
                        .iter()
                        .take(2)
                        .collect::<String>()
                ),
            }
        };
        let kw = normalize::normalize(&kw);
        if kw.chars().count() >= 2 && seen.insert(kw.clone()) {
            out.push(kw);
        }
    }
    out
}

/// `base` plus `n` synthetic keywords, in cue rules (no category, weight 0) of 10 keywords each.
pub fn pack_with_keywords(base: &Pack, n: usize) -> Pack {
    let mut pack = base.clone();
    for (i, chunk) in synthetic_keywords(n, 0x5eed_0000 + n as u64)
        .chunks(10)
        .enumerate()
    {
        pack.rules.push(Rule {
            id: format!("bench.synthetic.{i}"),
            kind: RuleKind::Keywords,
            weight: 0,
            keywords: chunk.to_vec(),
            substring: true,
            ..Rule::default()
        });
    }
    pack
}

/// Percentile `p` (0..=100) of sorted samples.
pub fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

/// Per-message latency of `f` over `messages`, in nanoseconds, sorted: every call timed on its
/// own, `reps` passes (the first, warm-up, pass is discarded).
pub fn latencies(messages: &[String], reps: usize, mut f: impl FnMut(&str) -> usize) -> Vec<u64> {
    let mut sink = 0usize;
    for m in messages {
        sink = sink.wrapping_add(f(m));
    }
    let mut out = Vec::with_capacity(messages.len() * reps);
    for _ in 0..reps {
        for m in messages {
            let t = Instant::now();
            sink = sink.wrapping_add(f(m));
            out.push(t.elapsed().as_nanos() as u64);
        }
    }
    std::hint::black_box(sink);
    out.sort_unstable();
    out
}

/// Something scanned per message in an interleaved run; returns a number that depends on the
/// matches (so the work cannot be optimised away).
pub type Runner<'a> = Box<dyn FnMut(&str) -> usize + 'a>;

/// Runs every runner over all `messages`, round-robin: in each round every runner makes one
/// full pass over the messages (in rotating order), so machine noise hits all alike. Stops after
/// `min_rounds` rounds once `budget` has passed (or at `max_rounds`). Returns, per runner, the
/// best (fastest) pass time and the median pass time.
pub fn interleaved(
    messages: &[String],
    runners: &mut [Runner<'_>],
    min_rounds: usize,
    max_rounds: usize,
    budget: Duration,
) -> Vec<(Duration, Duration)> {
    let k = runners.len();
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); k];
    let mut sink = 0usize;
    // Warm-up pass of each (caches, lazy DFA states), not timed.
    for r in runners.iter_mut() {
        for m in messages {
            sink = sink.wrapping_add(r(m));
        }
    }
    let start = Instant::now();
    let mut round = 0;
    while round < max_rounds && (round < min_rounds || start.elapsed() < budget) {
        for j in 0..k {
            let i = (j + round) % k;
            let r = &mut runners[i];
            let t = Instant::now();
            for m in messages {
                sink = sink.wrapping_add(r(m));
            }
            times[i].push(t.elapsed());
        }
        round += 1;
    }
    std::hint::black_box(sink);
    times
        .into_iter()
        .map(|mut t| {
            t.sort();
            (t[0], t[t.len() / 2])
        })
        .collect()
}
