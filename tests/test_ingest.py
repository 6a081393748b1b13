"""Ingest: discovery, decoding cascade, content ids, recorded errors."""

from __future__ import annotations

import codecs
import os

import pytest

from pipeline.ingest import content_id, decode, list_sources, read_source

FRENCH = "Le ministère a annoncé 24,3 millions d’euros pour la plateforme « Été » à Orléans."


@pytest.mark.parametrize(
    "data, encoding",
    [
        (FRENCH.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + FRENCH.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + FRENCH.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + FRENCH.encode("utf-16-be"), "utf-16"),
        (FRENCH.encode("cp1252"), "cp1252"),
        ("Préfecture de l'Hérault".encode("latin-1"), "cp1252"),
    ],
)
def test_decode_cascade(data, encoding):
    text, enc = decode(data, "text")
    assert enc == encoding
    assert "minist" in text or "Préfecture" in text
    assert "\ufeff" not in text


def test_decode_uses_html_meta_charset_before_cp1252():
    html = '<html><head><meta charset="iso-8859-15"></head><body>Coût : 5 €</body></html>'.encode("iso-8859-15")
    text, enc = decode(html, "html")
    assert enc == "iso-8859-15"
    assert "5 €" in text


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "gzip"),
        (b"abc\x00def\x00", "NUL"),
    ],
)
def test_binary_content_is_refused(data, reason):
    with pytest.raises(ValueError, match=reason):
        decode(data, "html")


def test_content_id_depends_on_bytes_only():
    assert content_id(b"abc") == content_id(b"abc")
    assert content_id(b"abc") != content_id(b"abd")
    assert len(content_id(b"abc")) == 16


def test_list_sources_recursive_sorted_and_filtered(tmp_path):
    (tmp_path / "b").mkdir()
    for name in ["a.txt", "b/c.HTML", "b/d.htm", "notes.md", "img.png"]:
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = [os.path.relpath(p, tmp_path) for p in list_sources(tmp_path)]
    assert found == ["a.txt", os.path.join("b", "c.HTML"), os.path.join("b", "d.htm")]


def test_symlink_loop_does_not_hang(tmp_path):
    (tmp_path / "a.txt").write_text("Bonjour", encoding="utf-8")
    os.symlink(tmp_path, tmp_path / "loop")
    assert [os.path.basename(p) for p in list_sources(tmp_path)] == ["a.txt"]


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "empty file"),
        (b"   \n\t  ", "empty file"),
        (b"%PDF-1.4 binary", "binary content (PDF document)"),
    ],
)
def test_read_source_records_one_line_errors(tmp_path, content, expected):
    p = tmp_path / "article.html"
    p.write_bytes(content)
    src = read_source(str(p))
    assert src.error is not None and src.error.startswith(expected)
    assert "\n" not in src.error


def test_read_source_size_limit(tmp_path):
    p = tmp_path / "big.txt"
    p.write_bytes(b"a" * 2000)
    src = read_source(str(p), max_bytes=1000)
    assert src.error and "too large" in src.error


def test_read_source_sniffs_html_saved_as_txt(tmp_path):
    p = tmp_path / "page.txt"
    p.write_text("<!DOCTYPE html><html><body><p>Texte</p></body></html>", encoding="utf-8")
    assert read_source(str(p)).kind == "html"


def test_unreadable_file_is_recorded(tmp_path):
    p = tmp_path / "secret.txt"
    p.write_text("x", encoding="utf-8")
    p.chmod(0)
    try:
        src = read_source(str(p))
        if os.geteuid() == 0:
            assert src.error is None  # root reads anything: nothing to record
        else:
            assert src.error and src.error.startswith("cannot read")
    finally:
        p.chmod(0o644)


def test_dangling_symlink_is_recorded(tmp_path):
    os.symlink(tmp_path / "missing.txt", tmp_path / "gone.txt")
    src = read_source(str(tmp_path / "gone.txt"))
    assert src.error and src.error.startswith("cannot read")
