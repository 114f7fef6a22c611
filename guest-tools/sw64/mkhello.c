/*
 * mkhello: writes hello.elf, the smallest SW64 program of this project: an
 * HMcode image (qemu-system-sw64 -bios hello.elf) that prints one line on
 * the board's 16550 and halts its CPU. It needs no vendor file; the
 * instructions come from the qtests' encoders (tests-qtest/sw64-insn.h).
 *
 *   mkhello OUT.elf
 *
 * The board enters an HMcode ELF at its entry in HMcode mode, where loads
 * and stores address physical memory (the qtests' programs run the same
 * way); the 16550's THR is at physical 0x8801000003f8 (hw/sw64/sunway.c).
 * The board models no power-off device, so the program ends in halt.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sw64-insn.h"

#define EM_SW64     0x9916
#define LOAD_ADDR   0x10000     /* HMcode's base, where the board expects it */
#define F_SLL       0x48
#define MSG         "Hello from qemu-system-sw64: this program is the HMcode " \
                    "(hello.elf, no vendor file)\r\n"

static uint32_t code[1024];
static int n;

static void emit(uint32_t insn)
{
    if (n == sizeof(code) / sizeof(code[0])) {
        fprintf(stderr, "mkhello: program too long\n");
        exit(1);
    }
    code[n++] = insn;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = v; p[1] = v >> 8; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v); put16(p + 2, v >> 16); }
static void put64(uint8_t *p, uint64_t v) { put32(p, v); put32(p + 4, v >> 32); }

int main(int argc, char **argv)
{
    uint8_t hdr[64 + 56] = { 0 };
    const char *c;
    FILE *f;
    int i, halt;

    if (argc == 2 && !strcmp(argv[1], "--help")) {
        printf("usage: mkhello OUT.elf\n");
        return 0;
    }
    if (argc != 2) {
        fprintf(stderr, "usage: mkhello OUT.elf\n");
        return 2;
    }
    /* $1 = 0x8801 << 32, the 16550's page: 0x4400 * 2 + 1, shifted */
    emit(enc_mem(OP_LDI, 1, 0x4400, R_ZERO));
    emit(enc_opr(0x08, 1, 1, 1));               /* addl $1, $1, $1 */
    emit(enc_mem(OP_LDI, 1, 1, 1));
    emit(enc_oprl(F_SLL, 1, 32, 1));
    for (c = MSG; *c; c++) {
        emit(enc_mem(OP_LDI, 2, *c, R_ZERO));
        emit(enc_mem(OP_STB, 2, 0x3f8, 1));     /* THR */
    }
    halt = n;
    emit(enc_misc(MISC_HALT, R_ZERO));
    emit(enc_br(OP_BR, R_ZERO, halt - (n + 1)));

    memcpy(hdr, "\x7f" "ELF", 4);
    hdr[4] = 2;                                 /* ELFCLASS64 */
    hdr[5] = 1;                                 /* ELFDATA2LSB */
    hdr[6] = 1;                                 /* EV_CURRENT */
    put16(hdr + 16, 2);                         /* ET_EXEC */
    put16(hdr + 18, EM_SW64);
    put32(hdr + 20, 1);
    put64(hdr + 24, LOAD_ADDR);                 /* e_entry */
    put64(hdr + 32, 64);                        /* e_phoff */
    put16(hdr + 52, 64);                        /* e_ehsize */
    put16(hdr + 54, 56);                        /* e_phentsize */
    put16(hdr + 56, 1);                         /* e_phnum */
    put16(hdr + 58, 64);                        /* e_shentsize */
    put32(hdr + 64, 1);                         /* PT_LOAD */
    put32(hdr + 68, 5);                         /* R, X */
    put64(hdr + 72, sizeof(hdr));               /* p_offset */
    put64(hdr + 80, LOAD_ADDR);                 /* p_vaddr */
    put64(hdr + 88, LOAD_ADDR);                 /* p_paddr */
    put64(hdr + 96, n * 4);                     /* p_filesz */
    put64(hdr + 104, n * 4);                    /* p_memsz */
    put64(hdr + 112, 8);                        /* p_align */
    f = fopen(argv[1], "wb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    fwrite(hdr, sizeof(hdr), 1, f);
    for (i = 0; i < n; i++) {
        uint8_t w[4];

        put32(w, code[i]);
        fwrite(w, 4, 1, f);
    }
    if (fclose(f)) {
        perror(argv[1]);
        return 1;
    }
    return 0;
}
