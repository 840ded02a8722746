"""Importing the portal's export: clean every record, report each problem by code and field,
keep going, and store only what changed, so running it twice changes nothing."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.catalogue.clean import WARD_LEVEL, RecordProblem, clean_record, read_records
from bot.domain.procedure import Procedure


@dataclass
class CleanedExport:
    procedures: list[Procedure] = field(default_factory=list)
    warnings: list[RecordProblem] = field(default_factory=list)  # kept, with a remark
    refused: list[RecordProblem] = field(default_factory=list)  # not imported
    lines: int = 0
    other_levels: int = 0  # well-formed, but not done at the ward level


def clean_export(
    path: Path, all_levels: bool, progress: Callable[[int], None] | None = None
) -> CleanedExport:
    result = CleanedExport()
    by_code: dict[str, int] = {}
    for number, raw in read_records(path):
        result.lines = number
        if progress is not None:
            progress(number)
        if isinstance(raw, RecordProblem):
            raw.line = number
            result.refused.append(raw)
            continue
        try:
            procedure, warnings = clean_record(raw)
        except RecordProblem as problem:
            problem.line = number
            result.refused.append(problem)
            continue
        for warning in warnings:
            warning.line = number
        if not all_levels and WARD_LEVEL not in procedure.levels:
            result.other_levels += 1
            continue
        result.warnings.extend(warnings)
        if procedure.code in by_code:
            result.warnings.append(
                RecordProblem(procedure.code, "ma_thu_tuc", "repeated; kept this last one", number)
            )
            result.procedures[by_code[procedure.code]] = procedure
        else:
            by_code[procedure.code] = len(result.procedures)
            result.procedures.append(procedure)
    return result


def write_catalogue(procedures: list[Procedure], path: Path) -> None:
    """The cleaned catalogue as gzipped JSON lines, the form the bot ships."""
    lines = "".join(p.model_dump_json() + "\n" for p in sorted(procedures, key=lambda p: p.code))
    path.write_bytes(gzip.compress(lines.encode("utf-8"), mtime=0))
