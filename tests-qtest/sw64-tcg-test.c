/*
 * QTest: the sw64 TCG translator and disassembler (patches/sw64/)
 *
 * Each test assembles a program from the encoders in sw64-insn.h, makes
 * it the HMcode image (-bios, a synthesized ELF: the program owns the
 * exception vectors) and runs it under TCG.  The program stores what it
 * computes in guest RAM and ends with a "done" word and halt; the test
 * reads the results with qtest and compares them with values computed
 * here from the ISA facts.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/bitops.h"
#include "qemu/host-utils.h"
#include <fenv.h>
#include <math.h>
#include "libqtest.h"
#include "stack-qtest.h"
#include "sw64-insn.h"
#include "qobject/qdict.h"

#define EM_SW64         0x9916

/* Physical memory of a test program */
#define HMCODE_BASE     0x10000ULL      /* vectors, as the board expects */
#define CODE_BASE       0x20000ULL      /* entry */
#define POOL_BASE       0x400000ULL     /* constants, $gp */
#define STATUS_BASE     (POOL_BASE - 0x1000)
#define DATA_BASE       0x600000ULL     /* scratch for loads and stores */
#define RES_BASE        0x800000ULL     /* results */
#define BULK_BASE       0x1000000ULL    /* operands written by the test */
#define BULK_RES        0x4000000ULL    /* results of the bulk runs */

/* Status words, relative to $gp */
#define ST_DONE         (-0x1000)
#define ST_TRAPS        (-0x0ff8)       /* exceptions taken */
#define ST_VEC          (-0x0ff0)       /* vector of the last one */
#define ST_EXC_PC       (-0x0fe8)       /* its EXC_PC */
#define ST_DVA          (-0x0fe0)       /* its DVA */
#define ST_SYSCALL      (-0x0fd8)       /* function of the last sys_call */
#define ST_DS_STAT      (-0x0fc0)       /* the last fault's DS_STAT */
#define ST_EXC_SUM      (-0x0fb8)       /* and EXC_SUM */
#define DONE_MAGIC      0x600dd00eULL

/* Exception vectors (offsets from the HMcode base) */
#define VEC_MM          0x980           /* every MMU fault */
#define VEC_IACV        0xD00
#define VEC_UNALIGN     0xB00
#define VEC_DFAULT      0xC80
#define VEC_OPCDEC      0xD80

/* DVA, the faulting data address: a CSR number per core (sw64-insn.h) */
#define KSEG            0xfff0000000000000ULL  /* the linear map */
#define KTEXT           0xffffffff80000000ULL  /* the kernel-text map */
#define SW64_VMALLOC    0xfffff00000000000ULL  /* paged */
#define SW64_MM_TNV     0                      /* DS_STAT fault codes */
#define SW64_MM_ACV     1

/* Operate functions */
enum {
    F_ADDW = 0x00, F_SUBW = 0x01, F_ADDL = 0x08, F_SUBL = 0x09,
    F_CMPEQ = 0x28, F_BIS = 0x3A, F_XOR = 0x3C, F_CTPOP = 0x58,
    F_SEXTB = 0x6A,
};

/*
 * What the programs need to know of a core: its CSR numbers (the HMcode
 * images' symbol tables; notes §1.1), the INTPU's address (§3.4), the
 * kernel mode its HMcode uses (§2.1) and its FP enable (§7.1).
 */
typedef struct Core {
    bool core4;
    int int_stat, int_clr, int_en, dva, pri_base, timer_th, timer_ctl;
    int fen_csr;
    uint64_t fen_on;
    int kmode;
    uint64_t intpu;
} Core;

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
static const Core *core_of(const char *board)
{
    return strcmp(board, "core4") ? &cores[0] : &cores[1];
}

typedef struct Asm {
    const Core *core;   /* for the CSR numbers of the core */
    GArray *code;       /* uint32_t words at CODE_BASE */
    GArray *pool;       /* uint64_t constants at POOL_BASE */
    uint32_t vectors[0x8000 / 4];
} Asm;

static Asm *asm_new_core(const Core *core)
{
    Asm *a = g_new0(Asm, 1);

    a->core = core;
    a->code = g_array_new(false, false, sizeof(uint32_t));
    a->pool = g_array_new(false, false, sizeof(uint64_t));
    return a;
}

static Asm *asm_new(void)
{
    return asm_new_core(&cores[0]);
}

static void asm_free(Asm *a)
{
    g_array_free(a->code, true);
    g_array_free(a->pool, true);
    g_free(a);
}

/* Append INSN; returns its index */
static int emit(Asm *a, uint32_t insn)
{
    g_array_append_val(a->code, insn);
    return a->code->len - 1;
}

static int here(Asm *a)
{
    return a->code->len;
}

static uint64_t addr_of(int index)
{
    return CODE_BASE + 4 * (uint64_t)index;
}

/* A branch at index FROM to index TO */
static void patch_br(Asm *a, int from, int op, int ra, int to)
{
    g_array_index(a->code, uint32_t, from) = enc_br(op, ra, to - (from + 1));
}

/* A conditional branch to index TO, emitted here */
static void br_to(Asm *a, int op, int ra, int to)
{
    emit(a, enc_br(op, ra, to - (here(a) + 1)));
}

/* Two words at FROM (reserved with la_reserve): reg R = address of TO */
static void patch_la(Asm *a, int from, int r, int to)
{
    uint64_t t = addr_of(to);
    int16_t lo = t;

    g_assert_cmpuint(t, <, 0x7fff0000);
    g_array_index(a->code, uint32_t, from) =
        enc_mem(OP_LDIH, r, (t - lo) >> 16, R_ZERO);
    g_array_index(a->code, uint32_t, from + 1) = enc_mem(OP_LDI, r, lo, r);
}

static int la_reserve(Asm *a)
{
    emit(a, 0);
    return emit(a, 0) - 1;
}

/* Reg R = V: ldi for a 16-bit value, else from the constant pool */
static void li(Asm *a, int r, uint64_t v)
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
static void res(Asm *a, int r, int n)
{
    g_assert_cmpint(n, <, 4096);
    emit(a, enc_mem(OP_STL, r, n * 8, 9));
}

/* Prologue: $gp = POOL_BASE, $9 = RES_BASE */
static void prologue(Asm *a)
{
    emit(a, enc_mem(OP_LDIH, R_GP, POOL_BASE >> 16, R_ZERO));
    emit(a, enc_mem(OP_LDIH, 9, RES_BASE >> 16, R_ZERO));
}

/* Epilogue: the done word, then halt (and stay halted) */
static void epilogue(Asm *a)
{
    int halt;

    li(a, R_AT, DONE_MAGIC);
    emit(a, enc_mem(OP_STL, R_AT, ST_DONE, R_GP));
    halt = emit(a, enc_misc(MISC_HALT, R_ZERO));
    br_to(a, OP_BR, R_ZERO, halt);
}

/* HMcode code at OFFSET from the HMcode base */
static void vec_put(Asm *a, uint32_t offset, const uint32_t *insns, int n)
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
static void vec_syscall(Asm *a, uint32_t func)
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
static char *asm_elf(Asm *a)
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
static QTestState *prog_start_accel(Asm *a, const char *accel,
                                    const char *args, char **elf)
{
    *elf = asm_elf(a);
    return qtest_initf("-accel %s -S -bios %s %s", accel, *elf, args);
}

static QTestState *prog_start(Asm *a, const char *args, char **elf)
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
static void prog_run(QTestState *qts, int timeout)
{
    qtest_qmp_assert_success(qts, "{ 'execute': 'cont' }");
    prog_wait(qts, timeout);
}

/* Build, run and return the state to read results from */
static QTestState *prog_go(Asm *a, const char *args, char **elf)
{
    QTestState *qts = prog_start(a, args, elf);

    prog_run(qts, 30);
    return qts;
}

static void prog_end(QTestState *qts, char *elf)
{
    qtest_quit(qts);
    unlink(elf);
    g_free(elf);
}

static uint64_t result(QTestState *qts, int n)
{
    return qtest_readq(qts, RES_BASE + 8 * n);
}

static uint64_t status(QTestState *qts, int off)
{
    return qtest_readq(qts, POOL_BASE + off);
}

static void vec_all_faults(Asm *a)
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

static uint64_t xorshift(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

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
        int ne = ARRAY_SIZE(edges);

        if (i < ne * ne) {
            ops[3 * i] = edges[i / ne];
            ops[3 * i + 1] = edges[i % ne];
        } else {
            ops[3 * i] = rand_operand(&seed);
            ops[3 * i + 1] = rand_operand(&seed);
        }
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
        int ne = ARRAY_SIZE(edges);

        ops[2 * i] = i < ne * ne ? edges[i / ne] : rand_operand(&seed);
        ops[2 * i + 1] = i < ne * ne ? edges[i % ne] : rand_operand(&seed);
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
 * sys_call enters its HMcode slot with the return address (the next
 * instruction, with the caller's mode) in HMcode's r23, EXC_PC left
 * alone, and the slot returns there with pri_ret r23; a function above
 * 0xbf is illegal.
 */
static void test_sys_call(void)
{
    Asm *a = asm_new();
    QTestState *qts;
    char *elf;
    int sc1, sc2, ill;

    vec_all_faults(a);
    vec_syscall(a, 0x83);
    vec_syscall(a, 0x3f);
    vec_syscall(a, 0x40);
    prologue(a);
    li(a, 1, 0x5eed0);
    emit(a, enc_csr(true, 1, CSR_EXC_PC));
    sc1 = emit(a, enc_sys_call(0x83, false));
    res(a, 0, 0);
    emit(a, enc_mem(OP_LDL, 1, ST_EXC_PC, R_GP));
    res(a, 1, 1);
    emit(a, enc_sys_call(0x3f, true));
    res(a, 0, 2);
    sc2 = emit(a, enc_sys_call(0x40, true));
    res(a, 0, 3);
    emit(a, enc_mem(OP_LDL, 1, ST_EXC_PC, R_GP));
    res(a, 1, 4);
    emit(a, enc_mem(OP_LDL, 1, ST_SYSCALL, R_GP));
    res(a, 1, 5);
    emit(a, enc_mem(OP_LDL, 1, ST_TRAPS, R_GP));
    res(a, 1, 6);
    emit(a, enc_csr(false, 1, CSR_EXC_PC));
    res(a, 1, 7);
    /* function 0xc0: OPCDEC, at the sys_call itself */
    ill = emit(a, enc_sys_call(0xc0, false));
    epilogue(a);

    qts = prog_go(a, "-M core3", &elf);
    g_assert_cmphex(result(qts, 0), ==, 0x1083);
    g_assert_cmphex(result(qts, 1), ==, addr_of(sc1 + 1));
    g_assert_cmphex(result(qts, 2), ==, 0x103f);
    g_assert_cmphex(result(qts, 3), ==, 0x1040);
    g_assert_cmphex(result(qts, 4), ==, addr_of(sc2 + 1));
    g_assert_cmphex(result(qts, 5), ==, 0x40);
    g_assert_cmpuint(result(qts, 6), ==, 3);
    g_assert_cmphex(result(qts, 7), ==, 0x5eed0);
    g_assert_cmphex(status(qts, ST_VEC), ==, VEC_OPCDEC);
    g_assert_cmphex(status(qts, ST_EXC_PC), ==, addr_of(ill));
    g_assert_cmpuint(status(qts, ST_TRAPS), ==, 4);
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
        sw_op(0x1E),                            /* free major */
        sw_op(0x18) | 0x26 << 5,               /* FP operate: no 0x26 */
        sw_op(0x1A) | 1 << 21,                  /* SIMD operate */
        enc_misc(0x1234, 1),                    /* misc function */
        enc_opr(0x7F, 1, 2, 3),                 /* operate function */
        enc_opr(0x11, 1, 2, 3),                 /* divw: not yet */
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
 * The PC's mode bits: pri_ret to a direct-map address with mode 1 runs
 * the code in kernel mode; there HMcode-only instructions are illegal
 * (EXC_PC carries mode 1), jumps keep the mode whatever the target's
 * low bits, links are plain addresses, and sys_call 1 comes back.  The
 * kernel's $1, $2, $4-$7, $20-$23 are not HMcode's (they are banked).
 */
static void test_modes(void)
{
    Asm *a = asm_new();
    QTestState *qts;
    char *elf;
    int la, la2, la3, kern, rcsr, tgt, back, bsr, unal;

    vec_all_faults(a);
    vec_syscall(a, 0x01);
    prologue(a);
    /* data addresses through the direct map (HMcode ignores the top) */
    li(a, 6, KSEG);
    emit(a, enc_opr(F_BIS, R_GP, 6, R_GP));
    emit(a, enc_opr(F_BIS, 9, 6, 9));
    la = la_reserve(a);                       /* $1 = kern */
    li(a, 2, KSEG | 1);
    emit(a, enc_opr(F_BIS, 1, 2, 1));
    la2 = la_reserve(a);                      /* $27 = back */
    emit(a, enc_pri_ret(1));
    /* kernel mode, at KSEG | kern */
    kern = here(a);
    rcsr = emit(a, enc_csr(false, 3, CSR_EXC_PC));
    emit(a, enc_mem(OP_LDL, 3, ST_EXC_PC, R_GP));
    res(a, 3, 0);
    /* jmp to a target with low bits 3 (user): stays in kernel mode */
    la3 = la_reserve(a);                      /* $5 = tgt */
    li(a, 4, KSEG | 3);
    emit(a, enc_opr(F_BIS, 4, 5, 4));
    emit(a, enc_mem(OP_JMP, R_ZERO, 0, 4));
    tgt = here(a);
    patch_la(a, la3, 5, tgt);
    bsr = emit(a, enc_br(OP_BSR, R_RA, 0));
    res(a, R_RA, 1);
    /* a fault in the middle of a kernel-mode TB: EXC_PC has mode 1 */
    emit(a, enc_mem(OP_LDI, 7, 1, R_ZERO));
    emit(a, enc_opr(F_ADDL, 7, 7, 7));
    unal = emit(a, enc_mem(OP_LDL, 8, 3, 9));
    emit(a, enc_mem(OP_LDL, 3, ST_EXC_PC, R_GP));
    res(a, 3, 5);
    emit(a, enc_mem(OP_LDL, 3, ST_VEC, R_GP));
    res(a, 3, 6);
    emit(a, enc_csr(true, 3, CSR_EXC_PC));    /* illegal again */
    emit(a, enc_mem(OP_LDL, 3, ST_EXC_PC, R_GP));
    res(a, 3, 2);
    emit(a, enc_sys_call(0x01, false));
    /* back in HMcode mode */
    back = here(a);
    patch_la(a, la, 1, kern);
    patch_la(a, la2, 27, back);
    emit(a, enc_csr(false, 3, CSR_EXC_PC));   /* legal here */
    res(a, 3, 7);
    res(a, 23, 3);
    emit(a, enc_mem(OP_LDL, 3, ST_TRAPS, R_GP));
    res(a, 3, 4);
    epilogue(a);

    qts = prog_go(a, "-M core3", &elf);
    g_assert_cmphex(result(qts, 0), ==, (KSEG | addr_of(rcsr)) | 1);
    g_assert_cmphex(result(qts, 1), ==, KSEG | addr_of(bsr + 1));
    g_assert_cmphex(result(qts, 5), ==, (KSEG | addr_of(unal)) | 1);
    g_assert_cmphex(result(qts, 6), ==, VEC_UNALIGN);
    g_assert_cmphex(result(qts, 2), ==, (KSEG | addr_of(unal + 5)) | 1);
    /* sys_call's r23: the next instruction, kernel mode; EXC_PC kept */
    g_assert_cmphex(result(qts, 3), ==, (KSEG | addr_of(back)) | 1);
    g_assert_cmphex(result(qts, 7), ==, (KSEG | addr_of(unal + 5)) | 1);
    g_assert_cmpuint(result(qts, 4), ==, 4);
    prog_end(qts, elf);
    asm_free(a);
}

#define ST_INT          (-0x0fd0)       /* INT_STAT at the interrupt */
#define ST_INT_PC       (-0x0fc8)       /* its EXC_PC */
#define ST_UART         (-0x0fb0)       /* UART IER the handler clears */
#define UART_IER        (0x880100000000ULL + 0x3f9)  /* PCIe I/O 0x3f9 */

/*
 * The interrupt vectors, 0xE00 and 0xE80 (core3's second one): record
 * INT_STAT, silence the UART if the program named its IER in ST_UART
 * (its line is level-sensitive), count, record the vector and EXC_PC,
 * acknowledge what was pending through INT_CLR, as the HMcode does,
 * and return.
 */
static void vec_interrupt(Asm *a)
{
    static const uint32_t vecs[] = { 0xE00, 0xE80 };
    int stat = a->core->int_stat;
    int clr = a->core->int_clr;
    int i;

    for (i = 0; i < ARRAY_SIZE(vecs); i++) {
        const uint32_t handler[] = {
            enc_csr(false, R_AT, stat),
            enc_mem(OP_STL, R_AT, ST_INT, R_GP),
            enc_mem(OP_LDL, R_AT, ST_UART, R_GP),
            enc_br(OP_BEQ, R_AT, 1),
            enc_mem(OP_STB, R_ZERO, 0, R_AT),
            enc_mem(OP_LDL, R_AT, ST_TRAPS, R_GP),
            enc_oprl(F_ADDL, R_AT, 1, R_AT),
            enc_mem(OP_STL, R_AT, ST_TRAPS, R_GP),
            enc_mem(OP_LDI, R_AT, vecs[i], R_ZERO),
            enc_mem(OP_STL, R_AT, ST_VEC, R_GP),
            enc_mem(OP_LDL, R_AT, ST_INT, R_GP),
            enc_csr(true, R_AT, clr),
            enc_csr(false, R_AT, CSR_EXC_PC),
            enc_mem(OP_STL, R_AT, ST_INT_PC, R_GP),
            enc_pri_ret(R_AT),
        };

        vec_put(a, vecs[i], handler, ARRAY_SIZE(handler));
    }
}

/* Store an II_REQ word for CPU TARGET, TYPE_BITS, to the INTPU ($12) */
static void send_ii(Asm *a, int target, uint32_t type_bits)
{
    li(a, 14, II_REQ_VALID | type_bits | target);
    emit(a, enc_mem(OP_STL, 14, 0, 12));
}

/* Kernel-mode code between trip_go and trip_back, through KSEG */
typedef struct Trip {
    int la, la2, kern;
} Trip;

/* pri_ret to the code emitted next at BASE | its address, in MODE */
static void trip_go_at(Asm *a, Trip *t, uint64_t base, int mode)
{
    t->la = la_reserve(a);
    li(a, 2, base | mode);
    emit(a, enc_opr(F_BIS, 1, 2, 1));
    t->la2 = la_reserve(a);
    emit(a, enc_pri_ret(1));
    t->kern = here(a);
}

/* ... through the linear map, in kernel mode MODE ($1, $2, $27) */
static void trip_go(Asm *a, Trip *t, int mode)
{
    trip_go_at(a, t, KSEG, mode);
}

/* sys_call 1 back to HMcode mode, at the code emitted next (returned) */
static int trip_back(Asm *a, Trip *t)
{
    emit(a, enc_sys_call(0x01, false));
    patch_la(a, t->la, 1, t->kern);
    patch_la(a, t->la2, 27, here(a));
    return here(a);
}

/* $gp and $9 through KSEG, so that kernel mode reaches them too */
static void data_through_kseg(Asm *a)
{
    li(a, 6, KSEG);
    emit(a, enc_opr(F_BIS, R_GP, 6, R_GP));
    emit(a, enc_opr(F_BIS, 9, 6, 9));
}

/*
 * An interrupt: raised (an IPI to itself) and enabled in IER while in
 * HMcode mode it waits; pri_ret to kernel mode delivers it at once, at
 * 0xE00 with INT_STAT.II0 and EXC_PC = the kernel instruction, which
 * the handler (clearing it through INT_CLR) returns to.
 */
static void test_interrupt(void)
{
    Asm *a = asm_new();
    QTestState *qts;
    char *elf;
    Trip t;

    vec_all_faults(a);
    vec_interrupt(a);
    vec_syscall(a, 0x01);
    prologue(a);
    data_through_kseg(a);
    li(a, 12, INTPU_CORE3);
    li(a, 1, 1ULL << INT_II0);
    emit(a, enc_csr(true, 1, CSR3_IER));
    send_ii(a, 0, 0);
    emit(a, enc_csr(false, 3, CSR3_INT_STAT));
    res(a, 3, 0);                             /* pending, not taken */
    emit(a, enc_mem(OP_LDL, 3, ST_TRAPS, R_GP));
    res(a, 3, 1);
    trip_go(a, &t, 2);
    emit(a, enc_mem(OP_LDI, 4, 0x44, R_ZERO));
    res(a, 4, 2);
    trip_back(a, &t);
    emit(a, enc_csr(false, 3, CSR3_INT_STAT));
    res(a, 3, 3);
    epilogue(a);

    qts = prog_go(a, "-M core3", &elf);
    g_assert_cmphex(result(qts, 0), ==, 1ULL << INT_II0);
    g_assert_cmpuint(result(qts, 1), ==, 0);
    g_assert_cmphex(result(qts, 2), ==, 0x44);
    g_assert_cmphex(result(qts, 3), ==, 0);
    g_assert_cmphex(status(qts, ST_VEC), ==, 0xE00);
    g_assert_cmphex(status(qts, ST_INT), ==, 1ULL << INT_II0);
    g_assert_cmphex(status(qts, ST_INT_PC), ==, (KSEG | addr_of(t.kern)) | 2);
    /* the interrupt, then sys_call 1 */
    g_assert_cmpuint(status(qts, ST_TRAPS), ==, 2);
    prog_end(qts, elf);
    asm_free(a);
}

/*
 * Each source at its core's vector (notes §3.1; the HMcode images'
 * INTERRUPT0/INTERRUPT1 and INTERRUPT handlers): the UART's
 * transmitter-empty interrupt (SERIAL, bit 12) at 0xE80 on core3 and
 * 0xE00 on core4, an II0 at 0xE00 on both.  With the enable CSR 0, a
 * pending II1 is not taken, but it ends a halt in kernel mode.
 */
static void test_int_vectors(const void *data)
{
    const char *board = data;
    const Core *c = core_of(board);
    bool core4 = c->core4;
    int ie = c->int_en;
    int stat = c->int_stat;
    int kmode = c->kmode;
    g_autofree char *args = g_strdup_printf("-M %s", board);
    Asm *a = asm_new_core(c);
    QTestState *qts;
    char *elf;
    Trip t1, t2, t3;

    vec_all_faults(a);
    vec_interrupt(a);
    vec_syscall(a, 0x01);
    prologue(a);
    data_through_kseg(a);
    li(a, 12, c->intpu);
    emit(a, enc_mem(OP_LDI, 1, -1, R_ZERO));
    emit(a, enc_csr(true, 1, ie));
    /* the UART: IER.ETBEI; the handler turns it off */
    li(a, 13, UART_IER);
    emit(a, enc_mem(OP_STL, 13, ST_UART, R_GP));
    emit(a, enc_mem(OP_LDI, 1, 2, R_ZERO));
    emit(a, enc_mem(OP_STB, 1, 0, 13));
    emit(a, enc_csr(false, 3, stat));
    res(a, 3, 0);
    trip_go(a, &t1, kmode);
    emit(a, enc_mem(OP_LDL, 3, ST_VEC, R_GP));
    res(a, 3, 1);
    emit(a, enc_mem(OP_LDL, 3, ST_INT, R_GP));
    res(a, 3, 2);
    trip_back(a, &t1);
    /* an II0 */
    send_ii(a, 0, 0);
    trip_go(a, &t2, kmode);
    emit(a, enc_mem(OP_LDL, 3, ST_VEC, R_GP));
    res(a, 3, 3);
    emit(a, enc_mem(OP_LDL, 3, ST_INT, R_GP));
    res(a, 3, 4);
    trip_back(a, &t2);
    /* masked: an II1, halt in kernel mode */
    emit(a, enc_csr(true, R_ZERO, ie));
    send_ii(a, 0, II_REQ_TYPE_II1);
    trip_go(a, &t3, kmode);
    emit(a, enc_misc(MISC_HALT, R_ZERO));
    emit(a, enc_mem(OP_LDI, 3, 0x77, R_ZERO));
    res(a, 3, 5);
    trip_back(a, &t3);
    emit(a, enc_csr(false, 3, stat));
    res(a, 3, 6);
    epilogue(a);

    qts = prog_go(a, args, &elf);
    g_assert_cmphex(result(qts, 0), ==, 1ULL << INT_SERIAL);
    g_assert_cmphex(result(qts, 1), ==, core4 ? 0xE00 : 0xE80);
    g_assert_cmphex(result(qts, 2), ==, 1ULL << INT_SERIAL);
    g_assert_cmphex(result(qts, 3), ==, 0xE00);
    g_assert_cmphex(result(qts, 4), ==, 1ULL << INT_II0);
    g_assert_cmphex(result(qts, 5), ==, 0x77);
    g_assert_cmphex(result(qts, 6), ==, 1ULL << INT_II1);
    /* two interrupts and three sys_calls */
    g_assert_cmpuint(status(qts, ST_TRAPS), ==, 5);
    prog_end(qts, elf);
    asm_free(a);
}

/*
 * INT_STAT is read-only and INT_CLR clears the bits written as 1; an
 * II_REQ word stored to the INTPU latches II0 (type 0) or II1 (type 1)
 * in the target and clears VALID in the sender's II_REQ CSR (notes
 * §1.3, §3.4).  A board line is level-sensitive: its bit stays set
 * through INT_CLR while the line is high (the UART's transmitter-empty
 * interrupt, enabled) and goes when the line goes low (a project
 * choice: the vendor's emulator loses an interrupt still asserted when
 * the HMcode clears it, and keeps one that is no longer).
 */
static void test_int_clr(const void *data)
{
    const char *board = data;
    const Core *c = core_of(board);
    int stat = c->int_stat;
    int clr = c->int_clr;
    g_autofree char *args = g_strdup_printf("-M %s", board);
    Asm *a = asm_new_core(c);
    QTestState *qts;
    char *elf;

    vec_all_faults(a);
    prologue(a);
    li(a, 12, c->intpu);
    li(a, 14, II_REQ_VALID);
    emit(a, enc_csr(true, 14, CSR_II_REQ));
    send_ii(a, 0, 0);
    emit(a, enc_csr(false, 1, CSR_II_REQ));
    res(a, 1, 0);
    send_ii(a, 0, II_REQ_TYPE_II1);
    emit(a, enc_csr(false, 1, stat));
    res(a, 1, 1);
    emit(a, enc_mem(OP_LDI, 2, -1, R_ZERO));
    emit(a, enc_csr(true, 2, stat));
    emit(a, enc_csr(false, 1, stat));
    res(a, 1, 2);
    emit(a, enc_mem(OP_LDI, 2, 1 << INT_II0, R_ZERO));
    emit(a, enc_csr(true, 2, clr));
    emit(a, enc_csr(false, 1, stat));
    res(a, 1, 3);
    emit(a, enc_mem(OP_LDI, 2, -1, R_ZERO));
    emit(a, enc_csr(true, 2, clr));
    emit(a, enc_csr(false, 1, stat));
    res(a, 1, 4);
    /* a level line held high (the UART's THR empty) survives INT_CLR */
    li(a, 13, UART_IER);
    emit(a, enc_mem(OP_LDI, 1, 2, R_ZERO));
    emit(a, enc_mem(OP_STB, 1, 0, 13));
    emit(a, enc_mem(OP_LDI, 2, -1, R_ZERO));
    emit(a, enc_csr(true, 2, clr));
    emit(a, enc_csr(false, 1, stat));
    res(a, 1, 5);
    emit(a, enc_mem(OP_STB, R_ZERO, 0, 13));
    emit(a, enc_csr(false, 1, stat));
    res(a, 1, 6);
    emit(a, enc_csr(true, 2, clr));
    emit(a, enc_csr(false, 1, stat));
    res(a, 1, 7);
    epilogue(a);

    qts = prog_go(a, args, &elf);
    g_assert_cmphex(result(qts, 0), ==, 0);
    g_assert_cmphex(result(qts, 1), ==, (1 << INT_II0) | (1 << INT_II1));
    g_assert_cmphex(result(qts, 2), ==, (1 << INT_II0) | (1 << INT_II1));
    g_assert_cmphex(result(qts, 3), ==, 1 << INT_II1);
    g_assert_cmphex(result(qts, 4), ==, 0);
    g_assert_cmphex(result(qts, 5), ==, 1 << INT_SERIAL);
    g_assert_cmphex(result(qts, 6), ==, 0);     /* the line is low */
    g_assert_cmphex(result(qts, 7), ==, 0);
    g_assert_cmpuint(status(qts, ST_TRAPS), ==, 0);
    prog_end(qts, elf);
    asm_free(a);
}

/*
 * The MMU fault vector for programs that fault on purpose: record as
 * vec_fault does, then return to $27 in HMcode mode.
 */
static void vec_mm_to27(Asm *a)
{
    const uint32_t h[] = {
        enc_mem(OP_LDL, R_AT, ST_TRAPS, R_GP),
        enc_oprl(F_ADDL, R_AT, 1, R_AT),
        enc_mem(OP_STL, R_AT, ST_TRAPS, R_GP),
        enc_csr(false, R_AT, CSR_DS_STAT),
        enc_mem(OP_STL, R_AT, ST_DS_STAT, R_GP),
        enc_csr(false, R_AT, a->core->dva),
        enc_mem(OP_STL, R_AT, ST_DVA, R_GP),
        enc_csr(false, R_AT, CSR_EXC_PC),
        enc_mem(OP_STL, R_AT, ST_EXC_PC, R_GP),
        enc_pri_ret(27),
    };

    vec_put(a, VEC_MM, h, ARRAY_SIZE(h));
}

/* Results N..N+3 = the last MMU fault's DS_STAT, DVA, EXC_PC, count */
static void res_fault(Asm *a, int n)
{
    static const int st[] = { ST_DS_STAT, ST_DVA, ST_EXC_PC, ST_TRAPS };
    int i;

    for (i = 0; i < ARRAY_SIZE(st); i++) {
        emit(a, enc_mem(OP_LDL, 3, st[i], R_GP));
        res(a, 3, n + i);
    }
}

/*
 * The kernel's fixed maps (notes §4.2): the kernel-text map
 * 0xffffffff80000000 and the linear map 0xfff0000000000000 reach the
 * same physical memory, for loads, stores and fetches, from kernel mode
 * and from HMcode mode (bit 52 set); the top of the kernel-text map is
 * physical 0x7ffffff8.  User mode may not use them: a fetch there is an
 * MMU fault, ACV (a project choice: the vendor's emulator lets user
 * mode use them, and no source says what hardware does).
 */
static void test_kseg(const void *data)
{
    const char *board = data;
    const Core *c = core_of(board);
    g_autofree char *args = g_strdup_printf("-M %s", board);
    Asm *a = asm_new_core(c);
    QTestState *qts;
    char *elf;
    Trip t;
    int la, user, back, bsr;

    vec_all_faults(a);
    vec_mm_to27(a);
    vec_syscall(a, 0x01);
    prologue(a);
    data_through_kseg(a);
    li(a, 10, KTEXT | DATA_BASE);
    li(a, 11, KSEG | DATA_BASE);
    li(a, 12, ~7ULL);
    emit(a, enc_mem(OP_LDL, 3, 0, 10));
    res(a, 3, 0);
    emit(a, enc_mem(OP_LDL, 3, 0, 11));
    res(a, 3, 1);
    emit(a, enc_mem(OP_LDL, 3, 0, 12));
    res(a, 3, 2);
    /* kernel mode, running from the kernel-text map */
    trip_go_at(a, &t, KTEXT, c->kmode);
    emit(a, enc_mem(OP_LDL, 3, 0, 10));
    res(a, 3, 3);
    emit(a, enc_mem(OP_LDI, 3, 0x5a, R_ZERO));
    emit(a, enc_mem(OP_STL, 3, 8, 11));
    emit(a, enc_mem(OP_LDL, 3, 8, 10));
    res(a, 3, 4);
    bsr = emit(a, enc_br(OP_BSR, R_RA, 0));
    res(a, R_RA, 5);
    trip_back(a, &t);
    /* user mode at a linear-map address: the fetch faults */
    la = la_reserve(a);
    li(a, 2, KSEG | 3);
    emit(a, enc_opr(F_BIS, 1, 2, 1));
    back = la_reserve(a);
    emit(a, enc_pri_ret(1));
    user = emit(a, enc_mem(OP_LDI, 3, 0x77, R_ZERO));
    res(a, 3, 6);
    patch_la(a, la, 1, user);
    patch_la(a, back, 27, here(a));
    res_fault(a, 8);
    epilogue(a);

    qts = prog_start(a, args, &elf);
    qtest_writeq(qts, DATA_BASE, 0x1111);
    qtest_writeq(qts, 0x7ffffff8, 0x2222);
    prog_run(qts, 30);
    g_assert_cmphex(result(qts, 0), ==, 0x1111);
    g_assert_cmphex(result(qts, 1), ==, 0x1111);
    g_assert_cmphex(result(qts, 2), ==, 0x2222);
    g_assert_cmphex(result(qts, 3), ==, 0x1111);
    g_assert_cmphex(result(qts, 4), ==, 0x5a);
    /* bsr's link: the next instruction in the kernel-text map */
    g_assert_cmphex(result(qts, 5), ==, KTEXT | addr_of(bsr + 1));
    g_assert_cmphex(result(qts, 6), ==, 0);
    g_assert_cmphex(result(qts, 8), ==, SW64_MM_ACV);
    g_assert_cmphex(result(qts, 9), ==, KSEG | addr_of(user));
    g_assert_cmphex(result(qts, 10), ==, (KSEG | addr_of(user)) | 3);
    /* the user fetch, and sys_call 1 */
    g_assert_cmpuint(result(qts, 11), ==, 2);
    prog_end(qts, elf);
    asm_free(a);
}

/*
 * How an MMU fault is reported (notes §4.4: the vendor's emulator and
 * its HMcode's qemu_trap_invalid_pte): at the ITB_MISS vector, 0x980,
 * with EXC_PC at the instruction, DS_STAT = fault code | access << 3
 * (1 load, 2 store, 0 fetch), and DVA the address (word-aligned for a
 * fetch).  The address is in the paged range, which has no mapping.
 */
static void test_mmu_fault(const void *data)
{
    const char *board = data;
    const Core *c = core_of(board);
    g_autofree char *args = g_strdup_printf("-M %s", board);
    const uint64_t va = SW64_VMALLOC + 0x2346;
    Asm *a = asm_new_core(c);
    QTestState *qts;
    char *elf;
    int la, ld, st;

    vec_all_faults(a);
    vec_mm_to27(a);
    prologue(a);
    li(a, 10, va & ~7ULL);
    la = la_reserve(a);
    ld = emit(a, enc_mem(OP_LDL, 3, 0, 10));
    patch_la(a, la, 27, here(a));
    res_fault(a, 0);
    la = la_reserve(a);
    st = emit(a, enc_mem(OP_STW, 3, 4, 10));
    patch_la(a, la, 27, here(a));
    res_fault(a, 4);
    la = la_reserve(a);
    li(a, 11, va);
    emit(a, enc_mem(OP_JMP, R_ZERO, 0, 11));
    patch_la(a, la, 27, here(a));
    res_fault(a, 8);
    epilogue(a);

    qts = prog_go(a, args, &elf);
    g_assert_cmphex(status(qts, ST_VEC), ==, 0);
    g_assert_cmphex(result(qts, 0), ==, SW64_MM_TNV | 1 << 3);
    g_assert_cmphex(result(qts, 1), ==, va & ~7ULL);
    g_assert_cmphex(result(qts, 2), ==, addr_of(ld));
    g_assert_cmphex(result(qts, 4), ==, SW64_MM_TNV | 2 << 3);
    g_assert_cmphex(result(qts, 5), ==, (va & ~7ULL) + 4);
    g_assert_cmphex(result(qts, 6), ==, addr_of(st));
    g_assert_cmphex(result(qts, 8), ==, SW64_MM_TNV);
    g_assert_cmphex(result(qts, 9), ==, va & ~3ULL);
    g_assert_cmphex(result(qts, 10), ==, va & ~3ULL);
    g_assert_cmpuint(result(qts, 11), ==, 3);
    prog_end(qts, elf);
    asm_free(a);
}

/* FP: function numbers of the groups the tests use */
enum {
    FP_FADDS = 0x00, FP_FADDD, FP_FSUBS, FP_FSUBD, FP_FMULS, FP_FMULD,
    FP_FDIVS, FP_FDIVD, FP_FSQRTS, FP_FSQRTD,
    FP_FCMPEQ = 0x10, FP_FCMPLE, FP_FCMPLT, FP_FCMPUN,
    FP_FCVTSD = 0x20, FP_FCVTDS, FP_FCVTDL_G, FP_FCVTDL_P, FP_FCVTDL_Z,
    FP_FCVTDL_N, FP_FCVTDL = 0x27, FP_FCVTWL, FP_FCVTLW, FP_FCVTLS = 0x2d,
    FP_FCVTLD = 0x2f,
    FMA_FMAS = 0x00, FMA_FMAD, FMA_FMSS, FMA_FMSD, FMA_FNMAS, FMA_FNMAD,
    FMA_FNMSS, FMA_FNMSD,
    FP_FCPYS = 0x30, FP_FCPYSE = 0x31, FP_FCPYSN = 0x32, FP_IFMOVS = 0x40,
    FP_IFMOVD = 0x41, FP_RFPCR = 0x50, FP_WFPCR = 0x51, FP_SETFPEC0 = 0x54,
    OP_FLDS = 0x26, OP_FLDD = 0x27, OP_FSTS = 0x2E, OP_FSTD = 0x2F,
    OP_FBEQ = 0x38, OP_FBNE, OP_FBLT, OP_FBLE, OP_FBGT, OP_FBGE,
};

/* $Rc = $fA (fimovd, 0x78) or its 32-bit form (fimovs, 0x70) */
static uint32_t enc_fimov(bool single, int fa, int rc)
{
    return enc_opr(single ? 0x70 : 0x78, fa, R_ZERO, rc);
}

/* FP enabled: core4 at reset is not (its HMcode sets IB_CTL.FPE) */
static void fp_enable(Asm *a)
{
    if (a->core->core4) {
        li(a, 1, a->core->fen_on);
        emit(a, enc_csr(true, 1, a->core->fen_csr));
    }
}

/*
 * Scalar FP moves (notes §7.1): flds converts a float32 to the 64-bit
 * register format, which for a normal number is the double of the same
 * value, and fsts gives the bytes back; fldd/fstd and ifmovd/fimovd
 * move the bits; ifmovs/fimovs convert like flds/fsts; the sign copies
 * take sign (and exponent) from Fa and the rest from Fb.  The expected
 * register values are the Alpha S format's (Alpha Architecture
 * Handbook, LDS), which SW64 inherits.
 */
static void test_fp_moves(const void *data)
{
    static const struct {
        uint32_t mem;
        uint64_t reg;
    } singles[] = {
        { 0x3f800000, 0x3ff0000000000000ULL },  /* 1.0 */
        { 0x80000000, 0x8000000000000000ULL },  /* -0.0 */
        { 0xc0490fdb, 0xc00921fb60000000ULL },  /* -pi */
        { 0x7f800000, 0x7ff0000000000000ULL },  /* inf */
        { 0x7fc00001, 0x7ff8000020000000ULL },  /* NaN, payload kept */
        { 0x00000001, 0x0000000020000000ULL },  /* denormal: as is */
    };
    const char *board = data;
    const Core *c = core_of(board);
    g_autofree char *args = g_strdup_printf("-M %s", board);
    Asm *a = asm_new_core(c);
    QTestState *qts;
    char *elf;
    int i;

    vec_all_faults(a);
    prologue(a);
    fp_enable(a);
    li(a, 10, DATA_BASE);
    for (i = 0; i < ARRAY_SIZE(singles); i++) {
        emit(a, enc_mem(OP_FLDS, 1, 4 * i, 10));
        emit(a, enc_mem(OP_FSTS, 1, 0x100 + 4 * i, 10));
        emit(a, enc_fimov(false, 1, 2));
        res(a, 2, i);
        emit(a, enc_fimov(true, 1, 2));
        res(a, 2, 8 + i);
    }
    /* fldd/fstd of a signalling NaN: the bits, unchanged */
    emit(a, enc_mem(OP_FLDD, 3, 0x40, 10));
    emit(a, enc_mem(OP_FSTD, 3, 0x140, 10));
    /* ifmovd/ifmovs from $11 = 0xbf800000 (-1.0f) */
    li(a, 11, 0xbf800000);
    emit(a, enc_fp(FP_IFMOVD, 11, 31, 4));
    emit(a, enc_fimov(false, 4, 2));
    res(a, 2, 16);
    emit(a, enc_fp(FP_IFMOVS, 11, 31, 5));
    emit(a, enc_fimov(false, 5, 2));
    res(a, 2, 17);
    emit(a, enc_fimov(true, 5, 2));
    res(a, 2, 18);
    /* sign copies: Fa = -1.0f ($f5), Fb = the NaN's register ($f3) */
    emit(a, enc_fp(FP_FCPYS, 5, 3, 6));
    emit(a, enc_fimov(false, 6, 2));
    res(a, 2, 19);
    emit(a, enc_fp(FP_FCPYSN, 5, 3, 6));
    emit(a, enc_fimov(false, 6, 2));
    res(a, 2, 20);
    emit(a, enc_fp(FP_FCPYSE, 5, 3, 6));
    emit(a, enc_fimov(false, 6, 2));
    res(a, 2, 21);
    /* $f31 reads 0 and ignores writes */
    emit(a, enc_fp(FP_IFMOVD, 11, 31, 31));
    emit(a, enc_fimov(false, 31, 2));
    res(a, 2, 22);
    epilogue(a);

    qts = prog_start(a, args, &elf);
    for (i = 0; i < ARRAY_SIZE(singles); i++) {
        qtest_writel(qts, DATA_BASE + 4 * i, singles[i].mem);
    }
    qtest_writeq(qts, DATA_BASE + 0x40, 0x7ff0000000000123ULL);
    prog_run(qts, 30);
    for (i = 0; i < ARRAY_SIZE(singles); i++) {
        g_test_message("single 0x%08x", singles[i].mem);
        g_assert_cmphex(result(qts, i), ==, singles[i].reg);
        g_assert_cmphex(qtest_readl(qts, DATA_BASE + 0x100 + 4 * i), ==,
                        singles[i].mem);
        g_assert_cmphex(result(qts, 8 + i), ==,
                        (uint64_t)(int64_t)(int32_t)singles[i].mem);
    }
    g_assert_cmphex(qtest_readq(qts, DATA_BASE + 0x140), ==,
                    0x7ff0000000000123ULL);
    g_assert_cmphex(result(qts, 16), ==, 0xbf800000);
    g_assert_cmphex(result(qts, 17), ==, 0xbff0000000000000ULL);
    g_assert_cmphex(result(qts, 18), ==, 0xffffffffbf800000ULL);
    g_assert_cmphex(result(qts, 19), ==, 0xfff0000000000123ULL);
    g_assert_cmphex(result(qts, 20), ==, 0x7ff0000000000123ULL);
    g_assert_cmphex(result(qts, 21), ==, 0xbff0000000000123ULL);
    g_assert_cmphex(result(qts, 22), ==, 0);
    g_assert_cmpuint(status(qts, ST_TRAPS), ==, 0);
    prog_end(qts, elf);
    asm_free(a);
}

/*
 * FP compares with zero: fselCC Fa,Fb,F3,Fc is Fb when Fa compares CC
 * with 0.0 (IEEE: -0.0 is 0.0, a NaN compares false) and F3 otherwise;
 * the FP branches compare the bits as a signed integer, -0.0 as 0 (as
 * on Alpha).  Each case stores 1 (Fb, taken) or 0.
 */
static void test_fp_compare(void)
{
    static const uint64_t vals[] = {
        0x8000000000000000ULL,      /* -0.0 */
        0x3ff0000000000000ULL,      /* 1.0 */
        0xbff0000000000000ULL,      /* -1.0 */
        0x7ff8000000000000ULL,      /* NaN */
    };
    /* fseleq, ne, lt, le, gt, ge; then fbeq..fbge */
    static const uint8_t want[ARRAY_SIZE(vals)][12] = {
        { 1, 0, 0, 1, 0, 1,   1, 0, 0, 1, 0, 1 },
        { 0, 1, 0, 0, 1, 1,   0, 1, 0, 0, 1, 1 },
        { 0, 1, 1, 1, 0, 0,   0, 1, 1, 1, 0, 0 },
        { 0, 1, 0, 0, 0, 0,   0, 1, 0, 0, 1, 1 },
    };
    Asm *a = asm_new();
    QTestState *qts;
    char *elf;
    int i, c, skip;

    vec_all_faults(a);
    prologue(a);
    li(a, 10, DATA_BASE);
    li(a, 1, 1);
    emit(a, enc_fp(FP_IFMOVD, 1, 31, 2));        /* $f2: "1" */
    for (i = 0; i < ARRAY_SIZE(vals); i++) {
        emit(a, enc_mem(OP_FLDD, 1, 8 * i, 10));
        for (c = 0; c < 6; c++) {
            emit(a, enc_fsel(0x10 + c, 1, 2, 31, 3));
            emit(a, enc_fimov(false, 3, 4));
            res(a, 4, 16 * i + c);
        }
        for (c = 0; c < 6; c++) {
            emit(a, enc_mem(OP_LDI, 4, 0, R_ZERO));
            skip = emit(a, 0);
            emit(a, enc_br(OP_BR, R_ZERO, 1));
            emit(a, enc_mem(OP_LDI, 4, 1, R_ZERO));
            g_array_index(a->code, uint32_t, skip) =
                enc_br(OP_FBEQ + c, 1, 1);
            res(a, 4, 16 * i + 6 + c);
        }
    }
    epilogue(a);

    qts = prog_start(a, "-M core3", &elf);
    for (i = 0; i < ARRAY_SIZE(vals); i++) {
        qtest_writeq(qts, DATA_BASE + 8 * i, vals[i]);
    }
    prog_run(qts, 30);
    for (i = 0; i < ARRAY_SIZE(vals); i++) {
        for (c = 0; c < 12; c++) {
            if (result(qts, 16 * i + c) != want[i][c]) {
                g_test_message("value 0x%016" PRIx64 " %s%s", vals[i],
                               c < 6 ? "fsel" : "fb",
                               (const char *[]){ "eq", "ne", "lt", "le",
                                                 "gt", "ge" }[c % 6]);
            }
            g_assert_cmpuint(result(qts, 16 * i + c), ==, want[i][c]);
        }
    }
    prog_end(qts, elf);
    asm_free(a);
}

/*
 * FPCR (notes §7.2): rfpcr reads it, wfpcr writes all but EXC_CTL
 * [1:0], which setfpecN sets to N while EXC_CTL_WEN [2] is set.
 */
static void test_fpcr(void)
{
    Asm *a = asm_new();
    QTestState *qts;
    char *elf;

    vec_all_faults(a);
    prologue(a);
    emit(a, enc_mem(OP_LDI, 1, -1, R_ZERO));
    emit(a, enc_fp(FP_IFMOVD, 1, 31, 1));
    emit(a, enc_fp(FP_WFPCR, 1, 31, 31));
    emit(a, enc_fp(FP_RFPCR, 2, 31, 31));
    emit(a, enc_fimov(false, 2, 3));
    res(a, 3, 0);
    emit(a, enc_fp(FP_SETFPEC0 + 2, 31, 31, 31));
    emit(a, enc_fp(FP_RFPCR, 2, 31, 31));
    emit(a, enc_fimov(false, 2, 3));
    res(a, 3, 1);
    emit(a, enc_fp(FP_WFPCR, 31, 31, 31));
    emit(a, enc_fp(FP_SETFPEC0 + 1, 31, 31, 31));
    emit(a, enc_fp(FP_RFPCR, 2, 31, 31));
    emit(a, enc_fimov(false, 2, 3));
    res(a, 3, 2);
    epilogue(a);

    qts = prog_go(a, "-M core3", &elf);
    g_assert_cmphex(result(qts, 0), ==, ~3ULL);
    g_assert_cmphex(result(qts, 1), ==, ~1ULL);
    g_assert_cmphex(result(qts, 2), ==, 2);
    g_assert_cmpuint(status(qts, ST_TRAPS), ==, 0);
    prog_end(qts, elf);
    asm_free(a);
}

/* ------------------------------------------------------------------ */
/* FP arithmetic against the host's IEEE 754 arithmetic                 */

#define FPCR_QUIET      0x600e000000000000ULL   /* INED UNFD OVFD DZED INVD */
#define FPCR_STATUS(x)  ((uint64_t)(x) << 52)   /* INV0 DZE0 OVF0 UNF0 INE0 */
#define FPCR_SUM        (1ULL << 63)
#define FPCR_RESET      0x680e800000000000ULL   /* ieee_swcr_to_fpcr(0) | DYN 2 */
#define FP_NREC         1500                    /* operand records */
#define FP_REC          40      /* 3 doubles, 3 singles (flds), padding */

enum { FS_INV = 1, FS_DZE = 2, FS_OVF = 4, FS_UNF = 8, FS_INE = 16 };

typedef enum {
    FO_ADD, FO_SUB, FO_MUL, FO_DIV, FO_SQRT, FO_MA, FO_MS, FO_NMA, FO_NMS,
    FO_CMPEQ, FO_CMPLE, FO_CMPLT, FO_CMPUN, FO_CVTDS, FO_CVTSD, FO_CVTDL_G,
    FO_CVTDL_P, FO_CVTDL_Z, FO_CVTDL_N, FO_CVTDL, FO_CVTLD, FO_CVTLS,
    FO_CVTWL, FO_CVTLW,
} FpOpId;

/*
 * One instruction of the differential: OP on the double operands ($f1,
 * $f2, $f3) or, SIN, the single ones ($f4, $f5, $f6), its result
 * stored as a double or (SOUT) with fsts.
 */
typedef struct FpOp {
    const char *name;
    FpOpId op;
    int major, func;
    bool sin, sout;
} FpOp;

static const FpOp fp_ops[] = {
    { "faddd", FO_ADD, 0x18, FP_FADDD },
    { "fsubd", FO_SUB, 0x18, FP_FSUBD },
    { "fmuld", FO_MUL, 0x18, FP_FMULD },
    { "fdivd", FO_DIV, 0x18, FP_FDIVD },
    { "fsqrtd", FO_SQRT, 0x18, FP_FSQRTD },
    { "fmad", FO_MA, 0x19, FMA_FMAD },
    { "fmsd", FO_MS, 0x19, FMA_FMSD },
    { "fnmad", FO_NMA, 0x19, FMA_FNMAD },
    { "fnmsd", FO_NMS, 0x19, FMA_FNMSD },
    { "fcmpeq", FO_CMPEQ, 0x18, FP_FCMPEQ },
    { "fcmple", FO_CMPLE, 0x18, FP_FCMPLE },
    { "fcmplt", FO_CMPLT, 0x18, FP_FCMPLT },
    { "fcmpun", FO_CMPUN, 0x18, FP_FCMPUN },
    { "fcvtds", FO_CVTDS, 0x18, FP_FCVTDS, false, true },
    { "fcvtdl_g", FO_CVTDL_G, 0x18, FP_FCVTDL_G },
    { "fcvtdl_p", FO_CVTDL_P, 0x18, FP_FCVTDL_P },
    { "fcvtdl_z", FO_CVTDL_Z, 0x18, FP_FCVTDL_Z },
    { "fcvtdl_n", FO_CVTDL_N, 0x18, FP_FCVTDL_N },
    { "fcvtdl", FO_CVTDL, 0x18, FP_FCVTDL },
    { "fcvtld", FO_CVTLD, 0x18, FP_FCVTLD },
    { "fcvtls", FO_CVTLS, 0x18, FP_FCVTLS, false, true },
    { "fcvtwl", FO_CVTWL, 0x18, FP_FCVTWL },
    { "fcvtlw", FO_CVTLW, 0x18, FP_FCVTLW },
    { "fadds", FO_ADD, 0x18, FP_FADDS, true, true },
    { "fsubs", FO_SUB, 0x18, FP_FSUBS, true, true },
    { "fmuls", FO_MUL, 0x18, FP_FMULS, true, true },
    { "fdivs", FO_DIV, 0x18, FP_FDIVS, true, true },
    { "fsqrts", FO_SQRT, 0x18, FP_FSQRTS, true, true },
    { "fmas", FO_MA, 0x19, FMA_FMAS, true, true },
    { "fmss", FO_MS, 0x19, FMA_FMSS, true, true },
    { "fnmas", FO_NMA, 0x19, FMA_FNMAS, true, true },
    { "fnmss", FO_NMS, 0x19, FMA_FNMSS, true, true },
    { "fcvtsd", FO_CVTSD, 0x18, FP_FCVTSD, true, false },
};

/* FPCR DYN 0..3 (notes §7.2) as the host's rounding modes */
static const int fp_host_rm[4] = {
    FE_TOWARDZERO, FE_DOWNWARD, FE_TONEAREST, FE_UPWARD,
};

static const uint64_t fp_edges[] = {
    0, 0x8000000000000000ULL, 0x3ff0000000000000ULL, 0xbff0000000000000ULL,
    0x4000000000000000ULL, 0x3fd5555555555555ULL, 0x7ff0000000000000ULL,
    0xfff0000000000000ULL, 0x7ff8000000000000ULL, 0x7ff4000000000000ULL,
    0x0010000000000000ULL, 0x000fffffffffffffULL, 0x0000000000000001ULL,
    0x7fefffffffffffffULL, 0x43e0000000000000ULL, 0xc3e0000000000000ULL,
    0x43f0000000000000ULL, 0x4330000000000001ULL, 0x3fe0000000000000ULL,
    0x3ff8000000000000ULL, 0x4004000000000000ULL, 0xbff8000000000000ULL,
    0x43dfffffffffffffULL, 0x7fe0000000000000ULL,
};

static const uint32_t fp_edges_s[] = {
    0, 0x80000000, 0x3f800000, 0xbf800000, 0x40000000, 0x3eaaaaab,
    0x7f800000, 0xff800000, 0x7fc00000, 0x7fa00000, 0x00800000, 0x007fffff,
    0x00000001, 0x7f7fffff, 0x3f000000, 0x3fc00000, 0x40200000, 0xbfc00000,
    0x4b000001, 0x7f000000, 0x5f000000, 0xdf000000, 0x34000000, 0x0c000000,
};

static double fp_d(uint64_t v)
{
    double d;

    memcpy(&d, &v, 8);
    return d;
}

static uint64_t fp_u(double d)
{
    uint64_t v;

    memcpy(&v, &d, 8);
    return v;
}

static float fp_f(uint32_t v)
{
    float f;

    memcpy(&f, &v, 4);
    return f;
}

static uint32_t fp_uf(float f)
{
    uint32_t v;

    memcpy(&v, &f, 4);
    return v;
}

/* A random double around 1, tiny, huge, or anywhere; some short */
static uint64_t fp_rand(uint64_t *s, int ebits, int mbits)
{
    uint64_t r = xorshift(s), m = xorshift(s), e;
    int bias = (1 << (ebits - 1)) - 1, emax = (1 << ebits) - 2;

    switch (r & 7) {
    case 0:
        e = r % (emax + 2);
        break;
    case 1:
        e = (r >> 8) % 32;
        break;
    case 2:
        e = emax - (r >> 8) % 32;
        break;
    default:
        e = bias - 70 + (r >> 8) % 141;
        break;
    }
    m &= (1ULL << mbits) - 1;
    if (r & 0x8000) {
        m &= ~0ULL << (mbits - (r >> 16) % 8);
    }
    return (r >> 63) << (ebits + mbits) | e << mbits | m;
}

static int fp_host_flags(void)
{
    int x = fetestexcept(FE_ALL_EXCEPT);

    return (x & FE_INVALID ? FS_INV : 0) | (x & FE_DIVBYZERO ? FS_DZE : 0) |
           (x & FE_OVERFLOW ? FS_OVF : 0) | (x & FE_UNDERFLOW ? FS_UNF : 0) |
           (x & FE_INEXACT ? FS_INE : 0);
}

/*
 * fcvtdl (notes §7.3): to a 64-bit integer in rounding mode RM (a
 * host FE_* mode); out of range the low 64 bits of the integer with
 * inexact, infinity and NaN 0 with invalid (Alpha's CVTTQ, which the
 * vendor's emulator follows).  In integers: the compiler's inline rint
 * assumes round-to-nearest.
 */
static uint64_t fp_ref_cvtdl(uint64_t v, int rm, int *flags)
{
    int e = v >> 52 & 0x7ff, sh = 1075 - e;
    bool neg = v >> 63;
    uint64_t m = v & ((1ULL << 52) - 1), r, rest, half;
    bool up;

    if (e == 0x7ff) {
        *flags = FS_INV;
        return 0;
    }
    if (e) {
        m |= 1ULL << 52;
    } else {
        sh = 1074;      /* a denormal */
    }
    if (sh <= 0) {
        r = -sh < 64 ? m << -sh : 0;
        *flags = e >= 1086 && v != 0xc3e0000000000000ULL ? FS_INE : 0;
        return neg ? -r : r;
    }
    r = sh < 64 ? m >> sh : 0;
    rest = sh < 64 ? m & ((1ULL << sh) - 1) : m;
    half = sh < 64 ? 1ULL << (sh - 1) : (sh == 64 ? 1ULL << 63 : 0);
    switch (rm) {
    case FE_TONEAREST:
        up = sh <= 64 && (rest > half || (rest == half && (r & 1)));
        break;
    case FE_UPWARD:
        up = rest && !neg;
        break;
    case FE_DOWNWARD:
        up = rest && neg;
        break;
    default:
        up = false;
        break;
    }
    r += up;
    *flags = rest ? FS_INE : 0;
    return neg ? -r : r;
}

/* The expected result of OP for record D, F in DYN mode DYN; *FLAGS */
static uint64_t fp_ref(const FpOp *op, const uint64_t *d, const uint32_t *f,
                       int dyn, int *flags)
{
    volatile double a = fp_d(d[0]), b = fp_d(d[1]), c = fp_d(d[2]), r = 0;
    volatile float fa = fp_f(f[0]), fb = fp_f(f[1]), fc = fp_f(f[2]);
    volatile float rf = 0;
    volatile int64_t ia = d[0];
    uint64_t out;

    switch (op->op) {
    case FO_CVTDL_G:
        return fp_ref_cvtdl(d[0], FE_TONEAREST, flags);
    case FO_CVTDL_P:
        return fp_ref_cvtdl(d[0], FE_UPWARD, flags);
    case FO_CVTDL_Z:
        return fp_ref_cvtdl(d[0], FE_TOWARDZERO, flags);
    case FO_CVTDL_N:
        return fp_ref_cvtdl(d[0], FE_DOWNWARD, flags);
    case FO_CVTDL:
        return fp_ref_cvtdl(d[0], fp_host_rm[dyn], flags);
    case FO_CVTWL:     /* the integer in the register format's bits */
        *flags = 0;
        return (int64_t)(int32_t)((d[0] >> 29 & 0x3fffffff) |
                                  (d[0] >> 62) << 30);
    case FO_CVTLW:
        *flags = 0;
        return (d[0] & 0x3fffffff) << 29 | (d[0] >> 30 & 3) << 62;
    default:
        break;
    }

    fesetround(fp_host_rm[dyn]);
    feclearexcept(FE_ALL_EXCEPT);
    if (op->sin) {
        switch (op->op) {
        case FO_ADD:
            rf = fa + fb;
            break;
        case FO_SUB:
            rf = fa - fb;
            break;
        case FO_MUL:
            rf = fa * fb;
            break;
        case FO_DIV:
            rf = fa / fb;
            break;
        case FO_SQRT:
            rf = sqrtf(fa);
            break;
        case FO_MA:
            rf = fmaf(fa, fb, fc);
            break;
        case FO_MS:
            rf = fmaf(fa, fb, -fc);
            break;
        case FO_NMA:
            rf = fmaf(-fa, fb, fc);
            break;
        case FO_NMS:
            rf = fmaf(-fa, fb, -fc);
            break;
        case FO_CVTSD:
            r = fa;
            break;
        default:
            g_assert_not_reached();
        }
    } else {
        switch (op->op) {
        case FO_ADD:
            r = a + b;
            break;
        case FO_SUB:
            r = a - b;
            break;
        case FO_MUL:
            r = a * b;
            break;
        case FO_DIV:
            r = a / b;
            break;
        case FO_SQRT:
            r = sqrt(a);
            break;
        case FO_MA:
            r = fma(a, b, c);
            break;
        case FO_MS:
            r = fma(a, b, -c);
            break;
        case FO_NMA:
            r = fma(-a, b, c);
            break;
        case FO_NMS:
            r = fma(-a, b, -c);
            break;
        case FO_CMPEQ:  /* quiet compares: invalid only for a signalling NaN */
            r = !isunordered(a, b) && !islessgreater(a, b) ? 2.0 : 0.0;
            break;
        case FO_CMPLE:
            r = islessequal(a, b) ? 2.0 : 0.0;
            break;
        case FO_CMPLT:
            r = isless(a, b) ? 2.0 : 0.0;
            break;
        case FO_CMPUN:
            r = isunordered(a, b) ? 2.0 : 0.0;
            break;
        case FO_CVTDS:
            rf = a;
            break;
        case FO_CVTLD:
            r = ia;
            break;
        case FO_CVTLS:
            rf = ia;
            break;
        default:
            g_assert_not_reached();
        }
    }
    *flags = fp_host_flags();
    fesetround(FE_TONEAREST);
    out = op->sout ? fp_uf(rf) : fp_u(r);
    return out;
}

static bool fp_is_nan(uint64_t v, bool single)
{
    return single ? (v & 0x7fffffff) > 0x7f800000
                  : (v & INT64_MAX) > 0x7ff0000000000000ULL;
}

/*
 * Every scalar FP operation (notes §7.3), in every FPCR rounding mode
 * (DYN, §7.2), over FP_NREC operand records (the edge values pairwise,
 * then random ones), against the host's IEEE 754 arithmetic, which
 * neither QEMU nor this project wrote: the result and the FPCR after
 * it, with the status bits INV0..INE0 and SUM set by what the
 * operation raised (Linux's ieee_fpcr_to_swcr reads them there).
 * Traps disabled.  A NaN result compares as a NaN: the NaN's bits are
 * the architecture's choice, not IEEE's.  Underflow of a result that
 * rounds to the smallest normal may differ: this model detects
 * tininess after rounding, x86 and Arm hosts before; that case is
 * accepted with a message.
 */
static void test_fp_arith_differential(const void *data)
{
    const char *board = data;
    g_autofree char *args = g_strdup_printf("-M %s", board);
    int nops = ARRAY_SIZE(fp_ops), ne = ARRAY_SIZE(fp_edges);
    g_autofree uint8_t *recs = g_malloc0(FP_NREC * FP_REC);
    size_t nres = (size_t)4 * FP_NREC * nops * 2;
    g_autofree uint64_t *out = g_new(uint64_t, nres);
    uint64_t seed = 0xf10a7f10a7f10a7ULL;
    Asm *a = asm_new_core(core_of(board));
    size_t bad = 0, tiny = 0, checked = 0, bad_dyn[4] = { 0 };
    QTestState *qts;
    char *elf;
    int i, k, dyn, loop;

    for (i = 0; i < FP_NREC; i++) {
        uint8_t *r = recs + i * FP_REC;
        uint64_t d[3];
        uint32_t f[3];

        for (k = 0; k < 3; k++) {
            d[k] = fp_rand(&seed, 11, 52);
            f[k] = fp_rand(&seed, 8, 23);
        }
        if (i < ne * ne) {
            d[0] = fp_edges[i / ne];
            d[1] = fp_edges[i % ne];
            f[0] = fp_edges_s[i / ne];
            f[1] = fp_edges_s[i % ne];
        } else if (i % 4 == 0) {
            /* c close to -(a * b): cancellation in the fused forms */
            d[2] = fp_u(-(fp_d(d[0]) * fp_d(d[1]))) ^ (xorshift(&seed) & 3);
            f[2] = fp_uf(-(fp_f(f[0]) * fp_f(f[1]))) ^ (xorshift(&seed) & 3);
        }
        for (k = 0; k < 3; k++) {
            stq_le_p(r + 8 * k, d[k]);
            stl_le_p(r + 24 + 4 * k, f[k]);
        }
    }

    vec_all_faults(a);
    prologue(a);
    fp_enable(a);
    li(a, 11, BULK_RES);
    for (dyn = 0; dyn < 4; dyn++) {
        li(a, 1, FPCR_QUIET | (uint64_t)dyn << 58);
        emit(a, enc_fp(FP_IFMOVD, 1, 31, 7));
        li(a, 10, BULK_BASE);
        li(a, 12, FP_NREC);
        loop = here(a);
        for (k = 0; k < 3; k++) {
            emit(a, enc_mem(OP_FLDD, 1 + k, 8 * k, 10));
            emit(a, enc_mem(OP_FLDS, 4 + k, 24 + 4 * k, 10));
        }
        for (k = 0; k < nops; k++) {
            const FpOp *op = &fp_ops[k];
            int s = op->sin ? 4 : 1;

            emit(a, enc_fp(FP_WFPCR, 7, 31, 31));
            if (op->major == 0x19) {
                emit(a, enc_fsel(op->func, s, s + 1, s + 2, 8));
            } else if (op->func == FP_FSQRTS || op->func == FP_FSQRTD ||
                       op->func >= FP_FCVTSD) {
                emit(a, enc_fp(op->func, 31, s, 8));
            } else {
                emit(a, enc_fp(op->func, s, s + 1, 8));
            }
            emit(a, enc_mem(op->sout ? OP_FSTS : OP_FSTD, 8, 16 * k, 11));
            emit(a, enc_fp(FP_RFPCR, 9, 31, 31));
            emit(a, enc_mem(OP_FSTD, 9, 16 * k + 8, 11));
        }
        emit(a, enc_mem(OP_LDI, 10, FP_REC, 10));
        emit(a, enc_mem(OP_LDI, 11, 16 * nops, 11));
        emit(a, enc_oprl(F_SUBL, 12, 1, 12));
        br_to(a, OP_BNE, 12, loop);
    }
    epilogue(a);

    qts = prog_start(a, args, &elf);
    qtest_bufwrite(qts, BULK_BASE, recs, FP_NREC * FP_REC);
    prog_run(qts, 120);
    g_assert_cmpuint(status(qts, ST_TRAPS), ==, 0);
    qtest_bufread(qts, BULK_RES, out, nres * 8);

    for (dyn = 0; dyn < 4; dyn++) {
        for (i = 0; i < FP_NREC; i++) {
            const uint8_t *r = recs + i * FP_REC;
            uint64_t d[3] = { ldq_le_p(r), ldq_le_p(r + 8), ldq_le_p(r + 16) };
            uint32_t f[3] = { ldl_le_p(r + 24), ldl_le_p(r + 28),
                              ldl_le_p(r + 32) };

            for (k = 0; k < nops; k++) {
                const FpOp *op = &fp_ops[k];
                size_t at = (((size_t)dyn * FP_NREC + i) * nops + k) * 2;
                uint64_t got = le64_to_cpu(out[at]);
                uint64_t fpcr = le64_to_cpu(out[at + 1]);
                uint64_t base = FPCR_QUIET | (uint64_t)dyn << 58;
                int flags;
                uint64_t want = fp_ref(op, d, f, dyn, &flags);
                uint64_t want_fpcr = base | FPCR_STATUS(flags) |
                                     (flags ? FPCR_SUM : 0);
                bool ok_val, ok_fpcr;

                if (op->sout) {
                    got &= 0xffffffff;
                }
                ok_val = got == want ||
                         (fp_is_nan(got, op->sout) &&
                          fp_is_nan(want, op->sout));
                ok_fpcr = fpcr == want_fpcr;
                if (ok_val && !ok_fpcr &&
                    ((fpcr ^ want_fpcr) & ~FPCR_SUM) == FPCR_STATUS(FS_UNF) &&
                    (want & (op->sout ? 0x7fffffff : INT64_MAX)) ==
                    (op->sout ? 0x00800000 : 0x0010000000000000ULL)) {
                    tiny++;
                    ok_fpcr = true;
                }
                checked++;
                bad_dyn[dyn] += !ok_val || !ok_fpcr;
                if ((!ok_val || !ok_fpcr) && bad++ < 20) {
                    g_test_message("%s DYN %d a %016" PRIx64 " b %016" PRIx64
                                   " c %016" PRIx64 " (s %08x %08x %08x): "
                                   "got %016" PRIx64 " fpcr %016" PRIx64
                                   ", want %016" PRIx64 " fpcr %016" PRIx64,
                                   op->name, dyn, d[0], d[1], d[2], f[0],
                                   f[1], f[2], got, fpcr, want, want_fpcr);
                }
            }
        }
    }
    g_test_message("%zu results, %zu underflows told apart only by the "
                   "host's tininess detection; wrong in DYN 0..3: %zu %zu "
                   "%zu %zu", checked, tiny, bad_dyn[0], bad_dyn[1],
                   bad_dyn[2], bad_dyn[3]);
    g_assert_cmpuint(bad, ==, 0);
    prog_end(qts, elf);
    asm_free(a);
}

/* In kernel mode: OP, then record EXC_SUM, EXC_PC, trap count at N.. */
static void fp_trap_case(Asm *a, uint32_t insn, int n, int *at)
{
    *at = emit(a, insn);
    emit(a, enc_mem(OP_LDL, 3, ST_EXC_SUM, R_GP));
    res(a, 3, n);
    emit(a, enc_mem(OP_LDL, 3, ST_EXC_PC, R_GP));
    res(a, 3, n + 1);
    emit(a, enc_mem(OP_LDL, 3, ST_TRAPS, R_GP));
    res(a, 3, n + 2);
    emit(a, enc_mem(OP_STL, R_ZERO, ST_EXC_SUM, R_GP));
}

/*
 * Arithmetic traps (notes §2.3, §7.2): an FP exception the FPCR does
 * not disable enters HMcode at ARITH (0xB80) with EXC_PC at the
 * instruction, its result written, and EXC_SUM = SWC | INV0 1, DZE0 2,
 * FOV0 3, UNF0 4, INE0 5 (Linux asm/fpu.h EXC_SUM_*); disabled ones only
 * set their status bit.  EXC_CTL, set by setfpecN, overrides the
 * disables: 2 keeps inexact quiet, 3 inexact and underflow.  The FPCR
 * resets to every trap disabled, round to nearest (a project choice:
 * the value Linux gives a thread, ieee_swcr_to_fpcr(0) | DYN 2).
 */
static void test_fp_trap(const void *data)
{
    const char *board = data;
    const Core *c = core_of(board);
    g_autofree char *args = g_strdup_printf("-M %s", board);
    Asm *a = asm_new_core(c);
    QTestState *qts;
    char *elf;
    static const struct {
        int at, slot;
    } trapped[] = { { 0, 2 }, { 3, 13 }, { 4, 16 } };
    Trip t;
    int at[5], i;

    vec_all_faults(a);
    vec_syscall(a, 0x01);
    prologue(a);
    fp_enable(a);
    data_through_kseg(a);
    emit(a, enc_fp(FP_RFPCR, 1, 31, 31));
    emit(a, enc_fimov(false, 1, 2));
    res(a, 2, 0);
    li(a, 2, 0x3ff0000000000000ULL);
    emit(a, enc_fp(FP_IFMOVD, 2, 31, 1));           /* $f1 = 1.0 */
    li(a, 2, 0x4008000000000000ULL);
    emit(a, enc_fp(FP_IFMOVD, 2, 31, 2));           /* $f2 = 3.0 */
    li(a, 2, (FPCR_QUIET & ~(1ULL << 62)) | 2ULL << 58);
    emit(a, enc_fp(FP_IFMOVD, 2, 31, 7));
    emit(a, enc_fp(FP_WFPCR, 7, 31, 31));           /* inexact traps */
    trip_go(a, &t, c->kmode);
    fp_trap_case(a, enc_fp(FP_FDIVD, 1, 2, 3), 1, &at[0]);
    fp_trap_case(a, enc_fp(FP_FDIVD, 1, 31, 4), 4, &at[1]);
    emit(a, enc_fp(FP_RFPCR, 5, 31, 31));
    emit(a, enc_fimov(false, 5, 2));
    res(a, 2, 7);
    emit(a, enc_fimov(false, 3, 2));
    res(a, 2, 8);
    /* EXC_CTL: write enabled, no disables */
    li(a, 2, 4 | 2ULL << 58);
    emit(a, enc_fp(FP_IFMOVD, 2, 31, 7));
    emit(a, enc_fp(FP_WFPCR, 7, 31, 31));
    emit(a, enc_fp(FP_SETFPEC0 + 2, 31, 31, 31));
    fp_trap_case(a, enc_fp(FP_FDIVD, 1, 2, 3), 9, &at[2]);
    fp_trap_case(a, enc_fp(FP_FDIVD, 1, 31, 3), 12, &at[3]);
    emit(a, enc_fp(FP_SETFPEC0, 31, 31, 31));
    fp_trap_case(a, enc_fp(FP_FDIVD, 1, 2, 3), 15, &at[4]);
    trip_back(a, &t);
    epilogue(a);

    qts = prog_go(a, args, &elf);
    g_assert_cmphex(result(qts, 0), ==, FPCR_RESET);
    /* 1/3: trap, the quotient written */
    g_assert_cmphex(result(qts, 1), ==, 0x21);
    g_assert_cmphex(result(qts, 3), ==, 1);
    g_assert_cmphex(result(qts, 8), ==, 0x3fd5555555555555ULL);
    /* 1/0 with DZED: no trap; status DZE0 and INE0, SUM */
    g_assert_cmphex(result(qts, 4), ==, 0);
    g_assert_cmphex(result(qts, 6), ==, 1);
    g_assert_cmphex(result(qts, 7), ==,
                    (FPCR_QUIET & ~(1ULL << 62)) | 2ULL << 58 |
                    FPCR_STATUS(FS_DZE | FS_INE) | FPCR_SUM);
    /* EXC_CTL 2: inexact quiet, division by zero traps */
    g_assert_cmphex(result(qts, 9), ==, 0);
    g_assert_cmphex(result(qts, 11), ==, 1);
    g_assert_cmphex(result(qts, 12), ==, 0x05);
    g_assert_cmphex(result(qts, 14), ==, 2);
    /* EXC_CTL 0: the disables, none set: inexact traps again */
    g_assert_cmphex(result(qts, 15), ==, 0x21);
    g_assert_cmphex(result(qts, 17), ==, 3);
    /* EXC_PC: the trapping instruction, kernel mode bits included */
    for (i = 0; i < ARRAY_SIZE(trapped); i++) {
        g_assert_cmphex(result(qts, trapped[i].slot), ==,
                        (KSEG | addr_of(at[trapped[i].at])) | c->kmode);
    }
    g_assert_cmphex(status(qts, ST_VEC), ==, 0xB80);
    prog_end(qts, elf);
    asm_free(a);
}

/*
 * FP disabled, an FP instruction outside HMcode mode enters HMcode at
 * FEN, 0xA80, with EXC_PC at it (notes §2.4, §7.1).  The enable: core3
 * UPCR_FPE (0x21) bit 1, set at reset (a project choice: the vendor's
 * UEFI stores FP registers without enabling FP, and no source gives
 * the reset value); core4 IB_CTL (0x31) bit 24, clear at reset (its
 * HMcode sets it).  A write to the enable takes effect at once.  In
 * HMcode mode FP instructions run whatever the enable.
 */
static void test_fen(const void *data)
{
    const char *board = data;
    const Core *c = core_of(board);
    bool core4 = c->core4;
    int csr = c->fen_csr;
    uint64_t on = c->fen_on;
    int kmode = c->kmode;
    g_autofree char *args = g_strdup_printf("-M %s", board);
    Asm *a = asm_new_core(c);
    QTestState *qts;
    char *elf;
    Trip t1, t2, t3;
    int st3;

    vec_all_faults(a);
    vec_syscall(a, 0x01);
    prologue(a);
    data_through_kseg(a);
    li(a, 10, KSEG | DATA_BASE);
    li(a, 11, on);
    li(a, 3, 0x1234);
    /* at reset: core3 enabled, core4 not (two FP instructions trap) */
    trip_go(a, &t1, kmode);
    emit(a, enc_fp(FP_IFMOVD, 3, 31, 1));
    emit(a, enc_mem(OP_FSTD, 1, 0, 10));
    trip_back(a, &t1);
    emit(a, enc_mem(OP_LDL, 3, ST_TRAPS, R_GP));
    res(a, 3, 0);
    li(a, 3, 0x1234);
    emit(a, enc_csr(true, 11, csr));
    trip_go(a, &t2, kmode);
    emit(a, enc_fp(FP_IFMOVD, 3, 31, 1));
    emit(a, enc_mem(OP_FSTD, 1, 8, 10));
    trip_back(a, &t2);
    emit(a, enc_csr(true, R_ZERO, csr));
    trip_go(a, &t3, kmode);
    st3 = emit(a, enc_mem(OP_FSTD, 1, 16, 10));
    emit(a, enc_mem(OP_LDL, 3, ST_EXC_PC, R_GP));
    res(a, 3, 1);
    emit(a, enc_mem(OP_LDL, 3, ST_VEC, R_GP));
    res(a, 3, 2);
    trip_back(a, &t3);
    /* HMcode mode, FP disabled: runs */
    emit(a, enc_mem(OP_FSTD, 1, 24, 10));
    epilogue(a);

    qts = prog_go(a, args, &elf);
    g_assert_cmpuint(result(qts, 0), ==, core4 ? 3 : 1);
    g_assert_cmphex(qtest_readq(qts, DATA_BASE), ==, core4 ? 0 : 0x1234);
    g_assert_cmphex(qtest_readq(qts, DATA_BASE + 8), ==, 0x1234);
    g_assert_cmphex(qtest_readq(qts, DATA_BASE + 16), ==, 0);
    g_assert_cmphex(qtest_readq(qts, DATA_BASE + 24), ==, 0x1234);
    g_assert_cmphex(result(qts, 1), ==, (KSEG | addr_of(st3)) | kmode);
    g_assert_cmphex(result(qts, 2), ==, 0xA80);
    /* the FEN traps and three sys_calls */
    g_assert_cmpuint(status(qts, ST_TRAPS), ==, (core4 ? 3 : 1) + 3);
    prog_end(qts, elf);
    asm_free(a);
}

#define CPU_MHZ         2500    /* rtc and TIMER_TH count at it */

/*
 * The per-CPU timer (notes §3.3): TIMER_CTL bit 0 set, the TIMER
 * interrupt (INT_STAT bit 4) comes TIMER_TH cycles later, cycles of the
 * rtc counter.  In HMcode mode it ends a halt, at least TIMER_TH cycles
 * of rtc later; in kernel mode, enabled, it is taken at core3's second
 * vector (0xE80) or core4's only one (0xE00); TIMER_CTL cleared before
 * it comes, it does not come.
 */
static void test_timer(const void *data)
{
    g_auto(GStrv) words = g_strsplit(data, " ", 2);
    const char *board = words[0];
    const Core *c = core_of(board);
    bool core4 = c->core4;
    int ie = c->int_en;
    int stat = c->int_stat;
    int clr = c->int_clr;
    int th = c->timer_th;
    int ctl = c->timer_ctl;
    const uint64_t cycles = CPU_MHZ * 2000;     /* 2 ms */
    g_autofree char *args = g_strdup_printf("-M %s", (const char *)data);
    Asm *a = asm_new_core(c);
    QTestState *qts;
    char *elf;
    Trip t;
    int wait;

    vec_all_faults(a);
    vec_interrupt(a);
    vec_syscall(a, 0x01);
    prologue(a);
    data_through_kseg(a);
    li(a, 10, cycles);
    emit(a, enc_mem(OP_LDI, 11, 1, R_ZERO));
    /* halt in HMcode mode until the timer */
    emit(a, enc_misc(MISC_RTC, 12));
    emit(a, enc_csr(true, 10, th));
    emit(a, enc_csr(true, 11, ctl));
    emit(a, enc_misc(MISC_HALT, R_ZERO));
    emit(a, enc_misc(MISC_RTC, 13));
    emit(a, enc_opr(F_SUBL, 13, 12, 13));
    res(a, 13, 0);
    emit(a, enc_csr(false, 1, stat));
    res(a, 1, 1);
    emit(a, enc_mem(OP_LDI, 1, -1, R_ZERO));
    emit(a, enc_csr(true, 1, clr));
    /* armed again, taken in kernel mode */
    emit(a, enc_csr(true, 1, ie));
    emit(a, enc_csr(true, 10, th));
    emit(a, enc_csr(true, 11, ctl));
    trip_go(a, &t, c->kmode);
    wait = here(a);
    emit(a, enc_mem(OP_LDL, 3, ST_TRAPS, R_GP));
    br_to(a, OP_BEQ, 3, wait);
    trip_back(a, &t);
    /* armed and disarmed: nothing in 2 * TIMER_TH */
    emit(a, enc_csr(true, 10, th));
    emit(a, enc_csr(true, 11, ctl));
    emit(a, enc_csr(true, R_ZERO, ctl));
    emit(a, enc_misc(MISC_RTC, 12));
    emit(a, enc_opr(F_ADDL, 12, 10, 12));
    emit(a, enc_opr(F_ADDL, 12, 10, 12));
    wait = here(a);
    emit(a, enc_misc(MISC_RTC, 13));
    emit(a, enc_opr(0x2b /* cmpult */, 13, 12, 14));
    br_to(a, OP_BNE, 14, wait);
    emit(a, enc_csr(false, 1, stat));
    res(a, 1, 2);
    epilogue(a);

    /* icount: one thread (TCG refuses MTTCG with icount) */
    qts = prog_start_accel(a, words[1] ? "tcg" : "tcg,thread=multi", args,
                           &elf);
    prog_run(qts, 30);
    g_assert_cmpuint(result(qts, 0), >=, cycles);
    g_assert_cmphex(result(qts, 1), ==, 1 << 4);
    g_assert_cmphex(status(qts, ST_VEC), ==, core4 ? 0xE00 : 0xE80);
    g_assert_cmphex(status(qts, ST_INT), ==, 1 << 4);
    g_assert_cmphex(result(qts, 2), ==, 0);
    /* the interrupt, and the sys_call back */
    g_assert_cmpuint(status(qts, ST_TRAPS), ==, 2);
    prog_end(qts, elf);
    asm_free(a);
}

/* $27 = BASE | the address fixed by ret27_fix: vec_mm_to27 returns there */
static int ret27_reserve(Asm *a, uint64_t base)
{
    int at = la_reserve(a);

    li(a, 2, base);
    emit(a, enc_opr(F_BIS, 27, 2, 27));
    return at;
}

static void ret27_fix(Asm *a, int at)
{
    patch_la(a, at, 27, here(a));
}

#define PT_BASE         0x3000000ULL    /* page tables, 8 KiB each */
#define VA_USER         0x200000000ULL  /* L1 0, L2 1, L3 0, L4 0.. */
#define VA_HUGE2M       (VA_USER + 0x800000)    /* L3 1: an 8 MiB leaf */
#define VA_HUGE8G       0x400000000ULL  /* L2 2: an 8 GiB leaf */
#define VA_SYS          0xfffff00200000000ULL   /* L1 0x3fe, then as USER */
#define PA_HUGE2M       0x1800000ULL
#define PTE_V           0x01
#define PTE_FOR         0x02
#define PTE_FOW         0x04
#define PTE_FOE         0x08
#define PTE_LEAF        0x40

/*
 * The page-table walk of each core (notes §4.3): four levels over VA
 * [52:13], the frame at bit 28 (core3) or 24 (core4) of an entry, roots
 * PTBR (core3) or PTBR_SYS for VA bit 52 and PTBR_USR otherwise
 * (core4); 8 MiB and 8 GiB leaves (LEAF at the third and second level);
 * the faults, reported as in §4.4: an invalid entry (TNV), a read of a
 * FOR page, a write of a FOW page, a fetch from a FOE page.  Kernel
 * mode, through the linear map; the tables are written by the test.
 */
static void test_page_tables(const void *data)
{
    const char *board = data;
    const Core *c = core_of(board);
    bool core4 = c->core4;
    int shift = core4 ? 24 : 28;
    int kmode = c->kmode;
    g_autofree char *args = g_strdup_printf("-M %s", board);
    const uint64_t l1 = PT_BASE, l2 = PT_BASE + 0x2000;
    const uint64_t l3 = PT_BASE + 0x4000, l4 = PT_BASE + 0x6000;
    const uint64_t l1sys = core4 ? PT_BASE + 0x8000 : l1;
    Asm *a = asm_new_core(c);
    QTestState *qts;
    char *elf;
    Trip t;
    int at, st_fow, ld_for, ld_tnv;

    vec_all_faults(a);
    vec_mm_to27(a);
    vec_syscall(a, 0x01);
    prologue(a);
    data_through_kseg(a);
    li(a, 1, l1);
    emit(a, enc_csr(true, 1, core4 ? 0x69 : 0x08));    /* PTBR(_USR) */
    if (core4) {
        li(a, 1, l1sys);
        emit(a, enc_csr(true, 1, 0x68));                /* PTBR_SYS */
    }
    trip_go(a, &t, kmode);
    emit(a, enc_opr(F_BIS, 27, R_ZERO, 15));           /* trip_back's */
    li(a, 10, VA_USER);
    emit(a, enc_mem(OP_LDL, 3, 0, 10));
    res(a, 3, 0);
    emit(a, enc_mem(OP_LDI, 3, 0x5a, R_ZERO));
    emit(a, enc_mem(OP_STL, 3, 8, 10));
    emit(a, enc_mem(OP_LDL, 3, 0x2000, 10));            /* FOW: reads */
    res(a, 3, 1);
    at = ret27_reserve(a, KSEG | kmode);
    st_fow = emit(a, enc_mem(OP_STL, 3, 0x2000, 10));
    ret27_fix(a, at);
    res_fault(a, 4);
    at = ret27_reserve(a, KSEG | kmode);
    ld_for = emit(a, enc_mem(OP_LDL, 3, 0x4000, 10));
    ret27_fix(a, at);
    res_fault(a, 8);
    at = ret27_reserve(a, KSEG | kmode);
    ld_tnv = emit(a, enc_mem(OP_LDL, 3, 0x6000, 10));
    ret27_fix(a, at);
    res_fault(a, 12);
    li(a, 11, VA_HUGE2M + 0x123458);
    emit(a, enc_mem(OP_LDL, 3, 0, 11));
    res(a, 3, 16);
    li(a, 11, VA_HUGE8G + DATA_BASE + 0x10);
    emit(a, enc_mem(OP_LDL, 3, 0, 11));
    res(a, 3, 17);
    li(a, 11, VA_SYS + 0x18);
    emit(a, enc_mem(OP_LDL, 3, 0, 11));
    res(a, 3, 18);
    /* a fetch from the FOE page at VA_USER + 0x8000 */
    at = ret27_reserve(a, KSEG | kmode);
    li(a, 11, VA_USER + 0x8000);
    emit(a, enc_mem(OP_JMP, R_ZERO, 0, 11));
    ret27_fix(a, at);
    res_fault(a, 20);
    emit(a, enc_opr(F_BIS, 15, R_ZERO, 27));
    trip_back(a, &t);
    epilogue(a);

    qts = prog_start(a, args, &elf);
#define PTE(pa, flags) (((pa) >> 13) << shift | (flags))
    qtest_writeq(qts, l1 + 0 * 8, PTE(l2, PTE_V));
    qtest_writeq(qts, l1sys + 0x3fe * 8, PTE(l2, PTE_V));
    qtest_writeq(qts, l2 + 1 * 8, PTE(l3, PTE_V));
    qtest_writeq(qts, l2 + 2 * 8, PTE(0, PTE_V | PTE_LEAF));
    qtest_writeq(qts, l3 + 0 * 8, PTE(l4, PTE_V));
    qtest_writeq(qts, l3 + 1 * 8, PTE(PA_HUGE2M, PTE_V | PTE_LEAF));
    qtest_writeq(qts, l4 + 0 * 8, PTE(DATA_BASE, PTE_V));
    qtest_writeq(qts, l4 + 1 * 8, PTE(DATA_BASE + 0x2000, PTE_V | PTE_FOW));
    qtest_writeq(qts, l4 + 2 * 8, PTE(DATA_BASE + 0x4000, PTE_V | PTE_FOR));
    qtest_writeq(qts, l4 + 4 * 8, PTE(CODE_BASE, PTE_V | PTE_FOE));
#undef PTE
    qtest_writeq(qts, DATA_BASE, 0x1111);
    qtest_writeq(qts, DATA_BASE + 0x10, 0x1010);
    qtest_writeq(qts, DATA_BASE + 0x18, 0x1818);
    qtest_writeq(qts, DATA_BASE + 0x2000, 0x2222);
    qtest_writeq(qts, PA_HUGE2M + 0x123458, 0x2345);
    prog_run(qts, 30);
    g_assert_cmphex(result(qts, 0), ==, 0x1111);
    g_assert_cmphex(qtest_readq(qts, DATA_BASE + 8), ==, 0x5a);
    g_assert_cmphex(result(qts, 1), ==, 0x2222);
    g_assert_cmphex(qtest_readq(qts, DATA_BASE + 0x2000), ==, 0x2222);
    /* DS_STAT, DVA, EXC_PC of each fault */
    g_assert_cmphex(result(qts, 4), ==, 4 /* FOW */ | 2 << 3);
    g_assert_cmphex(result(qts, 5), ==, VA_USER + 0x2000);
    g_assert_cmphex(result(qts, 6), ==, (KSEG | addr_of(st_fow)) | kmode);
    g_assert_cmphex(result(qts, 8), ==, 2 /* FOR */ | 1 << 3);
    g_assert_cmphex(result(qts, 9), ==, VA_USER + 0x4000);
    g_assert_cmphex(result(qts, 10), ==, (KSEG | addr_of(ld_for)) | kmode);
    g_assert_cmphex(result(qts, 12), ==, 0 /* TNV */ | 1 << 3);
    g_assert_cmphex(result(qts, 13), ==, VA_USER + 0x6000);
    g_assert_cmphex(result(qts, 14), ==, (KSEG | addr_of(ld_tnv)) | kmode);
    g_assert_cmphex(result(qts, 16), ==, 0x2345);
    g_assert_cmphex(result(qts, 17), ==, 0x1010);
    g_assert_cmphex(result(qts, 18), ==, 0x1818);
    g_assert_cmphex(result(qts, 20), ==, 3 /* FOE */);
    g_assert_cmphex(result(qts, 21), ==, VA_USER + 0x8000);
    g_assert_cmphex(result(qts, 22), ==, (VA_USER + 0x8000) | kmode);
    /* four MMU faults and the sys_call back */
    g_assert_cmpuint(result(qts, 23), ==, 4);
    g_assert_cmpuint(status(qts, ST_TRAPS), ==, 5);
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
 * HMcode mode has its own r1, r2, r4-r7, r20-r23 (notes §2.2): what
 * HMcode writes there is not what kernel mode reads, and the other
 * way round, across sys_call and across an interrupt whose handler
 * writes them all; every other register is shared (r3 here).
 */
static void test_banked_registers(void)
{
    static const int banked[] = { 1, 2, 4, 5, 6, 7, 20, 21, 22, 23 };
    Asm *a = asm_new();
    QTestState *qts;
    char *elf;
    Trip t1, t2;
    int i, back;

    vec_all_faults(a);
    vec_syscall(a, 0x01);
    /* 0xE00: HMcode writes its own r1, r2, r4-r7, r20-r23 */
    for (i = 0; i < ARRAY_SIZE(banked); i++) {
        a->vectors[0xE00 / 4 + i] = enc_mem(OP_LDI, banked[i],
                                            0xd00 + banked[i], R_ZERO);
    }
    {
        const uint32_t tail[] = {
            enc_mem(OP_LDI, R_AT, 1 << INT_II0, R_ZERO),
            enc_csr(true, R_AT, CSR3_INT_CLR),
            enc_mem(OP_LDL, R_AT, ST_TRAPS, R_GP),
            enc_oprl(F_ADDL, R_AT, 1, R_AT),
            enc_mem(OP_STL, R_AT, ST_TRAPS, R_GP),
            enc_csr(false, R_AT, CSR_EXC_PC),
            enc_pri_ret(R_AT),
        };

        vec_put(a, 0xE00 + 4 * ARRAY_SIZE(banked), tail, ARRAY_SIZE(tail));
    }
    prologue(a);
    data_through_kseg(a);
    for (i = 0; i < ARRAY_SIZE(banked); i++) {
        li(a, banked[i], 0x100 + banked[i]);
    }
    li(a, 3, 0x303);
    trip_go(a, &t1, 2);
    /* kernel: its banked registers are still 0; r3 is HMcode's */
    for (i = 0; i < ARRAY_SIZE(banked); i++) {
        res(a, banked[i], i);
        li(a, banked[i], 0x200 + banked[i]);
    }
    res(a, 3, 10);
    back = trip_back(a, &t1);
    /* HMcode: its values, except r1, r2 (trip_go) and r23 (sys_call) */
    for (i = 0; i < ARRAY_SIZE(banked); i++) {
        res(a, banked[i], 16 + i);
    }
    /* kernel again, interrupted (an II0 to itself) before it looks */
    li(a, 3, 1 << INT_II0);
    emit(a, enc_csr(true, 3, CSR3_IER));
    trip_go(a, &t2, 2);
    li(a, 12, KSEG | INTPU_CORE3);
    li(a, 14, II_REQ_VALID);
    emit(a, enc_mem(OP_STL, 14, 0, 12));
    emit(a, enc_br(OP_BR, R_ZERO, 0));          /* the next TB: taken */
    for (i = 0; i < ARRAY_SIZE(banked); i++) {
        res(a, banked[i], 32 + i);
    }
    trip_back(a, &t2);
    /* HMcode: the interrupt handler's values */
    for (i = 0; i < ARRAY_SIZE(banked); i++) {
        res(a, banked[i], 48 + i);
    }
    emit(a, enc_mem(OP_LDL, 3, ST_TRAPS, R_GP));
    res(a, 3, 11);
    epilogue(a);

    qts = prog_go(a, "-M core3", &elf);
    for (i = 0; i < ARRAY_SIZE(banked); i++) {
        int r = banked[i];

        g_test_message("r%d", r);
        g_assert_cmphex(result(qts, i), ==, 0);
        if (r > 2 && r != 23) {
            g_assert_cmphex(result(qts, 16 + i), ==, 0x100 + r);
        }
        g_assert_cmphex(result(qts, 32 + i), ==, 0x200 + r);
        if (r > 2 && r != 23) {
            g_assert_cmphex(result(qts, 48 + i), ==, 0xd00 + r);
        }
    }
    /* two sys_calls and the interrupt */
    g_assert_cmpuint(result(qts, 11), ==, 3);
    g_assert_cmphex(result(qts, 10), ==, 0x303);
    /* sys_call's return address, with the kernel's mode */
    g_assert_cmphex(result(qts, 16 + 9), ==, (KSEG | addr_of(back)) | 2);
    prog_end(qts, elf);
    asm_free(a);
}

/*
 * The CSRs of each core (notes §1.1, §1.3), on two CPUs: CID is the
 * CPU's own and ignores writes (a project choice: the vendor's emulator
 * stores them; no HMcode writes CID), PRI_BASE (core3 0x10, core4 0x0f)
 * reads as the HMcode base 0x10000 and ignores writes, rcid reads
 * SOFT_CID (the CPU index at reset), a scratch CSR keeps what is
 * written, and so does the other core's PRI_BASE number (core4's
 * IS_CTL 0x10, core3's 0x0f).  Both CPUs run the program.
 */
static void test_csr_map(const void *data)
{
    const char *board = data;
    const Core *c = core_of(board);
    bool core4 = c->core4;
    int pri = c->pri_base;
    int other = core4 ? CSR4_IS_CTL : CSR4_PRI_BASE;
    g_autofree char *args = g_strdup_printf("-M %s -smp 2", board);
    Asm *a = asm_new_core(c);
    QTestState *qts;
    char *elf;
    int i, fix, wait, halt;

    vec_all_faults(a);
    prologue(a);
    emit(a, enc_misc(MISC_RCID, 13));
    /* $15 = results + 64 * rcid */
    emit(a, enc_oprl(0x48 /* sll */, 13, 6, 15));
    emit(a, enc_opr(F_ADDL, 15, 9, 15));
    emit(a, enc_csr(false, 1, CSR_CID));
    emit(a, enc_mem(OP_STL, 1, 0, 15));
    emit(a, enc_mem(OP_LDI, 2, 0x55, R_ZERO));
    emit(a, enc_csr(true, 2, CSR_CID));
    emit(a, enc_csr(false, 1, CSR_CID));
    emit(a, enc_mem(OP_STL, 1, 8, 15));
    emit(a, enc_csr(false, 1, pri));
    emit(a, enc_mem(OP_STL, 1, 16, 15));
    emit(a, enc_csr(true, 2, pri));
    emit(a, enc_csr(false, 1, pri));
    emit(a, enc_mem(OP_STL, 1, 24, 15));
    emit(a, enc_mem(OP_STL, 13, 32, 15));
    emit(a, enc_mem(OP_LDI, 2, 0x70, 13));
    emit(a, enc_csr(true, 2, CSR_SOFTCSR0));
    emit(a, enc_csr(false, 1, CSR_SOFTCSR0));
    emit(a, enc_mem(OP_STL, 1, 40, 15));
    emit(a, enc_csr(true, 2, other));
    emit(a, enc_csr(false, 1, other));
    emit(a, enc_mem(OP_STL, 1, 48, 15));
    /* CPU 1: flag, then halt; CPU 0 waits for the flag and ends */
    li(a, 10, DATA_BASE);
    fix = emit(a, 0);
    wait = here(a);
    emit(a, enc_mem(OP_LDL, 1, 8, 10));
    br_to(a, OP_BEQ, 1, wait);
    epilogue(a);
    halt = here(a);
    patch_br(a, fix, OP_BNE, 13, halt);
    emit(a, enc_mem(OP_LDI, 1, 1, R_ZERO));
    emit(a, enc_mem(OP_STL, 1, 8, 10));
    wait = emit(a, enc_misc(MISC_HALT, R_ZERO));
    br_to(a, OP_BR, R_ZERO, wait);

    qts = prog_go(a, args, &elf);
    for (i = 0; i < 2; i++) {
        g_test_message("CPU %d", i);
        g_assert_cmphex(result(qts, 8 * i), ==, i);
        g_assert_cmphex(result(qts, 8 * i + 1), ==, i);
        g_assert_cmphex(result(qts, 8 * i + 2), ==, 0x10000);
        g_assert_cmphex(result(qts, 8 * i + 3), ==, 0x10000);
        g_assert_cmphex(result(qts, 8 * i + 4), ==, i);
        g_assert_cmphex(result(qts, 8 * i + 5), ==, 0x70 + i);
        g_assert_cmphex(result(qts, 8 * i + 6), ==, 0x70 + i);
    }
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
 * core3: an interrupt between a successful lstl and its rd_f keeps the
 * outcome (the guest would otherwise retry an atomic that was done)
 */
static void test_llsc_interrupt(void)
{
    Asm *a = asm_new();
    QTestState *qts;
    char *elf;
    int la, la2, kern, back, br_at;
    uint64_t epc;

    vec_all_faults(a);
    vec_interrupt(a);
    vec_syscall(a, 0x01);
    prologue(a);
    li(a, 6, KSEG);
    emit(a, enc_opr(F_BIS, R_GP, 6, R_GP));
    emit(a, enc_opr(F_BIS, 9, 6, 9));
    li(a, 10, KSEG | DATA_BASE);
    li(a, 12, KSEG | INTPU_CORE3);
    li(a, 14, II_REQ_VALID);                  /* an II0 to CPU 0 */
    li(a, 1, 1ULL << INT_II0);
    emit(a, enc_csr(true, 1, CSR3_IER));
    la = la_reserve(a);
    emit(a, enc_opr(F_BIS, 1, 6, 1));
    emit(a, enc_oprl(F_BIS, 1, 1, 1));
    la2 = la_reserve(a);
    emit(a, enc_pri_ret(1));
    kern = here(a);
    emit(a, enc_mem12(OP_LLSC, LLSC_LLDL, 1, 0, 10));
    emit(a, enc_mem(OP_LDI, 8, 1, R_ZERO));
    emit(a, enc_misc(MISC_WR_F, 8));
    emit(a, enc_oprl(F_ADDL, 1, 1, 1));
    emit(a, enc_mem12(OP_LLSC, LLSC_LSTL, 1, 0, 10));
    emit(a, enc_mem(OP_STL, 14, 0, 12));      /* IPI to CPU 0 */
    br_at = emit(a, enc_br(OP_BR, R_ZERO, 0)); /* next TB: taken here */
    emit(a, enc_misc(MISC_RD_F, 3));
    res(a, 3, 0);
    emit(a, enc_sys_call(0x01, false));
    back = here(a);
    patch_la(a, la, 1, kern);
    patch_la(a, la2, 27, back);
    epilogue(a);

    qts = prog_start(a, "-M core3", &elf);
    qtest_writeq(qts, DATA_BASE, 7);
    prog_run(qts, 30);
    g_assert_cmphex(status(qts, ST_VEC), ==, 0xE00);
    /* taken after the IPI store: before the br or at the next TB */
    epc = status(qts, ST_INT_PC);
    g_assert_true(epc == ((KSEG | addr_of(br_at)) | 1) ||
                  epc == ((KSEG | addr_of(br_at + 1)) | 1));
    g_assert_cmpuint(qtest_readq(qts, DATA_BASE), ==, 8);
    g_assert_cmpuint(result(qts, 0), ==, 1);
    g_assert_cmpuint(status(qts, ST_TRAPS), ==, 2);
    prog_end(qts, elf);
    asm_free(a);
}

/*
 * Translation stops at a page boundary: two instructions at the end of
 * RAM run, and the fetch beyond it raises IACV with EXC_PC = the end of
 * RAM (not the start of the TB).  The IACV handler returns to $27.
 */
static void test_page_end(void)
{
    const uint64_t ram_end = 64 * 1024 * 1024;
    const uint32_t iacv[] = {
        enc_mem(OP_LDL, R_AT, ST_TRAPS, R_GP),
        enc_oprl(F_ADDL, R_AT, 1, R_AT),
        enc_mem(OP_STL, R_AT, ST_TRAPS, R_GP),
        enc_csr(false, R_AT, CSR_EXC_PC),
        enc_mem(OP_STL, R_AT, ST_EXC_PC, R_GP),
        enc_pri_ret(27),
    };
    Asm *a = asm_new();
    QTestState *qts;
    char *elf;
    int la, back;

    vec_all_faults(a);
    vec_put(a, 0xD00, iacv, ARRAY_SIZE(iacv));
    prologue(a);
    la = la_reserve(a);
    li(a, 1, ram_end - 8);
    emit(a, enc_mem(OP_JMP, R_ZERO, 0, 1));
    back = here(a);
    patch_la(a, la, 27, back);
    res(a, 2, 0);
    res(a, 3, 1);
    epilogue(a);

    qts = prog_start(a, "-M core3 -m 64M", &elf);
    qtest_writel(qts, ram_end - 8, enc_mem(OP_LDI, 2, 0x22, R_ZERO));
    qtest_writel(qts, ram_end - 4, enc_mem(OP_LDI, 3, 0x33, R_ZERO));
    prog_run(qts, 30);
    g_assert_cmphex(result(qts, 0), ==, 0x22);
    g_assert_cmphex(result(qts, 1), ==, 0x33);
    g_assert_cmphex(status(qts, ST_EXC_PC), ==, ram_end);
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

static void test_smp_llsc(const void *data)
{
    const char *board = data;
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
    llsc_add(a, core4, 10);
    emit(a, enc_oprl(F_SUBL, 16, 1, 16));
    br_to(a, OP_BNE, 16, loop);
    llsc_add(a, core4, 11);
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
    { 0, ".long 0x78000000" },
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
        if (g_str_has_suffix(text, ",")) {
            /* a branch: the target follows */
            int32_t disp = sextract32(words[i], 0, 21);

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
    emit(a, sw_op(0x1E));
    epilogue(a);
    args = g_strdup_printf("-M core3 -d in_asm -D %s", log);
    qts = prog_go(a, args, &elf);
    prog_end(qts, elf);
    g_assert_true(g_file_get_contents(log, &logtext, NULL, NULL));
    g_assert_nonnull(strstr(logtext, "ldih $29,64($31)"));
    g_assert_nonnull(strstr(logtext, "ldi $1,16($31)"));
    g_assert_nonnull(strstr(logtext, "xor $1,$2,$3"));
    g_assert_nonnull(strstr(logtext, ".long 0x78000000"));
    /* the OPCDEC handler was translated too */
    g_assert_nonnull(strstr(logtext, "pri_rcsr $28,0xe"));
    unlink(log);
    asm_free(a);
}

/* ------------------------------------------------------------------ */
/* Benchmark (-m perf only: build-scripts/bench-tcg.sh)                 */

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
                    "run build-scripts/bench-tcg.sh");
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
    static const char *const boards[] = { "core3", "core4" };
    int i;

    g_test_init(&argc, &argv, NULL);
    qtest_add_func("sw64-tcg/ldi-zero-reg", test_ldi_zero_reg);
    qtest_add_func("sw64-tcg/load-store", test_load_store);
    qtest_add_func("sw64-tcg/branches", test_branches);
    qtest_add_data_func("sw64-tcg/misc", "tcg,thread=multi", test_misc);
    qtest_add_data_func("sw64-tcg/misc-icount", "tcg -icount shift=0",
                        test_misc);
    qtest_add_func("sw64-tcg/sys-call", test_sys_call);
    qtest_add_func("sw64-tcg/modes", test_modes);
    qtest_add_func("sw64-tcg/interrupt", test_interrupt);
    qtest_add_func("sw64-tcg/banked-registers", test_banked_registers);
    qtest_add_func("sw64-tcg/fp-compare", test_fp_compare);
    qtest_add_func("sw64-tcg/fpcr", test_fpcr);
    qtest_add_data_func("sw64-tcg/core3/timer-icount",
                        "core3 -icount shift=0", test_timer);
    qtest_add_func("sw64-tcg/byte-ops", test_byte_ops);
    qtest_add_func("sw64-tcg/llsc-interrupt", test_llsc_interrupt);
    qtest_add_func("sw64-tcg/page-end", test_page_end);
    qtest_add_func("sw64-tcg/disas", test_disas);
    qtest_add_func("sw64-tcg/in-asm", test_in_asm);
    if (g_test_perf()) {
        qtest_add_func("sw64-tcg/bench", test_bench);
    }
    for (i = 0; i < ARRAY_SIZE(boards); i++) {
        static const struct {
            const char *name;
            GTestDataFunc fn;
        } per_board[] = {
            { "alu-differential", test_alu_differential },
            { "alu-aliasing", test_alu_aliasing },
            { "llsc", test_llsc },
            { "other-mem", test_other_mem },
            { "opcdec-bus-error", test_opcdec_bus_error },
            { "smp4-llsc", test_smp_llsc },
            { "csr-map", test_csr_map },
            { "int-clr", test_int_clr },
            { "int-vectors", test_int_vectors },
            { "kseg", test_kseg },
            { "mmu-fault", test_mmu_fault },
            { "page-tables", test_page_tables },
            { "atomics", test_atomics },
            { "fp-moves", test_fp_moves },
            { "fp-arith-differential", test_fp_arith_differential },
            { "fp-trap", test_fp_trap },
            { "fen", test_fen },
            { "timer", test_timer },
        };
        int j;

        for (j = 0; j < ARRAY_SIZE(per_board); j++) {
            g_autofree char *path = g_strdup_printf("sw64-tcg/%s/%s",
                                                    boards[i],
                                                    per_board[j].name);

            qtest_add_data_func(path, boards[i], per_board[j].fn);
        }
    }
    return g_test_run();
}
