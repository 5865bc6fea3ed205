"""Tokens of every record of a JSONL corpus with plain jieba, as a user would write it.

``jieba.lcut(text)`` (jieba's dictionary, HMM on), one ``{"doc_id", "tokens"}`` line per record,
the same lines as ``corpus-tools segment FILE --format jsonl``.

Run:  python benchmarks/peers/segment_jieba.py corpus.jsonl[.gz] > tokens.jsonl
"""

import gzip
import json
import sys

import jieba


def records(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                yield str(rec["id"]), str(rec.get("text") or "")


def main():
    jieba.setLogLevel(60)  # no "Building prefix dict" chatter
    out = sys.stdout
    for doc_id, text in records(sys.argv[1]):
        out.write(json.dumps({"doc_id": doc_id, "tokens": jieba.lcut(text)}, ensure_ascii=False))
        out.write("\n")


if __name__ == "__main__":
    main()
