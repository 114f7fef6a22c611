/*
 * Helpers shared by this stack's qtests
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "libqtest.h"
#include "stack-qtest.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"

/*
 * An ASan build of QEMU prints a line with this once, at its first coroutine
 * switch (QEMU's ucontext coroutines are annotated for ASan): the sanitizer's,
 * not part of what QEMU says, so the messages are compared without it.
 */
#define ASAN_UCONTEXT_NOTE "ASan doesn't fully support makecontext/swapcontext"

static void strip_asan_note(char *err)
{
    char *p = strstr(err, ASAN_UCONTEXT_NOTE);
    char *nl;

    if (!p) {
        return;
    }
    /* the whole line: "==PID==WARNING: ASan doesn't ..." */
    while (p > err && p[-1] != '\n') {
        p--;
    }
    nl = strchr(p, '\n');
    if (nl) {
        memmove(p, nl + 1, strlen(nl + 1) + 1);
    } else {
        *p = '\0';
    }
}

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
    strip_asan_note(*err);
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

char *stack_write_elf64(uint16_t machine, uint64_t entry, uint64_t vaddr,
                        const void *payload, size_t len)
{
    uint8_t hdr[64 + 56] = { 0 };
    g_autofree char *path = NULL;
    int fd = g_file_open_tmp("stack-elf-XXXXXX", &path, NULL);

    g_assert_cmpint(fd, >=, 0);
    memcpy(hdr, "\x7f" "ELF", 4);
    hdr[4] = 2;                        /* ELFCLASS64 */
    hdr[5] = 1;                        /* ELFDATA2LSB */
    hdr[6] = 1;                        /* EV_CURRENT */
    stw_le_p(hdr + 16, 2);             /* ET_EXEC */
    stw_le_p(hdr + 18, machine);
    stl_le_p(hdr + 20, 1);
    stq_le_p(hdr + 24, entry);
    stq_le_p(hdr + 32, 64);            /* e_phoff */
    stw_le_p(hdr + 52, 64);            /* e_ehsize */
    stw_le_p(hdr + 54, 56);            /* e_phentsize */
    stw_le_p(hdr + 56, 1);             /* e_phnum */
    stw_le_p(hdr + 58, 64);            /* e_shentsize */
    /* program header */
    stl_le_p(hdr + 64, 1);             /* PT_LOAD */
    stl_le_p(hdr + 68, 7);             /* RWX */
    stq_le_p(hdr + 72, sizeof(hdr));   /* p_offset */
    stq_le_p(hdr + 80, vaddr);
    stq_le_p(hdr + 88, vaddr);
    stq_le_p(hdr + 96, len);
    stq_le_p(hdr + 104, len);
    stq_le_p(hdr + 112, 8);
    g_assert_cmpint(write(fd, hdr, sizeof(hdr)), ==, sizeof(hdr));
    g_assert_cmpint(write(fd, payload, len), ==, len);
    close(fd);
    return g_steal_pointer(&path);
}

char *stack_cpu_regs(QTestState *qts, int n)
{
    QDict *rsp = qtest_qmp(qts, "{ 'execute': 'human-monitor-command', "
                           "'arguments': { 'command-line': 'info registers',"
                           " 'cpu-index': %d } }", n);
    char *out = g_strdup(qdict_get_str(rsp, "return"));

    qobject_unref(rsp);
    return out;
}
