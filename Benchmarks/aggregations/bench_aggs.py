#!/usr/bin/env python3
"""Aggregations, side by side: Loupe's facets, date histogram and sort against Tantivy's
aggregations (`Searcher.aggregate`) and sort (`order_by_field`), on one corpus, one thread,
in the same run.

The corpus is any JSON-lines file of {"id", "title", "body"} (such as ../shared/bench's
synthetic generator's output). Each article gets, from a seeded random generator:
  source  one of 50 values (Zipf-distributed, as a few agencies write most articles)
  tags    1 to 4 of 20 values (a multi-valued keyword field)
  words   its body's word count (a number field)
  date    uniform over 2011-01-01 .. 2025-12-31 (15 years)
Both engines index the same enriched file. The measured requests run on the matches of one
frequent term (the body word whose document frequency is closest to 25 %):
  facet     the 10 most frequent sources among the matches, with counts
  histogram matches per month (Tantivy: per 30 days, as it has no calendar months)
  sort      the 10 matches with the most words
Loupe stems (English) and Tantivy's default tokenizer does not: the term must be a word
without inflected forms in the corpus (the run stops when the facet counts differ); pass
--term because if the picked one is not.
Loupe is timed by its own `took_us` (the search, collection and aggregation, no process
start or JSON printing: `loupe search --batch`); Tantivy by the wall time of the Python call
(which adds the binding's small overhead). Both run every request `--reps` times after a
warm-up; the report gives median and p99 and the ratio Loupe / Tantivy. The counts of both
engines are compared first (the run stops if they differ).

Usage: bench_aggs.py --corpus corpus.jsonl --loupe .build/release/loupe --work /tmp/aggs [--reps 50]
"""
import argparse, collections, json, os, random, re, shutil, statistics, struct, subprocess, sys, time

import tantivy

SOURCES = [f"source{i:02d}" for i in range(50)]
TAGS = [f"tag{i:02d}" for i in range(20)]
START = 1293840000  # 2011-01-01
END = 1767225599    # 2025-12-31T23:59:59


def enrich(corpus, out):
    rng = random.Random(7)
    weights = [1 / (r + 1) for r in range(len(SOURCES))]
    df = collections.Counter()
    n = 0
    with open(corpus) as f, open(out, "w") as o:
        for line in f:
            d = json.loads(line)
            body = d.get("body", "")
            words = body.split()
            doc = {"id": d["id"], "title": d.get("title", ""), "body": body,
                   "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(rng.randint(START, END))),
                   "source": rng.choices(SOURCES, weights)[0],
                   "tags": rng.sample(TAGS, rng.randint(1, 4)),
                   "words": len(words)}
            o.write(json.dumps(doc) + "\n")
            if n % 10 == 0:
                df.update(set(w.lower() for w in re.findall(r"[A-Za-z]+", body)))
            n += 1
    sampled = (n + 9) // 10
    term = min(df, key=lambda w: abs(df[w] / sampled - 0.25))
    return n, term, df[term] / sampled


def percentile(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def loupe_build(loupe, enriched, index):
    schema = {"fields": [{"name": "title", "boost": 2}, {"name": "body"},
                         {"name": "source", "type": "keyword"},
                         {"name": "tags", "type": "keyword", "multiValued": True},
                         {"name": "words", "type": "number"}],
              "language": "english"}
    path = index + ".schema.json"
    with open(path, "w") as f:
        json.dump(schema, f)
    subprocess.run([loupe, "init", "--index", index, "--schema", path, "--force"], check=True, stdout=subprocess.DEVNULL)
    t0 = time.perf_counter()
    subprocess.run([loupe, "add", "--index", index, "--threads", "1", enriched], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def loupe_run(loupe, index, term, args, reps):
    lines = "\n".join([f"body:{term}"] * (reps + 5)) + "\n"
    out = subprocess.run([loupe, "search", "--index", index, "--batch", "--json"] + args, input=lines,
                         capture_output=True, text=True, check=True).stdout
    results = [json.loads(l) for l in out.splitlines() if l.strip()]
    return [r["took_us"] / 1000 for r in results[5:]], results[-1]


def tantivy_build(enriched, index):
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("title", stored=False)
    sb.add_text_field("body", stored=False)
    sb.add_text_field("source", stored=False, fast=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("tags", stored=False, fast=True, tokenizer_name="raw", index_option="basic")
    sb.add_integer_field("words", stored=False, fast=True, indexed=True)
    sb.add_date_field("date", stored=False, fast=True, indexed=True)
    schema = sb.build()
    shutil.rmtree(index, ignore_errors=True)
    os.makedirs(index)
    idx = tantivy.Index(schema, path=index)
    w = idx.writer(heap_size=256 * 1024 * 1024, num_threads=1)
    t0 = time.perf_counter()
    with open(enriched) as f:
        for line in f:
            d = json.loads(line)
            doc = tantivy.Document(id=d["id"], title=d["title"], body=d["body"], source=d["source"], words=d["words"])
            for t in d["tags"]:
                doc.add_text("tags", t)
            doc.add_date("date", __import__("datetime").datetime.strptime(d["date"], "%Y-%m-%dT%H:%M:%SZ"))
            w.add_document(doc)
    w.commit()
    w.wait_merging_threads()
    elapsed = time.perf_counter() - t0
    idx.reload()
    return idx, elapsed


def tantivy_time(call, reps):
    for _ in range(5):
        call()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - t0) * 1000)
    return times, result


def column_bytes(index, docs):
    """Bytes per document of each column, read from the .cols files' tables (Index/FORMAT.md)."""
    raw = open(os.path.join(index, "manifest"), "rb").read()
    manifest = raw[28 if struct.unpack_from("<I", raw, 8)[0] >= 4 else 12:-8]
    m = json.loads(manifest)
    names = [f["name"] for f in m["schema"]["fields"] if f.get("type") not in (None, "text")]
    sizes = collections.Counter()
    for seg in m["segments"]:
        data = open(os.path.join(index, seg["name"] + ".cols"), "rb").read()
        header = 28 if struct.unpack_from("<I", data, 8)[0] >= 4 else 12
        count = struct.unpack_from("<I", data, header + 4)[0]
        entries = sorted((struct.unpack_from("<Q", data, header + 8 + 12 * c + 4)[0], struct.unpack_from("<H", data, header + 8 + 12 * c)[0])
                         for c in range(count))
        ends = [e[0] for e in entries[1:]] + [len(data) - 8]
        for (offset, number), end in zip(entries, ends):
            sizes[names[number] if number < len(names) else "_signature"] += end - offset
    return {k: v / docs for k, v in sizes.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--loupe", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--reps", type=int, default=50)
    ap.add_argument("--term", help="the frequent term to use instead of the one picked (a word Loupe's English stemmer leaves alone, such as 'because': the engines must count the same matches)")
    ap.add_argument("--reuse", action="store_true", help="keep the enriched corpus and both indexes of an earlier run in --work")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    enriched = os.path.join(a.work, "enriched.jsonl")
    loupe_index = os.path.join(a.work, "loupe")
    tantivy_index = os.path.join(a.work, "tantivy")
    facts = os.path.join(a.work, "facts.json")
    if a.reuse and os.path.exists(facts):
        with open(facts) as f:
            docs, term, share, loupe_s, tantivy_s = json.load(f)
        idx = tantivy.Index.open(tantivy_index)
        idx.reload()
    else:
        docs, term, share = enrich(a.corpus, enriched)
        loupe_s = loupe_build(a.loupe, enriched, loupe_index)
        idx, tantivy_s = tantivy_build(enriched, tantivy_index)
        with open(facts, "w") as f:
            json.dump([docs, term, share, loupe_s, tantivy_s], f)
    if a.term:
        term = a.term
    print(f"{docs} documents; frequent term '{term}' (the picked one in about {share:.0%} of them)", flush=True)
    searcher = idx.searcher()
    query = idx.parse_query(term, ["body"])
    print(f"indexing: Loupe {loupe_s:.1f} s, Tantivy {tantivy_s:.1f} s; segments: Loupe "
          f"{len(json.loads(open(os.path.join(loupe_index, 'manifest'), 'rb').read()[28:-8])['segments'])}, "
          f"Tantivy {searcher.num_segments}", flush=True)

    rows = []
    # Terms facet.
    lt, lr = loupe_run(a.loupe, loupe_index, term, ["--limit", "0", "--facet", "source"], a.reps)
    tt, tr = tantivy_time(lambda: searcher.aggregate(query, {"s": {"terms": {"field": "source", "size": 10}}}), a.reps)
    lf = {b["value"]: b["count"] for b in lr["facets"]["source"]}
    tf = {b["key"]: b["doc_count"] for b in tr["s"]["buckets"]}
    assert lf == tf, f"facet counts differ: {lf} vs {tf}"
    rows.append(("terms facet (source, top 10)", lt, tt))
    # Monthly histogram.
    lt, lr = loupe_run(a.loupe, loupe_index, term, ["--limit", "0", "--facet", "date:month"], a.reps)
    # Tantivy has no calendar months (`calendar_interval` is unsupported): 30-day buckets.
    tt, tr = tantivy_time(lambda: searcher.aggregate(query, {"h": {"date_histogram": {"field": "date", "fixed_interval": "30d"}}}), a.reps)
    lsum = sum(b["count"] for b in lr["facets"]["date:month"])
    tsum = sum(b["doc_count"] for b in tr["h"]["buckets"])
    assert lsum == tsum, f"histogram totals differ: {lsum} vs {tsum}"
    rows.append(("date histogram (month)", lt, tt))
    # Sort by a number field.
    lt, lr = loupe_run(a.loupe, loupe_index, term, ["--limit", "10", "--sort", "words:desc"], a.reps)
    tt, tr = tantivy_time(lambda: searcher.search(query, limit=10, order_by_field="words"), a.reps)
    rows.append(("sort by words (top 10)", lt, tt))

    print(f"\n| request | Loupe median ms | Tantivy median ms | ratio | Loupe p99 ms | Tantivy p99 ms | ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, l, t in rows:
        lm, tm, l99, t99 = statistics.median(l), statistics.median(t), percentile(l, 99), percentile(t, 99)
        print(f"| {name} | {lm:.2f} | {tm:.2f} | {lm / tm:.2f} | {l99:.2f} | {t99:.2f} | {l99 / t99:.2f} |")
    print("\nLoupe column bytes per document:", {k: round(v, 2) for k, v in sorted(column_bytes(loupe_index, docs).items())})


if __name__ == "__main__":
    main()
