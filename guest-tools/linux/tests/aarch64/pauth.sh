# pauth: pointer authentication as the arm64 guest's Linux sees it: the HWCAPs paca and
# pacg in the Features line of /proc/cpuinfo (CPU 0), and the algorithm the kernel found
# (its "CPU features: detected: Address authentication (...)" line in dmesg; the strings
# are the .desc of arm64_features[] in Linux's arch/arm64/kernel/cpufeature.c).
# Parameters:
#   algo      impdef, qarma5 or qarma3: the algorithm the kernel must report (required)
case ${algo:-} in
impdef) want='IMP DEF algorithm' ;;
qarma5) want='architected QARMA5 algorithm' ;;
qarma3) want='architected QARMA3 algorithm' ;;
*)
    plan 1
    fail param.algo "algo='${algo:-}': the algorithm the kernel must report (kvmport.algo=impdef, qarma5 or qarma3)"
    return 0
    ;;
esac
plan 3
features=$(sed -n 's/^Features[[:space:]]*: //p' /proc/cpuinfo | head -n1)
for hwcap in paca pacg; do
    case " $features " in
    *" $hwcap "*) pass "hwcap.$hwcap" "in Features" ;;
    *) fail "hwcap.$hwcap" "not in Features: $features" ;;
    esac
done
check algorithm "Address authentication ($want)" \
    "$(dmesg | grep -o 'Address authentication ([^)]*)' | head -n1)" "dmesg"
