//! Tells the C tests which target they are compiled for, and gives the shared library the
//! soname it is installed under (`libfanzha.so`, see scripts/install.sh).

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let target = std::env::var("TARGET").unwrap_or_default();
    println!("cargo:rustc-env=FANZHA_FFI_TARGET={target}");
    if target.contains("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libfanzha.so");
    }
}
