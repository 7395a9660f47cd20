"""What every connector's settings share, as written in a content pack or a station config.

A connector module (``rest_json``, ``openrosa``, ``open311``) declares its
settings as a subclass of :class:`ConnectorSpec` named ``Spec``, with a
``type`` literal and a :meth:`ConnectorSpec.build` that returns the connector.
Settings are checked strictly (``"5"`` is not a number) and every unknown key
is refused, like the rest of the pack. Secrets (tokens, passwords) belong in
the station config, never in a pack: the keys in :data:`SECRET_KEYS` are
masked wherever a problem or a setting is shown.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from kiosk.config_agencies import SECRET_KEYS

__all__ = ["SECRET_KEYS", "ConnectorSpec"]

HttpUrl = Annotated[str, Field(pattern=r"^https?://[^\s/]+(/\S*)?$")]
Seconds = Annotated[float, Field(gt=0, le=120)]


class ConnectorSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    type: str
    connect_timeout_s: Seconds = 3.05
    read_timeout_s: Seconds = 10.0

    def build(self) -> Any:  # -> kiosk.sync.worker.Connector
        raise NotImplementedError

    @property
    def timeout(self) -> tuple[float, float]:
        return (self.connect_timeout_s, self.read_timeout_s)
