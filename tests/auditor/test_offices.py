"""Offices found on a site map to the names a checklist uses."""
import pytest

from zwgk.auditor.scoring import match_office

KNOWN = ("县政府办公室", "县财政局", "县教育和体育局", "市生态环境局沂源分局", "县司法局")


@pytest.mark.parametrize("site_name, expected", [
    ("县财政局", "县财政局"),
    ("示例县财政局", "县财政局"),
    ("沂源县教育和体育局", "县教育和体育局"),
    ("淄博市生态环境局沂源分局", "市生态环境局沂源分局"),
    ("示例县司法局", "县司法局"),
    ("示例县统计局", "示例县统计局"),      # not in the checklist: keeps its own name
    ("县财政局机关", "县财政局机关"),
])
def test_match_office(site_name, expected):
    assert match_office(site_name, KNOWN) == expected
