#!/usr/bin/env python3
"""Serving: open time and near-real-time refresh, Loupe beside Tantivy in the same run.

1. Open: the wall time of one rare-term search in a fresh process, process start included
   (what a CGI-style or batch caller pays): `loupe search TERM` (10 hits with snippets), the
   same with `--verify` (every checksum at open, as every open did before issue 18), an
   optional older binary (`--loupe-before`), and Tantivy through its Python binding
   (`python3 -c`: interpreter start, `Index.open`, parse, search, 10 stored documents).
   Runs interleave; medians over `--reps`.
2. Near-real-time: `loupe serve` on a copy of the index (hard links: segment files never
   change; the manifest and lock are real copies), then `--writes` times: PUT one document
   with a unique word, then search for it. Reported: the PUT's latency (it is answered after
   the commit and the refresh) and the time until the first search finds it. Tantivy's peer
   figure, in-process: add one document, commit, reload the reader, search, on a hard-linked
   copy of its index. (`--loupe-before` is measured too when given, with fewer writes.)

The index must hold the schema's `title` and `body` fields (such as the aggregations
benchmark's 1M index). Usage:

  bench_serving.py --loupe .build/release/loupe --index /data/aggs1m/loupe \
      [--tantivy /data/aggs1m/tantivy] [--loupe-before OLD_BINARY] --term wintour --work /tmp/serving
"""
import argparse, json, os, shutil, statistics, subprocess, sys, time, urllib.request


def median(v):
    return statistics.median(v)


def p90(v):
    s = sorted(v)
    return s[min(len(s) - 1, int(0.9 * len(s)))]


def wall(cmd):
    t = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    dt = (time.perf_counter() - t) * 1000
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed: {r.stderr.decode()[:400]}")
    return dt


def linked_copy(src, dst, real=("manifest", "write.lock", "meta.json", ".managed.json", ".tantivy-meta.lock", ".tantivy-writer.lock")):
    shutil.rmtree(dst, ignore_errors=True)
    os.makedirs(dst)
    for name in os.listdir(src):
        s, d = os.path.join(src, name), os.path.join(dst, name)
        if name in real:
            shutil.copyfile(s, d)
        else:
            os.link(s, d)


TANTIVY_SEARCH = """
import sys, tantivy
index = tantivy.Index.open(sys.argv[1])
searcher = index.searcher()
query = index.parse_query(sys.argv[2], ["title", "body"])
for score, address in searcher.search(query, 10).hits:
    searcher.doc(address)
"""


def open_times(a):
    cmds = {"loupe search": [a.loupe, "search", "--index", a.index, a.term],
            "loupe search --verify": [a.loupe, "search", "--index", a.index, "--verify", a.term]}
    if a.loupe_before:
        cmds["loupe-before search"] = [a.loupe_before, "search", "--index", a.index, a.term]
    if a.tantivy:
        cmds["tantivy (python -c)"] = [sys.executable, "-c", TANTIVY_SEARCH, a.tantivy, a.term]
    runs = {k: [] for k in cmds}
    for c in cmds.values():
        wall(c)  # warm the page cache
    for _ in range(a.reps):
        for k, c in cmds.items():
            runs[k].append(wall(c))
    return runs


def loupe_nrt(binary, index, port, writes):
    srv = subprocess.Popen([binary, "serve", "--index", index, "--port", str(port)],
                           stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health").read()
                break
            except OSError:
                time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"

        def call(method, path, body=None):
            r = urllib.request.Request(base + path, method=method, data=body, headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(r) as resp:
                return json.loads(resp.read())
        put, visible = [], []
        for i in range(writes):
            word = f"zqnrt{os.getpid()}x{i}x{int(time.time() * 1000) % 100000}"
            body = json.dumps({"title": f"Fresh {word}", "body": f"A new article about {word}."}).encode()
            t0 = time.perf_counter()
            call("PUT", f"/documents/nrt-{word}", body)
            t1 = time.perf_counter()
            while call("GET", f"/search?q={word}&limit=1")["total"] != 1:
                pass
            t2 = time.perf_counter()
            put.append((t1 - t0) * 1000)
            visible.append((t2 - t0) * 1000)
        return put, visible
    finally:
        srv.terminate()
        srv.wait()


def tantivy_nrt(index, writes):
    import tantivy
    idx = tantivy.Index.open(index)
    writer = idx.writer(heap_size=50_000_000, num_threads=1)
    visible = []
    for i in range(writes):
        word = f"zqnrt{os.getpid()}x{i}"
        t0 = time.perf_counter()
        writer.add_document(tantivy.Document(id=f"nrt-{word}", title=f"Fresh {word}", body=f"A new article about {word}."))
        writer.commit()
        idx.reload()
        found = idx.searcher().search(idx.parse_query(word, ["title", "body"]), 1).count
        visible.append((time.perf_counter() - t0) * 1000)
        assert found == 1, found
    writer.wait_merging_threads()
    return visible


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--loupe", required=True)
    p.add_argument("--loupe-before")
    p.add_argument("--index", required=True)
    p.add_argument("--tantivy")
    p.add_argument("--term", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--reps", type=int, default=9)
    p.add_argument("--writes", type=int, default=40)
    a = p.parse_args()
    os.makedirs(a.work, exist_ok=True)

    print(f"## Open: one search for '{a.term}' in a fresh process (wall time, ms, median of {a.reps})\n")
    runs = open_times(a)
    base = median(runs["tantivy (python -c)"]) if a.tantivy else None
    print("| command | median | min | max | / Tantivy |\n|---|---|---|---|---|")
    for k, v in runs.items():
        ratio = f"{median(v) / base:.2f}x" if base else "-"
        print(f"| {k} | {median(v):.1f} | {min(v):.1f} | {max(v):.1f} | {ratio} |")

    print(f"\n## Near-real-time: one-document write through the HTTP API until searchable (ms, {a.writes} writes)\n")
    print("| engine | write answered (median / p90) | searchable (median / p90) |\n|---|---|---|")
    copy = os.path.join(a.work, "loupe-copy")
    linked_copy(a.index, copy)
    put, vis = loupe_nrt(a.loupe, copy, 7790, a.writes)
    loupe_vis = median(vis)
    print(f"| loupe serve | {median(put):.1f} / {p90(put):.1f} | {median(vis):.1f} / {p90(vis):.1f} |")
    if a.loupe_before:
        linked_copy(a.index, copy)
        put, vis = loupe_nrt(a.loupe_before, copy, 7789, max(3, a.writes // 8))
        print(f"| loupe-before serve | {median(put):.1f} / {p90(put):.1f} | {median(vis):.1f} / {p90(vis):.1f} |")
    shutil.rmtree(copy, ignore_errors=True)
    if a.tantivy:
        tcopy = os.path.join(a.work, "tantivy-copy")
        linked_copy(a.tantivy, tcopy)
        vis = tantivy_nrt(tcopy, a.writes)
        print(f"| tantivy (in-process add, commit, reload, search) | - | {median(vis):.1f} / {p90(vis):.1f} |")
        print(f"\nLoupe / Tantivy, searchable: {loupe_vis / median(vis):.2f}x")
        shutil.rmtree(tcopy, ignore_errors=True)


if __name__ == "__main__":
    main()
