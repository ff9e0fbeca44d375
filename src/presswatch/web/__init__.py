"""The web UI and JSON API (`presswatch serve`): FastAPI, Jinja2 pages rendered on the server, SVG charts.

`create_app` lives in `presswatch.web.app`; `presswatch.users.accounts` needs no web framework, so the CLI's
`users add` does not load one.
"""
