"""Print the corpus table (project, version, source, license, shapes, steps passed) from tests/compat/corpus.py and
the steps each project passed in its last run (.compat/results/*.json): the table in tests/compat/README.md."""

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.compat.corpus import CORPUS  # noqa: E402

RESULTS = REPO / ".compat" / "results"
TOTAL = 15  # the steps test_corpus.test_a_real_project_runs_every_step records

print("| project | version | source | license | shapes | steps passed |")
print("|---|---|---|---|---|---|")
for project in CORPUS:
    path = RESULTS / f"{project.name}.json"
    if path.is_file():
        row = json.loads(path.read_text())
        failure = row.get("failure")
        passed = f"{len(row['passed'])}/{TOTAL}" + (f" (stopped at {failure['step']})" if failure else "")
    else:
        passed = "not run"
    print(
        f"| {project.name} | {project.version} | {project.source} | {project.license} | "
        f"{'; '.join(project.shapes)} | {passed} |"
    )
