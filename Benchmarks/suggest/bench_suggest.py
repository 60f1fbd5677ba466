#!/usr/bin/env python3
"""Autocomplete latency: `loupe suggest --batch` on an index of a corpus, with Tantivy's
prefix expansion over its term dictionary timed in the same run as a reference point.

The corpus is any JSON-lines file of {"id", "title", "body"}. Loupe indexes it with the news
fields (title boosted 2, body; English stemming) and one thread. The prefixes (--queries, 1,000
by default) come from a seeded random sample of the corpus, as people type them:
  40 %  the first 1 to 5 letters of a body word
  30 %  the first 1 to 5 letters of a title word
  30 %  one title word and the first 1 to 4 letters of the next ("war leg")
Loupe is timed by its own `took_us` (the completion itself, no process start or JSON
printing); the first line, which also builds the merged word list of the index, is reported
on its own and left out of the percentiles.

Tantivy has no suggester. The reference is the nearest thing it does: a prefix query
(`Query.regex_query(schema, "title", PREFIX + ".*")`, the last word's prefix, lower-cased)
searched for its top 10 without counting, which walks the term dictionary for the
expansions as a suggester must, then also scores the matching documents. It is timed by the
wall time of the Python call, on an existing Tantivy index of the same corpus with a
`title` text field (--tantivy-index; `Benchmarks/aggregations/bench_aggs.py` builds one);
without it the reference is skipped.

Usage: bench_suggest.py --corpus corpus.jsonl --loupe .build/release/loupe --work /tmp/suggest
                        [--tantivy-index DIR] [--queries 1000] [--reuse]
"""
import argparse, json, os, random, re, statistics, subprocess, sys, time


def percentile(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def prefixes(corpus, n, seed=11):
    rng = random.Random(seed)
    sample = []
    with open(corpus) as f:
        for i, line in enumerate(f):
            if i % 50 == 0:
                sample.append(json.loads(line))
            if len(sample) >= 4000:
                break
    words = lambda text: [w for w in re.findall(r"[^\W\d_]+", text) if len(w) >= 2]
    out = []
    while len(out) < n:
        d = rng.choice(sample)
        kind = rng.random()
        if kind < 0.4:
            ws = words(d.get("body", ""))
            if ws:
                w = rng.choice(ws)
                out.append(w[:rng.randint(1, min(5, len(w)))].lower())
        elif kind < 0.7:
            ws = words(d.get("title", ""))
            if ws:
                w = rng.choice(ws)
                out.append(w[:rng.randint(1, min(5, len(w)))].lower())
        else:
            ws = words(d.get("title", ""))
            if len(ws) >= 2:
                i = rng.randrange(len(ws) - 1)
                out.append((ws[i] + " " + ws[i + 1][:rng.randint(1, min(4, len(ws[i + 1])))]).lower())
    return out


def loupe_build(loupe, corpus, index):
    schema = {"fields": [{"name": "title", "boost": 2}, {"name": "body"}], "language": "english"}
    path = index + ".schema.json"
    with open(path, "w") as f:
        json.dump(schema, f)
    subprocess.run([loupe, "init", "--index", index, "--schema", path, "--force"], check=True, stdout=subprocess.DEVNULL)
    t0 = time.perf_counter()
    subprocess.run([loupe, "add", "--index", index, "--threads", "1", corpus], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--loupe", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--tantivy-index")
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--reuse", action="store_true", help="use the Loupe index already in WORK")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    index = os.path.join(a.work, "loupe")
    if not (a.reuse and os.path.exists(os.path.join(index, "manifest"))):
        print(f"indexing: Loupe {loupe_build(a.loupe, a.corpus, index):.1f} s", flush=True)
    words_bytes = sum(os.path.getsize(os.path.join(index, f)) for f in os.listdir(index) if f.endswith(".words"))
    total_bytes = sum(os.path.getsize(os.path.join(index, f)) for f in os.listdir(index))
    qs = prefixes(a.corpus, a.queries)
    lines = "\n".join(qs + qs) + "\n"  # twice: the first pass warms the page cache
    out = subprocess.run([a.loupe, "suggest", "--index", index, "--batch"], input=lines, capture_output=True, text=True, check=True).stdout
    results = [json.loads(l) for l in out.splitlines() if l.strip()]
    first = results[0]["took_us"] / 1000
    lt = [r["took_us"] / 1000 for r in results[len(qs):]]
    empty = sum(1 for r in results[len(qs):] if not r["suggestions"])
    print(f"{len(qs)} prefixes; word files {words_bytes / 1e6:.1f} MB of {total_bytes / 1e6:.1f} MB; "
          f"first call (builds the merged word list) {first:.1f} ms; {empty} prefixes without suggestions")
    print(f"Loupe suggest (10): median {statistics.median(lt):.3f} ms, p99 {percentile(lt, 99):.3f} ms, max {max(lt):.3f} ms")
    for r in results[len(qs):len(qs) + 3]:
        print(f"  {r['query']!r} -> {[s['text'] for s in r['suggestions'][:5]]}")
    if a.tantivy_index:
        import tantivy
        idx = tantivy.Index.open(a.tantivy_index)
        searcher, schema = idx.searcher(), idx.schema
        def run(q):
            last = re.escape(q.split()[-1])
            return searcher.search(tantivy.Query.regex_query(schema, "title", last + ".*"), 10, count=False)
        for q in qs:
            run(q)
        tt = []
        for q in qs:
            t0 = time.perf_counter()
            run(q)
            tt.append((time.perf_counter() - t0) * 1000)
        print(f"Tantivy prefix query (title, top 10): median {statistics.median(tt):.3f} ms, p99 {percentile(tt, 99):.3f} ms; "
              f"Loupe / Tantivy: median {statistics.median(lt) / statistics.median(tt):.4f}x, p99 {percentile(lt, 99) / percentile(tt, 99):.4f}x")


if __name__ == "__main__":
    main()
