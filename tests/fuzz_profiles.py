"""Hypothesis settings of the fuzz tests (``tests/test_fuzz_*.py``) and the clock that measures their calls.

Two profiles, chosen with the ``HYPOTHESIS_PROFILE`` environment variable and applied to the fuzz tests only (no
profile is loaded globally, so other hypothesis tests keep theirs):

* ``fuzz-quick`` (default, ``make test``): 200 examples per test, a few seconds per test;
* ``fuzz`` (``HYPOTHESIS_PROFILE=fuzz .venv/bin/pytest tests/test_fuzz_*.py``):
  20,000 examples per test, the long run whose figures are in docs/PERFORMANCE.md, « Fuzzing ».

A slow input is defined by hypothesis' ``deadline``: an example — one call of a parser or of the reader — that takes
more than a second fails (hypothesis runs it again before reporting it). The tests also time each call with
``time.perf_counter`` and report the count and the longest call at the end of each module; these figures are printed,
never asserted (``hypothesis.target`` on these durations was tried: with the example database on disk, keeping its
Pareto front made every example eight times slower). The example database is kept under ``.hypothesis/`` at the
project root."""

from __future__ import annotations

import gc
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

ROOT = Path(__file__).resolve().parent.parent
DATABASE = DirectoryBasedExampleDatabase(ROOT / ".hypothesis" / "examples")
REPORTS = ROOT / "test-artifacts" / "fuzz"
SLOW_INPUT_MS = 1000

_COMMON = {
    "deadline": SLOW_INPUT_MS,
    "database": DATABASE,
    "print_blob": True,
    # Fixture mutations and generated notices are large by design, and some examples are deliberately slow to build.
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
}
settings.register_profile("fuzz-quick", max_examples=200, **_COMMON)
settings.register_profile("fuzz", max_examples=20_000, **_COMMON)

PROFILE = "fuzz" if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz" else "fuzz-quick"
FUZZ = settings.get_profile(PROFILE)


@dataclass
class CallClock:
    """How many calls each fuzz test made, for how long in total, and its longest call."""

    calls: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    longest: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def timed(self, label: str) -> Iterator[None]:
        """Times the block with the garbage collector paused: a collection of the test process's heap (hypothesis
        holds hundreds of megabytes after thousands of examples) is not the parser's time — one counted 8 s on 4 KB
        of bytes. Hypothesis' deadline leaves collections out likewise."""
        collecting = gc.isenabled()
        gc.disable()
        start = time.perf_counter()
        try:
            yield
        finally:
            elapsed = time.perf_counter() - start
            if collecting:
                gc.enable()
            self.calls[label] = self.calls.get(label, 0) + 1
            self.seconds[label] = self.seconds.get(label, 0.0) + elapsed
            self.longest[label] = max(self.longest.get(label, 0.0), elapsed)

    def report(self, config: pytest.Config, module: str) -> None:
        """Print one line per test and write them to ``test-artifacts/fuzz/<module>-<profile>.json``."""
        rows = {
            label: {"calls": self.calls[label], "seconds": self.seconds[label], "longest": self.longest[label]}
            for label in sorted(self.calls)
        }
        if not rows:
            return
        REPORTS.mkdir(parents=True, exist_ok=True)
        (REPORTS / f"{module}-{PROFILE}.json").write_text(json.dumps(rows, indent=2), encoding="utf-8")
        terminal = config.pluginmanager.get_plugin("terminalreporter")
        capture = config.pluginmanager.get_plugin("capturemanager")
        if terminal is None or capture is None:
            return
        with capture.global_and_fixture_disabled():  # module teardown output is captured otherwise
            terminal.write("\n")
            for label, row in rows.items():
                terminal.write_line(
                    f"fuzz [{PROFILE}] {module}.{label}: {row['calls']} appels, {row['seconds']:.1f} s, "
                    f"le plus long {row['longest'] * 1000:.1f} ms"
                )
