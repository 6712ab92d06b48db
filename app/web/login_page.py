"""The login form: plain HTML posted to ``/login`` (``username``, ``password``), readable
without JavaScript and without any file but its stylesheet."""

from __future__ import annotations

import flask

from app.web.texts import language, text

_PAGE = """<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Amtsweg – {{ title }}</title>
<link rel="stylesheet" href="/assets/amtsweg.css">
</head>
<body class="login-body">
<main class="login-card">
  <p class="brand">Amtsweg</p>
  <h1>{{ title }}</h1>
  <p class="login-lead">{{ lead }}</p>
  {% if message %}<p class="login-message" role="alert">{{ message }}</p>{% endif %}
  <form method="post" action="/login">
    <input type="hidden" name="next" value="{{ next_path }}">
    <label for="username">{{ name_label }}</label>
    <input id="username" name="username" autocomplete="username" required
           value="{{ username }}" {% if not username %}autofocus{% endif %}>
    <label for="password">{{ password_label }}</label>
    <input id="password" name="password" type="password" autocomplete="current-password"
           required {% if username %}autofocus{% endif %}>
    <button type="submit">{{ submit }}</button>
  </form>
  <p class="language-switch">
    <a href="/language/de?next=/login"
       {% if lang == "de" %}aria-current="true"{% endif %}>Deutsch</a>
    ·
    <a href="/language/en?next=/login"
       {% if lang == "en" %}aria-current="true"{% endif %}>English</a>
  </p>
</main>
</body>
</html>
"""


def login_page(*, next_path: str = "/", message: str | None = None, username: str = "") -> str:
    """The login page in the session's language, with ``message`` (a refusal) above the form."""
    return flask.render_template_string(
        _PAGE,
        lang=language(),
        title=text("Anmelden", "Log in"),
        lead=text(
            "Prozessanalyse und Bürokratielast im kommunalen Vergleich.",
            "Process analysis and bureaucracy burden, municipalities compared.",
        ),
        name_label=text("Benutzername", "User name"),
        password_label=text("Passwort", "Password"),
        submit=text("Anmelden", "Log in"),
        message=message,
        username=username,
        next_path=next_path,
    )
