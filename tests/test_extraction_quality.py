"""Quality gate: `policekb extract` scored with ../shared/eval/score.py must hold these F1 floors."""
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SHARED

ROOT = Path(__file__).resolve().parents[1]
SEED_FLOORS = {"doc_refs": 0.97, "models": 0.90, "model_counts": 0.85, "figures": 0.90, "places": 0.90,
               "status": 0.90, "as_of": 0.85}


def score(gold: Path, files: list[Path], tmp_path: Path, floors: dict) -> subprocess.CompletedProcess:
    out = tmp_path / "out.jsonl"
    with out.open("w", encoding="utf-8") as fh:
        subprocess.run([sys.executable, "-m", "policekb.cli", "extract", *map(str, files)], stdout=fh, check=True,
                       cwd=ROOT)
    mins = [f"--min={k}={v}" for k, v in floors.items()]
    return subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), str(gold), str(out), *mins],
                          capture_output=True, text=True)


@pytest.mark.skipif(not (SHARED / "gold" / "seeds.jsonl").exists(), reason="../shared is not beside the project")
def test_seed_articles_meet_floors(tmp_path):
    result = score(SHARED / "gold" / "seeds.jsonl", sorted((SHARED / "seeds").glob("*.txt")), tmp_path, SEED_FLOORS)
    assert result.returncode == 0, result.stdout + result.stderr


# The team's own evaluation set: the 24 bundled samples (other provinces, directives, PDFs, a table,
# portal pages), annotated by hand independently of the rules, status and as_of included. Floors set
# just under what this version reaches (model_counts 0.95, status 0.96, as_of 0.96).
SAMPLE_FLOORS = {**SEED_FLOORS, "model_counts": 0.90, "status": 0.90, "as_of": 0.90}


@pytest.mark.skipif(not (SHARED / "eval" / "score.py").exists(), reason="../shared is not beside the project")
def test_bundled_samples_meet_floors(tmp_path):
    from policekb.cli import samples_dir

    files = sorted(p for p in samples_dir().rglob("*") if p.suffix in {".txt", ".html", ".pdf"})
    result = score(ROOT / "tests" / "data" / "samples_gold.jsonl", files, tmp_path, SAMPLE_FLOORS)
    assert result.returncode == 0, result.stdout + result.stderr
