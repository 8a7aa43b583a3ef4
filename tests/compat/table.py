"""Print the corpus table (project, version, shape, steps passed) from .compat/results/*.json."""

import json
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[2] / ".compat" / "results"
TOTAL = 12  # the steps test_corpus.test_a_real_project_runs_every_step records

rows = [json.loads(path.read_text()) for path in sorted(RESULTS.glob("*.json"))]
if not rows:
    sys.exit("no results in .compat/results: run make compat first")
print("| project | version | shape | steps passed |")
print("|---|---|---|---|")
for row in rows:
    failure = row.get("failure")
    passed = f"{len(row['passed'])}/{TOTAL}" + (f" (stopped at {failure['step']})" if failure else "")
    print(f"| {row['project']} | {row['version']} | {', '.join(row['shapes'])} | {passed} |")
