# migrate-hops: the guest's state survives HOPS live migrations (run-guest.py
# --migrate-peer, one hop each: to another QEMU process, possibly another binary).
# Parameters:
#   hops      the number of migrations the harness makes (required)
# Before each hop it writes a new random marker into a tmpfs file (page cache), a shell
# variable (user memory) and the kernel's hostname (kernel memory), and 8 MiB of new
# random data into tmpfs, prints KVMPORT-READY and waits for the line the harness sends
# once the destination runs; then every marker written so far must read back, the data
# must have the same SHA-256, and the clock must not have gone back.
need_count hops "the number of migrations" || return 0

plan $((hops * 5))
files=
for i in $(seq "$hops"); do
    marker="hop$i-$(cat /proc/sys/kernel/random/uuid)"
    echo "$marker" >"/tmp/marker$i"
    files="$files $marker"
    hostname "$marker"
    head -c 8388608 /dev/urandom >/tmp/data
    sum=$(sha256sum </tmp/data)
    before=$(cut -d' ' -f1 /proc/uptime)
    ready "hop $i of $hops: marker $marker, uptime $before s"
    if read -r -t 60 _ </dev/console; then
        pass "hop$i.console-input" "a line arrived on the console after hop $i"
    else
        fail "hop$i.console-input" "no line on the console within 60 s"
    fi
    check "hop$i.markers" "$files" "$(for j in $(seq "$i"); do printf ' %s' "$(cat "/tmp/marker$j")"; done)" \
        "/tmp/marker1..$i as the shell wrote them"
    check "hop$i.hostname" "$marker" "$(hostname)" "hostname $marker"
    check "hop$i.data" "$sum" "$(sha256sum </tmp/data)" "sha256 of /tmp/data (8 MiB) ${sum%% *}"
    after=$(cut -d' ' -f1 /proc/uptime)
    if awk -v a="$after" -v b="$before" 'BEGIN { exit !(a >= b) }'; then
        pass "hop$i.uptime" "$before s before, $after s after"
    else
        fail "hop$i.uptime" "went backwards: $before s before, $after s after"
    fi
done
