"""Speed of near-duplicate sketching + LSH against datasketch, in the same run.

Both pipelines see the same documents and the same shingles (character 5-grams of the folded
text, the same 128 permutations and an LSH at Jaccard 0.5):

* ours: fold -> shingle hashes -> one-permutation MinHash -> band keys -> candidate pairs
  (plus the anchors for excerpts and partial copies, which datasketch does not do);
* datasketch: ``MinHash(num_perm=128).update_batch(shingles)`` -> ``MinHashLSH.insert`` ->
  ``query`` per document. Folding and shingling are *not* timed for datasketch (its shingles
  are prepared beforehand), so the ratio is conservative.

Run:  .venv/bin/python benchmarks/bench_dedup_speed.py [--docs N] [--repeat R]
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from pathlib import Path
from typing import Any

import numpy as np

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"


def real_reports(limit: int) -> list[str]:
    """Government work reports and regulations: the genre's long documents."""
    texts: list[str] = []
    for name in ("state_council_gwr", "provincial_gwr_2026", "local_regulations"):
        folder = CORPORA / name
        path = folder / "corpus.jsonl"
        opener: Any = open
        if not path.exists():
            path, opener = folder / "corpus.jsonl.gz", gzip.open
        with opener(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                if len(rec["text"]) >= 1000:
                    texts.append(rec["text"])
    rng = np.random.default_rng(0)
    rng.shuffle(texts)  # type: ignore[arg-type]
    return texts[:limit]


def ours(texts: list[str]) -> tuple[float, int]:
    from corpus_tools.dedup import DedupConfig, lsh_candidate_pairs
    from corpus_tools.dedup.sketch import features_of_folded, fold_text

    cfg = DedupConfig()
    t0 = time.perf_counter()
    feats = [features_of_folded(fold_text(t, cfg), cfg) for t in texts]
    pairs = lsh_candidate_pairs(np.stack([f.bands for f in feats]))
    return time.perf_counter() - t0, len(pairs)


def ours_minhash_only(texts: list[str]) -> tuple[float, int]:
    """The same work as the peer: fold, shingle, MinHash, LSH (no anchors, no digest)."""
    from corpus_tools.dedup import lsh_candidate_pairs, sketch
    from corpus_tools.dedup.sketch import band_keys, shingle_hashes
    from corpus_tools.text import fold_for_matching

    t0 = time.perf_counter()
    bands = []
    for t in texts:
        _, sig = sketch(shingle_hashes(fold_for_matching(t).codes, 5), 128)
        bands.append(band_keys(sig, 32))
    pairs = lsh_candidate_pairs(np.stack(bands))
    return time.perf_counter() - t0, len(pairs)


def peer_shingles(texts: list[str]) -> list[list[bytes]]:
    from corpus_tools.text import fold_for_matching

    out = []
    for t in texts:
        s = fold_for_matching(t).text
        out.append(sorted({s[i : i + 5].encode("utf-8") for i in range(max(len(s) - 4, 1))}))
    return out


def datasketch_pipeline(shingles: list[list[bytes]]) -> tuple[float, int]:
    from datasketch import MinHash, MinHashLSH

    t0 = time.perf_counter()
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    sigs = []
    for i, sh in enumerate(shingles):
        m = MinHash(num_perm=128, seed=1)
        m.update_batch(sh)
        lsh.insert(str(i), m)
        sigs.append(m)
    pairs = set()
    for i, m in enumerate(sigs):
        for j in lsh.query(m):
            if int(j) != i:
                pairs.add((min(i, int(j)), max(i, int(j))))
    return time.perf_counter() - t0, len(pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    texts = real_reports(args.docs)
    chars = sum(len(t) for t in texts)
    print(f"{len(texts)} real reports, {chars:,} characters (mean {chars // len(texts):,})")
    ours(texts[:5])  # build the folding tables once (lazy, not part of the throughput)
    shingles = peer_shingles(texts)
    best_ours = best_peer = best_same = float("inf")
    for _ in range(args.repeat):
        t_ours, n_ours = ours(texts)
        t_same, n_same = ours_minhash_only(texts)
        t_peer, n_peer = datasketch_pipeline(shingles)
        best_ours, best_peer = min(best_ours, t_ours), min(best_peer, t_peer)
        best_same = min(best_same, t_same)
    ours_rate = len(texts) / best_ours
    same_rate = len(texts) / best_same
    peer_rate = len(texts) / best_peer
    print(
        f"corpus_tools, full sketch : {ours_rate:8.1f} docs/s  ({best_ours:.2f} s, "
        f"{n_ours} candidate pairs; MinHash + LSH + anchors + digest)"
    )
    print(
        f"corpus_tools, MinHash+LSH : {same_rate:8.1f} docs/s  ({best_same:.2f} s, "
        f"{n_same} candidate pairs; the peer's work only)"
    )
    print(
        f"datasketch MinHash+LSH    : {peer_rate:8.1f} docs/s  ({best_peer:.2f} s, "
        f"{n_peer} candidate pairs; shingling not timed)"
    )
    print(
        f"ratio full sketch / peer  : {ours_rate / peer_rate:8.1f}x  (best of {args.repeat}, "
        "same run)"
    )
    print(f"ratio same work / peer    : {same_rate / peer_rate:8.1f}x")


if __name__ == "__main__":
    main()
