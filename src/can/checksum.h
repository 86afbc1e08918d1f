/* Checksums and CRCs of CAN payloads by configuration (issue 11): AUTOSAR E2E profiles 1
 * and 2 and the OEM checksums that commaai/opendbc implements, over classic and CAN FD
 * payloads (up to 64 bytes). The per-frame functions are private to src/can; the receive path
 * and the setpoint use them through eco_can_e2e_config (can.h). docs/checksums.md gives each
 * algorithm with its source.
 *
 * Use: fill an eco_can_checksum_config (algorithm, address, where the checksum and the
 * counter sit, data id), call eco_can_checksum_setup() once at init, then compute, check or
 * write per frame. The per-frame functions are pure: no allocation, no I/O, no global state
 * but the CRC tables that setup builds once.
 *
 * Covered bytes: payload bytes 0 .. covered_len - 1 (covered_len 0: the whole payload).
 * CRC algorithms skip the checksum field's bytes (it must fill whole bytes); sums count the
 * covered bytes with the checksum field's bits taken as 0. Either way, what the checksum field
 * holds never changes the computed value. */
#ifndef ECODRIVE_CAN_CHECKSUM_H
#define ECODRIVE_CAN_CHECKSUM_H

#include "ecodrive/can.h"

#include <stddef.h>
#include <stdint.h>

/* The types (eco_can_checksum_algorithm, eco_can_bitfield, eco_can_checksum_config, ...)
 * are public in ecodrive/can.h, for the per-message E2E configuration they make up. */

/* Init-time: check cfg against the algorithm and a message of msg_len bytes (1..64), fill
 * its derived members and build the CRC tables (once per process). The checksum field must
 * be 8 bits on a whole byte (4 bits on a nibble for honda and hyundai, 16 bits on two whole
 * bytes for hkg_canfd), inside the covered bytes; the counter must not overlap it, and is
 * 4 bits for autosar_p2 and vw_mqb. ECO_OK, or ECO_EINVAL with eco_last_error()
 * "WHERE: problem" (where: e.g. "$.e2e.ESP_21" or "file.dbc:12"; NULL for none). */
int eco_can_checksum_setup(eco_can_checksum_config *cfg, size_t msg_len, const char *where);

/* The checksum of a payload of len bytes, right-aligned in the field's width, whatever the
 * checksum field holds. 0 if cfg is not set up, the algorithm is none, or len is too short
 * for the fields. */
uint32_t eco_can_checksum_compute(const eco_can_checksum_config *cfg, const uint8_t *data,
                                  size_t len);

/* Compare the checksum field with the computed value. ECO_OK when they agree (always for
 * none); ECO_ECRC when not; ECO_EINVAL if cfg is not set up or len is too short. */
int eco_can_checksum_check(const eco_can_checksum_config *cfg, const uint8_t *data, size_t len);

/* Compute and write the checksum into its field (after the counter and the data are in
 * place). ECO_OK, or ECO_EINVAL as for check. */
int eco_can_checksum_write(const eco_can_checksum_config *cfg, uint8_t *data, size_t len);

/* Raw value of a bit field (up to 32 bits); the caller ensures it fits in the payload. */
uint32_t eco_can_bitfield_get(const eco_can_bitfield *f, const uint8_t *data);

/* Write the low length_bits of v into a bit field, leaving the other bits as they are. */
void eco_can_bitfield_set(const eco_can_bitfield *f, uint32_t v, uint8_t *data);

/* Bytes a bit field needs in the payload (its last byte + 1), 0 if it is malformed (length
 * 0 or over 32, start bit past 511, or running off byte 0 in Motorola order). */
size_t eco_can_bitfield_end(const eco_can_bitfield *f);

/* The CRC kernels, table-driven (sliced by 8 bytes): the register after n bytes, starting
 * from reg, MSB first, no final XOR. poly: 0x1D (SAE J1850) or 0x2F (8H2F); 16 bits: 0x1021.
 * Valid after the first eco_can_checksum_setup() or eco_can_checksum_tables_init(). */
uint8_t eco_can_checksum_crc8(uint8_t poly, uint8_t reg, const uint8_t *p, size_t n);
uint16_t eco_can_checksum_crc16(uint16_t reg, const uint8_t *p, size_t n);

/* Build the CRC tables (idempotent; init-time, before any thread uses them). */
void eco_can_checksum_tables_init(void);

#endif
