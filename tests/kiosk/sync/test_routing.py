"""Which connector delivers each service: the pack's settings with the station's laid over.

What a technician sees: ``kiosk config check`` names every mistake (file,
key, what is wrong) and never prints a secret; ``kiosk config show`` masks
them too.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from kiosk.config import SAMPLE_PACK, load_config
from kiosk.content import load_pack
from kiosk.sync.routing import route


def station_toml(tmp_path: Path, body: str, pack: Path | None = None) -> Path:
    lines = ["[station]", 'data_dir = "data"']
    if pack is not None:
        lines += ["[content]", f'pack = "{pack}"']
    path = tmp_path / "station.toml"
    path.write_text("\n".join(lines) + "\n" + body, encoding="utf-8")
    return path


def routed(path: Path):  # type: ignore[no-untyped-def]
    config = load_config(path)
    return route(load_pack(config.pack_dir), config.settings.agencies, path)


def copy_pack(tmp_path: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    folder = tmp_path / "pack"
    shutil.copytree(SAMPLE_PACK, folder)
    data = yaml.safe_load((folder / "pack.yaml").read_text(encoding="utf-8"))
    edit(data)
    (folder / "pack.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


def test_the_station_sets_the_address_and_the_secret_over_the_packs_connector(
    tmp_path: Path,
) -> None:
    path = station_toml(
        tmp_path,
        '[agencies.dmv]\nurl = "https://dmv.agency.test/v1/submissions"\n'
        '[agencies.dmv.auth]\nkind = "bearer"\ntoken = "t0ps3cret"\n',
    )
    routing = routed(path)

    assert routing.problems == []
    spec = routing.specs["license-renewal"]
    assert spec.type == "rest_json"
    assert spec.url == "https://dmv.agency.test/v1/submissions"  # type: ignore[attr-defined]
    assert spec.confirmation_path == "confirmation_number"  # type: ignore[attr-defined]
    # Every DMV service goes the same way; the clerk's keeps the pack's settings.
    assert routing.specs["id-card"] == spec
    assert routing.specs["birth-certificate"].type == "openrosa"
    assert ("dmv.agency.test", 443) in routing.endpoints()


def test_config_check_names_each_connector_mistake_and_never_prints_the_secret(
    tmp_path: Path, run_kiosk
) -> None:
    path = station_toml(
        tmp_path,
        '[agencies.dmv]\nmethod = "DELETE"\n[agencies.dmv.auth]\nkind = "bearer"\n'
        'token = "line\\nbreak-s3cret"\n'
        '[agencies.parks]\nurl = "https://parks.test/"\n',
    )
    result = run_kiosk("--config", str(path), "config", "check")

    assert result.returncode == 2
    assert "s3cret" not in result.stdout + result.stderr
    errors = result.stderr.splitlines()
    assert any(
        "agencies.parks: the pack has no agency 'parks'; its agencies are city, clerk, dmv" in e
        for e in errors
    ), errors
    assert any("connector of agency dmv.method" in e for e in errors), errors
    assert any("connector of agency dmv.auth" in e for e in errors), errors


def test_a_secret_written_into_a_content_pack_is_refused(tmp_path: Path) -> None:
    def put_token(data: dict) -> None:  # type: ignore[type-arg]
        data["agencies"][0]["connector"]["auth"] = {"kind": "bearer", "token": "in-the-pack"}

    path = station_toml(tmp_path, "", pack=copy_pack(tmp_path, put_token))
    problems = [str(p) for p in routed(path).problems]

    assert any(
        "agencies[0].connector.auth.token: secrets do not belong in a content pack" in p
        for p in problems
    ), problems
    assert not any("in-the-pack" in p for p in problems)


def test_an_unknown_connector_type_lists_the_ones_there_are(tmp_path: Path) -> None:
    def soap(data: dict) -> None:  # type: ignore[type-arg]
        data["agencies"][0]["connector"] = {"type": "soap", "url": "https://x.test/"}

    path = station_toml(tmp_path, "", pack=copy_pack(tmp_path, soap))
    problems = [str(p) for p in routed(path).problems]

    assert any(
        "type: must be one of rest_json, openrosa, open311 (got 'soap')" in p for p in problems
    ), problems


def test_a_service_with_a_form_and_no_connector_is_named_and_its_forms_wait(
    tmp_path: Path, run_kiosk
) -> None:
    def no_dmv_connector(data: dict) -> None:  # type: ignore[type-arg]
        del data["agencies"][0]["connector"]

    path = station_toml(tmp_path, "", pack=copy_pack(tmp_path, no_dmv_connector))
    assert "license-renewal" in routed(path).unrouted

    result = run_kiosk("--config", str(path), "config", "check")
    assert result.returncode == 0, result.stderr
    assert "warning: no connector for license-renewal" in result.stderr


def test_config_show_masks_connector_secrets_and_keys_in_urls(tmp_path: Path, run_kiosk) -> None:
    path = station_toml(
        tmp_path,
        '[agencies.clerk]\nurl = "https://central.test/v1/key/AppUserKey123/projects/1/submission"\n'
        '[agencies.dmv.auth]\nkind = "basic"\nusername = "kiosk"\npassword = "hunter22"\n',
    )
    result = run_kiosk("--config", str(path), "config", "show")

    assert result.returncode == 0, result.stderr
    assert "hunter22" not in result.stdout and "AppUserKey123" not in result.stdout
    assert "agencies.dmv.auth.password = ***" in result.stdout
    assert "agencies.dmv.auth.username = kiosk" in result.stdout
    assert "/v1/key/***/projects/1/submission" in result.stdout


def test_a_station_naming_another_kind_of_server_replaces_the_packs_settings(
    tmp_path: Path,
) -> None:
    path = station_toml(
        tmp_path,
        '[agencies.city]\ntype = "rest_json"\nurl = "https://city.test/v1/submissions"\n',
    )
    routing = routed(path)

    assert routing.problems == []
    assert routing.specs["report-pothole"].type == "rest_json"
    assert routing.specs["report-streetlight"].type == "rest_json"  # the service's code is gone


def test_a_form_whose_keys_an_openrosa_server_cannot_store_is_caught_by_config_check(
    tmp_path: Path, run_kiosk
) -> None:
    """The street problem form sends ``attribute[...]`` keys (Open311's shape); sent to an
    OpenRosa server instead, they are no XML element names. Found before any citizen
    submits one, not as a dead letter afterwards."""
    path = station_toml(
        tmp_path,
        '[agencies.city]\ntype = "openrosa"\nurl = "https://forms.test/submission"\n'
        'form_id = "street"\n',
    )
    result = run_kiosk("--config", str(path), "config", "check")

    assert result.returncode == 2
    assert (
        "report-street-problem.yaml: output.attribute[pothole_size]: is not an XML element "
        "name" in result.stderr
    )
    assert "the OpenRosa agency of service report-pothole could not store it" in result.stderr
