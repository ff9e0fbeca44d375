"""The API's schema where FastAPI users look for it: `/openapi.json`, and `/docs` as a page of our own.

FastAPI's Swagger UI and ReDoc load their script and CSS from a CDN: there is no network where presswatch
often runs, and our CSP allows only our own files (and no inline script). So `/docs` is rendered on the
server from the very schema `/openapi.json` serves: every path and method, its parameters, request body and
responses, and the models they refer to. No script, no outside URL.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse

from .deps import page

router = APIRouter(include_in_schema=False)
METHODS = ("get", "post", "put", "patch", "delete")


@router.get("/openapi.json")
def openapi_json(request: Request) -> JSONResponse:
    """The same schema as /api/openapi.json."""
    return JSONResponse(request.app.openapi())


@router.get("/docs", response_class=HTMLResponse)
def docs(request: Request) -> HTMLResponse:
    schema = request.app.openapi()
    return page(
        request,
        "api_docs.html",
        info=schema.get("info", {}),
        operations=operations(schema),
        models=models(schema),
    )


def type_of(spec: dict[str, Any]) -> str:
    """A schema in a few words: `int`, `string (date)`, `list of Story`, `ErrorBody`, `a | b`."""
    if "$ref" in spec:
        return str(spec["$ref"]).rsplit("/", 1)[-1]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in spec:
            return " | ".join(type_of(s) for s in spec[key])
    if spec.get("type") == "array":
        return f"list of {type_of(spec.get('items', {}))}"
    if "enum" in spec:
        return " | ".join(repr(v) for v in spec["enum"])
    kind = str(spec.get("type", "any"))
    return f"{kind} ({spec['format']})" if "format" in spec else kind


def limits(spec: dict[str, Any]) -> str:
    keys = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern")
    said = [f"{k} {spec[k]}" for k in keys if k in spec]
    if "default" in spec:
        said.append(f"default {spec['default']!r}")
    return ", ".join(said)


def _body_type(content: dict[str, Any]) -> list[dict[str, str]]:
    return [{"media": media, "type": type_of(spec.get("schema", {}))} for media, spec in content.items()]


def operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """Every operation of the schema, in its order: method, path, what it does, what it takes and answers."""
    found = []
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = [
                {
                    "name": p["name"],
                    "where": p["in"],
                    "required": p.get("required", False),
                    "type": type_of(p.get("schema", {})),
                    "limits": limits(p.get("schema", {})),
                    "description": p.get("description", p.get("schema", {}).get("description", "")),
                }
                for p in op.get("parameters", [])
            ]
            body = op.get("requestBody")
            responses = [
                {"status": status, "description": r.get("description", ""), "content": _body_type(r.get("content", {}))}
                for status, r in op.get("responses", {}).items()
            ]
            found.append(
                {
                    "id": f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", ""),
                    "method": method.upper(),
                    "path": path,
                    "tags": op.get("tags", []),
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "parameters": params,
                    "body": _body_type(body.get("content", {})) if body else [],
                    "body_required": bool(body and body.get("required")),
                    "responses": responses,
                }
            )
    return found


def models(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The named models the operations refer to, each with its fields."""
    named = schema.get("components", {}).get("schemas", {})
    return [
        {
            "name": name,
            "description": spec.get("description", ""),
            "fields": [
                {
                    "name": field,
                    "type": type_of(sub),
                    "required": field in spec.get("required", []),
                    "description": sub.get("description", ""),
                }
                for field, sub in spec.get("properties", {}).items()
            ],
        }
        for name, spec in sorted(named.items())
    ]
