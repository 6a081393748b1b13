"""Ingest: find article files, read them, decode them, give each a content id.

Cascade for one file (first step that decides wins):
0. not a regular file (FIFO, device, directory, socket) -> error: it is opened without
   blocking and never read, so a named pipe or a link to /dev/zero cannot hang the run;
1. size: larger than the limit -> error (bounded time and memory, whatever the folder holds);
2. empty or whitespace-only -> error;
3. byte-order mark -> that Unicode encoding (UTF-8, UTF-16 LE/BE, UTF-32);
4. binary signatures (PDF, PNG, GIF, JPEG, gzip, zip) or NUL bytes -> error naming what it is;
5. strict UTF-8; a file cut inside its last character (an interrupted download) keeps
   the characters before the cut, rather than going on to be misread as cp1252;
6. for HTML, the charset its <meta> declares, when Python knows it and it decodes;
7. cp1252 (what French Windows editors write; a superset of latin-1 for printable text);
8. latin-1, which cannot fail: the last resort, recorded as such.

Nothing here raises for a bad file: the reason goes into `SourceFile.error`, a single line.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
from pathlib import Path

from pipeline.model import SourceFile

EXTENSIONS = {".html": "html", ".htm": "html", ".txt": "text"}
DEFAULT_MAX_BYTES = 20 * 1024 * 1024  # a real article page is < 2 MB; 20 MB leaves room for bloated HTML

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: its BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_SIGNATURES = [
    (b"%PDF", "PDF document"),
    (b"\x89PNG", "PNG image"),
    (b"GIF8", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"\x1f\x8b", "gzip archive"),
    (b"PK\x03\x04", "zip archive"),
]
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)
_LOOKS_HTML = re.compile(r"^\s*(<!doctype html|<html|<\?xml|<head|<body|<article)", re.I)


def content_id(data: bytes) -> str:
    """Same bytes, same id: the first 16 hex digits of their SHA-256."""
    return hashlib.sha256(data).hexdigest()[:16]


def scan_sources(raw_dir: str | os.PathLike) -> tuple[list[str], list[SourceFile]]:
    """(article files, other files skipped for their type) under raw_dir, recursively, in a stable order.

    Symbolic links to directories are not followed (a link loop must not hang the run);
    links to files are listed and fail at read time if they dangle or loop. A skipped
    file carries its reason, for `ingest_errors`: a photo dropped in the folder, or a
    folder of the wrong files, is said, not silently ignored.
    """
    found: list[str] = []
    skipped: list[SourceFile] = []
    for root, dirs, files in os.walk(raw_dir, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            suffix = Path(name).suffix.lower()
            if suffix in EXTENSIONS:
                found.append(os.path.join(root, name))
            else:
                skipped.append(SourceFile(path=os.path.join(root, name), error=skip_reason(suffix)))
    return found, skipped


def skip_reason(suffix: str) -> str:
    kind = f"a {suffix} file" if suffix else "a file without extension"
    return f"not read: {kind}, not an article (only {', '.join(EXTENSIONS)} files are read)"


def list_sources(raw_dir: str | os.PathLike) -> list[str]:
    """Every article file under raw_dir, recursively, in a stable order (see scan_sources)."""
    return scan_sources(raw_dir)[0]


def decode(data: bytes, kind: str) -> tuple[str, str]:
    """Bytes to text by the cascade in the module docstring: (text, encoding)."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc), enc
    for magic, what in _SIGNATURES:
        if data.startswith(magic):
            raise ValueError(f"binary content ({what}), not an article")
    if b"\x00" in data[:8192]:
        raise ValueError("binary content (NUL bytes), not an article")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        # The decoder stops at the first error: one that is a sequence cut by the end of the
        # file leaves everything before it valid.
        if exc.reason == "unexpected end of data" and exc.end == len(data) and exc.start > len(data) - 4:
            return data[: exc.start].decode("utf-8"), "utf-8"
    if kind == "html":
        m = _META_CHARSET.search(data[:4096])
        if m:
            declared = m.group(1).decode("ascii", "replace").lower()
            try:
                return data.decode(declared), declared
            except (LookupError, UnicodeDecodeError):
                pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


_FILE_TYPES = [
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
]


class Refused(Exception):
    """A file that is not read, with the one-line reason."""


def _too_large(size: int, max_bytes: int) -> str:
    return f"file too large: {size:,} bytes, over the {max_bytes:,}-byte limit (--max-bytes)"


def read_bytes(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most max_bytes; raises Refused (not a regular
    file, too large) or OSError. Anything that reads article files should read them here.
    """
    # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            what = next((name for test, name in _FILE_TYPES if test(info.st_mode)), "an unknown kind of file")
            raise Refused(f"not a regular file: {what}")
        if info.st_size > max_bytes:
            raise Refused(_too_large(info.st_size, max_bytes))
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:  # it grew while we looked
        raise Refused(_too_large(len(data), max_bytes))
    return data


def read_source(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> SourceFile:
    """Read and decode one file; never raises."""
    src = SourceFile(path=path, kind=EXTENSIONS.get(Path(path).suffix.lower(), "text"))
    try:
        data = read_bytes(path, max_bytes)
    except Refused as exc:
        src.error = str(exc)
        return src
    except OSError as exc:
        src.error = f"cannot read: {exc.strerror or exc.__class__.__name__}"
        return src
    src.id = content_id(data)
    if not data.strip():
        src.error = "empty file"
        return src
    try:
        text, encoding = decode(data, src.kind)
    except UnicodeDecodeError as exc:  # a BOM that lies about the rest (a ValueError too: catch it first)
        src.error = f"undecodable text: {exc.reason} ({exc.encoding}, as its byte-order mark says)"
        return src
    except ValueError as exc:
        src.error = str(exc)
        return src
    if not text.strip():
        src.error = "empty file (whitespace only)"
        return src
    if src.kind == "text" and _LOOKS_HTML.match(text):
        src.kind = "html"  # an HTML page saved under .txt is still HTML
    src.text, src.encoding = text, encoding
    return src
