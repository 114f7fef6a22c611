/*
 * The sw64 qtests' assembler and program runner (sw64-asm.c): each test
 * assembles a program from the encoders in sw64-insn.h, makes it the
 * HMcode image (-bios, a synthesized ELF: the program owns the
 * exception vectors) and runs it under TCG.  The program stores what
 * it computes in guest RAM and ends with a "done" word and halt; the
 * test reads the results with qtest.
 *
 * Registers the programs keep: $gp (r29) = POOL_BASE, the constants
 * li() loads and, below it, the status words ST_*; $9 = RES_BASE, the
 * result slots res() stores to.  Scratch: trip_go $1, $2, $27;
 * data_through_kseg $6; the vectors $28 (R_AT).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef SW64_ASM_H
#define SW64_ASM_H

#include "libqtest.h"
#include "sw64-insn.h"

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
#define VEC_UNALIGN     0xB00
#define VEC_DFAULT      0xC80
#define VEC_OPCDEC      0xD80
#define VEC_IACV        0xD00

/* The kernel's fixed maps */
#define KSEG            0xfff0000000000000ULL  /* the linear map */
#define KTEXT           0xffffffff80000000ULL  /* the kernel-text map */
#define SW64_VMALLOC    0xfffff00000000000ULL  /* paged */

/* Operate functions */
enum {
    F_ADDW = 0x00, F_ADDL = 0x08, F_SUBL = 0x09,
    F_CMPEQ = 0x28, F_BIS = 0x3A, F_XOR = 0x3C, F_SLL = 0x48,
    F_CTPOP = 0x58, F_ZAPNOT = 0x69, F_SEXTB = 0x6A,
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

typedef struct Asm {
    const Core *core;   /* for the CSR numbers of the core */
    GArray *code;       /* uint32_t words at CODE_BASE */
    GArray *pool;       /* uint64_t constants at POOL_BASE */
    uint32_t vectors[0x8000 / 4];
} Asm;

/* Kernel-mode code between trip_go and trip_back, through KSEG */
typedef struct Trip {
    int la, la2, kern;
} Trip;

Asm *asm_new_core(const Core *core);

Asm *asm_new(void);

void asm_free(Asm *a);

/* Append INSN; returns its index */
int emit(Asm *a, uint32_t insn);

int here(Asm *a);

uint64_t addr_of(int index);

/* A branch at index FROM to index TO */
void patch_br(Asm *a, int from, int op, int ra, int to);

/* A conditional branch to index TO, emitted here */
void br_to(Asm *a, int op, int ra, int to);

/* Two words at FROM (reserved with la_reserve): reg R = address of TO */
void patch_la(Asm *a, int from, int r, int to);

int la_reserve(Asm *a);

/* Reg R = V: ldi for a 16-bit value, else from the constant pool */
void li(Asm *a, int r, uint64_t v);

/* Store reg R to result slot N */
void res(Asm *a, int r, int n);

/* Prologue: $gp = POOL_BASE, $9 = RES_BASE */
void prologue(Asm *a);

/* Epilogue: the done word, then halt (and stay halted) */
void epilogue(Asm *a);

/* HMcode code at OFFSET from the HMcode base */
void vec_put(Asm *a, uint32_t offset, const uint32_t *insns, int n);

/*
 * sys_call FUNC's slot: count it, record the function and the return
 * address sys_call left in HMcode's r23, set $0 = 0x1000 + FUNC and
 * return there.  Function 1 instead returns to $27 in HMcode mode
 * ("back to HMcode").
 */
void vec_syscall(Asm *a, uint32_t func);

/* The ELF of the program: vectors, code and pool in one PT_LOAD */
char *asm_elf(Asm *a);

/* Start the program paused under -accel ACCEL; ARGS: more options */
QTestState *prog_start_accel(Asm *a, const char *accel,
                             const char *args, char **elf);

QTestState *prog_start(Asm *a, const char *args, char **elf);

/* Let it run until its done word */
void prog_run(QTestState *qts, int timeout);

/* Build, run and return the state to read results from */
QTestState *prog_go(Asm *a, const char *args, char **elf);

void prog_end(QTestState *qts, char *elf);

uint64_t result(QTestState *qts, int n);

uint64_t status(QTestState *qts, int off);

void vec_all_faults(Asm *a);

uint64_t xorshift(uint64_t *s);

/* pri_ret to the code emitted next at BASE | its address, in MODE */
void trip_go_at(Asm *a, Trip *t, uint64_t base, int mode);

/* ... through the linear map, in kernel mode MODE ($1, $2, $27) */
void trip_go(Asm *a, Trip *t, int mode);

/* sys_call 1 back to HMcode mode, at the code emitted next (returned) */
int trip_back(Asm *a, Trip *t);

/* $gp and $9 through KSEG, so that kernel mode reaches them too */
void data_through_kseg(Asm *a);

/* The core of board BOARD ("core3" or "core4") */
const Core *core_of(const char *board);

/* A test run on each board, its data the board's name */
typedef struct BoardTest {
    const char *name;
    GTestDataFunc fn;
} BoardTest;

/* Each test of T for both boards, as PREFIX/<board>/<name> */
void add_board_tests(const char *prefix, const BoardTest *t, size_t n);

#endif
