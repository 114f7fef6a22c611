# cpuinfo: the CPU model as the guest's Linux shows it in /proc/cpuinfo (CPU 0).
# Parameters:
#   implementer  CPU implementer, e.g. 0x48 (hex, compared as a number; required)
#   part         CPU part, e.g. 0xd01 (hex, compared as a number; required)
#   features     the Features line, its words joined with '+' (kernel parameters have no
#                spaces; required)
need implementer "the CPU implementer CPU 0 must show" || return 0
need part "the CPU part CPU 0 must show" || return 0
need features "the Features line CPU 0 must show" || return 0
plan 3
field() { sed -n "s/^$1[[:space:]]*: //p" /proc/cpuinfo | head -n1; }
check_hex implementer "$implementer" "$(field 'CPU implementer')" "CPU implementer"
check_hex part "$part" "$(field 'CPU part')" "CPU part"
check features "$features" "$(field Features | tr -s ' ' '+' | sed 's/+$//')" "Features"
