"""Reading an agency's HTTP answer for a person: its own words, never the payload.

Shared by the rest_json connector and its OAuth2 token exchange. Messages are
short and single-line, and carry statuses, exception type names and the
agency's own error text only.
"""

from __future__ import annotations

import requests

AGENCY_WORDS_LIMIT = 500  # characters of an agency's message kept in an answer


def exception_name(exc: BaseException) -> str:
    """An exception's class only: its text may hold the url with its query string."""
    return type(exc).__name__


def json_body(response: requests.Response) -> object:
    try:
        return response.json()
    except ValueError:
        return None


def agency_words(data: object) -> str | None:
    """The agency's own words in the usual shapes: OneStop's ``errors`` array, OAuth's
    ``error``/``error_description``, RFC 9457 problem details, a plain ``message``."""
    if not isinstance(data, dict):
        return None
    errors = data.get("errors")
    if isinstance(errors, list):
        parts = [
            str(e.get("description") or e.get("message") or e.get("code"))
            for e in errors
            if isinstance(e, dict)
        ]
        if parts:
            return "; ".join(parts)
    for keys in (("error", "error_description"), ("title", "detail"), ("message",)):
        found = [str(data[k]) for k in keys if isinstance(data.get(k), str | int) and data[k]]
        if found:
            return ": ".join(found)
    return None


def status_message(response: requests.Response) -> str:
    """The agency's own words for a refusal, else the status's reason phrase."""
    words = agency_words(json_body(response))
    if words:
        return f"{response.status_code}: {words[:AGENCY_WORDS_LIMIT]}"
    return f"{response.status_code} {response.reason}"


def oauth_error_message(response: requests.Response) -> str:
    words = agency_words(json_body(response))
    return (words or f"{response.status_code} {response.reason}")[:AGENCY_WORDS_LIMIT]
