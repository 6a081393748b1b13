"""The command line: one clear line and a non-zero exit for every unusable input, never a
traceback; exit 3 while another run holds the database; the one-line summary of a run."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def cli(*args: str, env: dict | None = None, timeout: float = 300, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """`python -m pipeline ARGS` of this tree (from any working directory), without a configured Prefect server."""
    base = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    base["PYTHONPATH"] = os.pathsep.join([str(ROOT), base.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, cwd=cwd,
                          env={**base, **(env or {})}, timeout=timeout)


def in_process(*args: str, capsys) -> subprocess.CompletedProcess:
    """main() as the command line calls it, without the cost of a new interpreter."""
    from pipeline.cli import main

    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse's own exit
        code = exc.code
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, out, err)


def one_error_line(proc: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in proc.stderr + proc.stdout
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.fixture()
def a_file(tmp_path) -> Path:
    p = tmp_path / "file.txt"
    p.write_text("x", encoding="utf-8")
    return p


@pytest.mark.slow
@pytest.mark.parametrize(
    "args, expected",
    [
        (["run", "{tmp}/missing"], "raw folder not found"),
        (["run", "--bogus"], "unrecognized arguments: --bogus"),
        (["serve", "{tmp}"], "serve needs a Prefect server"),  # no PREFECT_API_URL
    ],
)
def test_real_command_line_errors(tmp_path, args, expected):
    args = [a.format(tmp=tmp_path) for a in args]
    proc = cli(*args, *(["--db", str(tmp_path / "p.db")] if args[0] == "serve" else []))
    assert proc.returncode == 2, proc.stderr
    assert expected in one_error_line(proc)


@pytest.mark.parametrize(
    "args, expected",
    [
        (["run", "{file}"], "not a folder"),
        (["run", "{tmp}", "--db", "{file}/sub/p.db"], "cannot create the database folder"),
        (["run", "{tmp}", "--db", "{tmp}"], "database path is a directory"),
        (["run", "{tmp}", "--db", "/proc/p.db"], "cannot write the database"),
        (["frobnicate"], "invalid choice"),
        ([], "the following arguments are required: command"),
        (["run", "{tmp}", "--batch-size", "0"], "must be at least 1"),
        (["run", "{tmp}", "--batch-size", "many"], "not a whole number"),
        (["run", "{tmp}", "--processes", "-2"], "must be -1 (one per CPU), 0 (none) or more"),
        (["run", "{tmp}", "--workers", "2", "--dask-address", "tcp://127.0.0.1:1"], "not allowed with argument"),
        (["run", "{tmp}", "--dask-address", "127.0.0.1:8786"], "tcp://HOST:PORT"),
        (["run", "{tmp}", "--config", "{tmp}/none.toml"], "configuration file not found"),
        (["serve", "{tmp}", "--cron", "61 * * *"], "invalid cron expression '61 * * *'"),
        (["serve", "{tmp}", "--cron", "every day"], "invalid cron expression"),
        (["serve", "{tmp}", "--timezone", "Mars/Olympus"], "invalid time zone 'Mars/Olympus'"),
        (["serve", "{tmp}/missing"], "raw folder not found"),
    ],
)
def test_unusable_input_gives_one_line_and_exit_2(tmp_path, a_file, capsys, args, expected):
    args = [a.format(tmp=tmp_path, file=a_file) for a in args]
    if args[:1] == ["serve"]:
        args += ["--db", str(tmp_path / "out" / "p.db")]
    proc = in_process(*args, capsys=capsys)
    assert proc.returncode == 2, proc.stderr
    assert expected in one_error_line(proc)


@pytest.mark.parametrize(
    "toml, expected",
    [
        ("[serve]\ncron = 5\n", "serve.cron must be a string"),
        ("[serve]\nkron = '0 6 * * *'\n", "unknown setting serve.kron"),
        ("[dask]\nworkers = -1\n", "workers must be 0"),
        ("[run]\nprocesses = -3\n", "processes must be -1 (one per CPU), 0 (none) or more"),
        ("[serve\n", "Expected ']'"),
    ],
)
def test_bad_configuration_file(tmp_path, capsys, toml, expected):
    cfg = tmp_path / "pipeline.toml"
    cfg.write_text(toml, encoding="utf-8")
    proc = in_process("run", str(tmp_path), "--db", str(tmp_path / "p.db"), "--config", str(cfg), capsys=capsys)
    assert proc.returncode == 2
    assert expected in one_error_line(proc)


@pytest.mark.slow
def test_busy_database_stops_at_once_with_exit_3(tmp_path, seeds_dir):
    db = tmp_path / "p.db"
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import time
        from pipeline.run.lock import db_lock
        with db_lock({str(db)!r}):
            print("held", flush=True)
            time.sleep(600)
    """)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert holder.stdout.readline().strip() == "held"
        proc = cli("run", str(seeds_dir), "--db", str(db))
    finally:
        holder.kill()
        holder.wait()
    assert proc.returncode == 3
    assert "another run is writing" in one_error_line(proc)
    assert not db.exists()


@pytest.mark.slow
def test_run_prints_its_one_line_summary(tmp_path, seeds_dir, prefect_server):
    from prefect.settings import PREFECT_API_URL

    raw = tmp_path / "raw"
    raw.mkdir()
    for p in sorted(seeds_dir.iterdir())[:2]:
        (raw / p.name).write_bytes(p.read_bytes())
    (raw / "empty.txt").write_bytes(b"")
    db = tmp_path / "p.db"
    env = {"PREFECT_API_URL": PREFECT_API_URL.value()}
    first = cli("run", str(raw), "--db", str(db), env=env)
    assert first.returncode == 0, first.stderr[-2000:]
    [summary] = [line for line in first.stdout.splitlines() if line.startswith("done: ")]
    assert summary.startswith("done: 2 articles read, 1 unreadable, 0 failed extraction")
    assert "(2 new, 0 unchanged" in summary and summary.endswith(f"-> {db}")
    again = cli("run", str(raw), "--db", str(db), env=env)
    # nothing changed: answered before Prefect starts, the database untouched
    assert again.returncode == 0 and again.stdout.startswith("up to date: 2 articles, nothing changed"), again.stdout
    (raw / "new.txt").write_text("Un article de plus, sans projet.", encoding="utf-8")
    third = cli("run", str(raw), "--db", str(db), env=env)
    assert "(1 new, 2 unchanged" in third.stdout, third.stdout


def test_plugin_commands_are_registered(monkeypatch):
    import types

    from pipeline import cli as command_line

    def register(sub):
        p = sub.add_parser("hello")
        p.set_defaults(func=lambda args: 7)

    monkeypatch.setattr(command_line, "PLUGINS", ("fake_plugin",))
    monkeypatch.setitem(sys.modules, "fake_plugin", types.SimpleNamespace(register=register, __spec__=object()))
    monkeypatch.setattr(command_line.importlib.util, "find_spec", lambda name: object())
    assert command_line.main(["hello"]) == 7
