"""The miner: reads documents one by one, collects candidates and their evidence.

A :class:`Miner` scans each folded document (:meth:`Miner.scan`) twice over:

1. every quoted phrase (a numeric candidate per list item, or one quoted formula);
2. every numeral that opens a phrase: a parallel formula (一征三议两公开), a count of a
   verb (两个确立), a phrase followed by as many listed items as its number (八项本领), or
   else a single-unit phrase (四个意识) whose recurrences are counted.

Candidates with a cue of their own are kept at once (:attr:`Miner.stats`). Single-unit
phrases are kept at the end (:meth:`Miner.accept_singles`) when the corpus gives enough
evidence: they recur in several contexts, their right neighbours vary, and their tail is
not counted with other numerals (三个方面 / 两个方面 / 几个方面 is a count).

Examples
--------
>>> from corpus_tools.slogans.documents import corpus_frame, folded_documents
>>> frame = corpus_frame("坚持“三会一课”制度，推行一征三议两公开工作法。", "f", "text", "doc_id")
>>> miner = Miner(min_repeat=3)
>>> for doc in folded_documents(frame, "text", "doc_id", "f"):
...     miner.scan(doc)
>>> miner.accept_singles()
>>> {s: sorted(ev.cues) for s, ev in miner.stats.items()}
{'三会一课': ['parallel', 'quote'], '一征三议两公开': ['parallel']}
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from corpus_tools.slogans.cues import (
    ANCHOR_RE,
    EXPANSION_OPENERS,
    clause_end,
    expansion_after,
    opens_phrase,
    parallel_at,
    quotes,
    single_ends,
)
from corpus_tools.slogans.documents import Document
from corpus_tools.slogans.grammar import (
    BODY_RE,
    DIGITS,
    MEASURES,
    NUMBER_CHARS,
    NUMBER_RUN,
    PLUS_FORMULA,
    QUANTIFIERS,
    split_number,
)
from corpus_tools.slogans.rules import (
    announces_its_items,
    counts_the_uncountable,
    numeric_reason,
    parallel_reason,
    quoted_reason,
    single_reason,
)

__all__ = ["CUES", "Evidence", "Miner"]

#: The cues a slogan can be found by, in the order the ``cue`` column lists them.
CUES = ("quote", "parallel", "expansion", "grammar", "repeat")

#: A tail counted by quantifiers (几个方面, 各个社区) in at least this share of its
#: occurrences is a counted noun.
_QUANTIFIED_SHARE = 0.1
#: A tail seen after at least this many different numerals ...
_MANY_NUMERALS = 3
#: ... is a counted noun when the candidate's own numeral has less than this share of them.
_FIXED_NUMERAL_SHARE = 0.5
#: A phrase is open on the right (part of something longer) when one right neighbour
#: takes more than this share of its occurrences, or when the phrase extended by its
#: commonest neighbour does.
_MAX_RIGHT_SHARE = 0.75
#: A phrase closed on the right has at least this many different right neighbours.
_MIN_RIGHT_NEIGHBOURS = 2
#: Characters of text on each side of a single-unit phrase that make its context: copies
#: of one passage count once.
_CONTEXT_SIDE = 2
#: At most this many first word ends after a numeral record what follows it (its tail).
_TAILS = 2


@dataclass
class Evidence:
    """What the corpus says about one slogan.

    ``count``, ``quoted`` and ``docs`` are filled by counting (leftmost longest over all
    slogans kept); ``cues`` by the miner; ``expansion`` is the first list the text gives
    for it, ``context`` the text around its first occurrence.
    """

    count: int = 0
    quoted: int = 0
    docs: set[str] = field(default_factory=set)
    cues: set[str] = field(default_factory=set)
    expansion: str = ""
    context: str = ""


@dataclass
class Miner:
    """Candidates found so far, with their evidence; see the module docstring.

    Parameters
    ----------
    min_repeat : int
        Distinct contexts an unquoted single-unit phrase needs to be kept.
    """

    min_repeat: int
    #: slogan -> its evidence; kinds: slogan -> "numeric" or "quoted"
    stats: dict[str, Evidence] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    # unquoted single-unit candidates: occurrences, right neighbours, contexts
    singles: Counter[str] = field(default_factory=Counter)
    single_right: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    single_contexts: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    # tail -> numerals or quantifiers seen before it
    tail_heads: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    def add(
        self,
        s: str,
        kind: str,
        doc: Document,
        span: tuple[int, int],
        *,
        cue: str,
        expansion: str = "",
    ) -> None:
        """Keep ``s`` (found at the folded ``span`` of ``doc`` by ``cue``)."""
        ev = self.stats.get(s)
        if ev is None:
            ev = self.stats[s] = Evidence()
            self.kinds[s] = kind
            ev.context = doc.context(*doc.original(*span))
        ev.cues.add(cue)
        if expansion and not ev.expansion:
            ev.expansion = expansion

    def scan(self, doc: Document) -> None:
        """Collect the candidates of one document."""
        self._scan_quotes(doc)
        t = doc.folded
        skip_to = 0
        for m in ANCHOR_RE.finditer(t):
            if m.start() >= skip_to:
                skip_to = self._scan_anchor(doc, m.start())

    # ----------------------------------------------------------------------- quotes

    def _scan_quotes(self, doc: Document) -> None:
        t = doc.folded
        for qs, qe, items in quotes(t):
            expansion = expansion_after(t, qe)
            numeric = [(a, b) for a, b in items if b > a and t[a] in NUMBER_CHARS]
            if numeric:
                one = expansion if len(items) == 1 else ""
                for span in numeric:
                    self._quoted_numeric(doc, span, one)
                continue
            # a non-numeric quote is one formula, a list (强党建、优服务、促治理) included
            a, b = qs + 1, qe - 1
            s = t[a:b]
            if all(BODY_RE.fullmatch(t[x:y]) for x, y in items) and quoted_reason(s) is None:
                self.add(s, "quoted", doc, (a, b), cue="quote", expansion=expansion)

    def _quoted_numeric(self, doc: Document, span: tuple[int, int], expansion: str) -> None:
        s = doc.folded[span[0] : span[1]]
        ok = BODY_RE.fullmatch(s) or PLUS_FORMULA.fullmatch(s)
        if ok and numeric_reason(s) is None:
            self.add(s, "numeric", doc, span, cue="quote", expansion=expansion)

    # ----------------------------------------------------------------------- numerals

    def _scan_anchor(self, doc: Document, i: int) -> int:
        """Look at the numeral or quantifier at ``i``; return where the scan goes on."""
        t = doc.folded
        ce = clause_end(t, i)
        if t[i] in QUANTIFIERS:
            if i + 1 < ce and t[i + 1] in MEASURES:
                self._note_tails(single_ends(t, i + 1, ce), t, i + 1, t[i])
            return i
        run = NUMBER_RUN.match(t, i, ce)
        assert run is not None
        j = run.end()
        if (i > 0 and t[i - 1] in NUMBER_CHARS) or not opens_phrase(t, i) or j >= ce:
            return j
        head = run.group(0)
        ends = single_ends(t, j, ce)
        self._note_tails(ends, t, j, head)
        if head[0] in DIGITS:
            return j
        par = parallel_at(t, i, ce)
        if par is not None:
            end = i + len(par)
            if numeric_reason(par) is None and parallel_reason(par) is None:
                after = expansion_after(t, end)
                self.add(par, "numeric", doc, (i, end), cue="parallel", expansion=after)
            return end
        if t[j] == "个" and len(ends) >= 2:  # NUM 个 and a word after 个
            self._uncountable(doc, i, j, head, ends)
        for e in ends:
            self._single(doc, i, e, ce)
        return j

    def _uncountable(self, doc: Document, i: int, j: int, head: str, ends: list[int]) -> None:
        """NUM 个 + a verb or an adjective: ungrammatical as a count, so a formula."""
        t = doc.folded
        word = t[j + 1 : ends[1]]  # the word after 个, then the word after it (if any)
        after = t[ends[1] : ends[2]] if len(ends) >= 3 else ""
        if counts_the_uncountable(head, word, after) and numeric_reason(t[i : ends[1]]) is None:
            self.add(t[i : ends[1]], "numeric", doc, (i, ends[1]), cue="grammar")

    def _single(self, doc: Document, i: int, e: int, ce: int) -> None:
        """Record the single-unit phrase ``t[i:e]``; keep it if an expansion follows."""
        t = doc.folded
        s = t[i:e]
        self.singles[s] += 1
        self.single_contexts[s].add(
            t[max(0, i - _CONTEXT_SIDE) : i] + "|" + t[e : e + _CONTEXT_SIDE]
        )
        self.single_right[s][t[e] if e < ce else f"#{e}"] += 1
        if e < len(t) and t[e] in EXPANSION_OPENERS:
            expansion = expansion_after(t, e)
            if expansion and announces_its_items(s, expansion) and numeric_reason(s) is None:
                self.add(s, "numeric", doc, (i, e), cue="expansion", expansion=expansion)

    def _note_tails(self, ends: list[int], t: str, j: int, head: str) -> None:
        for e in ends[:_TAILS]:
            self.tail_heads[t[j:e]][head] += 1

    # ----------------------------------------------------------------------- evidence

    def _counted(self, head: str, tail: str) -> bool:
        """Whether ``tail`` (or its first word) is a noun counted by many numbers."""
        for k in range(2, len(tail) + 1):
            heads = self.tail_heads.get(tail[:k])
            if not heads:
                continue
            total = sum(heads.values())
            counted = sum(v for h, v in heads.items() if h in QUANTIFIERS)
            if counted >= _QUANTIFIED_SHARE * total or (
                len(heads) >= _MANY_NUMERALS and heads[head] < _FIXED_NUMERAL_SHARE * total
            ):
                return True
        return False

    def _open_on_the_right(self, s: str, n: int) -> bool:
        """``s`` is mostly followed by one character, or mostly part of a longer candidate."""
        right = self.single_right[s]
        top = max(right.values())
        if len(right) < _MIN_RIGHT_NEIGHBOURS or top / n > _MAX_RIGHT_SHARE:
            return True
        # a longer candidate with the same start that takes most occurrences wins
        return any(
            self.singles.get(s + c, 0) >= _MAX_RIGHT_SHARE * n for c, _ in right.most_common(1)
        )

    def _recurs_as_formula(self, s: str, n: int) -> bool:
        """The single-unit phrase ``s``, seen ``n`` times, has enough evidence."""
        if n < self.min_repeat or s in self.stats:
            return False
        # a copied passage repeats its phrases: count distinct contexts, not copies
        if len(self.single_contexts[s]) < self.min_repeat:
            return False
        if single_reason(s) is not None:
            return False
        # a counted noun (三个方面, X个社区) follows many numbers and quantifiers
        head, tail = split_number(s)
        return not self._counted(head, tail) and not self._open_on_the_right(s, n)

    def accept_singles(self) -> None:
        """Keep the unquoted single-unit candidates with enough evidence (cue "repeat")."""
        accepted = [s for s, n in sorted(self.singles.items()) if self._recurs_as_formula(s, n)]
        known = set(self.stats) | set(accepted)
        for s in accepted:
            # 零碳园区建设 when 零碳园区 is a slogan: the shorter one is the formula
            if any(s[:k] in known for k in range(2, len(s))):
                continue
            self.stats[s] = Evidence()
            self.kinds[s] = "numeric"
            self.stats[s].cues.add("repeat")
