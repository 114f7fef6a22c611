/*
 * QTest: the sw64 core3 and core4 boards (patches/sw64/)
 *
 * Under the qtest accelerator nothing runs on the CPUs: the board's
 * registers are read and written from here.  For both boards: the 16550
 * reaches its chardev, the RTC register follows host time, the MCU's
 * cores-online bitmap follows -smp, fw_cfg answers, the PCIe host bridge
 * and a plugged virtio-net-pci are found in config space at their BDF,
 * -kernel places a synthesized SW64 ELF and writes every boot-data word.
 * Bad input (a non-SW64 ELF, a command line over the limit, missing
 * firmware, too many CPUs) is refused with its message.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/bswap.h"
#include "libqtest.h"
#include "stack-qtest.h"
#include "sw64-insn.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include <sys/socket.h>
#include <sys/un.h>

#define UART_THR        0x8801000003f8ULL
#define RTC_ADDR        0x804910000000ULL
#define FW_CFG_DATA     0x804920000000ULL
#define MCU_BASE        0x803000000000ULL
#define MCU_CORE_ONLINE (MCU_BASE + 0x780)
#define MCU_MC_ONLINE   (MCU_BASE + 0x3780)
#define PCIE_CFG        0x880600000000ULL
#define RAM_SIZE_ADDR   0x2040
#define BOOT_PARAMS     0x90A100
#define CMDLINE_ADDR    0x90B000
#define INITRD_ADDR     0x3000000
#define KSEG            0xfff0000000000000ULL

#define GED_EVT_SEL     0x803600000000ULL

#define EM_SW64         0x9916
#define EM_SW64_ALT     268

static const char *const boards[] = { "core3", "core4" };

static uint64_t intpu_base(const char *board)
{
    return !strcmp(board, "core3") ? INTPU_CORE3 : INTPU_CORE4;
}

static void test_uart(const void *data)
{
    const char *board = data;
    g_autofree char *path = NULL;
    g_autofree char *out = NULL;
    int fd = g_file_open_tmp("sw64-uart-XXXXXX", &path, NULL);
    QTestState *qts;
    const char *msg = "sw64 uart\n";
    size_t len;
    int i;

    g_assert_cmpint(fd, >=, 0);
    close(fd);
    qts = qtest_initf("-M %s -chardev file,id=c0,path=%s -serial chardev:c0",
                      board, path);
    for (i = 0; msg[i]; i++) {
        qtest_writeb(qts, UART_THR, msg[i]);
    }
    qtest_quit(qts);
    g_assert_true(g_file_get_contents(path, &out, &len, NULL));
    g_assert_cmpstr(out, ==, msg);
    unlink(path);
}

static void test_rtc(const void *data)
{
    QTestState *qts = qtest_initf("-M %s", (const char *)data);
    int64_t now = time(NULL);
    int64_t rtc = qtest_readq(qts, RTC_ADDR);

    g_assert_cmpint(llabs(rtc - now), <=, 2);
    qtest_quit(qts);

    /* -rtc base moves it */
    qts = qtest_initf("-M %s -rtc base=2020-01-02T03:04:05",
                      (const char *)data);
    rtc = qtest_readq(qts, RTC_ADDR);
    g_assert_cmpint(llabs(rtc - 1577934245), <=, 2);
    qtest_quit(qts);
}

static void test_smp(const void *data)
{
    const char *board = data;
    static const struct {
        int cpus;
        uint64_t online[4];
    } cases[] = {
        { 1, { 0x1 } },
        { 3, { 0x7 } },
        { 64, { ~0ULL } },
    };
    int i, w;

    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        QTestState *qts = qtest_initf("-M %s -smp %d", board, cases[i].cpus);

        for (w = 0; w < 4; w++) {
            g_assert_cmphex(qtest_readq(qts, MCU_CORE_ONLINE + 8 * w), ==,
                            cases[i].online[w]);
        }
        g_assert_cmphex(qtest_readq(qts, MCU_MC_ONLINE), ==,
                        cases[i].online[0]);
        qtest_quit(qts);
    }
}

/*
 * The MCU's SMP_INFO (+0x80), what a guest kernel reads for its CPU
 * layout (notes §5.1, §5.2: threads [31:20], cores [19:10], max CPUs
 * [9:0], Linux's VT_* masks; the vendor's emulator's mcu_read), and all
 * ones for a register the board does not model, as there.
 */
static void test_mcu_smp_info(const void *data)
{
    static const struct {
        const char *smp;
        uint64_t info;
    } cases[] = {
        { "8,cores=4,threads=2", 2 << 20 | 4 << 10 | 8 },
        { "8,sockets=2,cores=2,threads=2", 2 << 20 | 2 << 10 | 8 },
        { "3", 1 << 20 | 3 << 10 | 3 },
    };
    int i;

    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        QTestState *qts = qtest_initf("-M %s -smp %s", (const char *)data,
                                      cases[i].smp);

        g_assert_cmphex(qtest_readq(qts, MCU_BASE + 0x80), ==,
                        cases[i].info);
        g_assert_cmphex(qtest_readq(qts, MCU_BASE + 0x100), ==, ~0ULL);
        qtest_quit(qts);
    }
}

static void test_smp_core4_above_64(void)
{
    QTestState *qts = qtest_init("-M core4 -smp 70");

    g_assert_cmphex(qtest_readq(qts, MCU_CORE_ONLINE), ==, ~0ULL);
    g_assert_cmphex(qtest_readq(qts, MCU_CORE_ONLINE + 8), ==, 0x3f);
    g_assert_cmphex(qtest_readq(qts, MCU_CORE_ONLINE + 16), ==, 0);
    qtest_quit(qts);
}

static void test_smp_limit(void)
{
    stack_assert_startup_error(NULL, "-accel qtest -M core3 -smp 65",
        "Invalid SMP CPUs 65. The max CPUs supported by machine 'core3' "
        "is 64", true);
    stack_assert_startup_error(NULL, "-accel qtest -M core4 -smp 257",
        "Invalid SMP CPUs 257. The max CPUs supported by machine 'core4' "
        "is 256", true);
}

/* fw_cfg item KEY through the device at DATA (its control register at +8) */
static void fw_cfg_read(QTestState *qts, uint64_t data, uint16_t key,
                        void *buf, size_t len)
{
    uint8_t *p = buf;
    size_t i;

    /* The control register is big-endian, data is read byte-wise. */
    qtest_writew(qts, data + 8, bswap16(key));
    for (i = 0; i < len; i++) {
        p[i] = qtest_readb(qts, data);
    }
}

static void test_fw_cfg(const void *data)
{
    QTestState *qts = qtest_initf("-M %s -smp 2 -m 1G", (const char *)data);
    char sig[5] = { 0 };
    uint16_t cpus;
    uint64_t ram;

    fw_cfg_read(qts, FW_CFG_DATA, 0x00 /* FW_CFG_SIGNATURE */, sig, 4);
    g_assert_cmpstr(sig, ==, "QEMU");
    fw_cfg_read(qts, FW_CFG_DATA, 0x05 /* FW_CFG_NB_CPUS */, &cpus,
                sizeof(cpus));
    g_assert_cmpint(le16_to_cpu(cpus), ==, 2);
    fw_cfg_read(qts, FW_CFG_DATA, 0x03 /* FW_CFG_RAM_SIZE */, &ram,
                sizeof(ram));
    g_assert_cmphex(le64_to_cpu(ram), ==, 1ULL << 30);
    qtest_quit(qts);
}

static uint32_t pcie_cfg_readl(QTestState *qts, int bus, int devfn, int reg)
{
    return qtest_readl(qts, PCIE_CFG + ((uint64_t)((bus << 8) | devfn) << 16)
                       + reg);
}

/* query-pci's vendor and device IDs of the device at 00:SLOT.0 */
static bool query_pci_ids(QTestState *qts, int slot, int *vendor,
                          int *device, int *class)
{
    QDict *resp = qtest_qmp(qts, "{ 'execute': 'query-pci' }");
    QList *buses = qdict_get_qlist(resp, "return");
    QDict *bus0 = qobject_to(QDict, qlist_peek(buses));
    QListEntry *e;
    bool found = false;

    QLIST_FOREACH_ENTRY(qdict_get_qlist(bus0, "devices"), e) {
        QDict *d = qobject_to(QDict, qlist_entry_obj(e));
        QDict *id = qdict_get_qdict(d, "id");

        if (qdict_get_int(d, "slot") == slot &&
            qdict_get_int(d, "function") == 0) {
            *vendor = qdict_get_int(id, "vendor");
            *device = qdict_get_int(id, "device");
            *class = qdict_get_int(qdict_get_qdict(d, "class_info"), "class");
            found = true;
        }
    }
    qobject_unref(resp);
    return found;
}

static void test_pcie(const void *data)
{
    QTestState *qts = qtest_initf("-M %s -nodefaults "
                                  "-device virtio-net-pci,addr=3.0,"
                                  "netdev=n0 -netdev user,id=n0",
                                  (const char *)data);
    int vendor, device, class;
    uint32_t id;

    /* the host bridge at 00:00.0 */
    g_assert_true(query_pci_ids(qts, 0, &vendor, &device, &class));
    id = pcie_cfg_readl(qts, 0, 0, 0);
    g_assert_cmphex(id & 0xffff, ==, vendor);
    g_assert_cmphex(id >> 16, ==, device);
    g_assert_cmphex(vendor, ==, 0x1b36);  /* Red Hat PCIe host */

    /* virtio-net-pci at 00:03.0 */
    g_assert_true(query_pci_ids(qts, 3, &vendor, &device, &class));
    id = pcie_cfg_readl(qts, 0, ((3) << 3), 0);
    g_assert_cmphex(id & 0xffff, ==, 0x1af4);
    g_assert_cmphex(id & 0xffff, ==, vendor);
    g_assert_cmphex(id >> 16, ==, device);
    g_assert_cmphex(pcie_cfg_readl(qts, 0, ((3) << 3), 8) >> 16, ==,
                    0x0200);
    g_assert_cmphex(class, ==, 0x0200);
    /* an empty slot reads all-ones */
    g_assert_cmphex(pcie_cfg_readl(qts, 0, ((4) << 3), 0), ==,
                    0xffffffff);
    qtest_quit(qts);
}

/* The register LABEL names of CPU N, from "info registers" (hex) */
static uint64_t cpu_reg(QTestState *qts, int n, const char *label)
{
    g_autofree char *out = stack_cpu_regs(qts, n);
    const char *p = strstr(out, label);

    g_assert_nonnull(p);
    return g_ascii_strtoull(p + strlen(label), NULL, 16);
}

static uint64_t cpu_int_stat(QTestState *qts, int n)
{
    return cpu_reg(qts, n, "INT_STAT ");
}

/*
 * PCI INTx as a Linux guest takes it (notes §3.2, §5.1): Linux's
 * do_entInt (arch/sw_64 chip3 chip.c; irq-sunway-cpu.c) treats type 16
 * as INTx and higher numbers as MSI vectors, so every pin is line 16.
 * An e1000 in slots 1-4 (INTA, swizzled onto each of the host's four
 * pins) raises its interrupt (IMS, then ICS): INT_STAT.PCIE_INT (bit 1)
 * on CPU 0; masked again (IMC), the level line drops and the bit with
 * it.  (qtest: the board's TCG path, no HMcode running.)
 */
static void test_pci_intx(const void *data)
{
    int slot;

    for (slot = 1; slot <= 4; slot++) {
        QTestState *qts = qtest_initf("-M %s -nodefaults -device e1000,"
                                      "addr=%d.0", (const char *)data, slot);
        uint64_t cfg = PCIE_CFG + ((uint64_t)(slot << 3) << 16);
        const uint64_t bar = 0x8800e0000000ULL;

        g_test_message("slot %d", slot);
        qtest_writel(qts, cfg + 0x10, 0xe0000000);      /* BAR 0 */
        qtest_writew(qts, cfg + 0x04, 0x0002);          /* memory space */
        g_assert_cmphex(cpu_int_stat(qts, 0) & 2, ==, 0);
        qtest_writel(qts, bar + 0xd0, 4);               /* IMS: LSC */
        qtest_writel(qts, bar + 0xc8, 4);               /* ICS: LSC */
        g_assert_cmphex(cpu_int_stat(qts, 0) & 2, ==, 2);
        qtest_writel(qts, bar + 0xd8, 4);               /* IMC: LSC */
        g_assert_cmphex(cpu_int_stat(qts, 0) & 2, ==, 0);
        qtest_quit(qts);
    }
}

/* Write LEN bytes of DATA to a new temporary file; its name */
static char *tmp_file(const char *tmpl, const void *data, gsize len)
{
    char *name = NULL;
    int fd = g_file_open_tmp(tmpl, &name, NULL);

    g_assert_cmpint(fd, >=, 0);
    close(fd);
    g_assert_true(g_file_set_contents(name, data, len, NULL));
    return name;
}

/* Whether the device at 00:DEVFN has capability CAP in its list */
static bool pci_has_cap(QTestState *qts, int devfn, uint8_t cap)
{
    int ptr = pcie_cfg_readl(qts, 0, devfn, 0x34) & 0xfc;
    int n;

    g_assert_cmphex(pcie_cfg_readl(qts, 0, devfn, 4) >> 16 & 0x10, ==, 0x10);
    for (n = 0; ptr && n < 48; n++) {
        uint32_t hdr = pcie_cfg_readl(qts, 0, devfn, ptr);

        if ((hdr & 0xff) == cap) {
            return true;
        }
        ptr = (hdr >> 8) & 0xfc;
    }
    g_assert_cmpint(ptr, ==, 0);
    return false;
}

/*
 * The MSI window (notes §5.1): 1 MiB at 0x8000fee00000, where a guest's
 * MSI is a write of the vector to 0x8000fee00000 | (CPU << 12) (Linux
 * irq-sunway-msi-vt.c, __vt_irq_msi_compose_msg).  Under KVM the board
 * passes such writes to the kernel (the vendor's msi_write; not
 * testable here, no sw_64 host).  Under TCG, as on the vendor's board
 * (core3_board_init sets msi_nonbroken only under KVM), no PCI device
 * has MSI or MSI-X: virtio-net (MSI-X) and the default xHCI (MSI and
 * MSI-X) list neither capability, so their interrupts are INTx, line 16
 * (pci-intx); and a write to the window is a logged guest error that
 * raises nothing on any CPU.
 */
static void test_msi(const void *data)
{
    g_autofree char *log = tmp_file("sw64-msi-log-XXXXXX", "", 0);
    g_autofree char *mtree = NULL;
    g_autofree gchar *logged = NULL;
    QTestState *qts;
    int slot, vendor, device, class, xhci = -1;

    qts = qtest_initf("-M %s -smp 2 -nic none -device virtio-net-pci,"
                      "addr=3.0 -d guest_errors -D %s", (const char *)data,
                      log);
    mtree = qtest_hmp(qts, "info mtree");
    g_assert_nonnull(strstr(mtree, "00008000fee00000-00008000feefffff "
                            "(prio 0, i/o): sw64-msi"));
    /* the capability walk finds what it should: virtio's vendor caps */
    g_assert_true(pci_has_cap(qts, 3 << 3, 0x09));
    g_assert_false(pci_has_cap(qts, 3 << 3, 0x11));     /* MSI-X */
    g_assert_false(pci_has_cap(qts, 3 << 3, 0x05));     /* MSI */
    for (slot = 0; slot < 32; slot++) {
        if (query_pci_ids(qts, slot, &vendor, &device, &class) &&
            class == 0x0c03) {
            xhci = slot;
        }
    }
    g_assert_cmpint(xhci, >, 0);
    g_assert_false(pci_has_cap(qts, xhci << 3, 0x11));
    g_assert_false(pci_has_cap(qts, xhci << 3, 0x05));

    /* vector 20 for CPU 1, as Linux would compose it: only logged */
    qtest_writel(qts, 0x8000fee00000ULL | (1 << 12), 20);
    g_assert_cmphex(cpu_int_stat(qts, 0), ==, 0);
    g_assert_cmphex(cpu_int_stat(qts, 1), ==, 0);
    qtest_quit(qts);
    g_assert_true(g_file_get_contents(log, &logged, NULL, NULL));
    g_assert_nonnull(strstr(logged, "sw64: MSI write of 0x14 to "
                            "0x8000fee01000: this board delivers MSIs only "
                            "under KVM"));
    g_assert_null(strstr(logged, "unassigned"));
    unlink(log);
}

/*
 * A BAR is reached through the PCIe memory windows: CPU address =
 * 0x880000000000 + PCI address, for the 32-bit window (PCI 0xe0000000)
 * and the 64-bit one (PCI 0x8000000000).  The BAR is virtio-net's modern
 * one (BAR 4, 64-bit), whose common configuration starts at offset 0:
 * device_feature (offset 4) is the device's first feature word.
 */
static void test_pcie_windows(const void *data)
{
    QTestState *qts = qtest_initf("-M %s -nodefaults -device virtio-net-pci,"
                                  "addr=3.0,disable-legacy=on,netdev=n0 "
                                  "-netdev user,id=n0", (const char *)data);
    uint64_t cfg = PCIE_CFG + ((uint64_t)(3 << 3) << 16);
    uint32_t feat32, feat64;

    g_assert_cmphex(qtest_readl(qts, 0x8800e0000004ULL), ==, 0xffffffff);
    qtest_writel(qts, cfg + 0x20, 0xe0000000);      /* BAR 4 */
    qtest_writel(qts, cfg + 0x24, 0);               /* BAR 5: high half */
    qtest_writew(qts, cfg + 0x04, 0x0002);          /* memory space on */
    feat32 = qtest_readl(qts, 0x8800e0000004ULL);
    g_assert_cmphex(feat32, !=, 0);
    g_assert_cmphex(feat32, !=, 0xffffffff);

    qtest_writel(qts, cfg + 0x20, 0);
    qtest_writel(qts, cfg + 0x24, 0x80);            /* PCI 0x8000000000 */
    feat64 = qtest_readl(qts, 0x888000000004ULL);
    g_assert_cmphex(feat64, ==, feat32);
    g_assert_cmphex(qtest_readl(qts, 0x8800e0000004ULL), ==, 0xffffffff);
    qtest_quit(qts);
}

/* An SW64 ELF: one PT_LOAD of PAYLOAD at VADDR, entry VADDR */
static char *write_elf(uint16_t machine, uint64_t vaddr,
                       const uint8_t *payload, size_t len)
{
    return stack_write_elf64(machine, vaddr, vaddr, payload, len);
}

static void test_kernel_boot_data(const void *data)
{
    const char *board = data;
    static const uint8_t code[16] = {
        0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
        0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x01,
    };
    static const uint16_t machines[] = { EM_SW64, EM_SW64_ALT };
    const char *cmdline = "console=ttyS0 root=/dev/vda";
    g_autofree char *initrd = NULL;
    char got[64];
    int m, i;

    initrd = tmp_file("sw64-initrd-XXXXXX", "initrd-contents-12345", 21);
    for (m = 0; m < ARRAY_SIZE(machines); m++) {
        g_autofree char *elf = write_elf(machines[m], 0xffffffff80910000ULL,
                                         code, sizeof(code));
        QTestState *qts = qtest_initf("-M %s -m 512M -kernel %s -initrd %s "
                                      "-append '%s'", board, elf, initrd,
                                      cmdline);

        /* the image at vaddr & ~0xffffffff80000000 */
        qtest_memread(qts, 0x910000, got, sizeof(code));
        g_assert_cmpmem(got, sizeof(code), code, sizeof(code));
        /* RAM size, bit 63: not under KVM */
        g_assert_cmphex(qtest_readq(qts, RAM_SIZE_ADDR), ==,
                        (512ULL << 20) | (1ULL << 63));
        /* struct boot_params */
        g_assert_cmphex(qtest_readq(qts, BOOT_PARAMS + 0), ==,
                        KSEG | INITRD_ADDR);
        g_assert_cmphex(qtest_readq(qts, BOOT_PARAMS + 8), ==, 21);
        /* dtb_start: core3's device tree after the initrd (kernel-dtb) */
        g_assert_cmphex(qtest_readq(qts, BOOT_PARAMS + 16), ==,
                        strcmp(board, "core3") ? 0 : KSEG | (INITRD_ADDR + 24));
        for (i = 3; i < 8; i++) {   /* the EFI words */
            g_assert_cmphex(qtest_readq(qts, BOOT_PARAMS + 8 * i), ==, 0);
        }
        g_assert_cmphex(qtest_readq(qts, BOOT_PARAMS + 8 * 8), ==,
                        KSEG | CMDLINE_ADDR);
        qtest_memread(qts, INITRD_ADDR, got, 21);
        g_assert_cmpmem(got, 21, "initrd-contents-12345", 21);
        qtest_memread(qts, CMDLINE_ADDR, got, strlen(cmdline) + 1);
        g_assert_cmpstr(got, ==, cmdline);
        qtest_quit(qts);
        unlink(elf);
    }
    unlink(initrd);
}

/* QEMU with ARGS fails to start with exactly WANT; both are freed */
static void refused(char *args, char *want)
{
    stack_assert_startup_error(NULL, args, want, true);
    g_free(args);
    g_free(want);
}

/*
 * Property PROP of node PATH in the flattened device tree FDT (the
 * format of the Devicetree Specification, ch. 5), or NULL; *LEN is its
 * length.  A walk of the structure block, so that the test does not use
 * the libfdt that built the tree.
 */
static const uint8_t *fdt_find(const uint8_t *fdt, const char *path,
                               const char *prop, uint32_t *len)
{
    const uint8_t *p = fdt + ldl_be_p(fdt + 8);        /* off_dt_struct */
    const uint8_t *end = p + ldl_be_p(fdt + 36);       /* size_dt_struct */
    const char *strings = (const char *)fdt + ldl_be_p(fdt + 12);
    GString *cur = g_string_new("");
    const uint8_t *found = NULL;

    g_assert_cmpint(ldl_be_p(fdt + 20), >=, 17);       /* version */
    g_assert_true(end <= fdt + ldl_be_p(fdt + 4));     /* totalsize */
    for (;;) {
        uint32_t token;

        g_assert_true(p + 8 <= end);
        token = ldl_be_p(p);
        p += 4;
        if (token == 1) {                               /* FDT_BEGIN_NODE */
            const char *name = (const char *)p;

            if (cur->len != 1 || *name == 0) {
                g_string_append_c(cur, '/');
            }
            g_string_append(cur, name);
            p += ROUND_UP(strlen(name) + 1, 4);
        } else if (token == 2) {                        /* FDT_END_NODE */
            char *slash = strrchr(cur->str, '/');

            g_string_truncate(cur, slash && slash != cur->str ?
                              slash - cur->str : 1);
        } else if (token == 3) {                        /* FDT_PROP */
            uint32_t plen = ldl_be_p(p);
            const char *pname = strings + ldl_be_p(p + 4);

            if (!strcmp(cur->str, path) && !strcmp(pname, prop)) {
                found = p + 8;
                *len = plen;
                break;
            }
            p += 8 + ROUND_UP(plen, 4);
        } else if (token == 9) {                        /* FDT_END */
            break;
        } else {
            g_assert_cmpint(token, ==, 4);              /* FDT_NOP */
        }
    }
    g_string_free(cur, true);
    return found;
}

static void assert_fdt_string(const uint8_t *fdt, const char *path,
                              const char *prop, const char *want)
{
    uint32_t len;
    const uint8_t *v = fdt_find(fdt, path, prop, &len);

    g_assert_nonnull(v);
    g_assert_cmpstr((const char *)v, ==, want);
    g_assert_cmpint(len, ==, strlen(want) + 1);
}

static uint32_t fdt_cell(const uint8_t *fdt, const char *path,
                         const char *prop)
{
    uint32_t len;
    const uint8_t *v = fdt_find(fdt, path, prop, &len);

    g_assert_nonnull(v);
    g_assert_cmpint(len, ==, 4);
    return ldl_be_p(v);
}

/* The reg of PATH: one address and one size of two cells each */
static uint64_t fdt_reg(const uint8_t *fdt, const char *path, uint64_t *size)
{
    uint32_t len;
    const uint8_t *v = fdt_find(fdt, path, "reg", &len);

    g_assert_nonnull(v);
    g_assert_cmpint(len, ==, 16);
    *size = ldq_be_p(v + 8);
    return ldq_be_p(v);
}

/* The device tree at boot_params.dtb_start (direct-map address) */
static uint8_t *read_fdt(QTestState *qts, uint64_t *pa)
{
    uint64_t va = qtest_readq(qts, BOOT_PARAMS + 16);
    uint8_t hdr[8];
    uint8_t *fdt;

    g_assert_cmphex(va & KSEG, ==, KSEG);
    *pa = va & ~KSEG;
    qtest_memread(qts, *pa, hdr, sizeof(hdr));
    g_assert_cmphex((uint32_t)ldl_be_p(hdr), ==, 0xd00dfeed);
    g_assert_cmpint(ldl_be_p(hdr + 4), <, 1 * MiB);    /* totalsize */
    fdt = g_malloc(ldl_be_p(hdr + 4));
    qtest_memread(qts, *pa, fdt, ldl_be_p(hdr + 4));
    return fdt;
}

/* The tree of a core3 started with -kernel ELF, at *PA */
static uint8_t *core3_fdt(const char *elf, uint64_t *pa)
{
    QTestState *qts = qtest_initf("-M core3 -m 512M -kernel %s", elf);
    uint8_t *fdt = read_fdt(qts, pa);

    qtest_quit(qts);
    return fdt;
}

/*
 * The device tree a kernel reads (notes §5.3): Linux's setup_machine_fdt
 * (arch/sw_64/kernel/setup.c) takes it from boot_params.dtb_start,
 * 8-byte aligned, on core3 and core4, and stops without one.  The board
 * puts it right after the initrd (the vendor's sw64_load_dtb).  core3
 * builds its own; each node is checked against the device it names, not
 * against constants: a byte written to the UART's reg reaches the serial
 * chardev, its THR-empty interrupt raises the INT_STAT bit of its
 * "interrupts" cell, which is hwirq = IRQ in the legacy domain of the
 * "sw64,sw6_irq_vt_controller" node (Linux irq-sw64-intc-v2.c), and
 * fw_cfg's reg answers the CPU count when its selector picks it.  -dtb
 * replaces it, on core4 too, which builds none.
 */
static void test_kernel_dtb(const void *data)
{
    const char *board = data;
    static const uint8_t code[32];
    g_autofree char *elf = write_elf(EM_SW64, 0xffffffff80910000ULL,
                                     code, sizeof(code));
    g_autofree char *high = write_elf(EM_SW64, 0xffffffff82fffff0ULL,
                                      code, sizeof(code));
    g_autofree char *initrd = NULL;
    g_autofree char *initrd24 = NULL;
    g_autofree char *bigrd = NULL;
    g_autofree char *chr = NULL;
    g_autofree char *dtb = NULL;
    g_autofree char *half = NULL;
    g_autofree uint8_t *fdt = NULL;
    g_autofree uint8_t *fdt2 = NULL;
    g_autofree uint8_t *big = g_malloc0(1 * MiB - 8);
    g_autofree gchar *out = NULL;
    const char *intc = "/soc/interrupt-controller";
    const char *serial = "/soc/serial0@8801";
    const char *fw_cfg = "/soc/fw_cfg@8049";
    uint64_t pa, reg, size;
    uint32_t len, totalsize;
    uint16_t cpus;
    QTestState *qts;
    char *model;
    int i;

    initrd = tmp_file("sw64-initrd-XXXXXX", "initrd-contents-12345", 21);
    initrd24 = tmp_file("sw64-initrd-XXXXXX", "initrd-contents-1234567", 24);
    bigrd = tmp_file("sw64-initrd-XXXXXX", big, 1 * MiB - 8);
    chr = tmp_file("sw64-dtb-serial-XXXXXX", "", 0);
    qts = qtest_initf("-M %s -m 512M -smp 2 -kernel %s -initrd %s -chardev "
                      "file,id=c0,path=%s -serial chardev:c0", board, elf,
                      initrd, chr);
    if (strcmp(board, "core3")) {
        /* core4 builds no tree */
        g_assert_cmphex(qtest_readq(qts, BOOT_PARAMS + 16), ==, 0);
        qtest_quit(qts);
        fdt = core3_fdt(elf, &pa);
        goto user_dtb;
    }
    fdt = read_fdt(qts, &pa);
    g_assert_cmphex(pa, ==, INITRD_ADDR + 24);  /* 21 bytes, then aligned */
    assert_fdt_string(fdt, "/", "compatible", "sunway,chip3");
    assert_fdt_string(fdt, "/", "model", "chip3");
    g_assert_cmpint(fdt_cell(fdt, "/", "#address-cells"), ==, 2);
    g_assert_cmpint(fdt_cell(fdt, "/", "#size-cells"), ==, 2);
    assert_fdt_string(fdt, "/soc", "compatible", "simple-bus");
    g_assert_nonnull(fdt_find(fdt, "/soc", "ranges", &len));
    g_assert_cmpint(len, ==, 0);
    assert_fdt_string(fdt, intc, "compatible", "sw64,sw6_irq_vt_controller");
    g_assert_nonnull(fdt_find(fdt, intc, "interrupt-controller", &len));
    g_assert_cmpint(fdt_cell(fdt, intc, "#interrupt-cells"), ==, 1);

    /* the UART */
    assert_fdt_string(fdt, serial, "compatible", "ns16550a");
    g_assert_cmpint(fdt_cell(fdt, serial, "interrupt-parent"), ==,
                    fdt_cell(fdt, intc, "phandle"));
    g_assert_cmpint(fdt_cell(fdt, serial, "reg-shift"), ==, 0);
    g_assert_cmpint(fdt_cell(fdt, serial, "reg-io-width"), ==, 1);
    g_assert_cmpint(fdt_cell(fdt, serial, "clock-frequency"), ==, 24000000);
    reg = fdt_reg(fdt, serial, &size);
    g_assert_cmphex(size, ==, 0x10);
    for (i = 0; i < 3; i++) {
        qtest_writeb(qts, reg, "dt\n"[i]);
    }
    g_assert_cmphex(cpu_int_stat(qts, 0) & (1ULL << 12), ==, 0);
    qtest_writeb(qts, reg + 1, 0x02);               /* IER: THR empty */
    g_assert_cmphex(cpu_int_stat(qts, 0) &
                    (1ULL << fdt_cell(fdt, serial, "interrupts")), !=, 0);

    /* fw_cfg: its selector and data registers at reg (big-endian key) */
    assert_fdt_string(fdt, fw_cfg, "compatible", "qemu,fw-cfg-mmio");
    g_assert_nonnull(fdt_find(fdt, fw_cfg, "dma-coherent", &len));
    reg = fdt_reg(fdt, fw_cfg, &size);
    g_assert_cmphex(size, ==, 0x18);
    fw_cfg_read(qts, reg, 0x05 /* FW_CFG_NB_CPUS */, &cpus, sizeof(cpus));
    g_assert_cmpint(le16_to_cpu(cpus), ==, 2);
    /* no node for the ACPI GED: Linux's sunway-ged drives another device */
    g_assert_null(memmem(fdt, ldl_be_p(fdt + 4), "sw6,sunway-ged", 14));
    qtest_quit(qts);
    g_assert_true(g_file_get_contents(chr, &out, NULL, NULL));
    g_assert_cmpstr(out, ==, "dt\n");

    /* the tree after a 1 MiB initrd does not fit in 49 MiB */
    refused(g_strdup_printf("-accel qtest -M %s -m 49M -kernel %s -initrd %s",
                            board, elf, bigrd),
            g_strdup_printf("the device tree (%u bytes at 0x30ffff8) does not "
                            "fit in the 0x3100000 bytes of RAM (-m)",
                            ldl_be_p(fdt + 4)));
    /* a kernel reaching into 0x3000000, where the tree goes */
    refused(g_strdup_printf("-accel qtest -M %s -kernel %s", board, high),
            g_strdup_printf("-kernel '%s' ends at 0x3000010, above 0x3000000, "
                            "where the device tree goes", high));

user_dtb:
    /* -dtb: the user's tree instead, after an initrd of 24 bytes */
    totalsize = ldl_be_p(fdt + 4);
    model = (char *)fdt_find(fdt, "/", "model", &len);
    g_assert_nonnull(model);
    model[4] = 'X';
    dtb = tmp_file("sw64-dtb-XXXXXX", fdt, totalsize);
    qts = qtest_initf("-M %s -m 512M -kernel %s -initrd %s -dtb %s", board,
                      elf, initrd24, dtb);
    fdt2 = read_fdt(qts, &pa);
    g_assert_cmphex(pa, ==, INITRD_ADDR + 24);
    g_assert_cmpmem(fdt2, ldl_be_p(fdt2 + 4), fdt, totalsize);
    assert_fdt_string(fdt2, "/", "model", "chipX");
    qtest_quit(qts);
    half = tmp_file("sw64-dtb-XXXXXX", fdt, totalsize / 2);
    refused(g_strdup_printf("-accel qtest -M %s -kernel %s -dtb %s", board,
                            elf, half),
            g_strdup_printf("-dtb '%s': not a device tree blob "
                            "(FDT_ERR_TRUNCATED)", half));
    refused(g_strdup_printf("-accel qtest -M %s -kernel %s -dtb %s", board,
                            elf, elf),
            g_strdup_printf("-dtb '%s': not a device tree blob "
                            "(FDT_ERR_BADMAGIC)", elf));
    refused(g_strdup_printf("-accel qtest -M %s -kernel %s -dtb %s", board,
                            elf, initrd),
            g_strdup_printf("-dtb '%s': not a device tree blob "
                            "(FDT_ERR_TRUNCATED)", initrd));
    refused(g_strdup_printf("-accel qtest -M %s -dtb %s", board, dtb),
            g_strdup_printf("-dtb '%s': the board passes a device tree only "
                            "to a kernel it boots (-kernel)", dtb));
    unlink(half);
    unlink(dtb);
    unlink(chr);
    unlink(bigrd);
    unlink(initrd24);
    unlink(initrd);
    unlink(high);
    unlink(elf);
}

static void test_boot_errors(void)
{
    static const uint8_t code[4];
    g_autofree char *x86 = write_elf(62 /* EM_X86_64 */, 0x100000, code, 4);
    g_autofree char *sw64 = write_elf(EM_SW64, 0x10000, code, 4);
    g_autofree char *sw64_kernel = write_elf(EM_SW64, 0xffffffff80910000ULL,
                                             code, 4);
    g_autofree char *empty = NULL;
    g_autofree char *bad_entry = write_elf(EM_SW64, 0x10000, code, 4);
    g_autofree char *args = NULL;
    g_autofree char *longline = g_strnfill(2048, 'x');
    int fd = g_file_open_tmp("sw64-empty-XXXXXX", &empty, NULL);
    g_autofree char *elf32_path = NULL;
    g_autofree char *fwdir = g_strdup_printf("%s/sw64-fw-%d",
                                             g_get_tmp_dir(), getpid());
    g_autofree char *hm = NULL;
    g_autofree char *msg = NULL;
    g_autofree char *elf_bytes = NULL;
    gsize elf_len;
    uint8_t entry[8], elf32[52];

    g_assert_cmpint(fd, >=, 0);
    close(fd);
    g_assert_true(g_file_get_contents(sw64, &elf_bytes, &elf_len, NULL));
    fd = g_file_open_tmp("sw64-elf32-XXXXXX", &elf32_path, NULL);
    g_assert_cmpint(fd, >=, 0);
    close(fd);
    /* e_entry of bad_entry: 0x7f00000000, outside its one segment */
    fd = open(bad_entry, O_WRONLY);
    g_assert_cmpint(fd, >=, 0);
    stq_le_p(entry, 0x7f00000000ULL);
    g_assert_cmpint(pwrite(fd, entry, 8, 24), ==, 8);
    close(fd);

    refused(g_strdup_printf("-accel qtest -M core3 -kernel %s", x86),
            g_strdup_printf("-kernel '%s': not an SW64 ELF (e_machine must "
                            "be 0x9916 or 268)", x86));
    refused(g_strdup_printf("-accel qtest -M core3 -bios %s", x86),
            g_strdup_printf("-bios '%s': not an SW64 ELF (e_machine must be "
                            "0x9916 or 268)", x86));
    refused(g_strdup_printf("-accel qtest -M core4 -kernel %s -append %s",
                            sw64, longline),
            g_strdup("-append: the kernel command line is 2048 bytes, the "
                     "limit is 2047"));

    g_assert_true(g_file_set_contents(empty, "", 0, NULL));
    refused(g_strdup_printf("-accel qtest -M core3 -bios %s", empty),
            g_strdup_printf("-bios '%s': the file is empty", empty));
    refused(g_strdup_printf("-accel qtest -M core3 -kernel %s -initrd %s",
                            sw64_kernel, empty),
            g_strdup_printf("-initrd '%s': the file is empty", empty));
    refused(g_strdup_printf("-accel qtest -M core3 -kernel %s", empty),
            g_strdup_printf("-kernel '%s': the file is empty", empty));
    refused(g_strdup_printf("-accel qtest -M core3 -m 8M -kernel %s",
                            sw64_kernel),
            g_strdup("-kernel: the boot data ends at 0x90b800, above the "
                     "0x800000 bytes of RAM (-m)"));
    refused(g_strdup_printf("-accel qtest -M core3 -m 64k -bios %s", sw64),
            g_strdup_printf("-bios '%s': it is loaded at 0x10000-0x10004, "
                            "outside the 0x10000 bytes of RAM (-m)", sw64));
    refused(g_strdup_printf("-accel qtest -M core3 -bios %s", bad_entry),
            g_strdup_printf("-bios '%s': its entry 0x7f00000000 is outside "
                            "the image loaded at 0x10000-0x10004", bad_entry));
    /* an ELF32 header with the SW64 machine number */
    memset(elf32, 0, sizeof(elf32));
    memcpy(elf32, "\x7f" "ELF\x01\x01\x01", 7);
    stw_le_p(elf32 + 16, 2);
    stw_le_p(elf32 + 18, EM_SW64);
    g_assert_true(g_file_set_contents(elf32_path, (char *)elf32,
                                      sizeof(elf32), NULL));
    refused(g_strdup_printf("-accel qtest -M core3 -bios %s", elf32_path),
            g_strdup_printf("-bios '%s': a 32-bit ELF; SW64 images are ELF64",
                            elf32_path));
    stack_assert_startup_error(NULL, "-accel qtest -M core3 -bios /dev/null",
                               "-bios '/dev/null': not a regular file", true);
    stack_assert_startup_error(NULL, "-accel qtest -M core3 -smp 2,maxcpus=4",
                               "-smp: maxcpus=4 is more than cpus=2, but the "
                               "core3 board has no CPU hotplug", true);
    stack_assert_startup_error(NULL, "-accel qtest -M core3 -bios "
                               "/nonexistent/hmcode",
                               "-bios '/nonexistent/hmcode': file not found "
                               "(neither as a path nor in the firmware path)",
                               true);

    /* Under TCG a boot without HMcode has nothing to run */
    args = g_strdup_printf("-accel tcg -M core3 -kernel %s", sw64);
    g_free(stack_startup_error(NULL, args, "no HMcode firmware: "
                               "'core3-hmcode' is not in the firmware path",
                               false));
    g_free(stack_startup_error(NULL, "-accel tcg -M core4",
                               "no HMcode firmware: 'core4-hmcode' is not in "
                               "the firmware path", false));
    /* ... and without -kernel, the HMcode hands over to UEFI */
    g_assert_true(g_mkdir_with_parents(fwdir, 0700) == 0);
    hm = g_build_filename(fwdir, "core3-hmcode", NULL);
    g_assert_true(g_file_set_contents(hm, elf_bytes, elf_len, NULL));
    g_free(args);
    args = g_strdup_printf("-accel tcg -M core3 -L %s", fwdir);
    g_free(stack_startup_error(NULL, args, "no UEFI firmware: "
                               "'c3-uefi-bios-sw' is not in the firmware "
                               "path", false));
    g_assert_true(g_file_set_contents(empty, "UEFIRAW!", 8, NULL));
    g_free(args);
    args = g_strdup_printf("-accel qtest -M core3 -bios %s -kernel %s",
                           empty, sw64_kernel);
    g_free(msg);
    msg = g_strdup_printf("-bios '%s' is a UEFI image, and -kernel boots "
                          "without UEFI", empty);
    g_free(stack_startup_error(NULL, args, msg, false));
    unlink(hm);
    rmdir(fwdir);
    unlink(x86);
    unlink(sw64);
    unlink(sw64_kernel);
    unlink(empty);
    unlink(bad_entry);
    unlink(elf32_path);
}

/* The PC of CPU N */
static uint64_t cpu_pc(QTestState *qts, int n)
{
    return cpu_reg(qts, n, "PC      ");
}

/*
 * -bios: an HMcode ELF, where every CPU starts (also one linked in a
 * kernel segment); anything else is the UEFI image, loaded at 0x2f00000
 * (with the default HMcode, which qtest does not need)
 */
static void test_bios_entry(const void *data)
{
    static const uint8_t code[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    g_autofree char *elf = write_elf(EM_SW64, 0x10000, code, sizeof(code));
    g_autofree char *elf268 = write_elf(EM_SW64_ALT, 0x20000, code,
                                        sizeof(code));
    g_autofree char *raw = NULL;
    QTestState *qts;
    char got[8];

    qts = qtest_initf("-M %s -bios %s", (const char *)data, elf268);
    g_assert_cmphex(cpu_pc(qts, 0), ==, 0x20000);
    qtest_quit(qts);
    unlink(elf268);

    qts = qtest_initf("-M %s -smp 2 -bios %s", (const char *)data, elf);
    g_assert_cmphex(cpu_pc(qts, 0), ==, 0x10000);
    g_assert_cmphex(cpu_pc(qts, 1), ==, 0x10000);
    qtest_memread(qts, 0x10000, got, sizeof(got));
    g_assert_cmpmem(got, sizeof(got), code, sizeof(code));
    /* and again after a system reset */
    qtest_qmp_assert_success(qts, "{ 'execute': 'system_reset' }");
    g_assert_cmphex(cpu_pc(qts, 1), ==, 0x10000);
    qtest_quit(qts);

    /*
     * linked in the kernel-text map and in the linear map: loaded at the
     * physical address the map gives (notes §6.1), also above 2 GiB,
     * where the vendor's mask, ~0xffffffff80000000, would wrap
     */
    for (int i = 0; i < 3; i++) {
        static const uint64_t va[] = {
            0xffffffff80030000ULL, 0xfff0000000040000ULL,
            0xfff0000080050000ULL,
        };
        static const uint64_t pa_of[] = { 0x30000, 0x40000, 0x80050000 };
        g_autofree char *kelf = write_elf(EM_SW64, va[i], code, sizeof(code));
        uint64_t pa = pa_of[i];

        qts = qtest_initf("-M %s -m 3G -smp 2 -bios %s", (const char *)data,
                          kelf);
        g_assert_cmphex(cpu_pc(qts, 1), ==, pa);
        qtest_memread(qts, pa, got, sizeof(got));
        g_assert_cmpmem(got, sizeof(got), code, sizeof(code));
        qtest_quit(qts);
        unlink(kelf);
    }

    /* a UEFI image at 0x2f00000; the CPUs start at the HMcode's entry */
    g_assert_true(g_file_open_tmp("sw64-raw-XXXXXX", &raw, NULL) >= 0);
    g_assert_true(g_file_set_contents(raw, "UEFIRAW!", 8, NULL));
    qts = qtest_initf("-M %s -bios %s", (const char *)data, raw);
    g_assert_cmphex(cpu_pc(qts, 0), ==, 0x10000);
    qtest_memread(qts, 0x2f00000, got, sizeof(got));
    g_assert_cmpmem(got, sizeof(got), "UEFIRAW!", 8);
    qtest_quit(qts);
    unlink(elf);
    unlink(raw);
}

/*
 * The default firmware (notes §6.1): from the firmware path (-L), the
 * HMcode '<core>-hmcode' (an ELF, where every CPU starts) and the UEFI
 * image 'c3-uefi-bios-sw' / 'c4-uefi-bios-sw' (raw, at 0x2f00000),
 * the vendor's names; -kernel takes the UEFI image's place.
 */
static void test_firmware_path(const void *data)
{
    const char *board = data;
    static const uint8_t code[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    g_autofree char *elf = write_elf(EM_SW64, 0x10000, code, sizeof(code));
    g_autofree char *dir = g_strdup_printf("%s/sw64-fwpath-%d",
                                           g_get_tmp_dir(), getpid());
    g_autofree char *hm = g_strdup_printf("%s/%s-hmcode", dir, board);
    g_autofree char *uefi = g_strdup_printf("%s/c%c-uefi-bios-sw", dir,
                                            board[4]);
    g_autofree char *bytes = NULL;
    gsize len;
    QTestState *qts;
    char got[8];

    g_assert_true(g_mkdir_with_parents(dir, 0700) == 0);
    g_assert_true(g_file_get_contents(elf, &bytes, &len, NULL));
    g_assert_true(g_file_set_contents(hm, bytes, len, NULL));
    g_assert_true(g_file_set_contents(uefi, "UEFIRAW!", 8, NULL));
    qts = qtest_initf("-M %s -smp 2 -L %s", board, dir);
    g_assert_cmphex(cpu_pc(qts, 0), ==, 0x10000);
    g_assert_cmphex(cpu_pc(qts, 1), ==, 0x10000);
    qtest_memread(qts, 0x10000, got, sizeof(got));
    g_assert_cmpmem(got, sizeof(got), code, sizeof(code));
    qtest_memread(qts, 0x2f00000, got, sizeof(got));
    g_assert_cmpmem(got, sizeof(got), "UEFIRAW!", 8);
    qtest_quit(qts);
    unlink(hm);
    unlink(uefi);
    rmdir(dir);
    unlink(elf);
}

/*
 * The CPU state survives a migration through a file (the format savevm
 * writes): the destination, started without -bios, has its reset PC
 * until the incoming state gives it the source's.
 */
/* Migrate QTS to the file STATE (the format savevm writes) */
static void migrate_to_file(QTestState *qts, const char *state)
{
    g_autofree char *uri = g_strdup_printf("file:%s", state);
    QDict *rsp;

    qtest_qmp_assert_success(qts, "{ 'execute': 'migrate', 'arguments': "
                             "{ 'uri': %s } }", uri);
    do {
        g_usleep(10000);
        rsp = qtest_qmp(qts, "{ 'execute': 'query-migrate' }");
        if (!strcmp(qdict_get_try_str(qdict_get_qdict(rsp, "return"),
                                      "status") ?: "", "completed")) {
            qobject_unref(rsp);
            break;
        }
        g_assert_cmpstr(qdict_get_try_str(qdict_get_qdict(rsp, "return"),
                                          "status"), !=, "failed");
        qobject_unref(rsp);
    } while (true);
}

/* Wait until QTS, started with -incoming, has its state */
static void wait_incoming(QTestState *qts)
{
    QDict *rsp;

    do {
        g_usleep(10000);
        rsp = qtest_qmp(qts, "{ 'execute': 'query-status' }");
        if (strcmp(qdict_get_str(qdict_get_qdict(rsp, "return"), "status"),
                   "inmigrate")) {
            qobject_unref(rsp);
            break;
        }
        qobject_unref(rsp);
    } while (true);
}

static void test_migrate_registers(const void *data)
{
    static const uint8_t code[4];
    g_autofree char *elf = write_elf(EM_SW64, 0x10000, code, sizeof(code));
    g_autofree char *state = NULL;
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;
    QTestState *src, *dst;
    int fd = g_file_open_tmp("sw64-state-XXXXXX", &state, NULL);

    g_assert_cmpint(fd, >=, 0);
    close(fd);
    src = qtest_initf("-M %s -smp 2 -bios %s", (const char *)data, elf);
    /* state that differs from reset: the PC, and a pending IPI */
    qtest_writeq(src, intpu_base(data), II_REQ_VALID | 1);
    before = stack_cpu_regs(src, 1);
    g_assert_nonnull(strstr(before, "PC      0000000000010000"));
    g_assert_nonnull(strstr(before, "INT_STAT 0000000000000040"));
    migrate_to_file(src, state);
    qtest_quit(src);

    dst = qtest_initf("-M %s -smp 2 -incoming file:%s", (const char *)data,
                      state);
    wait_incoming(dst);
    after = stack_cpu_regs(dst, 1);
    g_assert_cmpstr(after, ==, before);
    qtest_quit(dst);
    unlink(elf);
    unlink(state);
}

/*
 * An armed timer migrates (its subsection): a program arms the timer
 * for 2 s and halts; the machine migrates through a file 0.1 s later;
 * the destination's CPU wakes with the TIMER interrupt (INT_STAT bit 4)
 * when the 2 s of virtual time are up, and not before.
 */
static void test_migrate_timer(const void *data)
{
    const char *board = data;
    bool core4 = !strcmp(board, "core4");
    const uint32_t prog[] = {
        enc_mem(OP_LDIH, 2, 0x4a81, R_ZERO),            /* ~1.25e9 */
        enc_oprl(0x48 /* sll */, 2, 2, 2),              /* ~5e9: 2 s */
        enc_csr(true, 2, core4 ? 0x23 : 0x2b),          /* TIMER_TH */
        enc_mem(OP_LDI, 1, 1, R_ZERO),
        enc_csr(true, 1, core4 ? 0x24 : 0x2a),          /* TIMER_CTL */
        enc_misc(MISC_HALT, R_ZERO),
        enc_mem(OP_LDI, 3, 0x77, R_ZERO),
        enc_br(OP_BR, R_ZERO, -1),
    };
    uint8_t code[sizeof(prog)];
    g_autofree char *elf = NULL;
    g_autofree char *state = NULL;
    g_autofree char *regs = NULL;
    QTestState *src, *dst;
    int fd = g_file_open_tmp("sw64-timer-XXXXXX", &state, NULL);
    int i;

    g_assert_cmpint(fd, >=, 0);
    close(fd);
    for (i = 0; i < ARRAY_SIZE(prog); i++) {
        stl_le_p(code + 4 * i, prog[i]);
    }
    elf = write_elf(EM_SW64, 0x10000, code, sizeof(code));
    src = qtest_initf("-M %s -accel tcg -bios %s", board, elf);
    g_usleep(100 * 1000);
    qtest_qmp_assert_success(src, "{ 'execute': 'stop' }");
    regs = stack_cpu_regs(src, 0);
    g_assert_nonnull(strstr(regs, "INT_STAT 0000000000000000"));
    migrate_to_file(src, state);
    qtest_quit(src);

    dst = qtest_initf("-M %s -accel tcg -bios %s -incoming file:%s", board,
                      elf, state);
    wait_incoming(dst);
    qtest_qmp_assert_success(dst, "{ 'execute': 'cont' }");
    for (i = 0; i < 500; i++) {
        g_free(regs);
        regs = stack_cpu_regs(dst, 0);
        if (strstr(regs, "R03/t2   0000000000000077")) {
            break;
        }
        g_usleep(10 * 1000);
    }
    g_assert_nonnull(strstr(regs, "R03/t2   0000000000000077"));
    g_assert_nonnull(strstr(regs, "INT_STAT 0000000000000010"));
    qtest_quit(dst);
    unlink(state);
    unlink(elf);
}

/*
 * Under TCG every CPU runs the -bios image from its entry, in HMcode
 * mode (notes §6.2: the vendor's HMcode runs its reset code on each
 * CPU).  The image stores 0x5a + CID at 0x800000 + 8 * CID, then
 * spins; $1 is HMcode's own, so "info registers" shows CID in the
 * HMcode bank (H01) and the other view's $1 untouched.
 */
static void test_tcg_all_cpus_run(const void *data)
{
    const char *board = data;
    const uint32_t prog[] = {
        enc_mem(OP_LDIH, 2, 0x80, R_ZERO),
        enc_csr(false, 1, CSR_CID),
        enc_opr(0x0c /* s8addl */, 1, 2, 2),
        enc_mem(OP_LDI, 3, 0x5a, 1),
        enc_mem(OP_STL, 3, 0, 2),
        enc_br(OP_BR, R_ZERO, -1),
    };
    uint8_t code[sizeof(prog)];
    g_autofree char *elf = NULL;
    QTestState *qts;
    int i, j;

    for (i = 0; i < ARRAY_SIZE(prog); i++) {
        stl_le_p(code + 4 * i, prog[i]);
    }
    elf = write_elf(EM_SW64, 0x10000, code, sizeof(code));
    qts = qtest_initf("-M %s -smp 3 -accel tcg -bios %s", board, elf);
    for (i = 0; i < 3; i++) {
        g_autofree char *regs = NULL;
        g_autofree char *h01 = g_strdup_printf("H01/t0   %016x", i);

        for (j = 0; j < 500; j++) {
            if (qtest_readq(qts, 0x800000 + 8 * i) == 0x5a + i) {
                break;
            }
            g_usleep(10 * 1000);
        }
        g_assert_cmphex(qtest_readq(qts, 0x800000 + 8 * i), ==, 0x5a + i);
        regs = stack_cpu_regs(qts, i);
        g_assert_nonnull(strstr(regs, h01));
        g_assert_nonnull(strstr(regs, "R01/t0   0000000000000000"));
    }
    qtest_quit(qts);
    unlink(elf);
}

/*
 * One time base (notes §3.3, §5.6): LONG_TIME (INTPU + 0x180) counts
 * at 25 MHz of the virtual clock, the rate Linux registers its
 * clocksource with; the MCU's INIT_CTL (+0x680) gives frequency index
 * 15 in [11:8], which the HMcode's CPUID table turns into 2500 MHz,
 * the rate of rtc and the timer (sw64-hmcode-test, sw64-firmware-test).
 * The RAM size word at 0x2040 has bit 63 set outside KVM whatever
 * boots: Linux and the vendor's UEFI take it as "run by an emulator"
 * (the UEFI then programs the timer with wrtimer, not a hypercall).
 */
static void test_time_base(const void *data)
{
    const char *board = data;
    QTestState *qts = qtest_initf("-M %s", board);
    uint64_t t0, t1;

    g_assert_cmphex(qtest_readq(qts, 0x803000000680ULL) >> 8 & 0xf, ==, 15);
    g_assert_cmphex(qtest_readq(qts, 0x2040), ==, 2 * GiB | 1ULL << 63);
    t0 = qtest_readq(qts, intpu_base(board) + 0x180);
    qtest_clock_step(qts, 1000 * 1000);
    t1 = qtest_readq(qts, intpu_base(board) + 0x180);
    g_assert_cmpuint(t1 - t0, ==, 25000);
    qtest_quit(qts);
}

/*
 * An II_REQ word stored to the INTPU (what the HMcode's sendii does)
 * latches II0 (type 0) or II1 (type 1) in the target CPU's INT_STAT,
 * and nothing else; a word without VALID, or for a CPU that does not
 * exist, is ignored.  Nothing but the CPU's INT_CLR clears the bits.
 */
static void test_ipi(const void *data)
{
    const char *board = data;
    QTestState *qts = qtest_initf("-M %s -smp 3", board);
    g_autofree char *regs = NULL;

    qtest_writeq(qts, intpu_base(board), II_REQ_VALID | 2);
    regs = stack_cpu_regs(qts, 2);
    g_assert_nonnull(strstr(regs, "INT_STAT 0000000000000040"));
    g_free(regs);
    regs = stack_cpu_regs(qts, 1);
    g_assert_nonnull(strstr(regs, "INT_STAT 0000000000000000"));
    g_free(regs);
    qtest_writeq(qts, intpu_base(board), II_REQ_VALID | II_REQ_TYPE_II1 | 2);
    qtest_writeq(qts, intpu_base(board), 1);
    qtest_writeq(qts, intpu_base(board), II_REQ_VALID | 3);
    regs = stack_cpu_regs(qts, 2);
    g_assert_nonnull(strstr(regs, "INT_STAT 00000000000000c0"));
    g_free(regs);
    regs = stack_cpu_regs(qts, 1);
    g_assert_nonnull(strstr(regs, "INT_STAT 0000000000000000"));
    g_free(regs);
    /* the INTPU is at core3's address on both boards (core4: an alias) */
    qtest_writeq(qts, INTPU_CORE3, II_REQ_VALID | 1);
    regs = stack_cpu_regs(qts, 1);
    g_assert_nonnull(strstr(regs, "INT_STAT 0000000000000040"));
    qtest_quit(qts);
}

/*
 * system_powerdown: the GED reports the event.  Its line has no
 * INT_STAT bit outside KVM (as in the vendor's emulator, notes §10.12).
 */
static void test_ged_powerdown(const void *data)
{
    QTestState *qts = qtest_initf("-M %s", (const char *)data);
    g_autofree char *regs = NULL;

    qtest_qmp_assert_success(qts, "{ 'execute': 'system_powerdown' }");
    g_assert_cmphex(qtest_readl(qts, GED_EVT_SEL), ==, 0x2);
    regs = stack_cpu_regs(qts, 0);
    g_assert_nonnull(strstr(regs, "INT_STAT 0000000000000000"));
    qtest_quit(qts);
}

/* vendor:device of the devices on bus 0 (devfn << 32 | id), from QMP */
static GArray *pci_ids(QTestState *qts)
{
    GArray *ids = g_array_new(false, false, sizeof(uint64_t));
    QDict *resp = qtest_qmp(qts, "{ 'execute': 'query-pci' }");
    QListEntry *e;

    QLIST_FOREACH_ENTRY(qdict_get_qlist(qobject_to(QDict, qlist_peek(
                            qdict_get_qlist(resp, "return"))), "devices"), e) {
        QDict *d = qobject_to(QDict, qlist_entry_obj(e));
        QDict *id = qdict_get_qdict(d, "id");
        uint64_t v = (uint64_t)(qdict_get_int(d, "slot") << 3 |
                                qdict_get_int(d, "function")) << 32 |
                     qdict_get_int(id, "vendor") << 16 |
                     qdict_get_int(id, "device");

        g_array_append_val(ids, v);
    }
    qobject_unref(resp);
    return ids;
}

/* Whether IDS has VENDOR:DEVICE (at DEVFN, unless it is -1) */
static bool has_pci(GArray *ids, uint32_t vendev, int devfn)
{
    guint i;

    for (i = 0; i < ids->len; i++) {
        uint64_t v = g_array_index(ids, uint64_t, i);

        if ((uint32_t)v == vendev && (devfn < 0 || v >> 32 == devfn)) {
            return true;
        }
    }
    return false;
}

/*
 * The default devices, the vendor's set, which its UEFI drives (notes
 * §5.1, §11): ICH9 AHCI at 00:1f.0 always, where -drive attaches;
 * Cirrus VGA and the NEC xHCI unless -nodefaults; -nic is an e1000.
 */
static void test_default_devices(const void *data)
{
    g_autofree char *disk = NULL;
    int fd = g_file_open_tmp("sw64-disk-XXXXXX", &disk, NULL);
    g_autofree char *qtree = NULL;
    const char *ahci, *port0;
    QTestState *qts;
    GArray *ids;

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(ftruncate(fd, 1 << 20), ==, 0);
    close(fd);
    qts = qtest_initf("-M %s -nic user -drive file=%s,format=raw,id=d0",
                      (const char *)data, disk);
    ids = pci_ids(qts);
    g_assert_true(has_pci(ids, 0x80862922, 0x1f << 3));
    g_assert_true(has_pci(ids, 0x101300b8, -1));
    g_assert_true(has_pci(ids, 0x10330194, -1));
    g_assert_true(has_pci(ids, 0x8086100e, -1));
    g_array_free(ids, true);
    /* the drive is a disk on the AHCI's first port */
    qtree = qtest_hmp(qts, "info qtree");
    ahci = strstr(qtree, "dev: ich9-ahci");
    g_assert_nonnull(ahci);
    port0 = strstr(ahci, "bus: ide.0");
    g_assert_nonnull(port0);
    g_assert_true(g_str_has_prefix(strstr(port0, "dev: "), "dev: ide-hd"));
    g_assert_nonnull(strstr(port0, "drive = \"d0\""));
    qtest_quit(qts);

    qts = qtest_initf("-M %s -nodefaults", (const char *)data);
    ids = pci_ids(qts);
    g_assert_true(has_pci(ids, 0x80862922, 0x1f << 3));
    g_assert_false(has_pci(ids, 0x101300b8, -1));
    g_assert_false(has_pci(ids, 0x10330194, -1));
    g_array_free(ids, true);
    qtest_quit(qts);
    unlink(disk);
}

/* One gdb remote-protocol exchange: send PKT, return the reply's payload */
static char *gdb_exchange(int fd, const char *pkt)
{
    g_autofree char *msg = NULL;
    GString *in = g_string_new(NULL);
    unsigned int sum = 0;
    const char *p, *start, *hash;
    char c;

    for (p = pkt; *p; p++) {
        sum += (unsigned char)*p;
    }
    msg = g_strdup_printf("$%s#%02x", pkt, sum & 0xff);
    g_assert_cmpint(write(fd, msg, strlen(msg)), ==, strlen(msg));
    for (;;) {
        g_assert_cmpint(read(fd, &c, 1), ==, 1);
        g_string_append_c(in, c);
        start = strchr(in->str, '$');
        hash = start ? strchr(start, '#') : NULL;
        if (hash && strlen(hash) == 3) {
            break;
        }
    }
    g_assert_cmpint(write(fd, "+", 1), ==, 1);
    return g_strndup(start + 1, hash - start - 1);
}

/* The whole of qXfer object ANNEX, read in as many packets as it takes */
static char *gdb_xfer(int fd, const char *annex)
{
    GString *all = g_string_new(NULL);

    for (;;) {
        g_autofree char *pkt = g_strdup_printf("qXfer:features:read:%s:%zx,"
                                               "800", annex, all->len);
        g_autofree char *reply = gdb_exchange(fd, pkt);

        g_assert_true(reply[0] == 'm' || reply[0] == 'l');
        g_string_append(all, reply + 1);
        if (reply[0] == 'l') {
            return g_string_free(all, false);
        }
    }
}

/*
 * The gdbstub in the numbering of the vendor's gdb and Linux's ptrace
 * (notes §9; arch/sw_64 uapi/asm/ptrace.h PT_REG 0-30, PT_FPREG 32-62,
 * PT_FPCR 63, PT_PC 64), feature org.gnu.gdb.sw_64.cpu: the XML, the
 * g packet (65 registers), a breakpoint where pc (64), r26 (the ABI's
 * ra), f0 (32) and the FPCR (63) read back what the program left, and
 * writes, HMcode mode's own r1 among them.  The protocol is spoken
 * here.
 */
static void test_gdbstub(void)
{
    const uint32_t prog[] = {
        enc_mem(OP_LDI, 26, 0x1234, R_ZERO),
        enc_fp(FP_IFMOVD, 26, 31, 0),
        enc_br(OP_BR, R_ZERO, -1),          /* the breakpoint, 0x10008 */
    };
    uint8_t code[sizeof(prog)];
    g_autofree char *elf = NULL;
    g_autofree char *dir = g_dir_make_tmp("sw64-gdb-XXXXXX", NULL);
    g_autofree char *sock = g_strdup_printf("%s/gdb.sock", dir);
    g_autofree char *xml = NULL;
    g_autofree char *core = NULL;
    g_autofree char *regs = NULL;
    g_autofree char *stop = NULL;
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    QTestState *qts;
    const char *p;
    int fd, i, n = 0;

    for (i = 0; i < ARRAY_SIZE(prog); i++) {
        stl_le_p(code + 4 * i, prog[i]);
    }
    elf = write_elf(EM_SW64, 0x10000, code, sizeof(code));
    qts = qtest_initf("-M core3 -accel tcg -S -bios %s "
                      "-chardev socket,id=g0,path=%s,server=on,wait=off "
                      "-gdb chardev:g0", elf, sock);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    g_assert_cmpint(fd, >=, 0);
    g_strlcpy(addr.sun_path, sock, sizeof(addr.sun_path));
    g_assert_cmpint(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), ==,
                    0);
    g_free(gdb_exchange(fd, "qSupported:xmlRegisters=i386"));
    xml = gdb_xfer(fd, "target.xml");
    g_assert_nonnull(strstr(xml, "<xi:include href=\"sw64-core.xml\"/>"));
    core = gdb_xfer(fd, "sw64-core.xml");
    g_assert_nonnull(strstr(core, "<feature name=\"org.gnu.gdb.sw_64.cpu\">"));
    for (p = core; (p = strstr(p, "<reg ")); p++) {
        n++;
    }
    g_assert_cmpint(n, ==, 65);
    g_assert_nonnull(strstr(core, "<reg name=\"ra\" bitsize=\"64\" "
                                  "type=\"code_ptr\" regnum=\"26\"/>"));
    g_assert_nonnull(strstr(core, "<reg name=\"f0\" bitsize=\"64\" "
                                  "type=\"ieee_double\" regnum=\"32\"/>"));
    g_assert_nonnull(strstr(core, "<reg name=\"pc\" bitsize=\"64\" "
                                  "type=\"code_ptr\" regnum=\"64\"/>"));
    /* 65 registers of 8 bytes; pc, the last, is the -bios entry */
    regs = gdb_exchange(fd, "g");
    g_assert_cmpint(strlen(regs), ==, 65 * 16);
    g_assert_cmpstr(regs + 64 * 16, ==, "0000010000000000");
    g_free(regs);

    /* run to the breakpoint */
    g_free(gdb_exchange(fd, "Z0,10008,4"));
    stop = gdb_exchange(fd, "c");
    g_assert_cmpint(stop[0], ==, 'T');
    regs = gdb_exchange(fd, "p40");
    g_assert_cmpstr(regs, ==, "0800010000000000");
    g_free(regs);
    regs = gdb_exchange(fd, "p1a");
    g_assert_cmpstr(regs, ==, "3412000000000000");
    g_free(regs);
    regs = gdb_exchange(fd, "p20");
    g_assert_cmpstr(regs, ==, "3412000000000000");
    g_free(regs);
    regs = gdb_exchange(fd, "p3f");             /* the FPCR's reset value */
    g_assert_cmpstr(regs, ==, "0000000000800e68");
    g_free(regs);

    /*
     * Writes.  The CPU is in HMcode mode: r1 is HMcode's own (H01 in
     * info registers), r3 is shared
     */
    g_free(gdb_exchange(fd, "P1=2211000000000000"));
    g_free(gdb_exchange(fd, "P3=4433000000000000"));
    g_free(gdb_exchange(fd, "P21=0000000000000840"));  /* f1 = 3.0 */
    g_free(gdb_exchange(fd, "P3f=0000000000000e60"));  /* FPCR: DYN 0 */
    regs = gdb_exchange(fd, "p3f");
    g_assert_cmpstr(regs, ==, "0000000000000e60");
    g_free(regs);
    regs = gdb_exchange(fd, "p41");             /* 65, PT_TP: not served */
    g_assert_cmpint(regs[0], ==, 'E');
    g_free(regs);
    regs = gdb_exchange(fd, "g");
    g_assert_cmpint(strncmp(regs + 1 * 16, "2211000000000000", 16), ==, 0);
    g_assert_cmpint(strncmp(regs + 3 * 16, "4433000000000000", 16), ==, 0);
    g_assert_cmpint(strncmp(regs + 33 * 16, "0000000000000840", 16), ==, 0);
    g_free(regs);
    regs = stack_cpu_regs(qts, 0);
    g_assert_nonnull(strstr(regs, "H01/t0   0000000000001122"));
    g_assert_nonnull(strstr(regs, "R01/t0   0000000000000000"));
    g_assert_nonnull(strstr(regs, "R03/t2   0000000000003344"));
    close(fd);
    qtest_quit(qts);
    unlink(sock);
    rmdir(dir);
    unlink(elf);
}

/* -cpu help lists both models */
static void test_cpu_help(void)
{
    g_autofree char *out = NULL;
    g_autofree char *cmd = g_strdup_printf("%s -cpu help",
                                           g_getenv("QTEST_QEMU_BINARY"));
    int status;

    g_assert_true(g_spawn_command_line_sync(cmd, &out, NULL, &status, NULL));
    g_assert_cmpint(status, ==, 0);
    g_assert_nonnull(strstr(out, "\n  core3\n"));
    g_assert_nonnull(strstr(out, "\n  core4\n"));
}

/* Wait for job JOB to conclude, and assert it did not fail */
static void wait_job(QTestState *qts, const char *job)
{
    for (;;) {
        QDict *rsp = qtest_qmp(qts, "{ 'execute': 'query-jobs' }");
        QListEntry *e;
        bool done = false;

        QLIST_FOREACH_ENTRY(qdict_get_qlist(rsp, "return"), e) {
            QDict *j = qobject_to(QDict, qlist_entry_obj(e));

            if (!strcmp(qdict_get_str(j, "id"), job) &&
                !strcmp(qdict_get_str(j, "status"), "concluded")) {
                g_assert_false(qdict_haskey(j, "error"));
                done = true;
            }
        }
        qobject_unref(rsp);
        if (done) {
            break;
        }
        g_usleep(10 * 1000);
    }
    qtest_qmp_assert_success(qts, "{ 'execute': 'job-dismiss', "
                             "'arguments': { 'id': %s } }", job);
}

/*
 * savevm/loadvm (snapshot-save/-load into a qcow2 made here): the
 * registers come back.  The state saved differs from reset in the PC
 * (-bios entry) and a pending IPI; after the snapshot the machine is
 * reset, which clears both, so only loadvm can bring them back.
 */
static void test_savevm_loadvm(void)
{
    static const uint8_t code[4];
    g_autofree char *elf = write_elf(EM_SW64, 0x10000, code, sizeof(code));
    g_autofree char *img = NULL;
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;
    QTestState *qts;
    int fd = g_file_open_tmp("sw64-snap-XXXXXX", &img, NULL);

    g_assert_cmpint(fd, >=, 0);
    close(fd);
    qts = qtest_initf("-M core3 -smp 2 -bios %s -blockdev driver=file,"
                      "filename=%s,node-name=f", elf, img);
    qtest_qmp_assert_success(qts, "{ 'execute': 'blockdev-create', "
                             "'arguments': { 'job-id': 'c', 'options': { "
                             "'driver': 'qcow2', 'file': 'f', "
                             "'size': 1048576 } } }");
    wait_job(qts, "c");
    qtest_qmp_assert_success(qts, "{ 'execute': 'blockdev-add', 'arguments':"
                             " { 'driver': 'qcow2', 'node-name': 'q', "
                             "'file': 'f' } }");
    qtest_writeq(qts, intpu_base("core3"), II_REQ_VALID | 1);
    before = stack_cpu_regs(qts, 1);
    g_assert_nonnull(strstr(before, "INT_STAT 0000000000000040"));
    qtest_qmp_assert_success(qts, "{ 'execute': 'snapshot-save', "
                             "'arguments': { 'job-id': 's', 'tag': 't1', "
                             "'vmstate': 'q', 'devices': [ 'q' ] } }");
    wait_job(qts, "s");

    qtest_qmp_assert_success(qts, "{ 'execute': 'system_reset' }");
    after = stack_cpu_regs(qts, 1);
    g_assert_cmpstr(after, !=, before);
    g_free(after);

    qtest_qmp_assert_success(qts, "{ 'execute': 'snapshot-load', "
                             "'arguments': { 'job-id': 'l', 'tag': 't1', "
                             "'vmstate': 'q', 'devices': [ 'q' ] } }");
    wait_job(qts, "l");
    after = stack_cpu_regs(qts, 1);
    g_assert_cmpstr(after, ==, before);
    qtest_quit(qts);
    unlink(img);
    unlink(elf);
}

static void test_cpu_models(void)
{
    QTestState *qts = qtest_init("-M core3");
    QDict *resp = qtest_qmp(qts, "{ 'execute': 'query-cpu-definitions' }");
    QList *defs = qdict_get_qlist(resp, "return");
    QListEntry *e;
    int found = 0;

    QLIST_FOREACH_ENTRY(defs, e) {
        QDict *d = qobject_to(QDict, qlist_entry_obj(e));
        const char *name = qdict_get_str(d, "name");

        if (!strcmp(name, "core3") || !strcmp(name, "core4")) {
            g_assert_cmpstr(qdict_get_str(d, "typename"), ==,
                            !strcmp(name, "core3") ? "core3-sw64-cpu" :
                            "core4-sw64-cpu");
            found++;
        }
    }
    g_assert_cmpint(found, ==, 2);
    qobject_unref(resp);
    /* each board takes only its own core */
    qtest_quit(qts);
    g_free(stack_startup_error(NULL, "-accel qtest -M core3 -cpu core4",
        "Invalid CPU model: core4", false));
}

int main(int argc, char **argv)
{
    int i;

    g_test_init(&argc, &argv, NULL);
    for (i = 0; i < ARRAY_SIZE(boards); i++) {
        const char *b = boards[i];

#define ADD(name, fn) \
        do { \
            g_autofree char *p = g_strdup_printf("%s/" name, b); \
            qtest_add_data_func(p, b, fn); \
        } while (0)
        ADD("uart", test_uart);
        ADD("rtc", test_rtc);
        ADD("smp", test_smp);
        ADD("mcu-smp-info", test_mcu_smp_info);
        ADD("fw_cfg", test_fw_cfg);
        ADD("pcie", test_pcie);
        ADD("pcie-windows", test_pcie_windows);
        ADD("pci-intx", test_pci_intx);
        ADD("msi", test_msi);
        ADD("kernel-boot-data", test_kernel_boot_data);
        ADD("kernel-dtb", test_kernel_dtb);
        ADD("bios-entry", test_bios_entry);
        ADD("migrate-registers", test_migrate_registers);
        ADD("tcg-all-cpus-run", test_tcg_all_cpus_run);
        ADD("ipi", test_ipi);
        ADD("time-base", test_time_base);
        ADD("migrate-timer", test_migrate_timer);
        ADD("firmware-path", test_firmware_path);
        ADD("ged-powerdown", test_ged_powerdown);
        ADD("default-devices", test_default_devices);
#undef ADD
    }
    qtest_add_func("core4/smp-above-64", test_smp_core4_above_64);
    qtest_add_func("smp-limit", test_smp_limit);
    qtest_add_func("boot-errors", test_boot_errors);
    qtest_add_func("cpu-models", test_cpu_models);
    qtest_add_func("cpu-help", test_cpu_help);
    qtest_add_func("gdbstub", test_gdbstub);
    qtest_add_func("savevm-loadvm", test_savevm_loadvm);
    return g_test_run();
}
