/*
 * QTest: the binary names this patch stack and its revision
 *
 * `qemu-system-* --version` and QMP query-version carry the package string the
 * build scripts configure (--with-pkgversion). A user tells the patched binary
 * from a distribution one by it, so check it over QMP.
 *
 * The package string is "kvmport VERSION-RELEASE (REVISION)": the upstream version
 * the stack is on and the stack's release on it (build-scripts/qemu.pin), then the
 * repository revision. KVMPORT_STACK_ID, when set (the test runner sets it from the
 * build), is the exact string expected; KVMPORT_QEMU_VERSION the expected upstream
 * version and KVMPORT_RELEASE the stack release.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "libqtest.h"
#include "qobject/qdict.h"

#define STACK_NAME "kvmport "

static void test_query_version(void)
{
    QTestState *qts = qtest_init("-machine none");
    QDict *resp = qtest_qmp(qts, "{ 'execute': 'query-version' }");
    QDict *ret = qdict_get_qdict(resp, "return");
    QDict *qemu;
    const char *package;
    const char *want_id = g_getenv("KVMPORT_STACK_ID");
    const char *want_version = g_getenv("KVMPORT_QEMU_VERSION");
    const char *want_release = g_getenv("KVMPORT_RELEASE");

    g_assert(ret);
    package = qdict_get_try_str(ret, "package");
    g_assert_nonnull(package);
    g_test_message("package: '%s'", package);
    g_assert_true(g_str_has_prefix(package, STACK_NAME));
    g_assert_cmpuint(strlen(package), >, strlen(STACK_NAME));
    if (want_id) {
        g_assert_cmpstr(package, ==, want_id);
    }
    if (want_version && want_release) {
        g_autofree char *prefix = g_strdup_printf(STACK_NAME "%s-%s (", want_version,
                                                  want_release);
        g_assert_true(g_str_has_prefix(package, prefix));
    }

    qemu = qdict_get_qdict(ret, "qemu");
    g_assert(qemu);
    if (want_version) {
        g_autofree char *have = g_strdup_printf("%" PRId64 ".%" PRId64 ".%" PRId64,
                                                qdict_get_int(qemu, "major"),
                                                qdict_get_int(qemu, "minor"),
                                                qdict_get_int(qemu, "micro"));
        g_assert_cmpstr(have, ==, want_version);
    }

    qobject_unref(resp);
    qtest_quit(qts);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/stack/query-version", test_query_version);
    return g_test_run();
}
