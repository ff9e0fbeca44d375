"""Coordination for other tools: the export tables of edges and groups, and a run's network as GraphML, GEXF
(both open in Gephi) or an edge list in CSV."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime
from typing import IO, Any

from sqlalchemy import Connection

from ..errors import NotFound, UsageError
from ..store import coordination as stored

NETWORK_FORMATS = ("graphml", "gexf", "csv")

COORDINATION_EDGE_FIELDS = {
    "run": "the coordination run (`presswatch coordination runs`); the export is of the latest run",
    "account_a": "one account, its id exactly as the input spelled it",
    "account_b": "the other account",
    "method": "the methods that link them, comma-separated: co-share, co-link, co-hashtag, co-text, co-reply",
    "weight": "distinct traces both used within the window",
    "p_value": "the chance of so many shared traces under the chance model (README: What the p-value tests)",
    "first_at": "the first shared use, UTC, ISO 8601",
    "last_at": "the last shared use, UTC, ISO 8601",
    "a_first": "traces account_a used first",
    "b_first": "traces account_b used first",
    "evidence": "every shared trace: [{trace, method, post_a, post_b, time_a, time_b}], posts by their keys",
}
COORDINATION_GROUP_FIELDS = {
    "run": "the coordination run; the export is of the latest run",
    "group": "the group's number in the run, 1 the largest",
    "size": "how many accounts",
    "accounts": "its accounts' ids exactly as the input spelled them",
    "methods": "the methods of the edges among them",
    "score": "the engine's strength of the group (see the README)",
}


def _ms(when: datetime | None) -> int | None:
    if when is None:
        return None
    return int(when.timestamp() * 1000) if when.tzinfo else int((when - datetime(1970, 1, 1)).total_seconds() * 1000)


def coordination_edge_rows(conn: Connection, since: datetime | None) -> Iterator[dict[str, Any]]:
    run_id = stored.latest_run(conn)
    if run_id is None:
        return
    for edge in stored.edge_rows(conn, run_id, _ms(since)):
        yield {
            "run": edge["run"],
            "account_a": edge["account_a"],
            "account_b": edge["account_b"],
            "method": ",".join(edge["methods"]),
            "weight": edge["weight"],
            "p_value": edge["p_value"],
            "first_at": edge["first_at"],
            "last_at": edge["last_at"],
            "a_first": edge["a_first"],
            "b_first": edge["b_first"],
            "evidence": [
                {
                    "trace": item["trace"],
                    "method": item["method"],
                    "post_a": item["post_a"],
                    "post_b": item["post_b"],
                    "time_a": item["time_a"],
                    "time_b": item["time_b"],
                }
                for item in edge["evidence"]
            ],
        }


def coordination_group_rows(conn: Connection, since: datetime | None) -> Iterator[dict[str, Any]]:
    run_id = stored.latest_run(conn)
    if run_id is None:
        return
    for found in stored.groups(conn, run_id, since_ms=_ms(since)):
        yield {key: found[key] for key in COORDINATION_GROUP_FIELDS}


# ---- the network ------------------------------------------------------------------------------------


def run_or_latest(conn: Connection, run: int | None) -> int:
    """The run asked for, or the latest; NotFound saying what to run when there is none."""
    if run is None:
        latest = stored.latest_run(conn)
        if latest is None:
            raise NotFound(
                "no coordination run yet: import posts with `presswatch posts import FILE` "
                "and run `presswatch coordination detect`"
            )
        return latest
    if run < 1 or run > 2**62 or not stored.run_exists(conn, run):
        raise NotFound(f"no coordination run {run}; list them with `presswatch coordination runs`")
    return run


def export_network(conn: Connection, fmt: str, run: int | None, out: IO[str]) -> int:
    """Write a run's network in `fmt` (graphml, gexf or csv); return how many edges."""
    if fmt not in NETWORK_FORMATS:
        raise UsageError(f"unknown format {fmt!r}: choose {', '.join(NETWORK_FORMATS)}")
    run_id = run_or_latest(conn, run)
    if fmt == "csv":
        return _edges_csv(conn, run_id, out)
    nodes, edges = stored.network(conn, run_id)
    tree = _graphml(nodes, edges, run_id) if fmt == "graphml" else _gexf(nodes, edges, run_id)
    ET.indent(tree)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    tree.write(out, encoding="unicode")
    out.write("\n")
    return len(edges)


def _edges_csv(conn: Connection, run_id: int, out: IO[str]) -> int:
    """The edge list Gephi's spreadsheet import reads: Source, Target, Weight and the rest."""
    writer = csv.writer(out)
    writer.writerow(["Source", "Target", "Weight", "methods", "p_value", "first_at", "last_at", "a_first", "b_first"])
    count = 0
    for edge in stored.edge_rows(conn, run_id):
        writer.writerow(
            [
                edge["account_a"],
                edge["account_b"],
                edge["weight"],
                ",".join(edge["methods"]),
                "" if edge["p_value"] is None else edge["p_value"],
                edge["first_at"].isoformat() + "Z",
                edge["last_at"].isoformat() + "Z",
                edge["a_first"],
                edge["b_first"],
            ]
        )
        count += 1
    return count


NODE_KEYS = (("label", "string"), ("account_key", "string"), ("platform", "string"), ("group", "int"))
EDGE_KEYS = (("weight", "double"), ("methods", "string"), ("p_value", "double"), ("a_first", "int"), ("b_first", "int"))


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _graphml(nodes: list[dict[str, Any]], edges: list[dict[str, Any]], run_id: int) -> ET.ElementTree[ET.Element]:
    ns = "http://graphml.graphdrawing.org/xmlns"
    root = ET.Element("graphml", {"xmlns": ns})
    for kind, keys in (("node", NODE_KEYS), ("edge", EDGE_KEYS)):
        for name, kind_type in keys:
            ET.SubElement(
                root, "key", {"id": f"{kind[0]}_{name}", "for": kind, "attr.name": name, "attr.type": kind_type}
            )
    graph = ET.SubElement(root, "graph", {"id": f"run{run_id}", "edgedefault": "undirected"})
    for node in nodes:
        element = ET.SubElement(graph, "node", {"id": f"n{node['id']}"})
        for name, _ in NODE_KEYS:
            ET.SubElement(element, "data", {"key": f"n_{name}"}).text = _text(node[name])
    for number, edge in enumerate(edges):
        element = ET.SubElement(
            graph, "edge", {"id": f"e{number}", "source": f"n{edge['source']}", "target": f"n{edge['target']}"}
        )
        for name, _ in EDGE_KEYS:
            if edge[name] is not None:
                ET.SubElement(element, "data", {"key": f"e_{name}"}).text = _text(edge[name])
    return ET.ElementTree(root)


def _gexf(nodes: list[dict[str, Any]], edges: list[dict[str, Any]], run_id: int) -> ET.ElementTree[ET.Element]:
    root = ET.Element("gexf", {"xmlns": "http://gexf.net/1.3", "version": "1.3"})
    meta = ET.SubElement(root, "meta")
    ET.SubElement(meta, "creator").text = "presswatch"
    ET.SubElement(meta, "description").text = f"coordination run {run_id}"
    graph = ET.SubElement(root, "graph", {"defaultedgetype": "undirected", "mode": "static"})
    for kind, keys in (("node", NODE_KEYS[1:]), ("edge", EDGE_KEYS[1:])):
        attributes = ET.SubElement(graph, "attributes", {"class": kind})
        for number, (name, kind_type) in enumerate(keys):
            gexf_type = {"int": "integer"}.get(kind_type, kind_type)
            ET.SubElement(attributes, "attribute", {"id": str(number), "title": name, "type": gexf_type})
    node_list = ET.SubElement(graph, "nodes")
    for node in nodes:
        element = ET.SubElement(node_list, "node", {"id": f"n{node['id']}", "label": _text(node["label"])})
        values = ET.SubElement(element, "attvalues")
        for number, (name, _) in enumerate(NODE_KEYS[1:]):
            ET.SubElement(values, "attvalue", {"for": str(number), "value": _text(node[name])})
    edge_list = ET.SubElement(graph, "edges")
    for number, edge in enumerate(edges):
        element = ET.SubElement(
            edge_list,
            "edge",
            {
                "id": f"e{number}",
                "source": f"n{edge['source']}",
                "target": f"n{edge['target']}",
                "weight": _text(float(edge["weight"])),
            },
        )
        values = ET.SubElement(element, "attvalues")
        for index, (name, _) in enumerate(EDGE_KEYS[1:]):
            if edge[name] is not None:
                ET.SubElement(values, "attvalue", {"for": str(index), "value": _text(edge[name])})
    return ET.ElementTree(root)


# ---- parquet ----------------------------------------------------------------------------------------


def write_parquet(rows: Iterator[dict[str, Any]], fields: dict[str, str], out: IO[str]) -> int:
    """Rows as one Parquet file on `out`'s binary side: nested values as Arrow lists and structs where their
    shape is regular, as JSON text where it is not; date-times as UTC timestamps."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise UsageError(
            "the parquet format needs pyarrow: pip install presswatch[parquet] (or pip install pyarrow)"
        ) from None
    binary = getattr(out, "buffer", None)
    if binary is None:
        raise UsageError("parquet is binary: write it to a file (--out FILE) or to standard output")
    columns: dict[str, list[Any]] = {name: [] for name in fields}
    count = 0
    for row in rows:
        for name in fields:
            columns[name].append(row.get(name))
        count += 1
    arrays = []
    for values in columns.values():
        try:
            arrays.append(pa.array(values))
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
            arrays.append(pa.array([None if v is None else json.dumps(v, default=str) for v in values]))
    table = pa.Table.from_arrays(arrays, names=list(fields))
    data = io.BytesIO()
    pq.write_table(table, data)
    out.flush()
    binary.write(data.getvalue())
    binary.flush()
    return count
