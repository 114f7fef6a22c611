/*
 * QTest: an x86 machine runs guest code from its reset vector and prints
 * over the 16550 UART
 *
 * Upstream's boot-serial-test has no x86 case since the sgabios device was
 * removed; this is its x86 counterpart.  A 64 KiB image given as -bios holds
 * a real-mode loop that writes a string to COM1 (0x3f8) and halts.  It runs on
 * pc and q35 under TCG, and under KVM where /dev/kvm is usable.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "libqtest.h"

#define BIOS_SIZE (64 * 1024)
#define EXPECT "x86 boot serial OK"

static const uint8_t bios_code[] = {
    0xfc,                   /* 0x00: cld */
    0xba, 0xf8, 0x03,       /* 0x01: mov dx, 0x3f8 */
    0xbe, 0x13, 0x00,       /* 0x04: mov si, msg (0x13) */
    0x2e, 0xac,             /* 0x07: loop: cs lodsb */
    0x84, 0xc0,             /* 0x09: test al, al */
    0x74, 0x03,             /* 0x0b: jz done */
    0xee,                   /* 0x0d: out dx, al */
    0xeb, 0xf7,             /* 0x0e: jmp loop */
    0xf4,                   /* 0x10: done: hlt */
    0xeb, 0xfd,             /* 0x11: jmp done */
    /* 0x13: msg */
    'x', '8', '6', ' ', 'b', 'o', 'o', 't', ' ', 's', 'e', 'r', 'i', 'a',
    'l', ' ', 'O', 'K', '\r', '\n', 0,
};

/* At 0xfff0, where the CPU starts (CS base 0xffff0000): jmp 0x0000 */
static const uint8_t reset_vector[] = { 0xe9, 0x0d, 0x00 };

typedef struct {
    const char *machine;
    const char *accel;
} TestCase;

static const TestCase cases[] = {
    { "pc", "tcg" }, { "q35", "tcg" }, { "pc", "kvm" }, { "q35", "kvm" },
};

static bool wait_for_output(QTestState *qts, const char *path)
{
    gint64 deadline = g_get_monotonic_time() + 60 * G_USEC_PER_SEC;

    while (g_get_monotonic_time() < deadline) {
        g_autofree char *out = NULL;

        if (g_file_get_contents(path, &out, NULL, NULL) && strstr(out, EXPECT)) {
            return true;
        }
        if (!qtest_probe_child(qts)) {
            return false;
        }
        g_usleep(10000);
    }
    return false;
}

static void test_boot_serial(const void *data)
{
    const TestCase *tc = data;
    g_autofree uint8_t *bios = g_malloc0(BIOS_SIZE);
    g_autofree char *bios_path = NULL;
    g_autofree char *serial_path = NULL;
    QTestState *qts;
    int fd;

    memcpy(bios, bios_code, sizeof(bios_code));
    memcpy(bios + BIOS_SIZE - 16, reset_vector, sizeof(reset_vector));
    fd = g_file_open_tmp("qtest-x86-boot-serial-bXXXXXX", &bios_path, NULL);
    g_assert(fd != -1);
    g_assert_cmpint(write(fd, bios, BIOS_SIZE), ==, BIOS_SIZE);
    close(fd);
    fd = g_file_open_tmp("qtest-x86-boot-serial-sXXXXXX", &serial_path, NULL);
    g_assert(fd != -1);
    close(fd);

    qts = qtest_initf("-M %s -accel %s -nodefaults -bios %s "
                      "-chardev file,id=serial0,path=%s -serial chardev:serial0",
                      tc->machine, tc->accel, bios_path, serial_path);
    unlink(bios_path);
    if (!wait_for_output(qts, serial_path)) {
        g_autofree char *out = NULL;

        g_file_get_contents(serial_path, &out, NULL, NULL);
        g_error("%s/%s: no '%s' on the serial port; got '%s'",
                tc->machine, tc->accel, EXPECT, out ? out : "");
    }
    unlink(serial_path);
    qtest_quit(qts);
}

int main(int argc, char **argv)
{
    size_t i;

    g_test_init(&argc, &argv, NULL);
    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *name = g_strdup_printf("x86-boot-serial/%s/%s",
                                                cases[i].machine,
                                                cases[i].accel);

        if (!qtest_has_machine(cases[i].machine)) {
            continue;
        }
        if (!qtest_has_accel(cases[i].accel)) {
            g_test_message("skipping %s: accelerator %s is not usable here",
                           name, cases[i].accel);
            continue;
        }
        qtest_add_data_func(name, &cases[i], test_boot_serial);
    }
    return g_test_run();
}
