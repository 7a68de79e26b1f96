//! The keyword automaton's builder: the automaton `daachorse`'s
//! `CharwiseDoubleArrayAhoCorasick::<u32>::new` builds (pattern `i` with value `i`, standard
//! match kind, prefilter on), built with flat arrays and loaded through its checked
//! `deserialize`.
//!
//! `daachorse`'s builder keeps a vector of edges and one of outputs per trie state, a vector of
//! children per sibling group and finds children by binary search: on the default pack's 9,824
//! literals (29,815 states) it was 41-43 M instructions, 40% of building an engine, much of it
//! in the allocator; this builder takes 28 M, of which 6 M are writing the serialised form and
//! `deserialize` reading and checking it back (`daachorse` has no other safe constructor).
//! Here the trie is built with a hash table of edges, its edges end up in flat arrays, one-child
//! groups are placed without a scan, and the failure links are found through the double array
//! itself. Every step follows `daachorse` 5.1's (the same state numbering and code mapper, the
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
/// tracking (the character-wise automaton does not need it).
struct Vacancies {
    /// Per element: next and previous vacant element, in a circular list in increasing order.
    links: Vec<(u32, u32)>,
    used: Vec<bool>,
    block_len: u32,
    num_blocks: u32,
    head: Option<u32>,
}

impl Vacancies {
    fn num_elements(&self) -> u32 {
        self.num_blocks * self.block_len
    }

    fn use_index(&mut self, idx: u32) {
        self.used[idx as usize] = true;
        let (next, prev) = self.links[idx as usize];
        self.links[prev as usize].0 = next;
        self.links[next as usize].1 = prev;
        if self.head == Some(idx) {
            self.head = Some(next).filter(|&x| x != idx);
        }
    }

    fn push_block(&mut self) -> Result<(), String> {
        if self.num_elements() > u32::MAX - self.block_len {
            return Err(too_large("the double array"));
        }
        let old = self.num_elements();
        let new = old + self.block_len;
        self.num_blocks += 1;
        self.links
            .extend((old..new).map(|i| (i + 1, i.wrapping_sub(1))));
        self.used.resize(new as usize, false);
        if let Some(head) = self.head {
            let tail = self.links[head as usize].1;
            self.links[old as usize].1 = tail;
            self.links[tail as usize].0 = old;
            self.links[new as usize - 1].0 = head;
            self.links[head as usize].1 = new - 1;
        } else {
            self.links[old as usize].1 = new - 1;
            self.links[new as usize - 1].0 = old;
            self.head = Some(old);
        }
        self.prune();
        Ok(())
    }

    /// Drops the vacancies before the last [`NUM_FREE_BLOCKS`] blocks from the list.
    fn prune(&mut self) {
        let boundary = self.num_blocks.saturating_sub(NUM_FREE_BLOCKS) * self.block_len;
        while let Some(head) = self.head {
            if head >= boundary {
                break;
            }
            let (next, prev) = self.links[head as usize];
            self.links[prev as usize].0 = next;
            self.links[next as usize].1 = prev;
            self.head = Some(next).filter(|&x| x != head);
        }
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
            if let Some(head) = self.head {
                let mut idx = head;
                loop {
                    let base = idx ^ labels[0];
                    if base != 0 && labels.iter().all(|&c| !self.used[(base ^ c) as usize]) {
                        return Ok(base);
                    }
                    idx = self.links[idx as usize].0;
                    if idx == head {
                        break;
                    }
                }
            }
            self.push_block()?;
        }
    }
}

/// The automaton in `daachorse`'s serialised form.
fn serialized(patterns: &[&str]) -> Result<Vec<u8>, String> {
    // Character frequencies and the prefilter's table, in pattern order.
    let t = trie(patterns)?;
    let freqs = &t.freqs;
    let mut table = alloc::vec![u8::MAX; PREFILTER_TABLE];
    let mut min_len = usize::MAX;
    for p in patterns {
        let b = p.as_bytes();
        min_len = min_len.min(b.len());
        for (i, gram) in b[..b.len().min(MAX_WINDOW)].windows(2).enumerate() {
            table[usize::from(gram[0]) << 8 | usize::from(gram[1])] &= !(1 << i);
        }
    }

    // The code mapper: characters by decreasing frequency, then increasing value.
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
    let alphabet = ranked.len() as u32;
    let block_len = alphabet
        .checked_next_power_of_two()
        .ok_or_else(|| too_large("the alphabet"))?
        .max(2);

    let nodes = t.label.len();
    let children = |node: u32| {
        let (a, b) = t.child_range[node as usize];
        &t.children[a as usize..b as usize]
    };

    // Sibling groups placed in depth-first order, the last child's subtree first.
    let mut v = Vacancies {
        links: Vec::new(),
        used: Vec::new(),
        block_len,
        num_blocks: 0,
        head: None,
    };
    v.push_block()?;
    v.use_index(ROOT);
    v.use_index(DEAD);
    let mut idx_of = alloc::vec![DEAD; nodes];
    idx_of[0] = ROOT;
    let mut base_of = alloc::vec![0u32; nodes];
    let mut stack: Vec<u32> = alloc::vec![0];
    let mut labels: Vec<u32> = Vec::new();
    while let Some(node) = stack.pop() {
        let kids = children(node);
        if kids.is_empty() {
            continue;
        }
        labels.clear();
        labels.extend(kids.iter().map(|&k| code[t.label[k as usize] as usize]));
        let base = v.find_base(&labels)?;
        for (&k, &c) in kids.iter().zip(&labels) {
            let idx = base ^ c;
            v.use_index(idx);
            idx_of[k as usize] = idx;
        }
        base_of[node as usize] = base;
        stack.extend_from_slice(kids);
    }

    // The double array: (base, check, fail, output position) per element.
    let len = v.num_elements() as usize;
    drop(v);
    let mut states = alloc::vec![[0u32, DEAD, DEAD, 0u32]; len];
    for node in 0..nodes {
        let idx = idx_of[node] as usize;
        // Every state's failure defaults to the root.
        states[idx][2] = ROOT;
        let kids = children(node as u32);
        if kids.is_empty() {
            continue;
        }
        states[idx][0] = base_of[node];
        for &k in kids {
            states[idx_of[k as usize] as usize][1] = idx as u32;
        }
    }

    // Failure links, breadth first (children in character order), through the double array.
    let mut queue: Vec<u32> = Vec::with_capacity(nodes);
    queue.extend_from_slice(children(0));
    let mut qi = 0;
    while qi < queue.len() {
        let node = queue[qi];
        qi += 1;
        let idx = idx_of[node as usize];
        for &k in children(node) {
            let c = code[t.label[k as usize] as usize];
            let mut f = states[idx as usize][2];
            let fail = loop {
                let [base, ..] = states[f as usize];
                if base != 0 && states[(base ^ c) as usize][1] == f {
                    break base ^ c;
                }
                let next = states[f as usize][2];
                if f == ROOT && next == ROOT {
                    break ROOT;
                }
                f = next;
            };
            states[idx_of[k as usize] as usize][2] = fail;
            queue.push(k);
        }
    }

    // Output chains: each state's outputs (last pattern first), then its failure's.
    let mut outputs: Vec<[u32; 3]> = Vec::with_capacity(t.outputs.len());
    let chain = |outputs: &mut Vec<[u32; 3]>, node: u32, mut last: u32| {
        let (a, b) = t.output_range[node as usize];
        for &(value, length) in t.outputs[a as usize..b as usize].iter().rev() {
            outputs.push([value, length, last]);
            last = outputs.len() as u32;
        }
        last
    };
    states[ROOT as usize][3] = chain(&mut outputs, 0, 0);
    for &node in &queue {
        let idx = idx_of[node as usize] as usize;
        let inherited = states[states[idx][2] as usize][3];
        states[idx][3] = chain(&mut outputs, node, inherited);
    }

    let prefilter = (MIN_WINDOW..usize::MAX).contains(&min_len).then(|| {
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
    });

    write(
        &states,
        &code,
        alphabet,
        &outputs,
        nodes,
        prefilter.flatten(),
        &table,
    )
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
