"""Near-duplicate clusters of a JSONL corpus with text-dedup's MinHash, as a user would run it.

text-dedup (``pip install text-dedup``, Apache-2.0; it brings Hugging Face datasets, pyspark
and more, so it lives in a throwaway virtualenv, not in the project's) tokenises on non-word
characters, so Chinese text is first written with its word characters separated by spaces
(whitespace removed): its 5-grams are then character 5-grams, as in the other peers. Then
``text_dedup.minhash`` runs with 128 permutations, threshold 0.5 (its own banding), one
process, a fresh cache, ``--debug`` so that it keeps its union-find of clusters.

text-dedup removes duplicates rather than listing pairs: each document that it would drop is
printed paired with the document it keeps for that cluster (the union-find root), without an
estimate. Prints one JSON object: ``{"tool", "candidates": null, "pairs": [[a, b, null],
...]}``.

Run:  /path/to/venv-with-text-dedup/bin/python benchmarks/peers/dedup_textdedup.py corpus.jsonl
"""

import gzip
import json
import os
import pickle
import re
import sys
import tempfile

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

WORD_CHAR = re.compile(r"\w")


def records(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                yield str(rec["id"]), str(rec.get("text") or "")


def main():
    # text-dedup logs to stdout: keep the real stdout for the JSON, send the rest to stderr
    result = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    from text_dedup.minhash import main as minhash

    with tempfile.TemporaryDirectory() as tmp:
        spaced = os.path.join(tmp, "input.jsonl")
        ids = []
        with open(spaced, "w", encoding="utf-8") as out:
            for doc_id, text in records(sys.argv[1]):
                chars = WORD_CHAR.findall(text)
                if not chars:
                    continue
                out.write(json.dumps({"text": " ".join(chars)}, ensure_ascii=False) + "\n")
                ids.append(doc_id)
        output = os.path.join(tmp, "out")
        args = ["--path", "json", "--data_files", spaced, "--split", "train"]
        args += ["--cache_dir", os.path.join(tmp, "cache"), "--output", output]
        args += ["--column", "text", "--num_perm", "128", "--threshold", "0.5", "--ngram", "5"]
        args += ["--min_length", "1", "--num_proc", "1", "--debug"]
        minhash.main(args=args, standalone_mode=False)
        with open(os.path.join(output, "uf.pkl"), "rb") as fh:
            uf = pickle.load(fh)  # its own file, written just now
    pairs = []
    for x in sorted(uf.parent):
        root = uf.find(x)
        if root != x:
            pairs.append([ids[x], ids[root], None])
    json.dump({"tool": "text-dedup", "candidates": None, "pairs": pairs}, result)
    result.write("\n")
    result.close()


if __name__ == "__main__":
    main()
