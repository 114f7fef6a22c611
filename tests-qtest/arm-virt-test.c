/*
 * QTest: the aarch64 virt board of this stack (patches/arm/), over QMP
 *
 * virt-10.0-kvmport1 is "virt" and has the stack's defaults: default CPU
 * max (reported as default-cpu-type), the highest GIC the accelerator
 * has. virt-10.0 and older keep upstream's (cortex-a15, GICv2 up to 8
 * CPUs). On every type, an arm64 kernel Image for a CPU without AArch64
 * and more PCI buses than the ECAM has bus numbers are startup errors.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bitops.h"
#include "qemu/bswap.h"
#include "libqtest.h"
#include "stack-qtest.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "qobject/qstring.h"

/* "virt" is the stack's type; upstream's types report upstream's CPU */
static void test_machine_types(void)
{
    static const struct {
        const char *machine;
        const char *cpu;
    } types[] = {
        { "virt-10.0-kvmport1", "max-arm-cpu" },
        { "virt-10.0", "cortex-a15-arm-cpu" },
        { "virt-9.2", "cortex-a15-arm-cpu" },
        { "virt-2.12", "cortex-a15-arm-cpu" },
    };
    QTestState *qts = qtest_init("-machine none");
    g_autofree char *virt = NULL;
    bool is_default = true;
    int i;

    virt = stack_machine_of_alias(qts, "virt", &is_default);
    g_assert_cmpstr(virt, ==, "virt-10.0-kvmport1");
    g_assert_false(is_default);
    for (i = 0; i < ARRAY_SIZE(types); i++) {
        QDict *m = stack_machine_info(qts, types[i].machine);

        g_assert_nonnull(m);
        g_assert_cmpstr(qdict_get_try_str(m, "default-cpu-type"), ==,
                        types[i].cpu);
        qobject_unref(m);
    }
    qtest_quit(qts);
}

static char *qom_get_str(QTestState *qts, const char *path, const char *prop)
{
    QDict *resp = qtest_qmp(qts, "{ 'execute': 'qom-get', 'arguments':"
                            " { 'path': %s, 'property': %s } }", path, prop);
    char *s = g_strdup(qdict_get_str(resp, "return"));

    qobject_unref(resp);
    return s;
}

/* The QOM type of the first vCPU */
static char *first_cpu_type(QTestState *qts)
{
    QDict *resp = qtest_qmp(qts, "{ 'execute': 'query-cpus-fast' }");
    QDict *cpu = qobject_to(QDict, qlist_peek(qdict_get_qlist(resp,
                                                              "return")));
    char *type = qom_get_str(qts, qdict_get_str(cpu, "qom-path"), "type");

    qobject_unref(resp);
    return type;
}

/* The realized CPU and GIC of each type, without -cpu and gic-version */
static void test_defaults(void)
{
    static const struct {
        const char *args;
        const char *cpu;
        const char *gic;
    } cases[] = {
        { "-M virt", "max-arm-cpu", "3" },
        { "-M virt-10.0-kvmport1 -smp 2", "max-arm-cpu", "3" },
        { "-M virt,virtualization=on", "max-arm-cpu", "4" },
        { "-M virt,gic-version=2", "max-arm-cpu", "2" },
        { "-M virt -cpu cortex-a57", "cortex-a57-arm-cpu", "3" },
        { "-M virt-10.0", "cortex-a15-arm-cpu", "2" },
        { "-M virt-10.0 -smp 8", "cortex-a15-arm-cpu", "2" },
        { "-M virt-10.0 -smp 9", "cortex-a15-arm-cpu", "3" },
        { "-M virt-9.2", "cortex-a15-arm-cpu", "2" },
    };
    int i;

    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        QTestState *qts = qtest_initf("%s -accel tcg", cases[i].args);
        g_autofree char *cpu = first_cpu_type(qts);
        g_autofree char *gic = qom_get_str(qts, "/machine", "gic-version");

        g_test_message("%s: CPU %s, GIC %s", cases[i].args, cpu, gic);
        g_assert_cmpstr(cpu, ==, cases[i].cpu);
        g_assert_cmpstr(gic, ==, cases[i].gic);
        qtest_quit(qts);
    }
}

/* The kinds of arm64 kernel the 32-bit boot path must recognise */
typedef enum {
    IMAGE_RAW,      /* an Image: "ARM\x64" at offset 56 */
    IMAGE_GZIP,     /* the same, gzipped, as distributions ship it */
    IMAGE_ZBOOT,    /* EFI zboot: "MZ", "zimg", PE machine 0xaa64 */
    IMAGE_UIMAGE,   /* a uImage whose ih_arch is IH_ARCH_ARM64 (22) */
    IMAGE_ARM32,    /* none of these: a 32-bit raw image, not refused */
} ImageKind;

/*
 * A file with the header of KIND (Documentation/arch/arm64/booting.rst,
 * drivers/firmware/efi/libstub/zboot-header.S, U-Boot's image.h).
 */
static char *make_arm64_image(ImageKind kind)
{
    g_autofree char *dir = g_dir_make_tmp("arm-virt-test-XXXXXX", NULL);
    char *path = g_build_filename(dir, kind == IMAGE_GZIP ? "Image.gz" :
                                  "Image", NULL);
    g_autofree char *raw = g_build_filename(dir, "Image", NULL);
    uint8_t image[4096] = { 0 };

    g_assert_nonnull(dir);
    switch (kind) {
    case IMAGE_RAW:
    case IMAGE_GZIP:
        memcpy(image + 56, "ARM\x64", 4);
        break;
    case IMAGE_ZBOOT:
        memcpy(image, "MZ", 2);
        memcpy(image + 4, "zimg", 4);
        stl_le_p(image + 0x3c, 0x40);
        memcpy(image + 0x40, "PE\0\0", 4);
        stw_le_p(image + 0x44, 0xaa64);
        break;
    case IMAGE_UIMAGE:
        stl_be_p(image, 0x27051956);
        image[29] = 22;
        break;
    case IMAGE_ARM32:
        memcpy(image + 0x24, "\x18\x28\x6f\x01", 4); /* zImage magic */
        break;
    }
    g_assert_true(g_file_set_contents(raw, (char *)image, sizeof(image),
                                      NULL));
    if (kind == IMAGE_GZIP) {
        g_autofree char *cmd = g_strdup_printf("gzip %s", raw);
        int status;

        g_assert_true(g_spawn_command_line_sync(cmd, NULL, NULL, &status,
                                                NULL));
        g_assert_cmpint(status, ==, 0);
    }
    return path;
}

static void remove_image(const char *path)
{
    g_autofree char *dir = g_path_get_dirname(path);

    unlink(path);
    rmdir(dir);
}

/* An arm64 kernel for a 32-bit CPU: an error naming a CPU that runs it */
static void test_aarch64_image_error(void)
{
    static const char *const refused[] = {
        "-M virt-10.0", "-M virt -cpu cortex-a15", "-M virt-9.2 -cpu cortex-a7",
    };
    ImageKind kind;
    int i;

    for (kind = IMAGE_RAW; kind <= IMAGE_UIMAGE; kind++) {
        g_autofree char *image = make_arm64_image(kind);

        for (i = 0; i < ARRAY_SIZE(refused); i++) {
            g_autofree char *args = g_strdup_printf("%s -kernel %s",
                                                    refused[i], image);
            g_autofree char *cpu = g_strdup(strstr(refused[i], "-cpu ") ?
                                            strstr(refused[i], "-cpu ") + 5 :
                                            "cortex-a15");
            g_autofree char *want = g_strdup_printf(
                "kernel '%s' is an arm64 (AArch64) Linux kernel, but CPU '%s' "
                "has no AArch64 state to run it", image, cpu);
            g_autofree char *err = NULL;

            g_test_message("image kind %d", kind);
            err = stack_startup_error(NULL, args, want, false);
            g_assert_nonnull(strstr(err, "\nUse a 64-bit CPU: -cpu max"));
        }
        /* A 64-bit CPU loads a raw or gzipped Image */
        if (kind <= IMAGE_GZIP) {
            qtest_quit(qtest_initf("-M virt-10.0 -cpu max -kernel %s",
                                   image));
            qtest_quit(qtest_initf("-M virt -kernel %s", image));
        }
        remove_image(image);
    }
    /* A 32-bit kernel still loads on a 32-bit CPU */
    {
        g_autofree char *image = make_arm64_image(IMAGE_ARM32);

        qtest_quit(qtest_initf("-M virt-10.0 -kernel %s", image));
        remove_image(image);
    }
}

/*
 * The pointer-authentication algorithm of the realized vCPU, read by the
 * guest itself: an arm64 Image (booting.rst header, loaded at RAM + 0x80000
 * as image_size is 0) whose code reads ID_AA64ISAR1_EL1 and
 * ID_AA64ISAR2_EL1 and stores them with a done word at image offset 0x100.
 */
#define PAUTH_IMAGE_LOAD    0x40080000ULL
#define PAUTH_RESULT        0x100

static char *make_pauth_image(void)
{
    static const uint32_t code[] = {
        0xd5380621,     /* 0x40: mrs x1, id_aa64isar1_el1 */
        0xd5380642,     /* 0x44: mrs x2, id_aa64isar2_el1 */
        0x100005c3,     /* 0x48: adr x3, 0x100 */
        0xa9000861,     /* 0x4c: stp x1, x2, [x3] */
        0xd5033bbf,     /* 0x50: dmb ish (the values before the done word) */
        0xd2800024,     /* 0x54: mov x4, #1 */
        0xf9000864,     /* 0x58: str x4, [x3, #16] */
        0x14000000,     /* 0x5c: b . */
    };
    g_autofree char *dir = g_dir_make_tmp("arm-virt-test-XXXXXX", NULL);
    char *path;
    uint8_t image[4096] = { 0 };
    int i;

    g_assert_nonnull(dir);
    path = g_build_filename(dir, "Image", NULL);
    stl_le_p(image, 0x14000010);            /* code0: b 0x40 */
    memcpy(image + 56, "ARM\x64", 4);
    for (i = 0; i < ARRAY_SIZE(code); i++) {
        stl_le_p(image + 0x40 + 4 * i, code[i]);
    }
    g_assert_true(g_file_set_contents(path, (char *)image, sizeof(image),
                                      NULL));
    return path;
}

typedef struct {
    unsigned apa, api, apa3;    /* 0: that algorithm is not the one */
} PauthAlgo;

static PauthAlgo pauth_algo(const char *args, const char *image)
{
    QTestState *qts = qtest_initf("%s -accel tcg -m 256 -kernel %s",
                                  args, image);
    gint64 deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
    uint64_t base = PAUTH_IMAGE_LOAD + PAUTH_RESULT, isar1, isar2;
    PauthAlgo a;

    while (qtest_readq(qts, base + 16) != 1) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(10 * 1000);
    }
    isar1 = qtest_readq(qts, base);
    isar2 = qtest_readq(qts, base + 8);
    qtest_quit(qts);
    /* ID_AA64ISAR1: APA 7:4, API 11:8, GPA 27:24, GPI 31:28 */
    a.apa = extract64(isar1, 4, 4);
    a.api = extract64(isar1, 8, 4);
    /* ID_AA64ISAR2: GPA3 11:8, APA3 15:12 */
    a.apa3 = extract64(isar2, 12, 4);
    g_test_message("%s: ISAR1 0x%016" PRIx64 " ISAR2 0x%016" PRIx64
                   " APA %u API %u APA3 %u", args, isar1, isar2, a.apa,
                   a.api, a.apa3);
    /* the generic-authentication field of the same algorithm, and no other */
    g_assert_cmpuint(extract64(isar1, 24, 4), ==, !!a.apa);
    g_assert_cmpuint(extract64(isar1, 28, 4), ==, !!a.api);
    g_assert_cmpuint(extract64(isar2, 8, 4), ==, !!a.apa3);
    g_assert_cmpuint(!!a.apa + !!a.api + !!a.apa3, <=, 1);
    return a;
}

/*
 * Under TCG the default CPU of the stack's type authenticates pointers
 * with QEMU's IMPLEMENTATION DEFINED algorithm (API), the cheapest one
 * (target/arm/tcg/pauth_helper.c, pauth_computepac_impdef: one xxhash),
 * which upstream made the default of -cpu max in 10.0; virt-9.2 and older
 * keep QARMA5 (hw_compat_9_2's backcompat-pauth-default-use-qarma5). An
 * explicit -cpu property wins on every type.
 */
static void test_pauth(void)
{
    g_autofree char *image = make_pauth_image();
    PauthAlgo impdef = pauth_algo("-M virt", image);
    PauthAlgo a;

    g_assert_cmpuint(impdef.api, >, 0);
    a = pauth_algo("-M virt-10.0 -cpu max", image);
    g_assert_cmpuint(a.api, ==, impdef.api);
    a = pauth_algo("-M virt-9.2 -cpu max", image);
    g_assert_cmpuint(a.apa, ==, impdef.api);
    a = pauth_algo("-M virt -cpu max,pauth-qarma5=on", image);
    g_assert_cmpuint(a.apa, ==, impdef.api);
    a = pauth_algo("-M virt -cpu max,pauth-qarma3=on", image);
    g_assert_cmpuint(a.apa3, ==, impdef.api);
    a = pauth_algo("-M virt-9.2 -cpu max,pauth-impdef=on", image);
    g_assert_cmpuint(a.api, ==, impdef.api);
    a = pauth_algo("-M virt -cpu max,pauth=off", image);
    g_assert_cmpuint(a.apa + a.api + a.apa3, ==, 0);
    /* a model without FEAT_PAuth */
    a = pauth_algo("-M virt -cpu cortex-a57", image);
    g_assert_cmpuint(a.apa + a.api + a.apa3, ==, 0);
    remove_image(image);
}

/*
 * -device options for pcie-root-port FROM to TO - 1, 8 functions per slot
 * from slot 2 (slot 1 is the default NIC's)
 */
static GString *root_ports(GString *args, int from, int to)
{
    int i;

    for (i = from; i < to; i++) {
        g_string_append_printf(args, " -device pcie-root-port,id=rp%d,"
                               "chassis=%d,bus=pcie.0,addr=%d.%d%s", i, i + 1,
                               2 + i / 8, i % 8,
                               i % 8 ? "" : ",multifunction=on");
    }
    return args;
}

/*
 * Bus 0 and one bus per root port or bridge: 16 buses in the low ECAM
 * (virt-2.12 and older, or highmem-ecam=off), 256 in the high one.
 */
static void test_pci_bus_limit(void)
{
    g_autoptr(GString) args = g_string_new("-M virt-10.0,highmem-ecam=off");
    g_autofree char *err = NULL;
    QTestState *qts;

    /* 15 root ports fit, 16 do not */
    root_ports(args, 0, 15);
    qts = qtest_init(args->str);
    qtest_quit(qts);
    root_ports(args, 15, 16);
    err = stack_startup_error(NULL, args->str,
        "virt-10.0: 17 PCI buses (bus 0 and one behind each of 16 root ports "
        "and bridges, 16 of them pcie-root-port) need more bus numbers than "
        "the PCIe ECAM of this machine has: 16", false);
    g_assert_nonnull(strstr(err, "\nUse at most 15 root ports and bridges, "
                            "or highmem-ecam=on (256 buses: up to 255"));

    /* Bridges behind root ports count too */
    g_string_assign(args, "-M virt-10.0,highmem-ecam=off");
    root_ports(args, 0, 14);
    g_string_append(args, " -device pcie-pci-bridge,bus=rp0");
    qtest_quit(qtest_init(args->str));
    g_string_append(args, " -device pcie-pci-bridge,bus=rp1");
    stack_assert_startup_error(NULL, args->str,
        "virt-10.0: 17 PCI buses (bus 0 and one behind each of 16 root ports "
        "and bridges, 14 of them pcie-root-port) need more bus numbers than "
        "the PCIe ECAM of this machine has: 16", false);

    /* virt-2.12 has only the low ECAM (and is deprecated: a warning first) */
    g_string_assign(args, "-M virt-2.12 -cpu max");
    root_ports(args, 0, 16);
    g_free(err);
    err = NULL;
    g_assert_cmpint(stack_run_qemu(NULL, args->str, &err), ==, 1 << 8);
    g_assert_nonnull(strstr(err, ": virt-2.12: 17 PCI buses (bus 0 and one "
                            "behind each of 16 root ports"));
    g_assert_nonnull(strstr(err, "\nUse at most 15 root ports and bridges, "
                            "or a machine type of virt-3.0 or later"));

    /* highmem=off: the same limit, another fix */
    g_string_assign(args, "-M virt-10.0,highmem=off");
    root_ports(args, 0, 16);
    g_free(err);
    err = NULL;
    g_assert_cmpint(stack_run_qemu(NULL, args->str, &err), ==, 1 << 8);
    g_assert_nonnull(strstr(err, "\nhighmem=off leaves the 16-bus ECAM "
                            "only: drop it"));

    /* An expander's bus_nr bounds the buses below it and starts its own */
    g_string_assign(args, "-M virt-10.0 -device pxb-pcie,id=pxb1,bus_nr=8,"
                    "bus=pcie.0,addr=0x1f");
    root_ports(args, 0, 7);
    qtest_quit(qtest_init(args->str));
    root_ports(args, 7, 8);
    stack_assert_startup_error(NULL, args->str,
        "virt-10.0: 9 PCI buses (bus 0 of pcie.0 and one behind each of 8 "
        "root ports and bridges, 8 of them pcie-root-port) need more bus "
        "numbers than there are below the next expander bus, 8", false);
    g_string_assign(args, "-M virt-10.0,highmem-ecam=off -device pxb-pcie,"
                    "id=pxb1,bus_nr=14,bus=pcie.0,addr=0x1f -device "
                    "pcie-root-port,id=x1,chassis=50,bus=pxb1 -device "
                    "pcie-root-port,id=x2,chassis=51,bus=pxb1,addr=1");
    stack_assert_startup_error(NULL, args->str,
        "virt-10.0: 3 PCI buses (bus 14 of pxb1 and one behind each of 2 "
        "root ports and bridges, 2 of them pcie-root-port) need more bus "
        "numbers than the PCIe ECAM of this machine has: 16", false);

    /* The stack's type has the 256-bus ECAM */
    g_string_assign(args, "-M virt");
    root_ports(args, 0, 64);
    qtest_quit(qtest_init(args->str));
}

/* A scratch directory, removed with its files by remove_tree() */
static char *make_dir(void)
{
    char *dir = g_dir_make_tmp("arm-virt-test-XXXXXX", NULL);

    g_assert_nonnull(dir);
    return dir;
}

static void remove_tree(const char *dir)
{
    g_autofree char *cmd = g_strdup_printf("rm -rf %s", dir);

    g_assert_true(g_spawn_command_line_sync(cmd, NULL, NULL, NULL, NULL));
}

/* A file of SIZE bytes that starts with the 8 bytes of TAG */
static char *make_image(const char *dir, const char *name, const char *tag,
                        size_t size)
{
    char *path = g_build_filename(dir, name, NULL);
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(write(fd, tag, 8), ==, 8);
    g_assert_cmpint(ftruncate(fd, size), ==, 0);
    close(fd);
    return path;
}

/* A descriptor of IMAGE for aarch64 virt-*, with FEATURES (JSON) */
static char *descriptor_json(const char *image, const char *features)
{
    return g_strdup_printf(
        "{ \"description\": \"kvmport test firmware\","
        "  \"interface-types\": [ \"uefi\" ],"
        "  \"mapping\": { \"device\": \"flash\","
        "    \"executable\": { \"filename\": \"%s\", \"format\": \"raw\" },"
        "    \"nvram-template\": { \"filename\": \"%s\", \"format\": \"raw\" } },"
        "  \"targets\": [ { \"architecture\": \"aarch64\","
        "                   \"machines\": [ \"virt-*\" ] } ],"
        "  \"features\": %s, \"tags\": [] }", image, image, features);
}

/*
 * $XDG_CONFIG_HOME/qemu/firmware under DIR with, if IMAGE is given, a
 * descriptor 00-kvmport-test.json of it for aarch64 virt-*, and an empty
 * file (which hides every descriptor of that name) for each name in HIDE.
 */
static void make_descriptors(const char *dir, const char *image,
                             GPtrArray *hide)
{
    g_autofree char *fwdir = g_build_filename(dir, "qemu", "firmware", NULL);
    guint i;

    g_assert_cmpint(g_mkdir_with_parents(fwdir, 0755), ==, 0);
    if (image) {
        g_autofree char *json = descriptor_json(image, "[]");
        g_autofree char *path = g_build_filename(fwdir, "00-kvmport-test.json",
                                                 NULL);

        g_assert_true(g_file_set_contents(path, json, -1, NULL));
    }
    for (i = 0; hide && i < hide->len; i++) {
        g_autofree char *path = g_build_filename(fwdir, hide->pdata[i], NULL);

        g_assert_true(g_file_set_contents(path, "", 0, NULL));
    }
}

/*
 * Descriptors that sort before 00-kvmport-test.json and must be skipped,
 * each at a different check: not JSON, not an object, targets of the wrong
 * type, a mapping of the wrong type, another architecture, another machine,
 * a missing image, a relative file name, Secure Boot (of a readable image
 * whose tag would show if it were loaded).
 */
static void broken_descriptors(const char *dir)
{
    g_autofree char *secure = make_image(dir, "secure.img", "SECUREBT", 4096);
    g_autofree char *sb = descriptor_json(secure, "[ \"secure-boot\" ]");
    g_autofree char *missing = descriptor_json("/nonexistent/fw.img", "[]");
    g_autofree char *relative = descriptor_json("fw.img", "[]");
    g_autofree char *ok = descriptor_json(secure, "[]");
    g_autofree char *arch = g_strdup(ok);
    g_autofree char *machine = g_strdup(ok);
    const char *broken[][2] = {
        { "00-a-not-json.json", "{ this is not JSON" },
        { "00-b-array.json", "[ \"uefi\" ]" },
        { "00-c-targets.json", "{ \"interface-types\": [ \"uefi\" ], "
          "\"targets\": 1 }" },
        { "00-d-mapping.json", "{ \"interface-types\": [ \"uefi\" ], "
          "\"targets\": [ { \"architecture\": \"aarch64\", "
          "\"machines\": [ \"virt-*\" ] } ], \"mapping\": [] }" },
        { "00-e-arch.json", arch },
        { "00-f-machine.json", machine },
        { "00-g-missing.json", missing },
        { "00-h-relative.json", relative },
        { "00-i-secure-boot.json", sb },
    };
    int i;

    memcpy(strstr(arch, "aarch64"), "riscv64", 7);
    memcpy(strstr(machine, "virt-*"), "sbsa-*", 6);
    for (i = 0; i < ARRAY_SIZE(broken); i++) {
        g_autofree char *path = g_build_filename(dir, "qemu", "firmware",
                                                 broken[i][0], NULL);

        g_assert_true(g_file_set_contents(path, broken[i][1], -1, NULL));
    }
}

/* The 8 bytes at guest address 0 (flash 0) */
static char *flash0_tag(QTestState *qts)
{
    char buf[9] = { 0 };

    qtest_memread(qts, 0, buf, 8);
    return g_strdup(buf);
}

static char *flash0_tag_of(const char *args)
{
    QTestState *qts = qtest_init(args);
    char *tag = flash0_tag(qts);

    qtest_quit(qts);
    return tag;
}

/* QEMU started with the arguments of FMT has WANT at the start of flash 0 */
static void G_GNUC_PRINTF(2, 3) assert_flash0(const char *want,
                                             const char *fmt, ...)
{
    g_autofree char *args = NULL;
    g_autofree char *tag = NULL;
    va_list ap;

    va_start(ap, fmt);
    args = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    tag = flash0_tag_of(args);
    g_test_message("%s: flash 0 starts with '%s'", args, tag);
    g_assert_cmpstr(tag, ==, want);
}

/*
 * The stack's type loads the firmware that the descriptors name when no
 * firmware and no kernel is given; explicit options win; upstream's types
 * start in empty flash as upstream does.
 */
static void test_firmware(void)
{
    g_autofree char *dir = make_dir();
    g_autofree char *fw = make_image(dir, "fw.img", "KVMPORT1", 4096);
    g_autofree char *bios = make_image(dir, "bios.img", "EXPLICIT", 4096);
    g_autofree char *pflash = make_image(dir, "pflash.img", "PFLASH00",
                                         64 * 1024 * 1024);
    g_autofree char *kernel = make_arm64_image(IMAGE_RAW);
    g_autofree char *empty = flash0_tag_of("-M virt-10.0");

    make_descriptors(dir, fw, NULL);
    /* Descriptors that describe nothing usable are skipped */
    broken_descriptors(dir);
    g_setenv("XDG_CONFIG_HOME", dir, true);
    g_assert_cmpstr(empty, !=, "KVMPORT1");

    assert_flash0("KVMPORT1", "-M virt");
    assert_flash0(empty, "-M virt-10.0");
    assert_flash0("EXPLICIT", "-M virt -bios %s", bios);
    assert_flash0("PFLASH00", "-M virt -drive if=pflash,format=raw,"
                  "readonly=on,file=%s", pflash);
    assert_flash0("PFLASH00", "-M virt -blockdev driver=file,filename=%s,"
                  "node-name=fw,read-only=on -M pflash0=fw", pflash);
    assert_flash0(empty, "-M virt -kernel %s", kernel);

    g_unsetenv("XDG_CONFIG_HOME");
    remove_image(kernel);
    remove_tree(dir);
}

/* Distributions' edk2 (Debian: qemu-efi-aarch64), found as libvirt finds it */
static void test_firmware_installed(void)
{
    g_autofree char *dir = make_dir();
    char *tag;

    if (!g_file_test("/usr/share/qemu/firmware/60-edk2-aarch64.json",
                     G_FILE_TEST_EXISTS)) {
        g_test_skip("no edk2 for AArch64 installed (Debian package "
                    "qemu-efi-aarch64)");
        remove_tree(dir);
        return;
    }
    g_setenv("XDG_CONFIG_HOME", dir, true);
    tag = flash0_tag_of("-M virt");
    g_unsetenv("XDG_CONFIG_HOME");
    /* edk2's first instruction, not empty flash */
    g_assert_true(memcmp(tag, "\0\0\0\0", 4) != 0);
    g_free(tag);
    remove_tree(dir);
}

/* The names of the descriptors in DIR, appended to NAMES */
static void add_descriptor_names(GPtrArray *names, const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d))) {
        if (g_str_has_suffix(name, ".json")) {
            g_ptr_array_add(names, g_strdup(name));
        }
    }
}

/* Without any descriptor, the stack's type refuses to run empty flash */
static void test_firmware_missing(void)
{
    g_autofree char *dir = make_dir();
    g_autofree char *bindir = g_path_get_dirname(g_getenv("QTEST_QEMU_BINARY"));
    g_autofree char *bundle = g_strconcat(bindir, "/qemu-bundle",
                                          CONFIG_QEMU_DATADIR, "/firmware",
                                          NULL);
    g_autoptr(GPtrArray) hide = g_ptr_array_new_with_free_func(g_free);
    const char *env[] = { "XDG_CONFIG_HOME", dir, NULL };
    g_autofree char *want = g_strdup_printf(
        "no UEFI firmware for aarch64 machine 'virt-10.0-kvmport1' in the "
        "firmware descriptors of %s/qemu/firmware, /etc/qemu/firmware, "
        "/usr/share/qemu/firmware, ", dir);
    g_autofree char *err = NULL;
    char *msg;

    add_descriptor_names(hide, "/etc/qemu/firmware");
    add_descriptor_names(hide, "/usr/share/qemu/firmware");
    add_descriptor_names(hide, CONFIG_QEMU_DATADIR "/firmware");
    add_descriptor_names(hide, bundle);
    make_descriptors(dir, NULL, hide);

    g_assert_cmpint(stack_run_qemu(env, "-M virt", &err), ==, 1 << 8);
    msg = strstr(err, ": ");
    g_assert_nonnull(msg);
    g_assert_true(g_str_has_prefix(msg + 2, want));
    g_assert_nonnull(strstr(err, "\nThe machine has no firmware: install "
                            "edk2 for aarch64 (Debian and Ubuntu: the package "
                            "qemu-efi-aarch64"));
    /* A 32-bit CPU needs 32-bit firmware */
    g_free(err);
    err = NULL;
    g_assert_cmpint(stack_run_qemu(env, "-M virt -cpu cortex-a15", &err), ==,
                    1 << 8);
    g_assert_nonnull(strstr(err, ": no UEFI firmware for arm machine "
                            "'virt-10.0-kvmport1' in the firmware "
                            "descriptors of "));
    g_assert_nonnull(strstr(err, "the package qemu-efi-arm;"));
    /* secure=on needs EL3 firmware, which edk2's descriptors are not */
    stack_assert_startup_error(env, "-M virt,secure=on",
        "virt-10.0-kvmport1: secure=on needs EL3 firmware, and none is named",
        false);

    /* Upstream's type starts, in empty flash */
    g_setenv("XDG_CONFIG_HOME", dir, true);
    qtest_quit(qtest_init("-M virt-10.0"));
    g_unsetenv("XDG_CONFIG_HOME");
    remove_tree(dir);
}

/* The qdev type of the device of block device DEVICE in query-block */
static char *block_qdev_type(QTestState *qts, const char *device,
                             bool *removable)
{
    QDict *resp = qtest_qmp(qts, "{ 'execute': 'query-block' }");
    const QListEntry *e;
    char *type = NULL;

    QLIST_FOREACH_ENTRY(qdict_get_qlist(resp, "return"), e) {
        QDict *b = qobject_to(QDict, qlist_entry_obj(e));

        if (g_str_equal(qdict_get_str(b, "device"), device)) {
            type = qom_get_str(qts, qdict_get_str(b, "qdev"), "type");
            *removable = qdict_get_bool(b, "removable");
        }
    }
    qobject_unref(resp);
    g_assert_nonnull(type);
    return type;
}

/* Whether a PCI function with device ID DEVICE is on the root bus */
static bool has_pci_device(QTestState *qts, int64_t device)
{
    QDict *resp = qtest_qmp(qts, "{ 'execute': 'query-pci' }");
    QDict *bus = qobject_to(QDict, qlist_peek(qdict_get_qlist(resp,
                                                              "return")));
    const QListEntry *e;
    bool found = false;

    QLIST_FOREACH_ENTRY(qdict_get_qlist(bus, "devices"), e) {
        QDict *d = qobject_to(QDict, qlist_entry_obj(e));

        found |= qdict_get_int(qdict_get_qdict(d, "id"), "device") == device;
    }
    qobject_unref(resp);
    return found;
}

/* virtio-scsi-pci, transitional (virt's default) */
#define VIRTIO_SCSI_PCI_ID 0x1004

/* -cdrom: a removable SCSI CD on the stack's type, upstream's elsewhere */
static void test_cdrom(void)
{
    g_autofree char *dir = make_dir();
    g_autofree char *iso = make_image(dir, "cd.iso", "CD001ISO", 1 << 20);
    g_autofree char *disk = make_image(dir, "disk.img", "DISK0000", 1 << 20);
    QTestState *qts;
    char *type;
    bool removable = false;

    qts = qtest_initf("-M virt -cdrom %s", iso);
    type = block_qdev_type(qts, "scsi0-cd0", &removable);
    g_assert_cmpstr(type, ==, "scsi-cd");
    g_assert_true(removable);
    g_assert_true(has_pci_device(qts, VIRTIO_SCSI_PCI_ID));
    g_free(type);
    qtest_quit(qts);

    /* -drive media=cdrom without if= too; disks stay virtio */
    qts = qtest_initf("-M virt -drive media=cdrom,format=raw,file=%s "
                      "-drive file=%s,format=raw,index=0", iso, disk);
    type = block_qdev_type(qts, "scsi0-cd0", &removable);
    g_assert_cmpstr(type, ==, "scsi-cd");
    g_assert_true(removable);
    g_free(type);
    type = block_qdev_type(qts, "virtio0", &removable);
    g_assert_cmpstr(type, ==, "virtio-blk-device");
    g_assert_false(removable);
    g_free(type);
    qtest_quit(qts);

    /* Upstream's type: a read-only virtio disk, no SCSI controller */
    qts = qtest_initf("-M virt-10.0 -cdrom %s", iso);
    type = block_qdev_type(qts, "virtio2", &removable);
    g_assert_cmpstr(type, ==, "virtio-blk-device");
    g_assert_false(removable);
    g_assert_false(has_pci_device(qts, VIRTIO_SCSI_PCI_ID));
    g_free(type);
    qtest_quit(qts);

    /* -drive if=none with an explicit device: as given, no SCSI controller */
    qts = qtest_initf("-M virt -drive if=none,id=cd,media=cdrom,file=%s "
                      "-device virtio-blk-pci,drive=cd", iso);
    type = block_qdev_type(qts, "cd", &removable);
    g_assert_cmpstr(type, ==, "virtio-blk-device");
    g_assert_false(has_pci_device(qts, VIRTIO_SCSI_PCI_ID));
    g_free(type);
    qtest_quit(qts);
    remove_tree(dir);
}

/*
 * Every model reports unavailable-features (libvirt: usable='yes'/'no'
 * instead of 'unknown'); under TCG every model that is listed runs.
 */
static void test_cpu_definitions(void)
{
    QTestState *qts = qtest_init("-M none -accel tcg");
    QDict *resp = qtest_qmp(qts, "{ 'execute': 'query-cpu-definitions' }");
    const QListEntry *e;
    bool kunpeng = false, max = false;

    QLIST_FOREACH_ENTRY(qdict_get_qlist(resp, "return"), e) {
        QDict *d = qobject_to(QDict, qlist_entry_obj(e));
        const char *name = qdict_get_str(d, "name");

        QList *unavailable = qdict_get_qlist(d, "unavailable-features");

        g_test_message("%s", name);
        g_assert_nonnull(unavailable);
        if (g_str_equal(name, "host")) {
            /* Only where KVM is built for this target: it needs KVM */
            g_assert_cmpint(qlist_size(unavailable), ==, 1);
            g_assert_cmpstr(qstring_get_str(qobject_to(QString,
                            qlist_peek(unavailable))), ==, "kvm");
        } else {
            g_assert_true(qlist_empty(unavailable));
        }
        kunpeng |= g_str_equal(name, "kunpeng-920");
        max |= g_str_equal(name, "max");
    }
    g_assert_true(max);
    g_assert_true(kunpeng);
    qobject_unref(resp);
    qtest_quit(qts);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    if (!qtest_has_accel("tcg")) {
        g_test_skip("TCG is not built in");
        return g_test_run();
    }
    qtest_add_func("/arm/virt/machine-types", test_machine_types);
    qtest_add_func("/arm/virt/defaults", test_defaults);
    qtest_add_func("/arm/virt/aarch64-image-error", test_aarch64_image_error);
    qtest_add_func("/arm/virt/pci-bus-limit", test_pci_bus_limit);
    qtest_add_func("/arm/virt/firmware", test_firmware);
    qtest_add_func("/arm/virt/firmware-installed", test_firmware_installed);
    qtest_add_func("/arm/virt/firmware-missing", test_firmware_missing);
    qtest_add_func("/arm/virt/cdrom", test_cdrom);
    qtest_add_func("/arm/virt/cpu-definitions", test_cpu_definitions);
    qtest_add_func("/arm/virt/pauth", test_pauth);
    return g_test_run();
}
