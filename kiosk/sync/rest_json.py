"""The ``rest_json`` connector: one POST per submission, as docs/agency-api.yaml describes.

The idempotency key (the submission's UUID) goes in a header on every try, so
the agency can answer a replay with its original response. Short explicit
timeouts: a hung agency must not hold the queue. Only the agency's status,
message and confirmation come back; the payload is never logged or kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import requests

from kiosk.sync.protocol import Answer, Delivery

DEFAULT_TIMEOUT_S = (3.05, 10.0)  # connect, read


@dataclass
class RestJsonConnector:
    url: str
    bearer_token: str | None = None
    idempotency_header: str = "Idempotency-Key"
    headers: dict[str, str] = field(default_factory=dict)
    timeout_s: tuple[float, float] = DEFAULT_TIMEOUT_S
    session: requests.Session = field(default_factory=requests.Session)

    def send(self, delivery: Delivery) -> Answer:
        body = {
            "submission_id": delivery.submission_id,
            "reference": delivery.reference,
            "form_id": delivery.form_id,
            "form_version": delivery.form_version,
            "service_id": delivery.service_id,
            "language": delivery.language,
            "station_id": delivery.station_id,
            "submitted_at": delivery.submitted_at.isoformat(),
            "payload": delivery.payload,
        }
        headers = {**self.headers, self.idempotency_header: delivery.submission_id}
        if self.bearer_token:
            headers["Authorization"] = f"Bearer {self.bearer_token}"
        try:
            response = self.session.post(
                self.url, json=body, headers=headers, timeout=self.timeout_s
            )
        except requests.RequestException as exc:  # refused, timed out, dropped
            return Answer(None, f"no answer: {type(exc).__name__}")
        return Answer(
            response.status_code,
            _message(response),
            response.headers.get("Retry-After"),
            _confirmation(response),
        )


def _json(response: requests.Response) -> object:
    try:
        return response.json()
    except ValueError:
        return None


def _confirmation(response: requests.Response) -> str | None:
    data = _json(response)
    if 200 <= response.status_code < 300 and isinstance(data, dict):
        number = data.get("confirmation_number")
        return str(number) if number is not None else None
    return None


def _message(response: requests.Response) -> str | None:
    """The agency's own words for a refusal (its ``errors`` array), else the reason."""
    if response.status_code < 300:
        return None
    data = _json(response)
    if isinstance(data, dict) and isinstance(data.get("errors"), list):
        parts = [
            str(e.get("description") or e.get("code"))
            for e in data["errors"]
            if isinstance(e, dict)
        ]
        if parts:
            return f"{response.status_code}: " + "; ".join(parts)
    return f"{response.status_code} {response.reason}"
