#!/usr/bin/env python3
"""Turn `meson test` results into one TAP stream, one line per subtest.

Usage: meson-tap.py TESTLOG.JSON TEST...

meson counts a test program as one result, so the subtests a qtest skips
(g_test_skip, with the reason) would not show in the totals. This reads
meson's testlog.json and prints, for each TEST (meson test name, e.g.
qtest-x86_64/kvm-caps-test), every TAP result line of its output, named
"TEST/<subtest>", keeping "# SKIP <reason>". A test whose result is not OK
or SKIP gets one more "not ok" line with meson's result, and a test that
did not run at all one "not ok ... not run".
"""
import json
import re
import sys

TAP = re.compile(r'^(ok|not ok) \d+ (?:- )?(.*?)(\s+# (SKIP|TODO)\b.*)?$')


def main():
    if len(sys.argv) < 3 or sys.argv[1] in ('-h', '--help'):
        print(__doc__.strip())
        return 0 if len(sys.argv) > 1 else 2
    results = {}
    with open(sys.argv[1]) as log:
        for line in log:
            entry = json.loads(line)
            # "qemu:qtest+qtest-x86_64 / qtest-x86_64/qom-test": the part after the suite
            results[entry['name'].split(' / ')[-1]] = entry
    n = 0
    for name in sys.argv[2:]:
        entry = results.get(name)
        if entry is None:
            n += 1
            print(f'not ok {n} {name} - not run')
            continue
        subtests = 0
        for line in (entry.get('stdout') or '').splitlines():
            m = TAP.match(line)
            if not m:
                continue
            subtests += 1
            n += 1
            print(f'{m.group(1)} {n} {name}{m.group(2) if m.group(2).startswith("/") else "/" + m.group(2)}'
                  f'{m.group(3) or ""}')
        if entry['result'] not in ('OK', 'SKIP') or subtests == 0:
            n += 1
            ok = 'ok' if entry['result'] in ('OK', 'SKIP') else 'not ok'
            skip = ' # SKIP no subtests' if entry['result'] == 'SKIP' else ''
            print(f'{ok} {n} {name} - meson result {entry["result"]}{skip}')
    print(f'1..{n}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
