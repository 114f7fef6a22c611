/*
 * QTest: the table of optional KVM capabilities (patches/kvm/)
 *
 * query-kvm-caps must agree with KVM_CHECK_EXTENSION probes this test makes
 * itself on /dev/kvm; cap-NAME=on|off|auto must act as documented, and off
 * must show its effect (no KVM_ENABLE_CAP, the feature falls back); unknown
 * names and values must be rejected with the exact message.  A vendor
 * capability the host kernel lacks (KVM_CAP_PPIN) is provided by an
 * LD_PRELOAD shim (kvm-cap-shim.c) on top of the real /dev/kvm, which also
 * records the KVM_ENABLE_CAP calls and MSR filter QEMU sets up.  Without a
 * usable /dev/kvm every KVM test is still registered and reported skipped.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include <sys/ioctl.h>
#include <linux/kvm.h>
#include "libqtest.h"
#include "stack-qtest.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"

#define VENDOR_CAP_PPIN 250

static char *shim_path;
static bool have_kvm;

/* The PPIN MSRs the pretended kernel with KVM_CAP_PPIN serves */
static const char ppin_msrs[] = "0x4e,0x4f,0xc00102f0,0xc00102f1";

/*
 * A test of the KVM path: true if it can run here; otherwise it is marked
 * skipped with the reason, and still counts (as a skip) in the totals.
 */
static bool need_kvm(bool x86_only)
{
    if (!have_kvm) {
        g_test_skip("the kvm accelerator is not usable here (no usable "
                    "/dev/kvm for this target)");
        return false;
    }
    if (x86_only && !g_str_equal(qtest_get_arch(), "x86_64")) {
        g_test_skip("an x86 capability");
        return false;
    }
    return true;
}

/* KVM_CHECK_EXTENSION of CAP on a new VM (0 if none can be created) */
static int vm_check_extension(unsigned int cap)
{
    int sys_fd, vm_fd, ret = 0;

    sys_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    g_assert_cmpint(sys_fd, >=, 0);
    vm_fd = ioctl(sys_fd, KVM_CREATE_VM, 0);
    if (vm_fd >= 0) {
        ret = ioctl(vm_fd, KVM_CHECK_EXTENSION, cap);
        close(vm_fd);
    }
    close(sys_fd);
    return ret;
}

/*
 * need_kvm(), and the kernel has KVM_CAP_X86_USER_SPACE_MSR (the MSR filter
 * QEMU serves PPIN through without KVM_CAP_PPIN); else skips with the reason.
 */
static bool need_user_space_msr(void)
{
    if (!need_kvm(true)) {
        return false;
    }
    if (vm_check_extension(KVM_CAP_X86_USER_SPACE_MSR) <= 0) {
        g_test_skip("the kernel lacks KVM_CAP_X86_USER_SPACE_MSR");
        return false;
    }
    return true;
}

/*
 * QEMU (-M none) with ENV and ACCEL (one -accel option) fails with exactly
 * the error WANT, reported at that option ("-accel ...: WANT"); with ONLY,
 * nothing else (a cap-NAME=on that cannot be met exits with its one
 * message; other kvm_init() failures get vl.c's "failed to initialize").
 */
static void assert_startup_error(const char *const *env, const char *accel,
                                 const char *want, bool only)
{
    g_autofree char *all = g_strdup_printf("-M none %s", accel);
    g_autofree char *at = g_strdup_printf("%s: %s", accel, want);

    g_assert_true(g_str_has_prefix(accel, "-accel "));
    stack_assert_startup_error(env, all, at, only);
}

/*
 * assert_startup_error() with the shim offering KVM_CAP_PPIN and hiding a
 * real kernel's PPIN MSRs, and the further shim settings EXTRA (name,
 * value, ..., NULL)
 */
static void assert_shim_startup_error(const char *const *extra,
                                      const char *accel, const char *want,
                                      bool only)
{
    const char *const base[] = {
        "LD_PRELOAD", shim_path, "KVMPORT_SHIM_CAP",
        G_STRINGIFY(VENDOR_CAP_PPIN), "KVMPORT_SHIM_HIDE_MSRS", ppin_msrs,
    };
    g_autoptr(GPtrArray) env = g_ptr_array_new();
    int i;

    for (i = 0; i < ARRAY_SIZE(base); i++) {
        g_ptr_array_add(env, (gpointer)base[i]);
    }
    for (; *extra; extra++) {
        g_ptr_array_add(env, (gpointer)*extra);
    }
    g_ptr_array_add(env, NULL);
    assert_startup_error((const char *const *)env->pdata, accel, want, only);
}

static QList *query_caps(QTestState *qts)
{
    QDict *resp = qtest_qmp(qts, "{ 'execute': 'x-query-kvm-caps' }");
    QList *list;

    g_assert(qdict_haskey(resp, "return"));
    list = qdict_get_qlist(resp, "return");
    qobject_ref(list);
    qobject_unref(resp);
    return list;
}

static QDict *find_cap(QList *caps, const char *name)
{
    const QListEntry *e;

    QLIST_FOREACH_ENTRY(caps, e) {
        QDict *c = qobject_to(QDict, qlist_entry_obj(e));

        if (g_str_equal(qdict_get_str(c, "name"), name)) {
            return c;
        }
    }
    return NULL;
}

static void assert_kvm_in_use(QTestState *qts)
{
    QDict *resp = qtest_qmp(qts, "{ 'execute': 'query-kvm' }");

    g_assert_true(qdict_get_bool(qdict_get_qdict(resp, "return"), "enabled"));
    qobject_unref(resp);
}

/* The same probe QEMU makes: KVM_CHECK_EXTENSION on /dev/kvm or the VM. */
static int probe(int sys_fd, int vm_fd, unsigned int cap, const char *level)
{
    int ret;

    if (g_str_equal(level, "vm") &&
        ioctl(sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_CHECK_EXTENSION_VM) > 0) {
        ret = ioctl(vm_fd, KVM_CHECK_EXTENSION, cap);
        return ret < 0 ? 0 : ret;
    }
    return ioctl(sys_fd, KVM_CHECK_EXTENSION, cap);
}

static void test_matches_kernel(void)
{
    QTestState *qts;
    QList *caps;
    const QListEntry *e;
    int sys_fd, vm_fd;

    if (!need_kvm(false)) {
        return;
    }
    qts = qtest_init("-accel kvm");
    caps = query_caps(qts);
    assert_kvm_in_use(qts);
    sys_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    g_assert_cmpint(sys_fd, >=, 0);
    vm_fd = ioctl(sys_fd, KVM_CREATE_VM, 0);
    g_assert_cmpint(vm_fd, >=, 0);

    g_assert_nonnull(find_cap(caps, "coalesced-mmio"));
    g_assert_nonnull(find_cap(caps, "readonly-mem"));
    if (g_str_equal(qtest_get_arch(), "x86_64")) {
        g_assert_nonnull(find_cap(caps, "user-space-msr"));
        g_assert_nonnull(find_cap(caps, "exception-payload"));
        g_assert_nonnull(find_cap(caps, "ppin"));
    }
    QLIST_FOREACH_ENTRY(caps, e) {
        QDict *c = qobject_to(QDict, qlist_entry_obj(e));
        const char *name = qdict_get_str(c, "name");
        int number = qdict_get_int(c, "number");
        int supported = qdict_get_int(c, "supported");
        int kernel = probe(sys_fd, vm_fd, number, qdict_get_str(c, "probe"));
        bool enabled = qdict_get_bool(c, "enabled");
        const char *reason = qdict_get_try_str(c, "reason");

        g_test_message("%s (%d): QEMU says %d, the kernel says %d, "
                       "reason: %s", name, number, supported, kernel,
                       reason ?: "-");
        g_assert_cmpint(supported, ==, kernel);
        g_assert_cmpstr(qdict_get_str(c, "policy"), ==, "auto");
        /* a reason exactly when not enabled */
        g_assert_cmpint(!reason, ==, enabled);
        if (kernel <= 0) {
            g_autofree char *want = g_strdup_printf(
                "the kernel does not support KVM capability %d "
                "(KVM_CHECK_EXTENSION returned %d)", number, kernel);

            g_assert_false(enabled);
            g_assert_cmpstr(reason, ==, want);
        } else if (g_str_equal(name, "coalesced-pio")) {
            /* also needs coalesced-mmio, which this kernel has */
            g_assert_true(enabled);
        } else if (g_str_equal(name, "ppin") && !enabled) {
            /* a kernel whose 250 is some other capability */
            g_assert_nonnull(strstr(reason, "is not confirmed as cap-ppin"));
        } else {
            g_assert_true(enabled);
        }
    }
    close(vm_fd);
    close(sys_fd);
    qobject_unref(caps);
    qtest_quit(qts);
}

static void test_on_unsupported(void)
{
    QTestState *qts;
    QList *caps;
    const QListEntry *e;
    const char *name = NULL;
    int number = 0;

    if (!need_kvm(false)) {
        return;
    }
    qts = qtest_init("-accel kvm");
    caps = query_caps(qts);
    QLIST_FOREACH_ENTRY(caps, e) {
        QDict *c = qobject_to(QDict, qlist_entry_obj(e));

        if (qdict_get_int(c, "supported") == 0) {
            name = qdict_get_str(c, "name");
            number = qdict_get_int(c, "number");
            break;
        }
    }
    if (!name && g_str_equal(qtest_get_arch(), "x86_64")) {
        /* a kernel with every cap (patches/linux): the shim hides one */
        static const char *const extra[] = {
            "KVMPORT_SHIM_VALUE", "0", NULL,
        };

        assert_shim_startup_error(extra, "-accel kvm,cap-ppin=on",
                                  "kvm: cap-ppin=on, but the kernel does not "
                                  "support KVM capability 250 "
                                  "(KVM_CHECK_EXTENSION returned 0)", true);
    } else if (!name) {
        g_test_skip("this kernel supports every capability in the table");
    } else {
        g_autofree char *args = g_strdup_printf("-accel kvm,cap-%s=on", name);
        g_autofree char *want = g_strdup_printf(
            "kvm: cap-%s=on, but the kernel does not support KVM capability "
            "%d (KVM_CHECK_EXTENSION returned 0)", name, number);

        assert_startup_error(NULL, args, want, true);
    }
    qobject_unref(caps);
    qtest_quit(qts);
}

static void test_off(void)
{
    QTestState *qts;
    QList *caps;
    QDict *c;

    if (!need_kvm(false)) {
        return;
    }
    qts = qtest_init("-accel kvm,cap-readonly-mem=off");
    caps = query_caps(qts);
    assert_kvm_in_use(qts);
    c = find_cap(caps, "readonly-mem");
    g_assert_nonnull(c);
    g_assert_cmpstr(qdict_get_str(c, "policy"), ==, "off");
    g_assert_false(qdict_get_bool(c, "enabled"));
    g_assert_cmpstr(qdict_get_try_str(c, "reason"), ==,
                    "disabled by the user (cap-readonly-mem=off)");
    c = find_cap(caps, "coalesced-mmio");
    g_assert_cmpstr(qdict_get_str(c, "policy"), ==, "auto");
    qobject_unref(caps);
    qtest_quit(qts);
}

/* coalesced-pio needs coalesced-mmio: never reported enabled without it */
static void test_needs(void)
{
    QTestState *qts;
    QList *caps;
    QDict *c;

    if (!need_kvm(false)) {
        return;
    }
    qts = qtest_init("-accel kvm,cap-coalesced-mmio=off");
    caps = query_caps(qts);
    c = find_cap(caps, "coalesced-pio");
    g_assert_false(qdict_get_bool(c, "enabled"));
    if (qdict_get_int(c, "supported") > 0) {
        g_assert_cmpstr(qdict_get_try_str(c, "reason"), ==,
                        "it needs cap-coalesced-mmio, which is not enabled");
    }
    qobject_unref(caps);
    qtest_quit(qts);

    assert_startup_error(NULL, "-accel kvm,cap-coalesced-mmio=off,"
                         "cap-coalesced-pio=on",
                         "kvm: cap-coalesced-pio=on, but it needs "
                         "cap-coalesced-mmio, which is not enabled", true);
}

static void test_unknown_name(void)
{
    g_autofree char *err = NULL;
    int status = stack_run_qemu(NULL, "-M none -accel kvm,cap-no-such-cap=on",
                                &err);
    g_auto(GStrv) names = NULL;
    char *hint;
    int i;

    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 1);
    g_assert_nonnull(strstr(err, "Property 'kvm-accel.cap-no-such-cap' "
                                 "not found"));
    hint = strstr(err, "Valid properties: ");
    g_assert_nonnull(hint);
    g_assert_nonnull(strstr(hint, "cap-coalesced-mmio"));
    g_assert_nonnull(strstr(hint, "cap-readonly-mem"));
    /* one line, sorted */
    hint += strlen("Valid properties: ");
    *strchrnul(hint, '\n') = 0;
    names = g_strsplit(hint, ", ", -1);
    for (i = 1; names[i]; i++) {
        g_assert_cmpstr(names[i - 1], <, names[i]);
    }
}

static void test_unknown_value(void)
{
    stack_assert_startup_error(NULL, "-M none -accel kvm,cap-readonly-mem=maybe",
                               "-accel kvm,cap-readonly-mem=maybe: Invalid "
                               "value 'maybe' for cap-readonly-mem: use on, "
                               "off or auto", true);
}

/* Under TCG: a QMP error and an HMP error, in their own words */
static void test_not_kvm(void)
{
    QTestState *qts = qtest_init("-M none -accel tcg");
    QDict *resp = qtest_qmp(qts, "{ 'execute': 'x-query-kvm-caps' }");
    g_autofree char *hmp = NULL;

    g_assert(qdict_haskey(resp, "error"));
    g_assert_cmpstr(qdict_get_str(qdict_get_qdict(resp, "error"), "desc"),
                    ==, "the kvm accelerator is not in use");
    qobject_unref(resp);
    hmp = qtest_hmp(qts, "info kvm-caps");
    g_assert_cmpstr(hmp, ==, "Error: the kvm accelerator is not in use\r\n");
    qtest_quit(qts);
}

/* -accel kvm,help: every cap with its description and policy, then exit */
static void test_help(void)
{
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autofree char *cmd = g_strdup_printf("%s -accel kvm,help",
                                           g_getenv("QTEST_QEMU_BINARY"));
    g_auto(GStrv) argv = NULL;
    int status = -1;

    g_assert(g_shell_parse_argv(cmd, NULL, &argv, NULL));
    g_assert(g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                          &out, &err, &status, NULL));
    g_test_message("%s -> status %d, stdout:\n%s", cmd, status, out);
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);
    g_assert_true(g_str_has_prefix(out, "kvm-accel options:\n"));
    g_assert_nonnull(strstr(out, "\n  cap-readonly-mem=<OnOffAuto> - Map ROM "
                            "and ROM devices read-only into the guest (KVM "
                            "capability 81; on, off or auto, default "
                            "auto)\n"));
    g_assert_nonnull(strstr(out, "\n  cap-coalesced-mmio=<OnOffAuto> - "));
}

static char *shim_log_path(void)
{
    char *path;
    int fd = g_file_open_tmp("qtest-kvm-caps-shim-XXXXXX", &path, NULL);

    g_assert(fd >= 0);
    close(fd);
    return path;
}

/*
 * Start QEMU with ARGS and the shim logging to LOG; with CAP (a number)
 * the shim offers that capability, with MSRS (a list) it serves those MSRs
 * and lists them in KVM_GET_MSR_INDEX_LIST.
 */
/*
 * QEMU with the shim: logging only, or (CAP) pretending the kernel's answer
 * for that capability.  The shim then also hides the real kernel's PPIN
 * MSRs (a kernel with KVM_CAP_PPIN, patches/linux, lists them): the
 * pretended kernel lists exactly MSRS.
 */
static QTestState *shim_start(const char *args, const char *log,
                              const char *cap, const char *msrs)
{
    QTestState *qts;

    g_assert_true(g_file_test(shim_path, G_FILE_TEST_EXISTS));
    g_setenv("LD_PRELOAD", shim_path, TRUE);
    g_setenv("KVMPORT_SHIM_LOG", log, TRUE);
    if (cap) {
        g_setenv("KVMPORT_SHIM_CAP", cap, TRUE);
        g_setenv("KVMPORT_SHIM_HIDE_MSRS", ppin_msrs, TRUE);
    }
    if (msrs) {
        g_setenv("KVMPORT_SHIM_MSRS", msrs, TRUE);
    }
    qts = qtest_init(args);
    g_unsetenv("LD_PRELOAD");
    g_unsetenv("KVMPORT_SHIM_LOG");
    g_unsetenv("KVMPORT_SHIM_CAP");
    g_unsetenv("KVMPORT_SHIM_MSRS");
    g_unsetenv("KVMPORT_SHIM_HIDE_MSRS");
    assert_kvm_in_use(qts);
    return qts;
}

/* shim_start() as on a kernel without KVM_CAP_PPIN, whatever this one has */
static QTestState *shim_start_without_ppin(const char *args, const char *log)
{
    QTestState *qts;

    g_setenv("KVMPORT_SHIM_VALUE", "0", TRUE);
    qts = shim_start(args, log, G_STRINGIFY(VENDOR_CAP_PPIN), NULL);
    g_unsetenv("KVMPORT_SHIM_VALUE");
    return qts;
}

/*
 * shim_start() with the shim offering KVM_CAP_PPIN (and, with MSRS, the
 * MSRs that confirm it).  Returns QEMU; *CAPS is its query-kvm-caps
 * answer and *PPIN the entry for "ppin" in it.
 */
static QTestState *shim_qtest_init(const char *args, const char *log,
                                   const char *msrs, QList **caps,
                                   QDict **ppin)
{
    QTestState *qts = shim_start(args, log, G_STRINGIFY(VENDOR_CAP_PPIN),
                                 msrs);

    *caps = query_caps(qts);
    *ppin = find_cap(*caps, "ppin");
    g_assert_nonnull(*ppin);
    g_assert_cmpint(qdict_get_int(*ppin, "number"), ==, VENDOR_CAP_PPIN);
    g_assert_cmpint(qdict_get_int(*ppin, "supported"), ==, 1);
    return qts;
}

static char *shim_calls(const char *log)
{
    char *calls = NULL;

    g_assert(g_file_get_contents(log, &calls, NULL, NULL));
    g_test_message("shim log:\n%s", calls);
    return calls;
}

/* How many times NEEDLE occurs in HAYSTACK */
static int count(const char *haystack, const char *needle)
{
    int n = 0;

    for (; (haystack = strstr(haystack, needle)); haystack++) {
        n++;
    }
    return n;
}

/*
 * Intel's and AMD's PPIN MSR pairs are in the MSR filter (QEMU serves
 * them), each exactly as said
 */
static void assert_ppin_filtered(const char *calls, bool intel, bool amd)
{
    g_assert_cmpint(!!strstr(calls, "filter msr=0x4e\n"), ==, intel);
    g_assert_cmpint(!!strstr(calls, "filter msr=0x4f\n"), ==, intel);
    g_assert_cmpint(!!strstr(calls, "filter msr=0xc00102f0\n"), ==, amd);
    g_assert_cmpint(!!strstr(calls, "filter msr=0xc00102f1\n"), ==, amd);
}

/* user-space-msr=off: no KVM_ENABLE_CAP for it, no filter, no fallback */
static void test_user_space_msr_off(void)
{
    g_autofree char *log = NULL;
    g_autofree char *calls = NULL;
    g_autofree char *enable = NULL;
    QTestState *qts;
    QList *caps;
    QDict *c;

    if (!need_kvm(true)) {
        return;
    }
    enable = g_strdup_printf("enable cap=%d ", KVM_CAP_X86_USER_SPACE_MSR);
    log = shim_log_path();
    qts = shim_start("-accel kvm -cpu qemu64,amd-ppin=on", log, NULL, NULL);
    caps = query_caps(qts);
    c = find_cap(caps, "user-space-msr");
    if (!qdict_get_bool(c, "enabled")) {
        g_test_skip("this kernel lacks KVM_CAP_X86_USER_SPACE_MSR");
        goto out;
    }
    calls = shim_calls(log);
    g_assert_nonnull(strstr(calls, enable));
    g_assert_nonnull(strstr(calls, "filter msr=0x35\n"));
    qobject_unref(caps);
    qtest_quit(qts);
    g_free(calls);
    unlink(log);

    qts = shim_start("-accel kvm,cap-user-space-msr=off "
                     "-cpu qemu64", log, NULL, NULL);
    caps = query_caps(qts);
    c = find_cap(caps, "user-space-msr");
    g_assert_false(qdict_get_bool(c, "enabled"));
    g_assert_cmpstr(qdict_get_try_str(c, "reason"), ==,
                    "disabled by the user (cap-user-space-msr=off)");
    c = find_cap(caps, "ppin");
    g_assert_false(qdict_haskey(c, "fallback"));
    calls = shim_calls(log);
    g_assert_null(strstr(calls, enable));
    g_assert_null(strstr(calls, "filter msr="));
out:
    qobject_unref(caps);
    qtest_quit(qts);
    unlink(log);
}

/* A vendor cap the kernel confirms (through the shim) is enabled: auto */
static void test_vendor_cap_enabled(void)
{
    g_autofree char *log = NULL;
    g_autofree char *calls = NULL;
    QTestState *qts;
    QList *caps;
    QDict *c;

    if (!need_kvm(true)) {
        return;
    }
    log = shim_log_path();
    qts = shim_qtest_init("-accel kvm", log, ppin_msrs, &caps, &c);
    g_assert_true(qdict_get_bool(c, "enabled"));
    g_assert_false(qdict_haskey(c, "reason"));
    calls = shim_calls(log);
    g_assert_nonnull(strstr(calls, "check cap=250\n"));
    g_assert_nonnull(strstr(calls, "enable cap=250 flags=0 args=1,0,0,0\n"));
    /* read once, for the confirmation and for QEMU's save list */
    g_assert_cmpint(count(calls, "msr index list: "), ==, 1);
    qobject_unref(caps);
    qtest_quit(qts);
    unlink(log);
}

/*
 * Upstream's machine types keep upstream QEMU's capabilities: auto leaves
 * the vendor cap off there (x-vendor-caps=off, from their compat
 * properties) and says why; cap-ppin=on or x-vendor-caps=on enable it.
 * The stack's types and -M none (the newest type) enable it, unless the
 * user sets x-vendor-caps=off.
 */
static void test_vendor_cap_upstream_type(void)
{
    static const struct {
        const char *machine;
        const char *accel;
        bool enabled;
    } cases[] = {
        { "pc-q35-10.0", "kvm", false },
        { "pc-i440fx-9.2", "kvm", false },
        { "microvm", "kvm", false },
        { "pc-q35-10.0-kvmport1", "kvm,x-vendor-caps=off", false },
        { "pc-q35-10.0", "kvm,cap-ppin=on", true },
        { "pc-q35-10.0", "kvm,x-vendor-caps=on", true },
        { "pc-q35-10.0-kvmport1", "kvm", true },
        { "none", "kvm", true },
    };
    g_autofree char *log = NULL;
    char *calls;
    int i;

    if (!need_kvm(true)) {
        return;
    }
    log = shim_log_path();
    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        g_autofree char *args = g_strdup_printf("-M %s -accel %s",
                                                cases[i].machine,
                                                cases[i].accel);
        QTestState *qts;
        QList *caps;
        QDict *c;

        if (!qtest_has_machine(cases[i].machine)) {
            g_test_message("%s: machine not built in, skipped", args);
            continue;
        }
        g_test_message("%s", args);
        qts = shim_qtest_init(args, log, ppin_msrs, &caps, &c);
        calls = shim_calls(log);
        if (!cases[i].enabled) {
            g_autofree char *reason = g_strdup_printf(
                "a vendor capability, which auto does not enable under "
                "x-vendor-caps=off (machine type %s); cap-ppin=on does",
                cases[i].machine);

            g_assert_false(qdict_get_bool(c, "enabled"));
            g_assert_cmpstr(qdict_get_str(c, "policy"), ==, "auto");
            g_assert_cmpstr(qdict_get_try_str(c, "reason"), ==, reason);
            g_assert_null(strstr(calls, "enable cap=250 "));
        } else {
            g_assert_true(qdict_get_bool(c, "enabled"));
            g_assert_nonnull(strstr(calls, "enable cap=250 "));
        }
        g_free(calls);
        qobject_unref(caps);
        qtest_quit(qts);
        unlink(log);
    }
}

/*
 * A kernel that answers 250 but does not list the PPIN MSRs may have given
 * 250 to another capability: auto leaves it off and QEMU serves PPIN
 * through the filter; on is an error naming both signals.
 */
static void test_vendor_cap_unconfirmed(void)
{
    static const char reason[] =
        "the kernel's KVM capability 250 is not confirmed as cap-ppin: "
        "KVM_GET_MSR_INDEX_LIST lists neither MSR_PPIN_CTL and MSR_PPIN "
        "(0x4e, 0x4f) nor MSR_AMD_PPIN_CTL and MSR_AMD_PPIN (0xc00102f0, "
        "0xc00102f1)";
    g_autofree char *log = NULL;
    g_autofree char *calls = NULL;
    g_autofree char *want = NULL;
    QTestState *qts;
    QList *caps;
    QDict *c;

    if (!need_user_space_msr()) {
        return;
    }
    log = shim_log_path();
    qts = shim_qtest_init("-accel kvm -cpu qemu64,amd-ppin=on", log, NULL,
                          &caps, &c);
    g_assert_false(qdict_get_bool(c, "enabled"));
    g_assert_cmpstr(qdict_get_try_str(c, "reason"), ==, reason);
    g_assert_cmpstr(qdict_get_try_str(c, "fallback"), ==, "user-space-msr");
    calls = shim_calls(log);
    g_assert_nonnull(strstr(calls, "check cap=250\n"));
    g_assert_null(strstr(calls, "enable cap=250 "));
    assert_ppin_filtered(calls, false, true);
    qobject_unref(caps);
    qtest_quit(qts);

    unlink(log);

    want = g_strdup_printf("kvm: cap-ppin=on, but %s", reason);
    assert_shim_startup_error((const char *const[]) { NULL },
                              "-accel kvm,cap-ppin=on", want, true);
}

/* ... never enabled under off: PPIN falls back to the filter */
static void test_vendor_cap_off(void)
{
    g_autofree char *log = NULL;
    g_autofree char *calls = NULL;
    QTestState *qts;
    QList *caps;
    QDict *c;

    if (!need_user_space_msr()) {
        return;
    }
    log = shim_log_path();
    qts = shim_qtest_init("-accel kvm,cap-ppin=off -cpu qemu64,amd-ppin=on",
                          log, ppin_msrs, &caps, &c);
    g_assert_false(qdict_get_bool(c, "enabled"));
    g_assert_cmpstr(qdict_get_str(c, "policy"), ==, "off");
    g_assert_cmpstr(qdict_get_try_str(c, "reason"), ==,
                    "disabled by the user (cap-ppin=off)");
    g_assert_cmpstr(qdict_get_try_str(c, "fallback"), ==, "user-space-msr");
    calls = shim_calls(log);
    g_assert_null(strstr(calls, "enable cap=250 "));
    assert_ppin_filtered(calls, false, true);
    g_assert_null(strstr(calls, "set msr=0xc00102f"));
    qobject_unref(caps);
    qtest_quit(qts);
    unlink(log);
}

/* A kernel that claims the cap but refuses to enable it stops startup */
static void test_vendor_cap_enable_fails(void)
{
    static const char *const extra[] = {
        "KVMPORT_SHIM_MSRS", ppin_msrs, "KVMPORT_SHIM_ENABLE_ERRNO", "22",
        NULL,
    };

    if (!need_kvm(true)) {
        return;
    }
    assert_shim_startup_error(extra, "-accel kvm",
                              "kvm: failed to enable KVM capability 250 "
                              "(ppin, policy auto): Invalid argument", false);
}

/*
 * KVM_GET_MSR_INDEX_LIST failing is named as such, not taken for a kernel
 * that lists no PPIN MSR
 */
static void test_vendor_cap_msr_list_fails(void)
{
    static const char *const extra[] = {
        "KVMPORT_SHIM_MSR_LIST_ERRNO", "12", NULL,
    };

    if (!need_kvm(true)) {
        return;
    }
    assert_shim_startup_error(extra, "-accel kvm,cap-ppin=on",
                              "kvm: cap-ppin=on, but the kernel's KVM "
                              "capability 250 is not confirmed as cap-ppin: "
                              "KVM_GET_MSR_INDEX_LIST failed: Cannot "
                              "allocate memory", true);
}

/*
 * Without KVM_CAP_PPIN (the shim hides it, and the MSRs, on a kernel that
 * has it), QEMU serves the PPIN MSRs through the MSR filter, installed with
 * the first vCPU that has PPIN: a VM without PPIN keeps the filter it has
 * upstream.
 */
static void test_ppin_filter_path(void)
{
    g_autofree char *log = NULL;
    char *calls;
    QTestState *qts;
    QList *caps;
    QDict *c;
    int i;

    if (!need_user_space_msr()) {
        return;
    }
    log = shim_log_path();
    qts = shim_start_without_ppin("-accel kvm -smp 2 "
                                  "-cpu qemu64,amd-ppin=on", log);
    caps = query_caps(qts);
    c = find_cap(caps, "ppin");
    g_assert_false(qdict_get_bool(c, "enabled"));
    g_assert_cmpstr(qdict_get_try_str(c, "fallback"), ==, "user-space-msr");
    calls = shim_calls(log);
    g_assert_nonnull(strstr(calls, "filter msr=0x35\n"));
    assert_ppin_filtered(calls, false, true);
    /* once, not per vCPU: each filter update logs all its ranges */
    g_assert_cmpint(count(calls, "filter msr=0xc00102f0\n"), ==, 1);
    g_free(calls);
    qobject_unref(caps);
    qtest_quit(qts);
    unlink(log);

    /* each pair only for a vCPU with its flag: Intel's, then both */
    for (i = 0; i < 2; i++) {
        g_autofree char *args = g_strdup_printf(
            "-accel kvm -cpu qemu64,vendor=GenuineIntel,ppin=on%s",
            i ? ",amd-ppin=on" : "");

        qts = shim_start_without_ppin(args, log);
        calls = shim_calls(log);
        assert_ppin_filtered(calls, true, i);
        g_free(calls);
        qtest_quit(qts);
        unlink(log);
    }

    qts = shim_start_without_ppin("-accel kvm -cpu qemu64", log);
    calls = shim_calls(log);
    g_assert_nonnull(strstr(calls, "filter msr=0x35\n"));
    assert_ppin_filtered(calls, false, false);
    g_free(calls);
    qtest_quit(qts);
    unlink(log);

    /* neither KVM_CAP_PPIN nor user-space MSRs: no way to serve PPIN */
    qts = shim_start_without_ppin("-accel kvm,cap-user-space-msr=off "
                                  "-cpu qemu64", log);
    caps = query_caps(qts);
    c = find_cap(caps, "ppin");
    g_assert_false(qdict_get_bool(c, "enabled"));
    g_assert_false(qdict_haskey(c, "fallback"));
    qobject_unref(caps);
    qtest_quit(qts);
    unlink(log);
}

/*
 * The first vCPU with a PPIN pair installs the filter for it, also when it
 * is hotplugged into a running VM whose vCPUs have none: the filter grows
 * then, not before, by exactly that vCPU's pair, and the hotplugged vCPU
 * gets its PPIN. (That other vCPUs may look handlers up meanwhile is
 * handled by kvm_filter_msrs()'s ordering, which no test here can race.)
 */
static void test_ppin_filter_hotplug(void)
{
    g_autofree char *log = NULL;
    char *calls;
    QTestState *qts;
    QList *caps;
    QDict *c, *resp;

    if (!need_user_space_msr()) {
        return;
    }
    log = shim_log_path();
    qts = shim_start_without_ppin("-accel kvm -M q35 -cpu qemu64 "
                                  "-smp 1,maxcpus=2,sockets=2", log);
    calls = shim_calls(log);
    g_assert_nonnull(strstr(calls, "filter msr=0x35\n"));
    assert_ppin_filtered(calls, false, false);
    g_free(calls);
    caps = query_caps(qts);
    g_assert_false(qdict_haskey(find_cap(caps, "ppin"), "fallback"));
    qobject_unref(caps);

    qtest_qmp_device_add(qts, "qemu64-x86_64-cpu", "cpu1",
                         "{ 'socket-id': 1, 'core-id': 0, 'thread-id': 0, "
                         "'amd-ppin': true, 'ppin-value': 24301 }");
    calls = shim_calls(log);
    assert_ppin_filtered(calls, false, true);
    g_free(calls);
    caps = query_caps(qts);
    c = find_cap(caps, "ppin");
    g_assert_cmpstr(qdict_get_try_str(c, "fallback"), ==, "user-space-msr");
    qobject_unref(caps);
    resp = qtest_qmp(qts, "{ 'execute': 'qom-get', 'arguments': "
                     "{ 'path': '/machine/peripheral/cpu1', "
                     "'property': 'ppin-value' } }");
    g_assert_cmpint(qdict_get_int(resp, "return"), ==, 24301);
    qobject_unref(resp);
    qtest_quit(qts);
    unlink(log);
}

/*
 * This kernel's own KVM_CAP_PPIN (patches/linux): answered on a VM and
 * confirmed by both AMD PPIN MSRs in KVM_GET_MSR_INDEX_LIST, as QEMU wants
 */
static bool kernel_has_ppin(void)
{
    struct kvm_msr_list probe = { .nmsrs = 0 };
    g_autofree struct kvm_msr_list *list = NULL;
    int sys_fd, found = 0;
    uint32_t i;

    if (vm_check_extension(VENDOR_CAP_PPIN) <= 0) {
        return false;
    }
    sys_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    g_assert_cmpint(sys_fd, >=, 0);
    ioctl(sys_fd, KVM_GET_MSR_INDEX_LIST, &probe);
    list = g_malloc0(sizeof(*list) + probe.nmsrs * sizeof(list->indices[0]));
    list->nmsrs = probe.nmsrs;
    g_assert_cmpint(ioctl(sys_fd, KVM_GET_MSR_INDEX_LIST, list), ==, 0);
    close(sys_fd);
    for (i = 0; i < list->nmsrs; i++) {
        found += list->indices[i] == 0xc00102f0 ||
                 list->indices[i] == 0xc00102f1;
    }
    return found == 2;
}

/*
 * On a real kernel with KVM_CAP_PPIN (patches/linux, loaded in L1 of the
 * nested-KVM rig), no shim pretending: auto enables it, the kernel takes
 * the PPIN MSRs of each pair (QEMU aborts if KVM_SET_MSRS refuses one)
 * and QEMU filters none of them.  What the guest reads is guest-test's
 * (run-guest.py --rig-kvm ppin).  Skipped on other kernels, unless
 * KVMPORT_EXPECT_KVM_CAP_PPIN says this one has the cap (then a failure).
 */
static void test_ppin_kernel_real(void)
{
    static const char *const cpus[] = {
        "qemu64,amd-ppin=on,ppin-value=0x1234abcd",
        "qemu64,vendor=GenuineIntel,ppin=on,ppin-value=0x1234abcd",
        "qemu64,vendor=GenuineIntel,ppin=on,amd-ppin=on",
        NULL,
    };
    const char *const *cpu;
    g_autofree char *log = NULL;
    bool has;

    if (!need_kvm(true)) {
        return;
    }
    has = kernel_has_ppin();
    if (getenv("KVMPORT_EXPECT_KVM_CAP_PPIN")) {
        /* check.sh in L1 on patches/linux: a skip would hide a broken cap */
        g_test_message("KVMPORT_EXPECT_KVM_CAP_PPIN is set: this kernel must "
                       "answer 250 and list the PPIN MSRs");
        g_assert_true(has);
    }
    if (!has) {
        g_test_skip("this kernel has no KVM_CAP_PPIN (250) that lists the "
                    "PPIN MSRs (Debian's stock KVM): it runs in L1 of the "
                    "nested-KVM rig on the KVM modules of patches/linux");
        return;
    }
    log = shim_log_path();
    for (cpu = cpus; *cpu; cpu++) {
        g_autofree char *args = g_strdup_printf("-accel kvm -cpu %s", *cpu);
        g_autofree char *calls = NULL;
        QTestState *qts;
        QList *caps;
        QDict *c;

        /* the shim only logs: every ioctl is the kernel's */
        qts = shim_start(args, log, NULL, NULL);
        caps = query_caps(qts);
        c = find_cap(caps, "ppin");
        g_assert_cmpint(qdict_get_int(c, "supported"), ==, 1);
        g_assert_true(qdict_get_bool(c, "enabled"));
        g_assert_false(qdict_haskey(c, "reason"));
        g_assert_false(qdict_haskey(c, "fallback"));
        calls = shim_calls(log);
        g_assert_nonnull(strstr(calls,
                                "enable cap=250 flags=0 args=1,0,0,0\n"));
        assert_ppin_filtered(calls, false, false);
        qobject_unref(caps);
        qtest_quit(qts);
        unlink(log);
    }
}

/*
 * With KVM_CAP_PPIN (the shim), QEMU enables it, hands the value and
 * PPIN_CTL of the advertised pair to the kernel with KVM_SET_MSRS and
 * filters no PPIN MSR.
 */
static void test_ppin_kernel_path(void)
{
    g_autofree char *log = NULL;
    g_autofree char *calls = NULL;
    QTestState *qts;
    QList *caps;
    QDict *c;

    if (!need_kvm(true)) {
        return;
    }
    log = shim_log_path();
    qts = shim_qtest_init("-accel kvm "
                          "-cpu qemu64,amd-ppin=on,ppin-value=0x1234abcd",
                          log, ppin_msrs, &caps, &c);
    g_assert_true(qdict_get_bool(c, "enabled"));
    g_assert_false(qdict_haskey(c, "fallback"));
    calls = shim_calls(log);
    g_assert_nonnull(strstr(calls, "enable cap=250 flags=0 args=1,0,0,0\n"));
    g_assert_nonnull(strstr(calls, "set msr=0xc00102f1 data=0x1234abcd\n"));
    g_assert_nonnull(strstr(calls, "set msr=0xc00102f0 data=0x0\n"));
    /* the Intel pair is not advertised: not handed over */
    g_assert_null(strstr(calls, "set msr=0x4e "));
    g_assert_null(strstr(calls, "set msr=0x4f "));
    /* the filter is still installed (0x35), without PPIN MSRs */
    g_assert_nonnull(strstr(calls, "filter msr=0x35\n"));
    assert_ppin_filtered(calls, false, false);
    qobject_unref(caps);
    qtest_quit(qts);
    unlink(log);

    /*
     * A kernel that serves only AMD's pair: it gets that pair, QEMU's
     * filter the other; the capability is enabled, so no fallback
     */
    if (vm_check_extension(KVM_CAP_X86_USER_SPACE_MSR) <= 0) {
        g_test_message("no KVM_CAP_X86_USER_SPACE_MSR: one-pair case left out");
        return;
    }
    g_free(calls);
    qts = shim_qtest_init("-accel kvm -cpu qemu64,vendor=GenuineIntel,"
                          "ppin=on,amd-ppin=on,ppin-value=0x1234abcd",
                          log, "0xc00102f0,0xc00102f1", &caps, &c);
    g_assert_true(qdict_get_bool(c, "enabled"));
    g_assert_false(qdict_haskey(c, "fallback"));
    calls = shim_calls(log);
    g_assert_nonnull(strstr(calls, "set msr=0xc00102f1 data=0x1234abcd\n"));
    g_assert_nonnull(strstr(calls, "set msr=0xc00102f0 data=0x0\n"));
    assert_ppin_filtered(calls, true, false);
    qobject_unref(caps);
    qtest_quit(qts);
    unlink(log);
}

/* The shim's log once it contains WANT (waits 10 s at most) */
static char *shim_wait_for(const char *log, const char *want)
{
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    char *calls = NULL;

    for (;;) {
        g_assert(g_file_get_contents(log, &calls, NULL, NULL));
        if (strstr(calls, want) || g_get_monotonic_time() > deadline) {
            break;
        }
        g_free(calls);
        g_usleep(20 * 1000);
    }
    g_test_message("shim log, waiting for '%s':\n%s", want, calls);
    g_assert_nonnull(strstr(calls, want));
    return calls;
}

/*
 * ... and reads PPIN_CTL back with KVM_GET_MSRS: what the guest wrote
 * (the shim's pretended guest enables PPIN, 10b, when it runs) is the
 * state QEMU keeps (and migrates) and hands back to the kernel.  The PPIN
 * value is constant: never read back, put only at reset (and full) level.
 */
static void test_ppin_kernel_readback(void)
{
    g_autofree char *log = NULL;
    QTestState *qts;
    char *calls;
    int value_puts;

    if (!need_kvm(true)) {
        return;
    }
    log = shim_log_path();
    qts = shim_start("-S -accel kvm -cpu qemu64,amd-ppin=on",
                     log, G_STRINGIFY(VENDOR_CAP_PPIN),
                     "0xc00102f0=0x2,0xc00102f1");
    calls = shim_calls(log);
    g_assert_nonnull(strstr(calls, "set msr=0xc00102f0 data=0x0\n"));
    g_assert_null(strstr(calls, "data=0x2\n"));
    value_puts = count(calls, "set msr=0xc00102f1 ");
    g_assert_cmpint(value_puts, >, 0);
    g_free(calls);

    qtest_qmp_assert_success(qts, "{ 'execute': 'cont' }");
    g_free(shim_wait_for(log, "guest wrmsr=0xc00102f0 data=0x2\n"));

    /* synchronize the vCPU state from KVM: KVM_GET_MSRS */
    g_free(qtest_hmp(qts, "info registers"));
    calls = shim_calls(log);
    g_assert_nonnull(strstr(calls, "get msr=0xc00102f0 data=0x2\n"));
    g_assert_null(strstr(calls, "get msr=0xc00102f1 "));
    g_free(calls);

    /* QEMU puts back the PPIN_CTL it read when the vCPU runs again */
    calls = shim_wait_for(log, "set msr=0xc00102f0 data=0x2\n");
    /* ... at runtime level: without the PPIN value */
    g_assert_cmpint(count(calls, "set msr=0xc00102f1 "), ==, value_puts);
    g_free(calls);
    qtest_quit(qts);
    unlink(log);
}

int main(int argc, char **argv)
{
    g_autofree char *dir = g_path_get_dirname(argv[0]);

    g_test_init(&argc, &argv, NULL);
    have_kvm = qtest_has_accel("kvm");
    shim_path = g_build_filename(dir, "stack", "kvmport-cap-shim.so", NULL);

    qtest_add_func("/kvm-caps/tcg-error", test_not_kvm);
    qtest_add_func("/kvm-caps/help", test_help);
    qtest_add_func("/kvm-caps/unknown-name", test_unknown_name);
    qtest_add_func("/kvm-caps/unknown-value", test_unknown_value);
    /* registered everywhere: skipped, with the reason, without KVM */
    qtest_add_func("/kvm-caps/kvm/matches-kernel", test_matches_kernel);
    qtest_add_func("/kvm-caps/kvm/on-unsupported", test_on_unsupported);
    qtest_add_func("/kvm-caps/kvm/off", test_off);
    qtest_add_func("/kvm-caps/kvm/needs", test_needs);
    qtest_add_func("/kvm-caps/kvm/user-space-msr-off",
                   test_user_space_msr_off);
    qtest_add_func("/kvm-caps/kvm/vendor-cap-enabled",
                   test_vendor_cap_enabled);
    qtest_add_func("/kvm-caps/kvm/vendor-cap-unconfirmed",
                   test_vendor_cap_unconfirmed);
    qtest_add_func("/kvm-caps/kvm/vendor-cap-off", test_vendor_cap_off);
    qtest_add_func("/kvm-caps/kvm/vendor-cap-upstream-type",
                   test_vendor_cap_upstream_type);
    qtest_add_func("/kvm-caps/kvm/vendor-cap-msr-list-fails",
                   test_vendor_cap_msr_list_fails);
    qtest_add_func("/kvm-caps/kvm/vendor-cap-enable-fails",
                   test_vendor_cap_enable_fails);
    qtest_add_func("/kvm-caps/kvm/ppin-filter-path", test_ppin_filter_path);
    qtest_add_func("/kvm-caps/kvm/ppin-filter-hotplug",
                   test_ppin_filter_hotplug);
    qtest_add_func("/kvm-caps/kvm/ppin-kernel-path", test_ppin_kernel_path);
    qtest_add_func("/kvm-caps/kvm/ppin-kernel-readback",
                   test_ppin_kernel_readback);
    qtest_add_func("/kvm-caps/kvm/ppin-kernel-real", test_ppin_kernel_real);
    return g_test_run();
}
