/*
 * QTest: the sw64 CPU's system side under TCG (patches/sw64/), from the
 * contract in the project's notes: HMcode mode, its register bank and
 * sys_call, the modes, the CSRs of each core, interrupts and their
 * vectors, INT_CLR, the per-CPU timer, the kernel's fixed maps, MMU
 * faults and the page-table walk.  Programs from sw64-asm.c.
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

/* Status words of the interrupt tests, besides sw64-asm.h's */
#define ST_INT          (-0x0fd0)       /* INT_STAT at the interrupt */
#define ST_INT_PC       (-0x0fc8)       /* its EXC_PC */
#define ST_UART         (-0x0fb0)       /* UART IER the handler clears */
#define UART_IER        (0x880100000000ULL + 0x3f9)  /* PCIe I/O 0x3f9 */
#define CPU_MHZ         2500    /* rtc and TIMER_TH count at it */
#define SW64_MM_TNV     0                      /* DS_STAT fault codes */
#define SW64_MM_ACV     1

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
 * core4's long branch and CSR set/clear (notes §8.1), which its HMcode
 * uses on its reset path: lbr jumps disp26 words from the next
 * instruction without a link, forward, backward and further than 21
 * bits reach; csrrs/csrrc OR Ra into a CSR and clear Ra's bits,
 * writing no register, in HMcode mode and on a CSR kernel mode may use
 * (csr-modes has the rest).  On core3 all three are OPCDEC.
 */
static void test_lbr_csrrs(const void *data)
{
    const char *board = data;
    const Core *c = core_of(board);
    bool core4 = c->core4;
    g_autofree char *args = g_strdup_printf("-M %s", board);
    const uint64_t far = 0x2000000;     /* 8M words away: > 21 bits */
    Asm *a = asm_new_core(c);
    QTestState *qts;
    char *elf;
    Trip t;
    int fwd, res0, far_at, cont, back;

    vec_all_faults(a);
    vec_syscall(a, 0x01);
    prologue(a);
    data_through_kseg(a);
    emit(a, enc_mem(OP_LDI, 0, 0x77, R_ZERO));
    emit(a, enc_mem(OP_LDI, 26, 0x66, R_ZERO));
    emit(a, enc_mem(OP_LDI, 3, 7, R_ZERO));
    /*
     * core4: fwd jumps forward to `back`, which jumps back to res0;
     * far_at jumps to `far`, whose lbr (written by the test) comes back
     * to cont.  core3: each lbr is OPCDEC and falls through.
     */
    fwd = emit(a, 0);
    emit(a, enc_mem(OP_LDI, 3, 9, R_ZERO));
    res0 = here(a);
    res(a, 3, 0);
    far_at = emit(a, 0);
    cont = here(a);
    res(a, 0, 4);
    res(a, 26, 5);
    li(a, 1, 0xf0);
    emit(a, enc_csr(true, 1, CSR_SOFTCSR0));
    li(a, 1, 0x0f);
    li(a, 2, 0x1234);
    emit(a, sw_op(0x06) | 1 << 21 | 2 << 16 | 0xfc00 | CSR_SOFTCSR0);
    emit(a, enc_csr(false, 4, CSR_SOFTCSR0));
    res(a, 4, 1);
    res(a, 1, 6);                               /* Ra not written */
    li(a, 1, 0x30);
    emit(a, sw_op(0x06) | 1 << 21 | 2 << 16 | 0xfd00 | CSR_SOFTCSR0);
    emit(a, enc_csr(false, 4, CSR_SOFTCSR0));
    res(a, 4, 2);
    res(a, 2, 3);                               /* Rb unchanged */
    /* kernel mode: csrrs 0x30 into a soft CSR */
    trip_go(a, &t, c->kmode);
    emit(a, enc_mem(OP_LDI, 3, 0x30, R_ZERO));
    emit(a, sw_op(0x06) | 3 << 21 | 0xfc00 | CSR_SOFTCSR0);
    trip_back(a, &t);
    emit(a, enc_csr(false, 4, CSR_SOFTCSR0));
    res(a, 4, 7);
    epilogue(a);
    back = emit(a, sw_op(0x1D) | ((res0 - (here(a) + 1)) & 0x3ffffff));
    g_array_index(a->code, uint32_t, fwd) =
        sw_op(0x1D) | ((back - (fwd + 1)) & 0x3ffffff);
    g_array_index(a->code, uint32_t, far_at) =
        sw_op(0x1D) | (((far - addr_of(far_at + 1)) / 4) & 0x3ffffff);

    qts = prog_start(a, args, &elf);
    qtest_writel(qts, far, sw_op(0x1D) |
                 (((int64_t)(addr_of(cont) - (far + 4)) / 4) & 0x3ffffff));
    prog_run(qts, 30);
    if (core4) {
        g_assert_cmpuint(result(qts, 0), ==, 7);
        g_assert_cmphex(result(qts, 1), ==, 0xff);
        g_assert_cmphex(result(qts, 2), ==, 0xcf);
        g_assert_cmphex(result(qts, 4), ==, 0x77);    /* no link */
        g_assert_cmphex(result(qts, 5), ==, 0x66);
        g_assert_cmphex(result(qts, 6), ==, 0x0f);
        g_assert_cmphex(result(qts, 7), ==, 0xff);
        /* the sys_call back */
        g_assert_cmpuint(status(qts, ST_TRAPS), ==, 1);
    } else {
        /* two lbr, csrrs, csrrc twice: OPCDEC; and the sys_call back */
        g_assert_cmpuint(result(qts, 0), ==, 9);
        g_assert_cmphex(result(qts, 1), ==, 0xf0);
        g_assert_cmphex(result(qts, 2), ==, 0xf0);
        g_assert_cmpuint(status(qts, ST_TRAPS), ==, 6);
    }
    if (!core4) {
        g_assert_cmphex(status(qts, ST_VEC), ==, VEC_OPCDEC);
    }
    g_assert_cmphex(result(qts, 3), ==, 0x1234);
    prog_end(qts, elf);
    asm_free(a);
}

/* Results N..N+2 = the last trap's vector, EXC_PC and EXC_SUM */
static void res_trap(Asm *a, int n)
{
    static const int st[] = { ST_VEC, ST_EXC_PC, ST_EXC_SUM };
    int i;

    for (i = 0; i < ARRAY_SIZE(st); i++) {
        emit(a, enc_mem(OP_LDL, 3, st[i], R_GP));
        res(a, 3, n + i);
    }
}

#define VA_UCODE        0x200000000ULL  /* user code: L1 0, L2 1, L3 0 */
#define CSR4_SHTCLOCK   0xca
#define STALE_EXC_SUM   0x1001ULL       /* bits no CSR_ACV sets */

/* csrrs (SET) or csrrc of CSR with Ra */
static uint32_t enc_csr_setclr(bool set, int ra, int csr)
{
    return sw_op(0x06) | ra << 21 | (set ? 0xfc00 : 0xfd00) | csr;
}

/*
 * Map VA_UCODE | the program's code 1:1 for user mode (PTBR_USR on
 * core4, PTBR on core3 set by the program to PT_BASE)
 */
static void map_user_code(QTestState *qts, bool core4)
{
    const uint64_t l1 = PT_BASE, l2 = PT_BASE + 0x2000;
    const uint64_t l3 = PT_BASE + 0x4000, l4 = PT_BASE + 0x6000;
    int i;

#define PTE(pa) (((pa) >> 13) << (core4 ? 24 : 28) | 0x01 /* V */)
    qtest_writeq(qts, l1, PTE(l2));
    qtest_writeq(qts, l2 + 1 * 8, PTE(l3));
    qtest_writeq(qts, l3, PTE(l4));
    for (i = 0; i < 64; i++) {          /* 512 KiB of code at 1:1 */
        qtest_writeq(qts, l4 + (CODE_BASE >> 13) * 8 + i * 8,
                     PTE(CODE_BASE + i * 0x2000ULL));
    }
#undef PTE
}

/*
 * CSR instructions by mode (notes §8.1).  core4: kernel mode (PM 1, and
 * PM 2, the guest kernel's and UEFI's) runs csrr, csrw, csrrs and csrrc
 * on the CSRs Linux's core4 kernel names (a soft CSR, CID); on another
 * (PRI_BASE, and IS_CTL, which keeps what HMcode writes) each is a
 * CSR_ACV fault: IACV (0xD00) with EXC_SUM = CSR_ACV [38] (whatever it
 * held), EXC_PC at the instruction, nothing written.  User mode reads
 * SHTCLOCK (Linux's core4 vDSO does) and nothing else.  core3: pri_rcsr
 * and pri_wcsr outside HMcode mode are OPCDEC.  User code runs from a
 * page the test maps.
 */
static void test_csr_modes(const void *data)
{
    const char *board = data;
    const Core *c = core_of(board);
    bool core4 = c->core4;
    int kmode = c->kmode;
    g_autofree char *args = g_strdup_printf("-M %s", board);
    Asm *a = asm_new_core(c);
    QTestState *qts;
    char *elf;
    Trip t;
    int i, at[5], wr_user;

    vec_all_faults(a);
    vec_syscall(a, 0x01);
    prologue(a);
    data_through_kseg(a);
    li(a, 1, PT_BASE);
    emit(a, enc_csr(true, 1, core4 ? 0x69 : 0x08));    /* PTBR(_USR) */
    li(a, 1, 0x5a);
    emit(a, enc_csr(true, 1, CSR_SOFTCSR0));
    li(a, 1, 0x77);
    emit(a, enc_csr(true, 1, CSR4_IS_CTL));
    li(a, 1, STALE_EXC_SUM);
    emit(a, enc_csr(true, 1, CSR_EXC_SUM));
    /* kernel mode */
    trip_go(a, &t, kmode);
    li(a, 3, 0x11);
    emit(a, enc_csr(false, 3, CSR_SOFTCSR0));
    res(a, 3, 0);
    li(a, 4, 0xa5);
    emit(a, enc_csr(true, 4, CSR_SOFTCSR0));
    li(a, 5, 0x100);
    emit(a, enc_csr_setclr(true, 5, CSR_SOFTCSR0));
    li(a, 3, 0x22);
    at[0] = emit(a, enc_csr(false, 3, c->pri_base));
    res(a, 3, 1);
    res_trap(a, 2);
    at[1] = emit(a, enc_csr(true, 4, CSR4_IS_CTL));
    res_trap(a, 5);
    at[2] = emit(a, enc_csr_setclr(true, 5, CSR4_IS_CTL));
    res_trap(a, 8);
    at[3] = emit(a, enc_csr_setclr(false, 5, CSR4_IS_CTL));
    res_trap(a, 11);
    trip_back(a, &t);
    emit(a, enc_csr(false, 3, CSR_SOFTCSR0));
    res(a, 3, 14);
    emit(a, enc_csr(false, 3, CSR4_IS_CTL));
    res(a, 3, 15);
    /* PM 2: core4's guest-kernel mode, core3's kernel mode */
    trip_go(a, &t, 2);
    li(a, 3, 0x33);
    emit(a, enc_csr(false, 3, CSR_CID));
    res(a, 3, 16);
    li(a, 3, 0x34);
    at[4] = emit(a, enc_csr(false, 3, c->pri_base));
    res(a, 3, 17);
    res_trap(a, 18);
    trip_back(a, &t);
    emit(a, enc_mem(OP_LDL, 3, ST_TRAPS, R_GP));
    res(a, 3, 21);
    /* user mode, at VA_UCODE | the code's address: $3, $8 not banked */
    trip_go_at(a, &t, VA_UCODE, 3);
    li(a, 3, 0x44);
    emit(a, enc_csr(false, 3, CSR4_SHTCLOCK));
    li(a, 8, 0x55);
    wr_user = emit(a, enc_csr(true, 8, CSR4_SHTCLOCK));
    emit(a, enc_csr(false, 8, CSR4_SHTCLOCK));
    trip_back(a, &t);
    res(a, 3, 22);
    res(a, 8, 23);
    res_trap(a, 24);
    /* sys_call recorded its r23 as ST_EXC_PC, but left EXC_PC alone */
    emit(a, enc_csr(false, 3, CSR_EXC_PC));
    res(a, 3, 25);
    epilogue(a);

    qts = prog_start(a, args, &elf);
    map_user_code(qts, core4);
    prog_run(qts, 30);
    if (core4) {
        g_assert_cmphex(result(qts, 0), ==, 0x5a);
        g_assert_cmphex(result(qts, 1), ==, 0x22);
        for (i = 0; i < 4; i++) {
            g_test_message("kernel-mode access %d", i);
            g_assert_cmphex(result(qts, 2 + 3 * i), ==, VEC_IACV);
            g_assert_cmphex(result(qts, 3 + 3 * i), ==,
                            (KSEG | addr_of(at[i])) | kmode);
            g_assert_cmphex(result(qts, 4 + 3 * i), ==, 1ULL << 38);
        }
        g_assert_cmphex(result(qts, 14), ==, 0x1a5);
        g_assert_cmphex(result(qts, 15), ==, 0x77);     /* not written */
        g_assert_cmphex(result(qts, 16), ==, 0);        /* CPU 0's CID */
        g_assert_cmphex(result(qts, 17), ==, 0x34);
        g_assert_cmphex(result(qts, 18), ==, VEC_IACV);
        g_assert_cmphex(result(qts, 19), ==, (KSEG | addr_of(at[4])) | 2);
        /* five CSR_ACV, two sys_call back */
        g_assert_cmpuint(result(qts, 21), ==, 7);
        /* user: SHTCLOCK read; its write faults, the second read not */
        g_assert_cmphex(result(qts, 22), !=, 0x44);
        g_assert_cmphex(result(qts, 23), !=, 0x55);
        g_assert_cmphex(result(qts, 24), ==, VEC_IACV);
        g_assert_cmphex(result(qts, 25), ==,
                        (VA_UCODE | addr_of(wr_user)) | 3);
        g_assert_cmphex(result(qts, 26), ==, 1ULL << 38);
        g_assert_cmpuint(status(qts, ST_TRAPS), ==, 9);
    } else {
        /* every access outside HMcode mode is OPCDEC */
        g_assert_cmphex(result(qts, 0), ==, 0x11);
        g_assert_cmphex(result(qts, 1), ==, 0x22);
        g_assert_cmphex(result(qts, 2), ==, VEC_OPCDEC);
        g_assert_cmphex(result(qts, 3), ==, (KSEG | addr_of(at[0])) | kmode);
        g_assert_cmphex(result(qts, 14), ==, 0x5a);
        g_assert_cmphex(result(qts, 15), ==, 0x10000);  /* core3 PRI_BASE */
        g_assert_cmphex(result(qts, 16), ==, 0x33);
        g_assert_cmphex(result(qts, 17), ==, 0x34);
        /* csrr, csrw, csrrs, 4 others, CID, PRI_BASE; two sys_calls */
        g_assert_cmpuint(result(qts, 21), ==, 11);
        g_assert_cmphex(result(qts, 22), ==, 0x44);
        g_assert_cmphex(result(qts, 23), ==, 0x55);
        g_assert_cmphex(result(qts, 24), ==, VEC_OPCDEC);
        g_assert_cmphex(result(qts, 25), ==,
                        (VA_UCODE | addr_of(wr_user + 1)) | 3);
        g_assert_cmpuint(status(qts, ST_TRAPS), ==, 15);
    }
    prog_end(qts, elf);
    asm_free(a);
}

/* The CSRs Linux's core4 kernel names (arch/sw_64/include/asm/csr.h) */
static bool linux_c4_csr(int csr)
{
    static const uint8_t named[] = {
        0x0a, 0x0d, 0x0e, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b,
        0x1d, 0x1e, 0x1f, 0x20, 0x2d, 0x35, 0x36, 0x37, 0x38, 0x3a,
        0x3b, 0x3c, 0x48, 0x4e, 0x4f, 0x51, 0x52, 0x53, 0x54, 0x56,
        0x57, 0x5c, 0x5e, 0x5f, 0x68, 0x69, 0x6a, 0x7a, 0x7b, 0x7c,
        0x7d, 0x7e, 0x7f, 0xc4, 0xc5, 0xc6, 0xc8, 0xc9, 0xca, 0xcb,
    };
    int i;

    if (csr >= 0xd0) {                  /* SOFTCSR0-47 */
        return true;
    }
    for (i = 0; i < ARRAY_SIZE(named); i++) {
        if (named[i] == csr) {
            return true;
        }
    }
    return false;
}

/*
 * csrr of each of the 256 CSRs from kernel mode: on core4 exactly those
 * Linux's csr.h names read without a fault; on core3 none.
 */
static void test_csr_sweep(const void *data)
{
    const char *board = data;
    const Core *c = core_of(board);
    g_autofree char *args = g_strdup_printf("-M %s", board);
    Asm *a = asm_new_core(c);
    QTestState *qts;
    char *elf;
    Trip t;
    int i;

    vec_all_faults(a);
    vec_syscall(a, 0x01);
    prologue(a);
    data_through_kseg(a);
    trip_go(a, &t, c->kmode);
    for (i = 0; i < 256; i++) {
        emit(a, enc_csr(false, 3, i));
        emit(a, enc_mem(OP_LDL, 3, ST_TRAPS, R_GP));
        res(a, 3, i);
    }
    trip_back(a, &t);
    epilogue(a);

    qts = prog_go(a, args, &elf);
    for (i = 0; i < 256; i++) {
        bool fault = result(qts, i) != (i ? result(qts, i - 1) : 0);

        if (fault != !(c->core4 && linux_c4_csr(i))) {
            g_test_message("CSR 0x%02x: %s", i, fault ? "fault" : "read");
            g_assert_not_reached();
        }
    }
    prog_end(qts, elf);
    asm_free(a);
}

/*
 * core4's kernel enables interrupts with csrw to INT_EN (Linux's
 * host_irq_enable_fast): an IPI already pending is taken right after
 * it, also from a loop that runs as chained translation blocks: its
 * first pass writes 0 to INT_EN (the IPI stays pending), the second -1.
 */
static void test_csr_int_en(void)
{
    const Core *c = core_of("core4");
    Asm *a = asm_new_core(c);
    QTestState *qts;
    char *elf;
    Trip t;
    int loop, fix, done;

    vec_all_faults(a);
    vec_interrupt(a);
    vec_syscall(a, 0x01);
    prologue(a);
    data_through_kseg(a);
    emit(a, enc_csr(true, R_ZERO, CSR4_INT_EN));
    li(a, 12, INTPU_CORE4);
    send_ii(a, 0, 0);
    emit(a, enc_mem(OP_LDI, 8, 0, R_ZERO));
    trip_go(a, &t, c->kmode);
    loop = emit(a, enc_csr(true, 8, CSR4_INT_EN));
    emit(a, enc_mem(OP_LDL, 3, ST_TRAPS, R_GP));
    fix = emit(a, 0);
    emit(a, enc_mem(OP_LDI, 8, -1, R_ZERO));
    br_to(a, OP_BR, R_ZERO, loop);
    done = here(a);
    patch_br(a, fix, OP_BNE, 3, done);
    trip_back(a, &t);
    epilogue(a);

    qts = prog_go(a, "-M core4", &elf);
    g_assert_cmphex(status(qts, ST_VEC), ==, 0xE00);
    g_assert_cmphex(status(qts, ST_INT), ==, 1ULL << INT_II0);
    /* right after the csrw of the second pass */
    g_assert_cmphex(status(qts, ST_INT_PC), ==,
                    (KSEG | addr_of(loop + 1)) | c->kmode);
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

int main(int argc, char **argv)
{
    static const BoardTest per_board[] = {
        { "csr-map", test_csr_map },
        { "csr-modes", test_csr_modes },
        { "csr-sweep", test_csr_sweep },
        { "lbr-csrrs", test_lbr_csrrs },
        { "int-clr", test_int_clr },
        { "int-vectors", test_int_vectors },
        { "kseg", test_kseg },
        { "mmu-fault", test_mmu_fault },
        { "page-tables", test_page_tables },
        { "timer", test_timer },
    };

    g_test_init(&argc, &argv, NULL);
    qtest_add_func("sw64-hmcode/sys-call", test_sys_call);
    qtest_add_func("sw64-hmcode/modes", test_modes);
    qtest_add_func("sw64-hmcode/interrupt", test_interrupt);
    qtest_add_func("sw64-hmcode/banked-registers", test_banked_registers);
    qtest_add_func("sw64-hmcode/llsc-interrupt", test_llsc_interrupt);
    qtest_add_func("sw64-hmcode/core4/csr-int-en", test_csr_int_en);
    qtest_add_data_func("sw64-hmcode/core3/timer-icount",
                        "core3 -icount shift=0", test_timer);
    add_board_tests("sw64-hmcode", per_board, ARRAY_SIZE(per_board));
    return g_test_run();
}
