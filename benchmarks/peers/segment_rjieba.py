"""Tokens of every record of a JSONL corpus with rjieba (jieba-rs, Rust), as a user would write it.

``rjieba.cut(text, hmm=True)`` (jieba's dictionary as shipped with jieba-rs), one
``{"doc_id", "tokens"}`` line per record, the same lines as
``corpus-tools segment FILE --format jsonl``.

Run:  python benchmarks/peers/segment_rjieba.py corpus.jsonl[.gz] > tokens.jsonl
"""

import gzip
import json
import sys

import rjieba


def records(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                yield str(rec["id"]), str(rec.get("text") or "")


def main():
    out = sys.stdout
    for doc_id, text in records(sys.argv[1]):
        tokens = rjieba.cut(text, hmm=True)
        out.write(json.dumps({"doc_id": doc_id, "tokens": tokens}, ensure_ascii=False))
        out.write("\n")


if __name__ == "__main__":
    main()
