"""The engine layer: where a job's stage functions run, the only importer of dask.

Capabilities (segmentation, keyword counts, near-duplicates) take ``engine=`` and run
their stage functions through an :class:`Engine`, so the same stages run

* on :class:`LocalEngine`: in this process, or a pool of processes on this machine
  (``engine="local"``, the default, with ``n_jobs``);
* on :class:`DaskEngine`: a ``dask.distributed`` cluster (``engine="dask"`` with
  ``scheduler="tcp://head:8786"``, or a client), with the same output byte for byte.

Caches are read and written by the calling process only: workers need no shared disk.
:func:`as_engine` turns ``engine=``/``scheduler=`` into an engine, with one error message
for an unreachable scheduler whatever the capability.

Examples
--------
>>> import corpus_tools as ct
>>> from corpus_tools.engine import LocalEngine
>>> texts = {"a": "坚持党建引领，推动基层治理。" * 5, "b": "坚持党建引领，推动基层治理！" * 5}
>>> with LocalEngine(n_jobs=1) as engine:
...     ct.find_near_duplicates(texts, engine=engine).pairs["relation"].tolist()
['duplicate']
>>> from corpus_tools.engine import DaskEngine
>>> with DaskEngine(scheduler="tcp://head:8786") as engine:       # doctest: +SKIP
...     table = ct.keyword_table(docs, by="year", engine=engine)
"""

from corpus_tools.engine.base import Engine as Engine
from corpus_tools.engine.base import Handle as Handle
from corpus_tools.engine.cluster import DaskEngine as DaskEngine
from corpus_tools.engine.cluster import get_client as get_client
from corpus_tools.engine.cluster import legacy_dask_engine as legacy_dask_engine
from corpus_tools.engine.local import LocalEngine as LocalEngine
from corpus_tools.engine.resolve import ENGINES as ENGINES
from corpus_tools.engine.resolve import as_engine as as_engine
from corpus_tools.engine.resolve import is_local as is_local
