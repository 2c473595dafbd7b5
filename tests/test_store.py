"""The object store keeps originals by sha256, immutably, and survives leftovers of a crash."""
from __future__ import annotations

import hashlib

from archive.store import ObjectStore, sha256_file


def test_put_file_stores_by_hash_read_only(tmp_path):
    src = tmp_path / "a.txt"
    src.write_bytes("Lạng Sơn".encode())
    store = ObjectStore(tmp_path / "objects")
    digest = store.put_file(src)
    assert digest == hashlib.sha256(src.read_bytes()).hexdigest() == sha256_file(src)
    stored = store.path_for(digest)
    assert stored.read_bytes() == src.read_bytes()
    assert stored.parent.name == digest[:2] and stored.name == digest[2:]
    assert stored.stat().st_mode & 0o222 == 0, "originals must be read-only"


def test_same_content_twice_is_one_object(tmp_path):
    store = ObjectStore(tmp_path / "objects")
    a, b = tmp_path / "a", tmp_path / "b"
    a.write_bytes(b"same")
    b.write_bytes(b"same")
    assert store.put_file(a) == store.put_file(b)
    assert list(store.iter_hashes()) == [hashlib.sha256(b"same").hexdigest()]


def test_clean_temp_removes_half_written_files(tmp_path):
    store = ObjectStore(tmp_path / "objects")
    (tmp_path / "objects" / "tmp").mkdir(parents=True)
    (tmp_path / "objects" / "tmp" / "abc123").write_bytes(b"half")
    assert store.clean_temp() == 1
    assert list(store.iter_hashes()) == []
