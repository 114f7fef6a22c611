# ppin: a guest-visible PPIN as Linux and rdmsr see it (patches/x86).
# Parameters:
#   ppin    intel | amd | off: the PPIN the vCPU has (the MSR pair Linux uses)
#   value   PPIN of CPU 0 (0x..., compared as a number); required unless ppin=off
#   cpu2    optional: PPIN of CPU 2 (the second socket with -smp 4,sockets=2), must differ
# With PPIN Linux enables it at boot (PPIN_CTL bit 1) and shows it in sysfs; without it
# the sysfs file is absent and the PPIN MSRs raise #GP (rdmsr exits 4).
SYSFS=/sys/devices/system/cpu/cpu0/topology/ppin
case $ppin in
intel) reg=ppin ctl=ppin_ctl msr=0x0000004f ;;
amd) reg=amd_ppin ctl=amd_ppin_ctl msr=0xc00102f1 ;;
off)
    plan 3
    check_true sysfs.absent "$SYSFS absent" test ! -e "$SYSFS"
    check_cmd msr4f.gp 4 "rdmsr: CPU 0 cannot read MSR 0x0000004f" rdmsr 0x4f
    check_cmd msrc00102f1.gp 4 "rdmsr: CPU 0 cannot read MSR 0xc00102f1" rdmsr 0xc00102f1
    return 0
    ;;
*)
    plan 1
    fail param.ppin "ppin='$ppin': intel, amd or off"
    return 0
    ;;
esac

need_hex value "the PPIN CPU 0 must show" || return 0
if [ -n "${cpu2:-}" ]; then
    need_hex cpu2 "the PPIN CPU 2 must show" || return 0
    plan 6
else
    plan 4
fi
check_hex sysfs.cpu0 "$value" "$(cat "$SYSFS" 2>&1)" "$SYSFS"
check_hex_cmd rdmsr.$reg "$value" rdmsr "$reg"
run rdmsr "$ctl"
if [ "$rc" = 0 ] && [ $(( 0x$out & 2 )) -ne 0 ]; then
    pass rdmsr.$ctl.enabled "rdmsr $ctl -> $out (bit 1, enable, set by Linux)"
else
    fail rdmsr.$ctl.enabled "rdmsr $ctl -> exit $rc, '$out': enable bit clear"
fi
# PPIN is read-only: wrmsr fails like the #GP it raises
check_cmd wrmsr.$reg.gp 4 "wrmsr: CPU 0 cannot set MSR $msr to 0x0000000000000001" wrmsr "$reg" 1
if [ -n "${cpu2:-}" ]; then
    check_hex sysfs.cpu2 "$cpu2" "$(cat /sys/devices/system/cpu/cpu2/topology/ppin 2>&1)" \
        "second socket"
    if [ "$(hex_num "$cpu2")" != "$(hex_num "$value")" ]; then
        pass sockets.differ "cpu0 $value, cpu2 $cpu2"
    else
        fail sockets.differ "both sockets report $value"
    fi
fi
