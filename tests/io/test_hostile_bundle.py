"""Compressed bundles that unpack to far more than they weigh (decompression bombs): read
as a stream with a cap and a ratio check, refused with one message naming the file, in
bounded memory, the library unchanged. The limits are lowered here so that the bombs
stay small and the tests fast."""

from __future__ import annotations

import gzip
import json
import tracemalloc
from pathlib import Path

import pytest
from support import Cli, dump, write

import desktop.io.bundle as bundle_module
from desktop.core.bundle import BundleError
from desktop.core.errors import DecompressionBombError, FileTooLargeError
from desktop.io.bundle import read_bundle

MB = 1_000_000
BODY = ("Harbour plan splits the town council\n\nThe council voted seven to four on "
        "Tuesday to widen the old harbour, after a debate that ran past midnight.\n")


def _bomb(path: Path, unpacked: int) -> Path:
    """A gzip file whose JSON unpacks to ``unpacked`` bytes, nearly all one repeated
    character: about a thousandth of that on disk."""
    head = b'{"format": "closeread-bundle", "version": 1, "generator": "'
    with gzip.open(path, "wb", compresslevel=9) as stream:
        stream.write(head)
        block = b"0" * MB
        for _ in range(unpacked // MB):
            stream.write(block)
        stream.write(b'"}')
    return path


@pytest.fixture
def library(run: Cli, tmp_path: Path) -> Cli:
    run("import", str(write(tmp_path / "seed" / "first.txt", BODY)))
    return run


def refused(run: Cli, path: Path, *words: str) -> None:
    before = dump(run.db)
    result = run("merge", str(path), ok=False)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"Error: {path}: "), result.stderr
    assert result.stderr.count("\n") == 1 and "unexpected" not in result.stderr
    for word in words:
        assert word in result.stderr
    assert dump(run.db) == before


def test_a_bomb_past_the_size_limit_is_refused(library, tmp_path, monkeypatch):
    monkeypatch.setattr(bundle_module, "MAX_BUNDLE_BYTES", 2 * MB)
    path = _bomb(tmp_path / "bomb.json.gz", 8 * MB)
    assert path.stat().st_size < 20_000
    refused(library, path, "unpacks to more than 2.0 MB", "bundles are read up to that size")


def test_a_bomb_is_refused_by_its_ratio_before_the_size_limit(library, tmp_path, monkeypatch):
    monkeypatch.setattr(bundle_module, "_RATIO_FROM", 1 * MB)
    path = _bomb(tmp_path / "bomb.gz", 8 * MB)
    refused(library, path, "over 200 times its size", "a decompression bomb")


def test_unpacking_a_bomb_takes_memory_near_the_limit_not_near_the_bomb(tmp_path, monkeypatch):
    monkeypatch.setattr(bundle_module, "MAX_BUNDLE_BYTES", 2 * MB)
    path = _bomb(tmp_path / "bomb.gz", 40 * MB)
    tracemalloc.start()
    try:
        with pytest.raises(DecompressionBombError):
            read_bundle(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # the cap, one megabyte being unpacked and one read: gzip.decompress took all 40 MB
    assert peak < 6 * MB, peak


def test_an_uncompressed_bundle_past_the_limit_is_refused_before_it_is_read(
        library, tmp_path, monkeypatch):
    monkeypatch.setattr(bundle_module, "MAX_BUNDLE_BYTES", 1 * MB)
    path = write(tmp_path / "big.json", b'{"format": "closeread-bundle", "x": "'
                 + b"1" * (2 * MB) + b'"}')
    refused(library, path, "the file is 2.0 MB", "bundles over 1.0 MB are not read")
    with pytest.raises(FileTooLargeError):
        read_bundle(path)


def test_a_limit_can_be_given_per_read(tmp_path):
    path = _bomb(tmp_path / "b.gz", 3 * MB)
    with pytest.raises(DecompressionBombError, match=r"more than 1\.0 MB"):
        read_bundle(path, limit=1 * MB)


@pytest.fixture
def exported(tmp_path: Path) -> Path:
    """A real bundle of one article and one passage, as JSON."""
    source = Cli(tmp_path / "source.db")
    source("import", str(write(tmp_path / "src" / "first.txt", BODY)))
    article = json.loads(source("articles", "--json").stdout)[0]["id"]
    source("annotate", article, "--quote", "old harbour", "--tag", "evidence")
    source("export", "--format", "bundle", "-o", str(tmp_path / "real.json"))
    return tmp_path / "real.json"


def test_a_real_compressed_bundle_still_merges(run, exported, tmp_path):
    packed = write(tmp_path / "real.json.gz", gzip.compress(exported.read_bytes()))
    assert "annotations: 1 added" in run("merge", str(packed)).stdout


def test_a_gzip_of_several_members_and_zero_padding_reads_whole(run, exported, tmp_path):
    data = exported.read_bytes()
    half = len(data) // 2
    packed = write(tmp_path / "members.gz", gzip.compress(data[:half]) + gzip.compress(
        data[half:]) + b"\x00" * 512)
    assert "annotations: 1 added" in run("merge", str(packed)).stdout


@pytest.mark.parametrize(("damage", "words"), [
    (lambda data: data[: len(data) // 2], "it ends before its data does"),
    (lambda data: data[:10] + b"\xff" * 20 + data[30:], "a damaged gzip file"),
    (lambda data: data + b"garbage", "a damaged gzip file"),
])
def test_a_damaged_gzip_bundle_is_refused(library, exported, tmp_path, damage, words):
    packed = write(tmp_path / "damaged.gz", damage(gzip.compress(exported.read_bytes())))
    refused(library, packed, words)
    with pytest.raises(BundleError):
        read_bundle(packed)
