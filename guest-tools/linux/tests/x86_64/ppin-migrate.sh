# ppin-migrate: the PPIN the guest reads is the same after the guest was saved and
# restored in a new QEMU process (libvirt's save/restore, run-guest.py --migrate).
# Parameters:
#   ppin    intel | amd: the MSR pair Linux uses
#   value   the configured PPIN (0x..., compared as a number); required
# Reads PPIN and PPIN_CTL, prints KVMPORT-READY, waits for a line on the console (sent by
# the harness once the restored guest runs), then reads them again from the MSRs (sysfs
# is Linux's copy from boot, so the MSR read is what shows the restored state).
SYSFS=/sys/devices/system/cpu/cpu0/topology/ppin
case $ppin in
intel) reg=ppin ctl=ppin_ctl msr=0x0000004f ;;
amd) reg=amd_ppin ctl=amd_ppin_ctl msr=0xc00102f1 ;;
*)
    plan 1
    fail param.ppin "ppin='$ppin': intel or amd"
    return 0
    ;;
esac

need_hex value "the configured PPIN" || return 0
plan 6
check_hex sysfs.cpu0 "$value" "$(cat "$SYSFS" 2>&1)" "$SYSFS"
check_hex_cmd before.rdmsr.$reg "$value" rdmsr "$reg"
run rdmsr "$ctl"
ctl_before="exit $rc, '$out'"
ready "$reg ${value#0x}, $ctl $out"
if read -r -t 120 _ </dev/console; then
    pass console-input "a line arrived on the console after the restore"
else
    fail console-input "no line on the console within 120 s"
fi
check_hex_cmd after.rdmsr.$reg "$value" rdmsr "$reg"
run rdmsr "$ctl"
check after.rdmsr.$ctl "$ctl_before" "exit $rc, '$out'" "rdmsr $ctl"
# still read-only after the restore
check_cmd after.wrmsr.$reg.gp 4 "wrmsr: CPU 0 cannot set MSR $msr to 0x0000000000000001" wrmsr "$reg" 1
