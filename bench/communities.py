"""Communities for coordination groups: Leiden (leidenalg on igraph, what presswatch uses) against networkx's
Louvain, on planted groups among noise edges, in the same run.

Each planted group is a dense cluster (each pair linked with probability 0.6, weights 2-20); noise edges
(weights 2-4) join random accounts. Printed per network: edges, the wall time of each method, the adjusted
Rand index of the planted accounts' communities against the truth, and communities that are not connected
(Louvain does not guarantee connected communities; Leiden does). Nothing is asserted.

    .venv/bin/python bench/communities.py [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import time

import igraph
import leidenalg
from sklearn.metrics import adjusted_rand_score

NETWORKS = ((20, 10, 2_000, 2_000), (200, 10, 100_000, 50_000))  # groups, size, noise edges, accounts
SEED = 14  # the seed presswatch gives Leiden


def planted(
    groups: int, size: int, noise: int, accounts: int, seed: int
) -> tuple[dict[tuple[int, int], int], dict[int, int]]:
    rng = random.Random(seed)
    edges: dict[tuple[int, int], int] = {}
    truth: dict[int, int] = {}
    for group in range(groups):
        members = range(group * size, (group + 1) * size)
        truth.update(dict.fromkeys(members, group))
        for i in members:
            for j in members:
                if i < j and rng.random() < 0.6:
                    edges[(i, j)] = rng.randint(2, 20)
    for _ in range(noise):
        i, j = sorted(rng.sample(range(accounts), 2))
        edges.setdefault((i, j), rng.randint(2, 4))
    return edges, truth


def main() -> None:
    import networkx as nx  # the peer: installed for this bench only

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(f"leidenalg {leidenalg.version}, igraph {igraph.__version__}, networkx {nx.__version__}; seed {args.seed}")
    for groups, size, noise, accounts in NETWORKS:
        edges, truth = planted(groups, size, noise, accounts, args.seed)
        names = sorted({n for pair in edges for n in pair})
        index = {n: i for i, n in enumerate(names)}
        graph = igraph.Graph(n=len(names), edges=[(index[a], index[b]) for a, b in edges])
        started = time.perf_counter()
        found = leidenalg.find_partition(
            graph, leidenalg.ModularityVertexPartition, weights=list(edges.values()), seed=SEED
        )
        leiden_s = time.perf_counter() - started
        leiden = {names[v]: c for c, members in enumerate(found) for v in members}
        peer = nx.Graph()
        peer.add_weighted_edges_from((a, b, w) for (a, b), w in edges.items())
        started = time.perf_counter()
        communities = nx.community.louvain_communities(peer, weight="weight", seed=SEED)
        louvain_s = time.perf_counter() - started
        louvain = {n: c for c, members in enumerate(communities) for n in members}
        split = sum(1 for c in communities if len(c) > 1 and not nx.is_connected(peer.subgraph(c)))
        kept = [n for n in names if n in truth]

        def ari(labels: dict[int, int], kept: list[int] = kept, truth: dict[int, int] = truth) -> float:
            return float(adjusted_rand_score([truth[n] for n in kept], [labels[n] for n in kept]))

        print(
            f"{groups} groups of {size} among {len(edges):,} edges: Leiden {leiden_s:.2f} s, ARI {ari(leiden):.3f}; "
            f"Louvain {louvain_s:.2f} s, ARI {ari(louvain):.3f}, {split} disconnected; "
            f"Louvain/Leiden time {louvain_s / leiden_s:.1f}x"
        )


if __name__ == "__main__":
    main()
