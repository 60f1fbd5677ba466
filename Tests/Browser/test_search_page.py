#!/usr/bin/env python3
"""End-to-end test of the search page in a real browser.

Builds a temporary index of the samples (samples/schema.json, samples/reuters-sample.jsonl,
samples/seeds/), starts `loupe serve` on a free loopback port, and drives Debian's headless
Chromium through chromedriver with Selenium: loads the page, searches `oil`, checks that
results appear, goes to page 2 when there is one, and follows a result to its article page
(the query's words marked, a Related list whose links open other article pages); searches
`vietnam` (the sample synonyms find "Việt Nam") and `title:oil` (titles alone are marked);
clicks a facet value (the result count becomes the value's count; clicking again removes the
filter), a date histogram bar (the results are all in its period, as many as the bar says),
uses the order menu, collapses by topic ("N similar"), and asks for a page past the end.
Then a second server on a copy of the index, with a search timeout of a microsecond: its
results page shows the "stopped" note and /search answers `timed_out`.

Run it with `make browser-test` (which installs chromium, chromium-driver and
python3-selenium when missing and builds the debug `loupe`), or directly:

    python3 Tests/Browser/test_search_page.py [--loupe PATH] [--keep]

Environment: LOUPE_BIN (the loupe binary; default .build/debug/loupe), CHROMIUM and
CHROMEDRIVER (default: found on PATH), BROWSER_TEST_ARTIFACTS (where a failing check leaves
a screenshot and the page's HTML; default: a temporary directory, printed).

Prints one line per check and ends with `browser: N passed, M failed`; exits 1 when a check
failed, 2 when the test could not start (no browser, no server).
"""

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
import traceback
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "PythonSupport"))
from loupe_server import ROOT, Server, SetupError, index_samples, log  # noqa: E402
WAIT = 20  # seconds for an element or a page to appear
PAGE_LOAD_TIMEOUT = 60


def start_browser(workdir):
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError as e:
        raise SetupError(f"selenium is not installed for {sys.executable} ({e}); "
                         "install python3-selenium (apt) or selenium (pip), or run `make browser-test`")
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver")
    if not chromium or not driver_path:
        raise SetupError(f"chromium ({chromium}) or chromedriver ({driver_path}) not found; "
                         "install chromium and chromium-driver, or run `make browser-test`")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--window-size=1200,900", f"--user-data-dir={os.path.join(workdir, 'chromium-profile')}"]:
        options.add_argument(arg)
    # The console, to see Content-Security-Policy violations.
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=driver_path, log_path=os.path.join(workdir, "chromedriver.log"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(PAGE_LOAD_TIMEOUT)
    return driver


class Checks:
    """Runs named checks; a failing check leaves a screenshot and the page's HTML."""

    def __init__(self, driver, artifacts):
        self.driver = driver
        self.artifacts = artifacts
        self.passed = 0
        self.failed = 0

    def run(self, name, body):
        start = time.monotonic()
        try:
            body()
        except Exception as e:  # noqa: BLE001 - every failure is reported the same way
            self.failed += 1
            log(f"FAIL {name} ({time.monotonic() - start:.1f} s): {type(e).__name__}: {e}")
            log(traceback.format_exc().rstrip())
            self.save(name)
            return False
        self.passed += 1
        log(f"ok   {name} ({time.monotonic() - start:.1f} s)")
        return True

    def save(self, name):
        os.makedirs(self.artifacts, exist_ok=True)
        stem = os.path.join(self.artifacts, re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-"))
        try:
            log(f"     at {self.driver.current_url}")
            self.driver.save_screenshot(stem + ".png")
            with open(stem + ".html", "w") as f:
                f.write(self.driver.page_source)
            log(f"     screenshot and HTML: {stem}.png, {stem}.html")
        except Exception as e:  # noqa: BLE001
            log(f"     (could not save the page: {e})")


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def test_search_page(driver, base, checks):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    def left_page(old):
        """A wait condition: `old` (an element of the page a click left) is gone. Chromium
        answers for a node of the previous document either "stale element" or, while the
        new one loads, "Node with given id does not belong to the document": both mean gone."""
        def gone(_):
            try:
                old.is_enabled()
                return False
            except StaleElementReferenceException:
                return True
            except WebDriverException as e:
                if "does not belong to the document" in str(e):
                    return True
                raise
        return gone

    wait = WebDriverWait(driver, WAIT)
    state = {}

    def loads():
        driver.get(base + "/")
        box = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "input[name=q]")))
        check(driver.title.endswith("Loupe"), f"title is {driver.title!r}")
        check(box.get_attribute("value") == "", "the query box is not empty")
        count = driver.find_element(By.CSS_SELECTOR, "header .muted").text
        check(count == "72 documents", f"the header says {count!r}, not '72 documents'")
        check(driver.find_elements(By.CSS_SELECTOR, "div.layout > main"), "no div.layout > main")

    def csp_violations():
        try:
            entries = driver.get_log("browser")
        except Exception:  # noqa: BLE001 - a driver without logs cannot show violations
            return []
        return [e.get("message", "") for e in entries if "Content Security Policy" in e.get("message", "")]

    def styled_and_scripted_under_csp():
        """The pages forbid inline script and style: their stylesheet and script come from
        /assets, and nothing the pages need is blocked."""
        csp_violations()  # drop what earlier pages logged
        for path in ["/?q=oil", "/articles/reuters-44?q=oil"]:
            driver.get(base + path)
            wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "header")))
            rules = driver.execute_script(
                "return Array.from(document.styleSheets).reduce(function(n, s){return n + s.cssRules.length;}, 0)")
            width = driver.execute_script("return getComputedStyle(document.body).maxWidth")
            check(rules > 10 and width != "none", f"{path}: the stylesheet is not applied ({rules} rules, body max-width {width!r})")
        driver.get(base + "/")
        box = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "input[name=q]")))
        wait.until(lambda d: box.get_attribute("role") == "combobox")
        violations = csp_violations()
        check(not violations, f"Content-Security-Policy violations: {violations}")

    def searches():
        box = driver.find_element(By.CSS_SELECTOR, "input[name=q]")
        box.clear()
        box.send_keys("oil")
        driver.find_element(By.CSS_SELECTOR, "form[role=search] button[type=submit]").click()
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "ol.results li")))
        check("q=oil" in driver.current_url, f"the URL {driver.current_url} lacks q=oil")
        summary = driver.find_element(By.CSS_SELECTOR, "p.summary").text
        m = re.match(r"Results 1–(\d+) of (\d+) for oil", summary)
        check(m, f"unexpected summary {summary!r}")
        shown, total = int(m.group(1)), int(m.group(2))
        items = driver.find_elements(By.CSS_SELECTOR, "ol.results > li")
        check(len(items) == shown, f"{len(items)} results listed, the summary says {shown}")
        check(shown == min(total, 10), f"{shown} results on page 1 of {total}")
        marks = driver.find_elements(By.CSS_SELECTOR, "ol.results .snippet mark")
        check(any(mk.text.lower() == "oil" for mk in marks), "no snippet highlights 'oil'")
        check(driver.find_element(By.CSS_SELECTOR, "input[name=q]").get_attribute("value") == "oil",
              "the query box does not keep the query")
        state["total"] = total
        state["first_ids"] = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "ol.results .id")]

    def pages():
        total = state["total"]
        nexts = driver.find_elements(By.CSS_SELECTOR, "nav.pager a[rel=next]")
        if total <= 10:
            check(not nexts, f"a Next link with only {total} results")
            log(f"     ({total} results: one page, no Next link)")
            return
        check(nexts, f"no Next link with {total} results")
        nexts[0].click()
        wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "p.summary"), "Results 11–"))
        pager = driver.find_element(By.CSS_SELECTOR, "nav.pager").text
        check(f"Page 2 of {(total + 9) // 10}" in pager, f"the pager says {pager!r}")
        ids = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "ol.results .id")]
        check(ids and not set(ids) & set(state["first_ids"]), f"page 2 repeats page 1: {ids}")
        check(driver.find_element(By.CSS_SELECTOR, "ol.results").get_attribute("start") == "11",
              "page 2's list does not start at 11")
        check(driver.find_elements(By.CSS_SELECTOR, "nav.pager a[rel=prev]"), "no Previous link on page 2")

    def opens_an_article_page():
        first = driver.find_element(By.CSS_SELECTOR, "ol.results > li")
        doc_id = first.find_element(By.CSS_SELECTOR, ".id").text
        link = first.find_element(By.CSS_SELECTOR, "h2 a")
        href = link.get_attribute("href")
        check(href.startswith(base + "/articles/") and href.endswith("?q=oil"),
              f"the first result (no url) links to {href}, not to its article page")
        link.click()
        wait.until(lambda d: d.current_url == href)
        article = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "article.article")))
        check(article.get_attribute("data-id") == doc_id, f"the page shows {article.get_attribute('data-id')!r}, the result was {doc_id!r}")
        title = driver.find_element(By.CSS_SELECTOR, "h1.article-title").text
        check(title and driver.title.startswith(title[:20]), f"title {title!r}, page title {driver.title!r}")
        paragraphs = driver.find_elements(By.CSS_SELECTOR, ".article-body p")
        check(paragraphs, "the article has no body paragraphs")
        marks = driver.find_elements(By.CSS_SELECTOR, "article.article mark")
        check(any(mk.text.lower() == "oil" for mk in marks), "the article does not mark 'oil'")
        doc = api_document(doc_id)
        check(doc.get("title", "").split()[0] in title, f"the page title {title!r} is not the document's {doc.get('title')!r}")
        if doc_id.startswith("reuters-"):
            check(driver.find_elements(By.CSS_SELECTOR, ".meta .keyword[data-field=topic]"), "the topic is not shown")
        related = driver.find_elements(By.CSS_SELECTOR, "aside.related a.related-link")
        check(related, "no Related list")
        check(all(a.get_attribute("data-id") != doc_id for a in related), "the article is related to itself")
        similar = get_json(f"/documents/{urllib.parse.quote(doc_id, safe='')}/similar?limit=5")
        check([a.get_attribute("data-id") for a in related] == [h["id"] for h in similar["hits"]],
              "the Related list differs from GET /documents/{id}/similar")
        target = related[0].get_attribute("data-id")
        click_to(related[0], "article.article")
        shown = driver.find_element(By.CSS_SELECTOR, "article.article").get_attribute("data-id")
        check(shown == target, f"the related link opened {shown!r}, not {target!r}")
        back = driver.find_element(By.CSS_SELECTOR, "header a.back")
        click_to(back, "ol.results li")
        check("q=oil" in driver.current_url, f"the link back goes to {driver.current_url}")

    def click_to(element, selector):
        old = driver.find_element(By.TAG_NAME, "html")
        element.click()
        wait.until(left_page(old))
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, selector)))

    def api_document(doc_id):
        return get_json(f"/documents/{urllib.parse.quote(doc_id, safe='')}")

    def get_json(path):
        with urllib.request.urlopen(base + path, timeout=WAIT) as r:
            return json.load(r)

    def synonyms_find_viet_nam():
        open_and_wait(base + "/?q=vietnam")
        ids = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "ol.results .id")]
        check(any(i.endswith("004_00cd80e0cdd47e2b.txt") for i in ids), f"'vietnam' does not find the Việt Nam article: {ids}")
        marks = [mk.text for mk in driver.find_elements(By.CSS_SELECTOR, "ol.results mark")]
        check("Việt Nam" in marks, f"'Việt Nam' is not marked: {marks[:10]}")
        notes = driver.find_elements(By.CSS_SELECTOR, "p.synonyms code")
        check(notes and '"viet nam"' in notes[0].text, f"no note of the synonym rewrite: {[n.text for n in notes]}")
        open_and_wait(base + "/?q=oil")
        check(not driver.find_elements(By.CSS_SELECTOR, "p.synonyms"), "a query no synonym rewrote has a synonyms note")

    def title_scope_marks_only_titles():
        open_and_wait(base + "/?q=title:oil")
        title_marks = driver.find_elements(By.CSS_SELECTOR, "ol.results h2 mark")
        check(title_marks and all(mk.text.lower() == "oil" for mk in title_marks), "titles do not mark 'oil'")
        check(not driver.find_elements(By.CSS_SELECTOR, "ol.results .snippet mark"), "title:oil marks snippet text")

    def summary_total():
        """The N of 'Results 1–k of N' (documents, or groups when collapsing)."""
        summary = driver.find_element(By.CSS_SELECTOR, "p.summary").text
        m = re.match(r"Results \d+–\d+ of (\d+)", summary)
        check(m, f"unexpected summary {summary!r}")
        return int(m.group(1))

    def open_and_wait(url):
        driver.get(url)
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "p.summary")))

    def click_and_wait(element):
        old = driver.find_element(By.TAG_NAME, "html")
        element.click()
        wait.until(left_page(old))
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "p.summary")))

    def api(params):
        with urllib.request.urlopen(base + "/search?" + params, timeout=WAIT) as r:
            return json.load(r)

    def facet_value_filters():
        open_and_wait(base + "/?q=oil")
        before = summary_total()
        links = driver.find_elements(By.CSS_SELECTOR, "aside#facets section.facet[data-field=topic] a.facet-value")
        check(links, "no topic values in the facet sidebar")
        # The second value if any: its count differs from the total.
        link = links[1] if len(links) > 1 else links[0]
        value, count = link.get_attribute("data-value"), int(link.get_attribute("data-count"))
        check(link.find_element(By.CSS_SELECTOR, ".count").text == str(count), "the shown count is not data-count")
        click_and_wait(link)
        after = summary_total()
        check(after == count, f"selecting topic {value!r} ({count}) lists {after} results")
        if count != before:
            log(f"     (topic {value}: {before} -> {after} results)")
        chips = driver.find_elements(By.CSS_SELECTOR, ".active-filters .active-filter")
        check(any(value in c.text for c in chips), f"the filter on {value!r} is not shown: {[c.text for c in chips]}")
        selected = driver.find_elements(By.CSS_SELECTOR, "section.facet[data-field=topic] a.facet-value[aria-current=true]")
        check(len(selected) == 1 and selected[0].get_attribute("data-value") == value, "the value is not marked selected")
        click_and_wait(selected[0])
        check(summary_total() == before, f"removing the filter does not bring back {before} results")
        check(not driver.find_elements(By.CSS_SELECTOR, ".active-filters"), "a filter is still shown")
        # A chip removes its filter too.
        link = driver.find_elements(By.CSS_SELECTOR, "section.facet[data-field=places] a.facet-value")[0]
        pcount = int(link.get_attribute("data-count"))
        click_and_wait(link)
        check(summary_total() == pcount, f"places filter: {summary_total()} results, the facet said {pcount}")
        click_and_wait(driver.find_element(By.CSS_SELECTOR, ".active-filters .active-filter"))
        check(summary_total() == before, "the filter chip does not remove the filter")

    def histogram_bar_filters():
        open_and_wait(base + "/?q=oil")
        section = driver.find_element(By.CSS_SELECTOR, "aside#facets section.histogram")
        interval = section.get_attribute("data-interval")
        check(interval in ("day", "month", "year"), f"interval {interval!r}")
        check(interval == "day", f"the oil matches span days of 1987, but the histogram is by {interval}")
        bars = section.find_elements(By.CSS_SELECTOR, "rect.bar")
        check(len(bars) >= 2, f"{len(bars)} bars")
        bar = min(bars, key=lambda b: int(b.get_attribute("data-count")))
        value, count = bar.get_attribute("data-value"), int(bar.get_attribute("data-count"))
        click_and_wait(bar)
        check(f"filter=date%3A{value}" in driver.current_url, f"the URL {driver.current_url} lacks the date filter")
        total = summary_total()
        check(total == count, f"the bar of {value} says {count}, the page lists {total}")
        dates = [t.get_attribute("datetime") for t in driver.find_elements(By.CSS_SELECTOR, "ol.results time")]
        check(len(dates) == min(count, 10), f"{len(dates)} dated results")
        check(all(d.startswith(value) for d in dates), f"results outside {value}: {dates}")
        selected = driver.find_elements(By.CSS_SELECTOR, "section.histogram rect.bar.selected")
        check(len(selected) == 1, "the bar in use is not marked")
        click_and_wait(selected[0])
        check("date%3A" not in driver.current_url, "clicking the bar again keeps the filter")

    def sort_menu():
        from selenium.webdriver.support.ui import Select
        open_and_wait(base + "/?q=oil")
        menu = Select(driver.find_element(By.CSS_SELECTOR, "select[name=sort]"))
        options = [o.get_attribute("value") for o in menu.options]
        for expected in ["relevance", "newest", "oldest", "topic:asc", "topic:desc", "places:asc"]:
            check(expected in options, f"the order menu lacks {expected}: {options}")
        menu.select_by_value("oldest")
        click_and_wait(driver.find_element(By.CSS_SELECTOR, "form[role=search] button[type=submit]"))
        dates = [t.get_attribute("datetime") for t in driver.find_elements(By.CSS_SELECTOR, "ol.results time")]
        check(dates and dates == sorted(dates), f"oldest first is not in date order: {dates}")
        menu = Select(driver.find_element(By.CSS_SELECTOR, "select[name=sort]"))
        check(menu.first_selected_option.get_attribute("value") == "oldest", "the menu does not keep the order")
        menu.select_by_value("topic:desc")
        click_and_wait(driver.find_element(By.CSS_SELECTOR, "form[role=search] button[type=submit]"))
        ids = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "ol.results .id")]
        expected = [h["id"] for h in api("q=oil&sort=topic:desc")["hits"]]
        check(ids == expected, f"sorted by topic descending the page lists {ids}, /search {expected}")

    def collapsed_view():
        from selenium.webdriver.support.ui import Select
        open_and_wait(base + "/?q=oil")
        matches = summary_total()
        Select(driver.find_element(By.CSS_SELECTOR, "select[name=collapse]")).select_by_value("topic")
        click_and_wait(driver.find_element(By.CSS_SELECTOR, "form[role=search] button[type=submit]"))
        summary = driver.find_element(By.CSS_SELECTOR, "p.summary").text
        m = re.match(r"Results 1–(\d+) of (\d+) groups \((\d+) matches\)", summary)
        check(m, f"unexpected collapsed summary {summary!r}")
        groups, total = int(m.group(2)), int(m.group(3))
        check(total == matches, f"collapsing changed the match count {matches} -> {total}")
        items = driver.find_elements(By.CSS_SELECTOR, "ol.results > li")
        check(len(items) == groups, f"{len(items)} hits for {groups} groups")
        folded = 0
        for li in items:
            s = li.find_elements(By.CSS_SELECTOR, ".similar")
            folded += 1 + (int(s[0].get_attribute("data-count")) if s else 0)
        check(folded == total, f"hits and their similar ones add up to {folded}, not {total}")
        similar = driver.find_elements(By.CSS_SELECTOR, "ol.results a.similar")
        check(similar, "no 'N similar' link")
        n = int(similar[0].get_attribute("data-count"))
        check(similar[0].text == f"{n} similar", f"the link says {similar[0].text!r}")
        click_and_wait(similar[0])
        check(summary_total() == n + 1, f"'{n} similar' lists {summary_total()} results, not {n + 1}")

    def past_the_end():
        driver.get(base + "/?q=oil&page=99")
        p = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "p.summary.past-end")))
        check("Page 99 is past the last page" in p.text, f"the message is {p.text!r}")
        check("Page 99 of" not in driver.page_source, "the page still says 'Page 99 of'")
        click_and_wait(p.find_element(By.CSS_SELECTOR, "a"))
        check(driver.find_elements(By.CSS_SELECTOR, "ol.results > li"), "the link back lists no results")

    def ignored_clauses():
        open_and_wait(base + "/?q=" + urllib.parse.quote("oil &"))
        notes = driver.find_elements(By.CSS_SELECTOR, "p.ignored")
        check(notes and "&" in notes[0].text, f"no note about the ignored '&': {[n.text for n in notes]}")
        check(driver.find_elements(By.CSS_SELECTOR, "ol.results > li"), "'oil &' lists no results")
        open_and_wait(base + "/?q=" + urllib.parse.quote("& —"))
        notes = driver.find_elements(By.CSS_SELECTOR, "p.ignored")
        check(notes and "—" in notes[0].text, f"no note about the ignored clauses: {[n.text for n in notes]}")
        check("No results" in driver.find_element(By.CSS_SELECTOR, "p.summary").text, "a query of ignored clauses lists results")

    def suggests_as_you_type():
        from selenium.webdriver.common.keys import Keys
        driver.get(base + "/")
        box = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "input[name=q]")))
        check(box.get_attribute("role") == "combobox", "the query box is not a combobox")
        box.send_keys("vietn")
        listbox = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "#suggestions[role=listbox]")))
        check(box.get_attribute("aria-expanded") == "true", "aria-expanded is not true with the list shown")
        options = listbox.find_elements(By.CSS_SELECTOR, "li[role=option]")
        texts = [o.text for o in options]
        check(texts and texts[0] == "Vietnamese", f"the suggestions for 'vietn' are {texts!r}")
        check("Vietnam" in texts, f"'Vietnam' is not among {texts!r}")
        # Keyboard: down twice selects the second option, up goes back to the first.
        box.send_keys(Keys.ARROW_DOWN, Keys.ARROW_DOWN)
        check(options[1].get_attribute("aria-selected") == "true", "ArrowDown twice does not select the second option")
        check(box.get_attribute("aria-activedescendant") == options[1].get_attribute("id"), "aria-activedescendant does not follow")
        box.send_keys(Keys.ARROW_UP)
        check(options[0].get_attribute("aria-selected") == "true", "ArrowUp does not go back to the first option")
        box.send_keys(Keys.ESCAPE)
        check(not listbox.is_displayed(), "Escape does not close the list")
        # Click: a phrase completion of two typed words, then its search runs.
        box.clear()
        box.send_keys("war leg")
        wait.until(lambda d: any(o.text == "war legacy" for o in d.find_elements(By.CSS_SELECTOR, "#suggestions li")))
        option = next(o for o in driver.find_elements(By.CSS_SELECTOR, "#suggestions li") if o.text == "war legacy")
        click_and_wait(option)
        from urllib.parse import parse_qs, urlparse
        q = parse_qs(urlparse(driver.current_url).query).get("q")
        check(q == ["war legacy"], f"picking 'war legacy' went to {driver.current_url}")
        check(driver.find_elements(By.CSS_SELECTOR, "ol.results > li"), "the picked suggestion lists no results")
        # Enter on a selected option picks it.
        box = driver.find_element(By.CSS_SELECTOR, "input[name=q]")
        box.clear()
        box.send_keys("crude o")
        wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "#suggestions li")))
        first = driver.find_element(By.CSS_SELECTOR, "#suggestions li").text
        box.send_keys(Keys.ARROW_DOWN)
        old = driver.find_element(By.TAG_NAME, "html")
        box.send_keys(Keys.ENTER)
        WebDriverWait(driver, WAIT).until(left_page(old))
        check(driver.find_element(By.CSS_SELECTOR, "input[name=q]").get_attribute("value") == first,
              f"Enter on '{first}' searched for {driver.find_element(By.CSS_SELECTOR, 'input[name=q]').get_attribute('value')!r}")

    def did_you_mean():
        driver.get(base + "/?q=vietnm+legasy")
        p = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "p.did-you-mean a")))
        check(p.text == "vietnam legacy", f"did you mean says {p.text!r}")
        click_and_wait(p)
        from urllib.parse import parse_qs, urlparse
        q = parse_qs(urlparse(driver.current_url).query).get("q")
        check(q == ["vietnam legacy"], f"the link went to {driver.current_url}")
        check(driver.find_elements(By.CSS_SELECTOR, "ol.results > li"), "the corrected query lists no results")

    if checks.run("the search page loads", loads):
        if checks.run("searching 'oil' lists results", searches):
            checks.run("Next goes to page 2", pages)
            checks.run("a result opens its article page, marked, with related articles", opens_an_article_page)
        checks.run("synonyms: 'vietnam' finds and marks Việt Nam", synonyms_find_viet_nam)
        checks.run("'title:oil' marks titles only", title_scope_marks_only_titles)
        checks.run("a facet value filters to its count, and again removes it", facet_value_filters)
        checks.run("a histogram bar filters to its period and count", histogram_bar_filters)
        checks.run("the order menu sorts by date and by keyword fields", sort_menu)
        checks.run("collapsing by topic shows groups with 'N similar'", collapsed_view)
        checks.run("a page past the end says so and links back", past_the_end)
        checks.run("clauses without searchable words are ignored, with a note", ignored_clauses)
        checks.run("typing suggests completions; arrows, Escape, click and Enter work", suggests_as_you_type)
        checks.run("a misspelt query offers a corrected one as a link", did_you_mean)
        checks.run("the pages' style and script load under their Content-Security-Policy", styled_and_scripted_under_csp)


def test_timed_out_search(driver, base, checks):
    """A server whose search timeout has passed before any search can collect (a microsecond):
    the page shows the results as stopped, with a note, and the API says `timed_out`."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    def says_so():
        driver.get(base + "/?q=oil")
        note = WebDriverWait(driver, WAIT).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "p.timed-out")))
        check("stopped" in note.text, f"the note says {note.text!r}")
        with urllib.request.urlopen(base + "/search?q=oil", timeout=WAIT) as r:
            answer = json.load(r)
        check(answer.get("timed_out") is True, f"/search answered timed_out={answer.get('timed_out')!r}")

    checks.run("a search stopped by the server's timeout says so", says_so)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--loupe", default=os.environ.get("LOUPE_BIN") or os.path.join(ROOT, ".build/debug/loupe"))
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="loupe-browser-")
    artifacts = os.environ.get("BROWSER_TEST_ARTIFACTS") or os.path.join(workdir, "artifacts")
    server = driver = None
    checks = None
    status = 0
    try:
        if not os.access(args.loupe, os.X_OK):
            raise SetupError(f"no loupe binary at {args.loupe}: run `swift build` first (or set LOUPE_BIN)")
        index = os.path.join(workdir, "index")
        index_samples(args.loupe, index)
        server = Server(args.loupe, index, workdir)
        log(f"loupe serve: {server.url} (log {server.log_path})")
        driver = start_browser(workdir)
        log(f"browser: {driver.capabilities.get('browserName')} {driver.capabilities.get('browserVersion')}")
        checks = Checks(driver, artifacts)
        test_search_page(driver, server.url, checks)
        # A second server, on a copy (the first holds the index's write lock), whose searches
        # all time out: a microsecond passes before the first segment is searched.
        copy = os.path.join(workdir, "index-timeout")
        shutil.copytree(index, copy)
        slow = Server(args.loupe, copy, workdir, extra=["--search-timeout", "0.001ms"], name="serve-timeout")
        try:
            test_timed_out_search(driver, slow.url, checks)
        finally:
            slow.stop()
    except SetupError as e:
        log(f"browser test could not run: {e}")
        status = 2
    except Exception:  # noqa: BLE001
        log("browser test broke:\n" + traceback.format_exc())
        status = 2
    finally:
        if driver is not None:
            try:
                driver.quit()
            except Exception as e:  # noqa: BLE001
                log(f"(closing the browser failed: {e})")
        if server is not None:
            server.stop()
            if checks is None or checks.failed:
                log("loupe serve output:\n" + server.output().rstrip())
        failed = checks.failed if checks else 0
        if status == 0 and failed:
            status = 1
        if args.keep or status != 0:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    passed = checks.passed if checks else 0
    failed = (checks.failed if checks else 0) + (1 if status == 2 else 0)
    log(f"browser: {passed} passed, {failed} failed")
    return status


if __name__ == "__main__":
    sys.exit(main())
