/*
 * SW64 instruction encoders for this stack's qtests, one per format
 * (facts: the ISA's opcode tables; see target/sw64/translate.c)
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef SW64_INSN_H
#define SW64_INSN_H

/* Registers of the ABI the test programs use by name. */
#define R_ZERO  31
#define R_RA    26
#define R_AT    28
#define R_GP    29
#define R_SP    30

/* Majors */
enum {
    OP_SYS_CALL = 0x00, OP_CALL = 0x01, OP_RET = 0x02, OP_JMP = 0x03,
    OP_BR = 0x04, OP_BSR = 0x05, OP_MISC = 0x06, OP_PRI_RET = 0x07,
    OP_LLSC = 0x08, OP_OPR = 0x10, OP_SEL = 0x11, OP_OPRL = 0x12,
    OP_SELL = 0x13, OP_LDBU = 0x20, OP_LDHU = 0x21, OP_LDW = 0x22,
    OP_LDL = 0x23, OP_LDL_U = 0x24, OP_PRI_LD = 0x25, OP_STB = 0x28,
    OP_STH = 0x29, OP_STW = 0x2A, OP_STL = 0x2B, OP_STL_U = 0x2C,
    OP_PRI_ST = 0x2D, OP_BEQ = 0x30, OP_BNE = 0x31, OP_BLT = 0x32,
    OP_BLE = 0x33, OP_BGT = 0x34, OP_BGE = 0x35, OP_BLBC = 0x36,
    OP_BLBS = 0x37, OP_LDI = 0x3E, OP_LDIH = 0x3F,
};

/* Misc group functions (major 0x06, [15:0]) */
enum {
    MISC_MEMB = 0x0000, MISC_IMEMB = 0x0001, MISC_RTC = 0x0020,
    MISC_RCID = 0x0040, MISC_HALT = 0x0080, MISC_RD_F = 0x1000,
    MISC_WR_F = 0x1020,
};

/* LL/SC group functions (major 0x08, [15:12]) */
enum {
    LLSC_LLDW = 0x0, LLSC_LLDL = 0x1, LLSC_LSTW = 0x8, LLSC_LSTL = 0x9,
    LLSC_LDW_NC = 0xA, LLSC_LDL_NC = 0xB, LLSC_STW_NC = 0xD,
    LLSC_STL_NC = 0xE,
};

/*
 * CSRs the programs use (the HMcode images' symbol tables, CSR__<name>;
 * see target/sw64/cpu.h).  The II_REQ word: target CPU in the low bits,
 * TYPE in [18:16], VALID in bit 20.
 */
#define CSR_EXC_SUM     0x0d
#define CSR_EXC_PC      0x0e
#define CSR_DS_STAT     0x48
#define CSR_II_REQ      0x82
#define CSR_CID         0xc4
#define CSR_SOFT_CID    0xc9
#define CSR_SOFTCSR0    0xe0
#define CSR3_PRI_BASE   0x10
#define CSR3_INT_STAT   0x30
#define CSR3_INT_CLR    0x31
#define CSR3_IER        0x32
#define CSR3_DVA        0x4e
#define CSR4_PRI_BASE   0x0f
#define CSR4_IS_CTL     0x10
#define CSR4_INT_EN     0x1a
#define CSR4_INT_STAT   0x1b
#define CSR4_INT_CLR    0x1c
#define CSR4_DVA        0x54
#define INT_II0         6
#define INT_II1         7
#define INT_SERIAL      12
#define II_REQ_VALID    (1u << 20)
#define II_REQ_TYPE_II1 (1u << 16)

/* The interrupt unit (INTPU), where sendii stores the II_REQ word */
#define INTPU_CORE3     0x802a00000000ULL
#define INTPU_CORE4     0x803a00000000ULL

static inline uint32_t sw_op(int op)
{
    return (uint32_t)op << 26;
}

/* sys_call (bit 25 set) / sys_call/b: function in [24:0] */
static inline uint32_t enc_sys_call(uint32_t func, bool b)
{
    return sw_op(OP_SYS_CALL) | (b ? 0 : 1u << 25) | (func & 0x1ffffff);
}

/* Branch format: Ra, word displacement from the next instruction */
static inline uint32_t enc_br(int op, int ra, int32_t disp)
{
    return sw_op(op) | ra << 21 | (disp & 0x1fffff);
}

/* Memory format: Ra, disp16(Rb); also call/ret/jmp (disp is the hint) */
static inline uint32_t enc_mem(int op, int ra, int16_t disp, int rb)
{
    return sw_op(op) | ra << 21 | rb << 16 | (uint16_t)disp;
}

/* Operate, register form: Rc = Ra op Rb */
static inline uint32_t enc_opr(int func, int ra, int rb, int rc)
{
    return sw_op(OP_OPR) | ra << 21 | rb << 16 | func << 5 | rc;
}

/* Operate, literal form: Rc = Ra op lit */
static inline uint32_t enc_oprl(int func, int ra, uint8_t lit, int rc)
{
    return sw_op(OP_OPRL) | ra << 21 | lit << 13 | func << 5 | rc;
}

/* Select, register form: Rc = cond(Ra) ? Rb : R3 */
static inline uint32_t enc_sel(int func, int ra, int rb, int r3, int rc)
{
    return sw_op(OP_SEL) | ra << 21 | rb << 16 | func << 10 | r3 << 5 | rc;
}

/* Select, literal form: Rc = cond(Ra) ? lit : R3 */
static inline uint32_t enc_sell(int func, int ra, uint8_t lit, int r3, int rc)
{
    return sw_op(OP_SELL) | ra << 21 | lit << 13 | func << 10 | r3 << 5 | rc;
}

/* Misc group: Ra, Rb, function */
static inline uint32_t enc_misc(int func, int ra)
{
    return sw_op(OP_MISC) | ra << 21 | R_ZERO << 16 | func;
}

/* pri_rcsr / pri_wcsr Ra, index */
static inline uint32_t enc_csr(bool write, int ra, int index)
{
    return sw_op(OP_MISC) | ra << 21 | R_ZERO << 16 |
           (write ? 0xff00 : 0xfe00) | index;
}

/* pri_ret Ra */
static inline uint32_t enc_pri_ret(int ra)
{
    return sw_op(OP_PRI_RET) | ra << 21;
}

/* LL/SC group and pri_ld/pri_st: Ra, disp12(Rb), function in [15:12] */
static inline uint32_t enc_mem12(int op, int func, int ra, int disp, int rb)
{
    return sw_op(op) | ra << 21 | rb << 16 | func << 12 | (disp & 0xfff);
}

/* FP operate (major 0x18): Fc = Fa op Fb, function in [12:5] */
static inline uint32_t enc_fp(int func, int fa, int fb, int fc)
{
    return sw_op(0x18) | fa << 21 | fb << 16 | func << 5 | fc;
}

/* FP multiply-add and select (major 0x19): Fa, Fb, F3, Fc */
static inline uint32_t enc_fsel(int func, int fa, int fb, int f3, int fc)
{
    return sw_op(0x19) | fa << 21 | fb << 16 | func << 10 | f3 << 5 | fc;
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
static inline uint32_t enc_fimov(bool single, int fa, int rc)
{
    return enc_opr(single ? 0x70 : 0x78, fa, R_ZERO, rc);
}

#endif
