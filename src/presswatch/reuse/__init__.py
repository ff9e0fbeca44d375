"""Reuse: duplicates, partial copies, translations and provenance."""
