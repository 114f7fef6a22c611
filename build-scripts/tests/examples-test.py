#!/usr/bin/env python3
"""Run the examples of the README and docs/ as written, and check their documented output.

Usage: build-scripts/tests/examples-test.py [--list] [FILE...]
       (default: README.md, docs/*.md and guest-tools/**/README.md of this checkout)

An example is a fenced code block of language `console` right after the line
`<!-- example -->` (options: `<!-- example needs=kvm,libvirt timeout=600 -->`, or
`<!-- example skip="REASON" -->` for one that is never run here, reported as a skip with
REASON). In it, `$ ` starts a command (continued on the next line after a trailing `\\`,
and through the end word of a here-document); the lines up to the next command are its
documented output. Each documented line must match a line of what the command printed
(stdout and stderr), in order, after stripping leading and trailing blanks; `...` in a
documented line matches any text, and other lines may come between. `[exit N]` among them
is the exit status it must have (default 0). The commands of one example run in one bash
(variables and `cd` carry over), from the checkout's root, stdin /dev/null, within the
example's timeout (default 300 s; then its whole process group is killed), with `set -u`;
a command whose status is not the documented one ends the example (the rest would build
on it). `session=NAME` makes the examples of a file with that NAME one run, in order (prose
between the steps of one walk-through); a step skipped for its needs must not be one that
later steps build on. As root, an example that needs libvirt runs in its own PID and mount
namespace with a private /run, where libvirt leaves files on first use; otherwise with
private XDG directories, removed afterwards (the command is unchanged).

needs=: kvm (a usable /dev/kvm), kvm-linux (this host's KVM boots the project's Linux
guest: `run-guest.py --probe-kvm linux-x86_64`; some nested KVMs run only bare-metal
guests), libvirt (libvirt 11 or later with its QEMU driver; as root, a private /run),
debian-qemu (Debian's /usr/bin/qemu-system-x86_64 with pc-q35-10.0), sw64-firmware (the
vendor's files in $SW64_FIRMWARE_DIR or cache/sw64-firmware, docs/sw64.md); every example
also needs the default tree (install/ and build/ in the checkout: the commands name them).
An example whose needs are missing is a skip naming them. A fenced block of any language
but `text` (protocol samples, output) without an example marker is a failure, and so is a
marker without a block: every command and configuration example is either run or skipped
with its reason.

TAP: one line per command, `ok N - FILE:LINE: COMMAND`; a failure prints what was
expected, the exit status and the output.
"""
import fcntl
import glob
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MARK = re.compile(r'^<!-- example(?P<opts>(?:\s+[a-z-]+=(?:"[^"]*"|\S+))*)\s*-->$')
FENCE = re.compile(r'^(`{3,}|~{3,})\s*([\w+-]*)')
# blocks that are not commands or configuration (protocol samples, program output)
TEXT_LANGS = ('text',)
HEREDOC = re.compile(r'(?<![<$(])<<(-?)\s*([\'"]?)([A-Za-z_][A-Za-z0-9_]*)\2')
EXIT = re.compile(r'^\[exit (\d+)\]$')
SEP = '@@KVMPORT-EXAMPLE'
NEEDS = ('kvm', 'kvm-linux', 'libvirt', 'debian-qemu', 'sw64-firmware')


class Example:
    def __init__(self, path, line, opts):
        self.path, self.line, self.opts = path, line, opts
        self.commands = []      # [line, command text, [expected lines], exit status]

    def where(self, line):
        return f'{os.path.relpath(self.path, ROOT)}:{line}'


def parse_opts(text, where):
    opts = {}
    for tok in shlex.split(text):
        key, _, value = tok.partition('=')
        if key not in ('needs', 'timeout', 'skip', 'session'):
            raise SystemExit(f'{where}: unknown example option {key!r}')
        opts[key] = value
    try:
        if float(opts.get('timeout', 1)) <= 0:
            raise ValueError
    except ValueError:
        raise SystemExit(f'{where}: timeout={opts["timeout"]!r}: expected seconds > 0') \
            from None
    for need in filter(None, opts.get('needs', '').split(',')):
        if need not in NEEDS:
            raise SystemExit(f'{where}: unknown need {need!r} (one of {", ".join(NEEDS)})')
    return opts


def parse_file(path):
    """(examples, unmarked blocks as (line, language))"""
    examples, unmarked = [], []
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            if MARK.match(lines[i].strip()) and not (i + 1 < len(lines) and
                                                     FENCE.match(lines[i + 1])):
                raise SystemExit(f'{path}:{i + 1}: an example marker without a code block '
                                 'on the next line')
            i += 1
            continue
        fence, lang, start = m.group(1), m.group(2), i
        end = next((j for j in range(i + 1, len(lines))
                    if lines[j].strip() == fence[0] * len(fence)), None)
        if end is None:
            raise SystemExit(f'{path}:{i + 1}: unterminated code block')
        mark = MARK.match(lines[i - 1].strip()) if i > 0 else None
        if mark:
            if lang != 'console':
                raise SystemExit(f'{path}:{i + 1}: an example must be a console block')
            ex = Example(path, i + 1, parse_opts(mark.group('opts'), f'{path}:{i}'))
            parse_console(ex, lines[start + 1:end], start + 2)
            if not ex.commands:
                raise SystemExit(f'{path}:{i + 1}: an example without a "$ " command')
            examples.append(ex)
        elif lang not in TEXT_LANGS:
            unmarked.append((start + 1, lang or 'plain'))
        i = end + 1
    return examples, unmarked


def parse_console(ex, body, first):
    cmd = None
    i = 0
    while i < len(body):
        text, lineno = body[i], first + i
        i += 1
        if text.startswith('$ '):
            parts = [text[2:]]
            while parts[-1].endswith('\\') and i < len(body):
                parts.append(body[i])
                i += 1
            if parts[-1].endswith('\\'):
                raise SystemExit(f'{ex.where(lineno)}: a command continued past the block')
            for m in HEREDOC.finditer('\n'.join(parts)):
                while True:
                    if i == len(body):
                        raise SystemExit(f'{ex.where(lineno)}: no {m.group(3)} ending the '
                                         'here-document')
                    parts.append(body[i])
                    i += 1
                    end = parts[-1].lstrip('\t') if m.group(1) else parts[-1]
                    if end == m.group(3):
                        break
            cmd = [lineno, '\n'.join(parts), [], 0]
            ex.commands.append(cmd)
        elif cmd is None:
            if text.strip():
                raise SystemExit(f'{ex.where(lineno)}: output before the first "$ " command')
        else:
            m = EXIT.match(text.strip())
            if m:
                cmd[3] = int(m.group(1))
            elif text.strip() and text.strip() != '...':
                cmd[2].append(text.strip())


def kvm_usable():
    try:
        fd = os.open('/dev/kvm', os.O_RDWR)
    except OSError as err:
        return f'/dev/kvm: {err.strerror}'
    try:
        if fcntl.ioctl(fd, 0xAE00) != 12:           # KVM_GET_API_VERSION
            return 'KVM API version is not 12'
        os.close(fcntl.ioctl(fd, 0xAE01, 0))        # KVM_CREATE_VM
    except OSError as err:
        return f'KVM ioctl: {err.strerror}'
    finally:
        os.close(fd)
    return None


NEED_CACHE = {}


def missing_need(need):
    if need not in NEED_CACHE:
        NEED_CACHE[need] = probe_need(need)
    return NEED_CACHE[need]


def probe_need(need):
    if need == 'default-tree':
        prefix = os.environ.get('PREFIX', os.path.join(ROOT, 'install'))
        build = os.environ.get('BUILD_DIR', os.path.join(ROOT, 'build'))
        if os.path.realpath(prefix) != os.path.join(ROOT, 'install') or \
                os.path.realpath(build) != os.path.join(ROOT, 'build'):
            return (f'the examples are written for install/ and build/; this tree has '
                    f'PREFIX={prefix} BUILD_DIR={build}')
        return None
    if need == 'kvm':
        why = kvm_usable()
        return f'no usable KVM ({why})' if why else None
    if need == 'kvm-linux':
        why = missing_need('kvm')
        if why:
            return why
        p = subprocess.run([os.path.join(ROOT, 'guest-tools', 'run-guest.py'), '--probe-kvm',
                            'linux-x86_64'], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           check=False)
        return None if p.returncode == 0 else \
            f"this host's KVM does not boot a Linux guest ({' '.join(p.stdout.decode().split())})"
    if need == 'libvirt':
        # the version the docs are tested with, and its QEMU driver (the embedded one)
        try:
            ver = subprocess.run(['virsh', '--version'], stdout=subprocess.PIPE,
                                 check=False).stdout.decode().strip()
        except OSError:
            return "no virsh (Debian's libvirt 11: build-scripts/deps.sh --libvirt)"
        if not re.match(r'(1[1-9]|[2-9]\d)\.', ver):
            return f'libvirt {ver}, not 11 or later (build-scripts/deps.sh --libvirt)'
        if not glob.glob('/usr/lib/*/libvirt/connection-driver/libvirt_driver_qemu.so'):
            return "no libvirt QEMU driver (Debian's libvirt-daemon-driver-qemu)"
        if os.geteuid() == 0 and subprocess.run(
                ['unshare', '--pid', '--fork', '--kill-child', '--mount-proc', 'true'],
                stderr=subprocess.DEVNULL, check=False).returncode:
            return 'no private /run (unshare refused): libvirt would leave files in /run'
        return None
    if need == 'debian-qemu':
        try:
            out = subprocess.run(['/usr/bin/qemu-system-x86_64', '-machine', 'help'],
                                 stdout=subprocess.PIPE, check=False).stdout.decode()
        except OSError:
            return "no /usr/bin/qemu-system-x86_64 (Debian's qemu-system-x86)"
        return None if re.search(r'^pc-q35-10\.0 ', out, re.M) else \
            "Debian's qemu-system-x86_64 has no pc-q35-10.0 (bookworm-backports' 10.0 has)"
    if need == 'sw64-firmware':
        d = os.environ.get('SW64_FIRMWARE_DIR') or os.path.join(ROOT, 'cache', 'sw64-firmware')
        files = ('core3-hmcode', 'c3-uefi-bios-sw')
        return None if all(os.path.isfile(os.path.join(d, f)) for f in files) else \
            f"no vendor SW64 firmware in {d} (not part of this project: docs/sw64.md)"
    raise AssertionError(need)


def matches(expected, lines):
    """index of the first expected line not found in order, or None when all are"""
    at = 0
    for k, want in enumerate(expected):
        pat = re.compile('.*'.join(re.escape(p) for p in want.split('...')))
        while at < len(lines) and not pat.fullmatch(lines[at]):
            at += 1
        if at == len(lines):
            return k
        at += 1
    return None


def run_commands(commands, timeout, libvirt):
    """[(ok, detail, output lines)] per command of COMMANDS, run in one bash (set -u: an
    unset variable is an error); a command whose status is not the documented one ends
    the run (what follows would build on it). LIBVIRT: as root in a PID and mount
    namespace with a private /run, else with private XDG directories (libvirt keeps its
    files there), removed afterwards."""
    script = ['set -u', 'exec 2>&1 </dev/null', f'cd {shlex.quote(ROOT)}']
    for n, (_, text, _, want_rc) in enumerate(commands):
        script += [f"printf '\\n{SEP}-BEGIN {n}@@\\n'", text,
                   f"kvmport_rc=$?; printf '\\n{SEP}-END {n} %s@@\\n' $kvmport_rc",
                   f'[ $kvmport_rc = {want_rc} ] || exit 0']
    argv, env, xdg = ['bash', '-c', '\n'.join(script)], dict(os.environ), None
    if libvirt and os.geteuid() == 0:
        # -n: no /run/mount/utab entry on the host
        argv = ['unshare', '--pid', '--fork', '--kill-child', '--mount-proc', 'bash', '-c',
                'mount -n -t tmpfs -o mode=0755,size=64m kvmport-examples /run && exec "$@"',
                'bash'] + argv
    elif libvirt:
        xdg = tempfile.mkdtemp(prefix='kvmport-examples-xdg-')
        for var in ('XDG_RUNTIME_DIR', 'XDG_CACHE_HOME', 'XDG_CONFIG_HOME'):
            env[var] = os.path.join(xdg, var.lower())
            os.mkdir(env[var], 0o700)
    # its own process group: a timeout kills QEMU, virsh and run-guest.py with the shell
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, env=env, start_new_session=True)
    try:
        out, late = proc.communicate(timeout=timeout)[0], None
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        late = f'the example did not finish within {timeout:g} s'
        try:
            out = proc.communicate(timeout=10)[0]
        except subprocess.TimeoutExpired:
            # a process that left the group (a daemon) still holds the pipe
            proc.stdout.close()
            proc.wait()
            out = b''
            late += ', and a process it started outlived it'
    finally:
        if xdg:
            shutil.rmtree(xdg, ignore_errors=True)
    out = out.decode(errors='replace')
    outputs, status, cur = {}, {}, None
    for line in out.split('\n'):
        m = re.fullmatch(f'{SEP}-(BEGIN|END) (\\d+)(?: (\\d+))?@@', line)
        if m:
            cur = int(m.group(2)) if m.group(1) == 'BEGIN' else None
            if m.group(1) == 'END':
                status[int(m.group(2))] = int(m.group(3))
            continue
        if cur is not None and line.strip():
            outputs.setdefault(cur, []).append(line.strip())
    results = []
    for n, (_, _, expected, want_rc) in enumerate(commands):
        lines = outputs.get(n, [])
        if n not in status:
            results.append((False, late or 'did not run to its end', lines))
            continue
        miss = matches(expected, lines)
        if status[n] != want_rc:
            results.append((False, f'exit {status[n]}, documented {want_rc}', lines))
        elif miss is not None:
            results.append((False, f'no output line matches {expected[miss]!r} '
                            f'(documented line {miss + 1} of {len(expected)})', lines))
        else:
            results.append((True, f'exit {status[n]}, {len(expected)} documented lines', lines))
    return results


def tap_text(command):
    """a command's first line as a TAP description: '#' would start a directive"""
    return command.split('\n')[0].replace('#', '\\#')


def sessions(examples):
    """the examples as runs: one per example, or one per session=NAME, in file order"""
    runs, by_name = [], {}
    for ex in examples:
        name = ex.opts.get('session')
        if name and name in by_name:
            by_name[name].append(ex)
            continue
        runs.append([ex])
        if name:
            by_name[name] = runs[-1]
    return runs


def main(argv):
    if argv and argv[0] in ('-h', '--help'):
        print(__doc__)
        return 0
    listing = bool(argv) and argv[0] == '--list'
    files = argv[1:] if listing else argv
    if not files:
        files = [os.path.join(ROOT, 'README.md')] + sorted(glob.glob(os.path.join(ROOT, 'docs', '*.md'))) + \
            sorted(glob.glob(os.path.join(ROOT, 'guest-tools', '**', 'README.md'), recursive=True))
    n = failed = 0
    for path in files:
        examples, unmarked = parse_file(os.path.abspath(path))
        rel = os.path.relpath(os.path.abspath(path), ROOT)
        for line, lang in unmarked:
            n += 1
            failed += 1
            print(f'not ok {n} - {rel}:{line}: a {lang} block without an <!-- example --> marker')
        for group in sessions(examples):
            ex = group[0]
            if listing:
                for e in group:
                    print(f'{e.where(e.line)}: {len(e.commands)} commands {e.opts or ""}')
                continue
            # an example of a session whose needs are missing is skipped, the rest runs
            skips = {}
            for e in group:
                needs = ['default-tree'] + [x for x in e.opts.get('needs', '').split(',') if x]
                why = e.opts.get('skip') or '; '.join(m for m in map(missing_need, needs) if m)
                if why:
                    skips[id(e)] = why
            run = [e for e in group if id(e) not in skips]
            commands = [c for e in run for c in e.commands]
            needs = {x for e in run for x in e.opts.get('needs', '').split(',') if x}
            timeout = sum(float(e.opts.get('timeout', 300)) for e in run)
            results = dict(zip(map(id, commands),
                               run_commands(commands, timeout, 'libvirt' in needs)
                               if run else []))
            for e in group:
                for c in e.commands:
                    line, text, expected, _ = c
                    if id(e) in skips:
                        n += 1
                        print(f'ok {n} - {ex.where(line)}: {tap_text(text)} '
                              f'# SKIP {skips[id(e)]}')
                        continue
                    ok, detail, lines = results[id(c)]
                    n += 1
                    head = tap_text(text)
                    if ok:
                        print(f'ok {n} - {ex.where(line)}: {head} # {detail}')
                        continue
                    failed += 1
                    print(f'not ok {n} - {ex.where(line)}: {head} # {detail}')
                    for want in expected:
                        print(f'#   documented: {want}')
                    for o in lines[-25:]:
                        print(f'#   output: {o}')
            sys.stdout.flush()
    if not listing:
        print(f'1..{n}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
