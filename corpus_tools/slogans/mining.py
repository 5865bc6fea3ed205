"""mine_slogans: mine a corpus, count what was found, score it, group it in families.

The steps, in order:

1. fold the documents (:mod:`corpus_tools.slogans.documents`);
2. collect candidates and their cues (:class:`corpus_tools.slogans.miner.Miner`);
3. count every candidate kept, leftmost longest over all of them
   (:mod:`corpus_tools.slogans.occurrences`);
4. drop the phrases quoted for emphasis only, and count again where they occurred;
5. score, group in families (:mod:`corpus_tools.slogans.families`), filter, sort.

Examples
--------
>>> table = mine_slogans("坚持“三会一课”制度，推行一征三议两公开工作法。")
>>> table[["slogan", "kind", "count"]].to_dict("list")
{'slogan': ['三会一课', '一征三议两公开'], 'kind': ['numeric', 'numeric'], 'count': [1, 1]}
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from corpus_tools.errors import check_choice, check_number, check_type, param_error, renamed
from corpus_tools.progress import progress_bar
from corpus_tools.slogans.documents import Document, corpus_frame, folded_documents
from corpus_tools.slogans.families import family_labels
from corpus_tools.slogans.miner import CUES, Evidence, Miner
from corpus_tools.slogans.occurrences import Occurrence, find_occurrences
from corpus_tools.slogans.rules import emphasis_only

__all__ = ["KINDS", "SLOGAN_COLUMNS", "mine_slogans"]

#: Columns of the table :func:`mine_slogans` returns, in order.
SLOGAN_COLUMNS = (
    "slogan",
    "kind",
    "family",
    "count",
    "doc_freq",
    "quoted",
    "score",
    "cue",
    "example",
)
#: The kinds of slogan: numbered formulas (三会一课) and other quoted formulas (大党委).
KINDS = ("numeric", "quoted")

#: An unquoted single-unit phrase needs at least this many contexts (``min_repeat``).
_MIN_REPEAT = 2

# Evidence behind a slogan's score ``e / (1 + e)``:
_QUOTED_WEIGHT = 1.0  # each occurrence between quotes
_UNQUOTED_WEIGHT = 0.5  # each occurrence without quotes
_EXTRA_DOC_WEIGHT = 0.5  # each document after the first
_PARALLEL_BONUS = 1.0  # found in parallel form (一征三议两公开)
_EXPANSION_BONUS = 1.0  # followed by its items (八项本领（学习本领、…）)
_REPEAT_BONUS = 0.5  # kept as a recurring unquoted phrase (四个意识)
#: Decimals of the score.
_SCORE_DECIMALS = 4


@renamed(min_doc_freq="min_docs")
def mine_slogans(
    corpus: pd.DataFrame | str | Sequence[str] | dict[str, str],
    *,
    kinds: Sequence[str] = KINDS,
    min_count: int = 1,
    min_docs: int = 1,
    min_repeat: int = 3,
    top: int | None = None,
    text_column: str = "text",
    id_column: str = "doc_id",
    unique: bool = False,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Find numeric slogans and quoted formulas; count them; group them in families.

    Works on characters (never on segmented tokens), on one document as well as on a
    corpus: a slogan found once, quoted or in parallel form, is kept. The rules are
    described in :mod:`corpus_tools.slogans`.

    Parameters
    ----------
    corpus : DataFrame, str, list of str or dict of doc_id -> str
        A corpus table (``doc_id`` and ``text`` columns, as :func:`corpus_tools.load_corpus`
        returns) or texts in memory; a single str is one document.
    kinds : sequence of {"numeric", "quoted"}, default both
        Which kinds to report: numbered formulas (三会一课) and non-numeric quoted formulas
        (大党委, 道德银行).
    min_count : int, default 1
        Keep slogans found at least this many times in all.
    min_docs : int, default 1
        Keep slogans found in at least this many documents (formerly ``min_doc_freq``,
        which still works until corpus-tools 0.3, with a DeprecationWarning).
    min_repeat : int, default 3
        Occurrences an unquoted single-unit phrase (四个意识) needs before it counts as a
        slogan without any other cue.
    top : int or None, default None
        Keep only the ``top`` best rows.
    text_column, id_column : str
        Column names of a corpus table.
    unique : bool, default False
        Count each group of exact or near-exact copies once
        (:func:`corpus_tools.dedup.unique_corpus`): six copies of one report add its
        slogans once, not six times. The table's ``attrs["unique"]`` says what was
        collapsed (``"6 copies of one document counted once"``). False: every document
        counts as it stands.
    progress : bool or None, default None
        Progress bar (None: on a terminal or in a notebook, once the call has run for a
        moment; False: none).

    Returns
    -------
    pandas.DataFrame
        One row per slogan, best first (score, then count, then slogan). Columns:

        - ``slogan`` (str): the slogan, width-folded (full-width digits become ASCII).
        - ``kind`` (str): ``"numeric"`` or ``"quoted"``.
        - ``family`` (str): the most frequent member of its family (一征三议两公开 for
          四议两公开 when both occur); a slogan alone is its own family.
        - ``count`` (int64): occurrences in all documents, quoted or not; matching is
          leftmost-longest over every slogan kept (both kinds), so 四议两公开 inside
          一征三议两公开 is not counted twice.
        - ``doc_freq`` (int64): documents it occurs in.
        - ``quoted`` (int64): occurrences directly between quotes.
        - ``score`` (float64): evidence in [0, 1): ``e / (1 + e)`` with ``e`` = quoted
          occurrences + half the unquoted ones + half the extra documents + 1 for a parallel
          form + 1 for an expansion + 0.5 for a recurring unquoted phrase.
        - ``cue`` (str): how it was found, ``+``-joined among ``quote``, ``parallel``,
          ``expansion``, ``grammar`` (NUM 个 + verb), ``repeat``.
        - ``example`` (str): the expansion when the text gives one (八项本领 -> 学习本领、…),
          else the text around its first occurrence.

    Examples
    --------
    >>> t = mine_slogans({"a": "落实“三会一课”制度。", "b": "严格落实三会一课。"})
    >>> t[["slogan", "count", "doc_freq", "quoted"]].values.tolist()
    [['三会一课', 2, 2, 1]]
    >>> mine_slogans({"a": "落实“三会一课”制度。"}, min_docs=2).empty
    True

    Seed 003 holds six copies of one report: counted once, 三社联动 occurs 10 times in the
    distinct texts, not 40.

    >>> import corpus_tools as ct
    >>> docs = ct.load_corpus("data/raw", split="auto").documents
    >>> def count(t): return int(t.set_index("slogan").loc["三社联动", "count"])
    >>> count(mine_slogans(docs)), count(table := mine_slogans(docs, unique=True))
    (40, 10)
    >>> table.attrs["unique"]
    '6 copies of one document counted once'
    """
    func = "mine_slogans"
    frame = corpus_frame(corpus, func, text_column, id_column)
    _check_options(kinds, min_count, min_docs, min_repeat, top)
    check_type(unique, "unique", func, bool, "a bool")
    note = None
    if unique:
        frame, note = _distinct(frame, text_column, id_column, progress)
    docs = folded_documents(frame, text_column, id_column, func)
    miner = Miner(min_repeat=min_repeat)
    for doc in progress_bar(docs, desc="mining slogans", enabled=progress):
        miner.scan(doc)
    miner.accept_singles()
    occurrences = _count(miner, docs, progress)
    _tally(miner, occurrences)
    _drop_emphasis(miner, docs, occurrences)
    table = _table(miner, kinds=kinds, min_count=min_count, min_docs=min_docs, top=top)
    if note is not None:
        table.attrs["unique"] = note
    return table


def _distinct(
    frame: pd.DataFrame, text_column: str, id_column: str, progress: bool | None
) -> tuple[pd.DataFrame, str]:
    """The rows of ``frame`` left once each group of copies is collapsed to its first
    document, and the sentence that says what was collapsed."""
    from corpus_tools.dedup.unique import copies_note, unique_corpus

    view = pd.DataFrame(
        {"doc_id": frame[id_column].astype(str).to_numpy(), "text": frame[text_column].to_numpy()}
    )
    kept = unique_corpus(view, progress=progress)
    keep = set(kept["doc_id"].astype(str))
    return frame[frame[id_column].astype(str).isin(keep).to_numpy()], copies_note(kept)


def _check_options(
    kinds: Sequence[str], min_count: int, min_docs: int, min_repeat: int, top: int | None
) -> None:
    func = "mine_slogans"
    if isinstance(kinds, str) or not isinstance(kinds, Sequence) or not kinds:
        raise param_error("kinds", func, "a non-empty list of 'numeric'/'quoted'", kinds)
    for k in kinds:
        check_choice(k, "kinds", func, KINDS)
    check_number(min_count, "min_count", func, kind=int, low=1)
    check_number(min_docs, "min_docs", func, kind=int, low=1)
    check_number(min_repeat, "min_repeat", func, kind=int, low=_MIN_REPEAT)
    if top is not None:
        check_number(top, "top", func, kind=int, low=1)


def _count(miner: Miner, docs: Sequence[Document], progress: bool | None) -> list[Occurrence]:
    """Count every slogan kept in ``docs``; note the context of a slogan's first occurrence."""
    kinds = {s: miner.kinds[s] for s in miner.stats}
    per_doc = find_occurrences(docs, kinds, progress=progress)
    for doc, found in zip(docs, per_doc, strict=True):
        for o in found:
            ev = miner.stats[o.slogan]
            if not ev.context:
                ev.context = doc.context(o.start, o.end)
    return [o for found in per_doc for o in found]


def _tally(miner: Miner, occurrences: Sequence[Occurrence]) -> None:
    for ev in miner.stats.values():
        ev.count, ev.quoted, ev.docs = 0, 0, set()
    for o in occurrences:
        ev = miner.stats[o.slogan]
        ev.count += 1
        ev.quoted += int(o.quoted)
        ev.docs.add(o.doc_id)


def _drop_emphasis(miner: Miner, docs: Sequence[Document], occurrences: list[Occurrence]) -> None:
    """Drop the phrases quoted for emphasis only (:func:`~corpus_tools.slogans.rules.emphasis_only`).

    An ordinary phrase quoted once must not hide the slogans inside it: the documents
    where it occurs are counted again without it.
    """
    dropped = {
        s
        for s, ev in miner.stats.items()
        if emphasis_only(
            s, miner.kinds[s], count=ev.count, quoted=ev.quoted, quote_cue="quote" in ev.cues
        )
    }
    if not dropped:
        return
    affected = {o.doc_id for o in occurrences if o.slogan in dropped}
    for s in dropped:
        del miner.stats[s]
    kept = [o for o in occurrences if o.doc_id not in affected]
    redo = _count(miner, [d for d in docs if d.doc_id in affected], progress=False)
    _tally(miner, kept + redo)


def _score(ev: Evidence) -> float:
    evidence = (
        _QUOTED_WEIGHT * ev.quoted
        + _UNQUOTED_WEIGHT * (ev.count - ev.quoted)
        + _EXTRA_DOC_WEIGHT * max(0, len(ev.docs) - 1)
        + (_PARALLEL_BONUS if "parallel" in ev.cues else 0.0)
        + (_EXPANSION_BONUS if ev.expansion else 0.0)
        + (_REPEAT_BONUS if "repeat" in ev.cues else 0.0)
    )
    return round(evidence / (1.0 + evidence), _SCORE_DECIMALS)


def _table(
    miner: Miner, *, kinds: Sequence[str], min_count: int, min_docs: int, top: int | None
) -> pd.DataFrame:
    counts = {s: ev.count for s, ev in miner.stats.items()}
    live = [s for s, ev in miner.stats.items() if ev.count > 0]
    families = family_labels(sorted(live), counts)
    rows = []
    for s in live:
        ev = miner.stats[s]
        kind = miner.kinds[s]
        if kind not in kinds or ev.count < min_count or len(ev.docs) < min_docs:
            continue
        cues = "+".join(c for c in CUES if c in ev.cues)
        row = (s, kind, families[s], ev.count, len(ev.docs), ev.quoted, _score(ev), cues)
        rows.append((*row, ev.expansion or ev.context))
    frame = pd.DataFrame(rows, columns=list(SLOGAN_COLUMNS))
    frame = frame.astype(
        {"count": "int64", "doc_freq": "int64", "quoted": "int64", "score": "float64"}
    )
    frame = frame.sort_values(
        ["score", "count", "slogan"], ascending=[False, False, True], kind="mergesort"
    ).reset_index(drop=True)
    if top is not None:
        frame = frame.head(top).reset_index(drop=True)
    return frame
