"""A form's save writes its change into the admin's file: every comment stays beside what it
explains, and nothing but the change differs."""

from __future__ import annotations

import difflib
from importlib import resources

import yaml

from bot.yamldoc import rewritten

UNIT = resources.files("bot.data").joinpath("unit.yaml").read_text("utf-8")


def test_a_changed_value_changes_one_line_and_keeps_every_comment() -> None:
    data = yaml.safe_load(UNIT)
    data["hotline"] = "024 1111 2222"
    data["offices"][1]["phone"] = "024 3856 0000"
    out = rewritten(UNIT, data)
    assert yaml.safe_load(out) == data
    changed = [
        line
        for line in difflib.unified_diff(UNIT.splitlines(), out.splitlines(), n=0, lineterm="")
        if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]
    assert changed == [
        '-hotline: "024 0000 0000"',
        '+hotline: "024 1111 2222"',
        '-    phone: "024 0000 0001"',
        '+    phone: "024 3856 0000"',
    ]
    comments = [line for line in UNIT.splitlines() if line.lstrip().startswith("#")]
    assert comments and all(line in out.splitlines() for line in comments)


def test_removed_and_added_entries_and_a_text_of_several_lines() -> None:
    text = "# Tiêu đề\nentries:\n  # mục a\n  - id: a\n    answer: {vi: x}\n  - id: b\n"
    text += "    answer: {vi: y}\n  - id: gone\n    answer: {vi: z}\n"
    lines = {"id": "c", "answer": {"vi": "dòng 1\ndòng 2"}}
    data = {"entries": [{"id": "a", "answer": {"vi": "x"}}, {"id": "b", "answer": {"vi": "y"}}]}
    data["entries"].append(lines)
    out = rewritten(text, data)
    assert yaml.safe_load(out) == data
    assert out.startswith("# Tiêu đề\nentries:\n  # mục a\n  - id: a\n    answer: {vi: x}\n")
    assert "vi: |-\n        dòng 1\n        dòng 2\n" in out  # its lines, not "\n" escapes


def test_a_text_that_is_not_a_mapping_is_written_anew_under_its_header() -> None:
    out = rewritten("# đầu tệp\n- a\n- b\n", {"flows": []})
    assert out == "# đầu tệp\nflows: []\n"


def test_a_text_that_yaml_1_1_reads_as_a_yes_or_a_number_is_read_back_as_written() -> None:
    """ruamel writes YAML 1.2 and the bot reads YAML 1.1: «No» must not come back as false."""
    text = "# đầu tệp\nshorthand:\n  ko: không\nflows: []\n"
    tricky = ["No", "yes", "on", "OFF", "7:30", "1_000", "0x1F", "2026-12-01", "~", "null"]
    data = {
        "shorthand": {"ko": "không", "no": "không", "on": "ôn"},
        "flows": [{"id": "f", "options": [{"label": label, "next": label} for label in tricky]}],
    }
    out = rewritten(text, data)
    assert yaml.safe_load(out) == data
    assert out.startswith("# đầu tệp\nshorthand:\n  ko: không\n  'no': không\n")


def test_removing_an_entry_without_an_id_keeps_each_comment_beside_its_own_entry() -> None:
    text = (
        "options:\n"
        "  - label: Một  # nút đầu\n"
        "    next: a\n"
        "  - label: Hai  # nút hai, cho người nước ngoài\n"
        "    next: b\n"
        "words:\n"
        "  - khai sinh  # chữ đầy đủ\n"
        "  - ks  # viết tắt\n"
        "  - giấy khai sinh  # hay gặp\n"
        "answer: {vi: x}\n"
    )
    data = {
        "options": [{"label": "Hai", "next": "b"}],
        "words": ["khai sinh", "giấy khai sinh"],
        "answer": {"vi": "dòng 1\ndòng 2"},
    }
    out = rewritten(text, data)
    assert yaml.safe_load(out) == data
    assert out == (
        "options:\n"
        "  - label: Hai  # nút hai, cho người nước ngoài\n"
        "    next: b\n"
        "words:\n"
        "  - khai sinh  # chữ đầy đủ\n"
        "  - giấy khai sinh  # hay gặp\n"
        "answer:\n"
        "  vi: |-\n"
        "    dòng 1\n"
        "    dòng 2\n"
    )
    # A relabelled option is the same option: its comment stays.
    renamed = rewritten(out, {**data, "options": [{"label": "Hai (mới)", "next": "b"}]})
    assert "  - label: Hai (mới) # nút hai, cho người nước ngoài\n" in renamed
