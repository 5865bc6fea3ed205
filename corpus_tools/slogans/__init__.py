"""Numeric slogans (数字式提法) and quoted formulas: mining, families, lexicon.

See :mod:`corpus_tools.slogans.mining` for the grammar of the genre the miner applies.

Examples
--------
>>> from corpus_tools.slogans import mine_slogans
>>> table = mine_slogans("坚持“三会一课”制度，推行一征三议两公开工作法。")
>>> table["slogan"].tolist()
['三会一课', '一征三议两公开']
"""

from corpus_tools.slogans.mining import OCCURRENCE_COLUMNS as OCCURRENCE_COLUMNS
from corpus_tools.slogans.mining import SLOGAN_COLUMNS as SLOGAN_COLUMNS
from corpus_tools.slogans.mining import mine_slogans as mine_slogans
from corpus_tools.slogans.mining import slogan_family as slogan_family
from corpus_tools.slogans.mining import slogan_occurrences as slogan_occurrences
from corpus_tools.slogans.mining import slogans_by as slogans_by
from corpus_tools.slogans.mining import to_lexicon as to_lexicon
