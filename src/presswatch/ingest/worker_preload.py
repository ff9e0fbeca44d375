"""Imported once by the extraction workers' server process, before it forks any worker.

Loading lingua's models takes about a second per process; done here, every
worker starts with them in memory (shared, copy-on-write) instead of loading
them again. Only the single-threaded, sequential lingua calls run here: a
server that had started lingua's thread pool could not fork safely.
"""

from __future__ import annotations

import gc
import signal

from .. import ingest  # noqa: F401 - trafilatura, lxml and the rest, imported once for all workers
from ..extract.language import DEFAULT_PARAGRAPH_LANGUAGES, detector

_SAMPLE = "The council met on Tuesday and said the plan would be published next month."
# Lingua loads a language's model when a text in its letters first comes: one
# sample per alphabet that several languages share (Latin, Cyrillic, Arabic,
# Devanagari), so no worker loads them again on its first such page.
# (Not the builder's preloading: it loads on a thread pool.)
_SAMPLES = (
    _SAMPLE,
    "Совет собрался во вторник и заявил, что план будет опубликован в следующем месяце.",
    "اجتمع المجلس يوم الثلاثاء وقال إن الخطة ستنشر الشهر المقبل",
    "परिषद की बैठक मंगलवार को हुई और कहा गया कि योजना अगले महीने प्रकाशित होगी",
)

for _sample in _SAMPLES:
    detector("low", ()).compute_language_confidence_values(_sample)
detector("low", tuple(sorted(DEFAULT_PARAGRAPH_LANGUAGES))).compute_language_confidence_values(_SAMPLE)


def _load_justext_stoplists() -> None:
    """justext's stoplists (every language, 150k words) load when a page first falls back to it:
    a tenth of a second, paid here once instead of in every worker."""
    try:
        from justext.core import define_stoplist
        from trafilatura import external

        define_stoplist(external.JT_STOPLIST or external.jt_stoplist_init())
    except (ImportError, AttributeError):  # trafilatura keeps them elsewhere now: the workers load them themselves
        pass


_load_justext_stoplists()

# Ctrl-C reaches every process of the terminal's group, and is the pool's process to handle: the server
# ignores it, and so does every worker from its first instant (the server forks them with the handlers it
# found after this import), so that none prints a KeyboardInterrupt traceback.
signal.signal(signal.SIGINT, signal.SIG_IGN)

# What is loaded now lives as long as the workers: out of the collector's sight,
# a worker's collections do not walk it again and again (nor touch its shared pages).
gc.freeze()
