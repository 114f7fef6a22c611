/*
 * QTest: the PPIN CPU model (patches/x86/), over QMP
 *
 * The "ppin" (CPUID.(7,1):EBX[0]) and "amd-ppin" (CPUID 0x80000008 EBX[23])
 * flags: -cpu max has the one of its vendor, named models have neither.
 * The "ppin-value" property: its default is SHA-256 of the VM UUID and the
 * socket number (recomputed here), shared by the vCPUs of a socket; without
 * -uuid it is random per VM; 0 means the default, so that a full CPU model
 * expansion fed back to -cpu starts; negative numbers, non-numbers, a value
 * without the feature, and a change after realize are refused.  Under KVM,
 * -cpu host offers PPIN only while QEMU can serve it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qapi/error.h"
#include "libqtest.h"
#include "stack-qtest.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "qobject/qjson.h"
#include "qobject/qbool.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"

#define UUID_A "6a1d4b8e-2f37-4c0a-9d51-3e8f7b2c6d10"
#define UUID_B "0f9e8d7c-6b5a-4938-8271-605f4e3d2c1b"

/* query-cpu-model-expansion type=full of MODEL with PROPS (JSON or NULL) */
static QDict *expand(QTestState *qts, const char *model, const char *props)
{
    QDict *p = qobject_to(QDict, qobject_from_json(props ?: "{}",
                                                    &error_abort));
    QDict *resp = qtest_qmp(qts, "{ 'execute': 'query-cpu-model-expansion',"
                            "  'arguments': { 'type': 'full',"
                            "    'model': { 'name': %s, 'props': %p } } }",
                            model, p);
    QDict *r;

    g_assert(qdict_haskey(resp, "return"));
    r = qdict_get_qdict(qdict_get_qdict(resp, "return"), "model");
    r = qdict_get_qdict(r, "props");
    qobject_ref(r);
    qobject_unref(resp);
    return r;
}

static void assert_flags(QDict *props, bool ppin, bool amd_ppin)
{
    g_assert_cmpint(qdict_get_bool(props, "ppin"), ==, ppin);
    g_assert_cmpint(qdict_get_bool(props, "amd-ppin"), ==, amd_ppin);
}

/* -cpu max: the flag of the vCPU's vendor, both when the user asks */
static void test_max_vendor_flag(void)
{
    QTestState *qts = qtest_init("-machine none -accel tcg");
    QDict *p;

    p = expand(qts, "max", NULL);
    g_assert_cmpstr(qdict_get_str(p, "vendor"), ==, "AuthenticAMD");
    assert_flags(p, false, true);
    qobject_unref(p);

    p = expand(qts, "max", "{ 'vendor': 'GenuineIntel' }");
    assert_flags(p, true, false);
    qobject_unref(p);

    p = expand(qts, "max", "{ 'vendor': 'GenuineIntel', 'amd-ppin': true }");
    assert_flags(p, true, true);
    qobject_unref(p);

    p = expand(qts, "max", "{ 'amd-ppin': false }");
    assert_flags(p, false, false);
    qobject_unref(p);
    qtest_quit(qts);
}

/* Named models are unchanged (guest ABI, migration) until asked */
static void test_named_models_unchanged(void)
{
    static const char *const models[] = {
        "qemu64", "Skylake-Server", "Icelake-Server", "SapphireRapids",
        "EPYC", "EPYC-Genoa", NULL,
    };
    QTestState *qts = qtest_init("-machine none -accel tcg");
    const char *const *m;
    QDict *p;

    for (m = models; *m; m++) {
        p = expand(qts, *m, NULL);
        assert_flags(p, false, false);
        qobject_unref(p);
    }
    p = expand(qts, "Skylake-Server", "{ 'ppin': true }");
    assert_flags(p, true, false);
    qobject_unref(p);
    qtest_quit(qts);
}

/* pc and q35 are the stack's types; upstream's 10.0 types stay */
static void test_machine_types(void)
{
    QTestState *qts = qtest_init("-machine none");
    g_autofree char *pc = NULL, *q35 = NULL;
    bool pc_default = false, q35_default = true;

    pc = stack_machine_of_alias(qts, "pc", &pc_default);
    q35 = stack_machine_of_alias(qts, "q35", &q35_default);
    qtest_quit(qts);
    g_assert_cmpstr(pc, ==, "pc-i440fx-10.0-kvmport1");
    g_assert_true(pc_default);
    g_assert_cmpstr(q35, ==, "pc-q35-10.0-kvmport1");
    g_assert_false(q35_default);
}

/*
 * Upstream's machine types show what upstream QEMU shows: no PPIN in max
 * unless asked for; the stack's types (and the aliases) have it.
 */
static void test_upstream_types(void)
{
    static const struct {
        const char *machine;
        bool stack;
    } types[] = {
        /* -M none (libvirt probes with it) answers as the newest type */
        { "none", true },
        { "pc", true }, { "q35", true }, { "pc-q35-10.0-kvmport1", true },
        { "pc-q35-10.0", false }, { "pc-i440fx-10.0", false },
        { "pc-i440fx-9.2", false }, { "pc-q35-8.0", false },
        { "isapc", false }, { "microvm", false },
    };
    int i;

    for (i = 0; i < ARRAY_SIZE(types); i++) {
        QTestState *qts = qtest_initf("-machine %s -accel tcg",
                                      types[i].machine);
        QDict *p;

        g_test_message("-machine %s", types[i].machine);
        p = expand(qts, "max", NULL);
        assert_flags(p, false, types[i].stack);
        qobject_unref(p);
        p = expand(qts, "max", "{ 'vendor': 'GenuineIntel' }");
        assert_flags(p, types[i].stack, false);
        qobject_unref(p);
        /* asked for: there on every type */
        p = expand(qts, "max", "{ 'amd-ppin': true }");
        assert_flags(p, false, true);
        qobject_unref(p);
        qtest_quit(qts);
    }
}

/* The documented default: SHA-256(UUID bytes || le32 socket), first 8 LE */
static uint64_t default_ppin(const char *uuid, uint32_t socket)
{
    g_autoptr(GChecksum) sha = g_checksum_new(G_CHECKSUM_SHA256);
    uint8_t bytes[16], digest[32];
    gsize len = sizeof(digest);
    uint32_t le = cpu_to_le32(socket);
    uint64_t v;
    int i, j;

    for (i = j = 0; i < 16; j++) {
        if (uuid[j] != '-') {
            g_assert(sscanf(uuid + j, "%2hhx", &bytes[i++]) == 1);
            j++;
        }
    }
    g_checksum_update(sha, bytes, sizeof(bytes));
    g_checksum_update(sha, (const guchar *)&le, sizeof(le));
    g_checksum_get_digest(sha, digest, &len);
    v = ldq_le_p(digest);
    return v ? v : 1;
}

/* ppin-value of every vCPU, in CPU index order */
static GArray *ppin_values(QTestState *qts)
{
    QDict *resp = qtest_qmp(qts, "{ 'execute': 'query-cpus-fast' }");
    GArray *values = g_array_new(false, false, sizeof(uint64_t));
    const QListEntry *e;

    QLIST_FOREACH_ENTRY(qdict_get_qlist(resp, "return"), e) {
        QDict *cpu = qobject_to(QDict, qlist_entry_obj(e));
        QDict *r = qtest_qmp(qts, "{ 'execute': 'qom-get', 'arguments':"
                             " { 'path': %s, 'property': 'ppin-value' } }",
                             qdict_get_str(cpu, "qom-path"));
        uint64_t v = qnum_get_uint(qobject_to(QNum, qdict_get(r, "return")));

        g_array_append_val(values, v);
        qobject_unref(r);
    }
    qobject_unref(resp);
    return values;
}

#define PPIN(a, i) g_array_index(a, uint64_t, i)

static void test_default_value(void)
{
    const char *smp = "-smp 4,sockets=2,cores=2,threads=1";
    QTestState *qts = qtest_initf("-accel tcg -cpu max %s -uuid " UUID_A, smp);
    g_autoptr(GArray) a = ppin_values(qts);
    g_autoptr(GArray) again = NULL, b = NULL;

    qtest_quit(qts);
    g_assert_cmpint(a->len, ==, 4);
    g_test_message("ppin-value: 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64
                   " 0x%" PRIx64, PPIN(a, 0), PPIN(a, 1), PPIN(a, 2),
                   PPIN(a, 3));
    /* one value per socket: cores 0, 1 in socket 0, cores 2, 3 in 1 */
    g_assert_cmphex(PPIN(a, 0), ==, default_ppin(UUID_A, 0));
    g_assert_cmphex(PPIN(a, 1), ==, PPIN(a, 0));
    g_assert_cmphex(PPIN(a, 2), ==, default_ppin(UUID_A, 1));
    g_assert_cmphex(PPIN(a, 3), ==, PPIN(a, 2));
    g_assert_cmphex(PPIN(a, 0), !=, PPIN(a, 2));

    /* the same VM (UUID) after a restart keeps it, another VM differs */
    qts = qtest_initf("-accel tcg -cpu max %s -uuid " UUID_A, smp);
    again = ppin_values(qts);
    qtest_quit(qts);
    g_assert_cmphex(PPIN(again, 0), ==, PPIN(a, 0));
    g_assert_cmphex(PPIN(again, 2), ==, PPIN(a, 2));
    qts = qtest_initf("-accel tcg -cpu max %s -uuid " UUID_B, smp);
    b = ppin_values(qts);
    qtest_quit(qts);
    g_assert_cmphex(PPIN(b, 0), ==, default_ppin(UUID_B, 0));
    g_assert_cmphex(PPIN(b, 0), !=, PPIN(a, 0));
}

/* Without -uuid: random per VM, still one value per socket */
static void test_default_random(void)
{
    const char *args = "-accel tcg -cpu max -smp 4,sockets=2,cores=2";
    QTestState *qts = qtest_init(args);
    g_autoptr(GArray) a = ppin_values(qts);
    g_autoptr(GArray) b = NULL;

    qtest_quit(qts);
    qts = qtest_init(args);
    b = ppin_values(qts);
    qtest_quit(qts);
    g_test_message("VM 1: 0x%" PRIx64 " 0x%" PRIx64 ", VM 2: 0x%" PRIx64
                   " 0x%" PRIx64, PPIN(a, 0), PPIN(a, 2), PPIN(b, 0),
                   PPIN(b, 2));
    g_assert_cmphex(PPIN(a, 1), ==, PPIN(a, 0));
    g_assert_cmphex(PPIN(a, 3), ==, PPIN(a, 2));
    g_assert_cmphex(PPIN(a, 0), !=, PPIN(a, 2));
    /* the chance of a false failure is 2^-64 per socket */
    g_assert_cmphex(PPIN(a, 0), !=, PPIN(b, 0));
    g_assert_cmphex(PPIN(a, 2), !=, PPIN(b, 2));
    /* not the value of the nil UUID, as before VMs without -uuid differed */
    g_assert_cmphex(PPIN(a, 0), !=,
                    default_ppin("00000000-0000-0000-0000-000000000000", 0));
}

/* ppin-value=0 asks for the default (a model expansion contains it) */
static void test_zero_is_default(void)
{
    QTestState *qts = qtest_init("-accel tcg -cpu max,ppin-value=0 "
                                 "-uuid " UUID_A);
    g_autoptr(GArray) v = ppin_values(qts);

    qtest_quit(qts);
    g_assert_cmphex(PPIN(v, 0), ==, default_ppin(UUID_A, 0));
}

/* Every property of a full expansion of max, fed back to -cpu, starts */
static void test_expansion_fed_back(void)
{
    QTestState *qts = qtest_init("-machine none -accel tcg");
    QDict *props = expand(qts, "max", NULL);
    g_autoptr(GString) cpu = g_string_new("max");
    const QDictEntry *e;
    g_autoptr(GArray) v = NULL;

    qtest_quit(qts);
    g_assert_cmpint(qdict_get_int(props, "ppin-value"), ==, 0);
    for (e = qdict_first(props); e; e = qdict_next(props, e)) {
        QObject *o = qdict_entry_value(e);

        /*
         * Upstream 10.0.2 expands lbr-fmt to its "unset" marker, which
         * its own setter refuses: not this stack's to fix here.
         */
        if (g_str_equal(qdict_entry_key(e), "lbr-fmt") ||
            g_str_equal(qdict_entry_key(e), "lbr_fmt")) {
            continue;
        }

        switch (qobject_type(o)) {
        case QTYPE_QBOOL:
            g_string_append_printf(cpu, ",%s=%s", qdict_entry_key(e),
                                   qbool_get_bool(qobject_to(QBool, o)) ?
                                   "on" : "off");
            break;
        case QTYPE_QNUM: {
            g_autofree char *n = qnum_to_string(qobject_to(QNum, o));

            g_string_append_printf(cpu, ",%s=%s", qdict_entry_key(e), n);
            break;
        }
        case QTYPE_QSTRING: {
            const char *str = qstring_get_str(qobject_to(QString, o));

            /* -cpu takes no commas or empty values inside a value */
            if (*str && !strchr(str, ',') && !strchr(str, '\'')) {
                g_string_append_printf(cpu, ",%s=%s", qdict_entry_key(e),
                                       str);
            }
            break;
        }
        default:
            break;
        }
    }
    qobject_unref(props);
    qts = qtest_initf("-accel tcg -cpu '%s'", cpu->str);
    v = ppin_values(qts);
    qtest_quit(qts);
    g_assert_cmphex(PPIN(v, 0), !=, 0);
}

static void test_explicit_value(void)
{
    QTestState *qts = qtest_init("-accel tcg -smp 2,sockets=2 "
                                 "-cpu max,ppin-value=0x0123456789abcdef");
    g_autoptr(GArray) v = ppin_values(qts);

    qtest_quit(qts);
    g_assert_cmphex(PPIN(v, 0), ==, 0x0123456789abcdefULL);
    g_assert_cmphex(PPIN(v, 1), ==, 0x0123456789abcdefULL);
}

static void assert_error(QDict *resp, const char *text)
{
    const char *desc;

    g_assert(qdict_haskey(resp, "error"));
    desc = qdict_get_str(qdict_get_qdict(resp, "error"), "desc");
    g_test_message("error: %s", desc);
    g_assert_nonnull(strstr(desc, text));
    qobject_unref(resp);
}

/* Negative numbers and non-numbers on -cpu, named in the error */
static void test_rejected_cmdline(void)
{
    stack_assert_startup_error(NULL, "-accel tcg -cpu max,ppin-value=-1",
                               "ppin-value=-1: not a 64-bit unsigned number "
                               "(0: derive the default)", true);
    stack_assert_startup_error(NULL, "-accel tcg -cpu max,ppin-value=0x12junk",
                               "ppin-value=0x12junk: not a 64-bit unsigned "
                               "number (0: derive the default)", true);
    stack_assert_startup_error(NULL, "-accel tcg -cpu qemu64,ppin-value=7",
                               "ppin-value=0x7 needs the CPU feature "
                               "'amd-ppin' (the PPIN flag for vendor "
                               "AuthenticAMD)", true);
    stack_assert_startup_error(NULL, "-accel tcg "
                               "-cpu qemu64,vendor=GenuineIntel,ppin-value=7",
                               "ppin-value=0x7 needs the CPU feature 'ppin' "
                               "(the PPIN flag for vendor GenuineIntel)",
                               true);
}

/* A change at run time, a non-number and a value without PPIN: refused */
static void test_rejected(void)
{
    QTestState *qts = qtest_init("-accel tcg -cpu qemu64 "
                                 "-smp 1,maxcpus=2,sockets=2");
    const char *cpu0 = "/machine/unattached/device[0]";

    assert_error(qtest_qmp(qts, "{ 'execute': 'qom-set', 'arguments':"
                           " { 'path': %s, 'property': 'ppin-value',"
                           "   'value': 5 } }", cpu0),
                 "Attempt to set property 'ppin-value' on anonymous device "
                 "(type 'qemu64-x86_64-cpu') after it was realized");
    assert_error(qtest_qmp(qts, "{ 'execute': 'device_add', 'arguments':"
                           " { 'driver': 'qemu64-x86_64-cpu', 'id': 'c1',"
                           "   'socket-id': 1, 'core-id': 0, 'thread-id': 0,"
                           "   'amd-ppin': true, 'ppin-value': 'abc' } }"),
                 "Parameter 'ppin-value' expects uint64");
    /* qemu64 has neither flag: a hot-plugged vCPU with a value fails */
    assert_error(qtest_qmp(qts, "{ 'execute': 'device_add', 'arguments':"
                           " { 'driver': 'qemu64-x86_64-cpu', 'id': 'c1',"
                           "   'socket-id': 1, 'core-id': 0, 'thread-id': 0,"
                           "   'ppin-value': 5 } }"),
                 "ppin-value=0x5 needs the CPU feature 'amd-ppin' (the PPIN "
                 "flag for vendor AuthenticAMD)");
    /* ... and succeeds with the flag */
    qobject_unref(qtest_qmp_assert_success_ref(qts,
                  "{ 'execute': 'device_add', 'arguments':"
                  " { 'driver': 'qemu64-x86_64-cpu', 'id': 'c1',"
                  "   'socket-id': 1, 'core-id': 0, 'thread-id': 0,"
                  "   'amd-ppin': true, 'ppin-value': 5 } }"));
    qtest_quit(qts);
}

/* The kvm accelerator enabled capability NAME (x-query-kvm-caps) */
static bool cap_enabled(QTestState *qts, const char *name)
{
    QDict *resp = qtest_qmp(qts, "{ 'execute': 'x-query-kvm-caps' }");
    const QListEntry *e;
    bool enabled = false;

    QLIST_FOREACH_ENTRY(qdict_get_qlist(resp, "return"), e) {
        QDict *c = qobject_to(QDict, qlist_entry_obj(e));

        if (g_str_equal(qdict_get_str(c, "name"), name)) {
            enabled = qdict_get_bool(c, "enabled");
        }
    }
    qobject_unref(resp);
    return enabled;
}

/*
 * -cpu host offers PPIN only while something serves it: the kernel
 * (KVM_CAP_PPIN, patches/linux) or QEMU (user-space MSRs)
 */
static void test_kvm_host(void)
{
    QTestState *qts;
    QDict *p;
    bool amd, kernel, served;

    if (!qtest_has_accel("kvm")) {
        g_test_skip("the kvm accelerator is not usable here (no usable "
                    "/dev/kvm)");
        return;
    }
    qts = qtest_init("-machine none -accel kvm");
    p = expand(qts, "host", NULL);
    /* the vendors of AMD's PPIN pair (x86_cpu_ppin_amd_vendor()) */
    amd = g_str_equal(qdict_get_str(p, "vendor"), "AuthenticAMD") ||
          g_str_equal(qdict_get_str(p, "vendor"), "HygonGenuine");
    /* the filter (user-space MSRs) or the kernel's cap serves it */
    served = cap_enabled(qts, "user-space-msr") || cap_enabled(qts, "ppin");
    g_test_message("PPIN served: %s", served ? "yes" : "no");

    assert_flags(p, served && !amd, served && amd);
    qobject_unref(p);
    qtest_quit(qts);

    /* without user-space MSRs, only a kernel with KVM_CAP_PPIN serves it */
    qts = qtest_init("-machine none -accel kvm,cap-user-space-msr=off");
    kernel = cap_enabled(qts, "ppin");
    g_test_message("KVM_CAP_PPIN enabled: %s", kernel ? "yes" : "no");
    /* check.sh in L1 on patches/linux: the cap must be there */
    if (getenv("KVMPORT_EXPECT_KVM_CAP_PPIN")) {
        g_assert_true(kernel);
    }
    p = expand(qts, "host", NULL);
    assert_flags(p, !amd && kernel, amd && kernel);
    qobject_unref(p);
    qtest_quit(qts);

    qts = qtest_init("-machine none -accel kvm,cap-user-space-msr=off,"
                     "cap-ppin=off");
    p = expand(qts, "host", NULL);
    assert_flags(p, false, false);
    qobject_unref(p);
    qtest_quit(qts);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    if (!qtest_has_accel("tcg")) {
        g_test_skip("TCG is not built in");
        return g_test_run();
    }
    qtest_add_func("/x86/ppin/machine-types", test_machine_types);
    qtest_add_func("/x86/ppin/upstream-types", test_upstream_types);
    qtest_add_func("/x86/ppin/max-vendor-flag", test_max_vendor_flag);
    qtest_add_func("/x86/ppin/named-models-unchanged",
                   test_named_models_unchanged);
    qtest_add_func("/x86/ppin/default-value", test_default_value);
    qtest_add_func("/x86/ppin/default-random", test_default_random);
    qtest_add_func("/x86/ppin/zero-is-default", test_zero_is_default);
    qtest_add_func("/x86/ppin/expansion-fed-back", test_expansion_fed_back);
    qtest_add_func("/x86/ppin/explicit-value", test_explicit_value);
    qtest_add_func("/x86/ppin/rejected", test_rejected);
    qtest_add_func("/x86/ppin/rejected-cmdline", test_rejected_cmdline);
    qtest_add_func("/x86/ppin/kvm/host", test_kvm_host);
    return g_test_run();
}
