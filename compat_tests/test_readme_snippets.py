"""Every shell and Python block of the README runs, in order, in a fresh folder, against a live
emulator started with the real command, so the README can never rot.

A block that cannot run here is marked in the README by the line before its fence:
``<!-- snippet: skip (why) -->``; exactly those are skipped. Local ports written 8083-8099 are
rewritten to free ones (8083 is the emulator this test starts; blocks that start their own on
another port get one each). Blocks run without the user's AWS settings (no ``AWS_*`` variables, a
fresh ``HOME``): whatever a block needs, it must say.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from compat_tests.server import free_port

README = Path(__file__).resolve().parent.parent / "README.md"
SHELL = frozenset({"sh", "bash", "shell"})
PYTHON = frozenset({"python", "py", "python3"})
_FENCE = re.compile(r"^```\s*([\w+-]*)\s*$")
_SKIP = re.compile(r"^<!--\s*snippet:\s*skip\b.*-->$")
_LOCAL_PORT = re.compile(r"\b(80(?:8[3-9]|9\d))\b")
MAIN_PORT = "8083"


@dataclass(frozen=True, slots=True)
class Snippet:
    line: int  # of the opening fence, 1-based
    language: str
    code: str
    skipped: bool

    @property
    def runnable(self) -> bool:
        return self.language in SHELL or self.language in PYTHON


def snippets(text: str) -> list[Snippet]:
    """The fenced blocks of a Markdown text, each with whether a skip marker precedes it."""
    found: list[Snippet] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        match = _FENCE.match(lines[index])
        if match is None:
            index += 1
            continue
        start = index
        previous = next((lines[i].strip() for i in range(start - 1, -1, -1) if lines[i].strip()), "")
        index += 1
        body: list[str] = []
        while index < len(lines) and not lines[index].startswith("```"):
            body.append(lines[index])
            index += 1
        found.append(
            Snippet(start + 1, match.group(1).lower(), "\n".join(body) + "\n", bool(_SKIP.match(previous)))
        )
        index += 1
    return found


def test_the_parser_finds_blocks_and_only_marked_ones_are_skipped() -> None:
    text = "a\n<!-- snippet: skip (docker) -->\n```sh\ndocker ps\n```\n\n```python\nprint(1)\n```\n```yaml\nx: 1\n```\n"
    assert snippets(text) == [
        Snippet(3, "sh", "docker ps\n", True),
        Snippet(7, "python", "print(1)\n", False),
        Snippet(10, "yaml", "x: 1\n", False),
    ]
    readme = README.read_text()
    markers = sum(1 for line in readme.splitlines() if _SKIP.match(line.strip()))
    assert markers == sum(1 for snippet in snippets(readme) if snippet.skipped), (
        "a skip marker without a block"
    )


class Ports:
    """8083 is the test's emulator; every other local port written in the README gets a free one."""

    def __init__(self, main: int) -> None:
        self.mapping = {MAIN_PORT: str(main)}

    def rewrite(self, code: str) -> str:
        def replace(match: re.Match[str]) -> str:
            port = match.group(1)
            if port not in self.mapping:
                self.mapping[port] = str(free_port())
            return self.mapping[port]

        return _LOCAL_PORT.sub(replace, code)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path


@pytest.fixture
def environment(folder: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "SFN_"))}
    env["HOME"] = str(folder)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


@pytest.fixture
def sessions() -> Iterator[list[int]]:
    """Process groups started by the blocks (servers they put in the background)."""
    started: list[int] = []
    yield started
    for group in started:
        try:
            os.killpg(group, signal.SIGTERM)
        except ProcessLookupError:
            continue


def test_every_shell_and_python_block_of_the_readme_runs(
    folder: Path, environment: dict[str, str], sessions: list[int]
) -> None:
    blocks = [snippet for snippet in snippets(README.read_text()) if snippet.runnable and not snippet.skipped]
    assert blocks, "the README has no runnable block"
    port = free_port()
    ports = Ports(port)
    log = (folder / "emulator.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "emulator", "--port", str(port)],
        cwd=folder,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    sessions.append(server.pid)
    try:
        wait = (
            f"curl -s --retry 30 --retry-connrefused --retry-delay 1 http://127.0.0.1:{port}/_emulator/health"
        )
        subprocess.run(["sh", "-c", wait], check=True, timeout=60, capture_output=True)
        for number, block in enumerate(blocks):
            run_block(block, number, ports.rewrite(block.code), folder, environment, sessions)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def run_block(
    block: Snippet, number: int, code: str, folder: Path, environment: dict[str, str], sessions: list[int]
) -> None:
    if block.language in PYTHON:
        script = folder / f"readme_block_{number}.py"
        script.write_text(code)
        command = [sys.executable, str(script)]
    else:
        command = ["bash", "-e", "-c", code]
    output = folder / f"readme_block_{number}.out"
    with output.open("w") as out:
        # Files, not pipes: a server a block starts in the background keeps them open.
        process = subprocess.Popen(
            command, cwd=folder, env=environment, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        sessions.append(process.pid)
        try:
            code_returned = process.wait(timeout=180)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    assert code_returned == 0, (
        f"README block at line {block.line} ({block.language}) failed with {code_returned}:\n"
        f"{code}\n--- output ---\n{output.read_text()}"
    )
