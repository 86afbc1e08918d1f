/* Checksum library (src/can/checksum.h), part 1: the CRC kernels against the catalogue
 * check values, both AUTOSAR E2E profiles against published vectors and against the
 * project's own profile 1 (src/can/e2e.c), properties every algorithm must have (the
 * checksum field is ignored, a flipped bit fails), names, set-up errors and bit fields.
 * Part 2 (test_can_checksum_oem.c) has the OEM checksums against real frames.
 *
 * Bit numbering in the comments: byte k bit b (b = 7 the MSB) is "k.b". */
#include "../src/can/checksum.h"
#include "ecodrive/can.h"
#include "ecodrive/common.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#define DBC_DEFAULT  ECO_SOURCE_DIR "/models/ecodrive.dbc"
#define DBC_MOTOROLA ECO_SOURCE_DIR "/models/example_motorola.dbc"

static size_t hex(const char *s, uint8_t *out)
{
    size_t n = 0;
    for (; s[0] && s[1]; s += 2) {
        char h[3] = {s[0], s[1], 0};
        out[n++] = (uint8_t)strtoul(h, NULL, 16);
    }
    return n;
}

/* Reference CRCs bit by bit from the definitions (MSB first, no reflection), independent of
 * the library's tables. */
static unsigned ref_crc8(unsigned poly, unsigned reg, const uint8_t *p, size_t n)
{
    size_t i;
    int b;
    for (i = 0; i < n; i++)
        for (reg ^= p[i], b = 0; b < 8; b++)
            reg = (reg & 0x80) ? ((reg << 1) ^ poly) & 0xFF : (reg << 1) & 0xFF;
    return reg;
}

static unsigned ref_crc16(unsigned reg, const uint8_t *p, size_t n)
{
    size_t i;
    int b;
    for (i = 0; i < n; i++)
        for (reg ^= (unsigned)p[i] << 8, b = 0; b < 8; b++)
            reg = (reg & 0x8000) ? ((reg << 1) ^ 0x1021) & 0xFFFF : (reg << 1) & 0xFFFF;
    return reg;
}

static eco_can_bitfield intel(unsigned start, unsigned len)
{
    eco_can_bitfield f = {(uint16_t)start, (uint8_t)len, 1};
    return f;
}

static eco_can_bitfield motorola(unsigned start, unsigned len)
{
    eco_can_bitfield f = {(uint16_t)start, (uint8_t)len, 0};
    return f;
}

static eco_can_checksum_config mkcfg(eco_can_checksum_algorithm a, uint32_t address,
                                     eco_can_bitfield cks, eco_can_bitfield ctr)
{
    eco_can_checksum_config c;
    memset(&c, 0, sizeof c);
    c.algorithm = a;
    c.address = address;
    c.checksum = cks;
    c.counter = ctr;
    return c;
}

/* ---- CRC kernels ---------------------------------------------------------------------- */

Test(can_checksum, crc_catalogue_check_values)
{
    /* CRC RevEng catalogue (Greg Cook), check = CRC of the ASCII "123456789":
     * CRC-8/SAE-J1850 width=8 poly=0x1d init=0xff xorout=0xff check=0x4b;
     * CRC-8/AUTOSAR   width=8 poly=0x2f init=0xff xorout=0xff check=0xdf;
     * CRC-16/XMODEM   width=16 poly=0x1021 init=0 xorout=0 check=0x31c3. Computed before
     * and after the tables exist (each Criterion test runs in a fresh process): the bitwise
     * fallback and the sliced tables must agree. */
    const uint8_t *s = (const uint8_t *)"123456789";
    int pass;
    for (pass = 0; pass < 2; pass++) {
        cr_assert_eq(eco_can_checksum_crc8(0x1D, 0xFF, s, 9) ^ 0xFF, 0x4B, "pass %d", pass);
        cr_assert_eq(eco_can_checksum_crc8(0x2F, 0xFF, s, 9) ^ 0xFF, 0xDF, "pass %d", pass);
        cr_assert_eq(eco_can_checksum_crc16(0, s, 9), 0x31C3, "pass %d", pass);
        eco_can_checksum_tables_init();
    }
}

Test(can_checksum, crc_autosar_routines_tables)
{
    /* AUTOSAR "Specification of CRC Routines" (SWS_Crc), check tables for the 8-bit SAE
     * J1850 CRC and the 8-bit 0x2F (8H2F) CRC, both with start 0xFF and final XOR 0xFF. */
    static const struct {
        const char *hex;
        uint8_t j1850, h2f;
    } v[] = {
        {"00000000", 0x59, 0x12},           {"F20183", 0x37, 0xC2}, {"0FAA0055", 0x79, 0xC6},
        {"00FF5511", 0xB8, 0x77},           {"926B55", 0x8C, 0x33}, {"FFFFFFFF", 0x74, 0x6C},
        {"332255AABBCCDDEEFF", 0xCB, 0x11},
    };
    uint8_t buf[16];
    size_t i, n;
    eco_can_checksum_tables_init();
    for (i = 0; i < sizeof v / sizeof *v; i++) {
        n = hex(v[i].hex, buf);
        cr_assert_eq(eco_can_checksum_crc8(0x1D, 0xFF, buf, n) ^ 0xFF, v[i].j1850, "%s", v[i].hex);
        cr_assert_eq(eco_can_checksum_crc8(0x2F, 0xFF, buf, n) ^ 0xFF, v[i].h2f, "%s", v[i].hex);
    }
}

Test(can_checksum, sliced_tables_match_bitwise_definition)
{
    uint8_t buf[ECO_CAN_CHECKSUM_MAX_LEN];
    int k, i;
    eco_can_checksum_tables_init();
    srand(11);
    for (k = 0; k < 500; k++) {
        size_t n = (size_t)(rand() % (ECO_CAN_CHECKSUM_MAX_LEN + 1));
        unsigned r8 = (unsigned)rand() & 0xFF, r16 = (unsigned)rand() & 0xFFFF;
        for (i = 0; i < (int)n; i++)
            buf[i] = (uint8_t)rand();
        cr_assert_eq(eco_can_checksum_crc8(0x1D, (uint8_t)r8, buf, n), ref_crc8(0x1D, r8, buf, n));
        cr_assert_eq(eco_can_checksum_crc8(0x2F, (uint8_t)r8, buf, n), ref_crc8(0x2F, r8, buf, n));
        cr_assert_eq(eco_can_checksum_crc16((uint16_t)r16, buf, n), ref_crc16(r16, buf, n));
    }
    /* a polynomial without a table goes bit by bit: CRC-8/SMBUS (poly 0x07, init 0, xorout
     * 0) check 0xF4 in the RevEng catalogue */
    cr_assert_eq(eco_can_checksum_crc8(0x07, 0x00, (const uint8_t *)"123456789", 9), 0xF4);
}

/* ---- AUTOSAR E2E profile 1 ------------------------------------------------------------- */

/* ecodrive's profile 1: CRC byte 7, counter 6.3..6.0 (Intel) as in models/ecodrive.dbc. */
static eco_can_checksum_config eco_p1(uint16_t data_id)
{
    eco_can_checksum_config c =
        mkcfg(ECO_CAN_CHECKSUM_AUTOSAR_P1, 0x100, intel(56, 8), intel(48, 4));
    c.data_id = data_id;
    cr_assert_eq(eco_can_checksum_setup(&c, 8, "eco_p1"), ECO_OK, "%s", eco_last_error());
    return c;
}

Test(can_checksum, autosar_p1_matches_the_hand_worked_frames_of_e2e)
{
    /* The frames of tests/test_can_e2e.c, each worked out there bit by bit: CRC-8/SAE-J1850
     * over the data id (low byte, high byte) and the payload bytes without the CRC byte.
     * EcoVehicleMotion, data id 0x0A01: over 01 0A D0 07 C4 09 A3 FE 05 = 0x7C.
     * EcoSetpoint, data id 0x0A10: over 10 0A A6 0E E2 04 01 00 00 = 0xE8.
     * CCVS (Motorola, CRC 63|8@0 = byte 7, counter 51|4@0), data id 0xF1FE: 0x1C.
     * EcoCmd (Motorola), data id 0x1234: 0x6B. */
    uint8_t f[8];
    eco_can_checksum_config c = eco_p1(0x0A01);
    hex("D007C409A3FE057C", f);
    cr_assert_eq(eco_can_checksum_compute(&c, f, 8), 0x7C);
    cr_assert_eq(eco_can_checksum_check(&c, f, 8), ECO_OK);
    c = eco_p1(0x0A10);
    hex("A60EE204010000E8", f);
    cr_assert_eq(eco_can_checksum_check(&c, f, 8), ECO_OK);

    c = mkcfg(ECO_CAN_CHECKSUM_AUTOSAR_P1, 0x18FEF1FE, motorola(63, 8), motorola(51, 4));
    c.data_id = 0xF1FE;
    cr_assert_eq(eco_can_checksum_setup(&c, 8, NULL), ECO_OK, "%s", eco_last_error());
    hex("48005A000000071C", f);
    cr_assert_eq(eco_can_checksum_check(&c, f, 8), ECO_OK);
    c.data_id = 0x1234;
    hex("5DC7D8000000006B", f);
    cr_assert_eq(eco_can_checksum_check(&c, f, 8), ECO_OK);
}

/* The project's definition, exactly: eco_can_e2e_crc of every E2E message of both shipped
 * DBCs equals the library's autosar_p1 on random payloads. */
static void cross_check_dbc(const char *path)
{
    eco_can_db *db;
    uint8_t data[ECO_CAN_MAX_DLEN];
    int mi, k, i, checked = 0;

    cr_assert_eq(eco_can_db_load(path, &db), ECO_OK, "%s", eco_last_error());
    for (mi = 0; mi < db->n_msgs; mi++) {
        const eco_can_message *m = &db->msgs[mi];
        const eco_can_signal *crc, *ctr;
        eco_can_checksum_config c;
        if (m->e2e_crc < 0)
            continue;
        crc = &db->signals[m->e2e_crc];
        ctr = &db->signals[m->e2e_counter];
        c = mkcfg(ECO_CAN_CHECKSUM_AUTOSAR_P1, m->id,
                  (eco_can_bitfield){crc->start_bit, crc->length_bits, crc->byte_order},
                  (eco_can_bitfield){ctr->start_bit, ctr->length_bits, ctr->byte_order});
        c.data_id = m->e2e_data_id;
        cr_assert_eq(eco_can_checksum_setup(&c, m->dlc, m->name), ECO_OK, "%s", eco_last_error());
        for (k = 0; k < 300; k++) {
            for (i = 0; i < ECO_CAN_MAX_DLEN; i++)
                data[i] = (uint8_t)rand();
            cr_assert_eq(eco_can_checksum_compute(&c, data, m->dlc), eco_can_e2e_crc(db, mi, data),
                         "%s", m->name);
        }
        checked++;
    }
    cr_assert_geq(checked, 2, "%s declares E2E messages", path);
    eco_can_db_free(db);
}

Test(can_checksum, autosar_p1_is_the_projects_e2e_crc)
{
    srand(5);
    cross_check_dbc(DBC_DEFAULT);
    cross_check_dbc(DBC_MOTOROLA);
}

Test(can_checksum, autosar_p1_spec_data_id_modes)
{
    /* zariiii9003/autosar-e2e test/test_p01.py (an implementation of the AUTOSAR E2E
     * library, MIT): 8-byte frames, CRC byte 0, counter 1.3..1.0, data id 0x123, CRC over
     * bytes 1..7 (length 7), start value and final XOR 0x00 (as in the AUTOSAR PRS; the
     * ecodrive variant would give 0xB0 for the first frame). Re-derived with a bitwise
     * CRC-8 0x1D in Python: both: crc(23 01 00*7) = 0xCC, counter 1: crc(23 01 01 00*6) =
     * 0x91. NIBBLE sends the data id's high nibble in 1.7..1.4. */
    static const struct {
        uint8_t mode;
        const char *frame;
    } v[] = {
        {ECO_CAN_P1_DATA_ID_BOTH, "CC00000000000000"},
        {ECO_CAN_P1_DATA_ID_BOTH, "9101000000000000"},
        {ECO_CAN_P1_DATA_ID_ALT, "CE00000000000000"},
        {ECO_CAN_P1_DATA_ID_ALT, "0201000000000000"},
        {ECO_CAN_P1_DATA_ID_LOW, "CE00000000000000"},
        {ECO_CAN_P1_DATA_ID_LOW, "9301000000000000"},
        {ECO_CAN_P1_DATA_ID_NIBBLE, "2A10000000000000"},
        {ECO_CAN_P1_DATA_ID_NIBBLE, "7711000000000000"},
    };
    uint8_t f[8];
    size_t i;
    for (i = 0; i < sizeof v / sizeof *v; i++) {
        eco_can_checksum_config c =
            mkcfg(ECO_CAN_CHECKSUM_AUTOSAR_P1_SPEC, 0x123, intel(0, 8), intel(8, 4));
        c.data_id = 0x123;
        c.data_id_mode = v[i].mode;
        cr_assert_eq(eco_can_checksum_setup(&c, 8, NULL), ECO_OK, "%s", eco_last_error());
        hex(v[i].frame, f);
        cr_assert_eq(eco_can_checksum_check(&c, f, 8), ECO_OK, "%s mode %d", v[i].frame, v[i].mode);
        c.algorithm = ECO_CAN_CHECKSUM_AUTOSAR_P1; /* ecodrive's variant differs */
        cr_assert_eq(eco_can_checksum_check(&c, f, 8), ECO_ECRC, "%s", v[i].frame);
    }
}

/* ---- AUTOSAR E2E profile 2 ------------------------------------------------------------- */

Test(can_checksum, autosar_p2_published_vectors)
{
    /* zariiii9003/autosar-e2e test/test_p02.py: CRC byte 0, counter 1.3..1.0, CRC-8H2F over
     * bytes 1..7 then DataIDList[counter]. Re-derived with a bitwise CRC-8 0x2F (init and
     * xorout 0xFF) in Python: crc(01 00*6 00) = 0x45 (list of zeros, counter 1);
     * crc(02 02 03 04 05 06 07 02) = 0xBC and crc(01 02 03 04 05 06 07 01) = 0x61 (list
     * 0..15, counters 2 and 1). */
    uint8_t f[8];
    int i;
    eco_can_checksum_config c = mkcfg(ECO_CAN_CHECKSUM_AUTOSAR_P2, 0, intel(0, 8), intel(8, 4));
    cr_assert_eq(eco_can_checksum_setup(&c, 8, NULL), ECO_OK, "%s", eco_last_error());
    hex("4501000000000000", f);
    cr_assert_eq(eco_can_checksum_check(&c, f, 8), ECO_OK);
    for (i = 0; i < 16; i++)
        c.data_id_list[i] = (uint8_t)i;
    hex("BC02020304050607", f);
    cr_assert_eq(eco_can_checksum_check(&c, f, 8), ECO_OK);
    hex("6101020304050607", f);
    cr_assert_eq(eco_can_checksum_check(&c, f, 8), ECO_OK);
    c.data_id_list[1] ^= 0x01; /* the data id of counter 1 enters the CRC */
    cr_assert_eq(eco_can_checksum_check(&c, f, 8), ECO_ECRC);
}

/* ---- every algorithm: the field is ignored, a flipped bit fails, write then check ------ */

/* A synthetic message for algorithm a: checksum in the middle (byte 3; 3.7..3.4 for the
 * nibble sums; bytes 3-4 for hkg_canfd) so that bytes on both sides are covered, counter
 * 1.3..1.0, data ids set. */
static eco_can_checksum_config synthetic(eco_can_checksum_algorithm a, size_t len)
{
    eco_can_checksum_config c = mkcfg(a, 0x2A5, intel(24, 8), intel(8, 4));
    int i;
    if (a == ECO_CAN_CHECKSUM_HONDA || a == ECO_CAN_CHECKSUM_HYUNDAI)
        c.checksum = intel(28, 4);
    if (a == ECO_CAN_CHECKSUM_HKG_CANFD)
        c.checksum = intel(24, 16);
    c.data_id = a == ECO_CAN_CHECKSUM_XOR ? 0x34 : 0x1234;
    for (i = 0; i < 16; i++)
        c.data_id_list[i] = (uint8_t)(0x10 + 7 * i);
    cr_assert_eq(eco_can_checksum_setup(&c, len, "synthetic"), ECO_OK, "%s: %s",
                 eco_can_checksum_algorithm_name(a), eco_last_error());
    return c;
}

static void properties(eco_can_checksum_algorithm a, size_t len)
{
    const char *name = eco_can_checksum_algorithm_name(a);
    eco_can_checksum_config c = synthetic(a, len);
    uint8_t f[ECO_CAN_CHECKSUM_MAX_LEN];
    uint32_t want, field_max = (1u << c.checksum.length_bits) - 1;
    size_t i;
    int k;

    for (i = 0; i < len; i++)
        f[i] = (uint8_t)rand();
    cr_assert_eq(eco_can_checksum_write(&c, f, len), ECO_OK);
    cr_assert_eq(eco_can_checksum_check(&c, f, len), ECO_OK, "%s/%zu", name, len);
    want = eco_can_checksum_compute(&c, f, len);
    cr_assert_leq(want, field_max);
    for (k = 0; k < 64; k++) { /* whatever the field holds, compute does not change */
        uint8_t g[ECO_CAN_CHECKSUM_MAX_LEN];
        memcpy(g, f, len);
        eco_can_bitfield_set(&c.checksum, (uint32_t)rand(), g);
        cr_assert_eq(eco_can_checksum_compute(&c, g, len), want, "%s/%zu", name, len);
    }
    for (i = 0; i < len * 8; i++) { /* every single flipped bit is caught */
        f[i / 8] ^= (uint8_t)(1u << (i % 8));
        cr_assert_eq(eco_can_checksum_check(&c, f, len), ECO_ECRC, "%s/%zu: bit %zu.%zu", name, len,
                     i / 8, i % 8);
        f[i / 8] ^= (uint8_t)(1u << (i % 8));
    }
    cr_assert_eq(eco_can_checksum_check(&c, f, c.min_len - 1), ECO_EINVAL, "too short");
    cr_assert_eq(eco_can_checksum_compute(&c, f, c.min_len - 1), 0);
}

Test(can_checksum, every_algorithm_ignores_its_field_and_catches_a_flipped_bit)
{
    int a;
    srand(3);
    for (a = ECO_CAN_CHECKSUM_NONE + 1; a < ECO_CAN_CHECKSUM_N_ALGORITHMS; a++) {
        properties((eco_can_checksum_algorithm)a, 8);
        properties((eco_can_checksum_algorithm)a, 64);
        properties((eco_can_checksum_algorithm)a, 5);
    }
}

Test(can_checksum, none_always_passes_and_unready_configs_fail)
{
    uint8_t f[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    eco_can_checksum_config c = mkcfg(ECO_CAN_CHECKSUM_NONE, 0x100, intel(0, 0), intel(0, 0));
    cr_assert_eq(eco_can_checksum_check(&c, f, 8), ECO_EINVAL, "not set up");
    cr_assert_eq(eco_can_checksum_setup(&c, 8, NULL), ECO_OK);
    cr_assert_eq(eco_can_checksum_check(&c, f, 8), ECO_OK);
    cr_assert_eq(eco_can_checksum_compute(&c, f, 8), 0);
    cr_assert_eq(eco_can_checksum_write(&c, f, 8), ECO_OK);
    cr_assert_eq(f[0], 1, "none writes nothing");
    c = mkcfg(ECO_CAN_CHECKSUM_TOYOTA, 0x100, intel(56, 8), intel(0, 0));
    cr_assert_eq(eco_can_checksum_compute(&c, f, 8), 0, "not set up");
    cr_assert_eq(eco_can_checksum_write(&c, f, 8), ECO_EINVAL);
}

/* ---- names -------------------------------------------------------------------------- */

Test(can_checksum, names_of_the_mapping_contract)
{
    /* issue 11, contract: "algorithm", one of autosar_p1, autosar_p2, toyota, honda,
     * vw_mqb, hyundai, or none */
    static const char *contract[] = {"autosar_p1", "autosar_p2", "toyota", "honda",
                                     "vw_mqb",     "hyundai",    "none"};
    eco_can_checksum_algorithm a = ECO_CAN_CHECKSUM_XOR;
    size_t i;
    int k;
    for (i = 0; i < sizeof contract / sizeof *contract; i++) {
        cr_assert_eq(eco_can_checksum_algorithm_from_name(contract[i], &a), ECO_OK, "%s",
                     contract[i]);
        cr_assert_str_eq(eco_can_checksum_algorithm_name(a), contract[i]);
    }
    for (k = 0; k < ECO_CAN_CHECKSUM_N_ALGORITHMS; k++) {
        const char *n = eco_can_checksum_algorithm_name((eco_can_checksum_algorithm)k);
        cr_assert_eq(eco_can_checksum_algorithm_from_name(n, &a), ECO_OK, "%s", n);
        cr_assert_eq((int)a, k);
    }
    a = ECO_CAN_CHECKSUM_HONDA;
    cr_assert_eq(eco_can_checksum_algorithm_from_name("Toyota", &a), ECO_ENOENT, "exact case");
    cr_assert_eq(eco_can_checksum_algorithm_from_name("crc8", &a), ECO_ENOENT);
    cr_assert_eq(eco_can_checksum_algorithm_from_name(NULL, &a), ECO_ENOENT);
    cr_assert_eq(a, ECO_CAN_CHECKSUM_HONDA, "unchanged on failure");
    cr_assert_str_eq(eco_can_checksum_algorithm_name(ECO_CAN_CHECKSUM_N_ALGORITHMS), "?");
    cr_assert_eq(eco_can_checksum_data_id_kind(ECO_CAN_CHECKSUM_VW_MQB), ECO_CAN_DATA_ID_LIST);
    cr_assert_eq(eco_can_checksum_data_id_kind(ECO_CAN_CHECKSUM_AUTOSAR_P1),
                 ECO_CAN_DATA_ID_NUMBER);
    cr_assert_eq(eco_can_checksum_data_id_kind(ECO_CAN_CHECKSUM_TOYOTA), ECO_CAN_DATA_ID_UNUSED);
}

/* ---- set-up errors ---------------------------------------------------------------------- */

static void refused(eco_can_checksum_config c, size_t len, const char *part)
{
    uint8_t f[ECO_CAN_CHECKSUM_MAX_LEN] = {0};
    cr_assert_eq(eco_can_checksum_setup(&c, len, "$.e2e.Msg"), ECO_EINVAL, "want: %s", part);
    cr_assert(strstr(eco_last_error(), "$.e2e.Msg: ") == eco_last_error(), "%s", eco_last_error());
    cr_assert(strstr(eco_last_error(), part), "%s (want %s)", eco_last_error(), part);
    cr_assert_eq(eco_can_checksum_check(&c, f, len < 64 ? len : 64), ECO_EINVAL);
}

Test(can_checksum, setup_refuses_what_the_algorithm_cannot_use)
{
    typedef eco_can_checksum_config cfg;
    cfg c;
    refused(mkcfg(ECO_CAN_CHECKSUM_AUTOSAR_P1, 1, intel(56, 4), intel(48, 4)), 8,
            "must be 8 bits on one whole byte"); /* issue 11: "A 4-bit CRC is refused" */
    refused(mkcfg(ECO_CAN_CHECKSUM_TOYOTA, 1, intel(52, 8), intel(0, 0)), 8, "whole byte");
    refused(mkcfg(ECO_CAN_CHECKSUM_HONDA, 1, motorola(63, 8), intel(0, 0)), 8,
            "4 bits on one nibble");
    refused(mkcfg(ECO_CAN_CHECKSUM_HYUNDAI, 1, intel(58, 4), intel(0, 0)), 8, "nibble");
    refused(mkcfg(ECO_CAN_CHECKSUM_HKG_CANFD, 1, intel(0, 8), intel(0, 0)), 32, "16 bits");
    refused(mkcfg(ECO_CAN_CHECKSUM_CHRYSLER, 1, intel(64, 8), intel(0, 0)), 8,
            "outside the 8-byte message");
    refused(mkcfg(ECO_CAN_CHECKSUM_CHRYSLER, 1, motorola(7, 0), intel(0, 0)), 8, "outside");
    refused(mkcfg(ECO_CAN_CHECKSUM_AUTOSAR_P2, 1, intel(0, 8), intel(0, 0)), 8,
            "counter field is needed");
    refused(mkcfg(ECO_CAN_CHECKSUM_VW_MQB, 1, intel(0, 8), intel(8, 8)), 8, "at most 4 bits");
    refused(mkcfg(ECO_CAN_CHECKSUM_VW_MQB, 1, intel(0, 8), intel(4, 4)), 8, "overlaps");
    refused(mkcfg(ECO_CAN_CHECKSUM_SUBARU, 1, intel(0, 8), intel(62, 4)), 8,
            "counter field (start bit 62, 4 bits) outside");
    refused(mkcfg(ECO_CAN_CHECKSUM_TOYOTA, 1, intel(0, 8), intel(0, 0)), 65, "1..64 bytes");
    refused(mkcfg((eco_can_checksum_algorithm)99, 1, intel(0, 8), intel(0, 0)), 8,
            "unknown algorithm");
    c = mkcfg(ECO_CAN_CHECKSUM_TOYOTA, 1, intel(56, 8), intel(0, 0));
    c.covered_len = 9;
    refused(c, 8, "covered_len is longer");
    c.covered_len = 7;
    refused(c, 8, "past the 7 covered bytes");
    c = mkcfg(ECO_CAN_CHECKSUM_XOR, 1, intel(0, 8), intel(0, 0));
    c.data_id = 0x100;
    refused(c, 8, "0..255");
    c = mkcfg(ECO_CAN_CHECKSUM_AUTOSAR_P1, 1, intel(0, 8), intel(0, 0));
    c.data_id_mode = ECO_CAN_P1_DATA_ID_ALT;
    refused(c, 8, "counter field is needed");
    c.data_id_mode = 4;
    refused(c, 8, "data_id_mode");
    cr_assert(strstr(eco_last_error(), "(algorithm autosar_p1)"), "%s", eco_last_error());
}

/* ---- bit fields --------------------------------------------------------------------------- */

Test(can_checksum, bitfields_in_dbc_numbering)
{
    uint8_t f[8] = {0};
    eco_can_bitfield i12 = intel(12, 8), m11 = motorola(11, 8), m7 = motorola(7, 16);

    /* Intel 12|8: LSB at 1.4, so 0xA5 puts 5 in 1.7..1.4 and A in 2.3..2.0 */
    eco_can_bitfield_set(&i12, 0xA5, f);
    cr_assert(f[1] == 0x50 && f[2] == 0x0A, "%02X %02X", f[1], f[2]);
    cr_assert_eq(eco_can_bitfield_get(&i12, f), 0xA5);
    /* Motorola 11|8: MSB at 1.3, then 1.2..1.0, 2.7..2.4: A in 1.3..1.0, 5 in 2.7..2.4 */
    memset(f, 0, sizeof f);
    eco_can_bitfield_set(&m11, 0xA5, f);
    cr_assert(f[1] == 0x0A && f[2] == 0x50, "%02X %02X", f[1], f[2]);
    cr_assert_eq(eco_can_bitfield_get(&m11, f), 0xA5);
    /* Motorola 7|16: bytes 0, 1 big endian */
    eco_can_bitfield_set(&m7, 0x1234, f);
    cr_assert(f[0] == 0x12 && f[1] == 0x34);
    /* set leaves the other bits alone */
    memset(f, 0xFF, sizeof f);
    eco_can_bitfield_set(&i12, 0, f);
    cr_assert(f[1] == 0x0F && f[2] == 0xF0 && f[0] == 0xFF && f[3] == 0xFF);

    cr_assert_eq(eco_can_bitfield_end(&(eco_can_bitfield){56, 8, 1}), 8);
    cr_assert_eq(eco_can_bitfield_end(&(eco_can_bitfield){63, 8, 0}), 8);
    cr_assert_eq(eco_can_bitfield_end(&(eco_can_bitfield){59, 4, 0}), 8);
    cr_assert_eq(eco_can_bitfield_end(&m7), 2);
    cr_assert_eq(eco_can_bitfield_end(&(eco_can_bitfield){511, 8, 1}), 65);
    cr_assert_eq(eco_can_bitfield_end(&(eco_can_bitfield){512, 8, 1}), 0);
    cr_assert_eq(eco_can_bitfield_end(&(eco_can_bitfield){0, 0, 1}), 0);
    cr_assert_eq(eco_can_bitfield_end(&(eco_can_bitfield){0, 33, 1}), 0);
}
