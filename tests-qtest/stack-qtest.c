/*
 * Helpers shared by this stack's qtests
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "libqtest.h"
#include "stack-qtest.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"

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

char *stack_startup_error(const char *const *env, const char *args,
                          const char *want, bool only)
{
    char *err = NULL;
    g_autofree char *line = g_strdup_printf("%s\n", want);
    g_autofree char *got = NULL;
    int status = stack_run_qemu(env, args, &err);
    char *colon, *end;

    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 1);
    colon = strstr(err, ": ");
    g_assert_nonnull(colon);
    end = strchr(colon, '\n');
    got = !only && end ? g_strndup(colon + 2, end + 1 - (colon + 2)) :
                         g_strdup(colon + 2);
    g_assert_cmpstr(got, ==, line);
    return err;
}

void stack_assert_startup_error(const char *const *env, const char *args,
                                const char *want, bool only)
{
    g_free(stack_startup_error(env, args, want, only));
}

/* The entry of query-machines with KEY equal to VALUE, referenced */
static QDict *machine_entry(QTestState *qts, const char *key,
                            const char *value)
{
    QDict *resp = qtest_qmp(qts, "{ 'execute': 'query-machines' }");
    const QListEntry *e;
    QDict *found = NULL;

    QLIST_FOREACH_ENTRY(qdict_get_qlist(resp, "return"), e) {
        QDict *m = qobject_to(QDict, qlist_entry_obj(e));
        const char *v = qdict_get_try_str(m, key);

        if (v && g_str_equal(v, value)) {
            g_assert_null(found);
            found = m;
            qobject_ref(found);
        }
    }
    qobject_unref(resp);
    return found;
}

char *stack_machine_of_alias(QTestState *qts, const char *alias,
                             bool *is_default)
{
    QDict *m = machine_entry(qts, "alias", alias);
    char *name;

    if (!m) {
        return NULL;
    }
    name = g_strdup(qdict_get_str(m, "name"));
    *is_default = qdict_get_try_bool(m, "is-default", false);
    qobject_unref(m);
    return name;
}

QDict *stack_machine_info(QTestState *qts, const char *name)
{
    return machine_entry(qts, "name", name);
}
