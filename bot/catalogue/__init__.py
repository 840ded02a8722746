"""The procedure catalogue: the national portal's export, cleaned into ``Procedure`` objects."""

from bot.catalogue.clean import RecordProblem, clean_record, normalise_text, read_records

__all__ = ["RecordProblem", "clean_record", "normalise_text", "read_records"]
