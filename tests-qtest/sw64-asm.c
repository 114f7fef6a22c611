/*
 * The sw64 qtests' assembler and program runner: programs built from
 * the encoders of sw64-insn.h, run as the HMcode image of a board
 * under TCG, their results read back with qtest.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "libqtest.h"
#include "stack-qtest.h"
#include "sw64-asm.h"

static const Core cores[] = {
    {
        .core4 = false,
        .int_stat = CSR3_INT_STAT, .int_clr = CSR3_INT_CLR,
        .int_en = CSR3_IER, .dva = CSR3_DVA, .pri_base = CSR3_PRI_BASE,
        .timer_th = 0x2b, .timer_ctl = 0x2a,
        .fen_csr = 0x21, .fen_on = 7,
        .kmode = 2, .intpu = INTPU_CORE3,
    }, {
        .core4 = true,
        .int_stat = CSR4_INT_STAT, .int_clr = CSR4_INT_CLR,
        .int_en = CSR4_INT_EN, .dva = CSR4_DVA, .pri_base = CSR4_PRI_BASE,
        .timer_th = 0x23, .timer_ctl = 0x24,
        .fen_csr = 0x31, .fen_on = 1ULL << 24,
        .kmode = 1, .intpu = INTPU_CORE4,
    },
};

/* The core of board BOARD ("core3" or "core4") */
const Core *core_of(const char *board)
{
    return strcmp(board, "core4") ? &cores[0] : &cores[1];
}

Asm *asm_new_core(const Core *core)
{
    Asm *a = g_new0(Asm, 1);

    a->core = core;
    a->code = g_array_new(false, false, sizeof(uint32_t));
    a->pool = g_array_new(false, false, sizeof(uint64_t));
    return a;
}

Asm *asm_new(void)
{
    return asm_new_core(&cores[0]);
}

void asm_free(Asm *a)
{
    g_array_free(a->code, true);
    g_array_free(a->pool, true);
    g_free(a);
}

/* Append INSN; returns its index */
int emit(Asm *a, uint32_t insn)
{
    g_array_append_val(a->code, insn);
    return a->code->len - 1;
}

int here(Asm *a)
{
    return a->code->len;
}

uint64_t addr_of(int index)
{
    return CODE_BASE + 4 * (uint64_t)index;
}

/* A branch at index FROM to index TO */
void patch_br(Asm *a, int from, int op, int ra, int to)
{
    g_array_index(a->code, uint32_t, from) = enc_br(op, ra, to - (from + 1));
}

/* A conditional branch to index TO, emitted here */
void br_to(Asm *a, int op, int ra, int to)
{
    emit(a, enc_br(op, ra, to - (here(a) + 1)));
}

/* Two words at FROM (reserved with la_reserve): reg R = address of TO */
void patch_la(Asm *a, int from, int r, int to)
{
    uint64_t t = addr_of(to);
    int16_t lo = t;

    g_assert_cmpuint(t, <, 0x7fff0000);
    g_array_index(a->code, uint32_t, from) =
        enc_mem(OP_LDIH, r, (t - lo) >> 16, R_ZERO);
    g_array_index(a->code, uint32_t, from + 1) = enc_mem(OP_LDI, r, lo, r);
}

int la_reserve(Asm *a)
{
    emit(a, 0);
    return emit(a, 0) - 1;
}

/* Reg R = V: ldi for a 16-bit value, else from the constant pool */
void li(Asm *a, int r, uint64_t v)
{
    if ((int64_t)v == (int16_t)v) {
        emit(a, enc_mem(OP_LDI, r, v, R_ZERO));
        return;
    }
    g_assert_cmpint(a->pool->len, <, 4096);
    g_array_append_val(a->pool, v);
    emit(a, enc_mem(OP_LDL, r, (a->pool->len - 1) * 8, R_GP));
}

/* Store reg R to result slot N */
void res(Asm *a, int r, int n)
{
    g_assert_cmpint(n, <, 4096);
    emit(a, enc_mem(OP_STL, r, n * 8, 9));
}

/* Prologue: $gp = POOL_BASE, $9 = RES_BASE */
void prologue(Asm *a)
{
    emit(a, enc_mem(OP_LDIH, R_GP, POOL_BASE >> 16, R_ZERO));
    emit(a, enc_mem(OP_LDIH, 9, RES_BASE >> 16, R_ZERO));
}

/* Epilogue: the done word, then halt (and stay halted) */
void epilogue(Asm *a)
{
    int halt;

    li(a, R_AT, DONE_MAGIC);
    emit(a, enc_mem(OP_STL, R_AT, ST_DONE, R_GP));
    halt = emit(a, enc_misc(MISC_HALT, R_ZERO));
    br_to(a, OP_BR, R_ZERO, halt);
}

/* HMcode code at OFFSET from the HMcode base */
void vec_put(Asm *a, uint32_t offset, const uint32_t *insns, int n)
{
    int i;

    for (i = 0; i < n; i++) {
        a->vectors[offset / 4 + i] = insns[i];
    }
}

/*
 * Every fault vector: count it, record the vector, EXC_PC, DVA, DS_STAT
 * and EXC_SUM, and return past the faulting instruction.
 */
static void vec_fault(Asm *a, uint32_t vec)
{
    const uint32_t h[] = {
        enc_csr(false, R_AT, CSR_DS_STAT),
        enc_mem(OP_STL, R_AT, ST_DS_STAT, R_GP),
        enc_csr(false, R_AT, CSR_EXC_SUM),
        enc_mem(OP_STL, R_AT, ST_EXC_SUM, R_GP),
        enc_mem(OP_LDL, R_AT, ST_TRAPS, R_GP),
        enc_oprl(F_ADDL, R_AT, 1, R_AT),
        enc_mem(OP_STL, R_AT, ST_TRAPS, R_GP),
        enc_mem(OP_LDI, R_AT, vec, R_ZERO),
        enc_mem(OP_STL, R_AT, ST_VEC, R_GP),
        enc_csr(false, R_AT, a->core->dva),
        enc_mem(OP_STL, R_AT, ST_DVA, R_GP),
        enc_csr(false, R_AT, CSR_EXC_PC),
        enc_mem(OP_STL, R_AT, ST_EXC_PC, R_GP),
        enc_mem(OP_LDI, R_AT, 4, R_AT),
        enc_pri_ret(R_AT),
    };

    vec_put(a, vec, h, ARRAY_SIZE(h));
}

/*
 * sys_call FUNC's slot: count it, record the function and the return
 * address sys_call left in HMcode's r23, set $0 = 0x1000 + FUNC and
 * return there.  Function 1 instead returns to $27 in HMcode mode
 * ("back to HMcode").
 */
void vec_syscall(Asm *a, uint32_t func)
{
    uint32_t slot = (func & 0xc0) == 0x00 ? 0x4000 :
                    (func & 0xc0) == 0x40 ? 0x2000 : 0x6000;
    const uint32_t h[] = {
        enc_mem(OP_LDL, R_AT, ST_TRAPS, R_GP),
        enc_oprl(F_ADDL, R_AT, 1, R_AT),
        enc_mem(OP_STL, R_AT, ST_TRAPS, R_GP),
        enc_mem(OP_LDI, R_AT, func, R_ZERO),
        enc_mem(OP_STL, R_AT, ST_SYSCALL, R_GP),
        enc_mem(OP_STL, 23, ST_EXC_PC, R_GP),
        enc_mem(OP_LDI, 0, 0x1000 + func, R_ZERO),
        enc_pri_ret(func == 1 ? 27 : 23),
    };

    vec_put(a, slot + (func & 0x3f) * 0x80, h, ARRAY_SIZE(h));
}

/* The ELF of the program: vectors, code and pool in one PT_LOAD */
char *asm_elf(Asm *a)
{
    size_t size = POOL_BASE + a->pool->len * 8 - HMCODE_BASE;
    g_autofree uint8_t *img = g_malloc0(size);
    size_t i;

    g_assert_cmpuint(CODE_BASE + a->code->len * 4, <=, STATUS_BASE);
    for (i = 0; i < ARRAY_SIZE(a->vectors); i++) {
        stl_le_p(img + i * 4, a->vectors[i]);
    }
    for (i = 0; i < a->code->len; i++) {
        stl_le_p(img + CODE_BASE - HMCODE_BASE + i * 4,
                 g_array_index(a->code, uint32_t, i));
    }
    for (i = 0; i < a->pool->len; i++) {
        stq_le_p(img + POOL_BASE - HMCODE_BASE + i * 8,
                 g_array_index(a->pool, uint64_t, i));
    }
    return stack_write_elf64(EM_SW64, CODE_BASE, HMCODE_BASE, img, size);
}

/* Start the program paused under -accel ACCEL; ARGS: more options */
QTestState *prog_start_accel(Asm *a, const char *accel,
                             const char *args, char **elf)
{
    *elf = asm_elf(a);
    return qtest_initf("-accel %s -S -bios %s %s", accel, *elf, args);
}

QTestState *prog_start(Asm *a, const char *args, char **elf)
{
    return prog_start_accel(a, "tcg,thread=multi", args, elf);
}

/* Wait for the program's done word (or fail after TIMEOUT seconds) */
static void prog_wait(QTestState *qts, int timeout)
{
    gint64 end = g_get_monotonic_time() + timeout * G_USEC_PER_SEC;

    while (qtest_readq(qts, STATUS_BASE) != DONE_MAGIC) {
        g_assert_cmpint(g_get_monotonic_time(), <, end);
        g_usleep(2000);
    }
}

/* Let it run until its done word */
void prog_run(QTestState *qts, int timeout)
{
    qtest_qmp_assert_success(qts, "{ 'execute': 'cont' }");
    prog_wait(qts, timeout);
}

/* Build, run and return the state to read results from */
QTestState *prog_go(Asm *a, const char *args, char **elf)
{
    QTestState *qts = prog_start(a, args, elf);

    prog_run(qts, 30);
    return qts;
}

void prog_end(QTestState *qts, char *elf)
{
    qtest_quit(qts);
    unlink(elf);
    g_free(elf);
}

uint64_t result(QTestState *qts, int n)
{
    return qtest_readq(qts, RES_BASE + 8 * n);
}

uint64_t status(QTestState *qts, int off)
{
    return qtest_readq(qts, POOL_BASE + off);
}

void vec_all_faults(Asm *a)
{
    static const uint32_t vecs[] = {
        0x800, 0x880, 0x980, 0xA80, VEC_UNALIGN, 0xB80, VEC_DFAULT,
        0xD00, VEC_OPCDEC, 0xF80,
    };
    int i;

    for (i = 0; i < ARRAY_SIZE(vecs); i++) {
        vec_fault(a, vecs[i]);
    }
}

uint64_t xorshift(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* pri_ret to the code emitted next at BASE | its address, in MODE */
void trip_go_at(Asm *a, Trip *t, uint64_t base, int mode)
{
    t->la = la_reserve(a);
    li(a, 2, base | mode);
    emit(a, enc_opr(F_BIS, 1, 2, 1));
    t->la2 = la_reserve(a);
    emit(a, enc_pri_ret(1));
    t->kern = here(a);
}

/* ... through the linear map, in kernel mode MODE ($1, $2, $27) */
void trip_go(Asm *a, Trip *t, int mode)
{
    trip_go_at(a, t, KSEG, mode);
}

/* sys_call 1 back to HMcode mode, at the code emitted next (returned) */
int trip_back(Asm *a, Trip *t)
{
    emit(a, enc_sys_call(0x01, false));
    patch_la(a, t->la, 1, t->kern);
    patch_la(a, t->la2, 27, here(a));
    return here(a);
}

/* $gp and $9 through KSEG, so that kernel mode reaches them too */
void data_through_kseg(Asm *a)
{
    li(a, 6, KSEG);
    emit(a, enc_opr(F_BIS, R_GP, 6, R_GP));
    emit(a, enc_opr(F_BIS, 9, 6, 9));
}

/* Each test of T for both boards, as PREFIX/<board>/<name> */
void add_board_tests(const char *prefix, const BoardTest *t, size_t n)
{
    static const char *const boards[] = { "core3", "core4" };
    size_t i, j;

    for (i = 0; i < ARRAY_SIZE(boards); i++) {
        for (j = 0; j < n; j++) {
            g_autofree char *path = g_strdup_printf("%s/%s/%s", prefix,
                                                    boards[i], t[j].name);

            qtest_add_data_func(path, boards[i], t[j].fn);
        }
    }
}
