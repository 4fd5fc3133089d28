"""Progress of ``newsfacet index`` as a user sees it: the real console script, with stderr
on a pseudo-terminal (a bar) and on a pipe (a line every few seconds), and ``--quiet``."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from conftest import CORPUS

NEWSFACET = Path(sys.executable).with_name("newsfacet")


def _on_a_terminal(argv: list[str], timeout: float = 120) -> tuple[int, str]:
    """Run ``argv`` with stdin, stdout and stderr on a new 24x100 pseudo-terminal: (exit
    status, output)."""
    main_fd, child_fd = pty.openpty()
    fcntl.ioctl(child_fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    proc = subprocess.Popen(argv, stdin=child_fd, stdout=child_fd, stderr=child_fd, close_fds=True)
    os.close(child_fd)
    output = b""
    try:
        while True:
            ready, _, _ = select.select([main_fd], [], [], timeout)
            if not ready:
                proc.kill()
                pytest.fail(f"no output for {timeout} s: {output[-500:]!r}")
            try:
                chunk = os.read(main_fd, 65536)
            except OSError:          # EIO: the terminal's other end is closed
                break
            if not chunk:
                break
            output += chunk
    finally:
        os.close(main_fd)
    return proc.wait(timeout=timeout), output.decode("utf-8", "replace")


def test_the_readme_command_shows_a_bar_on_a_terminal(tmp_path):
    index_dir = tmp_path / "ix"
    code, output = _on_a_terminal([str(NEWSFACET), "index", str(CORPUS), "--index", str(index_dir),
                                   "--workers", "1"])
    assert code == 0, output
    assert "Traceback" not in output
    assert "5/5" in output and "file/s" in output and "5 articles" in output   # the bar, filled
    assert "indexed 5, updated 0" in output


def test_quiet_shows_no_bar_on_a_terminal(tmp_path):
    code, output = _on_a_terminal([str(NEWSFACET), "index", str(CORPUS), "--index", str(tmp_path / "ix"),
                                   "--workers", "1", "--quiet"])
    assert code == 0, output
    assert "file/s" not in output and "indexing:" not in output
    assert "indexed 5, updated 0" in output


def test_off_a_terminal_a_line_every_few_seconds(tmp_path, corpus_copy):
    env = {**os.environ, "NEWSFACET_PROGRESS_SECONDS": "0"}    # a line at every step
    # the articles alone: a quiet build says nothing, and corpus/README.md would be a skipped file
    args = [str(NEWSFACET), "index", str(corpus_copy), "--index", str(tmp_path / "ix"), "--workers", "1"]
    proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.startswith("indexing: ")]
    assert lines[0] == "indexing: 5 files to read with 1 worker process"
    assert "indexing: 5 of 5 files, 5 articles (" in proc.stderr and "articles/s)" in proc.stderr
    assert lines[-1] == "indexing: 5 of 5 files, 5 articles; writing the index"
    assert "\r" not in proc.stderr

    quiet = subprocess.run(args + ["--quiet", "--rebuild"], env=env, capture_output=True, text=True,
                           timeout=120)
    assert quiet.returncode == 0 and quiet.stderr == ""
