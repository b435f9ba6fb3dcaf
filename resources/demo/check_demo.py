#!/usr/bin/env python3
"""Consistency check for the demo case material (stdlib only; soxi optional).

    python resources/demo/check_demo.py

Checks that demo.json refers only to files and keys that exist, that every grade
has a valid letter/number and a rationale, that passage offsets (Unicode code
points into the UTF-8 decoded file) select exactly the annotated text, that the
audio annotations equal dispatch-audio.segments.json and lie inside the audio,
and that region boxes lie inside the page. Exits 1 and names each problem.
"""
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
problems = []


def bad(msg):
    problems.append(msg)


def main():
    m = json.load(open(os.path.join(HERE, "demo.json"), encoding="utf-8"))
    for k in ("case", "examiner", "sources", "events", "items", "statements", "claims", "requests", "journal"):
        if k not in m:
            bad(f"demo.json: missing top-level key {k!r}")
    src = {s["key"] for s in m["sources"]}
    ev = {e["key"] for e in m["events"]}
    items = {i["key"]: i for i in m["items"]}
    st = {s["key"] for s in m["statements"]}
    for coll in ("sources", "events", "items", "statements", "claims"):
        keys = [x["key"] for x in m[coll]]
        if len(keys) != len(set(keys)):
            bad(f"{coll}: duplicate keys")

    def grade(where, g, axis):
        ok = {"reliability": "ABCDEF", "credibility": "123456"}[axis]
        if not g or g.get(axis) not in list(ok) or not g.get("rationale", "").strip():
            bad(f"{where}: bad or unexplained {axis} grade {g!r}")

    for s in m["sources"]:
        grade(f"source {s['key']}", s.get("grade"), "reliability")
    for e in m["events"]:
        if e.get("when") is not None and not isinstance(e["when"], str):
            bad(f"event {e['key']}: when must be raw text or null")
    audio_len = None
    for i in m["items"]:
        where = f"item {i['key']}"
        path = os.path.join(HERE, i["file"])
        if not os.path.isfile(path):
            bad(f"{where}: file {i['file']} missing")
            continue
        if i["source"] not in src:
            bad(f"{where}: unknown source {i['source']}")
        for e in i.get("events", []):
            if e not in ev:
                bad(f"{where}: unknown event {e}")
        grade(where, i.get("grade"), "credibility")
        for d in i.get("derived", []):
            if not os.path.isfile(os.path.join(HERE, d["file"])):
                bad(f"{where}: derived file {d['file']} missing")
        text = None
        for n, a in enumerate(i.get("annotations", [])):
            aw = f"{where} annotation {n}"
            if a["kind"] == "passage":
                if text is None:
                    text = open(path, encoding="utf-8").read()
                if text[a["start"]:a["end"]] != a["text"]:
                    bad(f"{aw}: offsets {a['start']}-{a['end']} do not select the annotated text")
            elif a["kind"] == "region":
                if not (0 <= a["x"] and 0 <= a["y"] and a["x"] + a["w"] <= 1 and a["y"] + a["h"] <= 1):
                    bad(f"{aw}: region outside the page")
            elif a["kind"] == "audio_segment":
                if not 0 <= a["start"] < a["end"]:
                    bad(f"{aw}: bad segment times")
                if audio_len is None and shutil.which("soxi"):
                    audio_len = float(subprocess.check_output(["soxi", "-D", path], text=True))
                if audio_len is not None and a["end"] > audio_len:
                    bad(f"{aw}: ends after the audio ({audio_len:.2f} s)")
            else:
                bad(f"{aw}: unknown kind {a['kind']}")
    segs = json.load(open(os.path.join(HERE, "dispatch-audio.segments.json"), encoding="utf-8"))
    ann = [{k: a[k] for k in ("start", "end", "speaker", "text")}
           for a in items["it-audio"]["annotations"] if a["kind"] == "audio_segment"]
    if ann != segs:
        bad("it-audio annotations differ from dispatch-audio.segments.json")
    for s in m["statements"]:
        where = f"statement {s['key']}"
        if s["source"] not in src:
            bad(f"{where}: unknown source")
        if s.get("item") is not None and s["item"] not in items:
            bad(f"{where}: unknown item {s['item']}")
        for e in s.get("events", []):
            if e not in ev:
                bad(f"{where}: unknown event {e}")
        grade(where, s.get("grade"), "credibility")
    for c in m["claims"]:
        where = f"claim {c['key']}"
        grade(where, c.get("grade"), "credibility")
        for l in c["links"]:
            if l.get("stance") not in ("supports", "contradicts", "mentions"):
                bad(f"{where}: bad stance {l.get('stance')}")
            if "statement" in l and l["statement"] not in st:
                bad(f"{where}: unknown statement {l['statement']}")
            if "item" in l and l["item"] not in items:
                bad(f"{where}: unknown item {l['item']}")
            if ("statement" in l) == ("item" in l):
                bad(f"{where}: a link needs exactly one of statement/item")
    for j in m["journal"]:
        if j.get("event") is not None and j["event"] not in ev:
            bad(f"journal: unknown event {j['event']}")
        if j.get("item") is not None and j["item"] not in items:
            bad(f"journal: unknown item {j['item']}")
    for p in problems:
        print("PROBLEM:", p)
    print(f"{len(m['sources'])} sources, {len(m['events'])} events, {len(m['items'])} items, "
          f"{len(m['statements'])} statements, {len(m['claims'])} claims, {len(m['requests'])} requests, "
          f"{len(m['journal'])} journal notes: {'OK' if not problems else f'{len(problems)} problem(s)'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
