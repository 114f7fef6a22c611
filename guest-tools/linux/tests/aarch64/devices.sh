# devices: the PCI and storage devices an arm64 guest sees on virt.
# Parameters (one check each, in the order given; one this test does not know is a FAIL):
#   cdrom=LABEL   /dev/sr0 is a CD (SCSI type 5, removable) holding an ISO 9660 file system
#                 whose volume label is LABEL
#   cdtext=TEXT   test.txt on /dev/sr0, mounted read-only, contains TEXT (one line)
#   rootports=N   N PCI-PCI bridges (class 0x0604xx; pcie-root-port is one)
#   nic=virtio    exactly one virtio-net PCI function (1af4:1000 or 1af4:1041), behind the
#                 last bridge in address order (the last root port)
# The modules for the CD (virtio_pci, virtio_scsi, sr_mod, isofs, ...) are loaded by /init.

# have_sr0: /dev/sr0 is there, waiting up to 10 s once (SCSI scanning is asynchronous, so
# sr0 may come after /init's insmod); otherwise $sr0_why says what the guest has instead
sr0=
have_sr0() {
    local i=0 d blocks vendor device virtio=
    if [ -z "$sr0" ]; then
        while [ ! -e /dev/sr0 ] && [ "$i" -lt 100 ]; do
            usleep 100000
            i=$((i + 1))
        done
        sr0=no
        [ -e /dev/sr0 ] && sr0=yes
        blocks=$(ls /sys/block | tr '\n' ' ' | sed 's/ $//')
        for d in /sys/bus/pci/devices/*; do
            read -r vendor <"$d/vendor"
            read -r device <"$d/device"
            [ "$vendor" = 0x1af4 ] && virtio="$virtio 1af4:${device#0x}"
        done
        sr0_why="no /dev/sr0 within 10 s (block devices: ${blocks:-none}; virtio PCI functions:${virtio:- none})"
    fi
    [ "$sr0" = yes ]
}

# iso_label DEV: the volume identifier of the primary volume descriptor (sector 16: type 1,
# "CD001" at byte 1, the label at byte 40, 32 bytes padded with spaces); busybox has no blkid
iso_label() {
    local pvd=/tmp/pvd magic
    dd if="$1" of="$pvd" bs=2048 skip=16 count=1 2>/dev/null
    magic=$(dd if="$pvd" bs=1 skip=1 count=5 2>/dev/null)
    if [ "$magic" = CD001 ]; then
        dd if="$pvd" bs=1 skip=40 count=32 2>/dev/null | sed 's/ *$//'
    else
        echo "no ISO 9660 primary volume descriptor (sector 16 starts '$magic')"
    fi
}

check_cdrom() {
    local label="$1" type removable
    if ! have_sr0; then
        fail cdrom "$sr0_why"
        return
    fi
    type=$(cat /sys/block/sr0/device/type 2>&1)
    removable=$(cat /sys/block/sr0/removable 2>&1)
    if [ "$type" != 5 ] || [ "$removable" != 1 ]; then
        fail cdrom "/dev/sr0 is not a CD: SCSI type '$type' (5 = CD/DVD), removable '$removable'"
        return
    fi
    check cdrom "$label" "$(iso_label /dev/sr0)" \
        "/dev/sr0: $(cat /sys/block/sr0/device/vendor /sys/block/sr0/device/model | tr -s ' \n' ' ')(type 5, removable), ISO 9660 label '$label'"
}

check_cdtext() {
    local text="$1" dir=/tmp/cdrom got
    if ! have_sr0; then
        fail cdtext "$sr0_why"
        return
    fi
    mkdir -p "$dir"
    run mount -t iso9660 -o ro /dev/sr0 "$dir"
    if [ "$rc" != 0 ]; then
        fail cdtext "mount -t iso9660 -o ro /dev/sr0: exit $rc, '$out'"
        return
    fi
    got=$(cat "$dir/test.txt" 2>&1)
    umount "$dir"
    check cdtext "$text" "$got" "test.txt on /dev/sr0 (iso9660, ro)"
}

# find_bridges: $bridges, the sysfs names of the PCI-PCI bridges in address order (the glob
# sorts them), and $last_bridge. With `read`, not `cat`: a fork per device costs seconds
# under TCG when there are 64 of them.
find_bridges() {
    local d class
    bridges= last_bridge=
    for d in /sys/bus/pci/devices/*; do
        read -r class <"$d/class"
        case "$class" in 0x0604??) bridges="$bridges ${d##*/}" last_bridge=${d##*/} ;; esac
    done
}

check_rootports() {
    local n
    find_bridges
    n=$(echo $bridges | wc -w)
    check rootports "$1" "$n" "$n PCI-PCI bridges; the last: ${last_bridge:-none}"
}

check_nic() {
    local d vendor device found= path parent
    if [ "$1" != virtio ]; then
        fail nic "nic='$1': only virtio is known"
        return
    fi
    for d in /sys/bus/pci/devices/*; do
        read -r vendor <"$d/vendor"
        read -r device <"$d/device"
        [ "$vendor" = 0x1af4 ] || continue
        case "$device" in 0x1000 | 0x1041) found="$found ${d##*/}" ;; esac
    done
    set -- $found
    if [ $# -ne 1 ]; then
        fail nic "expected one virtio-net function, found $#:${found:- none}"
        return
    fi
    path=$(readlink -f "/sys/bus/pci/devices/$1")
    parent=${path%/*}
    parent=${parent##*/}
    find_bridges
    if [ -n "$last_bridge" ] && [ "$parent" = "$last_bridge" ]; then
        pass nic "$path (behind the last bridge, $last_bridge)"
    else
        fail nic "$path: its parent is $parent, the last bridge is '${last_bridge:-none}'"
    fi
}

# the kvmport.KEY=VALUE words of the command line except kvmport.test, in order
params=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^kvmport\.\([^=]*=.*\)/\1/p' | grep -v '^test=')
plan "$(printf '%s\n' "$params" | grep -c .)"
for kv in $params; do
    case "${kv%%=*}" in
    cdrom) check_cdrom "${kv#*=}" ;;
    cdtext) check_cdtext "${kv#*=}" ;;
    rootports) check_rootports "${kv#*=}" ;;
    nic) check_nic "${kv#*=}" ;;
    *) fail "param.${kv%%=*}" "unknown parameter '$kv' (cdrom, cdtext, rootports, nic)" ;;
    esac
done
