"""Topic clustering that finds the themes of a corpus, not what every report says.

See :mod:`corpus_tools.topics.fit` for how documents are represented and the model chosen.
"""

from corpus_tools.topics.fit import COHERENCE_MEASURES as COHERENCE_MEASURES
from corpus_tools.topics.fit import MODELS as MODELS
from corpus_tools.topics.fit import TopicResult as TopicResult
from corpus_tools.topics.fit import fit_topics as fit_topics
from corpus_tools.topics.fit import topic_features as topic_features
from corpus_tools.topics.fit import topic_shares as topic_shares
