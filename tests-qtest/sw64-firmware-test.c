/*
 * QTest: the vendor's own SW64 firmware as the judge of the CPU model
 *
 * The vendor's HMcode images (core3-hmcode ..., public in openEuler's
 * QEMU, repository chezming/openeuler-qemu, commit ba7f8d437c, pc-bios/)
 * were written by nobody here.  They run on the boards under TCG with a
 * small payload where the vendor's UEFI image would be (physical
 * 0x2f00000), assembled here with sw64-asm.c's assembler, which
 * calls the HMcode the way a kernel does and stores what it sees in
 * RAM; and the vendor's UEFI image is booted to its shell, read off the
 * display with OCR (tesseract).  The images are not part of this
 * project: the tests look for
 * them in $SW64_FIRMWARE_DIR (make check sets it to
 * cache/sw64-firmware when that exists), check their SHA-256, and are
 * skipped, saying why, when a file is missing or different.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "libqtest.h"
#include "qobject/qdict.h"
#include "sw64-asm.h"
#include "stack-qtest.h"

#define PAYLOAD_PA      0x2f00000ULL
#define RES_PA          0x800000ULL     /* results */
#define RCB_PA          0x820000ULL     /* the secondaries' start block */
#define STACK_PA        0x1000000ULL

/* HMcalls (Linux arch/sw_64 hmcall.h) */
#define HMC_CPUID       0x03
#define HMC_WRENT       0x34
#define HMC_SWPIPL      0x35
#define HMC_WRTIMER     0x3b
#define HMC_WHAMI       0x3c
#define HMC_RTI         0x3f
#define WRENT_INT       0
#define WRENT_ARITH     1
#define WRENT_MM        2
#define CPUID_FREQ      4       /* Linux GET_CPU_FREQ: MHz */
#define INT_RTC         9       /* Linux enum sw64_irq_type */

/* Result slots (8 bytes each at RES_PA) */
enum {
    SLOT_RAN, SLOT_WHAMI0, SLOT_WHAMI1, SLOT_AFTER_RTI, SLOT_MM_A0,
    SLOT_MM_A1, SLOT_MM_A2, SLOT_MM_PC, SLOT_MM_PS, SLOT_DONE, SLOT_FREQ,
    SLOT_INT_A0, SLOT_INT_COUNT, SLOT_RTC0, SLOT_RTC1, SLOT_AR_A0,
    SLOT_AR_PC, SLOT_AR_QUOT, SLOT_AR_AFTER, SLOT_C4_PC, SLOT_C4_INT_EN,
    SLOT_C4_AFTER,
};

static const struct {
    const char *name;
    const char *sha256;
} vendor_files[] = {
    { "core3-hmcode",
      "30fbf351076302401cb914790f4bda6c42b70251159b65308846bd6be6b5cd68" },
    { "c3-uefi-bios-sw",
      "08ecffe545e1cf5a7ea665beafb8767d2aaf70c810c22865e08d759a41a69634" },
    { "core4-hmcode",
      "74f258e76070ded36e1066092a56c70d944696ac05809f80ac9f0a2e51c6fa19" },
    { "core3-reset",
      "161f2cf77fe11e3b2c02cfd60e5c0683aff2c7f6ceccecf8f0cc61b113c48d9f" },
    { "core4-reset",
      "412ac69d99011bd00852f1baabfe09c90ab4fe3066c693489f3a0aaa8070ad7c" },
};

/* The vendor file NAME, checked; NULL (and the test skipped) if not */
static char *vendor_file(const char *name)
{
    const char *dir = g_getenv("SW64_FIRMWARE_DIR");
    g_autofree char *path = NULL;
    g_autofree char *data = NULL;
    g_autofree char *sum = NULL;
    gsize len;
    int i;

    if (!dir) {
        g_test_skip("SW64_FIRMWARE_DIR is not set: no vendor firmware "
                    "(chezming/openeuler-qemu ba7f8d437c pc-bios/) to run");
        return NULL;
    }
    path = g_build_filename(dir, name, NULL);
    if (!g_file_get_contents(path, &data, &len, NULL)) {
        g_autofree char *msg = g_strdup_printf("%s not found", path);

        g_test_skip(msg);
        return NULL;
    }
    sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (guchar *)data, len);
    for (i = 0; i < ARRAY_SIZE(vendor_files); i++) {
        if (!strcmp(vendor_files[i].name, name) &&
            strcmp(vendor_files[i].sha256, sum)) {
            g_autofree char *msg = g_strdup_printf(
                "%s has SHA-256 %s, not the vendor's %s", path, sum,
                vendor_files[i].sha256);

            g_test_skip(msg);
            return NULL;
        }
    }
    return g_steal_pointer(&path);
}

/* Reg R = sign-extended 32-bit V (ldih, ldi) */
static void li32(Asm *p, int r, int32_t v)
{
    int16_t lo = v;
    int32_t hi = (v - lo) >> 16;

    emit(p, enc_mem(OP_LDIH, r, hi, R_ZERO));
    emit(p, enc_mem(OP_LDI, r, lo, r));
}

/*
 * Reg R = the kernel-text address of payload word INDEX, at AT (two
 * words from la_reserve)
 */
static void la_fix(Asm *p, int at, int r, int index)
{
    int32_t v = KTEXT | (PAYLOAD_PA + 4 * index);
    int16_t lo = v;

    g_array_index(p->code, uint32_t, at) =
        enc_mem(OP_LDIH, r, (v - lo) >> 16, R_ZERO);
    g_array_index(p->code, uint32_t, at + 1) = enc_mem(OP_LDI, r, lo, r);
}

/* $9 = the results, through the kernel-text map */
static void res_base(Asm *p)
{
    li32(p, 9, (int32_t)(KTEXT | RES_PA));
}

/* The done word in the results, then spin */
static void payload_done(Asm *p)
{
    li32(p, 1, DONE_MAGIC);
    res(p, 1, SLOT_DONE);
    emit(p, enc_br(OP_BR, R_ZERO, -1));
}

/*
 * wrent(handler, SLOT): the kernel's entry SLOT (WRENT_*); returns the
 * la_reserve index of $16, for la_fix(p, index, 16, handler)
 */
static int wrent_reserve(Asm *p, int slot)
{
    int at = la_reserve(p);

    emit(p, enc_mem(OP_LDI, 17, slot, R_ZERO));
    emit(p, enc_sys_call(HMC_WRENT, false));
    return at;
}

/*
 * An entMM handler: record a0-a2 and the frame's PC and PS (notes
 * §2.6), move the frame's PC past the faulting instruction, rti.
 * Returns its index.
 */
static int entmm_handler(Asm *p)
{
    int handler = here(p);

    res_base(p);
    res(p, 16, SLOT_MM_A0);
    res(p, 17, SLOT_MM_A1);
    res(p, 18, SLOT_MM_A2);
    emit(p, enc_mem(OP_LDL, 1, 8, R_SP));
    res(p, 1, SLOT_MM_PC);
    emit(p, enc_mem(OP_LDL, 2, 0, R_SP));
    res(p, 2, SLOT_MM_PS);
    emit(p, enc_mem(OP_LDI, 1, 4, 1));
    emit(p, enc_mem(OP_STL, 1, 8, R_SP));
    emit(p, enc_sys_call(HMC_RTI, false));
    return handler;
}

static char *payload_file(Asm *p)
{
    g_autofree uint8_t *img = g_malloc(p->code->len * 4);
    char *path = NULL;
    int fd = g_file_open_tmp("sw64-payload-XXXXXX", &path, NULL);
    guint i;

    /* raw words at PAYLOAD_PA: no constant pool (li32, not li) */
    g_assert_cmpuint(p->pool->len, ==, 0);
    g_assert_cmpint(fd, >=, 0);
    close(fd);
    for (i = 0; i < p->code->len; i++) {
        stl_le_p(img + 4 * i, g_array_index(p->code, uint32_t, i));
    }
    g_assert_true(g_file_set_contents(path, (char *)img, p->code->len * 4,
                                      NULL));
    return path;
}

/* Wait up to 10 s for the payload's done word (the test then checks it) */
static void wait_payload(QTestState *qts)
{
    int i;

    for (i = 0; i < 1000; i++) {
        if (qtest_readq(qts, RES_PA + 8 * SLOT_DONE) == DONE_MAGIC) {
            return;
        }
        g_usleep(10 * 1000);
    }
    g_test_message("the payload did not finish in 10 s");
}

/* Run the payload P under the vendor's HMcode until it stores DONE */
static QTestState *run_payload(const char *hmcode, Asm *p, char **payload)
{
    QTestState *qts;

    *payload = payload_file(p);
    qts = qtest_initf("-M core3 -smp 2 -m 1G -accel tcg -bios %s "
                      "-device loader,file=%s,addr=0x%llx,force-raw=on",
                      hmcode, *payload, (unsigned long long)PAYLOAD_PA);
    wait_payload(qts);
    return qts;
}

/*
 * The vendor's core3 HMcode, -smp 2: its reset code runs on both CPUs
 * and hands CPU 0 over to the payload at 0xffffffff82f00000 in kernel
 * mode (notes §6.2), which then checks, each against what that HMcode
 * does:
 * - whami (HMcall 0x3c, returning through r23 into the caller's mode)
 *   gives 0 on CPU 0; CPU 1, started through the RCB at 0x820000 the
 *   way Linux starts secondaries (entry, logical number, 0xDEADBEEF),
 *   arrives at its entry and gets 1 (§6.3: core | node << 5, CID per
 *   CPU);
 * - an MMU miss at a user address, with wrent(entMM) installed,
 *   reaches entMM with a0 = the address, a1 = 0 (TNV), a2 = 0 (a load)
 *   and the 48-byte frame with the faulting PC (§2.6, §4.4); the
 *   handler moves the frame's PC past the load and rti resumes there.
 */
static void test_core3_handover(void)
{
    g_autofree char *hmcode = vendor_file("core3-hmcode");
    g_autofree char *payload = NULL;
    Asm *p = asm_new();
    QTestState *qts;
    int fix_entry, fix_handler, wait, ld, second, handler;

    if (!hmcode) {
        asm_free(p);
        return;
    }
    /* CPU 0, kernel mode, kernel-text map */
    res_base(p);
    emit(p, enc_mem(OP_LDI, 1, 0x11, R_ZERO));
    res(p, 1, SLOT_RAN);
    emit(p, enc_sys_call(HMC_WHAMI, false));
    res(p, 0, SLOT_WHAMI0);
    /* start CPU 1 (logical 1) at `second` */
    li32(p, 10, (int32_t)(KTEXT | RCB_PA));
    fix_entry = la_reserve(p);
    emit(p, enc_mem(OP_STL, 1, 0, 10));
    emit(p, enc_mem(OP_LDI, 2, 1, R_ZERO));
    emit(p, enc_mem(OP_STL, 2, 16, 10));
    li32(p, 3, (int32_t)0xdeadbeef);
    emit(p, enc_oprl(F_ZAPNOT, 3, 0x0f, 3));
    emit(p, enc_mem(OP_STL, 3, 24, 10));
    wait = here(p);
    emit(p, enc_mem(OP_LDL, 4, 8 * SLOT_WHAMI1, 9));
    emit(p, enc_br(OP_BEQ, 4, wait - (here(p) + 1)));
    /* entMM, a kernel stack, and a miss at user address 0x2000 */
    fix_handler = wrent_reserve(p, WRENT_MM);
    li32(p, R_SP, (int32_t)(KTEXT | STACK_PA));
    emit(p, enc_mem(OP_LDI, 5, 0x2000, R_ZERO));
    emit(p, enc_mem(OP_LDI, 6, 0x66, R_ZERO));
    ld = emit(p, enc_mem(OP_LDL, 6, 0, 5));
    res(p, 6, SLOT_AFTER_RTI);
    payload_done(p);
    /* entMM: record, skip the load, rti */
    handler = entmm_handler(p);
    /* CPU 1 */
    second = here(p);
    res_base(p);
    emit(p, enc_sys_call(HMC_WHAMI, false));
    emit(p, enc_oprl(F_BIS, 0, 0x80, 0));
    res(p, 0, SLOT_WHAMI1);
    emit(p, enc_br(OP_BR, R_ZERO, -1));
    la_fix(p, fix_entry, 1, second);
    la_fix(p, fix_handler, 16, handler);

    qts = run_payload(hmcode, p, &payload);
    g_assert_cmphex(qtest_readq(qts, RES_PA + 8 * SLOT_RAN), ==, 0x11);
    g_assert_cmphex(qtest_readq(qts, RES_PA + 8 * SLOT_WHAMI0), ==, 0);
    g_assert_cmphex(qtest_readq(qts, RES_PA + 8 * SLOT_WHAMI1), ==, 0x81);
    g_assert_cmphex(qtest_readq(qts, RES_PA + 8 * SLOT_MM_A0), ==, 0x2000);
    g_assert_cmphex(qtest_readq(qts, RES_PA + 8 * SLOT_MM_A1), ==, 0);
    g_assert_cmphex(qtest_readq(qts, RES_PA + 8 * SLOT_MM_A2), ==, 0);
    g_assert_cmphex(qtest_readq(qts, RES_PA + 8 * SLOT_MM_PC), ==,
                    KTEXT | (PAYLOAD_PA + 4 * ld));
    /* PS: the mode the fault came from, kernel (notes §2.6: PM << 3) */
    g_assert_cmphex(qtest_readq(qts, RES_PA + 8 * SLOT_MM_PS) & 0x18, ==, 0x10);
    g_assert_cmphex(qtest_readq(qts, RES_PA + 8 * SLOT_AFTER_RTI), ==, 0x66);
    g_assert_cmphex(qtest_readq(qts, RES_PA + 8 * SLOT_DONE), ==, DONE_MAGIC);
    qtest_quit(qts);
    unlink(payload);
    asm_free(p);
}

/*
 * The time base against the vendor's core3 HMcode (notes §3.3, §5.6):
 * its CPUID reports the CPU frequency (2500 MHz, from the MCU's
 * INIT_CTL through its table: what rtc and the timer count at), and
 * wrtimer(delta) with the kernel's interrupt entry installed and
 * interrupts enabled (swpipl(0)) brings entInt with a0 = INT_RTC (9),
 * not before delta cycles of rtc; rti returns.
 */
static void test_core3_timer(void)
{
    g_autofree char *hmcode = vendor_file("core3-hmcode");
    g_autofree char *payload = NULL;
    Asm *p = asm_new();
    const int32_t delta = 2500 * 1000;          /* 1 ms */
    QTestState *qts;
    int fix_handler, wait, handler;

    if (!hmcode) {
        asm_free(p);
        return;
    }
    res_base(p);
    li32(p, R_SP, (int32_t)(KTEXT | STACK_PA));
    emit(p, enc_mem(OP_LDI, 16, CPUID_FREQ, R_ZERO));
    emit(p, enc_mem(OP_LDI, 17, 0, R_ZERO));
    emit(p, enc_sys_call(HMC_CPUID, false));
    res(p, 0, SLOT_FREQ);
    fix_handler = wrent_reserve(p, WRENT_INT);
    emit(p, enc_mem(OP_LDI, 16, 0, R_ZERO));
    emit(p, enc_sys_call(HMC_SWPIPL, false));
    emit(p, enc_misc(MISC_RTC, 1));
    res(p, 1, SLOT_RTC0);
    li32(p, 16, delta);
    emit(p, enc_sys_call(HMC_WRTIMER, false));
    wait = here(p);
    emit(p, enc_mem(OP_LDL, 4, 8 * SLOT_INT_COUNT, 9));
    emit(p, enc_br(OP_BEQ, 4, wait - (here(p) + 1)));
    payload_done(p);
    /* entInt: record a0, the time, count; rti */
    handler = here(p);
    res_base(p);
    res(p, 16, SLOT_INT_A0);
    emit(p, enc_misc(MISC_RTC, 1));
    res(p, 1, SLOT_RTC1);
    emit(p, enc_mem(OP_LDL, 1, 8 * SLOT_INT_COUNT, 9));
    emit(p, enc_mem(OP_LDI, 1, 1, 1));
    res(p, 1, SLOT_INT_COUNT);
    emit(p, enc_sys_call(HMC_RTI, false));
    la_fix(p, fix_handler, 16, handler);

    qts = run_payload(hmcode, p, &payload);
    g_assert_cmphex(qtest_readq(qts, RES_PA + 8 * SLOT_DONE), ==, DONE_MAGIC);
    g_assert_cmpuint(qtest_readq(qts, RES_PA + 8 * SLOT_FREQ), ==, 2500);
    g_assert_cmpuint(qtest_readq(qts, RES_PA + 8 * SLOT_INT_A0), ==, INT_RTC);
    g_assert_cmpuint(qtest_readq(qts, RES_PA + 8 * SLOT_INT_COUNT), ==, 1);
    g_assert_cmpuint(qtest_readq(qts, RES_PA + 8 * SLOT_RTC1) -
                     qtest_readq(qts, RES_PA + 8 * SLOT_RTC0), >=, delta);
    qtest_quit(qts);
    unlink(payload);
    asm_free(p);
}

/*
 * An arithmetic trap through the vendor's core3 HMcode (notes §2.3,
 * §7.2): with inexact not disabled in the FPCR, fdivd 1/3 in kernel
 * mode enters its ARITH vector, whose START_HW_ARITH passes EXC_SUM &
 * 0x7f to the kernel's entArith as a0 (SWC | INE0: 0x21, Linux's
 * do_entArith then completes in software) with the frame's PC after the
 * instruction; the destination still holds its old value (the kernel
 * redoes the division from the operands), and rti resumes after it.
 * (An EXC_SUM of SWC alone, what the vendor's emulator sets, makes that
 * HMcode skip the instruction without calling the kernel.)
 */
static void test_core3_arith(void)
{
    g_autofree char *hmcode = vendor_file("core3-hmcode");
    g_autofree char *payload = NULL;
    Asm *p = asm_new();
    QTestState *qts;
    int fix_handler, div, handler;

    if (!hmcode) {
        asm_free(p);
        return;
    }
    res_base(p);
    li32(p, R_SP, (int32_t)(KTEXT | STACK_PA));
    fix_handler = wrent_reserve(p, WRENT_ARITH);
    /* $f1 = 1.0, $f2 = 3.0; FPCR: round to nearest, inexact traps */
    li32(p, 1, 0x3ff0);
    emit(p, enc_oprl(F_SLL, 1, 48, 1));
    emit(p, enc_fp(FP_IFMOVD, 1, 31, 1));
    li32(p, 1, 0x4008);
    emit(p, enc_oprl(F_SLL, 1, 48, 1));
    emit(p, enc_fp(FP_IFMOVD, 1, 31, 2));
    emit(p, enc_fp(FP_IFMOVD, 1, 31, 4));          /* $f4 = 3.0 before */
    li32(p, 1, 0x280e);                /* UNFD, DYN 2, OVFD DZED INVD */
    emit(p, enc_oprl(F_SLL, 1, 48, 1));
    emit(p, enc_fp(FP_IFMOVD, 1, 31, 3));
    emit(p, enc_fp(FP_WFPCR, 3, 31, 31));
    div = emit(p, enc_fp(FP_FDIVD, 1, 2, 4));
    emit(p, enc_mem(OP_LDI, 5, 0x77, R_ZERO));
    res(p, 5, SLOT_AR_AFTER);
    payload_done(p);
    /* entArith: record a0, the frame's PC and $f4; rti */
    handler = here(p);
    res_base(p);
    res(p, 16, SLOT_AR_A0);
    emit(p, enc_mem(OP_LDL, 1, 8, R_SP));
    res(p, 1, SLOT_AR_PC);
    emit(p, enc_fimov(false, 4, 1));
    res(p, 1, SLOT_AR_QUOT);
    emit(p, enc_sys_call(HMC_RTI, false));
    la_fix(p, fix_handler, 16, handler);

    qts = run_payload(hmcode, p, &payload);
    g_assert_cmphex(qtest_readq(qts, RES_PA + 8 * SLOT_DONE), ==, DONE_MAGIC);
    g_assert_cmphex(qtest_readq(qts, RES_PA + 8 * SLOT_AR_A0), ==, 0x21);
    g_assert_cmphex(qtest_readq(qts, RES_PA + 8 * SLOT_AR_PC), ==,
                    KTEXT | (PAYLOAD_PA + 4 * (div + 1)));
    g_assert_cmphex(qtest_readq(qts, RES_PA + 8 * SLOT_AR_QUOT), ==,
                    0x4008000000000000ULL);
    g_assert_cmphex(qtest_readq(qts, RES_PA + 8 * SLOT_AR_AFTER), ==, 0x77);
    qtest_quit(qts);
    unlink(payload);
    asm_free(p);
}

#define C4_UEFI_VA      0xfff0000002f00000ULL  /* where core4 UEFI runs */

/*
 * Run the payload P as the core4 UEFI image under the vendor's core4
 * HMcode: the vendor's core4 UEFI image is not public, so a stand-in of
 * its name (c4-uefi-bios-sw) goes into a firmware directory with the
 * HMcode; *DIR is that directory, for run_core4_end.
 */
static QTestState *run_core4(const char *hmcode, Asm *p, int smp, char **dir)
{
    g_autofree char *payload = payload_file(p);
    g_autofree char *hm_link = NULL;
    g_autofree char *uefi = NULL;
    QTestState *qts;

    *dir = g_dir_make_tmp("sw64-c4fw-XXXXXX", NULL);
    g_assert_nonnull(*dir);
    hm_link = g_build_filename(*dir, "core4-hmcode", NULL);
    uefi = g_build_filename(*dir, "c4-uefi-bios-sw", NULL);
    g_assert_cmpint(symlink(hmcode, hm_link), ==, 0);
    g_assert_cmpint(rename(payload, uefi), ==, 0);
    qts = qtest_initf("-M core4 -smp %d -m 1G -accel tcg -L %s", smp, *dir);
    wait_payload(qts);
    return qts;
}

static void run_core4_end(QTestState *qts, char *dir)
{
    g_autofree char *hm_link = g_build_filename(dir, "core4-hmcode", NULL);
    g_autofree char *uefi = g_build_filename(dir, "c4-uefi-bios-sw", NULL);

    qtest_quit(qts);
    unlink(uefi);
    unlink(hm_link);
    rmdir(dir);
    g_free(dir);
}

/*
 * The vendor's core4 HMcode, -smp 2, runs its reset path (it needs
 * core4's lbr and csrrs) and hands CPU 0 over to the UEFI image at the
 * linear map's 0xfff0000002f00000 in kernel mode (notes §6.2); CPU 1
 * waits without an IPI spinning.  The stand-in records the address it
 * runs at (bsr's link) and the done word.
 */
static void test_core4_handover(void)
{
    g_autofree char *hmcode = vendor_file("core4-hmcode");
    Asm *p = asm_new();
    QTestState *qts;
    char *dir;

    if (!hmcode) {
        asm_free(p);
        return;
    }
    emit(p, enc_br(OP_BSR, 1, 0));
    res_base(p);
    res(p, 1, SLOT_C4_PC);
    payload_done(p);
    qts = run_core4(hmcode, p, 2, &dir);
    g_assert_cmphex(qtest_readq(qts, RES_PA + 8 * SLOT_DONE), ==, DONE_MAGIC);
    /* bsr's link: the next word, through the linear map */
    g_assert_cmphex(qtest_readq(qts, RES_PA + 8 * SLOT_C4_PC), ==,
                    C4_UEFI_VA + 4);
    run_core4_end(qts, dir);
    asm_free(p);
}

/*
 * core4's CSR instructions in kernel mode against the vendor's core4
 * HMcode (notes §8.1): the UEFI stand-in (PM 2) reads INT_EN (0x1a, a
 * CSR the kernel uses), which the HMcode's reset code set to 4; then
 * reads PRI_BASE (0x0f), which kernel mode may not: the CSR_ACV fault
 * enters the HMcode's IACV vector, whose handler finds EXC_SUM.CSR_ACV
 * [38] and calls the kernel's entMM with a0 = the instruction's
 * address, a1 = 16, a2 = -1 and the frame's PC at the instruction; the
 * destination keeps its value, and rti resumes after it (the handler
 * moves the frame's PC on).
 */
static void test_core4_csr_acv(void)
{
    g_autofree char *hmcode = vendor_file("core4-hmcode");
    Asm *p = asm_new();
    QTestState *qts;
    char *dir;
    int fix_handler, acv, handler;

    if (!hmcode) {
        asm_free(p);
        return;
    }
    res_base(p);
    li32(p, R_SP, (int32_t)(KTEXT | STACK_PA));
    fix_handler = wrent_reserve(p, WRENT_MM);
    emit(p, enc_csr(false, 3, 0x1a));                   /* INT_EN */
    res(p, 3, SLOT_C4_INT_EN);
    emit(p, enc_mem(OP_LDI, 3, 0x22, R_ZERO));
    acv = emit(p, enc_csr(false, 3, 0x0f));             /* PRI_BASE */
    res(p, 3, SLOT_C4_AFTER);
    payload_done(p);
    /* entMM: record, skip the csrr, rti */
    handler = entmm_handler(p);
    la_fix(p, fix_handler, 16, handler);

    qts = run_core4(hmcode, p, 1, &dir);
    g_assert_cmphex(qtest_readq(qts, RES_PA + 8 * SLOT_DONE), ==, DONE_MAGIC);
    g_assert_cmphex(qtest_readq(qts, RES_PA + 8 * SLOT_C4_INT_EN), ==, 4);
    g_assert_cmphex(qtest_readq(qts, RES_PA + 8 * SLOT_MM_A0), ==,
                    C4_UEFI_VA + 4 * acv);
    g_assert_cmphex(qtest_readq(qts, RES_PA + 8 * SLOT_MM_A1), ==, 16);
    g_assert_cmphex(qtest_readq(qts, RES_PA + 8 * SLOT_MM_A2), ==, -1ULL);
    g_assert_cmphex(qtest_readq(qts, RES_PA + 8 * SLOT_MM_PC), ==,
                    C4_UEFI_VA + 4 * acv);
    g_assert_cmphex(qtest_readq(qts, RES_PA + 8 * SLOT_C4_AFTER), ==, 0x22);
    run_core4_end(qts, dir);
    asm_free(p);
}

/*
 * The value of symbol NAME in the ELF64 (little-endian) image DATA, or
 * of e_entry for NULL; the test fails if there is none
 */
static uint64_t elf_symbol(const char *data, gsize len, const char *name)
{
    uint64_t shoff = ldq_le_p(data + 0x28);
    int shentsize = lduw_le_p(data + 0x3a), shnum = lduw_le_p(data + 0x3c);
    int i, j;

    if (!name) {
        return ldq_le_p(data + 0x18);
    }
    g_assert_cmpuint(shoff + (uint64_t)shnum * shentsize, <=, len);
    for (i = 0; i < shnum; i++) {
        const char *sh = data + shoff + i * shentsize;
        const char *strsh;
        uint64_t off, size, stroff;

        if (ldl_le_p(sh + 4) != 2) {            /* SHT_SYMTAB */
            continue;
        }
        off = ldq_le_p(sh + 0x18);
        size = ldq_le_p(sh + 0x20);
        strsh = data + shoff + ldl_le_p(sh + 0x28) * shentsize;
        stroff = ldq_le_p(strsh + 0x18);
        g_assert_cmpuint(off + size, <=, len);
        for (j = 0; j < size / 24; j++) {
            const char *sym = data + off + j * 24;

            if (!strcmp(data + stroff + ldl_le_p(sym), name)) {
                return ldq_le_p(sym + 8);
            }
        }
    }
    g_test_message("no symbol %s", name);
    g_assert_not_reached();
}

/*
 * The vendor's reset images, what the boards boot under KVM (notes §6.1,
 * §6.3), linked in the kernel segments: core3-reset at
 * 0xffffffff80010000, core4-reset at 0xfff0000000010000.  Where the
 * vCPUs start under KVM (the boards' kvm_start_pc, through the linear
 * map) is in the image: core3-reset's symbol START_HW_GUEST_RESET at
 * physical 0x11100, core4-reset's entry at 0x11000.  Given as -bios
 * (qtest: nothing runs), each is loaded at the physical addresses its
 * kernel-segment addresses map to: those bytes are there, and the CPUs
 * start at the entry's physical address (TCG's rule).
 */
static void test_reset_images(void)
{
    static const struct {
        const char *core, *file, *sym;
        uint64_t start, file_off, entry, seg;
    } img[] = {
        { "core3", "core3-reset", "START_HW_GUEST_RESET", 0x11100, 0x11100,
          0x10000, 0xffffffff80000000ULL },
        { "core4", "core4-reset", NULL, 0x11000, 0x1000, 0x11000,
          0xfff0000000000000ULL },
    };
    int i;

    for (i = 0; i < ARRAY_SIZE(img); i++) {
        g_autofree char *path = vendor_file(img[i].file);
        g_autofree char *data = NULL;
        g_autofree char *regs = NULL;
        g_autofree char *pc = NULL;
        uint8_t got[64];
        gsize len;
        QTestState *qts;

        if (!path) {
            return;
        }
        g_assert_true(g_file_get_contents(path, &data, &len, NULL));
        g_assert_cmpuint(len, >=, img[i].file_off + sizeof(got));
        g_assert_cmphex(elf_symbol(data, len, img[i].sym) - img[i].seg, ==,
                        img[i].start);
        qts = qtest_initf("-M %s -smp 2 -bios %s", img[i].core, path);
        qtest_memread(qts, img[i].start, got, sizeof(got));
        g_assert_cmpmem(got, sizeof(got), data + img[i].file_off,
                        sizeof(got));
        pc = g_strdup_printf("PC      %016" PRIx64, img[i].entry);
        regs = stack_cpu_regs(qts, 1);
        g_assert_nonnull(strstr(regs, pc));
        qtest_quit(qts);
    }
}

/* Cleared when there is no OCR: the test is then skipped */
static bool have_ocr = true;

/* The text tesseract reads on the display, or NULL (test skipped) */
static char *screen_text(QTestState *qts, const char *ppm)
{
    const char *argv[] = { "tesseract", ppm, "-", NULL };
    g_autofree char *err = NULL;
    char *out = NULL;
    int status;

    qtest_qmp_assert_success(qts, "{ 'execute': 'screendump', "
                             "'arguments': { 'filename': %s } }", ppm);
    if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL,
                      NULL, &out, &err, &status, NULL)) {
        g_test_skip("tesseract (Debian's tesseract-ocr) is not installed: "
                    "nothing reads the display");
        have_ocr = false;
        return NULL;
    }
    g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    return out;
}

/* Wait up to TIMEOUT s for the display to show WANT: its text, or NULL */
static char *wait_screen(QTestState *qts, const char *ppm,
                         const char *want, int timeout)
{
    gint64 end = g_get_monotonic_time() + timeout * G_USEC_PER_SEC;
    char *text;

    do {
        g_usleep(2 * G_USEC_PER_SEC);
        text = screen_text(qts, ppm);
        if (!text || g_regex_match_simple(want, text, G_REGEX_MULTILINE,
                                          0)) {
            return text;
        }
        g_test_message("screen so far:\n%s", text);
        g_free(text);
    } while (g_get_monotonic_time() < end);
    g_test_message("no '%s' on the display in %d s", want, timeout);
    return NULL;
}

/* Type TEXT (letters, digits, spaces) and Enter on the USB keyboard */
static void type_line(QTestState *qts, const char *text)
{
    const char *c;

    for (c = text; *c; c++) {
        char key[2] = { *c, 0 };

        qtest_qmp_assert_success(qts, "{ 'execute': 'send-key', "
                                 "'arguments': { 'keys': [ { 'type': 'qcode',"
                                 " 'data': %s } ] } }",
                                 *c == ' ' ? "spc" : key);
        g_usleep(50 * 1000);
    }
    qtest_qmp_assert_success(qts, "{ 'execute': 'send-key', 'arguments': "
                             "{ 'keys': [ { 'type': 'qcode', "
                             "'data': 'ret' } ] } }");
}

/*
 * The vendor's core3 firmware, HMcode and UEFI, found by the board in
 * the firmware path, boots to the UEFI shell on the display (Cirrus
 * VGA, drawn by the UEFI's own driver) as it does on the vendor's own
 * QEMU, with one CPU and with two, and the shell answers commands
 * typed on the USB keyboard: ver, and echo.  The OCR reads the prompt
 * "Shell>" as "Shel I>" or "Shel1>" at times, and "v" as "u" in
 * lowercase words, so the echo is of "hello 2026".
 */
static void test_core3_uefi_shell(const void *data)
{
    int smp = GPOINTER_TO_INT(data);
    g_autofree char *hmcode = vendor_file("core3-hmcode");
    g_autofree char *uefi = hmcode ? vendor_file("c3-uefi-bios-sw") : NULL;
    g_autofree char *dir = NULL;
    g_autofree char *ppm = NULL;
    g_autofree char *link1 = NULL;
    g_autofree char *link2 = NULL;
    g_autofree char *text = NULL;
    QTestState *qts;
    gint64 start;

    if (!uefi) {
        return;
    }
    dir = g_dir_make_tmp("sw64-fw-XXXXXX", NULL);
    g_assert_nonnull(dir);
    link1 = g_build_filename(dir, "core3-hmcode", NULL);
    link2 = g_build_filename(dir, "c3-uefi-bios-sw", NULL);
    ppm = g_build_filename(dir, "screen.ppm", NULL);
    g_assert_cmpint(symlink(hmcode, link1), ==, 0);
    g_assert_cmpint(symlink(uefi, link2), ==, 0);
    start = g_get_monotonic_time();
    qts = qtest_initf("-M core3 -m 2G -smp %d -accel tcg -L %s "
                      "-device usb-kbd", smp, dir);
    text = wait_screen(qts, ppm, "UEFI Interactive Shell(.|\\n)*Shel ?[lI1]>",
                       120);
    if (!text && !have_ocr) {
        qtest_quit(qts);
        return;
    }
    g_assert_nonnull(text);
    g_test_message("UEFI shell after %.1f s",
                   (g_get_monotonic_time() - start) / 1e6);
    g_free(text);
    /* ver: the shell's version under the banner's */
    type_line(qts, "ver");
    text = wait_screen(qts, ppm, "UEFI Interactive Shell v2(.|\\n)*ver"
                       "(.|\\n)*UEFI Interactive Shell v2", 30);
    g_assert_nonnull(text);
    g_free(text);
    type_line(qts, "echo hello 2026");
    text = wait_screen(qts, ppm, "^hello 2026$", 30);
    g_assert_nonnull(text);
    qtest_quit(qts);
    unlink(ppm);
    unlink(link1);
    unlink(link2);
    rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("sw64-firmware/core3/handover", test_core3_handover);
    qtest_add_func("sw64-firmware/core3/timer", test_core3_timer);
    qtest_add_func("sw64-firmware/core3/arith", test_core3_arith);
    qtest_add_func("sw64-firmware/core4/handover", test_core4_handover);
    qtest_add_func("sw64-firmware/core4/csr-acv", test_core4_csr_acv);
    qtest_add_func("sw64-firmware/reset-images", test_reset_images);
    qtest_add_data_func("sw64-firmware/core3/uefi-shell-smp1",
                        GINT_TO_POINTER(1), test_core3_uefi_shell);
    qtest_add_data_func("sw64-firmware/core3/uefi-shell-smp2",
                        GINT_TO_POINTER(2), test_core3_uefi_shell);
    return g_test_run();
}
