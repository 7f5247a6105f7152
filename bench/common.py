"""What the benchmark scripts share."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def generated(work: Path, questions: int) -> Path:
    """`work/q<questions>`, a community made by generate.py (seed 1), made once and then reused."""
    source = work / f"q{questions}"
    if not (source / "site.yaml").exists():
        subprocess.run([sys.executable, str(HERE / "generate.py"), str(source), "--questions", str(questions)],
                       check=True, stdout=subprocess.DEVNULL)
    return source
