# probe: the guest booted and runs user space (run-guest.py --probe-kvm linux-x86_64).
plan 1
pass booted "$(uname -r) on $(nproc) CPUs"
