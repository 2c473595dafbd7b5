"""`ttdn backup` writes a BagIt bag that bagit validates; `ttdn restore` + `reindex` gives it all back."""
from __future__ import annotations

import bagit

from .conftest import run_cli, run_json

QUERIES = ("lang son", "nghị định", "谅山", "244/2026/NĐ-CP")


def test_backup_restore_reindex_gives_identical_results(corpus_copy, tmp_path):
    bag_dir = tmp_path / "backup"
    result = run_cli(corpus_copy, "backup", str(bag_dir))
    assert result.exit_code == 0, result.output
    bag = bagit.Bag(str(bag_dir))
    bag.validate()
    assert "sha256" in bag.algorithms
    assert (bag_dir / "data" / "catalog.sqlite3").is_file()
    assert (bag_dir / "data" / "events.jsonl").read_text(encoding="utf-8").count("ingested") >= 10

    restored = tmp_path / "restored"
    result = run_cli(restored, "restore", str(bag_dir))
    assert result.exit_code == 0, result.output
    assert run_cli(restored, "reindex").exit_code == 0
    assert run_cli(restored, "verify").exit_code == 0
    assert run_json(restored, "stats") == run_json(corpus_copy, "stats")
    for query in QUERIES:
        before = run_json(corpus_copy, "search", query, "--as", "admin")
        after = run_json(restored, "search", query, "--as", "admin")
        assert [h["id"] for h in after["hits"]] == [h["id"] for h in before["hits"]], query
        assert after["facets"] == before["facets"]


def test_restore_refuses_a_damaged_bag_and_a_full_home(corpus_copy, tmp_path):
    bag_dir = tmp_path / "backup"
    assert run_cli(corpus_copy, "backup", str(bag_dir)).exit_code == 0
    assert run_cli(corpus_copy, "restore", str(bag_dir)).exit_code == 2, "home is not empty"
    victim = next((bag_dir / "data" / "objects").glob("??/*"))
    victim.chmod(0o644)
    victim.write_bytes(victim.read_bytes() + b"x")
    result = run_cli(tmp_path / "new-home", "restore", str(bag_dir))
    assert result.exit_code == 1
    assert "not a valid backup bag" in result.output
