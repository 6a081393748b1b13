"""What a run starts, and when: the worker pool sized to the input, the temporary Prefect server
started before Prefect is imported and only when no server is configured, a configured server
reused, the compiled-pattern cache of the model load, the timeline of a run. No timing is
asserted here: benchmarks/bench_startup.py measures the seconds."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.run import regex_cache, server, warmup, workers

ROOT = Path(__file__).resolve().parents[1]
REHEARSED: list[tuple[str, ...]] = []  # the stages each started pool's fork server was asked to rehearse
NICENESS: list[int] = []  # and how much lower it was asked to load


# --- the worker pool: no more workers than batches ------------------------------------------

@pytest.mark.parametrize("wanted, files, batch_size, expected", [
    (2, 1, 25, 1),     # one press release: one worker, not one per CPU
    (2, 20, 25, 1),    # a day's releases fit one batch
    (8, 25, 25, 1),
    (8, 26, 25, 2),    # a second batch, a second worker
    (2, 300, 25, 2),   # more batches than CPUs: one worker per CPU
    (4, 60, 25, 3),
    (0, 100, 25, 0),   # --processes 0: in the flow's own process
    (2, 0, 25, 0),     # nothing to read
])
def test_pool_has_no_more_workers_than_batches(wanted, files, batch_size, expected):
    assert workers.pool_size(wanted, files, batch_size) == expected


class FakeServer:
    """Stands for TemporaryServer: records what the run does with it."""
    made: list["FakeServer"] = []

    def __init__(self, port=None):
        self.calls: list[str] = []
        FakeServer.made.append(self)

    api_url = "http://127.0.0.1:9/api"

    def start(self):
        self.calls.append("start")
        return self

    def wait_ready(self, timeout=None):
        self.calls.append("wait_ready")

    def stop(self, wait=True):
        self.calls.append("stop")

    def join(self, grace=5.0):
        self.calls.append("join")


@pytest.fixture()
def early(monkeypatch, tmp_path):
    """The command line in this process with the flow, the server and the pool replaced by recorders."""
    FakeServer.made = []
    started: list[int] = []
    ran: list[dict] = []
    REHEARSED.clear()
    NICENESS.clear()

    def start_in_background(n, rehearse=warmup.STAGES, niceness=0):
        started.append(n)
        REHEARSED.append(rehearse)
        NICENESS.append(niceness)

    monkeypatch.setattr(server, "TemporaryServer", FakeServer)
    monkeypatch.setattr(workers, "start_in_background", start_in_background)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect-home"))  # no profile naming a server

    def fake_run(raw_dir, db_path, **kw):
        ran.append(kw)
        return {"articles": 0, "failed": 0, "extract_errors": 0, "mentions": 0, "projects": 0, "seconds": 0.0,
                "new": 0, "unchanged": 0}

    from pipeline.run import launch

    monkeypatch.setattr(launch, "run", fake_run)
    return started, ran


def corpus(folder: Path, n: int) -> Path:
    folder.mkdir()
    for i in range(n):
        (folder / f"a{i:03d}.txt").write_text(f"Article {i}.\n", encoding="utf-8")
    return folder


def run_cli(*args: str) -> int:
    from pipeline.cli import main

    return main(["run", *args])


@pytest.mark.parametrize("files, cpus, expected", [(1, 2, 1), (20, 2, 1), (60, 2, 2), (60, 8, 3)])
def test_a_run_starts_the_server_first_and_a_pool_sized_to_its_files(early, tmp_path, monkeypatch, files, cpus, expected):
    started, ran = early
    monkeypatch.setattr(workers, "available_cpus", lambda: cpus)
    raw = corpus(tmp_path / "raw", files)
    assert run_cli(str(raw), "--db", str(tmp_path / "p.db"), "--full") == 0
    assert started == [expected]
    assert ran[0]["processes"] == expected
    [made] = FakeServer.made
    assert ran[0]["server"] is made  # the flow waits for the server started before Prefect was imported
    assert made.calls[0] == "start" and made.calls[-1] == "join"  # and the run waits for it to stop


@pytest.mark.parametrize("files, configured, stages, lowered", [
    (1, False, ("clean", "extract"), True),   # one batch; a temporary server to wait for: the worker cleans too, warm
    (1, True, (), False),                     # one batch against a running server: nothing to wait for
    (25, True, (), False),
    (60, False, ("clean", "extract"), True),  # several batches share the rehearsal
    (60, True, ("clean", "extract"), False),
])
def test_the_fork_server_rehearses_what_its_workers_will_run_when_it_pays(early, tmp_path, monkeypatch, files,
                                                                         configured, stages, lowered):
    """And loads below the temporary server's priority, which the run waits for, never below a
    configured server's run, which waits for the model."""
    monkeypatch.setattr(workers, "available_cpus", lambda: 2)
    if configured:
        monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
        monkeypatch.setattr("pipeline.cli._check_services", lambda settings: None)  # nothing answers at :9
    raw = corpus(tmp_path / "raw", files)
    assert run_cli(str(raw), "--db", str(tmp_path / "p.db"), "--full") == 0
    assert REHEARSED == [stages]
    assert (NICENESS[0] > 0) == lowered


@pytest.mark.parametrize("one_batch, server_to_wait_for, stages", [
    (True, False, ()), (True, True, warmup.STAGES), (False, False, warmup.STAGES), (False, True, warmup.STAGES)])
def test_rehearsal_stages(one_batch, server_to_wait_for, stages):
    assert warmup.rehearsal_stages(one_batch, server_to_wait_for) == stages


def test_processes_zero_starts_no_pool(early, tmp_path):
    started, ran = early
    raw = corpus(tmp_path / "raw", 3)
    assert run_cli(str(raw), "--db", str(tmp_path / "p.db"), "--processes", "0") == 0
    assert started == [] and ran[0]["processes"] == 0


def test_a_configured_server_is_used_and_no_temporary_one_started(early, tmp_path, monkeypatch):
    started, ran = early
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    monkeypatch.setattr("pipeline.cli._check_services", lambda settings: None)  # nothing answers at :9
    raw = corpus(tmp_path / "raw", 2)
    assert run_cli(str(raw), "--db", str(tmp_path / "p.db")) == 0
    assert FakeServer.made == [] and ran[0]["server"] is None


def test_a_run_refused_after_the_early_start_stops_the_server(early, tmp_path):
    started, ran = early
    raw = corpus(tmp_path / "raw", 2)
    # no Dask scheduler answers on port 9: refused (exit 2) after the server was started
    code = run_cli(str(raw), "--db", str(tmp_path / "p.db"), "--dask-address", "tcp://127.0.0.1:9")
    assert code == 2 and ran == []
    [made] = FakeServer.made
    assert "stop" in made.calls and made.calls[-1] == "join"


def test_a_server_started_early_is_stopped_when_prefect_finds_one_configured():
    from prefect.settings import PREFECT_API_URL, temporary_settings

    fake = FakeServer()
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        with server.prefect_api(server=fake) as url:
            assert url == "http://127.0.0.1:9/api"
    assert fake.calls == ["stop"]


@pytest.mark.parametrize("profiles, active, expected", [
    ('active = "work"\n[profiles.work]\nPREFECT_API_URL = "http://127.0.0.1:4200/api"\n', None, True),
    ('active = "work"\n[profiles.work]\nPREFECT_LOGGING_LEVEL = "INFO"\n', None, False),
    ('[profiles.ephemeral]\nPREFECT_API_URL = "http://10.0.0.2:4200/api"\n', None, True),  # the default profile
    ('active = "work"\n[profiles.work]\n[profiles.remote]\nPREFECT_API_URL = "http://10.0.0.2:4200/api"\n', "remote", True),
    (None, None, False),
    ("not toml [", None, False),
])
def test_a_server_named_in_the_profile_is_seen_without_importing_prefect(tmp_path, monkeypatch, profiles, active,
                                                                          expected):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("PREFECT_PROFILES_PATH", raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    if active:
        monkeypatch.setenv("PREFECT_PROFILE", active)
    else:
        monkeypatch.delenv("PREFECT_PROFILE", raising=False)
    if profiles is not None:
        (tmp_path / "profiles.toml").write_text(profiles, encoding="utf-8")
    assert server.configured_without_prefect() is expected


def test_the_environment_names_a_server(monkeypatch):
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    assert server.configured_without_prefect()


# --- compiled patterns kept on disk -----------------------------------------------------------

# a long pattern with groups, named groups, classes of accented letters and flags, as spaCy's are
LONG = ("(?P<word>[a-zàâäçéèêëîïôöùûüÿœæ" + "".join(chr(c) for c in range(0x100, 0x17F)) + "]+)"
        + "|".join(f"(?:pré{i:04d}-[0-9]+)" for i in range(300)) + r"|(\d+)(?:,(\d+))?\s*(?:M€|millions?)")
TEXTS = ["Le projet Éole reçoit 2,5 millions", "pré0042-17 et pré0299-3", "ÇA VA", "œuvre", "12 M€"]


def _matches(pattern):
    return [(m.span(), m.groups(), m.groupdict()) for t in TEXTS for m in pattern.finditer(t)]


@pytest.mark.parametrize("flags", [0, re.IGNORECASE, re.IGNORECASE | re.VERBOSE])
def test_a_pattern_read_back_from_the_cache_is_the_one_re_builds(tmp_path, monkeypatch, flags):
    monkeypatch.setenv("PIPELINE_CACHE_DIR", str(tmp_path))
    assert len(LONG) >= regex_cache.MIN_LENGTH
    expected = re.compile(LONG, flags)
    with regex_cache.kept():
        re.purge()
        first = re.compile(LONG, flags)  # compiled, and written
    assert len(list(tmp_path.glob("re-*.json"))) == 1
    with regex_cache.kept():
        re.purge()
        again = re.compile(LONG, flags)  # read back
    for got in (first, again):
        assert (got.pattern, got.flags, got.groups, got.groupindex) == (expected.pattern, expected.flags,
                                                                        expected.groups, expected.groupindex)
        assert _matches(got) == _matches(expected)


@pytest.mark.parametrize("damage", ["truncated", "another build", "code changed", "not an object"])
def test_an_unreadable_cache_file_means_compiling_again(tmp_path, monkeypatch, damage):
    import json

    monkeypatch.setenv("PIPELINE_CACHE_DIR", str(tmp_path))
    with regex_cache.kept():
        re.purge()
        re.compile(LONG)
    [stored] = tmp_path.glob("re-*.json")
    record = json.loads(stored.read_text(encoding="utf-8"))
    if damage == "truncated":
        text = stored.read_text(encoding="utf-8")[:500]
    elif damage == "another build":
        text = json.dumps({**record, "build": "another python"})
    elif damage == "code changed":
        text = json.dumps({**record, "code": record["code"][:7] + [999999] + record["code"][8:]})
    else:
        text = "[1, 2]"
    stored.write_text(text, encoding="utf-8")
    with regex_cache.kept():
        re.purge()
        got = re.compile(LONG)
    assert _matches(got) == _matches(re.compile(LONG, 0))


def test_short_patterns_and_a_disabled_cache_write_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("PIPELINE_CACHE_DIR", str(tmp_path))
    with regex_cache.kept():
        re.compile(r"\d+ millions")
    monkeypatch.setenv("PIPELINE_REGEX_CACHE", "0")
    with regex_cache.kept():
        re.purge()
        re.compile(LONG)
    assert list(tmp_path.iterdir()) == []


def test_outside_the_block_re_is_left_as_it_was(tmp_path, monkeypatch):
    from re import _compiler

    monkeypatch.setenv("PIPELINE_CACHE_DIR", str(tmp_path))
    before = _compiler.compile
    with regex_cache.kept():
        assert _compiler.compile is not before
    assert _compiler.compile is before


# --- the timeline -------------------------------------------------------------------------------

@pytest.mark.parametrize("value, shown", [("1", True), ("", False), ("0", False)])
def test_timeline_lines_only_when_asked(value, shown):
    code = "from pipeline.run.timeline import mark; mark('model loaded')"
    env = {**os.environ, "PIPELINE_TIMELINE": value, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert bool(re.fullmatch(r"timeline\s+\d+\.\d\d s  model loaded\n", proc.stderr)) is shown


# --- a configured server is reused by a real run -----------------------------------------------

@pytest.mark.slow
def test_a_run_reports_to_the_configured_server_and_starts_none(prefect_server, seeds_dir, tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    raw = tmp_path / "raw"
    raw.mkdir()
    first = sorted(seeds_dir.iterdir())[0]
    (raw / first.name).write_bytes(first.read_bytes())
    env = {**os.environ, "PREFECT_API_URL": url, "PIPELINE_TIMELINE": "1",
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-m", "pipeline", "run", str(raw), "--db", str(tmp_path / "p.db")],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "temporary Prefect server" not in proc.stderr
    assert "worker pool of 1 starting" in proc.stderr  # one article: one worker, not one per CPU
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs()
    assert any(r.parameters.get("db_path") == str(tmp_path / "p.db") for r in runs)


def test_a_block_inside_another_keeps_the_outer_one(tmp_path, monkeypatch):
    from re import _compiler

    monkeypatch.setenv("PIPELINE_CACHE_DIR", str(tmp_path))
    before = _compiler.compile
    with regex_cache.kept():
        outer = _compiler.compile
        with regex_cache.kept():  # the model's load inside a warm-up that is itself inside the block
            assert _compiler.compile is outer
            re.purge()
            re.compile(LONG)
        assert _compiler.compile is outer
    assert _compiler.compile is before and len(list(tmp_path.glob("re-*.json"))) == 1
