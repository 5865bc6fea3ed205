"""Numeric slogans (数字式提法) and quoted formulas: mining, families, lexicon.

The genre speaks in numbered formulas: 三会一课, 四位一体, 一征三议两公开, 双推双评三全程,
三岗十八级, 15分钟便民服务圈. A segmenter cuts them (三/会/一/课) and an n-gram miner drowns
them in counts (三个方面, 一批, 十九大), so this package works on characters with the grammar
of the genre:

* **Quotation cue.** A phrase between quotes (“…”, "…", 「…」, ‘…’) that is short and has no
  clause punctuation is a candidate; one that starts with a numeral (or is a digit formula
  such as 1+N) is a *numeric* slogan, any other a *quoted* formula (大党委, 道德银行, 党建+).
  A quoted list (“一办一品牌、一社一特色”) gives one numeric candidate per item; a quoted
  list without numerals (“强党建、优服务、促治理”) is one quoted formula. A phrase quoted
  once but mostly written without quotes (一体化, 共驻共建) is emphasis, not a formula.
* **Parallel numbered units.** ``NUM morpheme NUM morpheme …`` (一征三议两公开, 三清三拆,
  一名党员一面旗) is a formula even unquoted and even once. The last unit ends at a word
  boundary found with the character-level dictionary of jieba (no segmentation of the
  slogan itself).
* **Expansion.** A numbered phrase followed by as many enumerated items as its number
  (八项本领（学习本领、…、驾驭风险本领）, 五清：即…清、…清) is a formula; the expansion is
  kept as the slogan's ``example``.
* **Ungrammatical count.** ``NUM 个`` before a verb or an adjective (两个确立, 四个自信,
  三个务必) cannot count things, so it is a formula even once (三个方面 is a count).
* **Repetition with a fixed numeral.** An unquoted single-unit phrase (四个意识, 两个确立) is
  kept when it recurs, is closed on the right (its right neighbours vary; punctuation and
  quotes count as distinct neighbours), and its tail is never counted with another numeral
  (三个方面 / 两个方面 / 几个方面 and X个社区 are counts, not formulas).

Rejected whatever the cue: enumerators (一是, 二要), meeting and ordinal names (十九大,
十九届二中全会, 第一书记), dates, idioms (千家万户, 一心一意: jieba's idiom tags), counts and
quantities (X个社区, 一批, 一系列, 万元, 12大类, X余户).

Variants of one frame form a family: numerals are abstracted and a slogan whose units are
a contiguous run of another's units joins it (一征三议两公开 / 三征三议三公开 / 四议两公开).

Modules, in reading order
-------------------------
``grammar``
    The vocabulary: numerals, measure words, slogan characters; a slogan cut into
    numbered units.
``dictionary``
    jieba's main dictionary read as data (is this a word, with which tag; where do the
    first words of a window end).
``rules``
    Why a string is or is not a slogan: each rule a small named function.
``documents``
    Documents folded for mining, with offsets back to the text as loaded.
``cues``
    Where the text marks a slogan: quotes, expansions, numerals opening a phrase,
    parallel units.
``miner``
    :class:`~corpus_tools.slogans.miner.Miner`: candidates and their evidence over a corpus.
``families``
    Variants of one frame: :func:`slogan_family`.
``occurrences``
    Leftmost-longest matching: :func:`slogan_occurrences`, :func:`slogans_by`.
``mining``
    :func:`mine_slogans`: the steps above, then scores and the table.
``lexicon``
    :func:`to_lexicon`: slogans as a jieba user dictionary for the segmenter.

Examples
--------
>>> from corpus_tools.slogans import mine_slogans
>>> table = mine_slogans("坚持“三会一课”制度，推行一征三议两公开工作法。")
>>> table[["slogan", "kind", "count"]].to_dict("list")
{'slogan': ['三会一课', '一征三议两公开'], 'kind': ['numeric', 'numeric'], 'count': [1, 1]}
"""

from corpus_tools.slogans.families import slogan_family as slogan_family
from corpus_tools.slogans.grammar import NUMERALS as NUMERALS
from corpus_tools.slogans.lexicon import to_lexicon as to_lexicon
from corpus_tools.slogans.mining import KINDS as KINDS
from corpus_tools.slogans.mining import SLOGAN_COLUMNS as SLOGAN_COLUMNS
from corpus_tools.slogans.mining import mine_slogans as mine_slogans
from corpus_tools.slogans.occurrences import OCCURRENCE_COLUMNS as OCCURRENCE_COLUMNS
from corpus_tools.slogans.occurrences import slogan_occurrences as slogan_occurrences
from corpus_tools.slogans.occurrences import slogans_by as slogans_by

__all__ = [
    "KINDS",
    "NUMERALS",
    "OCCURRENCE_COLUMNS",
    "SLOGAN_COLUMNS",
    "mine_slogans",
    "slogan_family",
    "slogan_occurrences",
    "slogans_by",
    "to_lexicon",
]
