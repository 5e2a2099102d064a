"""Shared format parsers: text normalisation, dates, 发文字号 — one of each for the project."""
from zwgk.formats.dates import find_dates, parse_date, parse_datetime
from zwgk.formats.docnumber import DocNumber, parse_doc_number, split_doc_numbers
from zwgk.formats.text import norm, strip_label

__all__ = [
    "DocNumber", "find_dates", "norm", "parse_date", "parse_datetime",
    "parse_doc_number", "split_doc_numbers", "strip_label",
]
