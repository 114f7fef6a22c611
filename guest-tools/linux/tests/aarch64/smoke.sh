# smoke: the arm64 guest boots with every vCPU. Parameter: ncpus (the number of vCPUs).
plan 2
check arch aarch64 "$(uname -m)" "uname -m"
check cpus "$ncpus" "$(nproc)" "nproc"
