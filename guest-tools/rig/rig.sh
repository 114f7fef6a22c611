# rig: L1 of the nested-KVM rig (guest-tools/rig/README.md). Runs the one L2 QEMU
# command line the host passes in the fw_cfg file opt/kvmport/argv (shell words), with
# the /dev/kvm that Debian's kvm-amd module makes of TCG's SVM. Output, one line each:
#   KVMPORT-RIG l1 <kernel>, <n> CPUs, <nested paging>
#   L2| <line>                  a line of L2's console (the L2 QEMU's stdout: -serial stdio)
#   L2E| <line>                 a line of the L2 QEMU's stderr
#   KVMPORT-RIG exit <status>   the L2 QEMU's exit status (128+N: killed by signal N)
#   KVMPORT-RIG error <why>     L1 cannot run it
ARGV=/sys/firmware/qemu_fw_cfg/by_name/opt/kvmport/argv/raw
if [ ! -c /dev/kvm ]; then
    echo "KVMPORT-RIG error no /dev/kvm in L1: $(dmesg | grep -iE 'kvm|svm' | tail -n 3 | tr '\n' ' ')"
    return 0
fi
if [ ! -r "$ARGV" ]; then
    echo "KVMPORT-RIG error no fw_cfg file opt/kvmport/argv"
    return 0
fi
echo "KVMPORT-RIG l1 $(uname -r), $(nproc) CPUs," \
    "$(dmesg | grep -o -m1 'Nested Paging enabled' || echo 'no nested paging')"
eval "set -- $(cat "$ARGV")"
prefix() {
    while IFS= read -r line || [ -n "$line" ]; do echo "$1$line"; done
}
{ "$@" 2>/tmp/l2.err </dev/null; echo $? >/tmp/l2.rc; } | prefix 'L2| '
prefix 'L2E| ' </tmp/l2.err
echo "KVMPORT-RIG exit $(cat /tmp/l2.rc)"
