//! RFC 6962 / RFC 9162 Merkle tree math: hashing, proof construction over stored
//! perfect-subtree hashes (so a proof needs O(log n) stored nodes, never a rebuild),
//! and proof verification.

use sha2::{Digest, Sha256};

/// A SHA-256 hash.
pub type Hash = [u8; 32];

/// A perfect subtree: its height and its index among subtrees of that height. Node
/// `(level, index)` covers leaves `[index << level, (index + 1) << level)`.
pub type NodeId = (u32, u64);

/// Hash of a leaf: SHA-256(0x00 || data).
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(data);
    h.finalize().into()
}

/// Hash of an interior node: SHA-256(0x01 || left || right).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// Root of the empty tree: SHA-256 of nothing.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// The largest power of two strictly below `n` (n ≥ 2).
fn split(n: u64) -> u64 {
    1 << (63 - (n - 1).leading_zeros())
}

/// Where perfect-subtree hashes come from.
pub trait Nodes {
    /// The hash of a stored perfect subtree.
    fn node(&mut self, id: NodeId) -> Hash;
}

/// Records which nodes a computation reads (first pass of a two-pass lookup).
#[derive(Default)]
pub struct NeededNodes(pub Vec<NodeId>);

impl Nodes for NeededNodes {
    fn node(&mut self, id: NodeId) -> Hash {
        if !self.0.contains(&id) {
            self.0.push(id);
        }
        [0u8; 32]
    }
}

impl Nodes for std::collections::HashMap<NodeId, Hash> {
    fn node(&mut self, id: NodeId) -> Hash {
        self.get(&id).copied().unwrap_or([0u8; 32])
    }
}

/// MTH(D[a:b]) for b > a, from stored perfect subtrees.
fn subtree_hash(nodes: &mut dyn Nodes, a: u64, b: u64) -> Hash {
    let n = b - a;
    if n.is_power_of_two() && a.is_multiple_of(n) {
        let level = n.trailing_zeros();
        return nodes.node((level, a >> level));
    }
    let k = split(n);
    let left = subtree_hash(nodes, a, a + k);
    let right = subtree_hash(nodes, a + k, b);
    node_hash(&left, &right)
}

/// The root hash of the first `size` leaves.
pub fn root(nodes: &mut dyn Nodes, size: u64) -> Hash {
    if size == 0 {
        empty_root()
    } else {
        subtree_hash(nodes, 0, size)
    }
}

/// The RFC 6962 audit path of leaf `index` in the tree of the first `size` leaves.
pub fn inclusion_proof(nodes: &mut dyn Nodes, index: u64, size: u64) -> Vec<Hash> {
    fn path(nodes: &mut dyn Nodes, m: u64, a: u64, b: u64, out: &mut Vec<Hash>) {
        if b - a <= 1 {
            return;
        }
        let k = split(b - a);
        if m < a + k {
            path(nodes, m, a, a + k, out);
            out.push(subtree_hash(nodes, a + k, b));
        } else {
            path(nodes, m, a + k, b, out);
            out.push(subtree_hash(nodes, a, a + k));
        }
    }
    let mut out = Vec::new();
    if index < size {
        path(nodes, index, 0, size, &mut out);
    }
    out
}

/// The RFC 6962 consistency proof between tree sizes `first` ≤ `second`.
pub fn consistency_proof(nodes: &mut dyn Nodes, first: u64, second: u64) -> Vec<Hash> {
    fn subproof(
        nodes: &mut dyn Nodes,
        m: u64,
        a: u64,
        b: u64,
        complete: bool,
        out: &mut Vec<Hash>,
    ) {
        let n = b - a;
        if m == n {
            if !complete {
                out.push(subtree_hash(nodes, a, b));
            }
            return;
        }
        let k = split(n);
        if m <= k {
            subproof(nodes, m, a, a + k, complete, out);
            out.push(subtree_hash(nodes, a + k, b));
        } else {
            subproof(nodes, m - k, a + k, b, false, out);
            out.push(subtree_hash(nodes, a, a + k));
        }
    }
    let mut out = Vec::new();
    if 0 < first && first < second {
        subproof(nodes, first, 0, second, true, &mut out);
    }
    out
}

/// New perfect subtrees created by appending leaf `index` with `leaf`: the leaf itself
/// and each parent completed by it. `left_sibling` gives the stored left neighbours.
pub fn nodes_after_append(
    index: u64,
    leaf: Hash,
    mut left_sibling: impl FnMut(NodeId) -> Hash,
) -> Vec<(NodeId, Hash)> {
    let mut out = vec![((0, index), leaf)];
    let mut current = leaf;
    let mut level = 0u32;
    while (index >> level) & 1 == 1 {
        let sibling = left_sibling((level, (index >> level) - 1));
        current = node_hash(&sibling, &current);
        level += 1;
        out.push(((level, index >> level), current));
    }
    out
}

/// The perfect subtrees that cover the first `size` leaves, one per set bit of `size`:
/// every left sibling a run of appends from `size` on needs and does not make itself.
pub fn frontier(size: u64) -> Vec<NodeId> {
    (0..64u32)
        .filter(|l| (size >> l) & 1 == 1)
        .map(|l| (l, (size >> l) - 1))
        .collect()
}

/// Why a proof was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProofError {
    /// A hash (leaf, root or proof node) is not 32 bytes.
    HashLength,
    /// The leaf index is not below the tree size.
    IndexOutsideTree,
    /// The proof has more hashes than the sizes need.
    TooLong,
    /// The proof has fewer hashes than the sizes need.
    TooShort,
    /// The inclusion proof leads to another root (transparency-dev's `RootMismatchError`).
    RootMismatch,
    /// A consistency proof's first size exceeds its second.
    FirstLarger,
    /// Consistency with the empty tree has nothing to prove.
    EmptyFirst,
    /// Equal sizes were given a non-empty proof.
    EqualSizesNeedEmptyProof,
    /// Equal sizes, different roots.
    EqualSizesRootsDiffer,
    /// Different sizes were given no proof.
    EmptyProof,
    /// The consistency proof leads to other roots.
    RootsMismatch,
}

impl std::fmt::Display for ProofError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ProofError::HashLength => "a hash is not 32 bytes",
            ProofError::IndexOutsideTree => "leaf index is outside the tree",
            ProofError::TooLong => "proof is too long",
            ProofError::TooShort => "proof is too short",
            ProofError::RootMismatch => "computed root does not match",
            ProofError::FirstLarger => "first size is larger than second",
            ProofError::EmptyFirst => "consistency with the empty tree is not proven",
            ProofError::EqualSizesNeedEmptyProof => "equal sizes need an empty proof",
            ProofError::EqualSizesRootsDiffer => "roots differ for equal sizes",
            ProofError::EmptyProof => "empty proof",
            ProofError::RootsMismatch => "computed roots do not match",
        })
    }
}

impl std::error::Error for ProofError {}

fn to_hash(bytes: &[u8]) -> Result<Hash, ProofError> {
    bytes.try_into().map_err(|_| ProofError::HashLength)
}

/// Verifies an inclusion proof (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(
    index: u64,
    size: u64,
    leaf: &[u8],
    proof: &[Vec<u8>],
    root: &[u8],
) -> Result<(), ProofError> {
    let leaf = to_hash(leaf)?;
    let root = to_hash(root)?;
    if index >= size {
        return Err(ProofError::IndexOutsideTree);
    }
    let (mut f, mut s) = (index, size - 1);
    let mut r = leaf;
    for p in proof {
        let p = to_hash(p)?;
        if s == 0 {
            return Err(ProofError::TooLong);
        }
        if f & 1 == 1 || f == s {
            r = node_hash(&p, &r);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            r = node_hash(&r, &p);
        }
        f >>= 1;
        s >>= 1;
    }
    if s != 0 {
        return Err(ProofError::TooShort);
    }
    if r != root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

/// Verifies a consistency proof (RFC 9162 §2.1.4.2).
pub fn verify_consistency(
    first: u64,
    second: u64,
    first_root: &[u8],
    second_root: &[u8],
    proof: &[Vec<u8>],
) -> Result<(), ProofError> {
    if first > second {
        return Err(ProofError::FirstLarger);
    }
    if first == 0 {
        return Err(ProofError::EmptyFirst);
    }
    if first == second {
        if !proof.is_empty() {
            return Err(ProofError::EqualSizesNeedEmptyProof);
        }
        return if first_root == second_root {
            Ok(())
        } else {
            Err(ProofError::EqualSizesRootsDiffer)
        };
    }
    let first_root = to_hash(first_root)?;
    let second_root = to_hash(second_root)?;
    let proof: Vec<Hash> = proof.iter().map(|p| to_hash(p)).collect::<Result<_, _>>()?;
    if proof.is_empty() {
        return Err(ProofError::EmptyProof);
    }
    let mut path = proof.as_slice();
    let seed;
    if first.is_power_of_two() {
        seed = first_root;
    } else {
        seed = path[0];
        path = &path[1..];
    }
    let (mut f, mut s) = (first - 1, second - 1);
    while f & 1 == 1 {
        f >>= 1;
        s >>= 1;
    }
    let (mut fr, mut sr) = (seed, seed);
    for c in path {
        if s == 0 {
            return Err(ProofError::TooLong);
        }
        if f & 1 == 1 || f == s {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        f >>= 1;
        s >>= 1;
    }
    if s != 0 {
        return Err(ProofError::TooShort);
    }
    if fr != first_root || sr != second_root {
        return Err(ProofError::RootsMismatch);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn rejections_are_typed_and_say_why() {
        let leaf = leaf_hash(b"a");
        let other = leaf_hash(b"b");
        assert_eq!(
            verify_inclusion(1, 1, &leaf, &[], &leaf),
            Err(ProofError::IndexOutsideTree)
        );
        assert_eq!(
            verify_inclusion(0, 1, &leaf[..31], &[], &leaf),
            Err(ProofError::HashLength)
        );
        let mismatch = verify_inclusion(0, 1, &leaf, &[], &other).unwrap_err();
        assert_eq!(mismatch, ProofError::RootMismatch);
        assert_eq!(mismatch.to_string(), "computed root does not match");
        assert_eq!(
            verify_inclusion(0, 2, &leaf, &[], &leaf),
            Err(ProofError::TooShort)
        );
        assert_eq!(
            verify_consistency(2, 1, &leaf, &leaf, &[]),
            Err(ProofError::FirstLarger)
        );
        assert_eq!(
            verify_consistency(1, 1, &leaf, &other, &[]),
            Err(ProofError::EqualSizesRootsDiffer)
        );
    }

    /// A tree built by appending, storing every perfect subtree.
    fn tree(leaves: u64) -> HashMap<NodeId, Hash> {
        let mut nodes = HashMap::new();
        for i in 0..leaves {
            let new = nodes_after_append(i, leaf_hash(&i.to_be_bytes()), |id| nodes[&id]);
            nodes.extend(new);
        }
        nodes
    }

    /// Reference MTH straight from the RFC, over all leaves.
    fn reference_root(leaves: &[Hash]) -> Hash {
        match leaves.len() {
            0 => empty_root(),
            1 => leaves[0],
            n => {
                let k = split(n as u64) as usize;
                node_hash(&reference_root(&leaves[..k]), &reference_root(&leaves[k..]))
            }
        }
    }

    #[test]
    fn stored_subtrees_give_the_reference_root() {
        let leaves: Vec<Hash> = (0..37u64).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        let mut nodes = tree(37);
        for size in 0..=37 {
            assert_eq!(
                root(&mut nodes, size),
                reference_root(&leaves[..size as usize]),
                "size {size}"
            );
        }
    }

    #[test]
    fn generated_proofs_verify_and_reads_stay_logarithmic() {
        let mut nodes = tree(100);
        for size in 1..=100u64 {
            let r = root(&mut nodes, size);
            for index in 0..size {
                let proof: Vec<Vec<u8>> = inclusion_proof(&mut nodes, index, size)
                    .iter()
                    .map(|h| h.to_vec())
                    .collect();
                let leaf = leaf_hash(&index.to_be_bytes());
                verify_inclusion(index, size, &leaf, &proof, &r).unwrap();
                let mut needed = NeededNodes::default();
                inclusion_proof(&mut needed, index, size);
                assert!(
                    needed.0.len() <= 2 * 7,
                    "{} nodes for {index}/{size}",
                    needed.0.len()
                );
            }
            for first in 1..=size {
                let proof: Vec<Vec<u8>> = consistency_proof(&mut nodes, first, size)
                    .iter()
                    .map(|h| h.to_vec())
                    .collect();
                verify_consistency(first, size, &root(&mut nodes, first), &r, &proof).unwrap();
            }
        }
    }

    #[test]
    fn tampering_is_rejected() {
        let mut nodes = tree(10);
        let r = root(&mut nodes, 10);
        let mut proof: Vec<Vec<u8>> = inclusion_proof(&mut nodes, 3, 10)
            .iter()
            .map(|h| h.to_vec())
            .collect();
        let leaf = leaf_hash(&3u64.to_be_bytes());
        assert!(verify_inclusion(4, 10, &leaf, &proof, &r).is_err());
        assert!(verify_inclusion(3, 17, &leaf, &proof, &r).is_err());
        proof[0][5] ^= 1;
        assert!(verify_inclusion(3, 10, &leaf, &proof, &r).is_err());
    }
}
