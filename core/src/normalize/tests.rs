use super::*;
use alloc::string::ToString;
use std::println;

#[test]
fn dump() {
    for s in [
        "ｖｘ",
        "ⓥⓧ",
        "𝐯𝐱",
        "➕V",
        "①③⑧",
        "加 微 信",
        "詐騙",
        "刷 单",
        "刷*单",
        "刷，单位",
        "ᴠх",
        "Ｗeｃhat",
        "⑴⒈❶➊⓵¹₂",
        "幺三八一二三四五六七八",
        "1三8",
        "一个三天十一月",
        "一二",
        "贰零二四年",
        "™℡㏒℃½ß",
        "café İstanbul",
        "❤️🛰👨‍👩‍👧",
        "刷👨‍👩‍👧单",
    ] {
        println!("{s:?} -> {:?}", normalize(s));
    }
    let _ = "x".to_string();
}
