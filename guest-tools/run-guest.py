#!/usr/bin/env python3
"""Boot one kvmport test guest on the patched QEMU and report its checks as TAP.

Guests (built by `build-scripts/build.sh guest-tools` into BUILD_DIR/guest-tools, and
installed with this script into PREFIX/share/kvmport/guest-tools, where it runs them on
PREFIX/bin's binaries):
  baremetal:NAME        32-bit multiboot guest baremetal/NAME.elf on qemu-system-x86_64;
                        --param key=value goes to its -append; it exits through
                        isa-debug-exit (QEMU status 1 = pass, 3 = fail, 0 = never reported)
  linux-x86_64:TEST     Debian's kernel + initramfs running /tests/TEST.sh (console ttyS0)
  linux-aarch64:TEST    the same on qemu-system-aarch64 -M virt -cpu max (console ttyAMA0);
                        --param key=value becomes kvmport.key=value on the kernel command
                        line; the guest powers off when done (QEMU status 0)
  firmware[:ARCH]       no guest image: QEMU (qemu-system-ARCH, default aarch64, -M virt
                        -cpu max there) starts with the machine options and the extra
                        arguments only, so whatever firmware the machine or `-- -bios ...`
                        gives runs; each --param expect=REGEX is one check, PASS when a
                        console line matches it (Python re.search; the regexes are looked
                        for in the order given, each on the line of the previous match or
                        a later one; ANSI escapes are removed first), FAIL when it has not
                        matched at the timeout or when QEMU exits first. QEMU is killed
                        once all have matched (firmware never powers off).

Guests print the KVMPORT protocol on their serial console:
  KVMPORT-PLAN <n> / KVMPORT-CHECK <name> PASS|FAIL|SKIP <detail> / KVMPORT-END
  (and KVMPORT-BENCH <...>, KVMPORT-READY <...>)
A firmware guest's expect checks are reported the same way.
Each check becomes one TAP line, `ok - PREFIX: NAME # detail`, `not ok - ...` or
`ok - ... # SKIP detail`. A run that goes wrong (QEMU does not start, timeout, no END, a
PLAN count mismatch, an exit status that disagrees with the checks) adds one `not ok`
line giving the reason, followed by the last console lines as `# ` comments.
Exit status 0 only when every check passed (or was skipped) and the run was sound.

--migrate: when the guest prints KVMPORT-READY, migrate it to a file (QMP `migrate`
file:), quit that QEMU, start a new one with the same command line and
`-incoming defer`, `migrate-incoming` from the file, wait until it runs, write one byte to
the guest's console and go on reading the new process. Phase times are printed as `# `.

--migrate-peer QEMU (repeatable): live migration, one hop each time the guest prints
KVMPORT-READY, into the binaries given, in order (the guest starts on --qemu or the
build's binary): the destination is a new process of QEMU with the same command line and
`-incoming defer`, `migrate-incoming` on a unix socket (`exit-on-error` off, so that it
stays up to say why a load failed), the source `migrate`s into it while the guest runs;
once both report completed and the destination runs, the source quits and the guest gets
one byte on its console. Phase times are printed as `# `; a failed hop is a `not ok` with
QEMU's own words: query-migrate's error-desc of both sides and the destination's output.

--cpu none passes no -cpu, so the machine's own default CPU is used (without --cpu:
max for aarch64, QEMU's default for x86_64).

--probe-kvm KIND: exit 0 when a KIND guest (baremetal or linux-x86_64) really runs under
KVM on this host, else print the reason and exit 1. It boots a probe guest (bare-metal
msr.elf, or the Linux `probe` test) under KVM with a short timeout.

--rig-exec -- COMMAND...: run COMMAND in L1 of the nested-KVM rig (below), where /rig has
qemu-system-x86_64 and the qtests that need KVM (check.sh runs those there on a host
without a usable /dev/kvm); its stdout is printed as it comes, its stderr as comments;
exit 0 or 1 as the command, 2 when L1 itself failed.

--rig auto|on|off (--accel kvm, x86_64 guests): run the guest in L2 through the nested-KVM
rig (guest-tools/rig/README.md): QEMU runs an L1 Linux guest under TCG with -cpu max (AMD,
SVM with nested paging), Debian's kvm-amd module gives L1 a /dev/kvm, and the stack's
QEMU inside L1 runs the guest under KVM with the same options; its console and exit
status are reported as for a guest on the host (the L1 lines as comments). auto (the
default) takes the rig when this host cannot run that kind of guest under KVM (the
--probe-kvm check, which it runs) and says so. With --migrate, L1 migrates L2 the same
way (HMP `migrate file:`, a new L2 QEMU with -incoming, one byte to its console).

--rig-kvm stock|ppin: the KVM modules L1 loads: Debian's (stock, the default) or the
build of patches/linux (ppin: KVM_CAP_PPIN; guest-tools/rig/kvm-modules.sh). ppin always
takes the rig (--rig on); its TAP lines say "[L2, nested-KVM rig, KVM of patches/linux]".

Examples:
  guest-tools/run-guest.py --guest baremetal:msr --smp 2 --param expect35=0x20002
  guest-tools/run-guest.py --guest linux-aarch64:smoke --smp 2 --param ncpus=2
  guest-tools/run-guest.py --guest linux-aarch64:smoke --cpu none --param ncpus=1
  guest-tools/run-guest.py --guest firmware --param 'expect=UEFI firmware \(version' \
      -- -bios /usr/share/qemu-efi-aarch64/QEMU_EFI.fd
  guest-tools/run-guest.py --probe-kvm linux-x86_64
"""
import argparse
import copy
import hashlib
import logging
import os
import re
import select
import shlex
import sys
import tempfile
import textwrap
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# Installed (PREFIX/share/kvmport/guest-tools, see build.sh install): the guest images and
# QEMU's python package lie next to this script, the binaries in PREFIX/bin.
INSTALLED = os.path.isdir(os.path.join(HERE, 'python', 'qemu'))
if INSTALLED:
    ROOT = None
    sys.path.insert(0, os.path.join(HERE, 'python'))
else:
    ROOT = os.path.dirname(HERE)
    sys.path.insert(0, os.path.join(ROOT, 'qemu', 'python'))

PROTO = re.compile(r'KVMPORT-(PLAN|CHECK|END|BENCH|READY)\b ?(.*)$')
# what firmware writes around its text (cursor moves, colours) and other control characters
ESCAPES = re.compile(r'\x1b\[[0-9;=?]*[A-Za-z]|[\x00-\x1f\x7f]')
TAIL_LINES = 15
PROBE_TIMEOUT = 20
# The nested-KVM rig (guest-tools/rig): L1's QEMU options, where L2's files are in L1,
# and the time L1 needs around L2 (boot under TCG, teardown)
RIG_L1 = ['-accel', 'tcg', '-M', 'pc', '-cpu', 'max', '-smp', '2', '-m', '1536']
RIG_ROOT = '/rig'
RIG_OVERHEAD = 90
# --rig-kvm: L1's kvmport.modules (guest-tools/linux/init) and what it means
RIG_KVM = {'stock': (None, "Debian's KVM modules"),
           'ppin': ('kvm-ppin', 'KVM modules of patches/linux, KVM_CAP_PPIN')}


class RunFailure(Exception):
    """The run itself went wrong (as opposed to a check failing)."""


def guest_tools_dir(build_dir):
    """Where the built guest images are: next to this script once installed."""
    return HERE if INSTALLED else os.path.join(build_dir, 'guest-tools')


class Guest:
    """What to boot: binary, machine defaults, kernel, command line."""

    def __init__(self, spec, build_dir, gt=None):
        kind, sep, name = spec.partition(':')
        if kind == 'firmware' and not sep:
            sep, name = ':', 'aarch64'
        if not sep or not name:
            raise SystemExit(f"--guest '{spec}': expected baremetal:NAME, "
                             "linux-x86_64:TEST, linux-aarch64:TEST or firmware[:ARCH]")
        self.spec, self.kind, self.name = spec, kind, name
        self.firmware = kind == 'firmware'
        gt = gt or guest_tools_dir(build_dir)
        if self.firmware:
            # whatever the machine (or -bios in the extra arguments) starts: no image here
            if name not in ('aarch64', 'x86_64'):
                raise SystemExit(f"--guest '{spec}': expected firmware, firmware:aarch64 "
                                 "or firmware:x86_64")
            self.arch, self.linux = name, False
            self.kernel = self.initrd = None
        elif kind == 'baremetal':
            self.arch, self.linux = 'x86_64', False
            self.kernel = os.path.join(gt, 'baremetal', name + '.elf')
            self.initrd = None
        elif kind in ('linux-x86_64', 'linux-aarch64'):
            self.arch, self.linux = kind.split('-', 1)[1], True
            self.kernel = os.path.join(gt, 'linux', self.arch, 'vmlinuz')
            self.initrd = os.path.join(gt, 'linux', self.arch, 'initramfs.cpio.gz')
        else:
            raise SystemExit(f"--guest '{spec}': unknown kind '{kind}' "
                             "(baremetal, linux-x86_64, linux-aarch64, firmware)")
        self.console = 'ttyAMA0' if self.arch == 'aarch64' else 'ttyS0'
        self.default_machine = 'virt' if self.arch == 'aarch64' else 'pc'
        # virt-10.0's default CPU is a 32-bit one; x86 keeps QEMU's default (qemu64), which
        # also starts under KVM on hosts where `-cpu max`/`host` does not. `--cpu none`
        # leaves it to the machine (the firmware guests take the same default, so that a
        # firmware case depends on the firmware default only)
        self.default_cpu = 'max' if self.arch == 'aarch64' else None

    def missing(self):
        """Images that are not built, as a message (or None)."""
        gone = [f for f in (self.kernel, self.initrd) if f and not os.path.exists(f)]
        if not gone:
            return None
        return (f"guest image missing: {', '.join(gone)} "
                "(build it: build-scripts/build.sh guest-tools)")

    def append(self, params):
        if not self.linux:
            return ' '.join(f'{k}={v}' for k, v in params)
        words = [f'console={self.console}', 'quiet', 'panic=-1',
                 f'kvmport.test={self.name}']
        words += [f'kvmport.{k}={v}' for k, v in params]
        return ' '.join(words)


class Run:
    """One guest run: QEMU process(es), console parsing, verdict."""

    def __init__(self, opts, guest, quiet=False):
        self.opts, self.guest, self.quiet = opts, guest, quiet
        self.prefix = opts.name or f'{guest.spec}/{opts.accel}'
        self.lines = []          # the whole console, for the tail and --console-log
        self.plan = None
        self.checks = []         # (name, status, detail)
        self.ended = False
        self.ready = False
        # the migrations to make, one each time the guest prints KVMPORT-READY: None is
        # --migrate (through a file into the same binary), a binary is a live hop into it
        self.hops = [None] if opts.migrate else list(opts.migrate_peer)
        self.migrated = 0
        self.problems = []       # run-level failures
        self.vm = None
        self.buf = b''
        self.exitcode = None
        self.qemu_log = []
        self.timeout = opts.timeout
        self.after_end = 10          # s to read on after END, until QEMU closes the console
        # firmware guests: the regexes of --param expect, the next one to look for
        self.expects = [v for k, v in opts.param if k == 'expect'] if guest.firmware else []
        self.expect_next = 0
        self.t0 = None

    # ---- QEMU command line -------------------------------------------------------
    def qemu_args(self, binary=None):
        o, g = self.opts, self.guest
        args = ['-nodefaults', '-no-reboot', '-accel', ','.join([o.accel] + o.accel_opt),
                '-M', o.machine or g.default_machine]
        cpu = o.cpu or g.default_cpu
        if cpu and cpu != 'none':
            args += ['-cpu', cpu]
        if o.smp:
            args += ['-smp', o.smp]
        if g.linux:
            args += ['-m', '256']
        args += self.rom_args(binary)
        if g.firmware:
            return args + o.extra
        args += ['-kernel', g.kernel]
        if g.initrd:
            args += ['-initrd', g.initrd]
        args += ['-append', g.append(o.param)]
        if not g.linux:
            args += ['-device', 'isa-debug-exit,iobase=0xf4,iosize=0x4']
        return args + o.extra

    def rom_args(self, binary=None):
        """A build-tree binary (this build's, or another tree's such as build/asan)
        finds the firmware of --firmwarepath but not the x86 option ROMs built from
        source (linuxboot_dma.bin, multiboot_dma.bin, ...): those of its own tree."""
        roms = os.path.join(os.path.dirname(os.path.abspath(binary or self.binary())),
                            'pc-bios', 'optionrom')
        if not INSTALLED and self.guest.arch == 'x86_64' and os.path.isdir(roms):
            return ['-L', roms]
        return []

    def binary(self):
        if INSTALLED and not self.opts.qemu:
            return os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(HERE))),
                                'bin', f'qemu-system-{self.guest.arch}')
        return self.opts.qemu or os.path.join(self.opts.build_dir,
                                              f'qemu-system-{self.guest.arch}')

    def machine(self, extra=(), binary=None):
        from qemu.machine import QEMUMachine  # pylint: disable=import-outside-toplevel
        binary = binary or self.binary()
        vm = QEMUMachine(binary, args=self.qemu_args(binary) + list(extra),
                         base_temp_dir=tempfile.gettempdir())
        vm.set_console()
        return vm

    def launch(self, vm, attach=True):
        """Start vm; attach: it becomes the QEMU whose console is read."""
        from qemu.machine.machine import VMLaunchFailure  # pylint: disable=C0415
        try:
            vm.launch()
        except VMLaunchFailure as err:
            out = (err.output or '').strip().splitlines()
            raise RunFailure('QEMU did not start (exit %s): %s' %
                             (err.exitcode, out[-1] if out else err)) from err
        if not attach:
            return
        self.vm = vm
        self.sock = vm.console_socket
        self.sock.setblocking(False)

    # ---- console ----------------------------------------------------------------
    def read_until(self, deadline, stop):
        """Read console lines until stop() is true, EOF, or the deadline."""
        while not stop():
            left = deadline - time.monotonic()
            if left <= 0:
                return 'timeout'
            ready, _, _ = select.select([self.sock], [], [], min(left, 1.0))
            if not ready:
                # a firmware prompt ("Shell> ") gets no newline: match it once output pauses
                if self.guest.firmware and self.buf:
                    self.expect_line(self.buf.decode('utf-8', 'replace'))
                continue
            try:
                data = self.sock.recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                data = b''
            if not data:
                if self.buf:
                    self.line(self.buf)
                    self.buf = b''
                return 'eof'
            self.buf += data
            while b'\n' in self.buf:
                raw, self.buf = self.buf.split(b'\n', 1)
                self.line(raw)
                if stop():
                    return 'stop'
        return 'stop'

    def line(self, raw):
        text = raw.decode('utf-8', 'replace').rstrip('\r')
        self.lines.append(text)
        if self.guest.firmware:
            self.expect_line(text)
            return
        m = PROTO.search(text)
        if not m:
            return
        what, rest = m.group(1), m.group(2).strip()
        if what == 'PLAN':
            try:
                self.plan = int(rest.split()[0])
            except (ValueError, IndexError):
                self.problems.append(f'bad KVMPORT-PLAN line: {text}')
        elif what == 'CHECK':
            parts = rest.split(None, 2)
            if len(parts) < 2 or parts[1] not in ('PASS', 'FAIL', 'SKIP'):
                self.problems.append(f'bad KVMPORT-CHECK line: {text}')
                return
            name, status = parts[0], parts[1]
            detail = parts[2] if len(parts) > 2 else ''
            self.add_check(name, status, detail)
        elif what == 'END':
            self.ended = True
        elif what == 'BENCH':
            if self.opts.bench:
                self.emit(f'# KVMPORT-BENCH {self.prefix}: {rest}')
        elif what == 'READY':
            self.ready = True
            self.emit(f'# {self.prefix}: guest ready {rest}'.rstrip())

    def expect_line(self, text):
        """Firmware guests: the expected regexes this console line matches, in order."""
        clean = ESCAPES.sub('', text)
        while (self.expect_next < len(self.expects) and
               re.search(self.expects[self.expect_next], clean)):
            self.expect_next += 1
            self.add_check(f'expect.{self.expect_next}', 'PASS',
                           f'/{self.expects[self.expect_next - 1]}/ at '
                           f'{time.monotonic() - self.t0:.1f} s: {clean}')

    def add_check(self, name, status, detail):
        self.checks.append((name, status, detail))
        self.tap_check(name, status, detail)

    def tap_check(self, name, status, detail):
        desc = f'{self.prefix}: {name}'
        if status == 'PASS':
            self.emit(f'ok - {desc}' + (f' # {detail}' if detail else ''))
        elif status == 'SKIP':
            self.emit(f'ok - {desc} # SKIP {detail}')
        else:
            self.emit(f'not ok - {desc}' + (f' # {detail}' if detail else ''))

    # ---- the run ----------------------------------------------------------------
    def run(self):
        self.t0 = t0 = time.monotonic()
        deadline = t0 + self.timeout
        missing = self.guest.missing()
        if missing:
            raise RunFailure(missing)
        self.launch(self.machine())
        try:
            if self.guest.firmware:
                self.watch_firmware(deadline)
                return
            while True:
                why = self.read_until(deadline, lambda: self.ended or self.hop_due())
                if why == 'timeout':
                    raise RunFailure(f'timeout after {self.timeout:g} s' +
                                     ('' if self.lines else ': the guest printed nothing'))
                if self.hop_due():
                    self.ready = False
                    if self.hops[self.migrated] is None:
                        self.migrate(deadline)
                    else:
                        self.migrate_live(self.hops[self.migrated], deadline)
                    continue
                break
            # after END the guest exits by itself (poweroff or isa-debug-exit)
            if self.ended:
                self.read_until(min(deadline + self.after_end,
                                    time.monotonic() + self.after_end), lambda: False)
            self.finish(wait=10)
        finally:
            if self.vm:
                self.vm.shutdown(hard=True)
            self.wall = time.monotonic() - t0
            if self.opts.bench and self.exitcode is not None:
                # QEMU's whole life, start to exit (build-scripts/bench.sh times boots by it)
                self.emit(f'# KVMPORT-BENCH {self.prefix}: wall ms={self.wall * 1000:.0f}')

    def watch_firmware(self, deadline):
        """Read the console until every expected regex matched, QEMU exits, or the
        timeout; each regex not matched by then is one FAIL. The caller kills QEMU."""
        self.plan = len(self.expects)
        why = self.read_until(deadline, lambda: self.expect_next == len(self.expects))
        if why == 'eof':
            # QEMU stopped by itself (a reset with -no-reboot, an error): its status, stderr
            self.finish(wait=10)
        after = (f' (after expect.{self.expect_next})' if self.expect_next else '') + \
            ('' if self.lines else ': nothing on the console')
        for i in range(self.expect_next, len(self.expects)):
            when = (f'not seen within {self.timeout:g} s' if why == 'timeout' else
                    f'not seen before QEMU exited (status {self.exitcode})')
            self.add_check(f'expect.{i + 1}', 'FAIL', f'/{self.expects[i]}/ {when}{after}')
        if self.expect_next < len(self.expects):
            self.console_tail()
        self.ended = True

    def finish(self, wait):
        vm = self.vm
        try:
            vm._subp.wait(timeout=wait)  # pylint: disable=protected-access
        except Exception:  # pylint: disable=broad-except
            self.problems.append(f'QEMU did not exit within {wait} s after the guest '
                                 + ('ended' if self.ended else 'closed its console'))
            vm.shutdown(hard=True)
            return
        vm.wait(timeout=5)
        self.exitcode = vm.exitcode()
        self.vm = None
        self.qemu_log = (vm.get_log() or '').strip().splitlines()
        for text in list(dict.fromkeys(self.qemu_log))[-5:]:
            self.emit(f'# qemu: {text}')

    def hop_due(self):
        return self.ready and self.migrated < len(self.hops)

    def migrate(self, deadline):
        # pylint: disable=too-many-locals
        t0 = time.monotonic()
        with tempfile.TemporaryDirectory(prefix='kvmport-migrate-') as tmp:
            path = os.path.join(tmp, 'state')
            vm = self.vm
            vm.cmd('migrate', uri=f'file:{path}')
            status = self.wait_migration(vm, deadline, 'outgoing')['status']
            t1 = time.monotonic()
            size = os.path.getsize(path)
            # nothing more can come from the paused source
            vm.shutdown()
            self.vm = None
            t2 = time.monotonic()
            vm2 = self.machine(['-incoming', 'defer'])
            self.launch(vm2)
            t3 = time.monotonic()
            vm2.cmd('migrate-incoming', uri=f'file:{path}')
            self.wait_migration(vm2, deadline, 'incoming')
            while vm2.cmd('query-status')['status'] != 'running':
                if time.monotonic() > deadline:
                    raise RunFailure('migrated guest did not resume running')
                time.sleep(0.01)
            t4 = time.monotonic()
            self.sock.send(b'\n')
        self.migrated += 1
        self.emit(f'# {self.prefix}: migrate ({status}, {size / 1048576:.1f} MiB): save '
            f'{t1 - t0:.2f} s, quit source {t2 - t1:.2f} s, start destination '
            f'{t3 - t2:.2f} s, load {t4 - t3:.2f} s, total {t4 - t0:.2f} s')

    def migrate_live(self, peer, deadline):
        """One --migrate-peer hop: live migration into a new process of binary peer."""
        # pylint: disable=too-many-locals
        n = self.migrated + 1
        what = f'hop {n}: {self.hops[n - 2] if n > 1 else self.binary()} -> {peer}'
        src, t0 = self.vm, time.monotonic()
        dst = self.machine(['-incoming', 'defer'], binary=peer)
        with tempfile.TemporaryDirectory(prefix='kvmport-migrate-') as tmp:
            uri = f"unix:{os.path.join(tmp, 'sock')}"
            try:
                self.launch(dst, attach=False)
                t1 = time.monotonic()
                dst.cmd('migrate-incoming', uri=uri, **{'exit-on-error': False})
                src.cmd('migrate', uri=uri)
                info = self.wait_migration(src, deadline, 'outgoing')
                t2 = time.monotonic()
                self.wait_migration(dst, deadline, 'incoming')
                while dst.cmd('query-status')['status'] != 'running':
                    if time.monotonic() > deadline:
                        raise RunFailure('the destination did not resume running')
                    time.sleep(0.01)
            except Exception as err:
                raise RunFailure(f'{what}: {err}{self.incoming_error(dst, str(err))}') \
                    from err
        t3 = time.monotonic()
        # nothing more can come from the paused source
        src.shutdown()
        for text in (src.get_log() or '').strip().splitlines()[-5:]:
            self.emit(f'# qemu (source of hop {n}): {text}')
        self.vm, self.sock = dst, dst.console_socket
        self.sock.setblocking(False)
        t4 = time.monotonic()
        self.sock.send(b'\n')
        self.migrated += 1
        self.emit(f"# {self.prefix}: {what} (live, {info['status']}, "
                  f"{info['ram']['transferred'] / 1048576:.1f} MiB sent, downtime "
                  f"{info.get('downtime', 0)} ms): start destination {t1 - t0:.2f} s, "
                  f'migrate {t2 - t1:.2f} s, destination running {t3 - t2:.2f} s, quit '
                  f'source {t4 - t3:.2f} s, total {t4 - t0:.2f} s')

    @staticmethod
    def incoming_error(dst, known):
        """What a destination says about a failed hop: its query-migrate error-desc
        (unless known has it) and its last output lines; it is stopped."""
        said = []
        try:
            desc = dst.cmd('query-migrate').get('error-desc')
            if desc and desc not in known:
                said.append(f'incoming error: {desc}')
        except Exception:  # pylint: disable=broad-except
            pass    # not started, or exited
        dst.shutdown(hard=True)
        log = [t for t in (dst.get_log() or '').strip().splitlines() if t not in known]
        said += [f'qemu: {t}' for t in list(dict.fromkeys(log))[-5:]]
        return f"; destination: {'; '.join(said)}" if said else ''

    @staticmethod
    def wait_migration(vm, deadline, side):
        """query-migrate until completed (its result) or failed (RunFailure)."""
        while True:
            info = vm.cmd('query-migrate')
            status = info.get('status', 'none')
            if status == 'completed':
                return info
            if status in ('failed', 'cancelled'):
                raise RunFailure(f'{side} migration {status}: '
                                 f"{info.get('error-desc', 'no error given')}")
            if time.monotonic() > deadline:
                raise RunFailure(f'{side} migration still {status} at the timeout')
            time.sleep(0.01)

    def verdict(self):
        """Run-level problems from the protocol and QEMU's exit status."""
        p = list(self.problems)
        if self.plan is None:
            p.append('the guest printed no KVMPORT-PLAN')
        elif self.plan != len(self.checks):
            p.append(f'KVMPORT-PLAN {self.plan} but {len(self.checks)} checks')
        if not self.ended:
            p.append('the guest printed no KVMPORT-END')
        if self.migrated < len(self.hops):
            p.append(f"{'--migrate' if self.opts.migrate else '--migrate-peer'}: "
                     f'{len(self.hops)} migration(s) asked, but the guest printed '
                     f'KVMPORT-READY {self.migrated} time(s)')
        fails = sum(1 for c in self.checks if c[1] == 'FAIL')
        code = self.exitcode
        if code is not None and code < 0:
            p.append(f'QEMU was killed by signal {-code}' +
                     (f': {self.qemu_log[-1]}' if self.qemu_log else ''))
        elif code is not None:
            if self.guest.firmware:
                if code != 0:
                    p.append(f'QEMU exited with status {code}')
            elif self.guest.linux:
                if code != 0:
                    p.append(f'QEMU exited with status {code} (a Linux guest powers off: 0)')
            elif code == 0:
                p.append('QEMU exited with status 0: the guest never wrote isa-debug-exit')
            elif code not in (1, 3):
                p.append(f'QEMU exited with status {code} (isa-debug-exit gives 1 or 3)')
            elif not p and (code == 3) != (fails > 0):
                p.append(f'isa-debug-exit status {code} ({"fail" if code == 3 else "pass"}) '
                         f'disagrees with {fails} FAIL checks')
        return p

    def report_failure(self, reason):
        self.emit(f'not ok - {self.prefix}: run # {reason}')
        self.console_tail()

    def console_tail(self):
        # with the line still being written (a prompt), if any
        pending = [self.buf.decode('utf-8', 'replace')] if self.buf else []
        tail = (self.lines + pending)[-TAIL_LINES:]
        if tail:
            self.emit(f'# last {len(tail)} console lines:')
        for text in tail:
            self.emit(f'#   {ESCAPES.sub("", text)}')

    def emit(self, text):
        if not self.quiet:
            out(text)

    def save_console(self):
        if self.opts.console_log:
            with open(self.opts.console_log, 'w', encoding='utf-8') as f:
                f.write('\n'.join(self.lines) + '\n')


class RigRun(Run):
    """The guest in L2 under KVM, inside the nested-KVM rig (guest-tools/rig): an L1
    Linux guest that QEMU runs under TCG with -cpu max (AMD, SVM with nested paging),
    where Debian's kvm-amd module gives L1 a /dev/kvm. L1 runs the L2 command line from
    fw_cfg and prints L2's console as "L2| ..." lines (rig/rig.sh); the verdict is L2's."""

    def __init__(self, opts, guest, reason, quiet=False):
        super().__init__(opts, guest, quiet)
        self.reason = reason
        self.timeout = opts.timeout + RIG_OVERHEAD
        # after L2's END: L2 and its QEMU exit, L1 reports and powers off under TCG
        self.after_end = RIG_OVERHEAD
        gt = guest_tools_dir(opts.build_dir)
        self.rig_image = os.path.join(gt, 'rig', 'initramfs.cpio.gz')
        self.rig_kernel = os.path.join(gt, 'linux', 'x86_64', 'vmlinuz')
        self.l2 = Guest(guest.spec, None, gt=f'{RIG_ROOT}/share/kvmport/guest-tools')
        self.kvm = opts.rig_kvm
        self.where = ('in L2 under KVM through the nested-KVM rig (L1: TCG, -cpu max; '
                      f'{RIG_KVM[self.kvm][1]})')
        self.check_qtests = False
        self.argv_file = None
        self.l1_lines = []
        self.rig_exit = None
        self.rig_error = None

    def tap_check(self, name, status, detail):
        mark = 'L2, nested-KVM rig' + (', KVM of patches/linux' if self.kvm == 'ppin' else '')
        super().tap_check(name, status, f'{detail} [{mark}]'.lstrip())

    def l2_command(self):
        inner = Run(self.opts, self.l2, quiet=True)
        inner.binary = lambda: f'{RIG_ROOT}/bin/qemu-system-x86_64'
        return [inner.binary()] + inner.qemu_args() + ['-display', 'none',
                                                       '-serial', 'stdio']

    def qemu_args(self, binary=None):
        return (['-nodefaults', '-no-reboot'] + RIG_L1 + self.rom_args(binary) +
                ['-kernel', self.rig_kernel, '-initrd', self.rig_image,
                 '-append', 'console=ttyS0 quiet panic=-1 kvmport.test=rig' +
                 (f' kvmport.modules={RIG_KVM[self.kvm][0]}' if RIG_KVM[self.kvm][0] else ''),
                 '-fw_cfg',
                 f"name=opt/kvmport/argv,file={self.argv_file.replace(',', ',,')}"] +
                (['-fw_cfg', 'name=opt/kvmport/migrate,string=1',
                  '-fw_cfg', f'name=opt/kvmport/timeout,string={int(self.opts.timeout)}']
                 if self.opts.migrate else []))

    def migrate(self, deadline):
        # L1 migrates L2 (rig.sh) and says so: wait for that
        self.read_until(deadline, lambda: self.migrated or self.ended)
        if not self.migrated:
            raise RunFailure('L1 did not migrate L2' +
                             (f': {self.rig_error}' if self.rig_error else ''))

    def run(self):
        missing = [f for f in (self.rig_image, self.rig_kernel, self.rig_image + '.sha256')
                   if not os.path.exists(f)]
        if missing:
            raise RunFailure(f"nested-KVM rig missing: {', '.join(missing)} "
                             "(build it: build-scripts/build.sh guest-tools)")
        # L2 must run the binary the host's cases run (the rig embeds the installed one),
        # and the qtests as built now
        with open(self.rig_image + '.sha256', encoding='utf-8') as f:
            embedded = [line.split(None, 1) for line in f if line.strip()]
        for i, (sha, path) in enumerate(embedded):
            path = self.binary() if i == 0 else path.strip()
            if not (i == 0 or self.check_qtests) or not os.path.exists(path):
                continue
            with open(path, 'rb') as f:
                if hashlib.sha256(f.read()).hexdigest() != sha:
                    raise RunFailure(f'the rig embeds another {os.path.basename(path)} '
                                     f'than {path} (rebuild it: build-scripts/build.sh '
                                     'install guest-tools)')
        self.emit(f'# {self.prefix}: {self.reason}: {self.where}')
        with tempfile.TemporaryDirectory(prefix='kvmport-rig-') as tmp:
            self.argv_file = os.path.join(tmp, 'argv')
            with open(self.argv_file, 'w', encoding='utf-8') as f:
                f.write(shlex.join(self.l2_command()))
            super().run()

    def line(self, raw):
        if raw.startswith(b'L2| '):
            super().line(raw[4:])
            return
        text = raw.decode('utf-8', 'replace').rstrip('\r')
        if text.startswith('L2E| '):
            self.qemu_log.append(text[5:])
            return
        self.l1_lines.append(text)
        m = re.search(r'KVMPORT-RIG (l1|exit|error|migrated) ?(.*)$', text)
        if not m:
            return
        if m.group(1) == 'migrated':
            self.migrated += 1
            self.emit(f'# {self.prefix}: migrate in L1 (HMP, file:): {m.group(2)}')
        elif m.group(1) == 'exit':
            self.rig_exit = int(m.group(2)) if m.group(2).isdigit() else None
        elif m.group(1) == 'error':
            self.rig_error = m.group(2)
            self.ended = True           # nothing more comes from L2
        else:
            self.emit(f'# {self.prefix}: L1 {m.group(2)}')
            # L2 must run on the KVM modules asked for, as the kernel loaded them
            # (out-of-tree ones taint it: an image without kvm-ppin falls back to Debian's)
            origin = 'out-of-tree' if RIG_KVM[self.kvm][0] else 'in-tree'
            want = (f'kvm modules: {RIG_KVM[self.kvm][0] or "stock"}: '
                    f'kvm {origin}, kvm_amd {origin}')
            if not m.group(2).endswith(want):
                self.rig_error = f'L1 did not load the {self.kvm} KVM modules ({m.group(2)})'
                self.ended = True

    def finish(self, wait):
        l2_log = self.qemu_log
        super().finish(wait)
        l1_code, l1_log = self.exitcode, self.qemu_log
        self.qemu_log = l2_log
        for text in l2_log[-5:]:
            self.emit(f'# qemu (L2): {text}')
        if l1_code is not None and l1_code < 0:
            self.problems.append(f'L1 QEMU was killed by signal {-l1_code}' +
                                 (f': {l1_log[-1]}' if l1_log else ''))
        elif l1_code not in (None, 0):
            self.problems.append(f'L1 QEMU exited with status {l1_code}')
        if self.rig_error:
            self.problems.append(f'L1: {self.rig_error}')
        # L2's status as QEMU's own (128+N from the L1 shell: killed by signal N)
        code = self.rig_exit
        self.exitcode = -(code - 128) if code is not None and code > 128 else code
        if code is None and not self.rig_error and l1_code is not None:
            self.problems.append("L1 did not report the L2 QEMU's exit status")

    def console_tail(self):
        super().console_tail()
        tail = [t for t in self.l1_lines if t.strip()][-TAIL_LINES:]
        if tail:
            self.emit(f'# last {len(tail)} L1 console lines:')
        for text in tail:
            self.emit(f'#   {ESCAPES.sub("", text)}')


class RigExec(RigRun):
    """--rig-exec: a command (opts.extra) run in L1 of the rig instead of an L2 guest;
    its stdout printed as it comes, its stderr as comments, its exit status ours."""

    def __init__(self, opts):
        # an x86_64 guest only picks the host's binary and option ROMs
        super().__init__(opts, Guest('baremetal:msr', opts.build_dir), '--rig-exec')
        self.prefix = opts.name or 'rig-exec'
        self.where = ('in L1 of the nested-KVM rig (TCG, -cpu max; /dev/kvm from '
                      f'{RIG_KVM[self.kvm][1]})')
        self.check_qtests = True

    def l2_command(self):
        return list(self.opts.extra)

    def line(self, raw):
        if raw.startswith(b'L2| '):
            text = raw[4:].decode('utf-8', 'replace').rstrip('\r')
            self.lines.append(text)
            out(text)
        elif raw.startswith(b'L2E| '):
            out('# ' + raw[5:].decode('utf-8', 'replace').rstrip('\r'))
        else:
            super().line(raw)


def rig_exec(opts):
    """Run opts.extra in L1; exit with its status (2 and a `not ok` line when L1 fails)."""
    r = RigExec(opts)
    try:
        r.run()
        problems = r.problems
    except RunFailure as err:
        problems = [str(err)] + r.problems
    except Exception as err:  # pylint: disable=broad-except
        problems = [f'{type(err).__name__}: {err}'] + r.problems
    if problems or r.exitcode is None:
        out(f'not ok - {r.prefix}: nested-KVM rig: {"; ".join(problems) or "no exit status"}')
        r.console_tail()
        return 2
    return 0 if r.exitcode == 0 else 1


def out(text):
    print(text, flush=True)


def run_one(opts):
    """Run the guest; print TAP; return True when all went well."""
    guest = Guest(opts.guest, opts.build_dir)
    why = rig_reason(opts, guest)
    r = RigRun(opts, guest, why) if why else Run(opts, guest)
    t0 = time.monotonic()
    try:
        r.run()
        problems = r.verdict()
    except RunFailure as err:
        problems = [str(err)] + r.problems
    except Exception as err:  # pylint: disable=broad-except
        problems = [f'{type(err).__name__}: {err}'] + r.problems
    finally:
        r.save_console()
    if problems:
        r.report_failure('; '.join(problems))
    fails = sum(1 for c in r.checks if c[1] == 'FAIL')
    out(f'# {r.prefix}: {len(r.checks)} checks, {fails} failed, '
        f'{time.monotonic() - t0:.1f} s')
    return not problems and fails == 0, r


def kvm_probe_reason(kind, opts):
    """None when KIND guests run under this host's KVM, else the reason."""
    why = kvm_unusable()
    if why:
        return why
    if kind == 'baremetal':
        guest, params = 'baremetal:msr', [('expect35', '0x10001')]
    elif kind == 'linux-x86_64':
        guest, params = 'linux-x86_64:probe', []
    else:
        raise SystemExit(f"--probe-kvm '{kind}': expected baremetal or linux-x86_64")
    opts = copy.copy(opts)
    opts.guest, opts.param, opts.accel, opts.rig = guest, params, 'kvm', 'off'
    opts.smp, opts.machine, opts.extra, opts.migrate = '1', None, [], False
    opts.migrate_peer = []
    opts.accel_opt, opts.rig_kvm = [], 'stock'
    opts.timeout = min(opts.timeout, PROBE_TIMEOUT)
    g = Guest(guest, opts.build_dir)
    r = Run(opts, g, quiet=True)
    missing = g.missing()
    if missing:
        return missing
    try:
        r.run()
        problems = r.verdict()
    except RunFailure as err:
        problems = [str(err)] + r.problems
    what = 'Linux guest' if g.linux else 'bare-metal guest'
    if not problems and all(c[1] != 'FAIL' for c in r.checks):
        return None
    if not r.lines and r.exitcode is None:
        return f'{what} printed nothing under KVM within {opts.timeout:g} s'
    return (f'{what} under KVM: {"; ".join(problems) or "a check failed"} '
            f'(last console line: {r.lines[-1] if r.lines else ""!r})')


def probe_kvm(kind, opts):
    """Exit status 0 when KIND guests run under KVM here; else print why, 1."""
    t0 = time.monotonic()
    why = kvm_probe_reason(kind, opts)
    if why:
        print(why)
        return 1
    what = 'Linux guest' if kind == 'linux-x86_64' else 'bare-metal guest'
    print(f'{what} runs under KVM ({time.monotonic() - t0:.1f} s)')
    return 0


def kvm_unusable():
    """Why this host has no usable /dev/kvm, or None."""
    try:
        os.close(os.open('/dev/kvm', os.O_RDWR | os.O_CLOEXEC))
        return None
    except FileNotFoundError:
        return '/dev/kvm missing'
    except OSError as err:
        return f'cannot open /dev/kvm: {err.strerror}'


def rig_reason(opts, guest):
    """Why this run goes through the nested-KVM rig, or None to run it on the host. auto:
    only for what this host cannot do: no usable /dev/kvm, or a Linux guest on a KVM that
    runs bare-metal guests but not Linux (a KVM that runs neither is this build's
    problem or the host's, and the run on the host shows it)."""
    if (opts.rig == 'off' or opts.accel != 'kvm' or guest.arch != 'x86_64' or
            guest.firmware):
        return None
    if opts.rig == 'on':
        return f'--rig-kvm {opts.rig_kvm}' if opts.rig_kvm != 'stock' else '--rig on'
    why = kvm_unusable()
    if why or not guest.linux:
        return why
    why = kvm_probe_reason('linux-x86_64', opts)
    if why and not kvm_probe_reason('baremetal', opts):
        return f'{why}, while bare-metal guests run'
    return None


def guest_catalog():
    """Every guest test and its parameters, as text: from the headers of the test sources
    (guest-tools/linux/tests/*/NAME.sh, guest-tools/baremetal/NAME.c) in a source tree; the
    same text from guests.txt (written at install time) next to an installed copy."""
    if INSTALLED:
        try:
            with open(os.path.join(HERE, 'guests.txt'), encoding='utf-8') as f:
                return f.read()
        except OSError as err:
            return f'(no list of guest tests: {err})\n'
    entries = []
    tests = os.path.join(ROOT, 'guest-tools', 'linux', 'tests')
    for sub, kind in (('x86_64', 'linux-x86_64'), ('aarch64', 'linux-aarch64'),
                      ('common', 'linux-{x86_64,aarch64}')):
        for name in sorted(os.listdir(os.path.join(tests, sub))):
            if name.endswith('.sh'):
                entries.append((f'{kind}:{name[:-3]}', os.path.join(tests, sub, name), '#'))
    bare = os.path.join(ROOT, 'guest-tools', 'baremetal')
    for name in sorted(os.listdir(bare)):
        if name.endswith('.c'):
            entries.append((f'baremetal:{name[:-2]}', os.path.join(bare, name), ' *'))
    out = []
    for spec, path, lead in entries:
        summary, params = header_doc(path, lead)
        if summary is None:
            summary, params = '(its header documents no parameters)', []
        out.extend(textwrap.wrap(f'{spec}: {summary}', 90, initial_indent='  ',
                                 subsequent_indent='      '))
        out.extend(f'        {p}' for p in params or ['(no parameters)'])
    out += ['  firmware[:ARCH]: no guest image; the machine\'s own firmware or -- -bios FILE',
            '        expect=REGEX  one check per regex: a console line matches it, in order']
    return '\n'.join(out) + '\n'


def header_doc(path, lead):
    """(summary, parameter lines) of a test source's leading comment, where each line
    starts with LEAD ('#' for shell, ' *' for C): the summary is its first sentence after
    "NAME: " or "NAME.elf: ", the parameters the indented lines under its "Parameters"
    line ("Parameters: none": none). (None, None) without a "Parameters" line."""
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    if lead == ' *':
        lines = lines[1:] if lines and lines[0].startswith('/*') else []
    text = []
    for line in lines:
        if not line.startswith(lead) or line.startswith(' */'):
            break
        text.append(line[len(lead):])
    at = next((i for i, t in enumerate(text) if t.strip().startswith('Parameters')), None)
    if at is None:
        return None, None
    summary = ' '.join(t.strip() for t in text[:at])
    summary = re.sub(r'^[\w.-]+: ', '', summary)
    summary = re.split(r'(?<=\.)\s+(?=[A-Z])', summary, maxsplit=1)[0].rstrip(' .:')
    params = []
    head = text[at].strip()
    if head.endswith('none'):
        return summary, []
    if not head.endswith(':'):          # "Parameters (...):" notes what follows
        params.append(head)
    for t in text[at + 1:]:
        if not t.startswith('   ') or not t.strip():
            break
        if t[3] == ' ':
            params.append('  ' + t.strip())     # the previous parameter, continued
        else:
            params.append(t.strip())
    return summary, params


def parse_args(argv):
    if '--' in argv:
        i = argv.index('--')
        argv, extra = argv[:i], argv[i + 1:]
    else:
        extra = []
    ap = argparse.ArgumentParser(
        prog='run-guest.py', description=__doc__.split('\n', 1)[0],
        epilog=__doc__.split('\n', 1)[1] + ('\nGuest tests (--guest KIND:NAME) and their '
                                              'parameters (--param KEY=VALUE; run-guest.py '
                                              '--list prints this only):\n' + guest_catalog()
                                              if {'-h', '--help'} & set(argv) else ''),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        usage='%(prog)s --guest KIND:NAME [options] [-- extra qemu args]\n'
              '       %(prog)s --guest firmware[:ARCH] --param expect=REGEX... [options] '
              '[-- extra qemu args]\n'
              '       %(prog)s --probe-kvm baremetal|linux-x86_64\n'
              '       %(prog)s --rig-exec [options] -- COMMAND...')
    ap.add_argument('--guest', help='baremetal:NAME, linux-x86_64:TEST, linux-aarch64:TEST '
                    'or firmware[:ARCH]')
    ap.add_argument('--probe-kvm', metavar='KIND',
                    help='exit 0 if KIND (baremetal, linux-x86_64) guests run under KVM')
    ap.add_argument('--accel', choices=('tcg', 'kvm'), default='tcg')
    ap.add_argument('--accel-opt', action='append', default=[], metavar='PROP=VALUE',
                    help='a property of the accelerator, e.g. cap-ppin=on (repeatable)')
    ap.add_argument('--machine', help='-M (default: pc for x86_64, virt for aarch64)')
    ap.add_argument('--cpu', help='-cpu (default: max for aarch64, QEMU\'s own for x86_64); '
                    '"none": no -cpu, the machine\'s default CPU')
    ap.add_argument('--smp', help='-smp')
    ap.add_argument('--param', action='append', default=[], metavar='KEY=VALUE',
                    help='guest parameter (repeatable)')
    ap.add_argument('--timeout', type=float, default=60, metavar='SEC',
                    help='kill QEMU after SEC seconds (default 60)')
    ap.add_argument('--name', help='prefix of the TAP lines (default: GUEST/ACCEL)')
    ap.add_argument('--qemu', help='QEMU binary (default: BUILD_DIR/qemu-system-ARCH)')
    ap.add_argument('--build-dir', default=os.environ.get(
                        'BUILD_DIR', os.path.join(ROOT, 'build') if ROOT else None),
                    help='build tree (default: $BUILD_DIR or build/; installed: the '
                    'guest images next to this script and PREFIX/bin)')
    ap.add_argument('--migrate', action='store_true',
                    help='migrate the guest through a file when it prints KVMPORT-READY')
    ap.add_argument('--migrate-peer', action='append', default=[], metavar='QEMU',
                    help='live-migrate the guest into a new process of binary QEMU when it '
                    'prints KVMPORT-READY (repeatable: one hop each, in the order given)')
    ap.add_argument('--bench', action='store_true',
                    help='print KVMPORT-BENCH lines as "# KVMPORT-BENCH PREFIX: ...", and '
                    'QEMU\'s run time as "# KVMPORT-BENCH PREFIX: wall ms=N"')
    ap.add_argument('--console-log', metavar='FILE', help='write the whole console here')
    ap.add_argument('--rig', choices=('auto', 'on', 'off'), default='auto',
                    help='--accel kvm, x86_64 guests: run the guest in L2 through the '
                    'nested-KVM rig; auto (default): when this host cannot run that kind '
                    'of guest under KVM (the --probe-kvm check)')
    ap.add_argument('--rig-kvm', choices=tuple(RIG_KVM), default='stock',
                    help="the KVM modules of the rig's L1: Debian's (stock, default) or "
                    "patches/linux's (ppin, KVM_CAP_PPIN; implies --rig on)")
    ap.add_argument('--rig-exec', action='store_true',
                    help='run the command after -- in L1 of the nested-KVM rig (its /rig '
                    'has qemu-system-x86_64 and the qtests that need KVM); its stdout '
                    'as it comes, stderr as comments, its exit status (0 or 1; 2: L1 failed)')
    ap.add_argument('--list', action='store_true',
                    help='print every guest test with its parameters and exit')
    ap.add_argument('--show-command', action='store_true',
                    help='print the QEMU command line as a comment')
    opts = ap.parse_args(argv)
    if opts.list:
        sys.stdout.write(guest_catalog())
        sys.exit(0)
    opts.extra = extra
    params = []
    # a firmware guest's parameters are regexes for the runner, not words of a command line
    firmware = (opts.guest or '').split(':')[0] == 'firmware'
    for p in opts.param:
        k, sep, v = p.partition('=')
        if not sep or not k or (not firmware and any(c.isspace() for c in p)):
            ap.error(f"--param '{p}': expected KEY=VALUE without spaces")
        if firmware:
            if k != 'expect':
                ap.error(f"--param '{p}': a firmware guest takes expect=REGEX only")
            try:
                re.compile(v)
            except re.error as err:
                ap.error(f"--param '{p}': not a regular expression: {err}")
        params.append((k, v))
    opts.param = params
    for p in opts.accel_opt:
        if not re.fullmatch(r'[a-z][a-z0-9-]*=[^,\s]+', p):
            ap.error(f"--accel-opt '{p}': expected PROP=VALUE (no commas or spaces)")
    if sum(map(bool, (opts.guest, opts.probe_kvm, opts.rig_exec))) != 1:
        ap.error('give exactly one of --guest, --probe-kvm and --rig-exec')
    if opts.rig_exec and not extra:
        ap.error('--rig-exec needs a command after --')
    rig_on = '--rig on'
    if opts.rig_kvm != 'stock' and not opts.rig_exec:
        if opts.rig == 'off':
            ap.error(f'--rig-kvm {opts.rig_kvm} runs through the rig: not with --rig off')
        opts.rig, rig_on = 'on', f'--rig-kvm {opts.rig_kvm} (it takes the rig)'
    if opts.rig == 'on' and (opts.accel != 'kvm' or not
                             (opts.guest or '').startswith(('baremetal:', 'linux-x86_64:'))):
        ap.error(f'{rig_on} runs baremetal and linux-x86_64 guests with --accel kvm')
    if firmware and not params:
        ap.error('a firmware guest needs at least one --param expect=REGEX')
    if firmware and (opts.migrate or opts.migrate_peer):
        ap.error('--migrate and --migrate-peer need a guest that prints KVMPORT-READY, not a '
                 'firmware guest')
    for p in opts.migrate_peer:
        if not (os.path.isfile(p) and os.access(p, os.X_OK)):
            ap.error(f"--migrate-peer '{p}': not an executable file")
    if opts.migrate and opts.migrate_peer:
        ap.error('give --migrate (through a file) or --migrate-peer (live), not both')
    if opts.migrate_peer and opts.accel == 'kvm' and opts.rig != 'off':
        ap.error('--migrate-peer runs QEMU on this host: with --accel kvm, give --rig off')
    return opts


def main(argv):
    opts = parse_args(argv)
    # QEMUMachine logs a warning for a QEMU killed by a signal: the TAP line says it
    logging.basicConfig(level=logging.ERROR, format='run-guest: %(message)s')
    logging.getLogger('qemu').setLevel(logging.CRITICAL)
    if opts.probe_kvm:
        return probe_kvm(opts.probe_kvm, opts)
    if opts.rig_exec:
        return rig_exec(opts)
    if opts.show_command:
        r = Run(opts, Guest(opts.guest, opts.build_dir))
        out('# ' + shlex.join([r.binary()] + r.qemu_args()))
    ok, _ = run_one(opts)
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
