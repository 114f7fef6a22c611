# probe: the guest booted and runs user space (run-guest.py --probe-kvm linux-x86_64).
# Parameters: none
plan 1
pass booted "$(uname -r) on $(nproc) CPUs"
