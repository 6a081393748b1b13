"""Compiled regular expressions kept on disk, so that loading the spaCy model does not compile them again.

Why: importing spaCy's French language data compiles a handful of huge patterns (the
tokenizer's exception and punctuation rules, character classes over every accented
letter): 3-5 s of CPU, three quarters of the model's load, paid by every process that
loads it. Python keeps compiled patterns only in memory. Inside `kept()`, a pattern of
at least MIN_LENGTH characters compiled by `re` is looked up on disk first: what is
stored is the output of Python's own compiler for that pattern (the `_sre` code), keyed
by the pattern, its flags and the exact Python build, and handed to `_sre.compile` as
`re` itself does, so the pattern object is the one `re` would have built. Anything
unexpected (another Python, an unreadable or foreign file) falls back to compiling.

Where: $PIPELINE_CACHE_DIR, else $XDG_CACHE_HOME/press-funding-pipeline, else
~/.cache/press-funding-pipeline; PIPELINE_REGEX_CACHE=0 turns it off. Files are written
whole to a temporary name and renamed, so that processes loading the model at the same
time never read half a file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
import threading
from pathlib import Path

MIN_LENGTH = 2000  # shorter patterns compile in well under a millisecond
_LOCK = threading.RLock()  # one patch at a time; a block inside another leaves the outer one in place
_active = False


def cache_dir() -> Path:
    if os.environ.get("PIPELINE_CACHE_DIR"):
        return Path(os.environ["PIPELINE_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "press-funding-pipeline"


def _build() -> str:
    import _sre

    return f"{sys.version}|{_sre.MAGIC}|{_sre.CODESIZE}"


def _path(folder: Path, pattern: str, flags: int) -> Path:
    key = hashlib.sha256(f"{_build()}\0{flags}\0{pattern}".encode("utf-8", "surrogatepass")).hexdigest()[:40]
    return folder / f"re-{key}.json"


def _load(path: Path, pattern: str, flags: int):
    import _sre

    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(stored, dict) or stored.get("build") != _build() or stored.get("pattern") != pattern \
            or stored.get("flags") != flags:
        return None
    try:
        groupindex = {name: int(i) for name, i in stored["groupindex"].items()}
        # _sre checks the code it is given: a damaged file raises here and the pattern is compiled
        return _sre.compile(pattern, stored["final_flags"], stored["code"], stored["groups"], groupindex,
                            tuple(stored["indexgroup"]))
    except (KeyError, TypeError, ValueError, AttributeError, RuntimeError, OverflowError):
        return None


def _store(path: Path, record: dict) -> None:
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".re-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(record, fh)
            os.replace(tmp, path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _compiling(original, folder: Path):
    """re's compile step, looking on disk first for long string patterns."""
    from re import _compiler, _parser  # noqa: PLC2701 - the stdlib's own compiler, see the module docstring

    import _sre

    def compile(p, flags=0):
        if not isinstance(p, str) or len(p) < MIN_LENGTH:
            return original(p, flags)
        path = _path(folder, p, flags)
        got = _load(path, p, flags)
        if got is not None:
            return got
        # Python 3.11's re._compiler.compile, keeping its output
        parsed = _parser.parse(p, flags)
        code = _compiler._code(parsed, flags)
        groupindex = dict(parsed.state.groupdict)
        indexgroup = [None] * parsed.state.groups
        for name, i in groupindex.items():
            indexgroup[i] = name
        record = {"build": _build(), "pattern": p, "flags": flags, "final_flags": flags | parsed.state.flags,
                  "code": list(code), "groups": parsed.state.groups - 1, "groupindex": groupindex,
                  "indexgroup": indexgroup}
        compiled = _sre.compile(p, record["final_flags"], code, record["groups"], groupindex, tuple(indexgroup))
        _store(path, record)
        return compiled

    return compile


def usable() -> bool:
    """This Python's `re` is built the way `_compiling` reproduces (3.11 and later)."""
    if os.environ.get("PIPELINE_REGEX_CACHE", "1") == "0":
        return False
    try:
        from re import _compiler, _parser  # noqa: F401

        return all(hasattr(_compiler, name) for name in ("compile", "_code")) and hasattr(_parser, "parse")
    except ImportError:
        return False


@contextlib.contextmanager
def kept():
    """Within this block, long patterns compiled by `re` are read from and written to the cache."""
    if not usable():
        yield
        return
    global _active
    from re import _compiler

    with _LOCK:
        if _active:
            yield
            return
        original = _compiler.compile
        _compiler.compile = _compiling(original, cache_dir())
        _active = True
        try:
            yield
        finally:
            _compiler.compile = original
            _active = False
