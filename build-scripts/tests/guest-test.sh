#!/bin/bash
# End-to-end tests: the test guests of guest-tools/ booted on the patched QEMU (TAP).
#
# Usage: build-scripts/tests/guest-test.sh
#
# Every case is one guest-tools/run-guest.py run; each check the guest reports is one TAP
# line here, and a run that goes wrong (QEMU does not start, timeout, missing guest image)
# is one `not ok` with the reason and the last console lines. A KVM case runs on this
# host's KVM when `run-guest.py --probe-kvm KIND` finds that this kind of guest really runs
# there; where the host has no usable /dev/kvm, or its KVM runs bare-metal guests but not
# Linux, it runs in L2 under KVM inside an L1 guest that runs under TCG (the nested-KVM
# rig, guest-tools/rig: run-guest.py --rig on; its checks say "[L2, nested-KVM rig]"); a
# host KVM that runs no guest at all gives skips with the probe's reason.
#
#   linux-x86_64  msr-topology, TCG and KVM, -smp 4,cores=2,threads=2, vCPU without x2APIC:
#                 rdmsr 0x35 (expect35 computed here from -smp as QEMU does), rdmsr -a
#                 apic_base (one line per CPU in order, BSP bit on CPU 0 only), rdmsr 0x802
#                 fails with exit 4 (x2APIC register while not in x2APIC mode: #GP)
#   linux-x86_64  pci-remap, TCG, -smp 2: 30 s of removing and rescanning a pci-testdev on
#                 CPU 0 while CPU 1 reads page cache; the guest must finish and power off
#                 (10.0.13 without patches/fixes loses MMIO writes then: hangs, power-offs)
#   linux-aarch64 smoke, TCG, -smp 2: nproc and uname -m; migrate, TCG: saved to a file
#                 and restored in a new QEMU, the guest's console, tmpfs and clock go on
#   baremetal     msr.elf, TCG and KVM, -smp 4,cores=2,threads=2: MSR 0x35 and expected #GPs
#                 (0x802 under both; 0x1234, an MSR nobody implements, under KVM only:
#                 TCG reads unknown MSRs as 0); the PPIN MSRs of a vCPU without PPIN, TCG:
#                 #GP on the stack's machine types, read as 0 on upstream's (q35-10.0,
#                 i440fx-9.2), as upstream QEMU does
#   baremetal     migrate.elf, TCG, saved to a file and restored in a new QEMU (ppin=none)
#   PPIN (patches/x86):
#   linux-x86_64  ppin, TCG and KVM: Intel vCPU on 2 sockets (default values from -uuid,
#                 sysfs and rdmsr, enable bit set by Linux, read-only, sockets differ); AMD
#                 vCPU with ppin-value through 0xc00102f1; without PPIN: no sysfs, #GP
#   baremetal     ppin.elf, TCG and KVM (under KVM through the user-space MSR filter): the
#                 semantic matrix (Intel SDM PPIN_CTL: a write of 3 #GPs, enable 2, lock 1,
#                 #GP cases) for intel, amd, both (each pair its own PPIN_CTL) and off; INIT
#                 keeps PPIN_CTL (both pairs, -smp 2, INIT-SIPI to the AP); CPUID checks
#                 skipped under a KVM that shows the guest the host's CPUID (probed with
#                 cpuid.elf)
#   baremetal     migrate.elf, TCG: ppin=amd enabled before, enabled and then lockable
#                 after; ppin=both: Intel locked and AMD enabled before, each kept after
#   linux-x86_64  ppin-migrate, TCG: Linux reads the same PPIN and PPIN_CTL (enabled by
#                 Linux) from the MSRs after a save to a file and a restore
#   aarch64 virt defaults (patches/arm), TCG:
#   linux-aarch64 default-cpu: smoke on `-M virt` with no -cpu (virt's default CPU must run
#                 an arm64 kernel; upstream's cortex-a15 is refused by QEMU);
#                 default-cpu-pauth: on it Linux has HWCAPs paca and pacg and reports
#                 QEMU's IMPLEMENTATION DEFINED algorithm (the cheapest under TCG);
#                 pauth-qarma5, pauth-qarma3: with -cpu max,pauth-qarma5=on (qarma3=on)
#                 Linux reports QARMA5 (QARMA3); cdrom:
#                 `-cdrom` of an ISO made here (xorriso, label KVMPORT, test.txt) is a SCSI
#                 CD in the guest (/dev/sr0, removable, label and file read from it);
#                 pcie-root-ports-64: 64 pcie-root-ports (8 functions per slot from slot 2)
#                 and a virtio-net-pci behind the last one, booted through edk2 (-bios and
#                 -kernel): the guest sees the 64 bridges and the NIC behind rp63
#                 cpuinfo-kunpeng-920: -cpu kunpeng-920 shows Linux implementer 0x48, part
#                 0xd01 and the hardware's Features line
#   firmware      edk2-banner: `-M virt` with neither -bios nor -kernel starts edk2 (found
#                 through the firmware descriptors) and its banner shows on the serial
#                 console; edk2-cdrom: the same with the ISO as `-cdrom`: edk2's boot
#                 manager lists it as a SCSI CD-ROM boot option ("UEFI QEMU QEMU CD-ROM")
#
# Needs the build (`make`) and the guests (`build-scripts/build.sh guest-tools`).
# Console logs and run-guest.py output per case: build/check/guest/.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tap.sh"
want_help "${1:-}"

RUN="$ROOT/guest-tools/run-guest.py"
LOGDIR="$BUILD_DIR/check/guest"
rm -rf "$LOGDIR"
mkdir -p "$LOGDIR"

TOPO="4,cores=2,threads=2"
# x86 vCPU without x2APIC, so that MSR 0x802 raises #GP. (Under TCG a Linux guest stays in
# xAPIC mode even with x2apic offered: it has neither interrupt remapping nor KVM's hint.
# qemu64 rather than max: `-cpu max`/`host` does not start under every host's KVM.)
X86_CPU="qemu64,-x2apic"

# expect35 SMP: MSR_CORE_THREAD_COUNT for -smp SMP, as QEMU computes it
# (cpu_x86_get_msr_core_thread_count): cores per package << 16 | threads per package,
# with the topology completed as machine_parse_smp_config does for x86 (cores preferred).
expect35() {
    local cpus=0 maxcpus=0 sockets=0 dies=1 modules=1 cores=0 threads=0 kv k v rest
    IFS=, read -ra kv <<<"$1"
    for rest in "${kv[@]}"; do
        case $rest in
        *=*) k=${rest%%=*} v=${rest#*=} ;;
        *) k=cpus v=$rest ;;
        esac
        case $k in
        cpus|maxcpus|sockets|dies|modules|cores|threads) printf -v "$k" '%d' "$v" ;;
        clusters|books|drawers) ;;
        *) die "expect35: unknown -smp key '$k'" ;;
        esac
    done
    [ "$maxcpus" -gt 0 ] || maxcpus=$cpus
    if [ "$maxcpus" -eq 0 ]; then
        sockets=$((sockets ? sockets : 1)) cores=$((cores ? cores : 1)) threads=$((threads ? threads : 1))
    elif [ "$cores" -eq 0 ]; then
        sockets=$((sockets ? sockets : 1)) threads=$((threads ? threads : 1))
        cores=$((maxcpus / (sockets * dies * modules * threads)))
    elif [ "$sockets" -eq 0 ]; then
        threads=$((threads ? threads : 1))
        sockets=$((maxcpus / (cores * dies * modules * threads)))
    elif [ "$threads" -eq 0 ]; then
        threads=$((maxcpus / (sockets * dies * modules * cores)))
    fi
    local cores_pkg=$((dies * modules * cores))
    printf '%x\n' $(( (cores_pkg << 16) | (cores_pkg * threads) ))
}

# crash_report NAME COREDIR: after a run in which QEMU died by a signal (a failure: the
# run's own `not ok` line says which signal), the crashing thread's backtrace from the
# core file the kernel left, as comments; the core file is kept in COREDIR
crash_report() {
    local name=$1 dir=$2 core exe=$BUILD_DIR/qemu-system-x86_64
    case $name in linux-aarch64*|firmware*) exe=$BUILD_DIR/qemu-system-aarch64 ;; esac
    core=$(find "$dir" -maxdepth 1 -name 'core*' -type f | head -n 1)
    if [ -z "$core" ]; then
        echo "# $name: QEMU crashed; no core file (core_pattern: $(cat /proc/sys/kernel/core_pattern 2>/dev/null))"
    elif command -v gdb >/dev/null; then
        echo "# $name: QEMU crashed; core file $core, backtrace:"
        gdb -batch -ex bt "$exe" "$core" 2>/dev/null | grep -E '^#[0-9]' | awk '!seen[$0]++' |
            head -n 25 | sed 's/^/#   /'
    else
        echo "# $name: QEMU crashed; core file $core (no gdb here for a backtrace)"
    fi
}

# guest NAME RUN-GUEST-ARGS...: one case, run once. A QEMU that dies by a signal fails
# the case (run-guest.py's `not ok`), with the backtrace from its core file.
guest() {
    local name=$1 rc=0 t0 out coredir
    shift
    out="$LOGDIR/${name//\//_}"
    coredir="$out.cores"
    step "guest: $name"
    t0=$(date +%s%N)
    rm -rf "$coredir"
    mkdir -p "$coredir"
    (ulimit -c unlimited 2>/dev/null || true
     cd "$coredir" &&
     exec "$RUN" --name "$name" --console-log "$out.console" "$@") \
        >"$out.tap" 2>"$out.err" || rc=$?
    relay "$out.tap"
    if grep -q '^not ok .*QEMU was killed by signal' "$out.tap"; then
        crash_report "$name" "$coredir"
    else
        rm -rf "$coredir"
    fi
    run_verdict "$name" "$out" "$rc" "$t0"
}

# probe KIND: cache the KVM probe of KIND guests in probe_<kind> ("" = runs under KVM)
declare -A probe
kvm_probe() {
    local kind=$1 msg rc=0 t0
    [ -z "${probe[$kind]+set}" ] || return 0
    step "guest: KVM probe for $kind guests"
    t0=$(date +%s%N)
    msg=$("$RUN" --probe-kvm "$kind" 2>&1) || rc=$?
    echo "# KVM probe $kind: ${msg:-exit $rc} ($(( ($(date +%s%N) - t0) / 1000000 )) ms)"
    if [ $rc -eq 0 ]; then probe[$kind]=""; else probe[$kind]=${msg:-probe exited $rc}; fi
}

# rig_for KIND: RIG = how KIND guests run under KVM: off on this host's KVM (they run
# there); on, in L2 through the nested-KVM rig (guest-tools/rig), for what this host
# cannot do: no usable /dev/kvm, or Linux on a KVM that runs bare-metal guests; skip
# when the host's KVM runs no guest at all (that is for the host or this build to fix,
# not for the rig to hide)
rig_for() {
    kvm_probe "$1"
    RIG=off
    [ -n "${probe[$1]}" ] || return 0
    case ${probe[$1]} in
    '/dev/kvm missing'* | 'cannot open /dev/kvm'*) RIG=on; return 0 ;;
    esac
    RIG=skip
    if [ "$1" = linux-x86_64 ]; then
        kvm_probe baremetal
        [ -n "${probe[baremetal]}" ] || RIG=on
    fi
}

# kvm_guest KIND NAME RUN-GUEST-ARGS...: a KVM case, on this host or through the rig
kvm_guest() {
    local kind=$1 name=$2
    shift 2
    rig_for "$kind"
    case $RIG in
    skip) skip "$name" "$kind guests do not run under KVM here: ${probe[$kind]//$'\n'/; }" ;;
    on)
        echo "# $name: $kind guests do not run under this host's KVM" \
             "(${probe[$kind]//$'\n'/; }): in L2 through the nested-KVM rig"
        guest "$name" --accel kvm --rig on "$@" ;;
    *) guest "$name" --accel kvm --rig off "$@" ;;
    esac
}

E35=$(expect35 "$TOPO")
echo "# -smp $TOPO: MSR 0x35 = 0x$E35"

# Linux x86_64: rdmsr/wrmsr and the msr driver against the vCPU topology
linux_msr=(--guest linux-x86_64:msr-topology --cpu "$X86_CPU" --smp "$TOPO"
           --param "expect35=$E35" --param ncpus=4 --timeout 90)
guest linux-x86_64/tcg/msr-topology --accel tcg "${linux_msr[@]}"
kvm_guest linux-x86_64 linux-x86_64/kvm/msr-topology "${linux_msr[@]}"

# Linux x86_64: PCI remapping on one vCPU while the other runs (MTTCG): no MMIO write
# may reach another device (patches/fixes; without it most runs hang or power off)
guest linux-x86_64/tcg/pci-remap --accel tcg --guest linux-x86_64:pci-remap --cpu qemu64 \
    --smp 2 --param seconds=30 --param device=0000:00:05.0 --timeout 150 \
    -- -device pci-testdev,addr=05

# Linux aarch64: the arm64 kernel on virt -cpu max; a Linux guest saved and restored
guest linux-aarch64/tcg/smoke --accel tcg --guest linux-aarch64:smoke --smp 2 --param ncpus=2
guest linux-aarch64/tcg/migrate --accel tcg --guest linux-aarch64:migrate --migrate

# aarch64 virt defaults (patches/arm). virt's default CPU boots the arm64 kernel (virt-10.0's
# cortex-a15 is 32-bit: this build refuses the Image for it, upstream QEMU hangs silently)
guest linux-aarch64/tcg/default-cpu --accel tcg --guest linux-aarch64:smoke --cpu none \
    --param ncpus=1
guest linux-aarch64/tcg/default-cpu-pauth --accel tcg --guest linux-aarch64:pauth --cpu none \
    --param algo=impdef
guest linux-aarch64/tcg/pauth-qarma5 --accel tcg --guest linux-aarch64:pauth \
    --cpu max,pauth-qarma5=on --param algo=qarma5
guest linux-aarch64/tcg/pauth-qarma3 --accel tcg --guest linux-aarch64:pauth \
    --cpu max,pauth-qarma3=on --param algo=qarma3

# make_iso FILE LABEL TEXT: an ISO 9660 image with volume label LABEL and test.txt = TEXT
make_iso() {
    local dir="$1.d"
    rm -rf "$dir" && mkdir -p "$dir"
    printf '%s\n' "$3" >"$dir/test.txt"
    xorriso -as mkisofs -quiet -V "$2" -o "$1" "$dir"
}
ISO="$LOGDIR/kvmport.iso" CDTEXT=kvmport-cdrom-ok
# edk2's boot option for a CD on virtio-scsi: "UEFI " + the SCSI vendor and product; the
# ISO has no EFI boot image, so it fails to load ("... CD-ROM " from .../Scsi(0x0,0x0):
# Not Found); a virtio-blk disk would be "UEFI Misc Device" without a Scsi() node
EDK2_CD='BdsDxe: (failed to load|loading) Boot[0-9A-F]{4} "UEFI QEMU QEMU CD-ROM\s*" from \S*/Scsi\('
if make_iso "$ISO" KVMPORT "$CDTEXT" >"$LOGDIR/iso.log" 2>&1; then
    # -cdrom on virt is a virtio-scsi CD (the patch; upstream makes it a read-only
    # virtio-blk disk). The same guest without the patch: -- -device virtio-scsi-pci
    # -drive if=none,id=cd,media=cdrom,file=$ISO,readonly=on -device scsi-cd,drive=cd
    guest linux-aarch64/tcg/cdrom --accel tcg --guest linux-aarch64:devices \
        --param cdrom=KVMPORT --param "cdtext=$CDTEXT" -- -cdrom "$ISO"
    # edk2 found without -bios (the firmware auto-load patch) boots, and its boot manager
    # lists the -cdrom ISO as a CD on SCSI. (Measured with Debian's edk2 2022.11: without
    # a bootindex its scan lists a scsi-cd only at scsi-id 0, lun 0, not at 1 or 2 or at
    # lun 2; with bootindex=1 also at scsi-id 2. So -cdrom takes the first free SCSI
    # unit on virt-10.0-kvmport1, target 0 here, not IDE's index 2.)
    guest firmware/tcg/edk2-cdrom --accel tcg --guest firmware --timeout 30 \
        --param 'expect=UEFI firmware \(version' --param "expect=$EDK2_CD" -- -cdrom "$ISO"
else
    not_ok "aarch64: no ISO image for the CD-ROM cases (xorriso: build-scripts/deps.sh)" \
        "$(tail -n 5 "$LOGDIR/iso.log")"
fi

# 64 pcie-root-ports rp0..rp63, packed as libvirt does: multifunction, 8 functions per slot
# from slot 2 (slot 1 is where virt puts its default NIC; run-guest.py passes -nodefaults)
RP64=()
for i in $(seq 0 63); do
    fn=$((i % 8)) mf=
    [ $fn -ne 0 ] || mf=,multifunction=on
    RP64+=(-device "pcie-root-port,id=rp$i,bus=pcie.0,chassis=$((i + 1)),addr=$((2 + i / 8)).$fn$mf")
done
# booted through edk2 (-bios; it assigns the bridges' windows, then starts -kernel from
# fw_cfg); the NIC behind the last port, with a peer so that QEMU does not warn
guest linux-aarch64/tcg/pcie-root-ports-64 --accel tcg --guest linux-aarch64:devices \
    --param rootports=64 --param nic=virtio -- \
    -bios /usr/share/qemu-efi-aarch64/QEMU_EFI.fd "${RP64[@]}" -nic none \
    -netdev user,id=net0 -device virtio-net-pci,netdev=net0,bus=rp63

# kunpeng-920 (TCG model): the guest's Linux sees the Kunpeng 920 it will run on under KVM,
# with the hwcaps /proc/cpuinfo shows on the hardware
KP920_HWCAPS=fp+asimd+evtstrm+aes+pmull+sha1+sha2+crc32+atomics+fphp+asimdhp+cpuid
KP920_HWCAPS+=+asimdrdm+jscvt+fcma+dcpop+asimddp+asimdfhm
guest linux-aarch64/tcg/cpuinfo-kunpeng-920 --accel tcg --guest linux-aarch64:cpuinfo \
    --cpu kunpeng-920 --param implementer=0x48 --param part=0xd01 \
    --param "features=$KP920_HWCAPS"

# edk2 without -bios or -kernel: virt loads it through the firmware descriptors (the
# firmware auto-load patch; upstream starts in empty flash and prints nothing)
guest firmware/tcg/edk2-banner --accel tcg --guest firmware --timeout 20 \
    --param 'expect=UEFI firmware \(version'

# Bare metal: MSR 0x35 and which MSRs fault, per accelerator
bm_msr=(--guest baremetal:msr --smp "$TOPO" --param "expect35=0x$E35" --param "nogp=0x1b,0x10")
guest baremetal/tcg/msr --accel tcg "${bm_msr[@]}" --param gp=0x802
# Machine types: the PPIN MSRs of a vCPU without PPIN #GP under TCG on the stack's types
# (pc is pc-i440fx-10.0-kvmport1); upstream's types read them as 0, as upstream does
PPIN_MSRS=0x4e,0x4f,0xc00102f0,0xc00102f1
guest baremetal/tcg/msr-ppin-absent --accel tcg --machine pc --cpu qemu64 \
    --guest baremetal:msr --smp 2 --param expect35=0x20002 --param gp=$PPIN_MSRS
guest baremetal/tcg/msr-ppin-absent-q35-10.0 --accel tcg --machine pc-q35-10.0 --cpu qemu64 \
    --guest baremetal:msr --smp 2 --param expect35=0x20002 --param nogp=$PPIN_MSRS
guest baremetal/tcg/msr-ppin-absent-i440fx-9.2 --accel tcg --machine pc-i440fx-9.2 \
    --cpu qemu64 --guest baremetal:msr --smp 2 --param expect35=0x20002 --param nogp=$PPIN_MSRS
kvm_guest baremetal baremetal/kvm/msr "${bm_msr[@]}" --param gp=0x802,0x1234

# Bare metal: state across a migration through a file into a new QEMU process
guest baremetal/tcg/migrate --accel tcg --guest baremetal:migrate --migrate --param ppin=none

# PPIN (patches/x86). The default ppin-value as documented: the first 8 bytes (little
# endian) of SHA-256(UUID bytes || socket as le32); Linux prints it as 0x%llx.
UUID=6a1d4b8e-2f37-4c0a-9d51-3e8f7b2c6d10
default_ppin() {
    python3 -c 'import hashlib, struct, sys, uuid
d = hashlib.sha256(uuid.UUID(sys.argv[1]).bytes + struct.pack("<I", int(sys.argv[2]))).digest()
print(hex(struct.unpack("<Q", d[:8])[0] or 1))' "$1" "$2"
}
P0=$(default_ppin $UUID 0) P1=$(default_ppin $UUID 1) PV=0x1122334455667788
echo "# PPIN defaults for -uuid $UUID: socket 0 $P0, socket 1 $P1"

# ppin_cases ACCEL INTEL-CPU AMD-CPU OFF-CPU [RUN-GUEST-ARGS...]: the PPIN guests of one
# accelerator (under KVM, qemu64-based models: -cpu max does not start under every KVM);
# ACCEL kvm-cap: KVM in L2 of the rig on patches/linux's modules (KCAP, below), where the
# kernel alone serves PPIN. RUN-GUEST-ARGS go to the bare-metal cases.
ppin_cases() {
    local label=$1 intel=$2 amd=$3 off=$4 acc=$1 lrun=guest brun=guest
    local -a lx=()
    shift 4
    case $label in
    kvm) lrun="kvm_guest linux-x86_64" brun="kvm_guest baremetal" ;;
    kvm-cap) acc=kvm lx=("${KCAP[@]}"); set -- "$@" "${KCAP[@]}" ;;
    esac
    $lrun linux-x86_64/$label/ppin-intel --accel "$acc" --guest linux-x86_64:ppin --cpu "$intel" \
        --smp 4,sockets=2,cores=2 --param ppin=intel --param "value=$P0" --param "cpu2=$P1" \
        --timeout 90 "${lx[@]}" -- -uuid $UUID
    $lrun linux-x86_64/$label/ppin-amd --accel "$acc" --guest linux-x86_64:ppin \
        --cpu "$amd,ppin-value=$PV" --param ppin=amd --param "value=$PV" --timeout 90 "${lx[@]}"
    $lrun linux-x86_64/$label/ppin-off --accel "$acc" --guest linux-x86_64:ppin --cpu "$off" \
        --param ppin=off --timeout 90 "${lx[@]}"
    $brun baremetal/$label/ppin-intel --accel "$acc" --guest baremetal:ppin \
        --cpu "$intel,ppin-value=$PV" --param ppin=intel --param "value=$PV" "$@"
    $brun baremetal/$label/ppin-amd --accel "$acc" --guest baremetal:ppin \
        --cpu "$amd,ppin-value=$PV" --param ppin=amd --param "value=$PV" "$@"
    $brun baremetal/$label/ppin-off --accel "$acc" --guest baremetal:ppin --cpu "$off" \
        --param ppin=off "$@"
    $brun baremetal/$label/ppin-both --accel "$acc" --guest baremetal:ppin \
        --cpu "$intel,amd-ppin=on,ppin-value=$PV" --param ppin=both --param "value=$PV" "$@"
    $brun baremetal/$label/ppin-init --accel "$acc" --guest baremetal:ppin --smp 2 \
        --cpu "$intel,amd-ppin=on,ppin-value=$PV" --param ppin=both --param "value=$PV" \
        --param init=check "$@"
}
ppin_cases tcg max,vendor=GenuineIntel max max,amd-ppin=off

# Does this host's KVM show the guest QEMU's CPUID? (-cpu qemu64 has CPUID.7.0:EBX = 0)
kvm_cpuid=()
rig_for baremetal
if [ "$RIG" != skip ] &&
        ! "$RUN" --accel kvm --rig "$RIG" --guest baremetal:cpuid --cpu qemu64 --param leaf=7 \
            --param reg=b --param want=0 >"$LOGDIR/kvm-cpuid-probe.tap" 2>&1; then
    kvm_cpuid=(--param cpuid=skip)
    if grep -q '^not ok .*: run ' "$LOGDIR/kvm-cpuid-probe.tap"; then
        # the probe itself went wrong: a failure, not a finding about this KVM
        not_ok "KVM probe cpuid: the probe guest did not run" \
            "$(grep -A 15 '^not ok' "$LOGDIR/kvm-cpuid-probe.tap")"
    else
        echo "# KVM probe cpuid: this KVM does not show the guest QEMU's CPUID:" \
             "$(grep -m1 '^not ok' "$LOGDIR/kvm-cpuid-probe.tap")"
    fi
fi
ppin_cases kvm qemu64,vendor=GenuineIntel,ppin=on qemu64,amd-ppin=on qemu64 "${kvm_cpuid[@]}"

# PPIN state across a migration: enabled before, still enabled after (then it locks);
# with both pairs Intel locked and AMD enabled before, each as it was after
# migrate_cases ACCEL CPU-PREFIX [RUN-GUEST-ARGS...]
migrate_cases() {
    local label=$1 cpu=$2 acc=$1 brun=guest lrun=guest
    shift 2
    case $label in
    kvm) brun="kvm_guest baremetal" lrun="kvm_guest linux-x86_64" ;;
    # user-space MSRs stay on: migrate.elf's MSR 0x35 is QEMU's; cap-ppin=on keeps the
    # PPIN MSRs the kernel's (kvm-caps-test ppin-kernel-real: none of them in the filter)
    kvm-cap) acc=kvm; set -- "$@" --rig-kvm ppin --accel-opt cap-ppin=on ;;
    esac
    $brun baremetal/$label/migrate-ppin --accel "$acc" --guest baremetal:migrate --migrate \
        --cpu "$cpu,amd-ppin=on,ppin-value=$PV" --param ppin=amd --param "value=$PV" "$@"
    $brun baremetal/$label/migrate-ppin-both --accel "$acc" --guest baremetal:migrate \
        --migrate --cpu "$cpu,vendor=GenuineIntel,ppin=on,amd-ppin=on,ppin-value=$PV" \
        --param ppin=both --param "value=$PV" "$@"
    $lrun linux-x86_64/$label/ppin-migrate --accel "$acc" --guest linux-x86_64:ppin-migrate \
        --migrate --cpu "$cpu,amd-ppin=on,ppin-value=$PV" --param ppin=amd \
        --param "value=$PV" --timeout 90 "$@"
}
migrate_cases tcg max
migrate_cases kvm qemu64

# The kernel half (patches/linux, KVM_CAP_PPIN), on every host (no host runs these
# modules): L2 under KVM in the nested-KVM rig with L1 on patches/linux's kvm.ko and
# kvm-amd.ko (run-guest.py --rig-kvm ppin). cap-ppin=on and cap-user-space-msr=off: QEMU
# installs no MSR filter at all, so only the kernel can serve PPIN, and the guests see
# what they see above through the filter (stock modules) and under TCG.
KCAP=(--rig-kvm ppin --accel-opt cap-ppin=on --accel-opt cap-user-space-msr=off)
ppin_cases kvm-cap qemu64,vendor=GenuineIntel,ppin=on qemu64,amd-ppin=on qemu64
migrate_cases kvm-cap qemu64

# Cycles per L2 rdmsr of PPIN (bench.elf: 31 rounds of 5,000 reads of each MSR, the MSRs
# back to back in each round; the ratio is the median of the rounds' own ratios, which a
# host that slows down for a while does not move: the fastest round of each MSR did, by
# up to 15% in the rig), checked against the goals: through KVM_CAP_PPIN within 1.1x of
# an MSR KVM serves in the kernel (0x1b); through the user-space filter (Debian's
# modules) within 1.1x of upstream's own user-space MSR (0x35). The cycles are comments
# in the log (docs/measurements.md).
# bench_case NAME BASE RUN RUN-GUEST-ARGS...
bench_case() {
    local name=$1 base=$2 run=$3 tap x100
    shift 3
    tap="$LOGDIR/${name//\//_}.tap"
    rm -f "$tap"
    ppin_bench_args "$base"
    $run "$name" "${PPIN_BENCH[@]}" --timeout 120 "$@"
    [ -f "$tap" ] || return 0       # kvm_guest reported the skip
    x100=$(sed -n "s/^# KVMPORT-BENCH .*: ratio msr=0xc00102f1 base=$base x100=\([0-9]*\) .*$/\1/p" "$tap")
    if [ -z "$x100" ]; then
        not_ok "$name: PPIN rdmsr within 1.1x of MSR $base" "bench.elf reported no ratio"
    elif [ "$x100" -le 110 ]; then
        ok "$name: PPIN rdmsr within 1.1x of MSR $base (x$((x100 / 100)).$(printf %02d $((x100 % 100))))"
    else
        not_ok "$name: PPIN rdmsr within 1.1x of MSR $base" "x100=$x100 $(grep 'KVMPORT-BENCH' "$tap")"
    fi
}
bench_case baremetal/kvm-cap/bench-ppin 0x1b guest --rig-kvm ppin --accel-opt cap-ppin=on
bench_case baremetal/kvm/bench-ppin 0x35 "kvm_guest baremetal"

tap_done
