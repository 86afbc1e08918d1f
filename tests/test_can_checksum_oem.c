/* Checksum library (src/can/checksum.h), part 2: the OEM checksums against frames of real
 * cars from public captures, and the others against frames computed independently. Each
 * test says where its frames come from. Fields are given as the DBC gives them
 * (start|length@order: @0 Motorola, @1 Intel). */
#include "../src/can/checksum.h"
#include "ecodrive/common.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static size_t hex(const char *s, uint8_t *out)
{
    size_t n = 0;
    for (; s[0] && s[1]; s += 2) {
        char h[3] = {s[0], s[1], 0};
        out[n++] = (uint8_t)strtoul(h, NULL, 16);
    }
    return n;
}

static eco_can_checksum_config mkcfg(eco_can_checksum_algorithm a, uint32_t address,
                                     unsigned cks_start, unsigned cks_len, unsigned cks_order,
                                     unsigned ctr_start, unsigned ctr_len, unsigned ctr_order)
{
    eco_can_checksum_config c;
    memset(&c, 0, sizeof c);
    c.algorithm = a;
    c.address = address;
    c.checksum = (eco_can_bitfield){(uint16_t)cks_start, (uint8_t)cks_len, (uint8_t)cks_order};
    c.counter = (eco_can_bitfield){(uint16_t)ctr_start, (uint8_t)ctr_len, (uint8_t)ctr_order};
    return c;
}

/* Every frame passes the check, with its length as the message length; the computed value
 * is the one in the frame; a flipped bit in the covered bytes fails. */
static void frames_pass(eco_can_checksum_config c, const char *const *frames, size_t n_frames)
{
    size_t k, i;
    for (k = 0; k < n_frames; k++) {
        uint8_t f[ECO_CAN_CHECKSUM_MAX_LEN];
        size_t len = hex(frames[k], f);
        size_t covered = c.covered_len ? c.covered_len : len;
        cr_assert_eq(eco_can_checksum_setup(&c, len, frames[k]), ECO_OK, "%s", eco_last_error());
        cr_assert_eq(eco_can_checksum_compute(&c, f, len), eco_can_bitfield_get(&c.checksum, f),
                     "%03X#%s: computed %X", c.address, frames[k],
                     eco_can_checksum_compute(&c, f, len));
        cr_assert_eq(eco_can_checksum_check(&c, f, len), ECO_OK);
        for (i = 0; i < covered * 8; i++) {
            f[i / 8] ^= (uint8_t)(1u << (i % 8));
            cr_assert_eq(eco_can_checksum_check(&c, f, len), ECO_ECRC, "%s bit %zu", frames[k], i);
            f[i / 8] ^= (uint8_t)(1u << (i % 8));
        }
    }
}

#define N(a) (sizeof(a) / sizeof *(a))

/* ---- Toyota ------------------------------------------------------------------------------ */

Test(can_checksum_oem, toyota_real_prius_frames)
{
    /* Checksum in the last byte (opendbc toyota_prius_2010_pt.dbc: CHECKSUM 63|8@0 in 8-byte
     * messages), = (frame length + address bytes + all bytes but the last) & 0xFF.
     * 0B6#33A80095: 2010 Prius, Miller & Valasek, "Adventures in Automotive Networks and
     *   Control Units" (2013), section "Checksum - Toyota": 0xB6 + 4 + 0x33 + 0xA8 = 0x195.
     * 3CB#696B0065151538: 2005 Prius battery ECU, Jim Fell, eaa-phev.net wiki "Talk:Prius
     *   PHEV TechInfo" (2006): 3 + 203 + 7 + 105 + 107 + 0 + 101 + 21 + 21 = 568 -> 56.
     * 320#802000000000CA and 0B4#0000000061016684 (0B4 = SPEED in opendbc's DBC): NMSTEC,
     *   rusefi CANBUS-RE-Tools ToyotaChecksum.txt (2023): 0x20 + 0x03 + 7 + 0x80 + 0x20 =
     *   0xCA; 0xB4 + 8 + 0x61 + 0x01 + 0x66 = 0x184. */
    static const struct {
        uint32_t id;
        const char *frame;
    } v[] = {{0x0B6, "33A80095"},
             {0x3CB, "696B0065151538"},
             {0x320, "802000000000CA"},
             {0x0B4, "0000000061016684"}};
    size_t k;
    for (k = 0; k < N(v); k++) {
        size_t len = strlen(v[k].frame) / 2;
        const char *one[] = {v[k].frame};
        /* the last byte, Motorola start bit = its MSB */
        frames_pass(mkcfg(ECO_CAN_CHECKSUM_TOYOTA, v[k].id, (unsigned)(len * 8 - 1), 8, 0, 0, 0, 0),
                    one, 1);
    }
}

/* ---- Honda ------------------------------------------------------------------------------- */

Test(can_checksum_oem, honda_real_insight_and_civic_frames)
{
    /* Checksum in the low nibble of the last byte (opendbc _honda_common.dbc CHECKSUM 59|4@0
     * in 8-byte messages), counter in 5..4 of it; = (8 - nibbles of the address - nibbles
     * of the data without the checksum nibble) & 0xF.
     * 115#...: a 2006 Honda Insight (IMA) ECM, insightcentral.net thread "checksum
     *   calculation help" (2019): 22 FF F3 00 00 41 10 25: 1+1+5 + 2+2+F+F+F+3+0+0+0+0+4+1
     *   +1+0 + 2 = 67, 8 - 67 = -59 = 5 (mod 16).
     * 1DC#...: a 2006 Civic Si, rusefi issue #7223 (ElDominio, 2024, from the log
     *   CANBUSlogs/civic8th/engineon.log): 02 05 9D 2F: 1+D+C + 0+2+0+5+9+D + 2 = 57,
     *   8 - 57 = -49 = 15. */
    static const char *const insight[] = {"22FFF30000411025", "22FFEC000041101E",
                                          "22FFEC000041103C"};
    static const char *const civic[] = {"0200000C", "0200001B", "0200002A",
                                        "02000039", "02059D2F", "0204B238"};
    frames_pass(mkcfg(ECO_CAN_CHECKSUM_HONDA, 0x115, 59, 4, 0, 61, 2, 0), insight, N(insight));
    frames_pass(mkcfg(ECO_CAN_CHECKSUM_HONDA, 0x1DC, 27, 4, 0, 29, 2, 0), civic, N(civic));
}

Test(can_checksum_oem, honda_standard_and_extended_ids)
{
    /* opendbc opendbc/can/tests/test_checksums.py test_honda_checksum: LKAS_HUD (0x33D) and
     * LKAS_HUD_A (13274 = 0x33DA, taken as extended for being above 0x7FF), 5 bytes, with
     * LKAS_READY (0.0), LKAS_STATE_CHANGE (0.6), STEERING_REQUIRED (1.0), SOLID_LANES (1.2) = 1
     * -> 41 05 00 00, counter 37|2@0 = 0..3, checksum 35|4@0; the test's known checksums are
     * 11, 10, 9, 8 (standard) and 4, 3, 2, 1 (extended: + 3). By hand: 3+3+D + 4+1+0+5 = 29,
     * 8 - 29 = 11; 3+3+D+A + 10 = 39, 8 - 39 + 3 = 4 (mod 16). */
    static const char *const std_id[] = {"410500000B", "410500001A", "4105000029", "4105000038"};
    static const char *const ext_id[] = {"4105000004", "4105000013", "4105000022", "4105000031"};
    frames_pass(mkcfg(ECO_CAN_CHECKSUM_HONDA, 0x33D, 35, 4, 0, 37, 2, 0), std_id, N(std_id));
    frames_pass(mkcfg(ECO_CAN_CHECKSUM_HONDA, 0x33DA, 35, 4, 0, 37, 2, 0), ext_id, N(ext_id));
}

/* ---- Volkswagen MQB ---------------------------------------------------------------------- */

/* Known-good frames of real MQB cars, all 16 counter values each: opendbc
 * opendbc/can/tests/test_checksums.py (test_volkswagen_mqb_crc_*), and the per-message magic
 * bytes from opendbc/car/volkswagen/mqbcan.py VOLKSWAGEN_MQB_MEB_CONSTANTS (commit
 * 7343a66d of commaai/opendbc). CRC byte 0 (0|8@1), counter 1.3..1.0 (8|4@1). */
static const struct {
    const char *name;
    uint32_t id;
    uint8_t magic[16];
    const char *frames[16];
} mqb[] = {
    {"LWI_01",
     0x86,
     {0x86, 0x86, 0x86, 0x86, 0x86, 0x86, 0x86, 0x86, 0x86, 0x86, 0x86, 0x86, 0x86, 0x86, 0x86,
      0x86},
     {"6B00BD0000000000", "EE010A0000000000", "D802A90000000000", "0303BEA212000000",
      "7B04312003000000", "8B05E28509000000", "6306132100000000", "6607050000000000",
      "49080D0000000000", "5F097E6001000000", "AF0A722000000000", "590B1B0000000000",
      "A80C060000000000", "BC0D722000000000", "F90E0F0000000000", "600F62C000000000"}},
    {"ESP_21",
     0xFD,
     {0xB4, 0xEF, 0xF8, 0x49, 0x1E, 0xE5, 0xC2, 0xC0, 0x97, 0x19, 0x3C, 0xC9, 0xF1, 0x98, 0xD6,
      0x61},
     {"66D01F8045050000", "87D11F8052050000", "CDD21F8050060000", "FDD31F8035020000",
      "FAD41F8022050000", "FDD51F8084040000", "2ED61F80F0030000", "9FD71F8000000000",
      "1ED81F80B3030000", "61D91F806D050000", "44DA1F8047020000", "86DB1F803A020000",
      "39DC1F80CB010000", "19DD1F8000000000", "8CDE1F80BA040000", "FBDF1F8046000000"}},
    {"Getriebe_11",
     0xAD,
     {0x3F, 0x69, 0x39, 0xDC, 0x94, 0xF9, 0x14, 0x64, 0xD8, 0x6A, 0x34, 0xCE, 0xA2, 0x55, 0xB5,
      0x2C},
     {"F8E0BFFF5F202020", "B0E1BFFFC6982180", "D2E2BFFF5F202020", "00E3BFFFAA202010",
      "F1E4BFFF5F202020", "C4E5BFFF5F202020", "DAE6BFFF5F202020", "85E7BFFF5F202020",
      "12E8BFFF5F202020", "45E9BFFFAA202010", "03EABFFFCC202010", "FCEBBFFF5F202120",
      "FEECBFFFAD202010", "BDEDBFFFAA202010", "67EEBFFFAA202010", "36EFBFFFAA202010"}},
    {"Motor_20",
     0x121,
     {0xE9, 0x65, 0xAE, 0x6B, 0x7B, 0x35, 0xE5, 0x5F, 0x4E, 0xC7, 0x86, 0xA2, 0xBB, 0xDD, 0xEB,
      0xB4},
     {"B90000C039467EFE", "853120001A467EFE", "C71200401A467EFE", "5393000019467EFE",
      "A43400801A467EFE", "0E55206018467EFE", "3F0600C0374C7EFE", "0C07004039467EFE",
      "2A0800003A467EFE", "7F4920801A467EFE", "2F0A00C039467EFE", "70BB000017467EFE",
      "060C000039467EFE", "4B9D20E0164C7EFE", "73FE004016467EFE", "AF0F2080394C7EFE"}},
    {"Motor_EV_01",
     0x187,
     {0x7F, 0xED, 0x17, 0xC2, 0x7C, 0xEB, 0x44, 0x21, 0x01, 0xFA, 0xDB, 0x15, 0x4A, 0x6B, 0x23,
      0x05},
     {"70801500000000F0", "07811500000000F0", "7A821500000000F0", "26831500000000F0",
      "BE841500000000F0", "5A851500000000F0", "FC861500000000F0", "9E871500000000F0",
      "AF881500000000F0", "35891500000000F0", "C58A1500000000F0", "118B1500000000F0",
      "D08C1500000000F0", "E88D1500000000F0", "F58E1500000000F0", "008F1500000000F0"}},
    {"Klemmen_Status_01",
     0x3C0,
     {0xC3, 0xC3, 0xC3, 0xC3, 0xC3, 0xC3, 0xC3, 0xC3, 0xC3, 0xC3, 0xC3, 0xC3, 0xC3, 0xC3, 0xC3,
      0xC3},
     {"74000300", "C1010300", "31020300", "84030300", "FE040300", "4B050300", "BB060300",
      "0E070300", "4F080300", "FA090300", "0A0A0300", "BF0B0300", "C50C0300", "700D0300",
      "800E0300", "350F0300"}},
};

Test(can_checksum_oem, vw_mqb_real_frames_all_counters)
{
    size_t m;
    for (m = 0; m < N(mqb); m++) {
        eco_can_checksum_config c = mkcfg(ECO_CAN_CHECKSUM_VW_MQB, mqb[m].id, 0, 8, 1, 8, 4, 1);
        memcpy(c.data_id_list, mqb[m].magic, 16);
        frames_pass(c, mqb[m].frames, 16);
        c.algorithm = ECO_CAN_CHECKSUM_AUTOSAR_P2; /* the same algorithm under its own name */
        frames_pass(c, mqb[m].frames, 16);
        c.data_id_list[5] ^= 0x40; /* a wrong magic byte for counter 5 fails that frame only */
        cr_assert_eq(eco_can_checksum_setup(&c, strlen(mqb[m].frames[5]) / 2, NULL), ECO_OK);
        {
            uint8_t f[8];
            size_t len = hex(mqb[m].frames[5], f);
            cr_assert_eq(eco_can_checksum_check(&c, f, len), ECO_ECRC, "%s", mqb[m].name);
            len = hex(mqb[m].frames[6], f);
            cr_assert_eq(eco_can_checksum_check(&c, f, len), ECO_OK, "%s", mqb[m].name);
        }
    }
}

/* ---- Hyundai / Kia -------------------------------------------------------------------- */

Test(can_checksum_oem, hyundai_real_kia_frames_all_counters)
{
    /* A Kia engine ECU's 0x081 (EMS_DCT12 in opendbc hyundai_can.dbc: CF_Ems_Alive2 56|4@1,
     * CF_Ems_ChkSum2 60|4@1), a full counter cycle from rusefi_documentation issue #493
     * ("kia EMS_DCT11 packet checksum", a capture by rusefillc). The nibble sum of opendbc
     * safety/modes/hyundai.h, (16 - s % 16) % 16, with the checksum nibble taken as 0:
     * 4+0+8+4+5+F = 36 plus the counter c, so counter 7 gives (16 - 43 % 16) = 5 -> 57. */
    static const char *const kia[] = {
        "40845F0000000057", "40845F0000000048", "40845F0000000039", "40845F000000002A",
        "40845F000000001B", "40845F000000000C", "40845F00000000FD", "40845F00000000EE",
        "40845F00000000DF", "40845F00000000C0", "40845F00000000B1", "40845F00000000A2",
        "40845F0000000093", "40845F0000000084", "40845F0000000075", "40845F0000000066"};
    frames_pass(mkcfg(ECO_CAN_CHECKSUM_HYUNDAI, 0x081, 60, 4, 1, 56, 4, 1), kia, N(kia));
}

Test(can_checksum_oem, hyundai_tcs13_leaves_byte_7_out)
{
    /* opendbc safety/modes/hyundai.h leaves byte 7 of TCS13 (0x394) out of the sum and takes
     * CheckSum_TCS3 (48|4@1, 6.3..6.0) as 0: covered_len 7. By hand for
     * 01 02 03 04 05 06 2? FF: 1+2+3+4+5+6+2 = 23, (16 - 23 % 16) % 16 = 9 -> byte 6 = 0x29;
     * byte 7 may then hold anything. */
    uint8_t f[8];
    eco_can_checksum_config c = mkcfg(ECO_CAN_CHECKSUM_HYUNDAI, 0x394, 48, 4, 1, 13, 3, 1);
    static const char *const one[] = {"0102030405062900"};
    int b;
    c.covered_len = 7;
    frames_pass(c, one, 1);
    cr_assert_eq(eco_can_checksum_setup(&c, 8, NULL), ECO_OK);
    hex(one[0], f);
    for (b = 0; b < 256; b++) {
        f[7] = (uint8_t)b;
        cr_assert_eq(eco_can_checksum_check(&c, f, 8), ECO_OK);
    }
    c.covered_len = 0; /* with byte 7 covered, FF changes the sum: 23 + 30 = 53 -> 11 */
    cr_assert_eq(eco_can_checksum_setup(&c, 8, NULL), ECO_OK);
    cr_assert_eq(eco_can_checksum_compute(&c, f, 8), 11);
}

Test(can_checksum_oem, hyundai_crc8_lkas11)
{
    /* opendbc car/hyundai/hyundaican.py: LKAS11 (0x340) checksum CF_Lkas_Chksum 48|8@1 (byte
     * 6) = hyundai_checksum(bytes 0..5 + byte 7), mk_crc8_fun(CRC8J1850, init_crc=0xFD,
     * xor_out=0xDF) (crcmod.mkCrcFun(0x11D, initCrc=0xFD, xorOut=0xDF) in older
     * versions): the register starts at 0xFD ^ 0xDF = 0x22. Computed once with a bitwise
     * Python CRC (poly 0x1D, MSB first, register 0x22, final XOR 0xDF) over 0C 04 00 0C 4C 0A
     * 00 = 0xCE. The CRC of nothing is initCrc itself (crcmod's definition): a 1-byte
     * message holding only the checksum gives 0xFD. */
    static const char *const lkas11[] = {"0C04000C4C0ACE00"};
    uint8_t f[1] = {0};
    eco_can_checksum_config c = mkcfg(ECO_CAN_CHECKSUM_HYUNDAI_CRC8, 0x340, 48, 8, 1, 36, 4, 1);
    frames_pass(c, lkas11, 1);
    c = mkcfg(ECO_CAN_CHECKSUM_HYUNDAI_CRC8, 0x340, 0, 8, 1, 0, 0, 0);
    cr_assert_eq(eco_can_checksum_setup(&c, 1, NULL), ECO_OK);
    cr_assert_eq(eco_can_checksum_compute(&c, f, 1), 0xFD);
}

Test(can_checksum_oem, hkg_canfd_crc16)
{
    /* opendbc car/hyundai/hyundaicanfd.py hkg_can_fd_checksum: CRC-16/XMODEM over bytes
     * 2..n-1, then the address low and high bytes, then XOR 0x5F29 / 0x041D / 0x819D /
     * 0x9F5B for 8 / 16 / 24 / 32 bytes (none for other lengths); CHECKSUM 0|16@1. Frames:
     * byte i (i >= 2) = ((i - 2) * 29 + 7) & 0xFF; expected values computed once with a
     * bitwise Python CRC-16 (poly 0x1021, register 0, MSB first) following that definition. */
    static const struct {
        size_t len;
        uint32_t id;
        uint16_t crc;
    } v[] = {{8, 0x12A, 0xB6D5}, {24, 0x0EA, 0xDE63}, {32, 0x1A0, 0xD6DD}, {64, 0x1A0, 0xB229}};
    size_t k, i;
    for (k = 0; k < N(v); k++) {
        uint8_t f[ECO_CAN_CHECKSUM_MAX_LEN] = {0};
        eco_can_checksum_config c = mkcfg(ECO_CAN_CHECKSUM_HKG_CANFD, v[k].id, 0, 16, 1, 0, 0, 0);
        for (i = 2; i < v[k].len; i++)
            f[i] = (uint8_t)(((i - 2) * 29 + 7) & 0xFF);
        cr_assert_eq(eco_can_checksum_setup(&c, v[k].len, NULL), ECO_OK, "%s", eco_last_error());
        cr_assert_eq(eco_can_checksum_compute(&c, f, v[k].len), v[k].crc, "%zu bytes: %04X",
                     v[k].len, eco_can_checksum_compute(&c, f, v[k].len));
        cr_assert_eq(eco_can_checksum_write(&c, f, v[k].len), ECO_OK);
        cr_assert(f[0] == (v[k].crc & 0xFF) && f[1] == (v[k].crc >> 8), "little endian");
        cr_assert_eq(eco_can_checksum_check(&c, f, v[k].len), ECO_OK);
    }
}

/* ---- the others ------------------------------------------------------------------------ */

Test(can_checksum_oem, chrysler_subaru_xor)
{
    /* Chrysler: opendbc car/chrysler/chryslercan.py chrysler_checksum, a bit-serial loop over
     * all bytes but the last, is CRC-8/SAE-J1850 (checked against a bitwise CRC in Python on
     * 1000 random frames). 14 00 00 00 20 CC: commaai/openpilot
     * selfdrive/car/chrysler/chryslercan_test.py ("good checksum: \xcc"); CRC-8/SAE-J1850 of
     * 14 00 00 00 20 is 0xCC.
     * Subaru: opendbc subarucan.py subaru_checksum = address bytes + bytes 1..n-1, checksum
     * byte 0. By hand for 0x140: 0x40 + 0x01 + 1A+2B+3C+4D+5E+6F+70 = 0x24C -> 0x4C.
     * XOR: opendbc mqbcan.py xor_checksum (VW PQ: start value 0; VW MLB: a start value per
     * message) over the bytes but the checksum byte 0. By hand: 11^22^33^44^55^66^78 = 0x0F;
     * from start value 0x08: 0x07. */
    static const char *const chrysler[] = {"1400000020CC"};
    static const char *const subaru[] = {"4C1A2B3C4D5E6F70"};
    static const char *const xor0[] = {"0F11223344556678"};
    static const char *const xor8[] = {"0711223344556678"};
    eco_can_checksum_config c;
    frames_pass(mkcfg(ECO_CAN_CHECKSUM_CHRYSLER, 0x292, 47, 8, 0, 35, 4, 0), chrysler, 1);
    frames_pass(mkcfg(ECO_CAN_CHECKSUM_SUBARU, 0x140, 0, 8, 1, 8, 4, 1), subaru, 1);
    frames_pass(mkcfg(ECO_CAN_CHECKSUM_XOR, 0x0A8, 0, 8, 1, 8, 4, 1), xor0, 1);
    c = mkcfg(ECO_CAN_CHECKSUM_XOR, 0x109, 0, 8, 1, 8, 4, 1);
    c.data_id = 0x08;
    frames_pass(c, xor8, 1);
}
