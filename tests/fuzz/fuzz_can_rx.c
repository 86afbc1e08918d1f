/* libFuzzer harness: the frame receive and decode path (eco_can_rx_frame: id lookup,
 * length, E2E counter and CRC, decode, staleness) over the shipped DBCs and mappings and the
 * CAN FD test DBC, fed a stream of frames. Input: byte 0 picks the database (bit 4: the FD
 * one, else bit 0) and the E2E counter step (bits 1-3); then records: id (4, little-endian),
 * a control byte, the time step in ms (2), the data: 8 bytes for a classic frame, the FD
 * length for an FD one. Control byte: bit 6: an FD frame of the length FD_LEN[low nibble],
 * else classic with dlc = low nibble mod 9; bit 4: the id is replaced by that of message
 * (id mod n_msgs), so that most frames reach the decoder; bit 5: the frame is E2E-protected
 * as a sender would (eco_can_e2e_protect), so that the checks pass and the decode runs.
 * After each frame every signal and every mapped input is read. The counters must add up:
 * frames = accepted + unknown + rejected. */
#include "ecodrive/can.h"
#include "ecodrive/config.h"
#include "fuzz_util.h"

#include <stdlib.h>
#include <string.h>

#define HEADER 7 /* id, control, time step */

/* The 16 lengths a CAN FD frame can have. */
static const uint8_t FD_LEN[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 20, 24, 32, 48, 64};

typedef struct {
    eco_can_db *db;
    eco_can_rx *rx;
    eco_can_mapping map;
    uint8_t counter[256]; /* the sender's E2E counter per message */
} bus;

static bus buses[3];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    static const char *const dbcs[3] = {"models/ecodrive.dbc", "models/example_motorola.dbc",
                                        "tests/data/ecodrive_fd.dbc"};
    static const char *const maps[3] = {"models/mappings/ecodrive.json",
                                        "models/mappings/example_motorola.json",
                                        "models/mappings/ecodrive.json"};
    for (int i = 0; i < 3; i++) {
        char dbc[4096], json[4096];
        eco_fuzz_source_path(dbcs[i], dbc, sizeof dbc);
        eco_fuzz_source_path(maps[i], json, sizeof json);
        bus *b = &buses[i];
        if (eco_can_db_load(dbc, &b->db) || eco_can_rx_create(b->db, &b->rx) ||
            eco_cfg_mapping_load(json, b->db, &b->map) || eco_can_mapping_apply(&b->map, b->rx) ||
            b->db->n_msgs > 256)
            abort();
    }
    return 0;
}

/* The frame of the record at r (size bytes left); returns the record's length, 0 if the
 * input ends inside it. */
static size_t frame_from(bus *b, const uint8_t *r, size_t size, eco_can_frame *f)
{
    if (size < HEADER)
        return 0;
    uint8_t ctl = r[4];
    int fd = (ctl & 0x40) != 0;
    size_t n = fd ? FD_LEN[ctl & 0x0F] : ECO_CAN_CLASSIC_DLEN;
    if (size < HEADER + n)
        return 0;
    memset(f, 0, sizeof *f);
    f->id = (uint32_t)r[0] | (uint32_t)r[1] << 8 | (uint32_t)r[2] << 16 | (uint32_t)r[3] << 24;
    f->dlc = fd ? (uint8_t)n : (uint8_t)((ctl & 0x0F) % (ECO_CAN_CLASSIC_DLEN + 1));
    f->flags = fd ? ECO_CAN_FD : 0;
    memcpy(f->data, r + HEADER, f->dlc); /* bytes past dlc stay zero, as the API asks */
    if (!(ctl & 0x10))
        return HEADER + n;
    int mi = (int)(f->id % (uint32_t)b->db->n_msgs);
    f->id = b->db->msgs[mi].id;
    if ((ctl & 0x20) && b->db->msgs[mi].e2e_crc >= 0 && f->dlc >= b->db->msgs[mi].dlc)
        ECO_FUZZ_ASSERT(eco_can_e2e_protect(b->db, mi, f->data, &b->counter[mi]) == ECO_OK);
    return HEADER + n;
}

static void read_all(const bus *b, int64_t now_ns)
{
    double v;
    int64_t age;
    for (int s = 0; s < b->db->n_signals; s++) {
        eco_can_rx_get(b->rx, s, now_ns, &v);
        ECO_FUZZ_ASSERT(eco_can_rx_age_ns(b->rx, s, now_ns) >= 0);
    }
    for (int f = 0; f < ECO_CAN_IN_COUNT; f++)
        eco_can_mapping_read(&b->map, b->rx, (eco_can_in_field)f, now_ns, &v, &age);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    bus *b = &buses[data[0] & 0x10 ? 2 : data[0] & 1];
    eco_can_rx_reset(b->rx);
    ECO_FUZZ_ASSERT(eco_can_rx_set_e2e_max_delta(b->rx, 1u + ((data[0] >> 1) & 7u)) == ECO_OK);
    memset(b->counter, 0, sizeof b->counter);
    int64_t t_ns = 0;
    size_t len;
    eco_can_frame f;
    for (size_t off = 1; (len = frame_from(b, data + off, size - off, &f)) > 0; off += len) {
        t_ns += ((int64_t)data[off + 5] | (int64_t)data[off + 6] << 8) * 1000000;
        eco_can_rx_frame(b->rx, &f, t_ns);
        read_all(b, t_ns);
    }
    const eco_can_rx_stats *st = &b->rx->stats;
    ECO_FUZZ_ASSERT(st->frames == st->accepted + st->unknown + st->rejected);
    ECO_FUZZ_ASSERT(st->rejected ==
                    st->short_frames + st->crc_errors + st->counter_errors + st->bad_values);
    return 0;
}
