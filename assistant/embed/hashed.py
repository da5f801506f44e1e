"""Built-in embedder with no weights: hashed character n-grams (문자 n-gram 해싱).

Deliberate simplifications (minbpe-style, stated up front):
- features are NFKC-lowercased character 1- and 3-grams inside each word, 2-grams that may carry a
  word-start or word-end mark, and whole words; Hangul syllables are kept as units (a syllable already carries
  the meaning a jamo split would blur; particles like 도/는 only add a few n-grams);
- each feature is hashed with a fixed 64-bit mixing function (never Python's salted `hash()`),
  giving a bucket in [0, dim) and a sign (+1/-1, "signed hashing" so collisions cancel on average);
- weights are log(1 + count), and the vector is l2-normalised, so a dot product is a cosine.

It is deterministic across processes and machines, needs no download, and embeds a whole batch
with a handful of numpy operations (100k short records in seconds).

>>> e = HashedEmbedder(dim=64)
>>> v = e.embed_query("면세 한도")
>>> round(float((v * v).sum()), 5)
1.0
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np

_WORD_RE = re.compile(r"\w+", re.UNICODE)
_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)
_P = np.uint64(0x100000001B3)  # FNV prime, as the per-character multiplier
_M1 = np.uint64(0xBF58476D1CE4E5B9)  # splitmix64 finaliser constants
_M2 = np.uint64(0x94D049BB133111EB)
_NGRAM_SEEDS = {1: np.uint64(0x9E3779B97F4A7C15), 2: np.uint64(0xC2B2AE3D27D4EB4F), 3: np.uint64(0x165667B19E3779F9)}
_WORD_SEED = np.uint64(0x27D4EB2F165667C5)
VERSION = 1


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser (uint64 arithmetic wraps; that is the point)."""
    h = h ^ (h >> np.uint64(30))
    h = h * _M1
    h = h ^ (h >> np.uint64(27))
    h = h * _M2
    return h ^ (h >> np.uint64(31))


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


class HashedEmbedder:
    """Embedder protocol implementation: `signature`, `dim`, `embed_documents`, `embed_query`."""

    query_prefix = ""
    passage_prefix = ""

    def __init__(self, dim: int = 512):
        if dim < 16:
            raise ValueError("dim must be >= 16")
        self.dim = int(dim)
        self.signature = f"hashed-ngram-v{VERSION}-d{self.dim}"

    def __repr__(self) -> str:
        return f"HashedEmbedder(dim={self.dim})"

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """(n, dim) float32 array, rows l2-normalised (all-zero rows stay zero)."""
        n = len(texts)
        out = np.zeros((n, self.dim), dtype=np.float32)
        if n == 0:
            return out
        doc_idx_parts: list[np.ndarray] = []
        hash_parts: list[np.ndarray] = []
        # One joined code-point array per batch: word characters kept, everything else a single 0 gap.
        codes_list: list[np.ndarray] = []
        owner_list: list[np.ndarray] = []
        word_hashes: list[int] = []
        word_owner: list[int] = []
        for i, text in enumerate(texts):
            words = _WORD_RE.findall(normalize(text or ""))
            if not words:
                continue
            joined = " " + " ".join(words) + " "
            arr = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
            arr[arr == 32] = 0
            codes_list.append(arr)
            owner_list.append(np.full(arr.shape[0], i, dtype=np.int64))
            for w in words:
                word_hashes.append(_fnv1a(w))
                word_owner.append(i)
        if not codes_list:
            return out
        codes = np.concatenate(codes_list)
        owner = np.concatenate(owner_list)
        size = codes.shape[0]
        with np.errstate(over="ignore"):
            for n_ in (1, 2, 3):
                if size < n_:
                    continue
                h = np.zeros(size - n_ + 1, dtype=np.uint64)
                for j in range(n_):
                    h = h * _P + codes[j : size - n_ + 1 + j]
                window_gaps = np.zeros(size - n_ + 1, dtype=np.int64)
                for j in range(n_):
                    window_gaps += codes[j : size - n_ + 1 + j] == 0
                same_doc = owner[: size - n_ + 1] == owner[n_ - 1 :]
                # 1- and 3-grams stay inside a word; 2-grams may include one gap (word start/end mark)
                valid = same_doc & (window_gaps <= (1 if n_ == 2 else 0))
                hash_parts.append(_mix(h[valid] ^ _NGRAM_SEEDS[n_]))
                doc_idx_parts.append(owner[: size - n_ + 1][valid])
            hash_parts.append(_mix(np.array(word_hashes, dtype=np.uint64) ^ _WORD_SEED))
            doc_idx_parts.append(np.array(word_owner, dtype=np.int64))
            hashes = np.concatenate(hash_parts)
            docs = np.concatenate(doc_idx_parts)
            buckets = (hashes % np.uint64(self.dim)).astype(np.int64)
            signs = np.where((hashes >> np.uint64(63)) == 1, -1.0, 1.0)
        flat = docs * self.dim + buckets
        pos = np.bincount(flat[signs > 0], minlength=n * self.dim)
        neg = np.bincount(flat[signs < 0], minlength=n * self.dim)
        # sublinear term frequency per bucket, sign from the net count
        net = (pos - neg).astype(np.float32)
        vec = (np.sign(net) * np.log1p(np.abs(net))).reshape(n, self.dim)
        norms = np.linalg.norm(vec, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        out[:] = vec / norms
        return out


def _fnv1a(word: str) -> int:
    h = 0xCBF29CE484222325
    for b in word.encode("utf-8"):
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h
