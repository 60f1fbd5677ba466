"""What the Python test drivers share (Tests/Browser, Tests/API): a temporary index of the
samples and `loupe serve` on a free loopback port. Standard library only."""

import json
import os
import re
import signal
import subprocess
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SERVER_START_TIMEOUT = 60  # seconds for `loupe serve` to print its address


def log(message):
    print(message, flush=True)


class SetupError(Exception):
    """The test could not start: exit status 2."""


def run(cmd, **kwargs):
    """Runs `cmd`; a non-zero exit is a SetupError with its output."""
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300, **kwargs)
    if r.returncode != 0:
        raise SetupError(f"{' '.join(cmd)} exited {r.returncode}:\n{r.stdout}{r.stderr}")
    return r


def index_samples(loupe, index):
    """A fresh index of samples/ with the demo's schema and synonyms."""
    run([loupe, "init", "--index", index, "--schema", os.path.join(ROOT, "samples/schema.json"),
         "--synonyms", os.path.join(ROOT, "samples/synonyms.txt")], cwd=ROOT)
    run([loupe, "add", "--index", index, "--quiet", "samples/reuters-sample.jsonl", "samples/seeds/"], cwd=ROOT)


class Server:
    """`loupe serve` on a free loopback port, answering /health, until stop() (SIGTERM, then SIGKILL)."""

    def __init__(self, loupe, index, workdir, extra=(), name="serve"):
        """`extra`: more `loupe serve` options; `name`: of the log file in `workdir`."""
        self.log_path = os.path.join(workdir, name + ".log")
        self.log_file = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [loupe, "serve", "--index", index, "--host", "127.0.0.1", "--port", "0", *extra],
            stdout=self.log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True, cwd=ROOT)
        self.url = None
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            m = re.search(r"on (http://127\.0\.0\.1:\d+)/", self.output())
            if m:
                self.url = m.group(1)
                break
            if self.process.poll() is not None:
                raise SetupError(f"loupe serve exited {self.process.returncode}:\n{self.output()}")
            time.sleep(0.1)
        if self.url is None:
            self.stop()
            raise SetupError(f"loupe serve printed no address in {SERVER_START_TIMEOUT} s:\n{self.output()}")
        # The address is printed once the socket is bound; check that it answers.
        with urllib.request.urlopen(self.url + "/health", timeout=20) as r:
            health = json.load(r)
        if health.get("status") != "ok":
            self.stop()
            raise SetupError(f"GET /health answered {health}")

    def output(self):
        with open(self.log_path) as f:
            return f.read()

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                log("loupe serve did not stop within 15 s of SIGTERM: killing it")
                self.process.kill()
                self.process.wait(timeout=15)
        self.log_file.close()
