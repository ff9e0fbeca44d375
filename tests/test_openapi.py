"""The API's schema where FastAPI users look for it: /openapi.json, and /docs rendered offline under our CSP."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from presswatch import Presswatch
from presswatch.web import json_api
from presswatch.web.app import create_app
from presswatch.web.security import CSP

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def client(pw: Presswatch) -> TestClient:
    """The app in its default mode (everything else needs a login) over an empty store: the schema needs no data."""
    return TestClient(create_app(pw), follow_redirects=False)


def api_routes() -> list[APIRoute]:
    """Every route of the JSON API, as its router declares it (all under /api)."""
    return [r for r in json_api.router.routes if isinstance(r, APIRoute)]


def test_openapi_json_is_the_same_schema_as_under_api(client: TestClient) -> None:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == client.get("/api/openapi.json").json()


def test_every_api_route_is_in_the_schema_with_its_parameters_and_the_error_shape(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    error = schema["components"]["schemas"]["ErrorBody"]
    assert error["properties"]["error"]["$ref"].endswith("/ErrorDetail")
    assert set(schema["components"]["schemas"]["ErrorDetail"]["properties"]) == {"code", "message", "details"}
    routes = api_routes()
    assert len(routes) > 20
    for route in routes:
        if not route.include_in_schema:
            continue
        for method in route.methods:
            op = schema["paths"][route.path][method.lower()]
            named = {(p["name"], p["in"]) for p in op.get("parameters", [])}
            for param in route.dependant.path_params:
                assert (param.alias, "path") in named, (route.path, param.alias)
            for param in route.dependant.query_params:
                assert (param.alias, "query") in named, (route.path, param.alias)
            if route.dependant.body_params:
                assert "requestBody" in op, route.path
            for status in ("400", "404", "422"):
                body = op["responses"][status]["content"]["application/json"]["schema"]
                assert body["$ref"].endswith("/ErrorBody"), (route.path, status)
    # no page (HTML) route in the API schema, and the schema routes themselves are left out
    assert all(path.startswith("/api/") for path in schema["paths"])


def test_docs_renders_every_operation_offline_under_the_csp(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"] == CSP
    body = response.text
    schema = client.get("/openapi.json").json()
    for path, item in schema["paths"].items():
        for method in item:
            assert f"<code>{method.upper()} {path}</code>" in body, (method, path)
    assert "<code>q</code>" in body and 'id="model-ErrorBody"' in body  # a parameter and the error model
    # offline and within the CSP: no outside URL anywhere, no inline script or style
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", body)
    assert "cdn" not in body.lower()
    assert "<script>" not in body and "<style" not in body and " style=" not in body
    for url in re.findall(r"""(?:src|href)=["']([^"']+)""", body):
        assert url.startswith(("/", "#")), url


def test_the_schema_and_docs_need_no_login(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    assert client.get("/openapi.json").status_code == 200
