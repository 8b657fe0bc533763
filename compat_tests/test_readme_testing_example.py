"""The README's pytest example, run as is: the first Python block of "Testing your state
machines" is written to a file and run by pytest in a subprocess (the plugin registers itself)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_example() -> tuple[str, str]:
    section = README.read_text().split("## Testing your state machines", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None
    text = code.group(1)
    name = re.match(r"# (\S+\.py)\n", text)
    assert name is not None, "the example names its file in its first line"
    return name.group(1), text


def test_the_readme_pytest_example_passes_as_written(tmp_path: Path) -> None:
    name, text = readme_example()
    (tmp_path / name).write_text(text)
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout
