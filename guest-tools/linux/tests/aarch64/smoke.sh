# smoke: the arm64 guest boots with every vCPU.
# Parameters:
#   ncpus     the number of vCPUs (required)
need_count ncpus "the number of vCPUs" || return 0
plan 2
check arch aarch64 "$(uname -m)" "uname -m"
check cpus "$ncpus" "$(nproc)" "nproc"
