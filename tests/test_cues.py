"""Every cue pattern of pipeline/data/cues.yaml, on the phrasings it exists for.

Each entry carries its own examples (our wording): the phrases it must find and those it
must not. A pattern edited so that it no longer reads its case, or starts reading its
counter-case, fails here by name.
"""

from __future__ import annotations

import re

import pytest

from pipeline.extract import lexicon
from pipeline.text import fold

ENTRIES = lexicon.cue_entries()


def _subject(entry: dict, phrase: str) -> str:
    return phrase if entry.get("reads") == "text" else fold(phrase)


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_entry_is_documented(name: str) -> None:
    entry = ENTRIES[name]
    assert entry.get("used_by"), f"{name}: say which function reads it and why"
    assert entry.get("match"), f"{name}: give at least one phrase it must find"
    assert entry.get("reads", "folded") in ("folded", "text")


@pytest.mark.parametrize("name, phrase", [(n, p) for n in sorted(ENTRIES) for p in ENTRIES[n]["match"]])
def test_cue_finds_its_case(name: str, phrase: str) -> None:
    assert lexicon.cues()[name].search(_subject(ENTRIES[name], phrase)), f"{name} misses {phrase!r}"


@pytest.mark.parametrize("name, phrase", [(n, p) for n in sorted(ENTRIES) for p in ENTRIES[n].get("no_match") or []])
def test_cue_ignores_its_counter_case(name: str, phrase: str) -> None:
    assert not lexicon.cues()[name].search(_subject(ENTRIES[name], phrase)), f"{name} wrongly finds {phrase!r}"


def test_every_cue_is_read_by_the_extractor() -> None:
    from pathlib import Path

    source = "".join(p.read_text(encoding="utf-8") for p in (Path(lexicon.__file__).parent).glob("*.py"))
    unused = [n for n in ENTRIES if not re.search(rf"\.{n}\b", source)]
    assert unused == []


def test_a_broken_pattern_names_its_entry(monkeypatch) -> None:
    monkeypatch.setattr(lexicon, "cue_entries", lambda: {"broken": {"pattern": "(unclosed"}})
    lexicon.cues.cache_clear()
    try:
        with pytest.raises(ValueError, match="broken"):
            lexicon.cues()
    finally:
        monkeypatch.undo()
        lexicon.cues.cache_clear()
