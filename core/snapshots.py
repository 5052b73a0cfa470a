"""Snapshots of what a body approved, and a content hash that shows whether it has changed since."""

import hashlib
import json
from typing import Any


def canonical_json(content: Any) -> str:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def content_hash(content: Any) -> str:
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def snapshot_diff(old: Any, new: Any, path: str = "") -> list[dict]:
    """The differences between two snapshots, as (where, was, now) rows a reader can follow."""
    if isinstance(old, dict) and isinstance(new, dict):
        rows = []
        for key in sorted(set(old) | set(new)):
            rows += snapshot_diff(old.get(key), new.get(key), f"{path}.{key}" if path else str(key))
        return rows
    if isinstance(old, list) and isinstance(new, list):
        rows = []
        for index in range(max(len(old), len(new))):
            rows += snapshot_diff(
                old[index] if index < len(old) else None,
                new[index] if index < len(new) else None,
                f"{path}[{index + 1}]",
            )
        return rows
    if old != new:
        return [{"where": path, "was": "" if old is None else str(old), "now": "" if new is None else str(new)}]
    return []
