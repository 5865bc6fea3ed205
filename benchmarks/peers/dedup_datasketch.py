"""Near-duplicate pairs of a JSONL corpus with datasketch, as a user would write it.

Character 5-grams of the text with whitespace removed, MinHash(num_perm=128), MinHashLSH at
Jaccard 0.5 (datasketch picks the banding: 25 bands of 5 rows); every document is queried,
and each candidate pair whose estimated Jaccard is at least 0.5 is printed.

Prints one JSON object: ``{"tool", "bands", "rows", "candidates", "pairs": [[a, b, estimate],
...]}`` with ``a`` and ``b`` the records' ``id``.

Run:  python benchmarks/peers/dedup_datasketch.py corpus.jsonl[.gz] > pairs.json
"""

import gzip
import json
import sys

from datasketch import MinHash, MinHashLSH

K = 5  # characters per shingle (corpus-tools' default)
NUM_PERM = 128
THRESHOLD = 0.5


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
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    ids = []
    sigs = []
    for doc_id, text in records(sys.argv[1]):
        sh = shingles(text)
        if not sh:
            continue
        m = MinHash(num_perm=NUM_PERM)
        m.update_batch([s.encode("utf-8") for s in sh])
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
    out = {"tool": "datasketch", "bands": lsh.b, "rows": lsh.r, "candidates": candidates}
    out["pairs"] = pairs
    json.dump(out, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
