"""Judging one submission against the held documents that may be its sources.

Given a submission (its text, folded text and features) and its candidate sources (each
held document's id, text, folded length and digest), :func:`judge_submission` verifies every
source, aligns the copied passages and says whether the submission is flagged: its copy
ratio, its matches, its passages with offsets into both texts, the copy ratio of each
section and the unfilled placeholders left in it. :func:`flag_report` turns the verdicts of
many submissions into the tables of a :class:`FlagReport`.

Nothing here knows where the sources come from: :class:`corpus_tools.dedup.DedupIndex`
finds the candidates and reads their texts, then calls this module.

Examples
--------
>>> from corpus_tools.dedup.config import make_config
>>> from corpus_tools.dedup.sketch import features_of_folded, fold_text
>>> cfg = make_config(None, {}, "example")
>>> held = "坚持党建引领，推动基层治理能力现代化建设取得新成效。" * 4
>>> f = features_of_folded(fold_text(held, cfg), cfg)
>>> source = HeldSource("r1", held, f.length, f.digest)
>>> verdict = judge_submission("sub", "我们：" + held, [source], cfg)
>>> verdict.submission["flagged"], verdict.submission["largest_source"]
(True, 'r1')
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from corpus_tools.dedup.align import union_mask
from corpus_tools.dedup.config import DedupConfig
from corpus_tools.dedup.sketch import (
    DocFeatures,
    features_of_folded,
    fold_text,
    shingle_hashes,
    sketch,
)
from corpus_tools.dedup.verify import PairVerdict, verify_pair
from corpus_tools.text.matching import Folded

__all__ = [
    "MIN_MATCH_RATIO",
    "FlagReport",
    "FlaggedSubmission",
    "HeldSource",
    "flag_report",
    "judge_submission",
]

#: Matches whose copy ratio is below this and that have no relation are not reported.
MIN_MATCH_RATIO = 0.02
_NO_BANDS = np.zeros(0, dtype=np.uint64)
_NO_ANCHORS = np.zeros(0, dtype=np.uint32)


class FlagReport(NamedTuple):
    """What :meth:`DedupIndex.flag` returns: one table per level of detail.

    Attributes
    ----------
    submissions : pandas.DataFrame
        One row per submission: ``submission`` (str), ``flagged`` (bool), ``copy_ratio``
        (float64: copied folded characters / all folded characters, the 总文字复制比),
        ``largest_source`` (str or None), ``largest_source_ratio`` (float64),
        ``matches`` (int64), ``residue`` (int64: unfilled placeholders left in it).
    matches : pandas.DataFrame
        One row per matched held document: ``submission``, ``doc_id`` (str),
        ``similarity`` (float64, Jaccard), ``containment`` (float64: share of the
        submission's shingles found in the document), ``copy_ratio`` (float64: share of
        the submission copied from this document), ``relation`` (str or None).
    passages : pandas.DataFrame
        ``submission``, ``doc_id``, ``submission_start``, ``submission_end``,
        ``match_start``, ``match_end`` (int64 offsets into the texts as loaded), ``chars``
        (int64), ``text`` (str, the submission's passage).
    sections : pandas.DataFrame
        Per section of each submission (:func:`corpus_tools.text.parse_sections`):
        ``submission``, ``section_id``, ``level`` (int64), ``heading`` (str), ``start``,
        ``end`` (int64), ``chars``, ``copied_chars`` (int64, folded), ``copy_ratio``
        (float64).
    residue : pandas.DataFrame
        Unfilled placeholders still in each submission (template residue):
        ``submission``, ``start``, ``end`` (int64), ``text``, ``kind`` (str).
    """

    submissions: pd.DataFrame
    matches: pd.DataFrame
    passages: pd.DataFrame
    sections: pd.DataFrame
    residue: pd.DataFrame

    @property
    def flagged(self) -> bool:
        """True when any submission was flagged."""
        return bool(self.submissions["flagged"].any())

    def to_json(self) -> list[dict[str, Any]]:
        """The ``flag`` JSON of the CLI contract (plus sections and residue)."""
        return [self._submission_json(sub) for sub in self.submissions.to_dict("records")]

    def _submission_json(self, sub: dict[Any, Any]) -> dict[str, Any]:
        name = sub["submission"]
        secs = self.sections[self.sections["submission"] == name]
        res = self.residue[self.residue["submission"] == name]
        return {
            "submission": name,
            "flagged": bool(sub["flagged"]),
            "copy_ratio": round(float(sub["copy_ratio"]), 4),
            "largest_source": sub["largest_source"],
            "largest_source_ratio": round(float(sub["largest_source_ratio"]), 4),
            "matches": self._matches_json(name),
            "sections": [
                {
                    "section_id": int(s.section_id),
                    "level": int(s.level),
                    "heading": s.heading,
                    "start": int(s.start),
                    "end": int(s.end),
                    "copy_ratio": round(float(s.copy_ratio), 4),
                }
                for s in secs.itertuples(index=False)
            ],
            "template_residue": [
                {"start": int(r.start), "end": int(r.end), "text": r.text, "kind": r.kind}
                for r in res.itertuples(index=False)
            ],
        }

    def _matches_json(self, name: str) -> list[dict[str, Any]]:
        mrows = self.matches[self.matches["submission"] == name]
        prow = self.passages[self.passages["submission"] == name]
        out = []
        for m in mrows.itertuples(index=False):
            ps = prow[prow["doc_id"] == m.doc_id]
            out.append(
                {
                    "doc_id": m.doc_id,
                    "similarity": round(float(m.similarity), 4),
                    "containment": round(float(m.containment), 4),
                    "copy_ratio": round(float(m.copy_ratio), 4),
                    "relation": m.relation,
                    "passages": [
                        {
                            "submission_start": int(p.submission_start),
                            "submission_end": int(p.submission_end),
                            "match_start": int(p.match_start),
                            "match_end": int(p.match_end),
                            "chars": int(p.chars),
                        }
                        for p in ps.itertuples(index=False)
                    ],
                }
            )
        return out


class HeldSource(NamedTuple):
    """A held document that may be a source of a submission: what judging it needs."""

    doc_id: str
    text: str
    #: length of its folded text and digest of it (the index holds both)
    length: int
    digest: int


class FlaggedSubmission(NamedTuple):
    """The verdict on one submission: one record (or list of records) per table of
    :class:`FlagReport`."""

    submission: dict[str, Any]
    matches: list[dict[str, Any]]
    passages: list[dict[str, Any]]
    sections: list[dict[str, Any]]
    residue: list[dict[str, Any]]


_MATCH_COLUMNS = {
    "submission": object,
    "doc_id": object,
    "similarity": "float64",
    "containment": "float64",
    "copy_ratio": "float64",
    "relation": object,
}
_PASSAGE_COLUMNS = {
    "submission": object,
    "doc_id": object,
    "submission_start": "int64",
    "submission_end": "int64",
    "match_start": "int64",
    "match_end": "int64",
    "chars": "int64",
    "text": object,
}
_SECTION_COLUMNS = {
    "submission": object,
    "section_id": "int64",
    "level": "int64",
    "heading": object,
    "start": "int64",
    "end": "int64",
    "chars": "int64",
    "copied_chars": "int64",
    "copy_ratio": "float64",
}
_RESIDUE_COLUMNS = {
    "submission": object,
    "start": "int64",
    "end": "int64",
    "text": object,
    "kind": object,
}
_SUB_COLUMNS = {
    "submission": object,
    "flagged": bool,
    "copy_ratio": "float64",
    "largest_source": object,
    "largest_source_ratio": "float64",
    "matches": "int64",
    "residue": "int64",
}


def _frame(rows: list[dict[str, Any]], columns: dict[str, Any]) -> pd.DataFrame:
    """A table with exactly ``columns`` (name -> dtype), built once from records."""
    data = {}
    for col, dtype in columns.items():
        values = [r[col] for r in rows]
        data[col] = (
            pd.Series(values, dtype=dtype)
            if dtype is not object
            else pd.Series(values, dtype=object)
        )
    return pd.DataFrame(data)


def flag_report(parts: Iterable[FlaggedSubmission]) -> FlagReport:
    """The tables of a :class:`FlagReport` from the verdicts on the submissions, in order."""
    parts = list(parts)
    return FlagReport(
        _frame([p.submission for p in parts], _SUB_COLUMNS),
        _frame([m for p in parts for m in p.matches], _MATCH_COLUMNS),
        _frame([m for p in parts for m in p.passages], _PASSAGE_COLUMNS),
        _frame([m for p in parts for m in p.sections], _SECTION_COLUMNS),
        _frame([m for p in parts for m in p.residue], _RESIDUE_COLUMNS),
    )


def _residue(text: str) -> list[dict[str, Any]]:
    """Unfilled placeholders (template residue) of ``text``."""
    from corpus_tools.text.placeholders import find_placeholders

    found = find_placeholders(text)
    return [
        {
            "start": int(r["start"]),
            "end": int(r["end"]),
            "text": str(r["text"]),
            "kind": str(r["kind"]),
        }
        for r in found.to_dict("records")
    ]


def _section_ratios(
    text: str, folded_starts: npt.NDArray[np.int64], covered: npt.NDArray[np.bool_]
) -> list[dict[str, Any]]:
    """Folded and copied characters per section of ``text``."""
    from corpus_tools.text.structure import parse_sections

    secs = parse_sections(text)
    if secs.empty:
        return []
    cum = np.concatenate([[0], np.cumsum(covered, dtype=np.int64)])
    starts = secs["start"].to_numpy(np.int64)
    ends = secs["end"].to_numpy(np.int64)
    lo = np.searchsorted(folded_starts, starts, side="left")
    hi = np.searchsorted(folded_starts, ends, side="left")
    chars = (hi - lo).tolist()
    copied = (cum[hi] - cum[lo]).tolist()
    return [
        {
            "section_id": int(sid),
            "level": int(level),
            "heading": str(heading),
            "start": int(a),
            "end": int(b),
            "chars": n,
            "copied_chars": c,
            "copy_ratio": c / n if n else 0.0,
        }
        for sid, level, heading, a, b, n, c in zip(
            secs["section_id"].tolist(),
            secs["level"].tolist(),
            secs["heading"].tolist(),
            starts.tolist(),
            ends.tolist(),
            chars,
            copied,
            strict=True,
        )
    ]


class _Judged(NamedTuple):
    """One source judged against the submission."""

    verdict: PairVerdict
    other: Folded
    shingles: int  # size of the source's shingle set


def _judge_source(
    source: HeldSource, feats: DocFeatures, folded: Folded, cfg: DedupConfig
) -> _Judged:
    other = fold_text(source.text, cfg)
    # only the shingle set is needed to verify (digest and length are held)
    ids, _ = sketch(shingle_hashes(other.codes, cfg.k, seed=cfg.seed), 2)
    ofeats = DocFeatures(source.length, source.digest, ids, _NO_BANDS, _NO_ANCHORS)
    verdict = verify_pair(
        feats, ofeats, folded, other, cfg, align=True, align_floor=MIN_MATCH_RATIO
    )
    return _Judged(verdict, other, len(ids))


def _passages(
    name: str, doc_id: str, text: str, folded: Folded, judged: _Judged
) -> list[dict[str, Any]]:
    """The copied passages of one source, with offsets into both texts as loaded."""
    sp = judged.verdict.spans
    ss, se = folded.starts[sp[:, 0]], folded.ends[sp[:, 1] - 1]
    ms, me = judged.other.starts[sp[:, 2]], judged.other.ends[sp[:, 3] - 1]
    return [
        {
            "submission": name,
            "doc_id": doc_id,
            "submission_start": a,
            "submission_end": b,
            "match_start": c,
            "match_end": d,
            "chars": n,
            "text": text[a:b],
        }
        for a, b, c, d, n in zip(
            ss.tolist(),
            se.tolist(),
            ms.tolist(),
            me.tolist(),
            (sp[:, 1] - sp[:, 0]).tolist(),
            strict=True,
        )
    ]


def judge_submission(
    name: str,
    text: str,
    sources: Iterable[HeldSource],
    config: DedupConfig,
    *,
    folded: Folded | None = None,
    features: DocFeatures | None = None,
) -> FlaggedSubmission:
    """Verify one submission against its candidate sources and give the verdict.

    Parameters
    ----------
    name, text : str
        The submission.
    sources : iterable of HeldSource
        The held documents that may be its sources (read one at a time).
    config : DedupConfig
        The matching options (those the sources' lengths and digests were made with).
    folded, features : optional
        The submission's folded text and features, when already computed.

    Returns
    -------
    FlaggedSubmission
        Flagged when it is a duplicate, near-duplicate, contained or partial copy of a
        source, or when its total copy ratio reaches ``config.partial``.
    """
    folded = fold_text(text, config) if folded is None else folded
    feats = features_of_folded(folded, config) if features is None else features
    matches: list[dict[str, Any]] = []
    passages: list[dict[str, Any]] = []
    covered = np.zeros(feats.length, dtype=bool)
    for source in sources:
        judged = _judge_source(source, feats, folded, config)
        v = judged.verdict
        ratio = v.ratio_first if v.ratio_first == v.ratio_first else 0.0
        if v.relation is None and ratio < MIN_MATCH_RATIO:
            continue
        inter = v.containment * min(len(feats.shingles), judged.shingles)
        matches.append(
            {
                "submission": name,
                "doc_id": source.doc_id,
                "similarity": v.similarity,
                "containment": inter / max(len(feats.shingles), 1),
                "copy_ratio": ratio,
                "relation": v.relation,
            }
        )
        covered |= union_mask(feats.length, v.spans[:, 0], v.spans[:, 1])
        passages.extend(_passages(name, source.doc_id, text, folded, judged))
    matches.sort(key=lambda m: (-m["copy_ratio"], -m["similarity"], m["doc_id"]))
    copy_ratio = float(covered.sum()) / max(feats.length, 1)
    related = any(m["relation"] is not None for m in matches)
    residue = [{"submission": name, **r} for r in _residue(text)]
    sub = {
        "submission": name,
        "flagged": bool(related or (matches and copy_ratio >= config.partial)),
        "copy_ratio": copy_ratio,
        "largest_source": matches[0]["doc_id"] if matches else None,
        "largest_source_ratio": float(matches[0]["copy_ratio"]) if matches else 0.0,
        "matches": len(matches),
        "residue": len(residue),
    }
    sections = [{"submission": name, **r} for r in _section_ratios(text, folded.starts, covered)]
    return FlaggedSubmission(sub, matches, passages, sections, residue)
