"""One kind of HTTP session for every connector: no hidden retries, the environment read once.

* **No retries below the worker.** urllib3 may resend a request on its own
  (a connection reset, a redirect); each attempt the outbox records must be
  exactly one request, and a resent Open311 POST files a second report.
* **One request, as prepared.** Connectors prepare each request and send it
  with :func:`send_prepared`, skipping ``Session.request``'s per-request merging
  of session settings they do not use.
* **The environment, once.** A ``requests.Session`` re-reads the proxy
  variables (and ``.netrc``) on every request: with a large environment that
  was a fifth of a request's time while a backlog drained. The settings the
  environment gives for this agency's URL (``HTTPS_PROXY``/``NO_PROXY``,
  ``REQUESTS_CA_BUNDLE``) are resolved when the session is made and then used
  as they are, so a proxy or a private CA of the center still applies.
"""

from __future__ import annotations

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry


def agency_session(url: str) -> requests.Session:
    """A session for requests to ``url``'s server (one per sending thread)."""
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=Retry(total=0, read=False, redirect=False))
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    settings = session.merge_environment_settings(url, {}, None, None, None)
    session.proxies = dict(settings.get("proxies") or {})
    session.verify = settings.get("verify", True)
    session.trust_env = False
    return session


def send_prepared(
    session: requests.Session,
    prepared: requests.PreparedRequest,
    timeout: tuple[float, float],
) -> requests.Response:
    """Send a request prepared by the caller with the session's resolved settings;
    redirects are never followed (a redirected POST comes back as a GET)."""
    return session.send(
        prepared,
        timeout=timeout,
        allow_redirects=False,
        proxies=session.proxies,
        verify=session.verify,
    )
