# rig: L1 of the nested-KVM rig (guest-tools/rig/README.md). Runs the one L2 QEMU
# command line the host passes in the fw_cfg file opt/kvmport/argv (shell words), with
# the /dev/kvm that the kvm-amd module makes of TCG's SVM. Output, one line each:
#   KVMPORT-RIG l1 <kernel>, <n> CPUs, <nested paging>, kvm modules: <stock|DIR>: kvm
#                               <in-tree|out-of-tree|not loaded>, kvm_amd <...>
#                               (what the kernel loaded: out-of-tree modules taint it O)
#   L2| <line>                  a line of L2's console (the L2 QEMU's stdout: -serial stdio)
#   L2E| <line>                 a line of the L2 QEMU's stderr
#   KVMPORT-RIG migrated <size> bytes, <s> s    (fw_cfg opt/kvmport/migrate, below)
#   KVMPORT-RIG exit <status>   the L2 QEMU's exit status (128+N: killed by signal N)
#   KVMPORT-RIG error <why>     L1 cannot run it
# With opt/kvmport/migrate, L1 migrates L2 as run-guest.py --migrate does on a host: when
# L2 prints KVMPORT-READY, HMP `migrate file:` (L2's monitor on a pipe), quit, a new L2
# QEMU with `-incoming file:`, and one byte to its console once it runs. Each wait lasts
# at most opt/kvmport/timeout seconds (the host's timeout for L2; default 60).
FW=/sys/firmware/qemu_fw_cfg/by_name/opt/kvmport
if [ ! -c /dev/kvm ]; then
    echo "KVMPORT-RIG error no /dev/kvm in L1: $(dmesg | grep -iE 'kvm|svm' | tail -n 3 | tr '\n' ' ')"
    return 0
fi
if [ ! -r "$FW/argv/raw" ]; then
    echo "KVMPORT-RIG error no fw_cfg file opt/kvmport/argv"
    return 0
fi
origin() {
    if [ ! -d "/sys/module/$1" ]; then echo "$1 not loaded"
    elif grep -q O "/sys/module/$1/taint"; then echo "$1 out-of-tree"
    else echo "$1 in-tree"; fi
}
echo "KVMPORT-RIG l1 $(uname -r), $(nproc) CPUs," \
    "$(dmesg | grep -o -m1 'Nested Paging enabled' || echo 'no nested paging')," \
    "kvm modules: ${modules:-stock}: $(origin kvm), $(origin kvm_amd)"
eval "set -- $(cat "$FW/argv/raw")"
prefix() {
    while IFS= read -r line || [ -n "$line" ]; do echo "$1$line"; done
}
if [ ! -r "$FW/migrate/raw" ]; then
    { "$@" 2>/tmp/l2.err </dev/null; echo $? >/tmp/l2.rc; } | prefix 'L2| '
    prefix 'L2E| ' </tmp/l2.err
    echo "KVMPORT-RIG exit $(cat /tmp/l2.rc)"
    return 0
fi

TIMEOUT=$(cat "$FW/timeout/raw" 2>/dev/null || echo 60)
case $TIMEOUT in '' | *[!0-9]*) TIMEOUT=60 ;; esac
# l2 N ARGS...: L2 QEMU number N in the background: console in from fd 4, out to
# /tmp/l2.con and our stdout; HMP on the pipes /tmp/monN.{in,out} (fd 5 holds .in open,
# so writing a command never blocks, even once that QEMU is gone), copied to /tmp/monN.log
l2() {
    n=$1
    shift
    mkfifo "/tmp/mon$n.in" "/tmp/mon$n.out"
    exec 5<>"/tmp/mon$n.in"
    rm -f /tmp/l2.rc
    : >"/tmp/mon$n.log"
    { "$@" -chardev pipe,id=rigmon,path="/tmp/mon$n" -mon rigmon 2>>/tmp/l2.err <&4
      echo $? >/tmp/l2.rc; } | tee -a /tmp/l2.con | prefix 'L2| ' &
    l2pid=$!
    cat "/tmp/mon$n.out" >>"/tmp/mon$n.log" &
}
hmp() { echo "$1" >&5; }
now() { cut -d' ' -f1 /proc/uptime; }
# poll CMD REGEX FILE: run CMD (HMP, if any) every 0.1 s until FILE matches REGEX (0);
# 1 when L2 ended or TIMEOUT passed
poll() {
    local i=$((TIMEOUT * 10))
    while [ $i -gt 0 ]; do
        [ -z "$1" ] || hmp "$1"
        sleep 0.1
        grep -qE "$2" "$3" 2>/dev/null && return 0
        [ -e /tmp/l2.rc ] && return 1
        i=$((i - 1))
    done
    return 1
}
# error WHY: report, and stop an L2 that still runs
error() {
    echo "KVMPORT-RIG error $1"
    [ -e /tmp/l2.rc ] || hmp quit
}
mkfifo /tmp/con
exec 4<>/tmp/con
: >/tmp/l2.con
l2 1 "$@"
if ! poll '' KVMPORT-READY /tmp/l2.con; then
    [ -e /tmp/l2.rc ] || error "L2 printed no KVMPORT-READY in $TIMEOUT s"
elif t0=$(now); hmp "migrate file:/tmp/l2.state"
        ! poll "info migrate" 'Migration status: (completed|failed|cancelled)' /tmp/mon1.log ||
        ! grep -q 'Migration status: completed' /tmp/mon1.log; then
    error "migration did not complete: $(grep -m1 -iE 'status|error' /tmp/mon1.log)"
else
    hmp quit
    wait $l2pid
    l2 2 "$@" -incoming file:/tmp/l2.state
    if poll "info status" 'VM status: running' /tmp/mon2.log; then
        echo "KVMPORT-RIG migrated $(wc -c </tmp/l2.state) bytes," \
            "$(awk "BEGIN { printf \"%.2f\", $(now) - $t0 }") s"
        echo >&4
    else
        error "the migrated L2 did not run: $(tail -n 2 /tmp/mon2.log | tr '\n' ' ')"
    fi
fi
wait $l2pid
prefix 'L2E| ' </tmp/l2.err
echo "KVMPORT-RIG exit $(cat /tmp/l2.rc 2>/dev/null || echo '?')"
