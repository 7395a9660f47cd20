"""`kiosk ticket issue`: a technician's test ticket, exactly as the kiosk issues it."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.pdf import decode_qr, pdf_text, render_page


def test_technician_issues_a_spanish_test_ticket_from_the_shell(
    station_config: Path, run_kiosk
) -> None:
    first = run_kiosk("--config", str(station_config), "ticket", "issue", "id-card", "--lang", "es")
    second = run_kiosk("--config", str(station_config), "ticket", "issue", "id-card")

    assert first.returncode == 0, first.stderr
    label, ticket_id, ahead = first.stdout.split()[:3]
    assert (label, ahead) == ("C001", "ahead=0")
    pdf = Path(first.stdout.split("printed=yes: ")[1].strip())
    assert "Su número" in pdf_text(pdf) and "C001" in pdf_text(pdf)
    assert decode_qr(render_page(pdf)) == [ticket_id]
    assert second.stdout.startswith("C002 ") and "ahead=1" in second.stdout


def test_unknown_service_or_language_is_one_clear_line(station_config: Path, run_kiosk) -> None:
    service = run_kiosk("--config", str(station_config), "ticket", "issue", "passport")
    language = run_kiosk(
        "--config", str(station_config), "ticket", "issue", "id-card", "--lang", "fr"
    )

    assert service.returncode == 2
    assert service.stderr.startswith("error: unknown service 'passport'; services are ")
    assert language.returncode == 2
    assert language.stderr == "error: --lang 'fr': this station offers en, es\n"
    assert "Traceback" not in service.stderr + language.stderr


def test_demo_in_a_folder_that_cannot_be_created_is_one_clear_line(
    tmp_path: Path, run_kiosk
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")

    result = run_kiosk("demo", "--data-dir", str(blocker / "demo"), "--setup-only")

    assert result.returncode == 3
    assert result.stderr.startswith("error: cannot use ")
    assert "Traceback" not in result.stderr


def test_technician_sees_held_back_jobs_and_reprints_the_last_ticket(
    tmp_path: Path, run_kiosk
) -> None:
    blocker = tmp_path / "spool-parent"
    blocker.write_text("in the way")
    config = tmp_path / "station.toml"
    config.write_text(
        f'[station]\ndata_dir = "data"\n[printer]\nspool_dir = "{blocker / "spool"}"\n',
        encoding="utf-8",
    )
    issued = run_kiosk("--config", str(config), "ticket", "issue", "id-card")
    jobs = run_kiosk("--config", str(config), "printer", "jobs")
    blocker.unlink()
    retried = run_kiosk("--config", str(config), "printer", "retry")
    reprinted = run_kiosk("--config", str(config), "printer", "reprint-last")

    assert issued.returncode == 1 and "printed=no" in issued.stdout
    assert jobs.stdout.startswith("pending   ticket  ticket-")
    assert "cannot write to spool folder" in jobs.stdout
    assert jobs.stdout.rstrip().endswith("1 job(s) not printed")
    assert (retried.returncode, retried.stdout) == (0, "printed 1 of 1 tried\n")
    assert (reprinted.returncode, reprinted.stdout) == (0, "reprinted\n")
    assert len(list((blocker / "spool").glob("*.pdf"))) == 2
