"""Where the knowledge base lives: --home, else $POLICEKB_HOME, else a per-user data folder."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Home:
    root: Path

    @property
    def database(self) -> Path:
        return self.root / "policekb.sqlite3"

    @property
    def index(self) -> Path:
        return self.root / "index"


def resolve_home(option: str | None = None) -> Home:
    if option:
        return Home(Path(option).expanduser().resolve())
    if os.environ.get("POLICEKB_HOME"):
        return Home(Path(os.environ["POLICEKB_HOME"]).expanduser().resolve())
    from platformdirs import user_data_dir

    return Home(Path(user_data_dir("policekb", appauthor=False)))
