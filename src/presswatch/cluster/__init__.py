"""Dask distributed: connecting to a scheduler, and a LocalCluster for trying it on one machine.

The stages that run on a cluster (`ingest.distributed`, `process.distributed`)
connect through `client_for`, so that every one of them fails the same clear way
when the `cluster` extra is missing or the scheduler cannot be reached.
"""

from __future__ import annotations

from .client import CONNECT_SECONDS, INSTALL_HINT, client_for, local_cluster, require_shared_store

__all__ = ["CONNECT_SECONDS", "INSTALL_HINT", "client_for", "local_cluster", "require_shared_store"]
