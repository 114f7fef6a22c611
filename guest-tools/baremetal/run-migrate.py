#!/usr/bin/env python3
"""Run migrate.elf through one save-to-file / restore cycle by hand.

  run-migrate.py [--qemu Q] [--elf E] [--append "ppin=none"] [--dir /tmp] -- QEMU ARGS...

Starts QEMU (source) with the guest, waits for KVMPORT-READY on the serial port, migrates
with QMP `migrate` to file:<dir>/bm-migrate.mig, quits the source, starts a new QEMU with
-incoming file:..., sends one byte on its serial port and prints the guest output until
KVMPORT-END.  Exits with the destination QEMU's exit status (1 = pass, 3 = fail).
Example:
  run-migrate.py -- -accel kvm -cpu qemu64 -L build/pc-bios/optionrom
"""
import argparse, json, os, socket, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..'))


def connect(path, timeout=10):
    end = time.time() + timeout
    while True:
        try:
            s = socket.socket(socket.AF_UNIX)
            s.connect(path)
            return s
        except OSError:
            if time.time() > end:
                raise
            time.sleep(0.05)


class QMP:
    def __init__(self, path):
        self.s = connect(path)
        self.f = self.s.makefile('rw')
        json.loads(self.f.readline())  # greeting
        self.cmd('qmp_capabilities')

    def cmd(self, name, **args):
        self.f.write(json.dumps({'execute': name, 'arguments': args}) + '\n')
        self.f.flush()
        while True:
            r = json.loads(self.f.readline())
            if 'return' in r:
                return r['return']
            if 'error' in r:
                raise RuntimeError('%s: %s' % (name, r['error']))


def read_until(sock, marker, timeout):
    buf = b''
    sock.settimeout(timeout)
    while marker not in buf or not buf.split(marker, 1)[1].count(b'\n'):
        chunk = sock.recv(4096)
        if not chunk:
            break
        buf += chunk
    return buf.decode(errors='replace')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--qemu', default=os.path.join(ROOT, 'build/qemu-system-x86_64'))
    ap.add_argument('--elf', default=os.path.join(ROOT, 'build/guest-tools/baremetal/migrate.elf'))
    ap.add_argument('--append', default='ppin=none')
    ap.add_argument('--dir', default='/tmp')
    ap.add_argument('qemu_args', nargs='*')
    a = ap.parse_args()

    tag = 'bm-migrate-%d' % os.getpid()
    mig = os.path.join(a.dir, tag + '.mig')

    def start(side, extra):
        qmp = os.path.join(a.dir, '%s-%s.qmp' % (tag, side))
        ser = os.path.join(a.dir, '%s-%s.ser' % (tag, side))
        cmd = [a.qemu, '-M', 'pc', '-smp', '2', '-nodefaults', '-display', 'none',
               '-no-reboot', '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x4',
               '-chardev', 'socket,id=ser,path=%s,server=on,wait=on' % ser,
               '-serial', 'chardev:ser',
               '-qmp', 'unix:%s,server=on,wait=off' % qmp,
               '-kernel', a.elf, '-append', a.append] + a.qemu_args + extra
        p = subprocess.Popen(cmd)
        return p, connect(ser), qmp

    t0 = time.time()
    src, ser, qmp_path = start('src', [])
    out = read_until(ser, b'KVMPORT-READY', 30)
    sys.stdout.write(out)
    if 'KVMPORT-READY' not in out:
        print('\nrun-migrate: no KVMPORT-READY from the source', file=sys.stderr)
        src.kill()
        return 2
    q = QMP(qmp_path)
    q.cmd('migrate', uri='file:' + mig)
    while True:
        st = q.cmd('query-migrate').get('status')
        if st in ('completed', 'failed', 'cancelled'):
            break
        time.sleep(0.05)
    print('\n# run-migrate: source migration %s, %d bytes' % (st, os.path.getsize(mig)))
    q.cmd('quit')
    src.wait()
    ser.close()
    if st != 'completed':
        return 2

    dst, ser, qmp_path = start('dst', ['-incoming', 'file:' + mig])
    q = QMP(qmp_path)
    while q.cmd('query-status')['status'] != 'running':
        time.sleep(0.05)
    ser.sendall(b'g')
    out = read_until(ser, b'KVMPORT-END', 30)
    sys.stdout.write(out)
    rc = dst.wait(timeout=30)
    print('\n# run-migrate: destination exit status %d, %.1f s in all' % (rc, time.time() - t0))
    for side in ('src', 'dst'):
        for ext in ('qmp', 'ser'):
            try:
                os.unlink(os.path.join(a.dir, '%s-%s.%s' % (tag, side, ext)))
            except OSError:
                pass
    os.unlink(mig)
    return rc


if __name__ == '__main__':
    sys.exit(main())
