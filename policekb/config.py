"""Where the knowledge base lives: --home, else $POLICEKB_HOME, else a per-user data folder.

The database is the SQLite file in the home folder, unless a PostgreSQL URL is given:
--database URL, else $POLICEKB_DATABASE. The search index stays in the home folder either way."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Home:
    root: Path
    database_url: str | None = None  # a postgresql:// URL; None: the SQLite file in root

    @property
    def database(self) -> Path | str:
        """What Store() opens: the SQLite file's path, or the PostgreSQL URL."""
        return self.database_url or self.root / "policekb.sqlite3"

    @property
    def database_label(self) -> str:
        """The database as it may be printed (a URL without its password)."""
        from corpus.backend import label

        return label(self.database)

    def has_database(self) -> bool:
        """Whether a knowledge base exists there (commands that only read must not create one)."""
        from corpus.backend import exists

        return exists(self.database)

    @property
    def index(self) -> Path:
        return self.root / "index"


def resolve_home(option: str | None = None, database: str | None = None) -> Home:
    """The home folder (--home) and the database (--database URL, else $POLICEKB_DATABASE)."""
    url = resolve_database(database)
    if option:
        return Home(Path(option).expanduser().resolve(), url)
    if os.environ.get("POLICEKB_HOME"):
        return Home(Path(os.environ["POLICEKB_HOME"]).expanduser().resolve(), url)
    from platformdirs import user_data_dir

    return Home(Path(user_data_dir("policekb", appauthor=False)), url)


def resolve_database(option: str | None = None) -> str | None:
    """--database URL, else $POLICEKB_DATABASE, else None (the SQLite file in the home folder).
    Only PostgreSQL URLs are accepted: a SQLite file is chosen with --home."""
    url = option or os.environ.get("POLICEKB_DATABASE") or None
    if url is None:
        return None
    from corpus.backend import is_url

    if not is_url(url):
        raise ValueError(f"not a PostgreSQL URL: {url!r} (expected postgresql://…)")
    return url
