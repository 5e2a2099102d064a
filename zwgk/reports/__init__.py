"""The REPORT stage: results.json → self-contained Chinese HTML report, CSV and Excel exports."""
from .export import write_csv, write_xlsx
from .render import render_html, write_report

__all__ = ["render_html", "write_report", "write_csv", "write_xlsx"]
