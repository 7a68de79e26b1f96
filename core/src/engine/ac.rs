//! The keyword automaton's builder: the automaton `daachorse`'s
//! `CharwiseDoubleArrayAhoCorasick::<u32>::new` builds (pattern `i` with value `i`, standard
//! match kind, prefilter on), built with flat arrays and loaded through its checked
//! `deserialize`.
//!
//! `daachorse`'s builder keeps a vector of edges and one of outputs per trie state, a vector of
//! children per sibling group and finds children by binary search: on the default pack's 9,824
//! literals (29,815 states) it was 41-43 M instructions, 40% of building an engine, much of it
//! in the allocator; this builder takes 23.6 M (default pack of 2026-11-30: 30,148 states), of
//! which 5.4 M are writing the serialised form and `deserialize` reading and checking it back
//! (`daachorse` has no other safe constructor). Here the trie is built with a hash table of
//! edges, its edges end up in flat arrays, one-child groups are placed without a scan, larger
//! ones tested 64 candidate places at a time on a bitmap of the vacancies, the double array is
//! filled while placing, and the failure links are found through the double array itself.
//! Every step follows `daachorse` 5.1's (the same state numbering and code mapper, the
//! same depth-first placement of sibling groups with the same first-fit over the same vacancy
//! list, the same breadth-first failure links and output chains), so the automaton is the same
//! to the byte, scans the same and takes the same heap: the tests compare the two serialised
//! forms, on the default pack and on generated pattern sets. Without `daachorse`'s builder
//! linked, the WASM module is some 4 KB (gzipped) smaller.
//!
//! The steps are kept out of line (`#[inline(never)]`) so that profiles show each.

use alloc::string::String;
use alloc::vec::Vec;

use daachorse::CharwiseDoubleArrayAhoCorasick;

/// Double-array index of the root (`daachorse`'s `ROOT_STATE_IDX`).
const ROOT: u32 = 0;
/// Double-array index of the dead state (`daachorse`'s `DEAD_STATE_IDX`).
const DEAD: u32 = 1;
/// Trailing blocks scanned for vacancies (`daachorse`'s `NUM_FREE_BLOCKS`).
const NUM_FREE_BLOCKS: u32 = 16;
/// The prefilter's 2-gram table and window bounds (`daachorse`'s `Prefilter`).
const PREFILTER_TABLE: usize = 1 << 16;
const MIN_WINDOW: usize = 2;
const MAX_WINDOW: usize = 9;

/// The automaton of `patterns`, pattern `i` with value `i`.
pub(crate) fn build(patterns: &[&str]) -> Result<CharwiseDoubleArrayAhoCorasick<u32>, String> {
    let bytes = serialized(patterns)?;
    CharwiseDoubleArrayAhoCorasick::<u32>::deserialize(&bytes)
        .map(|(ac, _)| ac)
        .map_err(|e| alloc::format!("{e}"))
}

/// A trie of the patterns: node 0 the root, the other nodes numbered in order of creation
/// (patterns in order, as `daachorse` numbers its states).
struct Trie {
    /// Per node: the character on its incoming edge (0 for the root).
    label: Vec<u32>,
    /// Per node: the range of `children` holding its children, in increasing character order.
    child_range: Vec<(u32, u32)>,
    children: Vec<u32>,
    /// Per node: the range of `outputs` ending there, in pattern order.
    output_range: Vec<(u32, u32)>,
    /// (pattern index, pattern length in bytes), grouped by node.
    outputs: Vec<(u32, u32)>,
    /// Occurrences of each character in the patterns, indexed by character.
    freqs: Vec<u32>,
}

fn too_large(what: &str) -> String {
    alloc::format!("keyword automaton: {what} exceeds the automaton's scale")
}

/// Groups the indices `offset + i` by `group_of[i]`, stably: per group a range of the returned
/// indices.
fn group_by(groups: usize, group_of: &[u32], offset: u32) -> (Vec<(u32, u32)>, Vec<u32>) {
    let mut range = alloc::vec![(0u32, 0u32); groups];
    for &g in group_of {
        range[g as usize].1 += 1;
    }
    let mut end = 0u32;
    for r in &mut range {
        let count = r.1;
        *r = (end, end);
        end += count;
    }
    let mut values = alloc::vec![0u32; group_of.len()];
    for (i, &g) in (offset..).zip(group_of) {
        let r = &mut range[g as usize];
        values[r.1 as usize] = i;
        r.1 += 1;
    }
    (range, values)
}

/// An open-addressing table of `node + 1` keyed by (parent, character), at most half full.
struct Edges {
    slots: Vec<u32>,
    shift: u32,
}

impl Edges {
    fn with_capacity(n: usize) -> Edges {
        let len = n.saturating_mul(2).max(64).next_power_of_two();
        Edges {
            slots: alloc::vec![0; len],
            shift: 64 - len.trailing_zeros(),
        }
    }

    fn slot(&self, parent: u32, c: u32) -> usize {
        let key = (u64::from(parent) << 21 | u64::from(c)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (key >> self.shift) as usize
    }

    /// Rebuilt twice as large for the nodes `1..label.len()`.
    fn grow(&mut self, label: &[u32], parent: &[u32]) {
        *self = Edges::with_capacity(self.slots.len());
        let mask = self.slots.len() - 1;
        for node in 1..label.len() {
            let mut i = self.slot(parent[node], label[node]);
            while self.slots[i] != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = node as u32 + 1;
        }
    }
}

#[inline(never)]
fn trie(patterns: &[&str]) -> Result<Trie, String> {
    let bytes: usize = patterns.iter().map(|p| p.len()).sum();
    // A pattern of `n` bytes adds at most `n` nodes.
    let mut label: Vec<u32> = Vec::with_capacity(bytes + 1);
    let mut parent: Vec<u32> = Vec::with_capacity(bytes + 1);
    label.push(0);
    parent.push(0);
    // Trimmed to the largest character + 1 at the end.
    let mut freqs: Vec<u32> = alloc::vec![0; 0x1_0000];
    let mut freqs_len = 0usize;
    let mut output_node: Vec<u32> = Vec::with_capacity(patterns.len());
    // Most patterns share their first characters: sized for a few nodes per pattern.
    let mut edges = Edges::with_capacity(patterns.len().saturating_mul(4));
    for p in patterns {
        u32::try_from(p.len()).map_err(|_| too_large("a pattern's length"))?;
        let mut node = 0u32;
        for c in p.chars() {
            let c = c as u32;
            let ci = c as usize;
            if freqs.len() <= ci {
                freqs.resize(ci + 1, 0);
            }
            freqs[ci] += 1;
            freqs_len = freqs_len.max(ci + 1);
            let mask = edges.slots.len() - 1;
            let mut i = edges.slot(node, c);
            node = loop {
                match edges.slots[i] {
                    0 => {
                        let new =
                            u32::try_from(label.len()).map_err(|_| too_large("the state count"))?;
                        label.push(c);
                        parent.push(node);
                        edges.slots[i] = new + 1;
                        if label.len() * 2 > edges.slots.len() {
                            edges.grow(&label, &parent);
                        }
                        break new;
                    }
                    x if label[x as usize - 1] == c && parent[x as usize - 1] == node => {
                        break x - 1;
                    }
                    _ => i = (i + 1) & mask,
                }
            };
        }
        output_node.push(node);
    }
    drop(edges);
    freqs.truncate(freqs_len);
    let nodes = label.len();
    let (output_range, values) = group_by(nodes, &output_node, 0);
    let outputs = values
        .iter()
        .map(|&i| (i, patterns[i as usize].len() as u32))
        .collect();
    // Children grouped by parent, each group then sorted by character.
    let (child_range, mut children) = group_by(nodes, &parent[1..], 1);
    sort_groups(&child_range, &mut children, &label);
    Ok(Trie {
        label,
        child_range,
        children,
        output_range,
        outputs,
        freqs,
    })
}

#[inline(never)]
fn sort_groups(child_range: &[(u32, u32)], children: &mut [u32], label: &[u32]) {
    for &(a, b) in child_range {
        let group = &mut children[a as usize..b as usize];
        if group.len() > 1 {
            crate::sort::sort_unstable_by(group, |x, y| {
                label[*x as usize].cmp(&label[*y as usize])
            });
        }
    }
}

/// The vacant elements of the double array: `daachorse`'s `BuildHelper`, without BASE
/// tracking (the character-wise automaton does not need it). Its vacancy list (the vacant
/// elements of the last [`NUM_FREE_BLOCKS`] blocks, in increasing order) is kept as a bitmap of
/// the vacant elements and the list's head: a sibling group's first fit in list order is then
/// found a word (64 candidates) at a time.
struct Vacancies {
    /// Bit `i % 64` of word `i / 64` set when element `i` is vacant.
    vacant: Vec<u64>,
    block_len: u32,
    num_blocks: u32,
    /// The first vacant element at or past the list's boundary (`None`: the list is empty).
    head: Option<u32>,
}

/// Masks of the lower half of each group of `2 << j` bits, for [`xor_bits`].
const HALVES: [u64; 6] = [
    0x5555_5555_5555_5555,
    0x3333_3333_3333_3333,
    0x0F0F_0F0F_0F0F_0F0F,
    0x00FF_00FF_00FF_00FF,
    0x0000_FFFF_0000_FFFF,
    0x0000_0000_FFFF_FFFF,
];

/// `x` with its bits permuted: bit `b` of the result is bit `b ^ k` of `x` (`k < 64`).
fn xor_bits(mut x: u64, k: u32) -> u64 {
    for (j, &m) in HALVES.iter().enumerate() {
        if k >> j & 1 != 0 {
            let s = 1 << j;
            x = (x & m) << s | (x >> s) & m;
        }
    }
    x
}

impl Vacancies {
    fn num_elements(&self) -> u32 {
        self.num_blocks * self.block_len
    }

    /// The first vacant element at or after `from`.
    fn next_vacant(&self, from: u32) -> Option<u32> {
        let mut w = (from / 64) as usize;
        let mut bits = *self.vacant.get(w)? & (!0u64 << (from % 64));
        loop {
            if bits != 0 {
                return Some(w as u32 * 64 + bits.trailing_zeros());
            }
            w += 1;
            bits = *self.vacant.get(w)?;
        }
    }

    fn use_index(&mut self, idx: u32) {
        self.vacant[(idx / 64) as usize] &= !(1 << (idx % 64));
        if self.head == Some(idx) {
            self.head = self.next_vacant(idx + 1);
        }
    }

    fn push_block(&mut self) -> Result<(), String> {
        if self.num_elements() > u32::MAX - self.block_len {
            return Err(too_large("the double array"));
        }
        let old = self.num_elements();
        let new = old + self.block_len;
        self.num_blocks += 1;
        self.vacant.resize(new.div_ceil(64) as usize, 0);
        let mut i = old;
        while i < new {
            let n = (new - i).min(64 - i % 64);
            self.vacant[(i / 64) as usize] |= (!0u64 >> (64 - n)) << (i % 64);
            i += n;
        }
        if self.head.is_none() {
            self.head = Some(old);
        }
        // The vacancies before the last [`NUM_FREE_BLOCKS`] blocks leave the list.
        let boundary = self.num_blocks.saturating_sub(NUM_FREE_BLOCKS) * self.block_len;
        if self.head.is_some_and(|h| h < boundary) {
            self.head = self.next_vacant(boundary);
        }
        Ok(())
    }

    /// The first BASE, in the order of the vacancy list, that places every label on a vacant
    /// element; the array grows by a block until there is one.
    #[inline(never)]
    fn find_base(&mut self, labels: &[u32]) -> Result<u32, String> {
        // One label (most groups): the first vacancy fits unless it makes BASE 0.
        if let (Some(head), [c]) = (self.head, labels) {
            if head != *c {
                return Ok(head ^ c);
            }
        }
        loop {
            if let Some(base) = self.head.and_then(|head| self.first_fit(head, labels)) {
                return Ok(base);
            }
            self.push_block()?;
        }
    }

    /// The first vacant element `idx` from `from` on such that BASE `idx ^ labels[0]` is not 0
    /// and places every label on a vacant element, as that BASE. A label `c` lands on
    /// `idx ^ labels[0] ^ c`, in the block of `idx` (labels are below the block length): the
    /// candidates of a word are tested together against the vacancies with their bits
    /// permuted by `labels[0] ^ c`.
    fn first_fit(&self, from: u32, labels: &[u32]) -> Option<u32> {
        let c0 = *labels.first()?;
        let first = (from / 64) as usize;
        for w in first..self.vacant.len() {
            let mut fit = self.vacant[w];
            if w == first {
                fit &= !0u64 << (from % 64);
            }
            if w == (c0 / 64) as usize {
                fit &= !(1 << (c0 % 64));
            }
            for &c in &labels[1..] {
                if fit == 0 {
                    break;
                }
                let d = c0 ^ c;
                fit &= xor_bits(self.vacant[w ^ (d / 64) as usize], d % 64);
            }
            if fit != 0 {
                return Some((w as u32 * 64 + fit.trailing_zeros()) ^ c0);
            }
        }
        None
    }
}

/// The automaton in `daachorse`'s serialised form.
fn serialized(patterns: &[&str]) -> Result<Vec<u8>, String> {
    let t = trie(patterns)?;
    // No prefilter under two bytes (the default pack has one-character literals): its table
    // is then not written, and not made.
    let min_len = patterns.iter().map(|p| p.len()).min().unwrap_or(usize::MAX);
    let table = if (MIN_WINDOW..usize::MAX).contains(&min_len) {
        gram_table(patterns)
    } else {
        Vec::new()
    };
    let (code, alphabet) = code_mapper(&t.freqs);
    let block_len = alphabet
        .checked_next_power_of_two()
        .ok_or_else(|| too_large("the alphabet"))?
        .max(2);
    let nodes = t.label.len();
    let (idx_of, mut states) = place(&t, &code, block_len)?;
    let outputs = fail_links(&t, &code, &idx_of, &mut states);
    let prefilter = prefilter_window(&table, min_len);
    write(&states, &code, alphabet, &outputs, nodes, prefilter, &table)
}

/// The prefilter's table: per 2-gram, a bit cleared for each position (below [`MAX_WINDOW`])
/// it starts a pattern at.
#[inline(never)]
fn gram_table(patterns: &[&str]) -> Vec<u8> {
    let mut table = alloc::vec![u8::MAX; PREFILTER_TABLE];
    for p in patterns {
        let b = p.as_bytes();
        for (i, gram) in b[..b.len().min(MAX_WINDOW)].windows(2).enumerate() {
            table[usize::from(gram[0]) << 8 | usize::from(gram[1])] &= !(1 << i);
        }
    }
    table
}

/// The code mapper: characters by decreasing frequency, then increasing value.
#[inline(never)]
fn code_mapper(freqs: &[u32]) -> (Vec<u32>, u32) {
    let mut ranked: Vec<u64> = freqs
        .iter()
        .enumerate()
        .filter(|&(_, &f)| f != 0)
        .map(|(c, &f)| u64::from(u32::MAX - f) << 32 | c as u64)
        .collect();
    crate::sort::sort_unstable(&mut ranked);
    let mut code = alloc::vec![u32::MAX; freqs.len()];
    for (i, &k) in ranked.iter().enumerate() {
        code[(k & 0xFFFF_FFFF) as usize] = i as u32;
    }
    (code, ranked.len() as u32)
}

impl Trie {
    fn children(&self, node: u32) -> &[u32] {
        let (a, b) = self.child_range[node as usize];
        &self.children[a as usize..b as usize]
    }
}

/// Sibling groups placed in depth-first order, the last child's subtree first: per node its
/// element, and the double array: (base, check, fail, output position) per element, failures
/// at the root (set by [`fail_links`]).
#[inline(never)]
fn place(t: &Trie, code: &[u32], block_len: u32) -> Result<(Vec<u32>, Vec<[u32; 4]>), String> {
    let nodes = t.label.len();
    let mut v = Vacancies {
        vacant: Vec::new(),
        block_len,
        num_blocks: 0,
        head: None,
    };
    v.push_block()?;
    v.use_index(ROOT);
    v.use_index(DEAD);
    let empty = [0u32, DEAD, DEAD, 0u32];
    let mut states = alloc::vec![empty; block_len as usize];
    let mut idx_of = alloc::vec![DEAD; nodes];
    idx_of[0] = ROOT;
    let mut stack: Vec<u32> = alloc::vec![0];
    let mut labels: Vec<u32> = Vec::new();
    while let Some(node) = stack.pop() {
        let kids = t.children(node);
        if kids.is_empty() {
            continue;
        }
        labels.clear();
        labels.extend(kids.iter().map(|&k| code[t.label[k as usize] as usize]));
        let base = v.find_base(&labels)?;
        states.resize(v.num_elements() as usize, empty);
        let parent = idx_of[node as usize];
        states[parent as usize][0] = base;
        for (&k, &c) in kids.iter().zip(&labels) {
            let idx = base ^ c;
            v.use_index(idx);
            idx_of[k as usize] = idx;
            states[idx as usize][1] = parent;
        }
        stack.extend_from_slice(kids);
    }
    Ok((idx_of, states))
}

/// Failure links, breadth first (children in character order), through the double array,
/// and the output chains in the same order: each state's outputs (last pattern first), then
/// its failure's (set before, the failure being shallower).
#[inline(never)]
fn fail_links(t: &Trie, code: &[u32], idx_of: &[u32], states: &mut [[u32; 4]]) -> Vec<[u32; 3]> {
    let mut outputs: Vec<[u32; 3]> = Vec::with_capacity(t.outputs.len());
    let chain = |outputs: &mut Vec<[u32; 3]>, node: u32, mut last: u32| {
        let (a, b) = t.output_range[node as usize];
        for &(value, length) in t.outputs[a as usize..b as usize].iter().rev() {
            outputs.push([value, length, last]);
            last = outputs.len() as u32;
        }
        last
    };
    // Every state's failure defaults to the root.
    states[ROOT as usize][2] = ROOT;
    states[ROOT as usize][3] = chain(&mut outputs, 0, 0);
    let mut queue: Vec<u32> = Vec::with_capacity(t.label.len());
    queue.push(0);
    let mut qi = 0;
    while qi < queue.len() {
        let node = queue[qi];
        qi += 1;
        let idx = idx_of[node as usize];
        for &k in t.children(node) {
            let c = code[t.label[k as usize] as usize];
            let fail = if node == 0 {
                ROOT
            } else {
                let mut f = states[idx as usize][2];
                loop {
                    let [base, ..] = states[f as usize];
                    if base != 0 && states[(base ^ c) as usize][1] == f {
                        break base ^ c;
                    }
                    let next = states[f as usize][2];
                    if f == ROOT && next == ROOT {
                        break ROOT;
                    }
                    f = next;
                }
            };
            let kid = idx_of[k as usize] as usize;
            states[kid][2] = fail;
            states[kid][3] = chain(&mut outputs, k, states[fail as usize][3]);
            queue.push(k);
        }
    }
    outputs
}

/// The prefilter's window, when the table makes it selective enough.
#[inline(never)]
fn prefilter_window(table: &[u8], min_len: usize) -> Option<u8> {
    if !(MIN_WINDOW..usize::MAX).contains(&min_len) {
        return None;
    }
    let window = min_len.min(MAX_WINDOW);
    let mut zeros = [0u32; 8];
    for &bits in table.iter().filter(|&&b| b != u8::MAX) {
        for (i, n) in zeros.iter_mut().enumerate() {
            *n += u32::from((bits >> i) & 1 == 0);
        }
    }
    let mut rate = 1.0f64;
    for &n in &zeros[..window - 1] {
        rate *= f64::from(n) / PREFILTER_TABLE as f64;
    }
    (rate <= 1.0 / 16.0).then_some(window as u8)
}

/// Appends `words` to `out`, little-endian.
fn put(out: &mut Vec<u8>, words: &[u32]) {
    let at = out.len();
    out.resize(at + words.len() * 4, 0);
    for (dst, w) in out[at..].chunks_exact_mut(4).zip(words) {
        dst.copy_from_slice(&w.to_le_bytes());
    }
}

#[inline(never)]
fn write(
    states: &[[u32; 4]],
    code: &[u32],
    alphabet: u32,
    outputs: &[[u32; 3]],
    nodes: usize,
    prefilter: Option<u8>,
    table: &[u8],
) -> Result<Vec<u8>, String> {
    let len = states.len();
    let mut out = Vec::with_capacity(
        4 + len * 16
            + 4
            + code.len() * 4
            + 4
            + 4
            + outputs.len() * 12
            + 1
            + 4
            + 2
            + PREFILTER_TABLE,
    );
    put(&mut out, &[len as u32]);
    put(&mut out, states.as_flattened());
    put(&mut out, &[code.len() as u32]);
    put(&mut out, code);
    put(&mut out, &[alphabet, outputs.len() as u32]);
    put(&mut out, outputs.as_flattened());
    // Match kind: standard.
    out.push(0);
    put(&mut out, &[nodes as u32]);
    match prefilter {
        Some(window) => {
            out.push(1);
            out.push(window);
            out.extend_from_slice(table);
        }
        None => out.push(0),
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn same_as_daachorse(patterns: &[&str]) {
        let ours = serialized(patterns).unwrap();
        let theirs = CharwiseDoubleArrayAhoCorasick::<u32>::new(patterns)
            .unwrap()
            .serialize();
        assert_eq!(ours.len(), theirs.len());
        assert!(ours == theirs, "serialised automata differ");
        build(patterns).unwrap();
    }

    #[test]
    fn default_pack_literals() {
        let pack = crate::pack::binary::decode(crate::Engine::default_pack_bytes()).unwrap();
        let lits = crate::Engine::literals(&pack).unwrap();
        let lits: Vec<&str> = lits.iter().map(String::as_str).collect();
        assert!(lits.len() > 1000);
        same_as_daachorse(&lits);
    }

    #[test]
    fn small_sets() {
        same_as_daachorse(&["a"]);
        same_as_daachorse(&["", "ab"]);
        same_as_daachorse(&["全世界", "世界", "に", "世界"]);
        same_as_daachorse(&["加微信", "加vx", "微信", "vx", "x", "加微"]);
        same_as_daachorse(&["abcdefghijklmn", "bcdefghij", "cdefgh"]);
        // Characters past the BMP, and one-byte patterns (no prefilter).
        same_as_daachorse(&["😀红包", "红包😀", "𝔸", "a", "😀"]);
    }

    proptest! {
        #[test]
        fn random_sets(words in proptest::collection::vec("[abc微信加]{0,6}", 1..40)) {
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            same_as_daachorse(&words);
        }

        #[test]
        fn random_wide_sets(words in proptest::collection::vec("[a-z0-9]{2,12}", 1..300)) {
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            same_as_daachorse(&words);
        }
    }

    proptest! {
        // Characters up to U+10FFFF make code tables of 4 MB: fewer cases.
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn random_unicode_sets(words in proptest::collection::vec("\\PC{1,5}", 1..60)) {
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            same_as_daachorse(&words);
        }
    }

    #[test]
    fn no_patterns() {
        same_as_daachorse(&[]);
        let ac = build(&[]).unwrap();
        assert_eq!(ac.find_overlapping_iter("abc").count(), 0);
    }
}
