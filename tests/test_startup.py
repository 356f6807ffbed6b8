"""Every ``flask`` command starts by importing ``wsgi``: the application must come up without loading OR-Tools
(and the pandas and numpy it brings), WeasyPrint, which take about a second, or factur-x (0.15 s). They are
imported where a solve, a PDF or an invoice needs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("ortools", "weasyprint", "facturx")

_PROBE = """
import json, sys
import wsgi
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_importing_wsgi_loads_neither_ortools_nor_weasyprint(tmp_path: Path):
    env = {
        **os.environ,
        "GROUPEMENT_SECRET_KEY": "startup-test-" + "k" * 40,
        "GROUPEMENT_DATABASE_URL": f"sqlite:///{tmp_path / 'startup.db'}",
    }
    command = [sys.executable, "-c", _PROBE]  # this interpreter and a fixed probe: nothing untrusted
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)  # noqa: S603
    assert done.returncode == 0, done.stderr[-2000:]
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert "app" in loaded  # the probe did import the application
    assert not loaded & set(HEAVY), f"import wsgi charge {sorted(loaded & set(HEAVY))} : à importer à l'usage"
