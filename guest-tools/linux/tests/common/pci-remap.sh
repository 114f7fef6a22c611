# pci-remap: the guest's memory map changes again and again while the other vCPUs run.
# Parameters:
#   seconds   how long to keep remapping (required)
#   device    the PCI address (DDDD:BB:DD.F) of a device with a memory BAR that no driver
#             binds, e.g. QEMU's `-device pci-testdev,addr=05` (0000:00:05.0; required)
# CPU 0's shell removes the device and rescans the bus in a loop (shell builtins only, no
# fork): Linux sizes its BARs with decoding off and maps them again, so each round adds
# and removes memory regions several times (each a new FlatView and dispatch in QEMU and
# a TLB flush on every vCPU). Every further CPU reads 4 MiB of page cache over and over
# meanwhile, taking timer interrupts and refilling its TLB.
# This is the pattern of the use-after-free that upstream fixed in 10.0.4 ("system/physmem:
# fix use-after-free with dispatch"): a vCPU filling its TLB through a dispatch that RCU
# had freed. An ASan build of 10.0.2 reports it in most 30-s runs with -smp 2 (a build
# without ASan may read the freed memory unnoticed). 10.0.4's fix resolves a TLB entry in
# the current map instead, so MMIO writes go astray here: without patches/fixes most runs
# hang (the APIC EOI lost) or power off.
# Checks: rounds made, the device back after the last rescan, the readers' data intact.
need_count seconds "how long to remap" || return 0
dev=/sys/bus/pci/devices/${device:-}
if [ -z "${device:-}" ] || [ ! -e "$dev/config" ]; then
    plan 1
    fail param.device "device='${device:-}': no PCI device there (kvmport.device=DDDD:BB:DD.F)"
    return 0
fi
plan 4

now() { cut -d. -f1 /proc/uptime; }
# bars RESOURCES: "index:size:flags" of each assigned BAR in a sysfs resource file's text
bars() {
    echo "$1" | {
        i=0
        while read -r start end flags; do
            [ "$start" = 0x0000000000000000 ] ||
                printf '%d:0x%x:%s ' "$i" $((end - start + 1)) "$flags"
            i=$((i + 1))
        done
    }
}
resources=$(cat "$dev/resource")
head -c 4194304 /dev/urandom >/tmp/data
sum=$(sha256sum </tmp/data)
ncpus=$(grep -c ^processor /proc/cpuinfo)
end=$(($(now) + seconds))
readers=
i=1
while [ "$i" -lt "$ncpus" ]; do
    (
        bad=0
        while [ "$(now)" -lt "$end" ]; do
            [ "$(sha256sum </tmp/data)" = "$sum" ] || bad=$((bad + 1))
        done
        echo "$bad" >"/tmp/reader$i"
    ) &
    readers="$readers $!"
    i=$((i + 1))
done

n=0
while [ "$(now)" -lt "$end" ]; do
    echo 1 >"$dev/remove"
    echo 1 >/sys/bus/pci/rescan
    n=$((n + 1))
done
for pid in $readers; do wait "$pid"; done

if [ "$n" -gt 0 ]; then
    pass rounds "$n removes and rescans of $device in $seconds s, $ncpus CPUs"
else
    fail rounds "no round in $seconds s"
fi
# Linux may give the BARs other addresses on a rescan: compare their sizes and kinds.
want=$(bars "$resources")
check device "$want" "$(bars "$(cat "$dev/resource" 2>&1)")" \
    "$device's BARs (index:size:flags) as at the start: $want"
bad=$(cat /tmp/reader* 2>/dev/null | awk '{ s += $1 } END { print s + 0 }')
check readers 0 "$bad" "sha256 mismatches of /tmp/data, $((ncpus - 1)) readers"
check data "$sum" "$(sha256sum </tmp/data)" "sha256 of /tmp/data after"
