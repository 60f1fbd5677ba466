#!/usr/bin/env python3
"""Related articles (`loupe similar`) against Tantivy's MoreLikeThis, in the same run.

Generates a deterministic synthetic corpus (Zipfian vocabulary of 30,000 made-up words,
titles of 4-10 words, bodies of 80-400), indexes it with both engines (one thread, English
stemming), then asks both for the 10 articles most like each of the same random articles,
with the same parameters (min term frequency 2, min document frequency 2, max document
frequency half the documents, at most 25 terms, min word length 2). Loupe is timed by its own `took_us` (`loupe similar --json`: fetching the
article, picking its terms, the search), Tantivy (tantivy-py) by the Python calls (the id
lookup, `more_like_this_query`, the search). Prints one JSON line per engine and the ratio
of medians and p99s, Loupe / Tantivy.

    python3 Benchmarks/related/bench_related.py --loupe .build/release/loupe --docs 100000 --queries 200 --work /tmp/related
"""
import argparse, bisect, itertools, json, os, random, statistics, subprocess, sys, time


def generate(path, n):
    rng = random.Random(17)
    syll = ["ka", "lo", "mi", "ran", "te", "vo", "sun", "ber", "dal", "pri", "nex", "or", "ul", "tam", "gor", "fe",
            "zi", "qua", "hen", "st"]
    vocab = sorted({"".join(rng.choice(syll) for _ in range(rng.randint(2, 4))) for _ in range(30000)})
    rng.shuffle(vocab)
    cum = list(itertools.accumulate(1.0 / (i + 1) for i in range(len(vocab))))
    total = cum[-1]

    def word():
        return vocab[bisect.bisect_left(cum, rng.random() * total)]
    with open(path, "w") as f:
        for i in range(n):
            title = " ".join(word() for _ in range(rng.randint(4, 10)))
            body = " ".join(word() for _ in range(rng.randint(80, 400)))
            f.write(json.dumps({"id": f"d{i}", "title": title, "body": body}) + "\n")


def summary(engine, lat):
    lat = sorted(lat)
    return {"engine": engine, "n": len(lat), "p50_us": round(lat[len(lat) // 2]), "p99_us": round(lat[max(0, int(len(lat) * 0.99) - 1)]),
            "mean_us": round(statistics.mean(lat))}


def loupe_run(loupe, index, ids):
    lat = []
    for doc_id in ids:
        out = subprocess.run([loupe, "similar", "--index", index, doc_id, "--limit", "10", "--json"],
                             capture_output=True, text=True, check=True).stdout
        lat.append(json.loads(out)["took_us"])
    return summary("loupe", lat)


def tantivy_run(index_dir, corpus, ids, docs):
    import tantivy
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw")
    sb.add_text_field("title", stored=True, tokenizer_name="en_stem")
    sb.add_text_field("body", stored=True, tokenizer_name="en_stem")
    schema = sb.build()
    if not os.path.exists(os.path.join(index_dir, "meta.json")):
        os.makedirs(index_dir, exist_ok=True)
        index = tantivy.Index(schema, path=index_dir)
        w = index.writer(heap_size=400_000_000, num_threads=1)
        with open(corpus) as f:
            for line in f:
                d = json.loads(line)
                w.add_document(tantivy.Document(id=d["id"], title=d["title"], body=d["body"]))
        w.commit()
        w.wait_merging_threads()
    index = tantivy.Index(schema, path=index_dir)
    index.reload()
    s = index.searcher()
    lat = []
    for doc_id in ids:
        t0 = time.perf_counter()
        address = s.search(tantivy.Query.term_query(schema, "id", doc_id), 1).hits[0][1]
        q = tantivy.Query.more_like_this_query(address, min_doc_frequency=2, max_doc_frequency=docs // 2, min_term_frequency=2,
                                               max_query_terms=25, min_word_length=2, max_word_length=None,
                                               boost_factor=1.0, stop_words=[])
        s.search(q, 11)
        lat.append((time.perf_counter() - t0) * 1e6)
    return summary("tantivy", lat)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--loupe", default=".build/release/loupe")
    p.add_argument("--docs", type=int, default=100000)
    p.add_argument("--queries", type=int, default=200)
    p.add_argument("--work", default="/tmp/loupe-related-bench")
    a = p.parse_args()
    os.makedirs(a.work, exist_ok=True)
    corpus = os.path.join(a.work, f"corpus-{a.docs}.jsonl")
    if not os.path.exists(corpus):
        generate(corpus, a.docs)
    index = os.path.join(a.work, f"loupe-{a.docs}")
    if not os.path.exists(os.path.join(index, "manifest")):
        subprocess.run([a.loupe, "init", "--index", index, "--force"], check=True, capture_output=True)
        subprocess.run([a.loupe, "add", "--index", index, "--quiet", corpus], check=True)
    rng = random.Random(5)
    ids = [f"d{rng.randrange(a.docs)}" for _ in range(a.queries)]
    lo = loupe_run(a.loupe, index, ids)
    ta = tantivy_run(os.path.join(a.work, f"tantivy-{a.docs}"), corpus, ids, a.docs)
    print(json.dumps(lo))
    print(json.dumps(ta))
    print(json.dumps({"ratio_p50": round(lo["p50_us"] / ta["p50_us"], 2), "ratio_p99": round(lo["p99_us"] / ta["p99_us"], 2)}))


if __name__ == "__main__":
    sys.exit(main())
