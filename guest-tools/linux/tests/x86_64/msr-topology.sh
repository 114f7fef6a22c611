# msr-topology: rdmsr/wrmsr (guest-tools/msr) and the msr driver against the vCPU topology.
# Parameters:
#   expect35  MSR_CORE_THREAD_COUNT (hex, 0x optional, compared as a number): cores per
#             package << 16 | threads per package, computed by the harness (required)
#   ncpus     the number of vCPUs (required)
# Run it on a vCPU without x2APIC (e.g. -cpu max,-x2apic): MSR 0x802 must then raise #GP.
need expect35 "MSR 0x35 as the vCPU topology gives it" || return 0
if [ -z "$(hex_num "$expect35")" ]; then
    plan 1
    fail param.expect35 "expect35='$expect35' is not a hex number (kvmport.expect35=0x...)"
    return 0
fi
need_count ncpus "the number of vCPUs" || return 0
plan 6
check cpus "$ncpus" "$(nproc)" "nproc"
check_hex_cmd msr35 "$expect35" rdmsr 0x35

run rdmsr -a apic_base
if [ "$rc" != 0 ]; then
    fail apic_base.count "rdmsr -a apic_base -> exit $rc, '$out'"
    fail apic_base.bsp "no values"
    fail apic_base.ap "no values"
else
    check apic_base.count "$ncpus" "$(printf '%s\n' "$out" | grep -c .)" "one line per CPU: $out"
    first=$(printf '%s\n' "$out" | sed -n 1p)
    if [ -n "$first" ] && [ $(( 0x$first & 0x100 )) -ne 0 ]; then
        pass apic_base.bsp "CPU 0: $first (BSP bit 8 set)"
    else
        fail apic_base.bsp "CPU 0: '$first', BSP bit 8 clear"
    fi
    bad=
    for v in $(printf '%s\n' "$out" | sed 1d); do
        [ $(( 0x$v & 0x100 )) -eq 0 ] || bad="$bad $v"
    done
    if [ -z "$bad" ] && [ "$(printf '%s\n' "$out" | grep -c .)" -gt 1 ]; then
        pass apic_base.ap "CPUs 1..: $(printf '%s\n' "$out" | sed 1d | tr '\n' ' ')(BSP bit clear)"
    elif [ -z "$bad" ]; then
        fail apic_base.ap "no application processors listed"
    else
        fail apic_base.ap "BSP bit set on an application processor:$bad"
    fi
fi

check_cmd msr802.gp 4 "rdmsr: CPU 0 cannot read MSR 0x00000802" rdmsr 0x802
