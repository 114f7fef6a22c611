/*
 * QTest: the sw64 integer ISA under TCG, and the disassembler
 * (patches/sw64/): the ALU against a C reference model, loads and
 * stores, branches, LL/SC and core3's atomics (also under MTTCG), the
 * misc group, OPCDEC; x/i and -d in_asm.  Programs from sw64-asm.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/bitops.h"
#include "qemu/host-utils.h"
#include "libqtest.h"
#include "stack-qtest.h"
#include "sw64-asm.h"
#include "qobject/qdict.h"

/* ------------------------------------------------------------------ */
/* Reference model of the integer operate and select groups            */

typedef struct OpInfo {
    const char *name;
    int func;
    bool reg_only;      /* no literal form */
    bool unary;         /* the source is Rb (or the literal) only */
} OpInfo;

static const OpInfo operate_ops[] = {
    { "addw", 0x00 }, { "subw", 0x01 }, { "s4addw", 0x02 },
    { "s4subw", 0x03 }, { "s8addw", 0x04 }, { "s8subw", 0x05 },
    { "addl", 0x08 }, { "subl", 0x09 }, { "s4addl", 0x0A },
    { "s4subl", 0x0B }, { "s8addl", 0x0C }, { "s8subl", 0x0D },
    { "mulw", 0x10 }, { "mull", 0x18 }, { "umulh", 0x19 },
    { "cmpeq", 0x28 }, { "cmplt", 0x29 }, { "cmple", 0x2A },
    { "cmpult", 0x2B }, { "cmpule", 0x2C },
    { "and", 0x38 }, { "bic", 0x39 }, { "bis", 0x3A }, { "ornot", 0x3B },
    { "xor", 0x3C }, { "eqv", 0x3D },
    { "inslb", 0x40 }, { "inslh", 0x41 }, { "inslw", 0x42 },
    { "insll", 0x43 }, { "inshb", 0x44 }, { "inshh", 0x45 },
    { "inshw", 0x46 }, { "inshl", 0x47 },
    { "sll", 0x48 }, { "srl", 0x49 }, { "sra", 0x4A },
    { "extlb", 0x50 }, { "extlh", 0x51 }, { "extlw", 0x52 },
    { "extll", 0x53 }, { "exthb", 0x54 }, { "exthh", 0x55 },
    { "exthw", 0x56 }, { "exthl", 0x57 },
    { "ctpop", 0x58, true, true }, { "ctlz", 0x59, true, true },
    { "cttz", 0x5A, true, true },
    { "masklb", 0x60 }, { "masklh", 0x61 }, { "masklw", 0x62 },
    { "maskll", 0x63 }, { "maskhb", 0x64 }, { "maskhh", 0x65 },
    { "maskhw", 0x66 }, { "maskhl", 0x67 },
    { "zap", 0x68 }, { "zapnot", 0x69 },
    { "sextb", 0x6A, false, true }, { "sexth", 0x6B, false, true },
    { "cmpgeb", 0x6C },
};

static const char *const select_names[8] = {
    "seleq", "selge", "selgt", "selle", "sellt", "selne", "sellbc", "sellbs",
};

static uint64_t sext32(uint64_t v)
{
    return (int64_t)(int32_t)v;
}

static uint64_t byte_mask(uint64_t sel)
{
    uint64_t m = 0;
    int i;

    for (i = 0; i < 8; i++) {
        if (sel & (1 << i)) {
            m |= 0xffULL << (8 * i);
        }
    }
    return m;
}

static uint64_t ref_operate(int func, uint64_t a, uint64_t b)
{
    static const uint64_t wms[4] = { 0xff, 0xffff, 0xffffffff, ~0ULL };
    uint64_t wm = wms[func & 3];
    int sh = (b & 7) * 8;
    uint64_t lo, hi;
    int i;

    switch (func) {
    case 0x00: return sext32(a + b);
    case 0x01: return sext32(a - b);
    case 0x02: return sext32(a * 4 + b);
    case 0x03: return sext32(a * 4 - b);
    case 0x04: return sext32(a * 8 + b);
    case 0x05: return sext32(a * 8 - b);
    case 0x08: return a + b;
    case 0x09: return a - b;
    case 0x0A: return a * 4 + b;
    case 0x0B: return a * 4 - b;
    case 0x0C: return a * 8 + b;
    case 0x0D: return a * 8 - b;
    case 0x10: return sext32(a * b);
    case 0x18: return a * b;
    case 0x19:
        mulu64(&lo, &hi, a, b);
        return hi;
    case 0x28: return a == b;
    case 0x29: return (int64_t)a < (int64_t)b;
    case 0x2A: return (int64_t)a <= (int64_t)b;
    case 0x2B: return a < b;
    case 0x2C: return a <= b;
    case 0x38: return a & b;
    case 0x39: return a & ~b;
    case 0x3A: return a | b;
    case 0x3B: return a | ~b;
    case 0x3C: return a ^ b;
    case 0x3D: return ~(a ^ b);
    case 0x40 ... 0x43: return (a & wm) << sh;
    case 0x44 ... 0x47:
        return sh ? (a & wm) >> (64 - sh) : 0;
    case 0x48: return a << (b & 63);
    case 0x49: return a >> (b & 63);
    case 0x4A: return (int64_t)a >> (b & 63);
    case 0x50 ... 0x53: return (a >> sh) & wm;
    case 0x54 ... 0x57: return (a << ((64 - sh) & 63)) & wm;
    case 0x58: return ctpop64(b);
    case 0x59: return clz64(b);
    case 0x5A: return ctz64(b);
    case 0x60 ... 0x63: return a & ~(wm << sh);
    case 0x64 ... 0x67:
        return sh ? a & ~(wm >> (64 - sh)) : a;
    case 0x68: return a & ~byte_mask(b);
    case 0x69: return a & byte_mask(b);
    case 0x6A: return (int64_t)(int8_t)b;
    case 0x6B: return (int64_t)(int16_t)b;
    case 0x6C:
        lo = 0;
        for (i = 0; i < 8; i++) {
            if (extract64(a, 8 * i, 8) >= extract64(b, 8 * i, 8)) {
                lo |= 1 << i;
            }
        }
        return lo;
    }
    g_assert_not_reached();
}

static uint64_t ref_select(int func, uint64_t a, uint64_t b, uint64_t c)
{
    int64_t s = a;
    bool cond[8] = {
        s == 0, s >= 0, s > 0, s <= 0, s < 0, s != 0, !(a & 1), a & 1,
    };

    return cond[func] ? b : c;
}

/* Operands: edge values first (every pair), then pseudo-random ones */
static const uint64_t edges[] = {
    0, 1, 2, 3, 7, 8, 0x1f, 0x20, 0x3f, 0x40, 0x41, 0x7f, 0x80, 0xff,
    0x100, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff,
    0x100000000ULL, 0x8000000000000000ULL, 0x7fffffffffffffffULL,
    0xffffffffffffffffULL, 0xfffffffffffffffeULL, 0x0123456789abcdefULL,
    0xfedcba9876543210ULL, 0x8000000080000000ULL, 0x00000000fffffffeULL,
};

/* A pseudo-random operand, often small or 32-bit sign-extended */
static uint64_t rand_operand(uint64_t *s)
{
    uint64_t v = xorshift(s);

    switch (v & 3) {
    case 0:
        return v >> (xorshift(s) & 63);
    case 1:
        return sext32(v >> 32);
    default:
        return v;
    }
}

/* Operand pair I: the edge values pairwise first, then random ones */
static void operand_pair(int i, uint64_t *seed, uint64_t *x, uint64_t *y)
{
    int ne = ARRAY_SIZE(edges);

    if (i < ne * ne) {
        *x = edges[i / ne];
        *y = edges[i % ne];
    } else {
        *x = rand_operand(seed);
        *y = rand_operand(seed);
    }
}

#define DIFF_PAIRS      10000
#define DIFF_LIT_A      40

/*
 * Every operate and select function over DIFF_PAIRS operand pairs
 * (register forms), and every literal 0-255 with DIFF_LIT_A values of
 * Ra (literal forms: 10240 pairs each), against the reference model.
 */
static void test_alu_differential(const void *data)
{
    const char *board = data;
    g_autofree char *args = g_strdup_printf("-M %s", board);
    int nops = ARRAY_SIZE(operate_ops);
    int nres = nops + 8;
    g_autofree uint64_t *ops = g_new(uint64_t, DIFF_PAIRS * 3);
    g_autofree uint64_t *out = NULL;
    uint64_t seed = 0x5eed5eed12345678ULL;
    size_t lit_res = 0, bad = 0;
    Asm *a = asm_new_core(core_of(board));
    QTestState *qts;
    char *elf;
    int i, j, k, loop, lit;
    size_t n, nl;

    for (i = 0; i < DIFF_PAIRS; i++) {
        operand_pair(i, &seed, &ops[3 * i], &ops[3 * i + 1]);
        ops[3 * i + 2] = rand_operand(&seed);
    }

    vec_all_faults(a);
    prologue(a);
    /* register forms: $10 operands, $11 results, $12 count */
    li(a, 10, BULK_BASE);
    li(a, 11, BULK_RES);
    li(a, 12, DIFF_PAIRS);
    loop = here(a);
    emit(a, enc_mem(OP_LDL, 1, 0, 10));
    emit(a, enc_mem(OP_LDL, 2, 8, 10));
    emit(a, enc_mem(OP_LDL, 3, 16, 10));
    for (k = 0; k < nops; k++) {
        emit(a, enc_opr(operate_ops[k].func, operate_ops[k].unary ? R_ZERO : 1,
                        2, 4));
        emit(a, enc_mem(OP_STL, 4, k * 8, 11));
    }
    for (k = 0; k < 8; k++) {
        emit(a, enc_sel(k, 1, 2, 3, 4));
        emit(a, enc_mem(OP_STL, 4, (nops + k) * 8, 11));
    }
    emit(a, enc_mem(OP_LDI, 10, 24, 10));
    emit(a, enc_mem(OP_LDI, 11, nres * 8, 11));
    emit(a, enc_oprl(F_SUBL, 12, 1, 12));
    br_to(a, OP_BNE, 12, loop);
    /* literal forms: Ra from the first DIFF_LIT_A operands, $3 = R3 */
    li(a, 10, BULK_BASE);
    li(a, 12, DIFF_LIT_A);
    loop = here(a);
    emit(a, enc_mem(OP_LDL, 1, 0, 10));
    emit(a, enc_mem(OP_LDL, 3, 16, 10));
    for (k = 0; k < nops + 8; k++) {
        if (k < nops && operate_ops[k].reg_only) {
            continue;
        }
        for (lit = 0; lit < 256; lit++) {
            emit(a, k < nops ?
                 enc_oprl(operate_ops[k].func,
                          operate_ops[k].unary ? R_ZERO : 1, lit, 4) :
                 enc_sell(k - nops, 1, lit, 3, 4));
            emit(a, enc_mem(OP_STL, 4, 0, 11));
            emit(a, enc_mem(OP_LDI, 11, 8, 11));
        }
    }
    emit(a, enc_mem(OP_LDI, 10, 24, 10));
    emit(a, enc_oprl(F_SUBL, 12, 1, 12));
    br_to(a, OP_BNE, 12, loop);
    epilogue(a);

    qts = prog_start(a, args, &elf);
    qtest_bufwrite(qts, BULK_BASE, ops, DIFF_PAIRS * 3 * 8);
    prog_run(qts, 120);
    g_assert_cmpuint(status(qts, ST_TRAPS), ==, 0);

    n = (size_t)DIFF_PAIRS * nres;
    for (k = 0; k < nops + 8; k++) {
        if (!(k < nops && operate_ops[k].reg_only)) {
            lit_res += 256;
        }
    }
    nl = DIFF_LIT_A * lit_res;
    out = g_new(uint64_t, n + nl);
    qtest_bufread(qts, BULK_RES, out, (n + nl) * 8);

    for (i = 0; i < DIFF_PAIRS; i++) {
        uint64_t va = ops[3 * i], vb = ops[3 * i + 1], vc = ops[3 * i + 2];

        for (k = 0; k < nres; k++) {
            uint64_t want = k < nops ?
                ref_operate(operate_ops[k].func, va, vb) :
                ref_select(k - nops, va, vb, vc);
            uint64_t got = le64_to_cpu(out[(size_t)i * nres + k]);

            if (got != want && bad++ < 20) {
                g_test_message("%s %016" PRIx64 ", %016" PRIx64
                               ": got %016" PRIx64 ", want %016" PRIx64,
                               k < nops ? operate_ops[k].name :
                               select_names[k - nops], va, vb, got, want);
            }
        }
    }
    for (i = 0; i < DIFF_LIT_A; i++) {
        uint64_t va = ops[3 * i], vc = ops[3 * i + 2];
        size_t r = n + i * lit_res;

        for (k = 0; k < nops + 8; k++) {
            if (k < nops && operate_ops[k].reg_only) {
                continue;
            }
            for (j = 0; j < 256; j++, r++) {
                uint64_t want = k < nops ?
                    ref_operate(operate_ops[k].func, va, j) :
                    ref_select(k - nops, va, j, vc);
                uint64_t got = le64_to_cpu(out[r]);

                if (got != want && bad++ < 20) {
                    g_test_message("%s (literal) %016" PRIx64 ", %d: got %016"
                                   PRIx64 ", want %016" PRIx64,
                                   k < nops ? operate_ops[k].name :
                                   select_names[k - nops], va, j, got, want);
                }
            }
        }
    }
    g_assert_cmpuint(bad, ==, 0);
    prog_end(qts, elf);
    asm_free(a);
}

/* ------------------------------------------------------------------ */
/* core4's integer additions (notes §8.1)                               */

typedef struct Op4 {
    const char *name;
    int func;
    bool lit, unary;
} Op4;

static const Op4 core4_ops[] = {
    { "divw", 0x11 }, { "udivw", 0x12 }, { "remw", 0x13 }, { "uremw", 0x14 },
    { "divl", 0x1a }, { "udivl", 0x1b }, { "reml", 0x1c }, { "ureml", 0x1d },
    { "sbt", 0x2d, true }, { "cbt", 0x2e, true }, { "roll", 0x4b, true },
    { "sllw", 0x4c, true }, { "srlw", 0x4d, true }, { "sraw", 0x4e, true },
    { "rolw", 0x4f, true },
    { "revbh", 0x5b, false, true }, { "revbw", 0x5c, false, true },
    { "revbl", 0x5d, false, true },
};

/*
 * The C model of core4_ops from the notes' semantics (§8.1, the
 * vendor's emulator): divisions truncate, remainders take the
 * dividend's sign, 32-bit signed results sign-extended and unsigned
 * zero-extended; the most negative number over -1 gives itself,
 * remainder 0 (a project choice; see helper_divrem); the 32-bit shifts
 * by b & 31 zero-extend, sraw's too; revb* byte-reverse b's low 16, 32,
 * 64 bits.  B is never a zero divisor here.
 */
static uint64_t ref_core4(int func, uint64_t a, uint64_t b)
{
    int32_t a32 = a, b32 = b;
    uint32_t ua = a, ub = b;
    int n = b & 31;

    switch (func) {
    case 0x11:
        return b32 == -1 ? sext32(-(uint32_t)a32) : sext32(a32 / b32);
    case 0x12:
        return ua / ub;
    case 0x13:
        return b32 == -1 ? 0 : sext32(a32 % b32);
    case 0x14:
        return ua % ub;
    case 0x1a:
        return (int64_t)b == -1 ? -a : (uint64_t)((int64_t)a / (int64_t)b);
    case 0x1b:
        return a / b;
    case 0x1c:
        return (int64_t)b == -1 ? 0 : (uint64_t)((int64_t)a % (int64_t)b);
    case 0x1d:
        return a % b;
    case 0x2d:
        return a | 1ULL << (b & 63);
    case 0x2e:
        return a & ~(1ULL << (b & 63));
    case 0x4b:
        return rol64(a, b & 63);
    case 0x4c:
        return (uint32_t)(ua << n);
    case 0x4d:
        return ua >> n;
    case 0x4e:
        return (uint32_t)(a32 >> n);
    case 0x4f:
        return rol32(ua, n);
    case 0x5b:
        return bswap16(b);
    case 0x5c:
        return bswap32(b);
    case 0x5d:
        return bswap64(b);
    default:
        g_assert_not_reached();
    }
}

#define C4_PAIRS        2000
#define C4_LIT_A        16

/*
 * core4's integer operate additions against ref_core4, register forms
 * over C4_PAIRS operand pairs (the edge values pairwise first), the
 * literal forms over every literal with C4_LIT_A values of Ra.  On
 * core3 every one of them is OPCDEC.
 */
static void test_core4_alu(const void *data)
{
    const char *board = data;
    bool core4 = core_of(board)->core4;
    g_autofree char *args = g_strdup_printf("-M %s", board);
    int nops = ARRAY_SIZE(core4_ops);
    g_autofree uint64_t *ops = g_new(uint64_t, C4_PAIRS * 2);
    g_autofree uint64_t *out = NULL;
    uint64_t seed = 0xc04ec04ec04ec04eULL;
    Asm *a = asm_new_core(core_of(board));
    size_t bad = 0, nres, nlit = 0, r;
    QTestState *qts;
    char *elf;
    int i, k, lit, loop;

    for (i = 0; i < C4_PAIRS; i++) {
        operand_pair(i, &seed, &ops[2 * i], &ops[2 * i + 1]);
        if ((uint32_t)ops[2 * i + 1] == 0) {
            ops[2 * i + 1] |= 5;    /* no zero divisor, 32- or 64-bit */
        }
    }
    for (k = 0; k < nops; k++) {
        nlit += core4_ops[k].lit ? 256 : 0;
    }
    nres = (size_t)C4_PAIRS * nops + C4_LIT_A * nlit;
    out = g_new(uint64_t, nres);

    vec_all_faults(a);
    prologue(a);
    li(a, 10, BULK_BASE);
    li(a, 11, BULK_RES);
    li(a, 12, C4_PAIRS);
    loop = here(a);
    emit(a, enc_mem(OP_LDL, 1, 0, 10));
    emit(a, enc_mem(OP_LDL, 2, 8, 10));
    for (k = 0; k < nops; k++) {
        emit(a, enc_opr(core4_ops[k].func,
                        core4_ops[k].unary ? R_ZERO : 1, 2, 4));
        emit(a, enc_mem(OP_STL, 4, 0, 11));
        emit(a, enc_mem(OP_LDI, 11, 8, 11));
    }
    emit(a, enc_mem(OP_LDI, 10, 16, 10));
    emit(a, enc_oprl(F_SUBL, 12, 1, 12));
    br_to(a, OP_BNE, 12, loop);
    li(a, 10, BULK_BASE);
    li(a, 12, C4_LIT_A);
    loop = here(a);
    emit(a, enc_mem(OP_LDL, 1, 0, 10));
    for (k = 0; k < nops; k++) {
        if (!core4_ops[k].lit) {
            continue;
        }
        for (lit = 0; lit < 256; lit++) {
            emit(a, enc_oprl(core4_ops[k].func, 1, lit, 4));
            emit(a, enc_mem(OP_STL, 4, 0, 11));
            emit(a, enc_mem(OP_LDI, 11, 8, 11));
        }
    }
    emit(a, enc_mem(OP_LDI, 10, 16, 10));
    emit(a, enc_oprl(F_SUBL, 12, 1, 12));
    br_to(a, OP_BNE, 12, loop);
    epilogue(a);

    qts = prog_start(a, args, &elf);
    qtest_bufwrite(qts, BULK_BASE, ops, C4_PAIRS * 2 * 8);
    prog_run(qts, 120);
    if (!core4) {
        g_assert_cmpuint(status(qts, ST_TRAPS), ==, nres);
        g_assert_cmphex(status(qts, ST_VEC), ==, VEC_OPCDEC);
        goto out;
    }
    g_assert_cmpuint(status(qts, ST_TRAPS), ==, 0);
    qtest_bufread(qts, BULK_RES, out, nres * 8);
    r = 0;
    for (i = 0; i < C4_PAIRS; i++) {
        for (k = 0; k < nops; k++, r++) {
            uint64_t want = ref_core4(core4_ops[k].func, ops[2 * i],
                                      ops[2 * i + 1]);
            uint64_t got = le64_to_cpu(out[r]);

            if (got != want && bad++ < 20) {
                g_test_message("%s %016" PRIx64 ", %016" PRIx64 ": got %016"
                               PRIx64 ", want %016" PRIx64,
                               core4_ops[k].name, ops[2 * i], ops[2 * i + 1],
                               got, want);
            }
        }
    }
    for (i = 0; i < C4_LIT_A; i++) {
        for (k = 0; k < nops; k++) {
            if (!core4_ops[k].lit) {
                continue;
            }
            for (lit = 0; lit < 256; lit++, r++) {
                uint64_t want = ref_core4(core4_ops[k].func, ops[2 * i], lit);
                uint64_t got = le64_to_cpu(out[r]);

                if (got != want && bad++ < 20) {
                    g_test_message("%s (literal) %016" PRIx64 ", %d: got %016"
                                   PRIx64 ", want %016" PRIx64,
                                   core4_ops[k].name, ops[2 * i], lit, got,
                                   want);
                }
            }
        }
    }
    g_assert_cmpuint(bad, ==, 0);
out:
    prog_end(qts, elf);
    asm_free(a);
}

/*
 * core4's division by zero (notes §8.1): an arithmetic trap (0xB80) with
 * EXC_SUM = DZE_INT [39], what Linux's do_entArith maps to
 * SIGFPE/FPE_INTDIV, EXC_PC at the instruction and Rc unwritten; a
 * 32-bit divisor is its low 32 bits.  addpi/addpis: the next
 * instruction's address, aligned to 4 bytes / 64 KiB, plus disp13
 * words / 64 KiB units.  casw/casl: swap Rc in where the word at Rb
 * equals Ra (casw: its low 32 bits), Rc the old word.  The
 * post-increment loads and stores of major 0x1E: the access at Rb,
 * then Rb += disp12 (a load into Rb: the value loaded plus disp12).
 * On core3 all of them are OPCDEC.
 */
static void test_core4_misc(const void *data)
{
    const char *board = data;
    bool core4 = core_of(board)->core4;
    g_autofree char *args = g_strdup_printf("-M %s", board);
    Asm *a = asm_new_core(core_of(board));
    QTestState *qts;
    char *elf;
    int div0, div1, pi, pis, n4 = 0;

    vec_all_faults(a);
    prologue(a);
    li(a, 10, DATA_BASE);
    /* division by zero */
    li(a, 1, 100);
    li(a, 4, 0x4444);
    div0 = emit(a, enc_opr(0x1a, 1, R_ZERO, 4));
    n4++;
    emit(a, enc_mem(OP_LDL, 3, ST_EXC_SUM, R_GP));
    res(a, 3, 0);
    emit(a, enc_mem(OP_LDL, 3, ST_EXC_PC, R_GP));
    res(a, 3, 1);
    res(a, 4, 2);
    emit(a, enc_mem(OP_LDL, 3, ST_VEC, R_GP));
    res(a, 3, 23);
    li(a, 2, 0x100000000ULL);
    div1 = emit(a, enc_opr(0x11, 1, 2, 4));
    n4++;
    emit(a, enc_mem(OP_LDL, 3, ST_EXC_PC, R_GP));
    res(a, 3, 3);
    /* addpi, addpis */
    pi = emit(a, sw_op(0x10) | (uint32_t)(-3 & 0x1fff) << 13 | 0x1e << 5 | 5);
    n4++;
    res(a, 5, 4);
    pis = emit(a, sw_op(0x10) | 2 << 13 | 0x1f << 5 | 5);
    n4++;
    res(a, 5, 5);
    /* casl: equal, then not; casw compares the low 32 bits */
    li(a, 6, 0x1111222233334444ULL);
    emit(a, enc_mem(OP_STL, 6, 0, 10));
    li(a, 7, 0x5555);
    emit(a, enc_opr(0x5f, 6, 10, 7));
    n4++;
    res(a, 7, 6);
    li(a, 7, 0x6666);
    emit(a, enc_opr(0x5f, 6, 10, 7));
    n4++;
    res(a, 7, 7);
    emit(a, enc_mem(OP_LDL, 3, 0, 10));
    res(a, 3, 8);
    li(a, 6, 0xdeadbeef80000001ULL);
    emit(a, enc_mem(OP_STL, 6, 0, 10));
    li(a, 6, 0x1234567880000001ULL);
    li(a, 7, 0xffffffff12345678ULL);
    emit(a, enc_opr(0x5e, 6, 10, 7));
    n4++;
    res(a, 7, 9);
    emit(a, enc_mem(OP_LDL, 3, 0, 10));
    res(a, 3, 10);
    li(a, 7, 0x99);                             /* casw, not equal */
    emit(a, enc_opr(0x5e, 6, 10, 7));
    n4++;
    res(a, 7, 16);
    emit(a, enc_mem(OP_LDL, 3, 0, 10));
    res(a, 3, 17);
    /* post-increment: ldl_a, stw_a, ldw_a into Rb */
    li(a, 11, DATA_BASE + 0x40);
    li(a, 3, 0x0102030405060708ULL);
    emit(a, enc_mem(OP_STL, 3, 0, 11));
    emit(a, enc_mem12(0x1E, 0x3, 12, 8, 11));       /* ldl_a $12,8($11) */
    n4++;
    res(a, 12, 11);
    res(a, 11, 12);
    li(a, 13, 0xaabbccdd);
    emit(a, enc_mem12(0x1E, 0x8, 13, -4, 11));      /* stw_a */
    n4++;
    res(a, 11, 13);
    li(a, 14, DATA_BASE + 0x48);
    emit(a, enc_mem(OP_LDL, 3, 0, 14));
    res(a, 3, 14);
    li(a, 15, DATA_BASE + 0x40);
    emit(a, enc_mem12(0x1E, 0x2, 15, 16, 15));      /* ldw_a $15,16($15) */
    n4++;
    res(a, 15, 15);
    /* flds_a converts; dpfhr moves nothing; ldl_a into $31 no access */
    li(a, 16, DATA_BASE + 0x80);
    li(a, 3, 0x3f800000);
    emit(a, enc_mem(OP_STL, 3, 0, 16));
    emit(a, enc_mem12(0x1E, 0x4, 1, 4, 16));        /* flds_a $f1,4($16) */
    n4++;
    emit(a, enc_fimov(false, 1, 3));
    res(a, 3, 18);
    emit(a, enc_mem12(0x1E, 0xE, 0, 64, 16));       /* dpfhr */
    n4++;
    res(a, 16, 19);
    li(a, 17, DATA_BASE + 0x81);
    emit(a, enc_mem12(0x1E, 0x3, R_ZERO, 8, 17));   /* ldl_a $31 */
    n4++;
    res(a, 17, 20);
    /* a fault (UNALIGN) leaves Rb as it was */
    emit(a, enc_mem12(0x1E, 0x3, 3, 8, 17));        /* ldl_a $3,8($17) */
    n4++;
    res(a, 17, 21);
    emit(a, enc_mem(OP_LDL, 3, ST_VEC, R_GP));
    res(a, 3, 22);
    epilogue(a);

    qts = prog_go(a, args, &elf);
    if (!core4) {
        g_assert_cmpuint(status(qts, ST_TRAPS), ==, n4);
        g_assert_cmphex(status(qts, ST_VEC), ==, VEC_OPCDEC);
        goto out;
    }
    g_assert_cmphex(result(qts, 0), ==, 1ULL << 39);
    g_assert_cmphex(result(qts, 1), ==, addr_of(div0));
    g_assert_cmphex(result(qts, 2), ==, 0x4444);
    g_assert_cmphex(result(qts, 3), ==, addr_of(div1));
    g_assert_cmphex(result(qts, 23), ==, 0xB80);
    g_assert_cmphex(result(qts, 4), ==, addr_of(pi + 1) - 12);
    g_assert_cmphex(result(qts, 5), ==,
                    (addr_of(pis + 1) & ~0xffffULL) + 2 * 0x10000);
    g_assert_cmphex(result(qts, 6), ==, 0x1111222233334444ULL);
    g_assert_cmphex(result(qts, 7), ==, 0x5555);
    g_assert_cmphex(result(qts, 8), ==, 0x5555);
    g_assert_cmphex(result(qts, 9), ==, 0x80000001ULL);
    g_assert_cmphex(result(qts, 10), ==, 0xdeadbeef12345678ULL);
    g_assert_cmphex(result(qts, 16), ==, 0x12345678ULL);
    g_assert_cmphex(result(qts, 17), ==, 0xdeadbeef12345678ULL);
    g_assert_cmphex(result(qts, 11), ==, 0x0102030405060708ULL);
    g_assert_cmphex(result(qts, 12), ==, DATA_BASE + 0x48);
    g_assert_cmphex(result(qts, 13), ==, DATA_BASE + 0x44);
    g_assert_cmphex(result(qts, 14), ==, 0xaabbccdd);
    g_assert_cmphex(result(qts, 15), ==, 0x05060708 + 16);
    g_assert_cmphex(result(qts, 18), ==, 0x3ff0000000000000ULL);
    g_assert_cmphex(result(qts, 19), ==, DATA_BASE + 0x84);  /* flds_a +4 */
    g_assert_cmphex(result(qts, 20), ==, DATA_BASE + 0x89);
    g_assert_cmphex(result(qts, 21), ==, DATA_BASE + 0x89);
    g_assert_cmphex(result(qts, 22), ==, VEC_UNALIGN);
    /* the two divisions by zero (ARITH), the misaligned ldl_a */
    g_assert_cmpuint(status(qts, ST_TRAPS), ==, 3);
out:
    prog_end(qts, elf);
    asm_free(a);
}

/* ------------------------------------------------------------------ */
/* Instruction by instruction                                           */

/* ldi/ldih sign extension and bases; $31 reads zero, ignores writes */
#define DIFF_ALIAS      256     /* operand pairs of the aliasing check */
#define ALIAS_FORMS     5

/*
 * The operate functions with registers aliased (the same reference
 * model): Rc = Ra, Rc = Rb, Ra = $31 (reads 0), Rb = $31, and Rc = $31
 * (the result is discarded: the destination, preset, keeps its value).
 * One-source functions have Ra = $31 always: their Rc = Ra and Ra = $31
 * forms are the plain one.
 */
static void test_alu_aliasing(const void *data)
{
    const char *board = data;
    g_autofree char *args = g_strdup_printf("-M %s", board);
    int nops = ARRAY_SIZE(operate_ops);
    g_autofree uint64_t *ops = g_new(uint64_t, DIFF_ALIAS * 2);
    g_autofree uint64_t *out = g_new(uint64_t,
                                     DIFF_ALIAS * nops * ALIAS_FORMS);
    uint64_t seed = 0xa11a5a11a5a11a5ULL;
    Asm *a = asm_new_core(core_of(board));
    QTestState *qts;
    size_t bad = 0;
    char *elf;
    int i, k, f, loop;

    for (i = 0; i < DIFF_ALIAS; i++) {
        operand_pair(i, &seed, &ops[2 * i], &ops[2 * i + 1]);
    }
    vec_all_faults(a);
    prologue(a);
    li(a, 10, BULK_BASE);
    li(a, 11, BULK_RES);
    li(a, 12, DIFF_ALIAS);
    loop = here(a);
    emit(a, enc_mem(OP_LDL, 1, 0, 10));
    emit(a, enc_mem(OP_LDL, 2, 8, 10));
    for (k = 0; k < nops; k++) {
        int func = operate_ops[k].func;
        int ra = operate_ops[k].unary ? R_ZERO : 1;

        /* Rc = Ra */
        emit(a, enc_opr(F_BIS, R_ZERO, 1, 5));
        emit(a, enc_opr(func, operate_ops[k].unary ? R_ZERO : 5, 2, 5));
        emit(a, enc_mem(OP_STL, 5, (ALIAS_FORMS * k) * 8, 11));
        /* Rc = Rb */
        emit(a, enc_opr(F_BIS, R_ZERO, 2, 5));
        emit(a, enc_opr(func, ra, 5, 5));
        emit(a, enc_mem(OP_STL, 5, (ALIAS_FORMS * k + 1) * 8, 11));
        /* Ra = $31 */
        emit(a, enc_opr(func, R_ZERO, 2, 4));
        emit(a, enc_mem(OP_STL, 4, (ALIAS_FORMS * k + 2) * 8, 11));
        /* Rb = $31 */
        emit(a, enc_opr(func, ra, R_ZERO, 4));
        emit(a, enc_mem(OP_STL, 4, (ALIAS_FORMS * k + 3) * 8, 11));
        /* Rc = $31: $4 keeps 0x77 */
        emit(a, enc_mem(OP_LDI, 4, 0x77, R_ZERO));
        emit(a, enc_opr(func, ra, 2, R_ZERO));
        emit(a, enc_opr(F_BIS, 4, R_ZERO, 4));
        emit(a, enc_mem(OP_STL, 4, (ALIAS_FORMS * k + 4) * 8, 11));
    }
    emit(a, enc_mem(OP_LDI, 10, 16, 10));
    emit(a, enc_mem(OP_LDI, 11, nops * ALIAS_FORMS * 8, 11));
    emit(a, enc_oprl(F_SUBL, 12, 1, 12));
    br_to(a, OP_BNE, 12, loop);
    epilogue(a);

    qts = prog_start(a, args, &elf);
    qtest_bufwrite(qts, BULK_BASE, ops, DIFF_ALIAS * 2 * 8);
    prog_run(qts, 60);
    g_assert_cmpuint(status(qts, ST_TRAPS), ==, 0);
    qtest_bufread(qts, BULK_RES, out, DIFF_ALIAS * nops * ALIAS_FORMS * 8);
    for (i = 0; i < DIFF_ALIAS; i++) {
        uint64_t va = ops[2 * i], vb = ops[2 * i + 1];

        for (k = 0; k < nops; k++) {
            int func = operate_ops[k].func;
            uint64_t want[ALIAS_FORMS] = {
                ref_operate(func, va, vb), ref_operate(func, va, vb),
                ref_operate(func, 0, vb), ref_operate(func, va, 0), 0x77,
            };

            for (f = 0; f < ALIAS_FORMS; f++) {
                uint64_t got = le64_to_cpu(out[((size_t)i * nops + k) *
                                               ALIAS_FORMS + f]);

                if (got != want[f] && bad++ < 20) {
                    g_test_message("%s form %d %016" PRIx64 ", %016" PRIx64
                                   ": got %016" PRIx64 ", want %016" PRIx64,
                                   operate_ops[k].name, f, va, vb, got,
                                   want[f]);
                }
            }
        }
    }
    g_assert_cmpuint(bad, ==, 0);
    prog_end(qts, elf);
    asm_free(a);
}

static void test_ldi_zero_reg(void)
{
    Asm *a = asm_new();
    QTestState *qts;
    char *elf;

    vec_all_faults(a);
    prologue(a);
    emit(a, enc_mem(OP_LDI, 1, -1, R_ZERO));
    res(a, 1, 0);
    emit(a, enc_mem(OP_LDI, 2, 0x7fff, 1));              /* -1 + 0x7fff */
    res(a, 2, 1);
    emit(a, enc_mem(OP_LDIH, 3, (int16_t)0x8000, R_ZERO));
    res(a, 3, 2);
    emit(a, enc_mem(OP_LDIH, 4, 0x1234, 2));
    res(a, 4, 3);
    /* writes to $31 are dropped; it still reads 0 */
    emit(a, enc_mem(OP_LDI, R_ZERO, 5, R_ZERO));
    emit(a, enc_opr(F_ADDL, 1, 1, R_ZERO));
    emit(a, enc_mem(OP_LDL, R_ZERO, 0, 9));
    emit(a, enc_opr(F_BIS, R_ZERO, R_ZERO, 5));
    res(a, 5, 4);
    emit(a, enc_mem(OP_STL, R_ZERO, 5 * 8, 9));          /* stores 0 */
    epilogue(a);

    qts = prog_start(a, "-M core3", &elf);
    qtest_writeq(qts, RES_BASE + 5 * 8, 0xdead);
    prog_run(qts, 30);
    g_assert_cmphex(result(qts, 0), ==, ~0ULL);
    g_assert_cmphex(result(qts, 1), ==, 0x7ffe);
    g_assert_cmphex(result(qts, 2), ==, 0xffffffff80000000ULL);
    g_assert_cmphex(result(qts, 3), ==, 0x7ffe + 0x12340000ULL);
    g_assert_cmphex(result(qts, 4), ==, 0);
    g_assert_cmphex(result(qts, 5), ==, 0);
    g_assert_cmpuint(status(qts, ST_TRAPS), ==, 0);
    prog_end(qts, elf);
    asm_free(a);
}

/*
 * Loads and stores of every width: zero/sign extension, aligned
 * accesses, the UNALIGN trap of a misaligned one (DVA = the address,
 * destination unchanged), and ldl_u/stl_u ignoring the low bits.
 */
static void test_load_store(void)
{
    static const struct {
        int op;
        int size;
    } loads[] = {
        { OP_LDBU, 1 }, { OP_LDHU, 2 }, { OP_LDW, 4 }, { OP_LDL, 8 },
    }, stores[] = {
        { OP_STB, 1 }, { OP_STH, 2 }, { OP_STW, 4 }, { OP_STL, 8 },
    };
    const uint64_t pattern = 0x8899aabbccddeeffULL;
    Asm *a = asm_new();
    QTestState *qts;
    char *elf;
    int i, n = 0, unal[3];

    vec_all_faults(a);
    prologue(a);
    li(a, 10, DATA_BASE);
    /* aligned loads of the pattern at DATA_BASE + 0x10 */
    for (i = 0; i < 4; i++) {
        emit(a, enc_mem(loads[i].op, 1, 0x10, 10));
        res(a, 1, n++);                                   /* 0-3 */
    }
    /* aligned stores of -1 into zeroed quadwords at + 0x100 + 8 * i */
    li(a, 2, ~0ULL);
    for (i = 0; i < 4; i++) {
        emit(a, enc_mem(stores[i].op, 2, 0x100 + 8 * i, 10));
    }
    /* misaligned loads trap; the destination keeps 0x55 */
    for (i = 1; i < 4; i++) {
        emit(a, enc_mem(OP_LDI, 1, 0x55, R_ZERO));
        unal[i - 1] = emit(a, enc_mem(loads[i].op, 1, 0x11, 10));
        emit(a, enc_mem(OP_LDL, 3, ST_EXC_PC, R_GP));
        res(a, 3, 20 + i);                                /* 21-23 */
        emit(a, enc_mem(OP_LDL, 3, ST_DS_STAT, R_GP));
        res(a, 3, 30 + i);                                /* 31-33 */
        emit(a, enc_mem(OP_LDL, 3, ST_EXC_SUM, R_GP));
        res(a, 3, 40 + i);                                /* 41-43 */
        res(a, 1, n++);                                   /* 4, 6, 8 */
        emit(a, enc_mem(OP_LDL, 3, ST_DVA, R_GP));
        res(a, 3, n++);                                   /* 5, 7, 9 */
    }
    /* a misaligned store traps and writes nothing */
    emit(a, enc_mem(OP_STL, 2, 0x141, 10));
    /* ldl_u / stl_u: the quadword containing the address */
    emit(a, enc_mem(OP_LDL_U, 1, 0x1f, 10));
    res(a, 1, n++);                                       /* 10 */
    emit(a, enc_mem(OP_STL_U, 2, 0x15b, 10));
    epilogue(a);

    qts = prog_start(a, "-M core3", &elf);
    qtest_writeq(qts, DATA_BASE + 0x10, pattern);
    qtest_writeq(qts, DATA_BASE + 0x18, 0x0706050403020100ULL);
    prog_run(qts, 30);
    g_assert_cmphex(result(qts, 0), ==, 0xff);
    g_assert_cmphex(result(qts, 1), ==, 0xeeff);
    g_assert_cmphex(result(qts, 2), ==, 0xffffffffccddeeffULL);
    g_assert_cmphex(result(qts, 3), ==, pattern);
    for (i = 0; i < 4; i++) {
        g_assert_cmphex(qtest_readq(qts, DATA_BASE + 0x100 + 8 * i), ==,
                        stores[i].size == 8 ? ~0ULL :
                        (1ULL << (stores[i].size * 8)) - 1);
    }
    /*
     * UNALIGN: EXC_PC the instruction, DVA the address, DS_STAT the
     * opcode in [9:4] and WR in [0], EXC_SUM the register in [12:8]
     * (notes §1.2, §2.6: what the HMcode passes to entUna)
     */
    for (i = 0; i < 3; i++) {
        g_assert_cmphex(result(qts, 4 + 2 * i), ==, 0x55);
        g_assert_cmphex(result(qts, 5 + 2 * i), ==, DATA_BASE + 0x11);
        g_assert_cmphex(result(qts, 21 + i), ==, addr_of(unal[i]));
        g_assert_cmphex(result(qts, 31 + i), ==, loads[i + 1].op << 4);
        g_assert_cmphex(result(qts, 41 + i), ==, 1 << 8);
    }
    g_assert_cmphex(qtest_readq(qts, DATA_BASE + 0x140), ==, 0);
    g_assert_cmphex(qtest_readq(qts, DATA_BASE + 0x148), ==, 0);
    g_assert_cmphex(status(qts, ST_VEC), ==, VEC_UNALIGN);
    g_assert_cmphex(status(qts, ST_DS_STAT), ==, OP_STL << 4 | 1);
    g_assert_cmphex(status(qts, ST_EXC_SUM), ==, 2 << 8);
    g_assert_cmphex(status(qts, ST_DVA), ==, DATA_BASE + 0x141);
    g_assert_cmpuint(status(qts, ST_TRAPS), ==, 4);
    g_assert_cmphex(result(qts, 10), ==, 0x0706050403020100ULL);
    g_assert_cmphex(qtest_readq(qts, DATA_BASE + 0x158), ==, ~0ULL);
    prog_end(qts, elf);
    asm_free(a);
}

/*
 * Conditional branches, taken and not taken: result = 1 when taken.
 * br/bsr write the return address (no mode bits); call/ret/jmp go to
 * Rb with its low bits ignored and link the next address in Ra.
 */
static void test_branches(void)
{
    static const int ops[] = {
        OP_BEQ, OP_BNE, OP_BLT, OP_BLE, OP_BGT, OP_BGE, OP_BLBC, OP_BLBS,
    };
    static const int64_t vals[] = { -2, -1, 0, 1, 2, INT64_MIN };
    /* taken? per op and value */
    static const bool taken[8][6] = {
        { 0, 0, 1, 0, 0, 0 }, { 1, 1, 0, 1, 1, 1 },
        { 1, 1, 0, 0, 0, 1 }, { 1, 1, 1, 0, 0, 1 },
        { 0, 0, 0, 1, 1, 0 }, { 0, 0, 1, 1, 1, 0 },
        { 1, 0, 1, 0, 1, 1 }, { 0, 1, 0, 1, 0, 0 },
    };
    Asm *a = asm_new();
    QTestState *qts;
    char *elf;
    int i, j, n = 0, fix, br_at, bsr, func, call, la, jmp, after;

    vec_all_faults(a);
    prologue(a);
    for (i = 0; i < ARRAY_SIZE(ops); i++) {
        for (j = 0; j < ARRAY_SIZE(vals); j++) {
            li(a, 1, vals[j]);
            emit(a, enc_mem(OP_LDI, 2, 1, R_ZERO));
            fix = emit(a, 0);
            emit(a, enc_mem(OP_LDI, 2, 0, R_ZERO));
            patch_br(a, fix, ops[i], 1, here(a));
            res(a, 2, n++);
        }
    }
    /* 48, 49: br over one instruction, linking into $3 */
    emit(a, enc_mem(OP_LDI, 4, 0x11, R_ZERO));
    br_at = emit(a, 0);
    emit(a, enc_mem(OP_LDI, 4, 0x99, R_ZERO));           /* skipped */
    patch_br(a, br_at, OP_BR, 3, here(a));
    res(a, 3, 48);
    res(a, 4, 49);
    /* 50, 51: bsr to a function that returns with ret $31,($26) */
    bsr = emit(a, 0);
    fix = emit(a, 0);
    func = here(a);
    emit(a, enc_mem(OP_LDI, 5, 0x77, R_ZERO));
    emit(a, enc_mem(OP_RET, R_ZERO, 1, R_RA));
    patch_br(a, bsr, OP_BSR, R_RA, func);
    patch_br(a, fix, OP_BR, R_ZERO, here(a));
    res(a, 5, 50);
    res(a, R_RA, 51);
    /* 52: call through $27 with low bits set, linking into $26 */
    la = la_reserve(a);
    patch_la(a, la, 27, func);
    emit(a, enc_oprl(F_BIS, 27, 3, 27));
    call = emit(a, enc_mem(OP_CALL, R_RA, 0, 27));
    res(a, R_RA, 52);
    /* 53, 54: jmp $31 links nothing; jmp $7 links */
    emit(a, enc_mem(OP_LDI, 6, 1, R_ZERO));
    la = la_reserve(a);
    jmp = emit(a, enc_mem(OP_JMP, 7, 0, 27));
    emit(a, enc_mem(OP_LDI, 6, 2, R_ZERO));               /* skipped */
    after = here(a);
    patch_la(a, la, 27, after);
    res(a, 6, 53);
    res(a, 7, 54);
    epilogue(a);

    qts = prog_go(a, "-M core3", &elf);
    for (i = 0; i < ARRAY_SIZE(ops); i++) {
        for (j = 0; j < ARRAY_SIZE(vals); j++) {
            g_assert_cmpuint(result(qts, i * 6 + j), ==, taken[i][j]);
        }
    }
    g_assert_cmphex(result(qts, 48), ==, addr_of(br_at + 1));
    g_assert_cmphex(result(qts, 49), ==, 0x11);
    g_assert_cmphex(result(qts, 50), ==, 0x77);
    g_assert_cmphex(result(qts, 51), ==, addr_of(bsr + 1));
    g_assert_cmphex(result(qts, 52), ==, addr_of(call + 1));
    g_assert_cmphex(result(qts, 53), ==, 1);
    g_assert_cmphex(result(qts, 54), ==, addr_of(jmp + 1));
    g_assert_cmpuint(status(qts, ST_TRAPS), ==, 0);
    prog_end(qts, elf);
    asm_free(a);
}

/*
 * LL/SC on one CPU: lldl/lldw load and lock; the store-conditional
 * succeeds once, fails after the memory changed, for another address,
 * and without a lock.  core4's lstw/lstl write the outcome into Ra;
 * core3 needs wr_f to arm the store and rd_f reads the outcome.
 */
static void llsc_store(Asm *a, bool core4, int func, int ra, int disp,
                       int rb, int out)
{
    if (!core4) {
        emit(a, enc_mem(OP_LDI, 8, 1, R_ZERO));
        emit(a, enc_misc(MISC_WR_F, 8));
    }
    emit(a, enc_mem12(OP_LLSC, func, ra, disp, rb));
    if (!core4) {
        emit(a, enc_misc(MISC_RD_F, out));
    } else if (out != ra) {
        emit(a, enc_opr(F_BIS, R_ZERO, ra, out));
    }
}

static void test_llsc(const void *data)
{
    const char *board = data;
    const Core *c = core_of(board);
    bool core4 = c->core4;
    g_autofree char *args = g_strdup_printf("-M %s", board);
    Asm *a = asm_new_core(c);
    QTestState *qts;
    char *elf;

    vec_all_faults(a);
    prologue(a);
    li(a, 10, DATA_BASE);
    /* 0, 1: lldl, then lstl of value + 1 succeeds */
    emit(a, enc_mem12(OP_LLSC, LLSC_LLDL, 1, 0, 10));
    res(a, 1, 0);
    emit(a, enc_oprl(F_ADDL, 1, 1, 2));
    llsc_store(a, core4, LLSC_LSTL, 2, 0, 10, 3);
    res(a, 3, 1);
    /* 2: a second lstl without a new lldl fails */
    emit(a, enc_mem(OP_LDI, 2, 0x55, R_ZERO));
    llsc_store(a, core4, LLSC_LSTL, 2, 0, 10, 3);
    res(a, 3, 2);
    /* 3: the memory changed between lldl and lstl: fails */
    emit(a, enc_mem12(OP_LLSC, LLSC_LLDL, 1, 0, 10));
    emit(a, enc_mem(OP_LDI, 4, 0x66, R_ZERO));
    emit(a, enc_mem(OP_STL, 4, 0, 10));
    llsc_store(a, core4, LLSC_LSTL, 2, 0, 10, 3);
    res(a, 3, 3);
    /* 4: lstl to another address than the lock's: fails */
    emit(a, enc_mem12(OP_LLSC, LLSC_LLDL, 1, 0, 10));
    llsc_store(a, core4, LLSC_LSTL, 2, 8, 10, 3);
    res(a, 3, 4);
    /* 7: core3, lstl without wr_f since the lldl: fails */
    if (!core4) {
        emit(a, enc_mem12(OP_LLSC, LLSC_LLDL, 1, 0x18, 10));
        emit(a, enc_mem12(OP_LLSC, LLSC_LSTL, 2, 0x18, 10));
        emit(a, enc_misc(MISC_RD_F, 3));
        res(a, 3, 7);
    }
    /* 5, 6: lldw sign-extends; lstw stores 32 bits */
    emit(a, enc_mem12(OP_LLSC, LLSC_LLDW, 1, 0x10, 10));
    res(a, 1, 5);
    emit(a, enc_mem(OP_LDI, 2, 0x1234, R_ZERO));
    llsc_store(a, core4, LLSC_LSTW, 2, 0x10, 10, 3);
    res(a, 3, 6);
    epilogue(a);

    qts = prog_start(a, args, &elf);
    qtest_writeq(qts, DATA_BASE, 41);
    qtest_writeq(qts, DATA_BASE + 0x10, 0x1111111180000000ULL);
    prog_run(qts, 30);
    g_assert_cmphex(result(qts, 0), ==, 41);
    g_assert_cmphex(result(qts, 1), ==, 1);
    g_assert_cmphex(result(qts, 2), ==, 0);
    g_assert_cmphex(result(qts, 3), ==, 0);
    g_assert_cmphex(result(qts, 4), ==, 0);
    g_assert_cmphex(qtest_readq(qts, DATA_BASE), ==, 0x66);
    g_assert_cmphex(qtest_readq(qts, DATA_BASE + 8), ==, 0);
    g_assert_cmphex(result(qts, 5), ==, 0xffffffff80000000ULL);
    g_assert_cmphex(result(qts, 6), ==, 1);
    g_assert_cmphex(qtest_readq(qts, DATA_BASE + 0x10), ==,
                    0x1111111100001234ULL);
    if (!core4) {
        g_assert_cmphex(result(qts, 7), ==, 0);
        g_assert_cmphex(qtest_readq(qts, DATA_BASE + 0x18), ==, 0);
    }
    g_assert_cmpuint(status(qts, ST_TRAPS), ==, 0);
    prog_end(qts, elf);
    asm_free(a);
}

/*
 * The rest of the memory instructions: the _nc loads and stores,
 * HMcode's pri_ld/pri_st (/p physical; /v through the kernel's
 * translation: the direct map works, a low address misses), cache
 * hints that never fault, and core4's wmemb.
 */
static void test_other_mem(const void *data)
{
    const char *board = data;
    const Core *c = core_of(board);
    bool core4 = c->core4;
    g_autofree char *args = g_strdup_printf("-M %s", board);
    Asm *a = asm_new_core(c);
    QTestState *qts;
    char *elf;
    int miss;

    vec_all_faults(a);
    prologue(a);
    li(a, 10, DATA_BASE);
    li(a, 11, KSEG | DATA_BASE);
    li(a, 12, SW64_VMALLOC);                    /* unmapped */
    li(a, 2, 0x8000000012345678ULL);
    /* 0-1: ldw_nc sign-extends, ldl_nc; stw_nc/stl_nc at +0x20/+0x28 */
    emit(a, enc_mem12(OP_LLSC, LLSC_LDW_NC, 1, 0, 10));
    res(a, 1, 0);
    emit(a, enc_mem12(OP_LLSC, LLSC_LDL_NC, 1, 8, 10));
    res(a, 1, 1);
    emit(a, enc_mem12(OP_LLSC, LLSC_STW_NC, 2, 0x20, 10));
    emit(a, enc_mem12(OP_LLSC, LLSC_STL_NC, 2, 0x28, 10));
    /* 2-3: pri_ldw/p, pri_ldl/p; pri_stw/p, pri_stl/p at +0x30/+0x38 */
    emit(a, enc_mem12(OP_PRI_LD, 0x0, 1, 0, 10));
    res(a, 1, 2);
    emit(a, enc_mem12(OP_PRI_LD, 0x1, 1, 8, 10));
    res(a, 1, 3);
    emit(a, enc_mem12(OP_PRI_ST, 0x0, 2, 0x30, 10));
    emit(a, enc_mem12(OP_PRI_ST, 0x1, 2, 0x38, 10));
    /* 4: pri_ldl/v through the direct map; pri_stl/v at +0x40 */
    emit(a, enc_mem12(OP_PRI_LD, 0x9, 1, 8, 11));
    res(a, 1, 4);
    emit(a, enc_mem12(OP_PRI_ST, 0x9, 2, 0x40, 11));
    /* 5: pri_ldl/v of a low address: MMU fault, $1 unchanged */
    emit(a, enc_mem(OP_LDI, 1, 0x21, R_ZERO));
    miss = emit(a, enc_mem12(OP_PRI_LD, 0x9, 1, 0, 10));
    res(a, 1, 5);
    emit(a, enc_mem(OP_LDL, 1, ST_VEC, R_GP));
    res(a, 1, 6);
    emit(a, enc_mem(OP_LDL, 1, ST_EXC_PC, R_GP));
    res(a, 1, 7);
    emit(a, enc_mem(OP_LDL, 1, ST_DS_STAT, R_GP));
    res(a, 1, 10);
    /* hints at an unmapped address: no fault */
    emit(a, enc_mem(OP_LDBU, R_ZERO, 0, 12));
    emit(a, enc_mem(OP_LDL, R_ZERO, 8, 12));
    emit(a, enc_mem(OP_LDL_U, R_ZERO, 3, 12));
    emit(a, enc_mem(0x09 /* fillcs */, R_ZERO, 0, 12));
    emit(a, enc_mem(0x27 /* fillde_e */, R_ZERO, 0, 12));
    if (core4) {
        emit(a, enc_misc(0x0002 /* wmemb */, R_ZERO));
    }
    /* 8, 9: ldw_nc into $31 is no hint: it accesses, and faults */
    emit(a, enc_mem12(OP_LLSC, LLSC_LDW_NC, R_ZERO, 0, 12));
    emit(a, enc_mem(OP_LDL, 1, ST_VEC, R_GP));
    res(a, 1, 8);
    emit(a, enc_mem(OP_LDL, 1, ST_DVA, R_GP));
    res(a, 1, 9);
    epilogue(a);

    qts = prog_start(a, args, &elf);
    qtest_writeq(qts, DATA_BASE, 0x00000000f0000001ULL);
    qtest_writeq(qts, DATA_BASE + 8, 0x1122334455667788ULL);
    prog_run(qts, 30);
    g_assert_cmphex(result(qts, 0), ==, 0xfffffffff0000001ULL);
    g_assert_cmphex(result(qts, 1), ==, 0x1122334455667788ULL);
    g_assert_cmphex(qtest_readq(qts, DATA_BASE + 0x20), ==, 0x12345678);
    g_assert_cmphex(qtest_readq(qts, DATA_BASE + 0x28), ==,
                    0x8000000012345678ULL);
    g_assert_cmphex(result(qts, 2), ==, 0xfffffffff0000001ULL);
    g_assert_cmphex(result(qts, 3), ==, 0x1122334455667788ULL);
    g_assert_cmphex(qtest_readq(qts, DATA_BASE + 0x30), ==, 0x12345678);
    g_assert_cmphex(qtest_readq(qts, DATA_BASE + 0x38), ==,
                    0x8000000012345678ULL);
    g_assert_cmphex(result(qts, 4), ==, 0x1122334455667788ULL);
    g_assert_cmphex(qtest_readq(qts, DATA_BASE + 0x40), ==,
                    0x8000000012345678ULL);
    /* MMU faults: ITB_MISS, TNV, load (notes §4.4) */
    g_assert_cmphex(result(qts, 5), ==, 0x21);
    g_assert_cmphex(result(qts, 6), ==, VEC_MM);
    g_assert_cmphex(result(qts, 7), ==, addr_of(miss));
    g_assert_cmphex(result(qts, 10), ==, 1 << 3);
    g_assert_cmphex(result(qts, 8), ==, VEC_MM);
    g_assert_cmphex(result(qts, 9), ==, SW64_VMALLOC);
    g_assert_cmpuint(status(qts, ST_TRAPS), ==, 2);
    prog_end(qts, elf);
    asm_free(a);
}

/*
 * The misc group: rcid is the cid property, rtid 0, rtc counts up, memb
 * and imemb are accepted, halt stops the CPU at the next instruction.
 * DATA: the -accel argument (MTTCG, or one thread with -icount, where
 * rtc ends its TB).
 */
static void test_misc(const void *data)
{
    const char *accel = data;
    Asm *a = asm_new();
    QTestState *qts;
    char *elf;
    int i, halt;
    uint64_t t0, t1;
    g_autofree char *regs = NULL;
    g_autofree char *pc = NULL;

    vec_all_faults(a);
    prologue(a);
    emit(a, enc_misc(MISC_RCID, 1));
    res(a, 1, 0);
    emit(a, enc_mem(OP_LDI, 1, 0x66, R_ZERO));
    emit(a, enc_misc(0x1040 /* rtid */, 1));
    res(a, 1, 4);
    emit(a, enc_misc(MISC_RTC, 2));
    for (i = 0; i < 100; i++) {
        emit(a, enc_misc(i & 1 ? MISC_MEMB : MISC_IMEMB, R_ZERO));
    }
    emit(a, enc_misc(MISC_RTC, 3));
    res(a, 2, 1);
    res(a, 3, 2);
    li(a, R_AT, DONE_MAGIC);
    emit(a, enc_mem(OP_STL, R_AT, ST_DONE, R_GP));
    halt = emit(a, enc_misc(MISC_HALT, R_ZERO));
    emit(a, enc_mem(OP_LDI, 4, 0x42, R_ZERO));
    res(a, 4, 3);

    qts = prog_start_accel(a, accel, "-M core3", &elf);
    prog_run(qts, 30);
    g_assert_cmphex(result(qts, 0), ==, 0);
    g_assert_cmphex(result(qts, 4), ==, 0);
    t0 = result(qts, 1);
    t1 = result(qts, 2);
    g_assert_cmpuint(t0, >, 0);
    g_assert_cmpuint(t1, >, t0);
    g_usleep(100 * 1000);
    g_assert_cmphex(result(qts, 3), ==, 0);
    regs = stack_cpu_regs(qts, 0);
    pc = g_strdup_printf("PC      %016" PRIx64 " (hmcode mode)",
                         addr_of(halt + 1));
    g_assert_nonnull(strstr(regs, pc));
    prog_end(qts, elf);
    asm_free(a);
}

/*
 * Unimplemented opcodes and function codes enter OPCDEC with EXC_PC at
 * the instruction; the program's handler skips it and execution goes
 * on.  A load or store at an unassigned physical address raises
 * nothing (the vendor's emulator does not, and its HMcode relies on
 * it: notes §10): the load reads the bus's 0.
 */
static void test_opcdec_bus_error(const void *data)
{
    const char *board = data;
    const Core *c = core_of(board);
    bool core4 = c->core4;
    g_autofree char *args = g_strdup_printf("-M %s", board);
    const uint32_t illegal[] = {
        sw_op(0x1E) | 0xc000,                   /* 0x1E: no function C */
        sw_op(0x18) | 0x26 << 5,               /* FP operate: no 0x26 */
        sw_op(0x1A) | 1 << 21,                  /* SIMD operate */
        enc_misc(0x1234, 1),                    /* misc function */
        enc_opr(0x7F, 1, 2, 3),                 /* operate function */
        enc_opr(core4 ? 0x15 : 0x11, 1, 2, 3),  /* core3: no divw */
        enc_oprl(F_CTPOP, R_ZERO, 5, 3),        /* ctpop has no literal */
        /* core4 ldw_inc, core3 ldd_nc (FP/SIMD: not yet) */
        enc_mem12(OP_LLSC, core4 ? 0x2 : 0xC, 1, 0, 10),
        enc_misc(core4 ? MISC_RD_F : 0x0002, 1), /* core4 rd_f/core3 wmemb */
        enc_opr(F_CTPOP, 1, 2, 3),              /* one-source: Ra != 31 */
        enc_oprl(F_SEXTB, 1, 5, 3),
        enc_opr(F_ADDL, 1, 2, 3) | 1 << 13,     /* reserved [15:13] */
        enc_sel(0, 1, 2, 3, 4) | 1 << 15,
    };
    Asm *a = asm_new_core(c);
    QTestState *qts;
    char *elf;
    int i, at[ARRAY_SIZE(illegal)];

    vec_all_faults(a);
    prologue(a);
    li(a, 10, DATA_BASE);
    for (i = 0; i < ARRAY_SIZE(illegal); i++) {
        at[i] = emit(a, illegal[i]);
        emit(a, enc_mem(OP_LDL, 1, ST_EXC_PC, R_GP));
        res(a, 1, 2 * i);
        emit(a, enc_mem(OP_LDL, 1, ST_VEC, R_GP));
        res(a, 1, 2 * i + 1);
    }
    li(a, 11, 0x700000000000ULL);
    emit(a, enc_mem(OP_LDI, 2, 0x33, R_ZERO));
    emit(a, enc_mem(OP_STL, 2, 0, 11));
    emit(a, enc_mem(OP_LDL, 2, 8, 11));
    res(a, 2, 40);
    epilogue(a);

    qts = prog_go(a, args, &elf);
    for (i = 0; i < ARRAY_SIZE(illegal); i++) {
        g_test_message("illegal word %08x", illegal[i]);
        g_assert_cmphex(result(qts, 2 * i), ==, addr_of(at[i]));
        g_assert_cmphex(result(qts, 2 * i + 1), ==, VEC_OPCDEC);
    }
    /* the bus's value for nothing there: 0, and no exception */
    g_assert_cmphex(result(qts, 40), ==, 0);
    g_assert_cmpuint(status(qts, ST_TRAPS), ==, ARRAY_SIZE(illegal));
    prog_end(qts, elf);
    asm_free(a);
}

/*
 * core3's atomics (notes §8.2): ldw_inc/ldl_inc add 1, ldw_dec/ldl_dec
 * subtract 1, ldw_set/ldl_set store 1, each loading the old value
 * (words sign-extended); under -smp 4 MTTCG, 4 x 20000 ldl_inc on one
 * counter add up exactly.  core4 does not have them: OPCDEC.
 */
static void test_atomics(const void *data)
{
    const char *board = data;
    const Core *c = core_of(board);
    bool core4 = c->core4;
    g_autofree char *args = g_strdup_printf("-M %s -smp 4", board);
    Asm *a = asm_new_core(c);
    QTestState *qts;
    char *elf;
    int i, fix, loop, wait, halt;

    vec_all_faults(a);
    prologue(a);
    li(a, 10, DATA_BASE);
    emit(a, enc_misc(MISC_RCID, 13));
    fix = emit(a, 0);
    for (i = 0; i < 6; i++) {
        /* word i at DATA_BASE + 8 * i: the old value, then memory */
        emit(a, enc_mem12(OP_LLSC, 2 + i, 1, 8 * i, 10));
        res(a, 1, i);
    }
    patch_br(a, fix, OP_BNE, 13, here(a));
    if (!core4) {
        /* every CPU: 20000 ldl_inc on DATA_BASE + 0x100 */
        li(a, 16, 20000);
        loop = here(a);
        emit(a, enc_mem12(OP_LLSC, 3, R_ZERO, 0x100, 10));
        emit(a, enc_oprl(F_SUBL, 16, 1, 16));
        br_to(a, OP_BNE, 16, loop);
        emit(a, enc_mem12(OP_LLSC, 3, R_ZERO, 0x140, 10));
    }
    fix = emit(a, 0);
    wait = here(a);
    if (!core4) {
        emit(a, enc_mem(OP_LDL, 1, 0x140, 10));
        emit(a, enc_oprl(F_CMPEQ, 1, 4, 1));
        br_to(a, OP_BEQ, 1, wait);
    }
    epilogue(a);
    halt = here(a);
    patch_br(a, fix, OP_BNE, 13, halt);
    emit(a, enc_misc(MISC_HALT, R_ZERO));
    br_to(a, OP_BR, R_ZERO, halt);

    qts = prog_start(a, args, &elf);
    qtest_writeq(qts, DATA_BASE + 0, 0x7fffffff);          /* ldw_inc */
    qtest_writeq(qts, DATA_BASE + 8, 0xfffffffffffffffeULL); /* ldl_inc */
    qtest_writeq(qts, DATA_BASE + 16, 0x80000000);          /* ldw_dec */
    qtest_writeq(qts, DATA_BASE + 24, 0);                   /* ldl_dec */
    qtest_writeq(qts, DATA_BASE + 32, 0xaaaaaaaa55555555ULL); /* ldw_set */
    qtest_writeq(qts, DATA_BASE + 40, 0x1234);              /* ldl_set */
    if (core4) {
        prog_run(qts, 30);
        /* each of the six is OPCDEC */
        g_assert_cmpuint(status(qts, ST_TRAPS), ==, 6);
        g_assert_cmphex(status(qts, ST_VEC), ==, VEC_OPCDEC);
        g_assert_cmphex(qtest_readq(qts, DATA_BASE), ==, 0x7fffffff);
        prog_end(qts, elf);
        asm_free(a);
        return;
    }
    prog_run(qts, 60);
    g_assert_cmphex(result(qts, 0), ==, 0x7fffffff);
    g_assert_cmphex(qtest_readq(qts, DATA_BASE), ==, 0x80000000);
    g_assert_cmphex(result(qts, 1), ==, 0xfffffffffffffffeULL);
    g_assert_cmphex(qtest_readq(qts, DATA_BASE + 8), ==, ~0ULL);
    g_assert_cmphex(result(qts, 2), ==, 0xffffffff80000000ULL);
    g_assert_cmphex(qtest_readq(qts, DATA_BASE + 16), ==, 0x7fffffff);
    g_assert_cmphex(result(qts, 3), ==, 0);
    g_assert_cmphex(qtest_readq(qts, DATA_BASE + 24), ==, ~0ULL);
    g_assert_cmphex(result(qts, 4), ==, 0x55555555);
    g_assert_cmphex(qtest_readq(qts, DATA_BASE + 32), ==,
                    0xaaaaaaaa00000001ULL);
    g_assert_cmphex(result(qts, 5), ==, 0x1234);
    g_assert_cmphex(qtest_readq(qts, DATA_BASE + 40), ==, 1);
    g_assert_cmpuint(qtest_readq(qts, DATA_BASE + 0x100), ==, 4 * 20000);
    g_assert_cmpuint(status(qts, ST_TRAPS), ==, 0);
    prog_end(qts, elf);
    asm_free(a);
}

/*
 * The byte-manipulation functions on hand-derived vectors (the ALU
 * differential check compares with a model built on the same reading
 * of the ISA; these catch slips in that model)
 */
static void test_byte_ops(void)
{
    static const struct {
        int func;
        uint64_t a;
        uint8_t lit;
        uint64_t want;
    } v[] = {
        { 0x50, 0x0123456789abcdefULL, 2, 0xab },                /* extlb */
        { 0x51, 0x0123456789abcdefULL, 3, 0x6789 },              /* extlh */
        { 0x52, 0x0123456789abcdefULL, 4, 0x01234567 },          /* extlw */
        { 0x53, 0x0123456789abcdefULL, 1, 0x000123456789abcdULL }, /* extll */
        { 0x57, 0x0123456789abcdefULL, 1, 0xef00000000000000ULL }, /* exthl */
        { 0x56, 0x0123456789abcdefULL, 6, 0xcdef0000 },          /* exthw */
        { 0x57, 0x0123456789abcdefULL, 0, 0x0123456789abcdefULL }, /* exthl 0 */
        { 0x40, 0x0123456789abcdefULL, 3, 0xef000000 },          /* inslb */
        { 0x43, 0x0123456789abcdefULL, 2, 0x456789abcdef0000ULL }, /* insll */
        { 0x46, 0x0123456789abcdefULL, 6, 0x89ab },              /* inshw */
        { 0x47, 0x0123456789abcdefULL, 0, 0 },                   /* inshl 0 */
        { 0x61, 0x0123456789abcdefULL, 2, 0x012345670000cdefULL }, /* masklh */
        { 0x67, 0x0123456789abcdefULL, 3, 0x0123456789000000ULL }, /* maskhl */
        { 0x67, 0x0123456789abcdefULL, 0, 0x0123456789abcdefULL }, /* maskhl 0 */
        { 0x68, 0x0123456789abcdefULL, 0x0f, 0x0123456700000000ULL }, /* zap */
        { 0x69, 0x0123456789abcdefULL, 0x81, 0x01000000000000efULL }, /* zapnot */
        { 0x6C, 0x0102030405060700ULL, 0x07, 0xfe },             /* cmpgeb */
    };
    Asm *a = asm_new();
    QTestState *qts;
    char *elf;
    int i;

    vec_all_faults(a);
    prologue(a);
    for (i = 0; i < ARRAY_SIZE(v); i++) {
        li(a, 1, v[i].a);
        emit(a, enc_oprl(v[i].func, 1, v[i].lit, 2));
        res(a, 2, i);
    }
    epilogue(a);

    qts = prog_go(a, "-M core3", &elf);
    for (i = 0; i < ARRAY_SIZE(v); i++) {
        g_test_message("function 0x%x", v[i].func);
        g_assert_cmphex(result(qts, i), ==, v[i].want);
        g_assert_cmphex(ref_operate(v[i].func, v[i].a, v[i].lit), ==,
                        v[i].want);
    }
    prog_end(qts, elf);
    asm_free(a);
}

/*
 * Translation stops at a page boundary: two instructions at the end of
 * RAM run, and the fetch beyond it raises IACV with EXC_PC = the end of
 * RAM (not the start of the TB) and EXC_SUM naming the cause as each
 * core's HMcode reads it: core4 IACV0 [36], core3 none of its causes
 * (0), whatever EXC_SUM held before (here a CSR_ACV).  The IACV handler
 * returns to $27.
 */
static void test_page_end(const void *data)
{
    const char *board = data;
    const Core *c = core_of(board);
    g_autofree char *args = g_strdup_printf("-M %s -m 64M", board);
    const uint64_t ram_end = 64 * 1024 * 1024;
    const uint32_t iacv[] = {
        enc_mem(OP_LDL, R_AT, ST_TRAPS, R_GP),
        enc_oprl(F_ADDL, R_AT, 1, R_AT),
        enc_mem(OP_STL, R_AT, ST_TRAPS, R_GP),
        enc_csr(false, R_AT, CSR_EXC_PC),
        enc_mem(OP_STL, R_AT, ST_EXC_PC, R_GP),
        enc_csr(false, R_AT, CSR_EXC_SUM),
        enc_mem(OP_STL, R_AT, ST_EXC_SUM, R_GP),
        enc_pri_ret(27),
    };
    Asm *a = asm_new_core(c);
    QTestState *qts;
    char *elf;
    int la, back;

    vec_all_faults(a);
    vec_put(a, 0xD00, iacv, ARRAY_SIZE(iacv));
    prologue(a);
    li(a, 1, 1ULL << 38);
    emit(a, enc_csr(true, 1, CSR_EXC_SUM));
    la = la_reserve(a);
    li(a, 1, ram_end - 8);
    emit(a, enc_mem(OP_JMP, R_ZERO, 0, 1));
    back = here(a);
    patch_la(a, la, 27, back);
    res(a, 2, 0);
    res(a, 3, 1);
    epilogue(a);

    qts = prog_start(a, args, &elf);
    qtest_writel(qts, ram_end - 8, enc_mem(OP_LDI, 2, 0x22, R_ZERO));
    qtest_writel(qts, ram_end - 4, enc_mem(OP_LDI, 3, 0x33, R_ZERO));
    prog_run(qts, 30);
    g_assert_cmphex(result(qts, 0), ==, 0x22);
    g_assert_cmphex(result(qts, 1), ==, 0x33);
    g_assert_cmphex(status(qts, ST_EXC_PC), ==, ram_end);
    g_assert_cmphex(status(qts, ST_EXC_SUM), ==, c->core4 ? 1ULL << 36 : 0);
    g_assert_cmpuint(status(qts, ST_TRAPS), ==, 1);
    prog_end(qts, elf);
    asm_free(a);
}

#define SMP_CPUS        4
#define SMP_LOOPS       100000

/*
 * Multi-threaded TCG, -smp 4: every CPU runs the program; each
 * stores its rcid, adds 1 to a shared counter SMP_LOOPS times with an
 * LL/SC loop, then counts itself finished (LL/SC again).  CPU 0 waits
 * for all and ends the program: the counter is exact.
 */
static void llsc_add(Asm *a, bool core4, int addr_reg)
{
    int retry = here(a);

    emit(a, enc_mem12(OP_LLSC, LLSC_LLDL, 1, 0, addr_reg));
    emit(a, enc_oprl(F_ADDL, 1, 1, 1));
    llsc_store(a, core4, LLSC_LSTL, 1, 0, addr_reg, 1);
    br_to(a, OP_BEQ, 1, retry);
}

/* core4: the same with a casl loop: load, add 1, casl, retry if it lost */
static void cas_add(Asm *a, bool core4, int addr_reg)
{
    int retry = here(a);

    emit(a, enc_mem(OP_LDL, 1, 0, addr_reg));
    emit(a, enc_oprl(F_ADDL, 1, 1, 2));
    emit(a, enc_opr(0x5f, 1, addr_reg, 2));     /* casl $1,$addr,$2 */
    emit(a, enc_opr(F_CMPEQ, 1, 2, 2));
    br_to(a, OP_BEQ, 2, retry);
}

static void test_smp_llsc(const void *data)
{
    g_auto(GStrv) words = g_strsplit(data, " ", 2);
    const char *board = words[0];
    void (*add)(Asm *, bool, int) = words[1] ? cas_add : llsc_add;
    const Core *c = core_of(board);
    bool core4 = c->core4;
    g_autofree char *args = g_strdup_printf("-M %s -smp %d", board,
                                            SMP_CPUS);
    Asm *a = asm_new_core(c);
    QTestState *qts;
    char *elf;
    int i, fix, loop, wait, halt;

    vec_all_faults(a);
    prologue(a);
    li(a, 10, DATA_BASE);                    /* counter */
    li(a, 11, DATA_BASE + 0x40);             /* finished CPUs */
    emit(a, enc_misc(MISC_RCID, 13));
    /* results[rcid] = rcid + 0x100 */
    emit(a, enc_oprl(F_ADDL, 13, 0, 14));
    emit(a, enc_opr(0x0C /* s8addl */, 14, 9, 14));
    emit(a, enc_mem(OP_LDI, 15, 0x100, 13));
    emit(a, enc_mem(OP_STL, 15, 0, 14));
    li(a, 16, SMP_LOOPS);
    loop = here(a);
    add(a, core4, 10);
    emit(a, enc_oprl(F_SUBL, 16, 1, 16));
    br_to(a, OP_BNE, 16, loop);
    add(a, core4, 11);
    /* the others halt; CPU 0 waits for all, then ends */
    fix = emit(a, 0);
    wait = here(a);
    emit(a, enc_mem(OP_LDL, 1, 0, 11));
    emit(a, enc_oprl(F_CMPEQ, 1, SMP_CPUS, 1));
    br_to(a, OP_BEQ, 1, wait);
    epilogue(a);
    halt = here(a);
    patch_br(a, fix, OP_BNE, 13, halt);
    emit(a, enc_misc(MISC_HALT, R_ZERO));
    br_to(a, OP_BR, R_ZERO, halt);

    qts = prog_go(a, args, &elf);
    g_assert_cmpuint(qtest_readq(qts, DATA_BASE), ==,
                     (uint64_t)SMP_CPUS * SMP_LOOPS);
    g_assert_cmpuint(qtest_readq(qts, DATA_BASE + 0x40), ==, SMP_CPUS);
    for (i = 0; i < SMP_CPUS; i++) {
        g_assert_cmphex(result(qts, i), ==, 0x100 + i);
    }
    g_assert_cmpuint(status(qts, ST_TRAPS), ==, 0);
    prog_end(qts, elf);
    asm_free(a);
}

/* ------------------------------------------------------------------ */
/* Disassembler                                                        */

static const struct {
    uint32_t insn;
    const char *text;
} disas_cases[] = {
    { 0x00000083, "sys_call/b 0x83" },
    { 0x02000080, "sys_call 0x80" },
    { 0x020000c0, ".long 0x020000c0" },
    { 0x0BFA0001, "ret $31,($26),1" },
    { 0, "call $26,($27),0" },
    { 0, "jmp $31,($4),-1" },
    { 0, "br $31," },
    { 0, "bsr $26," },
    { 0, "blbs $7," },
    { 0, "ldi $1,16($31)" },
    { 0, "ldih $29,64($31)" },
    { 0, "ldw $1,-8($30)" },
    { 0, "stl_u $2,347($10)" },
    { 0, "flushd 8($3)" },
    { 0, "addw $1,$2,$3" },
    { 0, "s8addl $1,255,$3" },
    { 0, "ctpop $2,$3" },
    { 0, "sextb 200,$3" },
    { 0, "seleq $1,$2,$3,$4" },
    { 0, "sellbs $1,7,$3,$4" },
    { 0, "rcid $13" },
    { 0, "memb" },
    { 0, "wmemb" },
    { 0, "halt" },
    { 0, "wr_f $8" },
    { 0, "rtid $5" },
    { 0, ".long 0x40020b03" },
    { 0, ".long 0x40222103" },
    { 0, "pri_rcsr $28,0xe" },
    { 0, "pri_wcsr $3,0x54" },
    { 0, "pri_ret $28" },
    { 0, "pri_ret/b $7" },
    { 0, "fillcs 16($12)" },
    { 0, "lldl $1,-16($10)" },
    { 0, "lstw $2,2047($10)" },
    { 0, "pri_ldl/p $1,8($2)" },
    { 0, "ldbu_a $0,0($0)" },
    { 0, ".long 0x7800c000" },
    { 0, ".long 0x48000fe3" },
    { 0, ".long 0x48000b03" },
    { 0, ".long 0x18001234" },
    { 0, "fldd $f2,8($3)" },
    { 0, "fillde 8($3)" },
    { 0, "fsts $f30,-4($30)" },
    { 0, "fbne $f1," },
    { 0, "fcpysn $f1,$f2,$f3" },
    { 0, "ifmovs $4,$f5" },
    { 0, "fimovd $f6,$7" },
    { 0, "wfpcr $f8" },
    { 0, "setfpec3" },
    { 0, "fselge $f1,$f2,$f3,$f4" },
    { 0, "fdivs $f1,$f2,$f3" },
    { 0, "fsqrtd $f2,$f3" },
    { 0, "fcvtdl_z $f4,$f5" },
    { 0, "fnmsd $f1,$f2,$f3,$f4" },
    { 0, ".long 0x600004c0" },
    { 0, "lbr " },
    { 0, "csrrs $1,0xe0" },
    { 0, "csrrc $2,0x30" },
    { 0, "addpi -3,$5" },
    { 0, "casw $6,$10,$7" },
    { 0, "revbh $2,$3" },
    { 0, "divw $1,$2,$3" },
    { 0, "ldl_set $1,8($2)" },
};

/*
 * The monitor's xp/i prints each encoder's word as its mnemonic with
 * operands, and unimplemented words as .long.
 */
static void test_disas(void)
{
    uint32_t words[ARRAY_SIZE(disas_cases)];
    QTestState *qts = qtest_init("-M core3");
    g_autofree char *out = NULL;
    g_auto(GStrv) lines = NULL;
    uint64_t base = DATA_BASE;
    int i = 0;

    words[i++] = enc_sys_call(0x83, true);
    words[i++] = enc_sys_call(0x80, false);
    words[i++] = enc_sys_call(0xc0, false);
    words[i++] = enc_mem(OP_RET, R_ZERO, 1, R_RA);
    words[i++] = enc_mem(OP_CALL, R_RA, 0, 27);
    words[i++] = enc_mem(OP_JMP, R_ZERO, -1, 4);
    words[i++] = enc_br(OP_BR, R_ZERO, -1);
    words[i++] = enc_br(OP_BSR, R_RA, 3);
    words[i++] = enc_br(OP_BLBS, 7, 0);
    words[i++] = enc_mem(OP_LDI, 1, 16, R_ZERO);
    words[i++] = enc_mem(OP_LDIH, R_GP, 64, R_ZERO);
    words[i++] = enc_mem(OP_LDW, 1, -8, R_SP);
    words[i++] = enc_mem(OP_STL_U, 2, 347, 10);
    words[i++] = enc_mem(OP_LDBU, R_ZERO, 8, 3);
    words[i++] = enc_opr(F_ADDW, 1, 2, 3);
    words[i++] = enc_oprl(0x0C, 1, 255, 3);
    words[i++] = enc_opr(F_CTPOP, R_ZERO, 2, 3);
    words[i++] = enc_oprl(F_SEXTB, R_ZERO, 200, 3);
    words[i++] = enc_sel(0, 1, 2, 3, 4);
    words[i++] = enc_sell(7, 1, 7, 3, 4);
    words[i++] = enc_misc(MISC_RCID, 13);
    words[i++] = enc_misc(MISC_MEMB, R_ZERO) & ~(R_ZERO << 16);
    words[i++] = enc_misc(0x0002, R_ZERO);
    words[i++] = enc_misc(MISC_HALT, R_ZERO);
    words[i++] = enc_misc(MISC_WR_F, 8);
    words[i++] = enc_misc(0x1040, 5);
    words[i++] = enc_opr(F_CTPOP, R_ZERO, 2, 3) & ~(R_ZERO << 21);
    words[i++] = enc_opr(F_ADDL, 1, 2, 3) | 1 << 13;
    words[i++] = enc_csr(false, R_AT, CSR_EXC_PC);
    words[i++] = enc_csr(true, 3, CSR4_DVA);
    words[i++] = enc_pri_ret(R_AT);
    words[i++] = enc_pri_ret(7) | 1 << 20;
    words[i++] = enc_mem(0x09, R_ZERO, 16, 12);
    words[i++] = enc_mem12(OP_LLSC, LLSC_LLDL, 1, -16, 10);
    words[i++] = enc_mem12(OP_LLSC, LLSC_LSTW, 2, 2047, 10);
    words[i++] = enc_mem12(OP_PRI_LD, 1, 1, 8, 2);
    words[i++] = sw_op(0x1E);
    words[i++] = sw_op(0x1E) | 0xc000;      /* no such function */
    words[i++] = enc_oprl(0x7F, 0, 0, 3);
    words[i++] = enc_oprl(F_CTPOP, 0, 0x5, 3) & ~(0xff << 13);
    words[i++] = sw_op(0x06) | 0x1234;
    words[i++] = enc_mem(OP_FLDD, 2, 8, 3);
    words[i++] = enc_mem(OP_FLDS, R_ZERO, 8, 3);
    words[i++] = enc_mem(OP_FSTS, 30, -4, R_SP);
    words[i++] = enc_br(OP_FBNE, 1, 5);
    words[i++] = enc_fp(FP_FCPYSN, 1, 2, 3);
    words[i++] = enc_fp(FP_IFMOVS, 4, 31, 5);
    words[i++] = enc_fimov(false, 6, 7);
    words[i++] = enc_fp(FP_WFPCR, 8, 31, 31);
    words[i++] = enc_fp(FP_SETFPEC0 + 3, 31, 31, 31);
    words[i++] = enc_fsel(0x15, 1, 2, 3, 4);
    words[i++] = enc_fp(FP_FDIVS, 1, 2, 3);
    words[i++] = enc_fp(FP_FSQRTD, 31, 2, 3);
    words[i++] = enc_fp(FP_FCVTDL_Z, 31, 4, 5);
    words[i++] = enc_fsel(FMA_FNMSD, 1, 2, 3, 4);
    words[i++] = enc_fp(0x26, 0, 0, 0);       /* no such function */
    words[i++] = sw_op(0x1D) | 0x100000;      /* lbr: disp26, 2^20 */
    words[i++] = sw_op(0x06) | 1 << 21 | 0xfce0;
    words[i++] = sw_op(0x06) | 2 << 21 | 0xfd30;
    words[i++] = sw_op(0x10) | (uint32_t)(-3 & 0x1fff) << 13 | 0x1e << 5 | 5;
    words[i++] = enc_opr(0x5e, 6, 10, 7);
    words[i++] = enc_opr(0x5b, R_ZERO, 2, 3);
    words[i++] = enc_opr(0x11, 1, 2, 3);
    words[i++] = enc_mem12(OP_LLSC, 7, 1, 8, 2);
    g_assert_cmpint(i, ==, ARRAY_SIZE(disas_cases));

    for (i = 0; i < ARRAY_SIZE(words); i++) {
        if (disas_cases[i].insn) {
            g_assert_cmphex(words[i], ==, disas_cases[i].insn);
        }
        qtest_writel(qts, base + 4 * i, words[i]);
    }
    out = qtest_hmp(qts, "xp/%zui 0x%" PRIx64, ARRAY_SIZE(words), base);
    lines = g_strsplit(out, "\r\n", -1);
    for (i = 0; i < ARRAY_SIZE(words); i++) {
        g_autofree char *want = NULL;
        const char *text = disas_cases[i].text;

        g_assert_nonnull(lines[i]);
        if (g_str_has_suffix(text, ",") || g_str_has_suffix(text, " ")) {
            /* a branch: the target follows (lbr: 26 bits of words) */
            int32_t disp = sextract32(words[i], 0,
                                      g_str_has_prefix(text, "lbr") ? 26 : 21);

            want = g_strdup_printf("0x%08" PRIx64 ":  %s0x%" PRIx64,
                                   base + 4 * i, text,
                                   base + 4 * i + 4 + 4 * (int64_t)disp);
        } else {
            want = g_strdup_printf("0x%08" PRIx64 ":  %s", base + 4 * i,
                                   text);
        }
        g_assert_cmpstr(lines[i], ==, want);
    }
    qtest_quit(qts);
}

/* -d in_asm logs the translated instructions with the same text */
static void test_in_asm(void)
{
    Asm *a = asm_new();
    QTestState *qts;
    g_autofree char *log = NULL;
    g_autofree char *logtext = NULL;
    g_autofree char *args = NULL;
    char *elf;
    int fd = g_file_open_tmp("sw64-in-asm-XXXXXX", &log, NULL);

    g_assert_cmpint(fd, >=, 0);
    close(fd);
    vec_all_faults(a);
    prologue(a);
    emit(a, enc_mem(OP_LDI, 1, 16, R_ZERO));
    emit(a, enc_opr(F_XOR, 1, 2, 3));
    emit(a, sw_op(0x1E) | 0xc000);
    epilogue(a);
    args = g_strdup_printf("-M core3 -d in_asm -D %s", log);
    qts = prog_go(a, args, &elf);
    prog_end(qts, elf);
    g_assert_true(g_file_get_contents(log, &logtext, NULL, NULL));
    g_assert_nonnull(strstr(logtext, "ldih $29,64($31)"));
    g_assert_nonnull(strstr(logtext, "ldi $1,16($31)"));
    g_assert_nonnull(strstr(logtext, "xor $1,$2,$3"));
    g_assert_nonnull(strstr(logtext, ".long 0x7800c000"));
    /* the OPCDEC handler was translated too */
    g_assert_nonnull(strstr(logtext, "pri_rcsr $28,0xe"));
    unlink(log);
    asm_free(a);
}

/* ------------------------------------------------------------------ */
/* Benchmark (-m perf only: build-scripts/bench.sh)                   */

#define BENCH_N_ADDR    (DATA_BASE + 0x800)
#define BENCH_X86_DONE  0x7000
#define BENCH_INSNS     6               /* per iteration, both loops */

/* Seconds from 'cont' until the 32-bit word at DONE_ADDR is DONE_MAGIC */
static double bench_wait(QTestState *qts, uint64_t done_addr)
{
    gint64 t0 = g_get_monotonic_time();
    gint64 end = t0 + 120 * G_USEC_PER_SEC;

    qtest_qmp_assert_success(qts, "{ 'execute': 'cont' }");
    while (qtest_readl(qts, done_addr) != DONE_MAGIC) {
        g_assert_cmpint(g_get_monotonic_time(), <, end);
        g_usleep(500);
    }
    return (g_get_monotonic_time() - t0) / 1e6;
}

/* sw64: addl, cmpult, stl, ldl, subl, bne; N iterations */
static double bench_sw64(const char *elf, uint64_t n)
{
    QTestState *qts = qtest_initf("-M core3 -accel tcg -S -bios %s", elf);
    double t;

    qtest_writeq(qts, BENCH_N_ADDR, n);
    t = bench_wait(qts, STATUS_BASE);
    g_assert_cmpuint(qtest_readq(qts, DATA_BASE + 0x10), ==, n * 3);
    qtest_quit(qts);
    return t;
}

/* x86_64: guest-tools' intloop.elf, the same six instructions */
static double bench_x86(uint64_t n)
{
    g_autofree char *args = g_strdup_printf(
        "-M pc -accel tcg -S -L %s -kernel %s -append iters=%" PRIu64,
        g_getenv("KVMPORT_BENCH_X86_ROMDIR"),
        g_getenv("KVMPORT_BENCH_X86_ELF"), n);
    QTestState *qts = qtest_init_with_env("KVMPORT_BENCH_X86_QEMU", args,
                                          true);
    double t = bench_wait(qts, BENCH_X86_DONE);

    qtest_quit(qts);
    return t;
}

/* Guest instructions per second: the best of 3 (long - short) runs */
static double bench_ips(double (*run)(const char *, uint64_t),
                        double (*run_x86)(uint64_t), const char *elf,
                        uint64_t n)
{
    const uint64_t short_n = 1000;
    double best = 0;
    int i;

    for (i = 0; i < 3; i++) {
        double dt = run ? run(elf, n) - run(elf, short_n)
                        : run_x86(n) - run_x86(short_n);

        best = MAX(best, (n - short_n) * BENCH_INSNS / dt);
    }
    return best;
}

/*
 * Guest instructions per second of an integer loop (add, compare,
 * store, load, decrement, branch) on sw64 TCG and, in the same run,
 * on qemu-system-x86_64 TCG; the goal is at least half of x86_64's.
 */
static void test_bench(void)
{
    const uint64_t n = 200 * 1000 * 1000;
    Asm *a = asm_new();
    char *elf;
    double sw64, x86;
    int loop;

    if (!g_getenv("KVMPORT_BENCH_X86_QEMU") ||
        !g_getenv("KVMPORT_BENCH_X86_ELF") ||
        !g_getenv("KVMPORT_BENCH_X86_ROMDIR")) {
        g_test_skip("KVMPORT_BENCH_X86_QEMU, _ELF and _ROMDIR are needed: "
                    "run build-scripts/bench.sh");
        asm_free(a);
        return;
    }
    vec_all_faults(a);
    prologue(a);
    li(a, 10, DATA_BASE);
    li(a, 6, BENCH_N_ADDR);
    emit(a, enc_mem(OP_LDL, 6, 0, 6));
    emit(a, enc_mem(OP_LDI, 2, 3, R_ZERO));
    emit(a, enc_mem(OP_LDI, 3, 0x1000, R_ZERO));
    emit(a, enc_opr(F_BIS, R_ZERO, R_ZERO, 1));
    loop = here(a);
    emit(a, enc_opr(F_ADDL, 1, 2, 1));
    emit(a, enc_opr(0x2B /* cmpult */, 1, 3, 4));
    emit(a, enc_mem(OP_STL, 1, 0, 10));
    emit(a, enc_mem(OP_LDL, 5, 8, 10));
    emit(a, enc_oprl(F_SUBL, 6, 1, 6));
    br_to(a, OP_BNE, 6, loop);
    emit(a, enc_mem(OP_STL, 1, 0x10, 10));
    epilogue(a);
    elf = asm_elf(a);

    sw64 = bench_ips(bench_sw64, NULL, elf, n);
    x86 = bench_ips(NULL, bench_x86, NULL, n);
    g_test_message("KVMPORT-BENCH sw64-tcg insns/s=%.0f", sw64);
    g_test_message("KVMPORT-BENCH x86_64-tcg insns/s=%.0f", x86);
    g_test_message("KVMPORT-BENCH ratio sw64/x86_64 x100=%.0f",
                   100 * sw64 / x86);
    g_assert_cmpfloat(sw64 / x86, >=, 0.5);
    unlink(elf);
    g_free(elf);
    asm_free(a);
}

int main(int argc, char **argv)
{
    static const BoardTest per_board[] = {
        { "alu-differential", test_alu_differential },
        { "alu-aliasing", test_alu_aliasing },
        { "llsc", test_llsc },
        { "other-mem", test_other_mem },
        { "opcdec-bus-error", test_opcdec_bus_error },
        { "page-end", test_page_end },
        { "smp4-llsc", test_smp_llsc },
        { "atomics", test_atomics },
        { "core4-alu", test_core4_alu },
        { "core4-misc", test_core4_misc },
    };

    g_test_init(&argc, &argv, NULL);
    qtest_add_func("sw64-tcg/ldi-zero-reg", test_ldi_zero_reg);
    qtest_add_func("sw64-tcg/load-store", test_load_store);
    qtest_add_func("sw64-tcg/branches", test_branches);
    qtest_add_data_func("sw64-tcg/misc", "tcg,thread=multi", test_misc);
    qtest_add_data_func("sw64-tcg/misc-icount", "tcg -icount shift=0",
                        test_misc);
    qtest_add_func("sw64-tcg/byte-ops", test_byte_ops);
    qtest_add_func("sw64-tcg/disas", test_disas);
    qtest_add_func("sw64-tcg/in-asm", test_in_asm);
    qtest_add_data_func("sw64-tcg/core4/smp4-casl", "core4 casl",
                        test_smp_llsc);
    if (g_test_perf()) {
        qtest_add_func("sw64-tcg/bench", test_bench);
    }
    add_board_tests("sw64-tcg", per_board, ARRAY_SIZE(per_board));
    return g_test_run();
}
