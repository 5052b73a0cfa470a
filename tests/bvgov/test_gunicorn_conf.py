"""gunicorn.conf.py, which gunicorn reads when it starts in the project's root: every setting in it is one gunicorn
accepts, and the workers take requests one at a time as they are free."""

import runpy
from pathlib import Path

from gunicorn.config import Config

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def _config(monkeypatch, **environ) -> Config:
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    config = Config()
    for name, value in runpy.run_path(str(CONF)).items():
        if name.startswith("_") or not name.islower() or callable(value) or name == "os":
            continue
        assert name in config.settings, f"gunicorn has no setting {name!r}"
        config.set(name, value)  # validated as gunicorn validates its command line
    return config


def test_five_sync_workers(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    config = _config(monkeypatch)
    assert config.worker_class_str == "sync"
    assert config.workers == 5


def test_web_concurrency_sets_the_number_of_workers(monkeypatch):
    assert _config(monkeypatch, WEB_CONCURRENCY="3").workers == 3
