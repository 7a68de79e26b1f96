//! Builds the C tests (tests/c/test_api.c) and the gateway example with the `cc` crate
//! (-Wall -Wextra -Werror), links them against the staticlib and the shared library cargo built
//! for this crate — installed into a temporary prefix under the names integrators use
//! (`libfanzha.a`, `libfanzha.so`) — and runs them.
//!
//! Set `FANZHA_FFI_VALGRIND=1` to run every program under valgrind (ffi/scripts/valgrind.sh).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use fanzha::pack::{binary, Pack};
use fanzha::{Engine, Message};

/// Keep in sync with tests/c/test_api.c.
const TEXT_A: &str = "在家刷单，先垫付";
const TEXT_DEFAULT: &str = "在家刷单日赚300，先垫付";
/// Three links and two entities after full-width and CJK text, so byte offsets differ from
/// character offsets.
const TEXT_LINKS: &str =
    "【ＥＴＣ】账户异常，请登录icbc-vip点top/login或https://www.icbc.com.cn/x，\
                          备用http://10.0.0.1:8080/a，致电１３８ １２３４ ５６７８，QQ 12345678";

const PACK_A: &str = r#"
[pack]
name = "ffi-test"
version = "ffi-test-A"
[tiers]
low = 20
medium = 40
high = 70
critical = 100
[links]
risky_tlds = ["top"]
login_words = ["login"]
[[links.brands]]
name = "icbc"
names = ["工商银行"]
tokens = ["icbc"]
official_domains = ["icbc.com.cn"]
[[category]]
id = "order_brushing"
title = { zh = "刷单返利诈骗", en = "Order-brushing scam" }
advice = { zh = "刷单都是诈骗，不要垫付。", en = "Paying first for a task is a scam." }
[[rule]]
id = "ob.shuadan"
kind = "keywords"
category = "order_brushing"
weight = 50
keywords = ["刷单"]
[[rule]]
id = "cue.pay_first"
kind = "keywords"
weight = 0
keywords = ["垫付"]
"#;

const PACK_B: &str = r#"
[pack]
name = "ffi-test"
version = "ffi-test-B"
[tiers]
low = 20
medium = 40
high = 70
critical = 100
[[category]]
id = "order_brushing"
title = { zh = "刷单返利诈骗", en = "Order-brushing scam" }
advice = { zh = "刷单都是诈骗，不要垫付。", en = "Paying first for a task is a scam." }
[[rule]]
id = "swap.marker"
kind = "keywords"
category = "order_brushing"
weight = 120
keywords = ["换包测试"]
"#;

/// Well-formed, but its regex literal is not in normalised form, so it does not compile.
const PACK_INVALID: &str = r#"
[pack]
name = "ffi-test"
version = "ffi-test-invalid"
[[category]]
id = "order_brushing"
title = { zh = "刷单", en = "Order brushing" }
advice = { zh = "不要垫付", en = "Do not pay first" }
[[rule]]
id = "bad.fullwidth"
kind = "regex"
category = "order_brushing"
weight = 10
regex = "Ａ"
"#;

fn encode(toml: &str) -> Vec<u8> {
    binary::encode(&Pack::from_toml(toml).expect("test pack parses"))
}

/// Fixtures for the C tests: packs and the JSON core produces for the same scans.
fn fixtures(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let a = encode(PACK_A);
    std::fs::write(dir.join("pack_a.fzpack"), &a).unwrap();
    let b = encode(PACK_B);
    std::fs::write(dir.join("pack_b.fzpack"), &b).unwrap();

    // Signed packs: pack B signed with the key whose public half is pubkey.bin, and with another.
    let secret = [7u8; 32];
    let public = binary::public_key(&secret);
    std::fs::write(dir.join("pubkey.bin"), public).unwrap();
    let signed = binary::sign(&b, &secret).unwrap();
    std::fs::write(dir.join("pack_b_signed.fzpack"), &signed).unwrap();
    std::fs::write(
        dir.join("pack_b_other_key.fzpack"),
        binary::sign(&b, &[9u8; 32]).unwrap(),
    )
    .unwrap();
    // 32 bytes that are not an Ed25519 public key.
    let bad_key = (0u8..=255)
        .map(|i| [i; 32])
        .find(|k| {
            matches!(
                Engine::builder().verify_key(*k).build_from_bytes(&signed),
                Err(fanzha::LoadError::BadKey)
            )
        })
        .expect("some repeated byte is not a curve point");
    std::fs::write(dir.join("badkey.bin"), bad_key).unwrap();
    let invalid = encode(PACK_INVALID);
    assert!(
        Engine::from_bytes(&invalid).is_err(),
        "the invalid pack must not load"
    );
    std::fs::write(dir.join("pack_invalid.fzpack"), invalid).unwrap();

    let engine = Engine::from_bytes(&a).unwrap();
    let msg = Message::new(TEXT_A.as_bytes()).with_sender(b"10690000");
    let v = engine.scan_with(&mut engine.scratch(), &msg);
    std::fs::write(dir.join("expect_a.json"), v.to_json(TEXT_A.as_bytes())).unwrap();
    let v = engine.scan(TEXT_LINKS);
    assert_eq!((v.links.len(), v.entities.len()), (3, 2), "{v:?}");
    std::fs::write(
        dir.join("expect_links.json"),
        v.to_json(TEXT_LINKS.as_bytes()),
    )
    .unwrap();

    let engine = Engine::embedded().unwrap();
    let v = engine.scan(TEXT_DEFAULT);
    std::fs::write(
        dir.join("expect_default.json"),
        v.to_json(TEXT_DEFAULT.as_bytes()),
    )
    .unwrap();
}

/// The directory holding the artefacts cargo built for this crate (next to this test binary).
fn artefact_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().to_path_buf()
}

/// Installs the built libraries into `prefix` as integrators get them: include/fanzha.h,
/// lib/libfanzha.a, lib/libfanzha.so.
fn install(prefix: &Path) {
    let from = artefact_dir();
    let lib = prefix.join("lib");
    std::fs::create_dir_all(&lib).unwrap();
    std::fs::copy(from.join("libfanzha_ffi.a"), lib.join("libfanzha.a")).unwrap();
    std::fs::copy(from.join("libfanzha_ffi.so"), lib.join("libfanzha.so")).unwrap();
}

fn include_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("include")
}

#[derive(Clone, Copy)]
enum Link {
    Static,
    Shared,
}

/// Compiles one C file into an executable linked against the installed library.
fn build_c(src: &Path, exe: &Path, prefix: &Path, link: Link) {
    let target = env!("FANZHA_FFI_TARGET");
    let compiler = cc::Build::new()
        .target(target)
        .host(target)
        .opt_level(1)
        .debug(true)
        .cargo_metadata(false)
        .cargo_warnings(false)
        .warnings(true)
        .extra_warnings(true)
        .warnings_into_errors(true)
        .flag("-Wall")
        .flag("-Wextra")
        .flag("-Werror")
        .flag("-std=c11")
        .flag("-pthread")
        .include(include_dir())
        .try_get_compiler()
        .expect("a C compiler");
    let mut cmd = compiler.to_command();
    cmd.arg(src).arg("-o").arg(exe);
    let lib = prefix.join("lib");
    match link {
        // The native libraries `rustc --print native-static-libs` lists for linux-gnu.
        Link::Static => cmd.arg(lib.join("libfanzha.a")).args([
            "-lgcc_s",
            "-lutil",
            "-lrt",
            "-lpthread",
            "-lm",
            "-ldl",
            "-lc",
        ]),
        Link::Shared => cmd
            .arg(format!("-L{}", lib.display()))
            .arg("-lfanzha")
            .arg(format!("-Wl,-rpath,{}", lib.display())),
    };
    let out = cmd.output().expect("run the C compiler");
    assert!(
        out.status.success(),
        "compiling {} failed:\n{}{}",
        src.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A command for `exe`, under valgrind when FANZHA_FFI_VALGRIND is set.
fn command(exe: &Path) -> Command {
    if std::env::var_os("FANZHA_FFI_VALGRIND").is_some() {
        let mut c = Command::new("valgrind");
        c.args([
            "--quiet",
            "--error-exitcode=99",
            "--leak-check=full",
            "--errors-for-leak-kinds=definite",
            "--show-leak-kinds=definite",
        ])
        .arg(exe);
        c
    } else {
        Command::new(exe)
    }
}

fn work_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run_c_tests(link: Link, name: &str) {
    let dir = work_dir(name);
    fixtures(&dir.join("fixtures"));
    install(&dir.join("prefix"));
    let exe = dir.join("test_api");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/c/test_api.c");
    build_c(&src, &exe, &dir.join("prefix"), link);
    let out = command(&exe)
        .arg(dir.join("fixtures"))
        .output()
        .expect("run the C tests");
    let stdout = String::from_utf8_lossy(&out.stdout);
    print!("{stdout}");
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "C tests failed: {}", out.status);
    assert!(stdout.contains("checks passed"));
}

#[test]
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn c_tests_against_the_staticlib() {
    run_c_tests(Link::Static, "c-static");
}

#[test]
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn c_tests_against_the_shared_library() {
    run_c_tests(Link::Shared, "c-shared");
}

/// Runs examples/gateway.c on some lines; returns (exit status, stdout).
fn run_gateway(exe: &Path, args: &[&str], input: &[u8]) -> (i32, String) {
    let mut child = command(exe)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the gateway");
    // A gateway that fails at start-up (bad pack) exits without reading: ignore a broken pipe.
    let _ = child.stdin.take().unwrap().write_all(input);
    let out = child.wait_with_output().unwrap();
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn gateway_example() {
    let dir = work_dir("gateway");
    fixtures(&dir.join("fixtures"));
    install(&dir.join("prefix"));
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/gateway.c");
    let engine = Engine::embedded().unwrap();
    let lines = [TEXT_DEFAULT, "明天下午三点开会", "", TEXT_LINKS];
    let expected: String = lines
        .iter()
        .map(|l| {
            let v = engine.scan(l);
            let rules: Vec<&str> = v.hits.iter().map(|h| h.rule).collect();
            let hosts: Vec<&str> = v.links.iter().map(|l| l.host.as_str()).collect();
            format!("{}\t{}\t{}\n", v.risk, rules.join(","), hosts.join(","))
        })
        .collect();
    assert!(expected.ends_with("\ticbc-vip.top,www.icbc.com.cn,10.0.0.1\n"));
    let input = format!("{}\n{}\r\n{}\n{}\n", lines[0], lines[1], lines[2], lines[3]);
    for (link, name) in [
        (Link::Static, "gateway-static"),
        (Link::Shared, "gateway-shared"),
    ] {
        let exe = dir.join(name);
        build_c(&src, &exe, &dir.join("prefix"), link);
        let (code, out) = run_gateway(&exe, &[], input.as_bytes());
        assert_eq!(code, 0);
        assert_eq!(out, expected, "{name}");

        // With a pack file.
        let pack = dir.join("fixtures/pack_b.fzpack");
        let (code, out) = run_gateway(&exe, &[pack.to_str().unwrap()], "换包测试\n".as_bytes());
        assert_eq!(code, 0);
        assert_eq!(out, "critical\tswap.marker\t\n");

        // A bad pack file: non-zero exit.
        let bad = dir.join("fixtures/pack_invalid.fzpack");
        let (code, out) = run_gateway(&exe, &[bad.to_str().unwrap()], b"x\n");
        assert_ne!(code, 0);
        assert_eq!(out, "");
    }
}

/// The version macros in the committed header are those of Cargo.toml.
#[test]
fn header_version_macros_match_cargo_toml() {
    let header = std::fs::read_to_string(include_dir().join("fanzha.h")).unwrap();
    let want = [
        format!("#define FANZHA_VERSION \"{}\"", env!("CARGO_PKG_VERSION")),
        format!(
            "#define FANZHA_VERSION_MAJOR {}",
            env!("CARGO_PKG_VERSION_MAJOR")
        ),
        format!(
            "#define FANZHA_VERSION_MINOR {}",
            env!("CARGO_PKG_VERSION_MINOR")
        ),
        format!(
            "#define FANZHA_VERSION_PATCH {}",
            env!("CARGO_PKG_VERSION_PATCH")
        ),
    ];
    for line in want {
        assert!(
            header.lines().any(|l| l == line),
            "fanzha.h lacks `{line}`: run ffi/scripts/header.sh"
        );
    }
}
