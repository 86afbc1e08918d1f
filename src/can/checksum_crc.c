/* CRC kernels for the checksum library: CRC-8 with the polynomials 0x1D (SAE J1850) and 0x2F
 * (AUTOSAR 8H2F) and CRC-16 with 0x1021 (CCITT), MSB first, no reflection (the forms the
 * CRC RevEng catalogue lists as CRC-8/SAE-J1850, CRC-8/AUTOSAR and CRC-16/XMODEM).
 *
 * Byte at a time, a table CRC is a chain of dependent loads, one per byte, 64 for a CAN FD
 * payload, against a decode budget of 200 ns per frame (issue 11; figures in
 * docs/checksums.md). Slicing by 8 breaks the chain: T[k][x] is the register after the byte x
 * followed by k zero bytes, so by linearity the register after 8 bytes is the XOR of eight
 * independent look-ups (Kounavis & Berry, "Novel table lookup-based algorithms for
 * high-performance CRC generation", IEEE Trans. Computers 57(11), 2008). The tables are
 * built once, from the polynomial alone. */
#include "checksum.h"

#include <stdbool.h>

#define SLICE 8 /* bytes per step of the sliced loop */

static uint8_t crc8_j1850[SLICE][256];
static uint8_t crc8_8h2f[SLICE][256];
static uint16_t crc16_ccitt[SLICE][256];
static bool tables_built;

/* The register after one byte x from a zero register: 8 shifts, XOR-ing the polynomial in
 * whenever a 1 leaves the top. */
static uint8_t crc8_of_byte(uint8_t poly, uint8_t x)
{
    unsigned c = x, b;
    for (b = 0; b < 8; b++)
        c = (c & 0x80u) ? ((c << 1) ^ poly) & 0xFFu : (c << 1) & 0xFFu;
    return (uint8_t)c;
}

static uint16_t crc16_of_byte(uint16_t poly, uint8_t x)
{
    unsigned c = (unsigned)x << 8, b;
    for (b = 0; b < 8; b++)
        c = (c & 0x8000u) ? ((c << 1) ^ poly) & 0xFFFFu : (c << 1) & 0xFFFFu;
    return (uint16_t)c;
}

static void build_crc8(uint8_t t[SLICE][256], uint8_t poly)
{
    unsigned x, k;
    for (x = 0; x < 256; x++)
        t[0][x] = crc8_of_byte(poly, (uint8_t)x);
    for (k = 1; k < SLICE; k++) /* one more zero byte through the register */
        for (x = 0; x < 256; x++)
            t[k][x] = t[0][t[k - 1][x]];
}

static void build_crc16(uint16_t t[SLICE][256], uint16_t poly)
{
    unsigned x, k;
    for (x = 0; x < 256; x++)
        t[0][x] = crc16_of_byte(poly, (uint8_t)x);
    for (k = 1; k < SLICE; k++)
        for (x = 0; x < 256; x++) {
            uint16_t r = t[k - 1][x];
            t[k][x] = (uint16_t)((r << 8) ^ t[0][r >> 8]);
        }
}

void eco_can_checksum_tables_init(void)
{
    if (tables_built)
        return;
    build_crc8(crc8_j1850, 0x1D);
    build_crc8(crc8_8h2f, 0x2F);
    build_crc16(crc16_ccitt, 0x1021);
    tables_built = true;
}

static uint8_t crc8_sliced(const uint8_t t[SLICE][256], uint8_t reg, const uint8_t *p, size_t n)
{
    size_t i = 0;
    for (; i + SLICE <= n; i += SLICE)
        reg = t[7][reg ^ p[i]] ^ t[6][p[i + 1]] ^ t[5][p[i + 2]] ^ t[4][p[i + 3]] ^ t[3][p[i + 4]] ^
              t[2][p[i + 5]] ^ t[1][p[i + 6]] ^ t[0][p[i + 7]];
    for (; i < n; i++)
        reg = t[0][reg ^ p[i]];
    return reg;
}

uint8_t eco_can_checksum_crc8(uint8_t poly, uint8_t reg, const uint8_t *p, size_t n)
{
    size_t i;
    if (poly == 0x1D && tables_built)
        return crc8_sliced((const uint8_t(*)[256])crc8_j1850, reg, p, n);
    if (poly == 0x2F && tables_built)
        return crc8_sliced((const uint8_t(*)[256])crc8_8h2f, reg, p, n);
    for (i = 0; i < n; i++) /* any other polynomial, or before init: bit by bit */
        reg = crc8_of_byte(poly, (uint8_t)(reg ^ p[i]));
    return reg;
}

uint16_t eco_can_checksum_crc16(uint16_t reg, const uint8_t *p, size_t n)
{
    const uint16_t(*t)[256] = (const uint16_t(*)[256])crc16_ccitt;
    size_t i = 0;

    if (!tables_built) {
        for (; i < n; i++)
            reg = (uint16_t)((reg << 8) ^ crc16_of_byte(0x1021, (uint8_t)((reg >> 8) ^ p[i])));
        return reg;
    }
    /* the 16-bit register enters through the first two bytes of each group of eight */
    for (; i + SLICE <= n; i += SLICE)
        reg = t[7][(reg >> 8) ^ p[i]] ^ t[6][(reg & 0xFFu) ^ p[i + 1]] ^ t[5][p[i + 2]] ^
              t[4][p[i + 3]] ^ t[3][p[i + 4]] ^ t[2][p[i + 5]] ^ t[1][p[i + 6]] ^ t[0][p[i + 7]];
    for (; i < n; i++)
        reg = (uint16_t)((reg << 8) ^ t[0][(reg >> 8) ^ p[i]]);
    return reg;
}
