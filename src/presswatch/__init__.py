"""presswatch: watch how a contested topic is covered across outlets and languages."""

from .api import Presswatch, sample_dir
from .config import Settings, load_settings
from .errors import ConfigError, ItemError, PresswatchError, StoreError, UsageError
from .ingest import IngestReport, Outcome
from .store.queries import ArticleFilter

__version__ = "0.1.0"

__all__ = [
    "ArticleFilter",
    "ConfigError",
    "IngestReport",
    "ItemError",
    "Outcome",
    "Presswatch",
    "PresswatchError",
    "Settings",
    "StoreError",
    "UsageError",
    "load_settings",
    "sample_dir",
    "__version__",
]
