# cpuinfo: the CPU model as the guest's Linux shows it in /proc/cpuinfo (CPU 0).
# Parameters: implementer and part (as Linux prints them, e.g. 0x48 and 0xd01), features
# (the Features line, its words joined with '+': kernel parameters have no spaces).
plan 3
field() { sed -n "s/^$1[[:space:]]*: //p" /proc/cpuinfo | head -n1; }
check implementer "$implementer" "$(field 'CPU implementer')" "CPU implementer"
check part "$part" "$(field 'CPU part')" "CPU part"
check features "$features" "$(field Features | tr -s ' ' '+' | sed 's/+$//')" "Features"
