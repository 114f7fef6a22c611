/*
 * Helpers shared by this stack's qtests
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "libqtest.h"
#include "stack-qtest.h"

int stack_run_qemu(const char *const *env, const char *args, char **err)
{
    g_autofree char *cmd = g_strdup_printf(
        "timeout 20 %s -display none -monitor none -serial none %s",
        g_getenv("QTEST_QEMU_BINARY"), args);
    g_auto(GStrv) argv = NULL;
    g_auto(GStrv) envp = g_get_environ();
    int status = -1;

    for (; env && *env; env += 2) {
        envp = g_environ_setenv(envp, env[0], env[1], TRUE);
    }
    g_assert(g_shell_parse_argv(cmd, NULL, &argv, NULL));
    g_assert(g_spawn_sync(NULL, argv, envp, G_SPAWN_SEARCH_PATH, NULL, NULL,
                          NULL, err, &status, NULL));
    g_test_message("%s -> status %d, stderr: %s", cmd, status, *err);
    return status;
}

void stack_assert_startup_error(const char *const *env, const char *args,
                                const char *want, bool only)
{
    g_autofree char *err = NULL;
    g_autofree char *line = g_strdup_printf("%s\n", want);
    int status = stack_run_qemu(env, args, &err);
    char *colon, *end;

    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 1);
    colon = strstr(err, ": ");
    g_assert_nonnull(colon);
    end = strchr(colon, '\n');
    if (!only && end) {
        end[1] = 0;
    }
    g_assert_cmpstr(colon + 2, ==, line);
}
