"""Reuse (a `process` stage): duplicates, partial copies and translations of each new article, who published first.

Reads: current articles (text, language, dates, declared canonical URL).
Writes: `links` (duplicate | partial with aligned passages | translation, with
score, method, direction and confidence) and the indexes it finds candidates
by: `lsh_buckets` (MinHash bands), `passage_hashes` (winnowed shingles),
`anchors` (what survives translation: names, numbers, dates).
`queries` reads the links back: provenance of an article, the copy network.
"""

from __future__ import annotations

from .queries import LINK_FIELDS, LINK_KINDS, copied_ids, copy_network, link_rows, provenance_of
from .stage import ReuseStage

__all__ = ["LINK_FIELDS", "LINK_KINDS", "ReuseStage", "copied_ids", "copy_network", "link_rows", "provenance_of"]
