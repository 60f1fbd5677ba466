#!/usr/bin/env python3
"""Runs Loupe's libFuzzer targets (built by `make fuzz-build` into .build/fuzz) over their
corpora in Tests/Fuzz/Corpus/<target>, each for a bounded time, and prints what they did.

    python3 Tests/Fuzz/fuzz.py --seconds 60              # every target, 60 s each
    python3 Tests/Fuzz/fuzz.py --seconds 600 query       # one target
    python3 Tests/Fuzz/fuzz.py --merge                   # minimize the corpora (-merge=1)

New inputs the fuzzer finds go to a temporary directory, so a run leaves the repository's
corpus as committed; `--keep` merges them into it afterwards (minimized, as `--merge`).
A trap or other fatal signal, an input slower than --timeout or a run over 3 GB is a failure:
the input is saved as Tests/Fuzz/Artifacts/<kind>-<sha1> and the exit status is 1.
Reproduce one with `.build/fuzz/release/fuzz-<target> <file>`.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TARGETS = ["segments", "query", "documents"]
# Inputs past these sizes add nothing the corpus does not already exercise (the columns of the
# seed index's first segment, ~18 KB, are fuzzed cut short; its second segment's whole).
MAX_LEN = {"segments": 8192, "query": 1024, "documents": 4096}


def binary(build, target):
    return os.path.join(build, "release", "fuzz-" + target)


def env():
    e = dict(os.environ)
    e["LOUPE_FUZZ_SEED_INDEX"] = os.path.join(ROOT, "Tests", "Fuzz", "SeedIndex")
    # libFuzzer's own handler must see a trap to save the input; Swift's backtracer would
    # take the signal first.
    e["SWIFT_BACKTRACE"] = "enable=no"
    # With AddressSanitizer (make fuzz FUZZ_ASAN=1): memory errors, not leaks (the Swift
    # runtime's caches live until exit).
    e.setdefault("ASAN_OPTIONS", "detect_leaks=0")
    return e


def run(target, seconds, build, timeout, keep):
    """Fuzzes `target` for `seconds`; returns a dict of what happened."""
    corpus = os.path.join(ROOT, "Tests", "Fuzz", "Corpus", target)
    artifacts = os.path.join(ROOT, "Tests", "Fuzz", "Artifacts") + "/"
    os.makedirs(corpus, exist_ok=True)
    os.makedirs(artifacts, exist_ok=True)
    fresh = tempfile.mkdtemp(prefix="loupe-fuzz-%s-" % target)
    cmd = [binary(build, target), fresh, corpus, "-max_total_time=%d" % seconds, "-timeout=%d" % timeout,
           "-rss_limit_mb=3072", "-max_len=%d" % MAX_LEN[target], "-print_final_stats=1", "-detect_leaks=0",
           "-artifact_prefix=" + artifacts]
    try:
        p = subprocess.run(cmd, env=env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           errors="replace", timeout=seconds + 10 * timeout + 120)
        out, status = p.stdout, p.returncode
    except subprocess.TimeoutExpired as e:
        out, status = (e.stdout or ""), "stuck"
    stat = lambda name: int((re.findall(r"stat::%s:\s*(\d+)" % name, out) or ["0"])[-1])
    cov = re.findall(r"cov: (\d+) ft: (\d+) corp: (\d+)", out)
    saved = re.findall(r"Test unit written to (\S+)", out)
    result = {
        "target": target,
        "executions": stat("number_of_executed_units"),
        "coverage": int(cov[-1][0]) if cov else 0,
        "features": int(cov[-1][1]) if cov else 0,
        "corpus": int(cov[-1][2]) if cov else 0,
        "crashes": 0, "hangs": 0, "artifacts": saved, "status": status,
    }
    if "ERROR: libFuzzer: timeout" in out or status == "stuck":
        result["hangs"] = 1
    elif status != 0:
        result["crashes"] = 1
    if status != 0:
        tail = "\n".join(out.splitlines()[-60:])
        sys.stderr.write("fuzz-%s failed (status %s):\n%s\n" % (target, status, tail))
    if keep and status == 0:
        merge(target, build, extra=fresh)
    shutil.rmtree(fresh, ignore_errors=True)
    return result


def merge(target, build, extra=None):
    """Minimizes the corpus of `target` (plus the inputs in `extra`) with -merge=1."""
    corpus = os.path.join(ROOT, "Tests", "Fuzz", "Corpus", target)
    merged = tempfile.mkdtemp(prefix="loupe-fuzz-merge-")
    dirs = [corpus] + ([extra] if extra else [])
    subprocess.run([binary(build, target), "-merge=1", "-max_len=%d" % MAX_LEN[target], merged] + dirs,
                   env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    shutil.rmtree(corpus)
    shutil.copytree(merged, corpus)
    shutil.rmtree(merged, ignore_errors=True)
    size = sum(os.path.getsize(os.path.join(corpus, f)) for f in os.listdir(corpus))
    print("merged fuzz-%s corpus: %d inputs, %d KB" % (target, len(os.listdir(corpus)), size // 1024))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("targets", nargs="*", default=TARGETS, help="of: " + ", ".join(TARGETS))
    ap.add_argument("--seconds", type=int, default=60, help="per target (default 60)")
    ap.add_argument("--timeout", type=int, default=10, help="seconds one input may take (default 10)")
    ap.add_argument("--build", default=os.path.join(ROOT, ".build", "fuzz"), help="the fuzzers' build directory")
    ap.add_argument("--keep", action="store_true", help="merge new inputs into the repository's corpus")
    ap.add_argument("--merge", action="store_true", help="only minimize the corpora")
    a = ap.parse_args()
    for t in a.targets:
        if t not in TARGETS:
            ap.error("unknown target %s" % t)
        if not os.path.exists(binary(a.build, t)):
            ap.error("%s is not built: run make fuzz-build" % binary(a.build, t))
    if a.merge:
        for t in a.targets:
            merge(t, a.build)
        return 0
    results = [run(t, a.seconds, a.build, a.timeout, a.keep) for t in a.targets]
    print("%-16s %12s %9s %9s %7s %8s %6s" % ("target", "executions", "coverage", "features", "corpus", "crashes", "hangs"))
    for r in results:
        print("%-16s %12d %9d %9d %7d %8d %6d" % ("fuzz-" + r["target"], r["executions"], r["coverage"], r["features"],
                                                 r["corpus"], r["crashes"], r["hangs"]))
        for f in r["artifacts"]:
            print("  input saved: %s" % f)
    return 1 if any(r["crashes"] or r["hangs"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
