"""The temporary Prefect server as the run starts it (pipeline/run/server.py): Prefect's own app built
by a factory of ours with the garbage collector paused, and the block registration a one-shot run
does not need turned off for that server only, unless the user chose otherwise; and what the
flow's process loads while it waits (pipeline/run/warmup.py). No timing is asserted here."""

from __future__ import annotations

import gc
import sys

import pytest

from pipeline.run import server, warmup

ALL_NAMES = [n for name, aliases in server.ONE_SHOT_SETTINGS.items() for n in (name, *aliases)]


@pytest.fixture()
def clean_env(monkeypatch):
    for name in ALL_NAMES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_the_temporary_server_skips_block_registration(clean_env):
    env = server.TemporaryServer(port=9)._environment()
    for name in server.ONE_SHOT_SETTINGS:
        assert env[name] == "false"
    assert env["PREFECT__SERVER_EPHEMERAL"] == "1"


@pytest.mark.parametrize("name", ALL_NAMES)
def test_a_users_choice_about_block_registration_stands(clean_env, name):
    clean_env.setenv(name, "true")
    env = server.TemporaryServer(port=9)._environment()
    setting = next(s for s, aliases in server.ONE_SHOT_SETTINGS.items() if name in (s, *aliases))
    assert env.get(setting, "true") == "true" and env[name] == "true"


def test_the_command_builds_prefects_app_through_our_factory():
    cmd = server.TemporaryServer(port=9)._command()
    assert cmd[cmd.index("--factory") + 1] == "pipeline.run.server:create_app"
    assert cmd[cmd.index("--port") + 1] == "9"


@pytest.mark.slow
def test_the_factory_returns_prefects_app_and_the_collector_runs_again(monkeypatch, tmp_path):
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    monkeypatch.setenv("PREFECT__SERVER_EPHEMERAL", "1")
    try:
        app = server.create_app()
        assert gc.isenabled()
        from fastapi import FastAPI

        assert isinstance(app, FastAPI)
        assert any(getattr(r, "path", "") == "/api" for r in app.routes)
    finally:
        gc.unfreeze()


# --- the flow's process, while it waits ------------------------------------------------------

def test_preparing_the_flows_process_loads_the_model_only_without_workers(monkeypatch):
    loaded, rehearsed = [], []
    monkeypatch.setattr("pipeline.extract.nlp.get_nlp", lambda name=None: loaded.append(name))
    monkeypatch.setattr(warmup, "rehearse", lambda stages=warmup.STAGES: rehearsed.append(stages) or True)
    warmup.prepare_flow_process(in_process=False)
    assert loaded == [] and rehearsed == []
    assert "prefect.flow_engine" in sys.modules and "fastapi.encoders" in sys.modules
    warmup.prepare_flow_process(in_process=True)
    assert loaded == [None] and rehearsed == [warmup.STAGES]


def test_preparing_the_flows_process_never_raises(monkeypatch):
    def broken():
        raise OSError("lexicon unreadable")

    monkeypatch.setattr("pipeline.extract.lexicon.load", broken)
    warmup.prepare_flow_process(in_process=False)  # the flow reports it where it needs the lexicon


# --- Prefect's flow engine: the heartbeat thread is not waited for at the flow's end -------------

def test_prefects_engine_still_has_the_heartbeat_context_we_adjust():
    import inspect

    from prefect import flow_engine

    # if this fails after a Prefect upgrade, pipeline/run/heartbeat.py changes nothing (runs wait ~0.5 s more)
    assert "join_on_exit" in inspect.signature(flow_engine._send_heartbeats).parameters


def test_heartbeats_are_left_to_end_by_themselves(monkeypatch):
    from prefect import flow_engine

    from pipeline.run import heartbeat

    monkeypatch.setattr(flow_engine, "_send_heartbeats", flow_engine._send_heartbeats)  # restored after the test
    original = flow_engine._send_heartbeats
    assert heartbeat.not_joined() is True
    assert flow_engine._send_heartbeats.func is original
    assert flow_engine._send_heartbeats.keywords == {"join_on_exit": False}
    assert heartbeat.not_joined() is True and flow_engine._send_heartbeats.func is original  # once


def test_an_engine_without_the_heartbeat_context_is_left_alone(monkeypatch):
    from prefect import flow_engine

    from pipeline.run import heartbeat

    def other(engine):
        return engine

    monkeypatch.setattr(flow_engine, "_send_heartbeats", other)
    assert heartbeat.not_joined() is False and flow_engine._send_heartbeats is other
