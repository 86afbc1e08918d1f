/* EcoBrake (src/rt/brake.c): the controller's friction brake on the bus, checked against the
 * frame written out by hand from the DBC's layout (EcoFrictionBrake bits 0-15 at 0.01 %,
 * EcoBrakeValid bit 16, counter bits 48-51) and a CRC-8 SAE J1850 computed here bit by bit
 * from the published algorithm (polynomial 0x1D, start and final XOR 0xFF, data id low byte
 * first), not by the library. */
#include "ecodrive/can.h"
#include "ecodrive/rt.h"

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#define DBC          ECO_SOURCE_DIR "/models/ecodrive.dbc"
#define BRAKE_DATAID 0x0A11 /* EcoE2EDataId of EcoBrake in models/ecodrive.dbc */

static eco_can_db *db;
static eco_rt_brake_layout l;

static void setup(void)
{
    cr_assert_eq(eco_can_db_load(DBC, &db), ECO_OK, "%s", eco_last_error());
    cr_assert_eq(eco_rt_brake_layout_find(db, &l), ECO_OK);
}

static void teardown(void)
{
    eco_can_db_free(db);
}

TestSuite(rt_brake, .init = setup, .fini = teardown);

static uint8_t crc8_j1850(const uint8_t *p, int n)
{
    uint8_t c = 0xFF;
    for (int i = 0; i < n; i++) {
        c ^= p[i];
        for (int b = 0; b < 8; b++)
            c = (uint8_t)(c & 0x80 ? (c << 1) ^ 0x1D : c << 1);
    }
    return c ^ 0xFF;
}

static uint8_t expected_crc(const uint8_t data[8])
{
    uint8_t buf[9] = {BRAKE_DATAID & 0xFF, BRAKE_DATAID >> 8};
    memcpy(buf + 2, data, 7);
    return crc8_j1850(buf, 9);
}

Test(rt_brake, a_valid_brake_is_the_frame_written_by_hand)
{
    uint8_t counter = 5;
    eco_can_frame f;
    cr_assert_eq(eco_rt_brake_encode(&l, db, 0.1234, 1, &counter, &f), ECO_OK);
    cr_expect_eq(f.id, 0x203u);
    cr_expect_eq(f.dlc, 8);
    /* 12.34 % / 0.01 = 1234 = 0x04D2, little-endian; valid at bit 16; counter 5 at bit 48 */
    const uint8_t want[7] = {0xD2, 0x04, 0x01, 0x00, 0x00, 0x00, 0x05};
    cr_expect_arr_eq(f.data, want, 7);
    cr_expect_eq(f.data[7], expected_crc(f.data), "CRC %02X", f.data[7]);
    cr_expect_eq(counter, 6, "the counter advanced");

    double brake;
    int valid;
    cr_assert_eq(eco_rt_brake_decode(&l, db, &f, &brake, &valid), ECO_OK);
    cr_expect_float_eq(brake, 0.1234, 1e-12);
    cr_expect_eq(valid, 1);
}

Test(rt_brake, a_brake_the_signal_cannot_carry_is_no_recommendation)
{
    const double bad[] = {NAN, -0.01, 1.5, INFINITY};
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t counter = 0;
        eco_can_frame f;
        eco_rt_brake_encode(&l, db, bad[i], 1, &counter, &f);
        cr_expect_eq(f.data[0] | f.data[1] | f.data[2], 0, "brake %g: no brake, EcoBrakeValid 0",
                     bad[i]);
        cr_expect_eq(f.data[7], expected_crc(f.data), "still E2E protected");
    }
    uint8_t counter = 0;
    eco_can_frame f;
    cr_assert_eq(eco_rt_brake_encode(&l, db, 0.3, 0, &counter, &f), ECO_OK);
    cr_expect_eq(f.data[0] | f.data[1] | f.data[2], 0, "invalid: the brake is not sent");
}

Test(rt_brake, decode_refuses_another_id_a_short_frame_and_a_value_out_of_range)
{
    eco_can_frame f = {0x203, 8, {0x11, 0x27, 0x01}, 0}; /* 10001 = 100.01 %: above [0|100] */
    double brake;
    int valid;
    cr_expect_eq(eco_rt_brake_decode(&l, db, &f, &brake, &valid), ECO_ERANGE);
    cr_expect(brake == 0.0 && valid == 0, "nothing taken from it");
    f.dlc = 4;
    cr_expect_eq(eco_rt_brake_decode(&l, db, &f, &brake, &valid), ECO_EINVAL);
    f.dlc = 8;
    f.id = 0x200;
    cr_expect_eq(eco_rt_brake_decode(&l, db, &f, &brake, &valid), ECO_EINVAL);
}

Test(rt_brake, a_dbc_without_ecobrake_has_none)
{
    eco_can_db *other;
    cr_assert_eq(eco_can_db_load(ECO_SOURCE_DIR "/models/example_motorola.dbc", &other), ECO_OK);
    eco_rt_brake_layout none;
    cr_expect_eq(eco_rt_brake_layout_find(other, &none), ECO_ENOENT);
    cr_expect_eq(none.msg, -1);
    uint8_t counter = 0;
    eco_can_frame f;
    cr_expect_eq(eco_rt_brake_encode(&none, other, 0.1, 1, &counter, &f), ECO_ENOENT);
    eco_can_db_free(other);
}
