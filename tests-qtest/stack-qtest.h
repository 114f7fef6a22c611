/*
 * Helpers shared by this stack's qtests
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef STACK_QTEST_H
#define STACK_QTEST_H

#include "libqtest.h"

/*
 * Run $QTEST_QEMU_BINARY with ARGS (a shell-quoted string; -display,
 * -monitor and -serial are none) and, if ENV is not NULL, the extra
 * environment NAME, VALUE, ..., NULL, to completion within 20 s.
 * Returns its wait status; *ERR is its stderr.
 */
int stack_run_qemu(const char *const *env, const char *args, char **err);

/*
 * QEMU with ENV and ARGS fails to start (exit status 1) and its first
 * error line is exactly "<program>: WANT"; with ONLY, it is the only one.
 */
void stack_assert_startup_error(const char *const *env, const char *args,
                                const char *want, bool only);

/* The same, returning all of QEMU's stderr (to be freed) */
char *stack_startup_error(const char *const *env, const char *args,
                          const char *want, bool only);

/*
 * The entry of query-machines whose alias is ALIAS: its name (to be
 * freed), or NULL; *IS_DEFAULT is its is-default flag.
 */
char *stack_machine_of_alias(QTestState *qts, const char *alias,
                             bool *is_default);

/* The entry of query-machines named NAME (to be unreferenced), or NULL */
QDict *stack_machine_info(QTestState *qts, const char *name);

/*
 * An ELF64 little-endian executable of MACHINE (a temporary file, its
 * path to be freed and unlinked): one PT_LOAD of PAYLOAD at VADDR.
 */
char *stack_write_elf64(uint16_t machine, uint64_t entry, uint64_t vaddr,
                        const void *payload, size_t len);

/* "info registers" of CPU N (to be freed) */
char *stack_cpu_regs(QTestState *qts, int n);

#endif
