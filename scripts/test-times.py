#!/usr/bin/env python3
"""Where the test suite's time goes: per test class, when it started and ended and its tests' summed time.

    python3 scripts/test-times.py [artifacts/test-results/*.trx]

Reads the TRX files the test command writes (scripts/test.sh) and prints, per file, its wall time and then
one line per class (start, end, summed seconds, name), in the order the classes started. Used for
docs/performance-history.md, "The test suite's time": a long class that starts late is the suite's tail.
"""
import collections
import glob
import re
import sys
from datetime import datetime

RESULT = re.compile(r'<UnitTestResult [^>]*testName="([^"]+)"[^>]*duration="(\d+):(\d+):([\d.]+)"[^>]*startTime="([^"]+)" endTime="([^"]+)"')
TIMES = re.compile(r'<Times [^>]*start="([^"]+)" finish="([^"]+)"')


def moment(text):
    # TRX times carry seven decimals and an offset; Python reads six.
    return datetime.fromisoformat(re.sub(r"(\.\d{6})\d+", r"\1", text))


def main(paths):
    for path in paths or sorted(glob.glob("artifacts/test-results/*.trx")):
        text = open(path, encoding="utf-8").read()
        times = TIMES.search(text)
        wall = (moment(times.group(2)) - moment(times.group(1))).total_seconds() if times else 0
        classes = collections.defaultdict(lambda: [None, None, 0.0])
        for name, hours, minutes, seconds, start, end in RESULT.findall(text):
            owner = name.split("(")[0].rsplit(".", 1)[0].rsplit(".", 1)[-1]
            entry = classes[owner]
            entry[0] = min(entry[0] or start, start)
            entry[1] = max(entry[1] or end, end)
            entry[2] += int(hours) * 3600 + int(minutes) * 60 + float(seconds)
        print(f"{path}: {wall:.0f} s wall, {sum(c[2] for c in classes.values()):.0f} s of tests")
        for owner, (start, end, total) in sorted(classes.items(), key=lambda item: item[1][0]):
            print(f"  {start[11:19]} {end[11:19]} {total:7.1f} s  {owner}")


if __name__ == "__main__":
    main(sys.argv[1:])
