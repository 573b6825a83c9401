#!/usr/bin/env python3
"""The last line of a bench/compare_*.sh run: median, min and max of the per-round `ratio X` figures
in its summary file, and how many rounds reached the target. Usage: summarise_ratios.py SUMMARY TARGET"""
import re, statistics, sys

ratios = [float(m.group(1)) for m in re.finditer(r"ratio ([0-9.]+)", open(sys.argv[1]).read())]
target = float(sys.argv[2])
if ratios:
    print("median ratio over %d rounds: %.2f (min %.2f, max %.2f; %d of %d rounds >= %.1f)"
          % (len(ratios), statistics.median(ratios), min(ratios), max(ratios), sum(x >= target for x in ratios), len(ratios), target))
