#!/usr/bin/env python3
"""Fuzzy terms, side by side: Loupe's `word~N` against Tantivy's `FuzzyTermQuery`
(`Query.fuzzy_term_query`, transpositions costing one edit, as Loupe's) on one corpus, one
thread, in the same run.

It reuses the indexes of ../aggregations/bench_aggs.py (run that first, with the same --work):
the enriched corpus, Loupe's index (English stemming, title boosted) and Tantivy's (its default
tokenizer: lower case, no stemming), both with the body field searched here.

The queries are realistic misspellings of body words, picked with a seeded generator from a
sample of the corpus: words of 5 to 12 letters over a spread of document frequencies (a third
frequent, a third middling, a third rare), each with one typing mistake for distance 1 (a
letter dropped, doubled, replaced by a neighbour on the keyboard, or two letters swapped) and
two for distance 2. Both engines expand the word against their own dictionary (Loupe's holds
stems, Tantivy's words), so the match counts differ a little; both are printed.

What is timed: Loupe by its own `took_us` (`loupe search --batch --json --limit 10`: the
expansion, scoring with Lucene's blended frequencies and the top 10, no process start or JSON
printing); Tantivy by the wall time of `searcher.search(query, limit=10)` from Python (which
adds the binding's small overhead, and Tantivy's fuzzy query scores every match with a
constant, so it does less work per match). The machine is shared: the engines run in
alternation, --rounds times, each round running every query --reps times after a warm-up; the
report gives, per distance, the median over rounds of each round's median and p99 (over
queries × reps), and the ratio Loupe / Tantivy.

Usage: bench_fuzzy.py --work /tmp/aggs --loupe .build/release/loupe [--queries 30] [--reps 5] [--rounds 5]
"""
import argparse, collections, json, os, random, re, statistics, subprocess, sys, time

import tantivy

KEYBOARD = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]


def neighbour(c, rng):
    for row in KEYBOARD:
        i = row.find(c)
        if i >= 0:
            return row[max(0, i - 1)] if (rng.random() < 0.5 and i > 0) or i == len(row) - 1 else row[i + 1]
    return "e"


def typo(word, rng):
    """One typing mistake away from `word` (never at the first letter: people rarely get it wrong)."""
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + word[i + 1:]
    if kind == 1:
        return word[:i] + word[i] + word[i:]
    if kind == 2:
        return word[:i] + neighbour(word[i], rng) + word[i + 1:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def pick_words(enriched, count, rng):
    df = collections.Counter()
    with open(enriched) as f:
        for n, line in enumerate(f):
            if n % 20 == 0:
                df.update(set(w.lower() for w in re.findall(r"[A-Za-z]+", json.loads(line)["body"])))
            if n >= 200_000:
                break
    words = sorted((w for w in df if 5 <= len(w) <= 12 and df[w] >= 3), key=lambda w: (-df[w], w))
    thirds = [words[: len(words) // 50], words[len(words) // 50: len(words) // 5], words[len(words) // 5:]]
    return [rng.choice(thirds[i % 3]) for i in range(count)]


def percentile(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def loupe_round(loupe, index, queries, reps):
    lines = "\n".join(q for q in queries[:5]) + "\n" + "\n".join(q for q in queries for _ in range(reps)) + "\n"
    out = subprocess.run([loupe, "search", "--index", index, "--batch", "--json", "--limit", "10"], input=lines,
                         capture_output=True, text=True, check=True).stdout
    results = [json.loads(l) for l in out.splitlines() if l.strip()][5:]
    for r in results:
        if "error" in r:
            sys.exit(f"Loupe rejected {r['query']!r}: {r['error']}")
    return [r["took_us"] / 1000 for r in results], {r["query"]: r["total"] for r in results}


def tantivy_round(searcher, queries, reps):
    for q in queries[:5]:
        searcher.search(q, limit=10)
    times, totals = [], []
    for q in queries:
        for _ in range(reps):
            t0 = time.perf_counter()
            r = searcher.search(q, limit=10)
            times.append((time.perf_counter() - t0) * 1000)
        totals.append(r.count)
    return times, totals


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", required=True, help="the --work directory of bench_aggs.py (enriched.jsonl, loupe, tantivy)")
    ap.add_argument("--loupe", required=True)
    ap.add_argument("--queries", type=int, default=30)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=17)
    a = ap.parse_args()
    loupe_index = os.path.join(a.work, "loupe")
    idx = tantivy.Index.open(os.path.join(a.work, "tantivy"))
    idx.reload()
    searcher = idx.searcher()
    schema = idx.schema
    rng = random.Random(a.seed)
    words = pick_words(os.path.join(a.work, "enriched.jsonl"), a.queries, rng)
    docs = searcher.num_docs
    print(f"{docs} documents; {a.queries} words per distance, e.g. {words[:6]}", flush=True)

    rows = []
    for distance in (1, 2):
        typos = []
        for w in words:
            t = w
            for _ in range(distance):
                t = typo(t, rng)
            typos.append(t)
        lq = [f"body:{t}~{distance}" for t in typos]
        tq = [tantivy.Query.fuzzy_term_query(schema, "body", t, distance=distance, transposition_cost_one=True, prefix=False) for t in typos]
        medians = {"l": [], "t": []}
        p99s = {"l": [], "t": []}
        for r in range(a.rounds):
            # Alternate which engine goes first, so drifts in machine load fall on both.
            order = ["l", "t"] if r % 2 == 0 else ["t", "l"]
            for e in order:
                if e == "l":
                    times, ltotals = loupe_round(a.loupe, loupe_index, lq, a.reps)
                else:
                    times, ttotals = tantivy_round(searcher, tq, a.reps)
                medians[e].append(statistics.median(times))
                p99s[e].append(percentile(times, 99))
        lm, tm = statistics.median(medians["l"]), statistics.median(medians["t"])
        l99, t99 = statistics.median(p99s["l"]), statistics.median(p99s["t"])
        lsum = sum(ltotals[q] for q in lq)
        print(f"distance {distance}: e.g. {typos[:4]}; matches per query: Loupe {lsum / len(lq):.0f}, Tantivy {sum(ttotals) / len(tq):.0f}", flush=True)
        rows.append((f"fuzzy term, distance {distance}", lm, tm, l99, t99))

    print(f"\n| request | Loupe median ms | Tantivy median ms | ratio | Loupe p99 ms | Tantivy p99 ms | ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, lm, tm, l99, t99 in rows:
        print(f"| {name} | {lm:.2f} | {tm:.2f} | {lm / tm:.2f} | {l99:.2f} | {t99:.2f} | {l99 / t99:.2f} |")


if __name__ == "__main__":
    main()
