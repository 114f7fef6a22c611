#!/usr/bin/python3
"""This build as libvirt's <emulator>, through a private embedded libvirt; TAP on stdout.

Usage: libvirt-test.py --prefix DIR --root DIR [--list]

  --prefix DIR  the installed stack (DIR/bin/qemu-system-*, DIR/share/kvmport/guest-tools)
  --root DIR    an empty directory: the embedded driver's root (qemu:///embed?root=DIR),
                with its qemu.conf in DIR/etc; domain logs in DIR/log/qemu/NAME.log
  --list        print the check names and exit (no libvirt needed)

The checks (each one TAP line; a failure prints the domain's log and console):
  domcaps.x86_64.qemu   virsh domcapabilities on the x86_64 binary, TCG: `pc` and `q35` are
                        the stack's machine types
  domcaps.x86_64.kvm    the same under KVM (skipped without /dev/kvm)
  domcaps.aarch64.qemu  aarch64: `virt` is the stack's type; every CPU model usable 'yes' or
                        'no', never 'unknown'; `efi` firmware offered
  x86_64.tcg.ppin       a transient TCG domain, Debian's kernel with the guest-tools
                        initramfs, `<cpu mode='maximum'/>` on `pc`, a chosen ppin-value: the
                        guest reads exactly it (sysfs and rdmsr); the domain ends by itself
                        (reason shutdown) when the guest powers off
  x86_64.kvm.ppin       the same under KVM (vCPU qemu64 with amd-ppin, as guest-test.sh): a
                        Linux guest where this host's KVM boots one, else the bare-metal
                        ppin.elf; skipped with the reason where neither runs
  aarch64.tcg.efi       `virt`, no <cpu>, <os firmware='efi'>: libvirt picks the edk2 image
                        from the firmware descriptors and the type's default CPU (`max`),
                        it boots Debian's arm64 kernel to the harness's result lines
  x86_64.bad-property   ppin-value=junk: the start fails with QEMU's own message in
                        libvirt's error
  x86_64.tcg.save-restore  virsh save / restore of the running PPIN domain: the guest reads
                        the same PPIN and PPIN_CTL after the restore
  cleanup.no-qemu-left  after the connection is closed no process uses the private root
  cleanup.system-libvirt-untouched  nothing under a system libvirt's directories (and
                        /etc/qemu, /usr/share/qemu/firmware) was created, removed or
                        changed owner or mode
"""

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

CHECKS = ['domcaps.x86_64.qemu', 'domcaps.x86_64.kvm', 'domcaps.aarch64.qemu',
          'x86_64.tcg.ppin', 'x86_64.kvm.ppin', 'aarch64.tcg.efi',
          'x86_64.bad-property', 'x86_64.tcg.save-restore',
          'cleanup.no-qemu-left', 'cleanup.system-libvirt-untouched']

PPIN_VALUE = '0x5a17c0de2b6e9f31'
# QEMU's own message for the bad value (qdev's uint64 property parser)
BAD_MSG = "can't apply global max-x86_64-cpu.ppin-value=junk: Parameter 'ppin-value' expects uint64"
BOOT_TIMEOUT = 180
PROTO = re.compile(r'KVMPORT-(PLAN|CHECK|END|READY)\b ?(.*)')
QEMU_NS = 'http://libvirt.org/schemas/domain/qemu/1.0'


class Failed(Exception):
    pass


class Skip(Exception):
    pass


class Tap:
    def __init__(self):
        self.n = 0

    def result(self, name, ok, detail='', skip=None, diag=()):
        self.n += 1
        if skip is not None:
            print(f'ok {self.n} - {name} # SKIP {skip}')
        else:
            print(f'{"ok" if ok else "not ok"} {self.n} - {name}' + (f': {detail}' if detail else ''))
        for line in diag:
            print(f'# {line}')
        sys.stdout.flush()

    def plan(self):
        print(f'1..{self.n}')


def tail(path, n=25):
    try:
        with open(path, errors='replace') as f:
            return [f'{os.path.basename(path)}: {line.rstrip()}' for line in f.readlines()[-n:]]
    except OSError as err:
        return [f'{path}: {err.strerror}']


class Env:
    """The embedded driver, its event loop, and the domains' lifecycle events."""

    def __init__(self, libvirt, prefix, root):
        self.lv, self.prefix, self.root = libvirt, prefix, root
        self.gt = os.path.join(prefix, 'share', 'kvmport', 'guest-tools')
        self.events = {}               # domain name -> [(event, detail)]
        self.current = None            # the Guest of the running check
        self.cond = threading.Condition()
        libvirt.virEventRegisterDefaultImpl()
        threading.Thread(target=self.loop, daemon=True).start()
        self.conn = libvirt.open(f'qemu:///embed?root={root}')
        self.conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                         self.on_lifecycle, None)

    def loop(self):
        while True:
            self.lv.virEventRunDefaultImpl()

    def on_lifecycle(self, conn, dom, event, detail, opaque):
        with self.cond:
            self.events.setdefault(dom.name(), []).append((event, detail))
            self.cond.notify_all()

    def wait_stopped(self, name, deadline):
        """The STOPPED event's detail, or None at the deadline."""
        with self.cond:
            while True:
                for ev, detail in self.events.get(name, []):
                    if ev == self.lv.VIR_DOMAIN_EVENT_STOPPED:
                        return detail
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)

    def binary(self, arch):
        return os.path.join(self.prefix, 'bin', f'qemu-system-{arch}')

    def log(self, name):
        return os.path.join(self.root, 'log', 'qemu', f'{name}.log')

    def close(self):
        self.destroy_all()
        self.conn.close()
        self.conn = None

    def destroy_all(self):
        if self.conn is None:
            return
        try:
            doms = self.conn.listAllDomains()
        except self.lv.libvirtError:
            return
        for dom in doms:
            try:
                dom.destroy()
            except self.lv.libvirtError:
                pass


class Guest:
    """One domain: its XML, its console (a unix socket with a log file) and its verdict."""

    def __init__(self, env, name, virt, arch, kernel, initrd, cmdline, cpu_xml='',
                 firmware='', qemu_args=(), baremetal=False):
        self.env, self.name, self.virt, self.arch = env, name, virt, arch
        self.console = os.path.join(env.root, f'{name}.console')
        self.sock = os.path.join(env.root, f'{name}.sock')
        self.baremetal = baremetal
        env.current = self          # its logs go with a failure
        machine = 'virt' if arch == 'aarch64' else 'pc'
        os_attr = f" firmware='{firmware}'" if firmware else ''
        # Debian's highest-priority aarch64 descriptor is edk2 with Secure Boot and
        # Microsoft's keys enrolled, which refuses a directly booted kernel
        fw_xml = ("<firmware><feature enabled='no' name='secure-boot'/></firmware>"
                  if firmware else '')
        initrd_xml = f'<initrd>{escape(initrd)}</initrd>' if initrd else ''
        args = ''.join(f'<qemu:arg value={quoteattr(a)}/>' for a in qemu_args)
        self.xml = f"""<domain type='{virt}' xmlns:qemu='{QEMU_NS}'>
  <name>{name}</name>
  <uuid>{uuid.uuid4()}</uuid>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os{os_attr}>
    <type arch='{arch}' machine='{machine}'>hvm</type>
    {fw_xml}
    <kernel>{escape(kernel)}</kernel>
    {initrd_xml}
    <cmdline>{escape(cmdline)}</cmdline>
  </os>
  <features><acpi/></features>
  {cpu_xml}
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>{escape(env.binary(arch))}</emulator>
    <serial type='unix'>
      <source mode='bind' path={quoteattr(self.sock)}/>
      <log file={quoteattr(self.console)} append='on'/>
      <target port='0'/>
    </serial>
    <controller type='usb' model='none'/>
    <memballoon model='none'/>
  </devices>
  {f'<qemu:commandline>{args}</qemu:commandline>' if args else ''}
</domain>"""
        self.dom = None

    def start(self):
        self.dom = self.env.conn.createXML(self.xml, 0)

    def lines(self):
        try:
            with open(self.console, errors='replace') as f:
                return f.read().splitlines()
        except FileNotFoundError:
            return []

    def wait_line(self, what, deadline):
        while time.monotonic() < deadline:
            if any(f'KVMPORT-{what}' in line for line in self.lines()):
                return True
            time.sleep(0.2)
        return False

    def verdict(self):
        """Problems with the console's KVMPORT lines (empty: every planned check passed)."""
        plan, checks, ended, problems = None, [], False, []
        for line in self.lines():
            m = PROTO.search(line)
            if not m:
                continue
            what, rest = m.group(1), m.group(2)
            if what == 'PLAN':
                plan = int(rest.split()[0])
            elif what == 'CHECK':
                parts = rest.split(None, 2)
                checks.append(parts)
                if len(parts) < 2 or parts[1] == 'FAIL':
                    problems.append(f'guest check failed: {rest}')
            elif what == 'END':
                ended = True
        if plan is None:
            problems.append('the guest printed no KVMPORT-PLAN')
        elif plan != len(checks):
            problems.append(f'KVMPORT-PLAN {plan} but {len(checks)} checks')
        if not ended:
            problems.append('the guest printed no KVMPORT-END')
        return problems, len(checks)

    def diag(self):
        return tail(self.env.log(self.name), 15) + tail(self.console, 15)

    def run_to_end(self, deadline):
        """Wait for the domain to stop by itself; the guest's verdict."""
        detail = self.env.wait_stopped(self.name, deadline)
        if detail is None:
            raise Failed(f'still running after {BOOT_TIMEOUT} s')
        problems, n = self.verdict()
        lv = self.env.lv
        # a Linux guest powers off; a bare-metal one exits through isa-debug-exit, which
        # QEMU 10.0 turns into a guest shutdown request with its exit code
        # (hw/misc/debugexit.c, debug_exit_write): both a SHUTDOWN event, so SHUTDOWN
        want = lv.VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN
        if detail != want:
            problems.append(f'stopped with event detail {detail}, expected {want}')
        if problems:
            raise Failed('; '.join(problems))
        return n


def domcaps(env, arch, virt, machine, expect):
    """virsh domcapabilities, as a user runs it (its own embedded root: one process
    per root)."""
    vroot = os.path.join(env.root, 'virsh')
    if not os.path.exists(vroot):
        os.makedirs(os.path.join(vroot, 'etc'))
        shutil.copy(os.path.join(env.root, 'etc', 'qemu.conf'), os.path.join(vroot, 'etc'))
    cmd = ['virsh', '-q', '-c', f'qemu:///embed?root={vroot}', 'domcapabilities',
           '--emulatorbin', env.binary(arch), '--arch', arch, '--machine', machine,
           '--virttype', virt]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        err = [line for line in p.stderr.splitlines() if line.startswith('error')]
        raise Failed(f'{" ".join(cmd[3:])}: exit {p.returncode}: {" | ".join(err)}')
    root = ET.fromstring(p.stdout)
    got = root.findtext('machine')
    if got != expect:
        raise Failed(f'machine {machine} is {got}, expected {expect}')
    return root


def check_domcaps_x86(env, virt):
    pc = domcaps(env, 'x86_64', virt, 'pc', 'pc-i440fx-10.0-kvmport1')
    domcaps(env, 'x86_64', virt, 'q35', 'pc-q35-10.0-kvmport1')
    domcaps(env, 'x86_64', virt, 'pc-q35-10.0', 'pc-q35-10.0')
    models = [m.text for m in pc.iterfind("cpu/mode[@name='custom']/model")]
    return f'pc -> pc-i440fx-10.0-kvmport1, q35 -> pc-q35-10.0-kvmport1, {len(models)} CPU models'


def check_domcaps_aarch64(env):
    root = domcaps(env, 'aarch64', 'qemu', 'virt', 'virt-10.0-kvmport1')
    models = list(root.iterfind("cpu/mode[@name='custom']/model"))
    if not models:
        raise Failed('no CPU models listed')
    bad = [f"{m.text}={m.get('usable')}" for m in models if m.get('usable') not in ('yes', 'no')]
    if bad:
        raise Failed(f'usable neither yes nor no: {", ".join(bad)}')
    names = [m.text for m in models]
    if 'kunpeng-920' not in names or 'max' not in names:
        raise Failed(f'kunpeng-920 or max missing from {names}')
    fw = [v.text for v in root.iterfind("os/enum[@name='firmware']/value")]
    if 'efi' not in fw:
        raise Failed(f'firmware values {fw}: no efi')
    loaders = [v.text for v in root.iterfind('os/loader/value')]
    return f'virt -> virt-10.0-kvmport1, {len(models)} CPU models usable yes/no, efi: {", ".join(loaders)}'


def linux_x86(env, name, virt, test, cpu_xml, cpu_type, qemu_args=()):
    """Debian's kernel running guest-tools' TEST with the AMD PPIN pair (the flag of
    `max`'s default vendor under TCG) and PPIN_VALUE set on CPU_TYPE."""
    gt = os.path.join(env.gt, 'linux', 'x86_64')
    return Guest(env, name, virt, 'x86_64', os.path.join(gt, 'vmlinuz'),
                 os.path.join(gt, 'initramfs.cpio.gz'),
                 f'console=ttyS0 quiet panic=-1 kvmport.test={test} '
                 f'kvmport.ppin=amd kvmport.value={PPIN_VALUE}', cpu_xml,
                 qemu_args=[*qemu_args, '-global', f'{cpu_type}.ppin-value={PPIN_VALUE}'])


def check_ppin_tcg(env):
    g = linux_x86(env, 'ppin-tcg', 'qemu', 'ppin', "<cpu mode='maximum'/>", 'max-x86_64-cpu')
    t0 = time.monotonic()
    g.start()
    n = g.run_to_end(t0 + BOOT_TIMEOUT)
    return f'{n} guest checks passed (PPIN {PPIN_VALUE} in sysfs and rdmsr), ' \
              f'shut off by itself after {time.monotonic() - t0:.1f} s'


# Under KVM the vCPU is the one guest-test.sh uses there and run-guest.py --probe-kvm
# boots: qemu64 with the AMD PPIN flag (served by the user-space MSR filter or the
# kernel's cap on any host vendor). check='none': libvirt's qemu64 lists svm, which an
# Intel host lacks.
KVM_CPU = ("<cpu mode='custom' match='exact' check='none'>"
           "<model fallback='forbid'>qemu64</model></cpu>")
KVM_CPU_ARGS = ['-global', 'qemu64-x86_64-cpu.amd-ppin=on']


def run_guest_tool(env, *args):
    """PREFIX's run-guest.py ARGS: (exit status, first output line)."""
    p = subprocess.run([os.path.join(env.gt, 'run-guest.py'), *args],
                       capture_output=True, text=True)
    out = (p.stdout.strip() or p.stderr.strip()).splitlines()
    return p.returncode, out[0] if out else ''


def check_ppin_kvm(env):
    if not os.path.exists('/dev/kvm'):
        raise Skip('no /dev/kvm on this host')
    rc, why_linux = run_guest_tool(env, '--probe-kvm', 'linux-x86_64')
    if rc == 0:
        g = linux_x86(env, 'ppin-kvm', 'kvm', 'ppin', KVM_CPU, 'qemu64-x86_64-cpu',
                      KVM_CPU_ARGS)
    else:
        rc, why_bare = run_guest_tool(env, '--probe-kvm', 'baremetal')
        if rc != 0:
            raise Skip('neither a Linux nor a bare-metal guest runs under this ' \
                f"host's KVM ({why_linux}; {why_bare})")
        # ppin.elf's CPUID checks need a KVM that shows QEMU's CPUID: probed as
        # guest-test.sh does (qemu64 has CPUID.7.0:EBX = 0)
        rc, _ = run_guest_tool(env, '--accel', 'kvm', '--rig', 'off', '--guest',
                               'baremetal:cpuid', '--cpu',
                               'qemu64', '--param', 'leaf=7', '--param', 'reg=b',
                               '--param', 'want=0')
        g = Guest(env, 'ppin-kvm', 'kvm', 'x86_64',
                  os.path.join(env.gt, 'baremetal', 'ppin.elf'), None,
                  f'ppin=amd value={PPIN_VALUE} cpuid={"check" if rc == 0 else "skip"}',
                  KVM_CPU,
                  qemu_args=KVM_CPU_ARGS +
                  ['-global', f'qemu64-x86_64-cpu.ppin-value={PPIN_VALUE}',
                   '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x4'],
                  baremetal=True)
    t0 = time.monotonic()
    g.start()
    n = g.run_to_end(t0 + BOOT_TIMEOUT)
    kind = 'bare-metal ppin.elf' if g.baremetal else 'Linux'
    return f'{kind}: {n} guest checks passed, stopped by itself after ' \
              f'{time.monotonic() - t0:.1f} s'


def check_aarch64_efi(env):
    gt = os.path.join(env.gt, 'linux', 'aarch64')
    g = Guest(env, 'virt-efi', 'qemu', 'aarch64', os.path.join(gt, 'vmlinuz'),
              os.path.join(gt, 'initramfs.cpio.gz'),
              'console=ttyAMA0 quiet panic=-1 kvmport.test=smoke kvmport.ncpus=1',
              firmware='efi')
    t0 = time.monotonic()
    g.start()
    live = ET.fromstring(g.dom.XMLDesc(0))
    loader = live.findtext('os/loader')
    machine = live.find('os/type').get('machine')
    # libvirt records the machine type's default CPU (query-machines default-cpu-type)
    cpu = live.findtext('cpu/model')
    n = g.run_to_end(t0 + BOOT_TIMEOUT)
    if machine != 'virt-10.0-kvmport1' or not loader or cpu != 'max':
        raise Failed(f'machine {machine}, loader {loader}, CPU model {cpu}: expected '
                     'virt-10.0-kvmport1, an edk2 image, max')
    return f'{machine}, CPU {cpu} (the type\'s default), loader {loader}: {n} guest ' \
              f'checks passed after {time.monotonic() - t0:.1f} s'


def check_bad_property(env):
    gt = os.path.join(env.gt, 'linux', 'x86_64')
    g = Guest(env, 'bad-property', 'qemu', 'x86_64', os.path.join(gt, 'vmlinuz'), None,
              'console=ttyS0', "<cpu mode='maximum'/>",
              qemu_args=['-global', 'max-x86_64-cpu.ppin-value=junk'])
    try:
        g.start()
    except env.lv.libvirtError as err:
        msg = str(err)
        if BAD_MSG not in msg:
            raise Failed(f'libvirt error without QEMU\'s message: {msg}')
        if env.conn.listAllDomains():
            raise Failed('a domain is still listed after the failed start')
        return f'refused: {msg.splitlines()[-1].strip()}'
    raise Failed('the domain started')


def check_save_restore(env):
    g = linux_x86(env, 'ppin-save', 'qemu', 'ppin-migrate', "<cpu mode='maximum'/>",
                  'max-x86_64-cpu')
    t0 = time.monotonic()
    deadline = t0 + BOOT_TIMEOUT
    g.start()
    if not g.wait_line('READY', deadline):
        raise Failed('the guest never printed KVMPORT-READY')
    image = os.path.join(env.root, 'ppin-save.sav')
    t1 = time.monotonic()
    g.dom.save(image)
    t2 = time.monotonic()
    detail = env.wait_stopped(g.name, deadline)
    if detail != env.lv.VIR_DOMAIN_EVENT_STOPPED_SAVED:
        raise Failed(f'after the save: stopped event detail {detail}, expected SAVED')
    with env.cond:
        env.events.pop(g.name, None)
    env.conn.restore(image)
    t3 = time.monotonic()
    g.dom = env.conn.lookupByName(g.name)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.connect(g.sock)
        # Read what QEMU sends (the log file has it too): the UART writes a byte per
        # send, and an unread unix socket is full after a few hundred of them, which
        # stalls the guest's console.
        threading.Thread(target=lambda: all(iter(lambda: s.recv(4096), b'')),
                         daemon=True).start()
        s.sendall(b'\n')
        n = g.run_to_end(deadline)
    return f'{n} guest checks passed; save {t2 - t1:.1f} s ' \
              f'({os.path.getsize(image) >> 20} MiB), restore {t3 - t2:.1f} s'


def check_no_qemu_left(env):
    """After the connection is closed, no process uses the private root any more."""
    deadline = time.monotonic() + 10
    while True:
        left = []
        for pid in filter(str.isdigit, os.listdir('/proc')):
            try:
                with open(f'/proc/{pid}/cmdline', 'rb') as f:
                    argv = f.read().split(b'\0')
            except OSError:
                continue
            if int(pid) not in (os.getpid(), os.getppid()) and \
                    any(env.root.encode() in a for a in argv):
                left.append(f'{pid} {argv[0].decode(errors="replace")}')
        if not left:
            return 'no process uses the private root after the connection is closed'
        if time.monotonic() > deadline:
            raise Failed(f'still running: {", ".join(left)}')
        time.sleep(0.2)


# What a system libvirt owns; the test must not create or change anything there.
SYSTEM_DIRS = ['/etc/libvirt', '/var/lib/libvirt', '/var/cache/libvirt', '/var/log/libvirt',
               '/run/libvirt', '/etc/qemu', '/usr/share/qemu/firmware']


def system_state(host_run=None):
    """Owner and mode of everything under SYSTEM_DIRS, by path; /run's entries read
    under HOST_RUN when the test runs with a private /run (libvirt-test.sh)."""
    state = {}
    for top in SYSTEM_DIRS:
        real = top
        if host_run and (top + '/').startswith('/run/'):
            real = host_run + top[len('/run'):]
        if not os.path.lexists(real):
            state[top] = 'absent'
        for d, dirs, files in os.walk(real):
            for n in [d] + [os.path.join(d, f) for f in files]:
                try:
                    st = os.lstat(n)
                    # not the times: a running system libvirt changes its own files
                    state[top + n[len(real):]] = (st.st_uid, st.st_gid, st.st_mode)
                except OSError:
                    state[top + n[len(real):]] = 'vanished'
    return state


def check_system_untouched(before, host_run):
    after = system_state(host_run)
    changed = sorted(n for n in before.keys() | after.keys() if before.get(n) != after.get(n))
    if changed:
        raise Failed(f'changed under {", ".join(SYSTEM_DIRS)}: {", ".join(changed[:10])}')
    return f'{len(after)} entries under {", ".join(SYSTEM_DIRS)} unchanged'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--prefix')
    ap.add_argument('--root')
    ap.add_argument('--host-run', help="the host's /run, when / is seen with a private "
                    'tmpfs on /run (libvirt-test.sh as root)')
    ap.add_argument('--list', action='store_true')
    o = ap.parse_args()
    if o.list:
        print('\n'.join(CHECKS))
        return 0
    if not o.prefix or not o.root:
        ap.error('--prefix and --root are required')
    import libvirt
    tap = Tap()
    before = system_state(o.host_run)
    try:
        env = Env(libvirt, os.path.abspath(o.prefix), os.path.abspath(o.root))
    except libvirt.libvirtError as err:
        for name in CHECKS:
            tap.result(name, False, f'cannot open the embedded driver: {err}')
        tap.plan()
        return 0

    def domcaps_kvm():
        if not os.path.exists('/dev/kvm'):
            raise Skip('no /dev/kvm on this host')
        return check_domcaps_x86(env, 'kvm')

    tests = [
        ('domcaps.x86_64.qemu', lambda: check_domcaps_x86(env, 'qemu')),
        ('domcaps.x86_64.kvm', domcaps_kvm),
        ('domcaps.aarch64.qemu', lambda: check_domcaps_aarch64(env)),
        ('x86_64.tcg.ppin', lambda: check_ppin_tcg(env)),
        ('x86_64.kvm.ppin', lambda: check_ppin_kvm(env)),
        ('aarch64.tcg.efi', lambda: check_aarch64_efi(env)),
        ('x86_64.bad-property', lambda: check_bad_property(env)),
        ('x86_64.tcg.save-restore', lambda: check_save_restore(env)),
        # after the connection is closed (below)
        ('cleanup.no-qemu-left', lambda: check_no_qemu_left(env)),
        ('cleanup.system-libvirt-untouched', lambda: check_system_untouched(before, o.host_run)),
    ]
    assert [t[0] for t in tests] == CHECKS

    def run(name, fn):
        env.current = None
        try:
            tap.result(name, True, fn())
        except Skip as why:
            tap.result(name, True, skip=str(why))
        except Exception as err:    # one check fails, the others still run
            msg = str(err) if isinstance(err, (Failed, libvirt.libvirtError)) else \
                f'{type(err).__name__}: {err}'
            tap.result(name, False, msg.replace('\n', ' | '),
                       diag=env.current.diag() if env.current else [])
        finally:
            env.destroy_all()

    try:
        for name, fn in tests[:-2]:
            run(name, fn)
    finally:
        env.close()
    for name, fn in tests[-2:]:
        run(name, fn)
    tap.plan()
    return 0


if __name__ == '__main__':
    sys.exit(main())
