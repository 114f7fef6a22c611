# migrate: the guest survives being saved to a file and restored in a new QEMU process
# (run-guest.py --migrate). It prints KVMPORT-READY, then waits for a line on the console,
# which the harness sends once the restored guest runs.
# Parameters: none
plan 3
marker="kvmport-migrate-$$-$(cat /proc/sys/kernel/random/boot_id)"
echo "$marker" >/tmp/marker
before=$(cut -d' ' -f1 /proc/uptime)
ready "uptime $before s"
if read -r -t 60 _ </dev/console; then
    pass console-input "a line arrived on the console after the restore"
else
    fail console-input "no line on the console within 60 s"
fi
check tmpfs "$marker" "$(cat /tmp/marker)" "/tmp/marker intact"
after=$(cut -d' ' -f1 /proc/uptime)
if awk -v a="$after" -v b="$before" 'BEGIN { exit !(a >= b) }'; then
    pass uptime "$before s before, $after s after"
else
    fail uptime "went backwards: $before s before, $after s after"
fi
