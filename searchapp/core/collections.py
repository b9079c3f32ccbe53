"""The folders a person has added, kept in the data directory next to the index.

Nothing here loads Whoosh, so the window can read these small files before the engine
is loaded. The bundled articles are a collection of their own, always indexed, that can be hidden
from results. The settings file is replaced atomically, so a crash never leaves it half
written.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from searchapp.core.errors import SearchAppError

log = logging.getLogger(__name__)

SETTINGS_FILE = "collections.json"


def default_data_dir() -> Path:
    """Where the index lives unless --data-dir or SEARCHAPP_DATA_DIR says otherwise."""
    override = os.environ.get("SEARCHAPP_DATA_DIR")
    if override:
        return Path(override).expanduser()
    import platformdirs  # loaded only when asked: the window reads settings before drawing

    return Path(platformdirs.user_data_dir("searchapp", appauthor=False))


@dataclass
class CollectionSettings:
    folders: list[Path] = field(default_factory=list)
    hide_bundled: bool = False


def _settings_path(data_dir: Path) -> Path:
    return Path(data_dir) / SETTINGS_FILE


def load_settings(data_dir: Path) -> CollectionSettings:
    """The saved folders; a missing or unreadable file means none (and is logged)."""
    path = _settings_path(data_dir)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return CollectionSettings()
    except (OSError, ValueError) as exc:
        log.warning("Ignoring unreadable folder list %s: %s", path, exc)
        return CollectionSettings()
    folders = [Path(p) for p in raw.get("folders", []) if isinstance(p, str)]
    return CollectionSettings(folders=folders, hide_bundled=bool(raw.get("hide_bundled")))


def save_settings(data_dir: Path, settings: CollectionSettings) -> None:
    path = _settings_path(data_dir)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{SETTINGS_FILE}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps({
            "folders": [str(p) for p in settings.folders],
            "hide_bundled": settings.hide_bundled,
        }, indent=2), encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        raise SearchAppError(f"Cannot save the list of folders in {path}: {exc.strerror}.") \
            from exc


def add_folders(data_dir: Path, paths: list[Path]) -> list[Path]:
    """Add folders (resolved to absolute paths); returns the ones that were new."""
    settings = load_settings(data_dir)
    added = []
    for raw in paths:
        folder = Path(raw).expanduser().resolve()
        if not folder.is_dir():
            raise SearchAppError(f"“{raw}” is not a folder.")
        if folder not in settings.folders:
            settings.folders.append(folder)
            added.append(folder)
    save_settings(data_dir, settings)
    return added


def remove_folders(data_dir: Path, paths: list[Path]) -> list[Path]:
    """Remove folders from the list; returns the ones that were there."""
    settings = load_settings(data_dir)
    removed = []
    for raw in paths:
        folder = Path(raw).expanduser().resolve()
        if folder in settings.folders:
            settings.folders.remove(folder)
            removed.append(folder)
        else:
            raise SearchAppError(f"“{raw}” is not one of the indexed folders.")
    save_settings(data_dir, settings)
    return removed


def set_bundled_hidden(data_dir: Path, hidden: bool) -> None:
    settings = load_settings(data_dir)
    settings.hide_bundled = hidden
    save_settings(data_dir, settings)
