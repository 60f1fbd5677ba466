#!/usr/bin/env python3
"""openapi.yaml against the live server: schemathesis generates requests from the document.

Builds a temporary index of the samples (the demo schema and synonyms), starts the debug
`loupe serve` on a free loopback port, and runs schemathesis over every operation of
openapi.yaml with a bounded number of examples: the document's examples, its coverage phase
(boundaries, each required thing missing, wrong types) and random fuzzing, in positive and
negative mode. The checks are those that say whether the server and the document agree:

  not_a_server_error            no 5xx
  status_code_conformance       every status answered is documented for its operation
  content_type_conformance      every answer's Content-Type is the documented one
  response_headers_conformance  documented headers are present and well formed
  response_schema_conformance   every JSON answer matches its documented schema
  negative_data_rejection       a request the document forbids is refused with 4xx
  unsupported_method            a method the path does not take gets 405
  allow_header_conformance      ... with an Allow header naming the path's methods

Any finding fails the run. Prints `api: N passed, M failed` (operations) for .ci/run. Run by
`make api-test`, which installs schemathesis in a virtual environment under .build.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "PythonSupport"))
from loupe_server import ROOT, Server, SetupError, index_samples, log  # noqa: E402
CHECKS = ",".join([
    "not_a_server_error", "status_code_conformance", "content_type_conformance",
    "response_headers_conformance", "response_schema_conformance", "negative_data_rejection",
    "unsupported_method", "allow_header_conformance",
])


def count_operations(junit_path):
    """(passed, failed) operations in schemathesis' JUnit report."""
    tree = ET.parse(junit_path)
    passed = failed = 0
    for case in tree.iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
        elif case.find("skipped") is None:
            passed += 1
    return passed, failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--loupe", default=os.path.join(ROOT, ".build/debug/loupe"))
    parser.add_argument("--schemathesis", default=os.path.join(ROOT, ".build/api-venv/bin/schemathesis"))
    parser.add_argument("--max-examples", type=int, default=int(os.environ.get("API_TEST_EXAMPLES", "60")),
                        help="test cases per operation and phase (default 60, $API_TEST_EXAMPLES)")
    parser.add_argument("--seed", type=int, default=int(os.environ.get("API_TEST_SEED", "19")))
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args, extra = parser.parse_known_args()
    # Relative paths are the caller's; the tools run in other directories.
    args.loupe, args.schemathesis = os.path.abspath(args.loupe), os.path.abspath(args.schemathesis)

    workdir = tempfile.mkdtemp(prefix="loupe-api-")
    server = None
    status = 1
    passed = failed = 0
    try:
        for tool in (args.loupe, args.schemathesis):
            if not os.access(tool, os.X_OK):
                raise SetupError(f"{tool} is missing: run `make api-test`")
        index = os.path.join(workdir, "index")
        index_samples(args.loupe, index)
        server = Server(args.loupe, index, workdir)
        log(f"loupe serve on {server.url}; schemathesis, {args.max_examples} examples, seed {args.seed}")
        junit = os.path.join(workdir, "junit.xml")
        cmd = [args.schemathesis, "run", os.path.join(ROOT, "openapi.yaml"), "--url", server.url,
               "--checks", CHECKS, "--phases", "examples,coverage,fuzzing", "--mode", "all",
               "--max-examples", str(args.max_examples), "--seed", str(args.seed), "--workers", "1",
               "--request-timeout", "30", "--suppress-health-check", "all", "--no-color",
               "--report", "junit", "--report-junit-path", junit, "--report-dir", workdir] + extra
        env = dict(os.environ, SCHEMATHESIS_HOOKS="", NO_COLOR="1")
        # Schemathesis prints reproducing curl commands; a generated 200 KB query would
        # flood the log: lines are cut at 400 characters.
        result = subprocess.run(cmd, cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, errors="replace")
        for line in result.stdout.splitlines():
            print(line if len(line) <= 400 else line[:400] + f" … ({len(line)} characters)")
        sys.stdout.flush()
        if os.path.exists(junit):
            passed, failed = count_operations(junit)
        if result.returncode != 0 and failed == 0:
            failed = 1
        status = 0 if result.returncode == 0 and failed == 0 else 1
        if server.process.poll() is not None:
            log(f"loupe serve died during the run:\n{server.output()}")
            status = 1
    except (SetupError, subprocess.CalledProcessError) as e:
        log(f"setup failed: {e}")
        failed = max(failed, 1)
    finally:
        if server:
            server.stop()
        if args.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"api: {passed} passed, {failed} failed", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
