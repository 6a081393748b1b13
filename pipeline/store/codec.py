"""JSON codec of `model.ArticleResult`: how a stored extraction is written and read back.

An exact round trip, so that a re-run that loads stored results builds the same database
as a run that extracts again. Used by the database (`article_results`) and by the
checkpoint of a run in progress.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from functools import lru_cache

from pipeline.model import ArticleResult


def _encode(obj):
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _encode(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [_encode(x) for x in obj]
    if isinstance(obj, dict):
        return {k: _encode(v) for k, v in obj.items()}
    return obj


@lru_cache(maxsize=None)
def _hints(cls) -> dict:
    return typing.get_type_hints(cls)


def _decode(tp, value):
    """JSON value -> the annotated type: dataclasses rebuilt, tuples made tuples again."""
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        return _decode(options[0], value) if len(options) == 1 else value
    if dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        # Unknown keys are dropped and missing ones take their defaults: a result written
        # by another version of model.py still loads (it is not reused anyway: the version differs).
        return tp(**{k: _decode(hints[k], v) for k, v in value.items() if k in hints})
    if origin is list:
        (arg,) = typing.get_args(tp) or (typing.Any,)
        return [_decode(arg, v) for v in value]
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], v) for v in value)
        return tuple(_decode(a, v) for a, v in zip(args, value)) if args else tuple(value)
    if origin is dict:
        args = typing.get_args(tp)
        return {k: _decode(args[1], v) for k, v in value.items()} if args else dict(value)
    return value


def result_to_json(result: ArticleResult, with_text: bool = False) -> str:
    """Everything extracted from one article; the text is left out when `articles` holds it."""
    data = _encode(result)
    if not with_text:
        data["article"]["text"] = None
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def result_from_json(raw: str, text: str | None = None) -> ArticleResult:
    data = json.loads(raw)
    if text is not None:
        data["article"]["text"] = text
    return _decode(ArticleResult, data)
