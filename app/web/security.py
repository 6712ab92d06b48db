"""What every response carries and what none may: security headers, plain error pages, a
session cookie that is Secure over HTTPS, and server logs without tracebacks or personal data.

The Content-Security-Policy allows scripts only from this server and Dash's own inline
scripts by their hashes (``Dash.csp_hashes``: the renderer's start and the clientside
callbacks); styles also inline, because Dash's components and plotly set them from script.
Nothing may frame the app, fetch or submit elsewhere.
"""

from __future__ import annotations

import logging

import dash
import flask
from dash.exceptions import DependencyException
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import HTTPException

from analyzer.problems import AmtswegError
from app.web.texts import language, text

log = logging.getLogger("amtsweg.web")

#: The policy's fixed part; ``script-src`` gets Dash's inline script hashes added.
CSP_DIRECTIVES: dict[str, str] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

_FIXED_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}

#: Plain sentences for the HTTP errors a user can meet.
_ERRORS: dict[int, tuple[str, str]] = {
    400: ("Die Anfrage ist ungültig.", "The request is invalid."),
    403: ("Keine Berechtigung.", "Not allowed."),
    404: ("Diese Seite gibt es nicht.", "There is no such page."),
    405: ("Diese Anfrage ist hier nicht möglich.", "This request is not possible here."),
    413: (
        "Die Datei ist zu groß für das Hochladen.",
        "The file is too large to upload.",
    ),
    415: (
        "Diese Art von Daten wird hier nicht angenommen.",
        "This kind of data is not accepted here.",
    ),
    500: (
        "Interner Fehler; er wurde protokolliert. Bitte die Seite neu laden.",
        "Internal error; it was logged. Please reload the page.",
    ),
}


class _SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, marked Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: flask.Flask) -> bool:
        return flask.request.is_secure or super().get_cookie_secure(app)


def content_security_policy(app: dash.Dash) -> str:
    """The CSP header of ``app``: :data:`CSP_DIRECTIVES` plus its inline scripts' hashes."""
    directives = dict(CSP_DIRECTIVES)
    directives["script-src"] = " ".join([directives["script-src"], *app.csp_hashes()])
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def install_security(app: dash.Dash) -> None:
    """Headers, error pages, cookie and logging of ``app``'s server."""
    server = app.server
    server.session_interface = _SessionInterface()
    server.config.update(
        SESSION_COOKIE_NAME="amtsweg_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    # Flask would log each failure with its traceback, whose values may be citizens' data.
    server.log_exception = _log_exception

    @server.after_request
    def _headers(response: flask.Response) -> flask.Response:
        response.headers.update(_FIXED_HEADERS)
        response.headers["Content-Security-Policy"] = content_security_policy(app)
        if not flask.request.path.startswith(("/assets/", "/_dash-component-suites/")):
            response.headers["Cache-Control"] = "no-store"
        response.headers["Server"] = "Amtsweg"
        return response

    server.register_error_handler(HTTPException, _http_error)
    server.register_error_handler(AmtswegError, _amtsweg_error)
    # Dash's word for a component file it does not have
    server.register_error_handler(
        DependencyException, lambda _exc: _plain(404, text(*_ERRORS[404]))
    )
    server.register_error_handler(Exception, _internal_error)


def _plain(status: int, sentence: str) -> flask.Response:
    return flask.Response(sentence, status, mimetype="text/plain")


def _http_error(exc: HTTPException) -> flask.Response:
    status = exc.code or 500
    de, en = _ERRORS.get(status, (exc.name, exc.name))
    return _plain(status, text(de, en))


def _amtsweg_error(exc: AmtswegError) -> flask.Response:
    # The workspace cannot be read right now (the command line is writing it): say so.
    codes = {p.code for p in exc.problems}
    if codes & {"workspace.locked", "workspace.missing", "workspace.invalid"}:
        log.warning("workspace not readable: %s", ", ".join(sorted(codes)))
        return _plain(
            503,
            text(
                "Der Arbeitsbereich ist gerade nicht lesbar. Bitte gleich erneut versuchen.",
                "The workspace cannot be read just now. Please try again shortly.",
            ),
        )
    return _plain(400, exc.text(language()))


def _internal_error(exc: Exception) -> flask.Response:
    _log_exception((type(exc), exc, None))
    de, en = _ERRORS[500]
    return _plain(500, text(de, en))


def _log_exception(exc_info) -> None:
    """One line: what failed where, no traceback, no message (it may quote data)."""
    kind = exc_info[0].__name__ if exc_info and exc_info[0] else "error"
    endpoint = flask.request.endpoint if flask.has_request_context() else None
    log.error("internal error %s at %s", kind, endpoint or "?")
