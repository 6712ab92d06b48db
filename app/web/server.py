"""The served app: one Dash Pages application per workspace, behind the login, on waitress.

:func:`create_app` builds it (the workspace's session secret, the login guard before Dash's
own hooks, the security headers, the pages of ``app/web/pages/``); :func:`serve` runs it
with waitress, a production WSGI server on Linux, macOS and Windows. Flask's development
server runs only with ``debug=True``.
"""

from __future__ import annotations

from pathlib import Path

import dash
import flask

from app.web import layout
from app.web.auth import install_login
from app.web.security import install_security
from app.web.settings import AppSettings, keep_on
from connectors.users import session_secret
from connectors.workspace import Workspace

HERE = Path(__file__).resolve().parent


def create_app(workspace: str | Path, *, settings: AppSettings | None = None) -> dash.Dash:
    """The app of ``workspace`` (which must exist): every page behind the login."""
    settings = settings or AppSettings()
    path = Path(workspace)
    Workspace(path, read_only=True).close()  # a missing workspace is an error, not a new file
    with Workspace(path) as ws:  # the only write: the session secret, made on first start
        secret = session_secret(ws)
    server = flask.Flask("amtsweg")
    server.config.update(
        SECRET_KEY=secret,
        PERMANENT_SESSION_LIFETIME=settings.idle_timeout,
        MAX_CONTENT_LENGTH=settings.max_upload_bytes,
    )
    keep_on(server, workspace=path, settings=settings)
    install_login(
        server, workspace=path, settings=settings
    )  # before Dash's hooks: a refused request never reaches Dash
    app = dash.Dash(
        "app.web",
        server=server,
        use_pages=True,
        pages_folder=str(HERE / "pages"),
        assets_folder=str(HERE / "assets"),
        # pages are laid out per user and request, so no layout exists to validate against
        suppress_callback_exceptions=True,
        title="Amtsweg",
        update_title=None,
        serve_locally=True,
    )
    app.layout = layout.shell
    install_security(app)
    return app


def serve(
    app: dash.Dash,
    *,
    host: str = "127.0.0.1",
    port: int = 8050,
    threads: int = 8,
    trusted_proxy: str | None = None,
) -> None:
    """Serve ``app`` with waitress until interrupted. Behind a reverse proxy that speaks
    HTTPS, name it in ``trusted_proxy`` so the cookie is Secure and the login limit counts the
    client's address, not the proxy's."""
    import waitress

    proxy = (
        {
            "trusted_proxy": trusted_proxy,
            "trusted_proxy_headers": "x-forwarded-for x-forwarded-proto",
        }
        if trusted_proxy
        else {}
    )
    waitress.serve(app.server, host=host, port=port, threads=threads, ident="Amtsweg", **proxy)
