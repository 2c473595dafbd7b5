"""`ttdn oai list-records`: the harvest a staff member can check from the command line."""
from __future__ import annotations

from tests.conftest import run_cli
from tests.oai_fixtures import *  # noqa: F401,F403
from tests.oai_fixtures import SECRET_WORD, public_ids


def test_list_records_prints_one_line_per_public_record(oai_home):
    result = run_cli(oai_home, "oai", "list-records")
    assert result.exit_code == 0, result.output
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert {fields[0].rsplit(":", 1)[1] for fields in lines} == public_ids(oai_home)
    assert all(fields[2] == "public" for fields in lines) and SECRET_WORD not in result.stdout


def test_list_records_selects_a_set_and_reports_protocol_errors(oai_home):
    maps = run_cli(oai_home, "oai", "list-records", "--set", "kind:map", "--prefix", "ttdn")
    assert maps.exit_code == 0 and len(maps.stdout.splitlines()) == 2
    bad = run_cli(oai_home, "oai", "list-records", "--prefix", "marc21")
    assert bad.exit_code != 0 and "cannotDisseminateFormat" in bad.output
