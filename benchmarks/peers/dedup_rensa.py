"""Near-duplicate pairs of a JSONL corpus with rensa (MinHash in Rust), as a user would write it.

The same job as ``dedup_datasketch.py``: character 5-grams of the text with whitespace
removed, ``RMinHash(num_perm=128)``, ``RMinHashLSH`` with 32 bands of 4 rows (corpus-tools'
banding), every document queried, each candidate pair whose estimated Jaccard is at least
0.5 printed.

Prints one JSON object: ``{"tool", "bands", "rows", "candidates", "pairs": [[a, b, estimate],
...]}`` with ``a`` and ``b`` the records' ``id``.

Run:  python benchmarks/peers/dedup_rensa.py corpus.jsonl[.gz] > pairs.json
"""

import gzip
import json
import sys

from rensa import RMinHash, RMinHashLSH

K = 5  # characters per shingle (corpus-tools' default)
NUM_PERM = 128
BANDS = 32  # 4 rows a band, as corpus-tools bands its 128 values
THRESHOLD = 0.5
SEED = 42


def records(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                yield str(rec["id"]), str(rec.get("text") or "")


def shingles(text):
    s = "".join(text.split())
    return {s[i : i + K] for i in range(max(len(s) - K + 1, 1))} if s else set()


def main():
    lsh = RMinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM, num_bands=BANDS)
    ids = []
    sigs = []
    for doc_id, text in records(sys.argv[1]):
        sh = shingles(text)
        if not sh:
            continue
        m = RMinHash(num_perm=NUM_PERM, seed=SEED)
        m.update(list(sh))
        lsh.insert(len(ids), m)
        ids.append(doc_id)
        sigs.append(m)
    candidates = 0
    pairs = []
    for i, m in enumerate(sigs):
        for j in sorted(lsh.query(m)):
            if j > i:
                candidates += 1
                est = m.jaccard(sigs[j])
                if est >= THRESHOLD:
                    pairs.append([ids[i], ids[j], round(est, 4)])
    out = {"tool": "rensa", "bands": BANDS, "rows": NUM_PERM // BANDS, "candidates": candidates}
    out["pairs"] = pairs
    json.dump(out, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
