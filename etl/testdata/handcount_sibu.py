#!/usr/bin/env python3
"""Counts 四不 drills per year in sample_data/drills by hand, independently of the Go code.

Used once to get the expected values of TestSampleSibuShares; rerun it after regenerating the
sample set: python3 etl/testdata/handcount_sibu.py sample_data
Rules (from the seed and domain.md T70–T72): only drills organised by 企业; a 四不 drill has
all four flags set; from 2026 on, 综合 drills leave the denominator; rows that traps.csv marks
`quarantine` are not drills; an exact duplicate row (same 演练编号 in a file) counts once.
"""
import csv, io, re, sys, zipfile, glob, os, datetime
import xml.etree.ElementTree as ET

root = sys.argv[1] if len(sys.argv) > 1 else "sample_data"
bad = set()
with open(os.path.join(root, "traps.csv"), encoding="utf-8") as f:
    for t in csv.DictReader(f):
        if t["expect"] == "quarantine":
            bad.add((t["file"], int(t["row"])))

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}

def xlsx_rows(path):
    z = zipfile.ZipFile(path)
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS):
            shared.append("".join(t.text or "" for t in si.iter("{%s}t" % NS["m"])))
    sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
    for row in sheet.iter("{%s}row" % NS["m"]):
        vals = {}
        for c in row.findall("m:c", NS):
            col = re.match(r"[A-Z]+", c.get("r")).group(0)
            idx = 0
            for ch in col:
                idx = idx * 26 + ord(ch) - 64
            v = c.find("m:v", NS)
            is_ = c.find("m:is", NS)
            if c.get("t") == "s":
                text = shared[int(v.text)]
            elif is_ is not None:
                text = "".join(t.text or "" for t in is_.iter("{%s}t" % NS["m"]))
            else:
                text = v.text if v is not None else ""
            vals[idx - 1] = text
        n = max(vals) + 1 if vals else 0
        yield int(row.get("r")), [vals.get(i, "") for i in range(n)]

def csv_rows(path):
    raw = open(path, "rb").read()
    if raw.startswith(b"\xef\xbb\xbf"):
        text = raw[3:].decode("utf-8")
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("gb18030")
    for i, rec in enumerate(csv.reader(io.StringIO(text)), start=1):
        yield i, rec

def year_of(s):
    s = s.strip()
    if re.fullmatch(r"\d+(\.\d+)?", s):  # Excel serial date
        return (datetime.date(1899, 12, 30) + datetime.timedelta(days=int(float(s)))).year
    return int(re.match(r"(\d{4})", s).group(1))

YES = {"是", "√"}
totals = {}
for path in sorted(glob.glob(os.path.join(root, "drills", "*", "*"))):
    rel = os.path.relpath(path, root)
    rows = xlsx_rows(path) if path.endswith(".xlsx") else csv_rows(path)
    header = None
    seen = set()
    for num, rec in rows:
        if header is None:
            if "演练编号" in rec:
                header = {h: i for i, h in enumerate(rec)}
            continue
        if (rel, num) in bad or not any(rec):
            continue
        get = lambda *names: next(rec[header[n]] for n in names if n in header)
        key = get("演练编号")
        if key in seen:
            continue
        seen.add(key)
        if get("组织方") != "企业":
            continue
        y = year_of(get("演练日期", "演练时间"))
        if y >= 2026 and get("演练类型") == "综合":
            continue
        flags = [get(f) in YES for f in ("不提前通知", "不设定脚本", "不预设场景", "不预设地点")]
        d, s = totals.get(y, (0, 0))
        totals[y] = (d + 1, s + all(flags))
for y in sorted(totals):
    d, s = totals[y]
    print(f"{y}: 四不 {s} / 企业演练 {d} = {100*s/d:.4f}%")
