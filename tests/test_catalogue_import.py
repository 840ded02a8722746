"""``python -m bot catalogue import``: an admin loads a newer export of the national portal.
Every bad record is named and skipped, the rest is stored, and a second run changes nothing.

The fixture ``tests/data/portal-export-sample.jsonl`` holds six lines copied from the shared
export: three ward-level records (1.004194, 1.003677, 1.010038), a line cut in the middle
(line 3), a ministry-level record (5.003803) and a record whose code was removed."""

from __future__ import annotations

import gzip
import sqlite3
import time
from pathlib import Path

import pytest

from bot.config import Settings
from bot.domain.procedure import Procedure
from bot.standin import StandIn
from tests.conftest import ADMIN_ID, BotRunner, run_bot

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "data" / "portal-export-sample.jsonl"
# The shared export sits beside the project (as on CI); the big test skips where it does not.
ALL_LEVELS = ROOT.parent / "shared" / "data" / "procedures-all.jsonl"
WARD = {"1.004194", "1.003677", "1.010038"}


def stored(database: Path) -> dict[str, Procedure]:
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT code, data FROM procedures").fetchall()
    return {code: Procedure.model_validate_json(data) for code, data in rows}


def test_import_stores_good_records_and_names_bad_ones(tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    result = run_bot(database, "catalogue", "import", SAMPLE)
    assert result.returncode == 0, result.stderr
    assert (
        "6 lines: 3 procedures cleaned, 2 refused, 0 notes, "
        "1 not at the ward level (skipped)" in result.stdout
    )
    assert f"{database}: 3 added, 0 changed, 0 unchanged, 0 removed" in result.stdout
    assert "Restart the bot to use the new catalogue." in result.stdout
    refused = [line for line in result.stderr.splitlines() if " refused " in line]
    assert refused == [
        f"{SAMPLE}:3: refused ?: record: not valid JSON: Invalid control character at",
        f"{SAMPLE}:6: refused ?: ma_thu_tuc: missing",
    ]

    catalogue = stored(database)
    assert set(catalogue) == WARD  # not the cut line, the ministry's record or the codeless one
    tam_tru = catalogue["1.004194"]
    assert tam_tru.name == "Đăng ký tạm trú"
    assert tam_tru.field == "Đăng ký, quản lý cư trú"
    assert {(c.kind, c.fee) for c in tam_tru.channels} == {
        ("online", "7.000 đồng/lần đăng ký"),  # the unit, from the description
        ("in_person", "10.000 đồng/người/lần đăng ký"),
    }
    assert tam_tru.documents and tam_tru.steps and tam_tru.legal_basis
    assert (tam_tru.authority, tam_tru.receiving_address) == ("Công an cấp Xã", "Công an cấp xã")
    # "Lưu ý: …" remarks stay on the card as notes; they are not documents to bring.
    notes = [d.name for d in tam_tru.documents if d.kind == "note"]
    assert len(notes) == 2 and all(n.startswith(("Lưu ý", "Ví dụ")) for n in notes)
    assert catalogue["1.010038"].receiving_address is None  # the portal gives none


def test_second_run_changes_nothing(tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    assert run_bot(database, "catalogue", "import", SAMPLE).returncode == 0
    with sqlite3.connect(database) as db:
        before = db.execute("SELECT code, data, updated_at FROM procedures").fetchall()
    again = run_bot(database, "catalogue", "import", SAMPLE)
    assert again.returncode == 0, again.stderr
    assert f"{database}: 0 added, 0 changed, 3 unchanged, 0 removed" in again.stdout
    with sqlite3.connect(database) as db:
        after = db.execute("SELECT code, data, updated_at FROM procedures").fetchall()
    assert sorted(after) == sorted(before)  # not even rewritten


def test_prune_removes_what_the_export_no_longer_has(tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    assert run_bot(database, "catalogue", "import", SAMPLE).returncode == 0
    smaller = tmp_path / "smaller.jsonl"
    smaller.write_text(SAMPLE.read_text(encoding="utf-8").splitlines()[0] + "\n", "utf-8")

    kept = run_bot(database, "catalogue", "import", smaller)
    assert f"{database}: 0 added, 0 changed, 1 unchanged, 0 removed" in kept.stdout
    assert set(stored(database)) == WARD  # without --prune, nothing is removed

    pruned = run_bot(database, "catalogue", "import", smaller, "--prune")
    assert pruned.returncode == 0, pruned.stderr
    assert f"{database}: 0 added, 0 changed, 1 unchanged, 2 removed" in pruned.stdout
    assert set(stored(database)) == {"1.004194"}


def test_export_writes_the_shipped_form_and_stores_nothing(tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    out = tmp_path / "procedures.jsonl.gz"
    result = run_bot(database, "catalogue", "import", SAMPLE, "--export", out)
    assert result.returncode == 0, result.stderr
    assert f"wrote {out}" in result.stdout
    assert not database.exists()
    lines = gzip.decompress(out.read_bytes()).decode("utf-8").splitlines()
    procedures = [Procedure.model_validate_json(line) for line in lines]  # as the bot reads it
    assert [p.code for p in procedures] == sorted(WARD)
    assert procedures[0].name == "Khai báo tạm vắng"  # 1.003677
    # The same export twice gives the same bytes (no timestamp in the gzip header).
    again = tmp_path / "again.jsonl.gz"
    assert run_bot(database, "catalogue", "import", SAMPLE, "--export", again).returncode == 0
    assert again.read_bytes() == out.read_bytes()


def test_missing_file_is_reported(tmp_path: Path) -> None:
    result = run_bot(tmp_path / "bot.sqlite3", "catalogue", "import", tmp_path / "nope.jsonl")
    assert result.returncode == 1
    assert result.stderr.strip() == f"{tmp_path / 'nope.jsonl'}: no such file"


async def test_all_levels_import_is_what_the_bot_serves(
    settings: Settings, standin: StandIn
) -> None:
    if not ALL_LEVELS.exists():
        pytest.skip(f"{ALL_LEVELS} is not available")
    database = settings.database
    started = time.monotonic()
    result = run_bot(database, "catalogue", "import", ALL_LEVELS, "--all-levels")
    assert result.returncode == 0, result.stderr
    assert "2642 lines: 2642 procedures cleaned, 0 refused" in result.stdout
    assert f"{database}: 2642 added, 0 changed, 0 unchanged, 0 removed" in result.stdout
    catalogue = stored(database)
    assert len(catalogue) == 2642
    assert not catalogue["5.003803"].ward_level  # kept although not done at the ward level
    again = run_bot(database, "catalogue", "import", ALL_LEVELS, "--all-levels")
    assert f"{database}: 0 added, 0 changed, 2642 unchanged, 0 removed" in again.stdout
    assert time.monotonic() - started < 20

    runner = BotRunner(settings)
    await runner.start()
    try:
        user = standin.user(1401, "Lan", language_code="vi")
        card = await user.reply("Công bố mở luồng đường thủy nội địa quốc gia", timeout=10)
        assert "Mã thủ tục: 5.003803" in card.plain
    finally:
        await runner.stop()


async def test_bot_starts_after_importing_a_catalogue_without_the_flows_procedures(
    settings: Settings, standin: StandIn
) -> None:
    """The shipped flows lead to procedures this small catalogue lacks: the bot still starts,
    answers from the catalogue it has, and tells the admin why the flows are not in use."""
    assert run_bot(settings.database, "catalogue", "import", SAMPLE).returncode == 0
    runner = BotRunner(settings)
    await runner.start()
    try:
        user = standin.user(1402, "Lan", language_code="vi")
        card = await user.reply("Khai báo tạm vắng")
        assert "Mã thủ tục: 1.003677" in card.plain
        admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
        files = (await admin.reply("/files")).plain
        flows = files[files.index("• flows.yaml") :]
        assert "⚠️ Phiên bản 1 không còn hợp lệ với dữ liệu hiện tại" in flows
        assert "đang dùng không có tệp này (tính năng liên quan tạm ẩn)" in flows
        assert "flows.yaml, dòng" in flows  # the reason names the file and line
        assert "⚠️" not in files[: files.index("• flows.yaml")]  # the other files are fine
    finally:
        await runner.stop()


def test_unreadable_database_is_named_without_a_traceback(tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    database.write_bytes(b"not a database " * 100)
    unit = tmp_path / "unit.yaml"
    unit.write_text("name: x\n", encoding="utf-8")
    for argv in (("files", "load", str(unit)), ("catalogue", "import", str(SAMPLE))):
        result = run_bot(database, *argv)
        assert result.returncode == 2
        assert result.stderr.strip() == (
            f"Configuration error: BOT_DATABASE: cannot open {database}: file is not a database"
        )
