#!/usr/bin/env python3
"""Turn `meson test` results into one TAP stream, one line per subtest.

Usage: meson-tap.py [--rig TEST=TAPFILE]... TESTLOG.JSON TEST...

meson counts a test program as one result, so the subtests a qtest skips
(g_test_skip, with the reason) would not show in the totals. This reads
meson's testlog.json and prints, for each TEST (meson test name, e.g.
qtest-x86_64/kvm-caps-test), every TAP result line of its output, named
"TEST/<subtest>", keeping "# SKIP <reason>". A test whose result is not OK
or SKIP gets one more "not ok" line with meson's result, and a test that
did not run at all one "not ok ... not run".

--rig TEST=TAPFILE: TEST's subtests that also ran in L1 of the nested-KVM rig on the KVM
modules of patches/linux (a host without a usable /dev/kvm skips them all, one with
Debian's KVM those that need KVM_CAP_PPIN; check.sh runs them there): a host SKIP is
replaced by the rig's result (ok, not ok, or its own SKIP), marked "[L1, nested-KVM rig,
KVM of patches/linux]"; a host
result that is not a SKIP stays; a subtest the host did not register (it registers its
KVM cases only with KVM) is added after TEST's others.
"""
import json
import re
import sys

TAP = re.compile(r'^(ok|not ok) \d+ (?:- )?(.*?)(\s+# (SKIP|TODO)\b.*)?$')


def rig_results(path):
    """{subtest: (status, SKIP comment or '')} of a qtest's TAP output from the rig."""
    found = {}
    with open(path) as f:
        for line in f:
            m = TAP.match(line.rstrip('\n'))
            if m:
                sub = m.group(2) if m.group(2).startswith('/') else '/' + m.group(2)
                skip = m.group(3).strip() if (m.group(4) or '') == 'SKIP' else ''
                found[sub] = (m.group(1), skip)
    return found


def rig_line(result, n, name):
    status, skip = result
    return f'{status} {n} {name} {skip + " " if skip else "# "}[L1, nested-KVM rig, KVM of patches/linux]'


def main():
    args = sys.argv[1:]
    if len(args) < 2 or args[0] in ('-h', '--help'):
        print(__doc__.strip())
        return 0 if args else 2
    rig = {}                     # TEST -> {subtest: 'ok' | 'not ok' | 'ok ... # SKIP why'}
    while args and args[0] == '--rig':
        test, sep, path = (args[1] if len(args) > 1 else '').partition('=')
        if not sep:
            print('meson-tap.py: --rig needs TEST=TAPFILE', file=sys.stderr)
            return 2
        rig[test] = rig_results(path)
        args = args[2:]
    results = {}
    with open(args[0]) as log:
        for line in log:
            entry = json.loads(line)
            # "qemu:qtest+qtest-x86_64 / qtest-x86_64/qom-test": the part after the suite
            results[entry['name'].split(' / ')[-1]] = entry
    n = 0
    for name in args[1:]:
        entry = results.get(name)
        from_rig = dict(rig.get(name, {}))
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
            sub = m.group(2) if m.group(2).startswith('/') else '/' + m.group(2)
            if sub in from_rig and (m.group(4) or '') == 'SKIP':
                print(rig_line(from_rig.pop(sub), n, name + sub))
                continue
            from_rig.pop(sub, None)
            print(f'{m.group(1)} {n} {name}{sub}{m.group(3) or ""}')
        for sub, status in from_rig.items():
            subtests += 1
            n += 1
            print(rig_line(status, n, name + sub))
        if entry['result'] not in ('OK', 'SKIP') or subtests == 0:
            n += 1
            ok = 'ok' if entry['result'] in ('OK', 'SKIP') else 'not ok'
            skip = ' # SKIP no subtests' if entry['result'] == 'SKIP' else ''
            print(f'{ok} {n} {name} - meson result {entry["result"]}{skip}')
    print(f'1..{n}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
