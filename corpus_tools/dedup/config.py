"""The options of near-duplicate detection (:class:`DedupConfig`) and their checks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from corpus_tools.errors import (
    check_choice,
    check_number,
    check_type,
    param_error,
)

__all__ = [
    "DENSIFY",
    "RELATIONS",
    "DedupConfig",
    "effective_max_df",
    "make_config",
    "parse_size",
]

RELATIONS = ("duplicate", "near-duplicate", "contained", "partial")

#: How an empty bin of a one-permutation MinHash signature is filled (see
#: :func:`corpus_tools.dedup.sketch.minhash_signature`): ``optimal`` (every empty bin
#: probes in its own order) or ``rotation`` (from the next non-empty bin; indexes saved
#: before it was replaced hold band keys made so, and keep them).
DENSIFY = ("optimal", "rotation")


class DedupConfig(NamedTuple):
    """Options of near-duplicate detection; pass ``config=`` or any field as a keyword.

    Attributes
    ----------
    k : int, default 5
        Shingle length in folded characters for Jaccard and containment.
    num_perm : int, default 128
        MinHash signature length (a power of two).
    bands : int, default 32
        LSH bands (``num_perm / bands`` rows each); 32 x 4 makes pairs at Jaccard 0.5
        candidates with probability 0.87 and at 0.7 with probability 0.9999.
    anchor_k : int, default 8
        Length of anchors and alignment seeds, in folded characters.
    anchor_sample : int, default 16
        About one anchor per this many folded characters (a power of two).
    min_anchor_hits : int, default 3
        Shared anchors that make a pair a candidate (with ``min_anchor_share``).
    min_anchor_share : float, default 0.1
        ... and at least this share of the smaller document's anchors,
    min_anchor_passage : int, default 8
        ... or at least this many whatever the sizes: a passage of about
        ``anchor_sample * min_anchor_passage`` characters copied into a long document
        that also copies another source.
    max_df : int, default 0
        Anchors found in more documents than this are ignored (boilerplate); 0 means
        ``max(50, 1% of the documents)``.
    threshold : float, default 0.5
        Jaccard similarity from which a pair is a near-duplicate.
    containment : float, default 0.8
        Share of the smaller document found in the larger (aligned passages) from which
        it is ``contained``.
    partial : float, default 0.3
        Share of either document copied (aligned passages) from which the pair is a
        ``partial`` copy.
    min_passage : int, default 20
        Shortest copied passage counted, in folded characters (punctuation and spaces
        do not count).
    max_gap : int, default 12
        Largest edit bridged inside one passage, in folded characters.
    wildcards : bool, default True
        Fold placeholders and numbers to one wildcard.
    traditional : bool, default True
        Fold traditional characters to simplified ones.
    seed : int, default 0
        Seed of every hash function.
    densify : {"optimal", "rotation"}, default "optimal"
        How the empty MinHash bins of a short text are filled: ``optimal`` keeps LSH bands
        independent, so a shared opening (央视网消息…) no longer makes short unrelated items
        candidates; ``rotation`` is the scheme of indexes saved before (kept for them).
    max_pairs_per_doc : int, default 200
        Most candidate pairs a document keeps with the documents after it (in doc_id
        order): one with more (a short text found in thousands of others) keeps its
        strongest (exact near-duplicates, then most shared LSH bands, then anchors), and
        the search warns naming the documents capped and the pairs dropped; so a corpus
        of n documents has at most 200 n candidates. No 新闻联播 item has more than 157.
        0: no cap.
    max_memory : int, default 0
        Bytes that candidate-pair generation may use at a time (pairs are made and
        deduplicated a block of documents at a time within it); 0 means an eighth of
        the machine's memory, 256 MiB to 2 GiB
        (:func:`corpus_tools.dedup.candidates.memory_budget`).
    """

    k: int = 5
    num_perm: int = 128
    bands: int = 32
    anchor_k: int = 8
    anchor_sample: int = 16
    min_anchor_hits: int = 3
    min_anchor_share: float = 0.1
    min_anchor_passage: int = 8
    max_df: int = 0
    threshold: float = 0.5
    containment: float = 0.8
    partial: float = 0.3
    min_passage: int = 20
    max_gap: int = 12
    wildcards: bool = True
    traditional: bool = True
    seed: int = 0
    densify: str = "optimal"
    max_pairs_per_doc: int = 200
    max_memory: int = 0


def make_config(config: DedupConfig | None, overrides: Mapping[str, Any], func: str) -> DedupConfig:
    """Validate ``config`` plus keyword overrides into one :class:`DedupConfig`."""
    if config is None:
        config = DedupConfig()
    elif not isinstance(config, DedupConfig):
        raise param_error("config", func, "a DedupConfig or None", type(config).__name__)
    unknown = sorted(set(overrides) - set(DedupConfig._fields))
    if unknown:
        raise param_error(
            unknown[0],
            func,
            f"one of the options {list(DedupConfig._fields)}",
            overrides[unknown[0]],
        )
    cfg = config._replace(**overrides)
    for name in ("k", "anchor_k"):
        check_number(getattr(cfg, name), name, func, kind=int, low=1, high=64)
    for name in ("num_perm", "anchor_sample"):
        value = getattr(cfg, name)
        check_number(value, name, func, kind=int, low=1, high=1024)
        if value & (value - 1):
            raise param_error(name, func, "a power of two in [1, 1024]", value)
    check_number(cfg.bands, "bands", func, kind=int, low=1, high=cfg.num_perm)
    if cfg.num_perm % cfg.bands:
        raise param_error(
            "bands", func, f"a divisor of num_perm={cfg.num_perm} (e.g. 16, 32 or 64)", cfg.bands
        )
    check_number(cfg.min_anchor_hits, "min_anchor_hits", func, kind=int, low=1)
    check_number(cfg.min_anchor_passage, "min_anchor_passage", func, kind=int, low=1)
    check_number(cfg.max_df, "max_df", func, kind=int, low=0)
    for name in ("min_anchor_share", "threshold", "containment", "partial"):
        check_number(getattr(cfg, name), name, func, low=0, high=1)
    check_number(cfg.min_passage, "min_passage", func, kind=int, low=1)
    check_number(cfg.max_gap, "max_gap", func, kind=int, low=0)
    check_number(cfg.seed, "seed", func, kind=int, low=0, high=2**63 - 1)
    for name in ("wildcards", "traditional"):
        check_type(getattr(cfg, name), name, func, bool, "a bool")
    check_choice(cfg.densify, "densify", func, DENSIFY)
    check_number(cfg.max_pairs_per_doc, "max_pairs_per_doc", func, kind=int, low=0)
    check_number(cfg.max_memory, "max_memory", func, kind=int, low=0)
    return cfg


#: Units of a memory size (:func:`parse_size`), powers of 1024.
_UNITS = {"": 1, "B": 1, "K": 2**10, "KB": 2**10, "M": 2**20, "MB": 2**20, "G": 2**30, "GB": 2**30}


def parse_size(text: str) -> int:
    """Bytes of a memory size written ``4G``, ``512M``, ``1.5GB``, ``300000`` (1024-based).

    Examples
    --------
    >>> parse_size("1.5G"), parse_size("512M"), parse_size("0")
    (1610612736, 536870912, 0)
    """
    raw = str(text).strip().upper().replace("IB", "B")
    number = raw.rstrip("KMGB")
    unit = raw[len(number) :]
    try:
        value = float(number)
    except ValueError:
        value = -1.0
    if unit not in _UNITS or not value >= 0:
        raise param_error("max_memory", "parse_size", "a size such as 4G, 512M or 0", text)
    return int(value * _UNITS[unit])


def effective_max_df(config: DedupConfig, n_docs: int) -> int:
    """``config.max_df``, or ``max(50, 1% of n_docs)`` when it is 0."""
    return config.max_df if config.max_df > 0 else max(50, n_docs // 100)
