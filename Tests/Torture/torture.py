#!/usr/bin/env python3
"""Loupe's torture test: on a generated corpus, repeats the campaigns of issue 19 against the
`loupe` binary and prints a table of trials, crashes, hangs and data lost, which must all be
zero (the exit status is 1 otherwise).

    python3 Tests/Torture/torture.py --loupe .build/debug/loupe --seconds 120

Campaigns (the time budget is shared between the first three; the fuzzers run for
--fuzz-seconds each):

  kill     `loupe add`, `loupe merge` and `loupe delete --query` killed with SIGKILL at a
           random moment of their run.
  fault    The same commands with one fsync, fdatasync, rename or unlink made to fail with
           EIO, or the process killed just before it (the call never happens), injected by
           strace (`-e inject=SYSCALL:error=EIO[:signal=KILL]:when=N`), for every N up to
           the number of such calls a clean run makes, taken in turn per command and call.
           No hook in Loupe is involved: the release binary is tested as shipped.
  corrupt  A committed file of the index damaged: a bit flipped, cut short, emptied,
           deleted, or swapped with the same file of another segment; then search, get,
           stats and check.
  fuzz     The libFuzzer targets of Tests/Fuzz (see Tests/Fuzz/fuzz.py), when built.

After `kill` and `fault` trials, the index must pass `loupe check` and hold exactly the
documents of the last commit before the command or, when the command may have committed,
of the commit it makes (compared with a model: every id and its title, which changes each
time a document is replaced); a command that exits 0 must have committed. Anything else
counts as data lost. A further `loupe add` must then succeed (no stale lock or leftover
breaks the next writer). For `corrupt`, every command must exit normally (0, or an error
status with a message); `check` must report the damage (else "data lost": damage passing
as healthy). In every campaign, a process ended by a signal we did not send is a crash and
one running past --trial-timeout is a hang.
"""
import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
WORDS = ("harbour crane strike oil price tanker union port wage ship grain cargo dock berth pilot quay rope tide "
         "fleet storm crude opec legacy war market bank rate trade export import coffee sugar gold").split()


class Outcome:
    def __init__(self, returncode=None, out="", hung=False):
        self.returncode, self.out, self.hung = returncode, out, hung

    @property
    def signalled(self):
        return self.returncode is not None and self.returncode < 0


class Torture:
    def __init__(self, args):
        self.loupe = os.path.abspath(args.loupe)
        self.timeout = args.trial_timeout
        self.rng = random.Random(args.seed)
        self.work = tempfile.mkdtemp(prefix="loupe-torture-", dir=args.work)
        self.verbose = args.verbose
        self.rows = []

    # ---- running loupe ---------------------------------------------------------------

    def run(self, argv, index, timeout=None, prefix=(), stdin=None):
        cmd = list(prefix) + [self.loupe] + argv + ["--index", index]
        try:
            p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace",
                               timeout=timeout or self.timeout, stdin=stdin, env=self.env())
            return Outcome(p.returncode, p.stdout)
        except subprocess.TimeoutExpired as e:
            return Outcome(None, e.stdout or "", hung=True)

    def env(self):
        e = dict(os.environ)
        e["SWIFT_BACKTRACE"] = "enable=no"  # a trap ends the process by its signal, quickly
        e.pop("LOUPE_INDEX", None)
        return e

    def dump(self, index):
        """The live documents as {id: title}, or None when the index cannot be read."""
        o = self.run(["search", "", "--limit", "10000", "--json"], index)
        if o.returncode != 0:
            return None, o
        hits = json.loads(o.out)["hits"]
        return {h["id"]: h["fields"].get("title", "") for h in hits}, o

    # ---- the corpus --------------------------------------------------------------------

    def document(self, i, version):
        r = random.Random(i * 7919 + version)
        body = " ".join(r.choice(WORDS) for _ in range(r.randint(5, 60)))
        return {"id": "d%d" % i, "title": "v%d %s %s" % (version, r.choice(WORDS), r.choice(WORDS)), "body": body,
                "date": "19%02d-%02d-%02dT00:00:00Z" % (r.randint(70, 99), r.randint(1, 12), r.randint(1, 28))}

    def write_jsonl(self, path, docs):
        with open(path, "w") as f:
            for d in docs:
                f.write(json.dumps(d) + "\n")

    def prepare(self):
        """A pristine index of three commits (several segments, deletions) and the batches
        the trials add: new documents and new versions of existing ones."""
        self.pristine = os.path.join(self.work, "pristine")
        self.check_ok(self.run(["init", "--force"], self.pristine), "init")
        for c in range(3):
            path = os.path.join(self.work, "base%d.jsonl" % c)
            self.write_jsonl(path, [self.document(i, 1) for i in range(c * 120, c * 120 + 120)])
            self.check_ok(self.run(["add", path, "--quiet"], self.pristine), "add")
        self.check_ok(self.run(["delete"] + ["d%d" % i for i in range(0, 360, 11)], self.pristine), "delete")
        self.batch = os.path.join(self.work, "batch.jsonl")
        self.write_jsonl(self.batch, [self.document(i, 2) for i in range(300, 420)])
        self.before, o = self.dump(self.pristine)
        if self.before is None:
            raise SystemExit("torture: cannot read the pristine index: " + o.out)
        # What each command leaves when it completes (the model after it).
        self.commands = {
            "add": ["add", self.batch, "--quiet", "--threads", "1"],
            "merge": ["merge"],
            "delete --query": ["delete", "--query", "crane OR opec", "--any"],
        }
        self.after, self.duration = {}, {}
        for name, argv in self.commands.items():
            d = self.fresh("expect")
            t = time.time()
            self.check_ok(self.run(argv, d), name)
            self.duration[name] = time.time() - t
            self.after[name], o = self.dump(d)
            if self.after[name] == self.before and name != "merge":
                raise SystemExit("torture: %s changes nothing; the corpus is wrong" % name)
        self.follow_up = os.path.join(self.work, "follow-up.jsonl")
        self.write_jsonl(self.follow_up, [self.document(1000, 1)])

    def check_ok(self, o, what):
        if o.returncode != 0:
            raise SystemExit("torture: %s failed while preparing (status %s):\n%s" % (what, o.returncode, o.out))

    def fresh(self, name):
        d = os.path.join(self.work, name)
        shutil.rmtree(d, ignore_errors=True)
        shutil.copytree(self.pristine, d)
        return d

    # ---- verdicts ----------------------------------------------------------------------

    def verify_commit(self, index, command, committed_required, stats, detail):
        """After a killed or failed command: check passes, the documents are those of the
        commit before or (unless it must have committed) after, and a next writer works."""
        c = self.run(["check"], index)
        if c.hung:
            stats["hangs"] += 1; self.note(detail, "check hung"); return
        if c.signalled:
            stats["crashes"] += 1; self.note(detail, "check crashed: " + c.out[-400:]); return
        if c.returncode != 0:
            stats["lost"] += 1; self.note(detail, "check fails: " + c.out[-400:]); return
        docs, o = self.dump(index)
        if o.signalled:
            stats["crashes"] += 1; self.note(detail, "search crashed"); return
        if o.hung:
            stats["hangs"] += 1; self.note(detail, "search hung"); return
        allowed = [self.after[command]] if committed_required else [self.before, self.after[command]]
        if docs not in allowed:
            stats["lost"] += 1
            self.note(detail, "documents differ from the model (%s)" % self.difference(docs, allowed[-1]))
            return
        f = self.run(["add", self.follow_up, "--quiet"], index)
        if f.signalled:
            stats["crashes"] += 1; self.note(detail, "the next add crashed")
        elif f.hung:
            stats["hangs"] += 1; self.note(detail, "the next add hung")
        elif f.returncode != 0:
            stats["lost"] += 1; self.note(detail, "the next add fails: " + f.out[-300:])

    def difference(self, docs, model):
        if docs is None:
            return "unreadable"
        missing = sorted(set(model) - set(docs))[:3]
        extra = sorted(set(docs) - set(model))[:3]
        changed = sorted(k for k in set(docs) & set(model) if docs[k] != model[k])[:3]
        return "missing %s, unexpected %s, different %s" % (missing, extra, changed)

    def note(self, detail, what):
        print("  FAIL %s: %s" % (detail, what), flush=True)

    def row(self, name, stats):
        self.rows.append((name, stats["trials"], stats["crashes"], stats["hangs"], stats["lost"]))
        print("%s: %d trials, %d crashes, %d hangs, %d data lost" % (name, stats["trials"], stats["crashes"], stats["hangs"],
                                                                   stats["lost"]), flush=True)

    # ---- campaign: kill -9 -------------------------------------------------------------

    def kill_campaign(self, seconds):
        stats = dict(trials=0, crashes=0, hangs=0, lost=0)
        deadline = time.time() + seconds
        names = list(self.commands)
        while time.time() < deadline or stats["trials"] < len(names):
            name = names[stats["trials"] % len(names)]
            index = self.fresh("kill")
            delay = self.rng.uniform(0, self.duration[name] * 1.1)
            cmd = [self.loupe] + self.commands[name] + ["--index", index]
            p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=self.env())
            time.sleep(delay)
            killed = p.poll() is None
            if killed:
                p.send_signal(signal.SIGKILL)
            try:
                _, err = p.communicate(timeout=self.timeout)
            except subprocess.TimeoutExpired:
                p.kill(); p.communicate()
                stats["hangs"] += 1
                continue
            stats["trials"] += 1
            detail = "kill %s after %.3f s" % (name, delay)
            if not killed and p.returncode < 0:
                stats["crashes"] += 1; self.note(detail, "died by signal %d: %s" % (-p.returncode, err.decode(errors="replace")[-400:]))
                continue
            if self.verbose:
                print("  %s (%s)" % (detail, "killed" if killed else "finished, status %d" % p.returncode))
            self.verify_commit(index, name, committed_required=not killed and p.returncode == 0, stats=stats, detail=detail)
        self.row("kill -9 (add, merge, delete --query)", stats)

    # ---- campaign: injected failures ---------------------------------------------------

    SYSCALLS = ["fsync", "fdatasync", "rename", "renameat", "renameat2", "unlink", "unlinkat"]

    def count_syscalls(self, name):
        index = self.fresh("count")
        log = os.path.join(self.work, "strace.log")
        self.run(self.commands[name], index, prefix=["strace", "-f", "-qq", "-o", log, "-e", "trace=" + ",".join(self.SYSCALLS)])
        counts = {}
        with open(log) as f:
            for line in f:
                parts = line.split(None, 1)
                if len(parts) < 2:
                    continue
                call = parts[1].split("(", 1)[0].strip()
                if call in self.SYSCALLS:
                    counts[call] = counts.get(call, 0) + 1
        return counts

    def fault_campaign(self, seconds):
        stats = dict(trials=0, crashes=0, hangs=0, lost=0)
        if shutil.which("strace") is None:
            raise SystemExit("torture: the fault campaign needs strace (apt-get install strace)")
        # Every injection point, interleaved so a short budget still covers each command and call.
        queues = []
        for name in self.commands:
            for call, n in sorted(self.count_syscalls(name).items()):
                points = [(name, call, k, mode) for k in range(1, n + 1) for mode in ("EIO", "kill")]
                self.rng.shuffle(points)
                queues.append(points)
        total = sum(len(q) for q in queues)
        deadline = time.time() + seconds
        done_points = 0
        while any(queues) and (time.time() < deadline or stats["trials"] < len(queues)):
            for q in queues:
                if not q or (time.time() >= deadline and stats["trials"] >= len(queues)):
                    continue
                name, call, k, mode = q.pop()
                done_points += 1
                index = self.fresh("fault")
                inject = "%s:error=EIO%s:when=%d" % (call, ":signal=KILL" if mode == "kill" else "", k)
                o = self.run(self.commands[name], index, prefix=["strace", "-f", "-qq", "-o", "/dev/null",
                                                                  "-e", "trace=" + call, "-e", "inject=" + inject])
                stats["trials"] += 1
                detail = "%s with %s #%d %s" % (name, call, k, "failing (EIO)" if mode == "EIO" else "killed before it")
                if o.hung:
                    stats["hangs"] += 1; self.note(detail, "hung"); continue
                killed = o.returncode == -signal.SIGKILL or o.returncode == 128 + signal.SIGKILL
                if o.signalled and not killed:
                    stats["crashes"] += 1; self.note(detail, "died by signal %d: %s" % (-o.returncode, o.out[-400:])); continue
                if self.verbose:
                    print("  %s: status %s %s" % (detail, o.returncode, o.out.strip()[-160:]))
                self.verify_commit(index, name, committed_required=o.returncode == 0, stats=stats, detail=detail)
        print("fault injection: %d of %d injection points tried" % (done_points, total))
        self.row("injected EIO/kill at fsync, rename, unlink", stats)

    # ---- campaign: corrupted files -----------------------------------------------------

    def corrupt_campaign(self, seconds):
        stats = dict(trials=0, crashes=0, hangs=0, lost=0)
        files = sorted(f for f in os.listdir(self.pristine) if f != "write.lock")
        segments = sorted({f.split(".")[0] for f in files if f.endswith(".store")})
        damages = ["flip", "truncate", "empty", "delete", "swap", "zero-range"]
        deadline = time.time() + seconds
        while time.time() < deadline or stats["trials"] < len(damages):
            damage = damages[stats["trials"] % len(damages)]
            index = self.fresh("corrupt")
            name = self.rng.choice(files)
            path = os.path.join(index, name)
            size = os.path.getsize(path)
            if damage == "flip":
                at = self.rng.randrange(size)
                with open(path, "r+b") as f:
                    f.seek(at); b = f.read(1); f.seek(at); f.write(bytes([b[0] ^ (1 << self.rng.randrange(8))]))
                what = "bit flipped at byte %d" % at
            elif damage == "truncate":
                cut = self.rng.randrange(size)
                os.truncate(path, cut)
                what = "cut to %d bytes" % cut
            elif damage == "empty":
                os.truncate(path, 0)
                what = "emptied"
            elif damage == "delete":
                os.remove(path)
                what = "deleted"
            elif damage == "zero-range":
                at = self.rng.randrange(size)
                n = min(size - at, self.rng.randint(1, 64))
                with open(path, "r+b") as f:
                    f.seek(at); old = f.read(n); f.seek(at); f.write(bytes(n))
                if old == bytes(n):
                    continue  # nothing changed: not a trial
                what = "%d bytes zeroed at %d" % (n, at)
            else:
                ext = name.split(".", 1)[1] if "." in name and name.split(".")[0] in segments else None
                others = [s for s in segments if s != name.split(".")[0]]
                if not ext or not others or not os.path.exists(os.path.join(index, others[0] + "." + ext)):
                    continue
                other = os.path.join(index, others[0] + "." + ext)
                tmp = path + ".swap"
                os.rename(path, tmp); os.rename(other, path); os.rename(tmp, other)
                what = "swapped with %s" % os.path.basename(other)
            stats["trials"] += 1
            detail = "%s %s" % (name, what)
            commands = [["search", "oil crane", "--limit", "5"], ["search", "\"oil price\"", "--json"],
                        ["search", "", "--sort", "date:desc", "--limit", "3"], ["get", "d1"], ["stats"], ["check"]]
            for argv in commands:
                o = self.run(argv, index)
                label = "%s: loupe %s" % (detail, " ".join(argv))
                if o.hung:
                    stats["hangs"] += 1; self.note(label, "hung")
                elif o.signalled:
                    stats["crashes"] += 1; self.note(label, "died by signal %d: %s" % (-o.returncode, o.out[-400:]))
                elif argv[0] == "check" and o.returncode == 0:
                    stats["lost"] += 1; self.note(label, "the damage passes as healthy")
                elif self.verbose:
                    print("  %s -> %s" % (label, o.out.strip().splitlines()[-1:] if o.out.strip() else o.returncode))
        self.row("corrupted files (flip, cut, empty, delete, swap)", stats)

    # ---- campaign: fuzzers ------------------------------------------------------------

    def fuzz_campaign(self, seconds, build):
        sys.path.insert(0, os.path.join(ROOT, "Tests", "Fuzz"))
        import fuzz
        for target in fuzz.TARGETS:
            if not os.path.exists(fuzz.binary(build, target)):
                raise SystemExit("torture: %s is not built (make fuzz-build)" % fuzz.binary(build, target))
        for target in fuzz.TARGETS:
            r = fuzz.run(target, seconds, build, timeout=10, keep=False)
            stats = dict(trials=r["executions"], crashes=r["crashes"], hangs=r["hangs"], lost=0)
            self.row("fuzz-%s (%d s, coverage %d)" % (target, seconds, r["coverage"]), stats)

    def table(self):
        print()
        print("%-52s %9s %8s %6s %10s" % ("campaign", "trials", "crashes", "hangs", "data lost"))
        for name, trials, crashes, hangs, lost in self.rows:
            print("%-52s %9d %8d %6d %10d" % (name, trials, crashes, hangs, lost))
        bad = any(r[2] or r[3] or r[4] for r in self.rows) or any(r[1] == 0 for r in self.rows)
        print("\n" + ("FAILED: see the lines marked FAIL above" if bad else "all zero"))
        return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--loupe", default=os.path.join(ROOT, ".build", "debug", "loupe"), help="the loupe binary")
    ap.add_argument("--seconds", type=float, default=120, help="budget shared by kill, fault and corrupt (default 120)")
    ap.add_argument("--fuzz-seconds", type=int, default=30, help="per fuzz target, 0 to skip them (default 30)")
    ap.add_argument("--fuzz-build", default=os.path.join(ROOT, ".build", "fuzz"), help="where make fuzz-build puts them")
    ap.add_argument("--trial-timeout", type=float, default=60, help="seconds after which a command is a hang (default 60)")
    ap.add_argument("--seed", type=int, default=int(time.time()), help="random seed (printed, to repeat a run)")
    ap.add_argument("--work", default=None, help="directory for the temporary indexes")
    ap.add_argument("--campaigns", default="kill,fault,corrupt,fuzz", help="which to run (default all)")
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    if not os.path.exists(a.loupe):
        ap.error("%s does not exist: build it first (swift build)" % a.loupe)
    t = Torture(a)
    print("torture: seed %d, %s, work in %s" % (a.seed, a.loupe, t.work), flush=True)
    campaigns = a.campaigns.split(",")
    try:
        t.prepare()
        share = a.seconds / max(1, len([c for c in campaigns if c != "fuzz"]))
        if "kill" in campaigns:
            t.kill_campaign(share)
        if "fault" in campaigns:
            t.fault_campaign(share)
        if "corrupt" in campaigns:
            t.corrupt_campaign(share)
        if "fuzz" in campaigns and a.fuzz_seconds > 0:
            t.fuzz_campaign(a.fuzz_seconds, a.fuzz_build)
    finally:
        shutil.rmtree(t.work, ignore_errors=True)
    return t.table()


if __name__ == "__main__":
    sys.exit(main())
