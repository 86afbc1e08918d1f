/* Signal pack/unpack for both DBC byte orders. A signal is read from a window of 8 payload
 * bytes viewed as one 64-bit word, little-endian for Intel and big-endian for Motorola, so
 * every signal is a load, a shift and a mask precomputed once by eco_can_signal_init(). A
 * classic frame's window is the whole frame; in a CAN FD frame of up to 64 bytes each
 * signal has its own, at a byte offset. */
#include "ecodrive/can.h"

#include "mux.h"

#include <math.h>
#include <string.h>

int eco_can_fd_len_valid(unsigned len)
{
    return len <= 8 || len == 12 || len == 16 || len == 20 || len == 24 || len == 32 || len == 48 ||
           len == 64;
}

/* Load 8 payload bytes as a little-endian word (d[0] = bits 0..7). */
static inline uint64_t load_le(const uint8_t *d)
{
    uint64_t w;
    memcpy(&w, d, sizeof w);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w);
#endif
    return w;
}

static inline void store_le(uint8_t *d, uint64_t w)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w);
#endif
    memcpy(d, &w, sizeof w);
}

static inline uint64_t word_for(const eco_can_signal *s, uint64_t le)
{
    return s->byte_order == ECO_CAN_INTEL ? le : __builtin_bswap64(le);
}

/* The 8-byte window of a signal in bytes first..last: the frame's first 8 bytes when it lies
 * there (every classic signal), else from its first byte, kept inside the 64-byte payload. */
static int window(eco_can_signal *s, unsigned first, unsigned last)
{
    if (last - first >= 8) {
        eco_set_error("signal %s: spans bytes %u..%u, more than 8 (a 64-bit signal must start "
                      "on a byte)",
                      s->name, first, last);
        return ECO_EINVAL;
    }
    unsigned off = last < 8 ? 0 : first;
    s->byte_offset = (uint8_t)(off > ECO_CAN_MAX_DLEN - 8 ? ECO_CAN_MAX_DLEN - 8 : off);
    return ECO_OK;
}

int eco_can_signal_init(eco_can_signal *s, unsigned dlc)
{
    unsigned len = s->length_bits, start = s->start_bit;
    unsigned lsb_be, last_bit;

    if (len == 0 || len > 64) {
        eco_set_error("signal %s: length %u bits is not 1..64", s->name, len);
        return ECO_EINVAL;
    }
    if (dlc > ECO_CAN_MAX_DLEN || start >= ECO_CAN_MAX_DLEN * 8) {
        eco_set_error("signal %s: start bit %u or DLC %u out of range", s->name, start, dlc);
        return ECO_EINVAL;
    }
    if ((s->value_type == ECO_CAN_VT_FLOAT32 && len != 32) ||
        (s->value_type == ECO_CAN_VT_FLOAT64 && len != 64)) {
        eco_set_error("signal %s: a float signal needs 32 or 64 bits, not %u", s->name, len);
        return ECO_EINVAL;
    }
    if (s->byte_order == ECO_CAN_INTEL) {
        last_bit = start + len - 1; /* MSB, in LE numbering */
        if (last_bit >= dlc * 8) {
            eco_set_error("signal %s: bits %u..%u (Intel) do not fit in %u bytes", s->name, start,
                          last_bit, dlc);
            return ECO_EINVAL;
        }
        if (window(s, start / 8, last_bit / 8) != ECO_OK)
            return ECO_EINVAL;
        s->shift = (uint8_t)(start - 8u * s->byte_offset);
        s->min_bytes = (uint8_t)(last_bit / 8 + 1);
    } else if (s->byte_order == ECO_CAN_MOTOROLA) {
        /* Sawtooth start bit -> index from the MSB of byte 0 in the big-endian word
         * (cantools/opendbc convention: start bit is the signal's MSB). */
        unsigned msb_be = (start / 8) * 8 + (7 - start % 8);
        lsb_be = msb_be + len - 1;
        if (lsb_be >= dlc * 8) {
            eco_set_error("signal %s: start bit %u, %u bits (Motorola) do not fit in %u bytes",
                          s->name, start, len, dlc);
            return ECO_EINVAL;
        }
        if (window(s, start / 8, lsb_be / 8) != ECO_OK)
            return ECO_EINVAL;
        s->shift = (uint8_t)(63 - (lsb_be - 8u * s->byte_offset));
        s->min_bytes = (uint8_t)(lsb_be / 8 + 1);
    } else {
        eco_set_error("signal %s: byte order %u is not 0 or 1", s->name, s->byte_order);
        return ECO_EINVAL;
    }
    s->mask = len == 64 ? ~(uint64_t)0 : (((uint64_t)1 << len) - 1);
    if (s->factor == 0.0 || !isfinite(s->factor) || !isfinite(s->offset)) {
        eco_set_error("signal %s: factor must be finite and non-zero", s->name);
        return ECO_EINVAL;
    }
    return ECO_OK;
}

uint64_t eco_can_signal_get_raw(const eco_can_signal *s, const uint8_t data[ECO_CAN_MAX_DLEN])
{
    return (word_for(s, load_le(data + s->byte_offset)) >> s->shift) & s->mask;
}

int64_t eco_can_signal_raw_int(const eco_can_signal *s, uint64_t raw)
{
    if (s->is_signed && s->length_bits < 64 && ((raw >> (s->length_bits - 1)) & 1u))
        raw |= ~s->mask; /* sign extension */
    return (int64_t)raw;
}

void eco_can_signal_set_raw(const eco_can_signal *s, uint64_t raw, uint8_t data[ECO_CAN_MAX_DLEN])
{
    uint64_t w = word_for(s, load_le(data + s->byte_offset));
    w = (w & ~(s->mask << s->shift)) | ((raw & s->mask) << s->shift);
    store_le(data + s->byte_offset, s->byte_order == ECO_CAN_INTEL ? w : __builtin_bswap64(w));
}

/* The raw bits of an IEEE float signal as a number, and back (SIG_VALTYPE_ 1 and 2). A union
 * member read gives the bytes of the member last stored (C11 6.5.2.3, footnote 95). */
typedef union {
    uint32_t bits;
    float value;
} float32_bits;
typedef union {
    uint64_t bits;
    double value;
} float64_bits;

static inline double float_of_bits(unsigned value_type, uint64_t raw)
{
    return value_type == ECO_CAN_VT_FLOAT32 ? (float32_bits){.bits = (uint32_t)raw}.value
                                            : (float64_bits){.bits = raw}.value;
}

static inline uint64_t bits_of_float(unsigned value_type, double r)
{
    return value_type == ECO_CAN_VT_FLOAT32 ? (float32_bits){.value = (float)r}.bits
                                            : (float64_bits){.value = r}.bits;
}

static inline int is_float(const eco_can_signal *s)
{
    return s->value_type == ECO_CAN_VT_FLOAT32 || s->value_type == ECO_CAN_VT_FLOAT64;
}

/* Physical value of raw bits; sets *finite to 0 for a float NaN/inf. */
static inline double raw_to_phys(const eco_can_signal *s, uint64_t raw, int *finite)
{
    double v;
    if (is_float(s)) {
        v = float_of_bits(s->value_type, raw);
    } else if (s->is_signed) {
        v = (double)eco_can_signal_raw_int(s, raw);
    } else {
        v = (double)raw;
    }
    v = v * s->factor + s->offset;
    *finite = isfinite(v);
    return v;
}

/* Range check tolerant to a millionth of one LSB, so that decimal bounds such as 0.01 * N
 * are not refused for binary rounding. */
static inline int in_range(const eco_can_signal *s, double v)
{
    double tol = fabs(s->factor) * 1e-6;
    return !s->has_range || (v >= s->min - tol && v <= s->max + tol);
}

int eco_can_signal_decode(const eco_can_signal *s, const uint8_t data[ECO_CAN_MAX_DLEN],
                          double *value)
{
    int finite;
    *value = raw_to_phys(s, eco_can_signal_get_raw(s, data), &finite);
    if (!finite)
        return ECO_EINVAL;
    return in_range(s, *value) ? ECO_OK : ECO_ERANGE;
}

int eco_can_signal_encode(const eco_can_signal *s, double value, uint8_t data[ECO_CAN_MAX_DLEN])
{
    uint64_t raw;
    double r;

    if (!isfinite(value))
        return ECO_EINVAL;
    if (!in_range(s, value))
        return ECO_ERANGE;
    r = (value - s->offset) / s->factor;
    if (is_float(s)) {
        raw = bits_of_float(s->value_type, r);
    } else {
        unsigned len = s->length_bits;
        /* ldexp bounds are exact powers of two, so the comparisons are exact */
        double lo = s->is_signed ? -ldexp(1.0, (int)len - 1) : 0.0;
        double hi = s->is_signed ? ldexp(1.0, (int)len - 1) : ldexp(1.0, (int)len);
        r = round(r);
        if (r < lo || r >= hi)
            return ECO_ERANGE;
        if (r >= 0x1p63)
            raw = (uint64_t)r;
        else
            raw = (uint64_t)(int64_t)r; /* two's complement for negatives */
    }
    eco_can_signal_set_raw(s, raw, data);
    return ECO_OK;
}

eco_can_frame eco_can_message_frame(const eco_can_message *m)
{
    eco_can_frame f;
    memset(&f, 0, sizeof f);
    f.id = m->id;
    f.dlc = m->dlc;
    f.flags = m->fd ? ECO_CAN_FD | ECO_CAN_FD_BRS : 0;
    return f;
}

int eco_can_message_decode(const eco_can_db *db, int msg, const eco_can_frame *f, double *values,
                           uint8_t *states)
{
    const eco_can_message *m = &db->msgs[msg];
    const eco_can_signal *sig = &db->signals[m->first_signal];
    uint64_t mux = 0;
    int i, finite;

    if (f->dlc < m->dlc)
        return ECO_EINVAL;
    if (m->mux_signal >= 0)
        mux = eco_can_signal_get_raw(&db->signals[m->mux_signal], f->data);
    for (i = 0; i < m->n_signals; i++) {
        const eco_can_signal *s = &sig[i];
        uint64_t raw = eco_can_signal_get_raw(s, f->data);
        if (s->mux_role == ECO_CAN_MUX_DEPENDENT &&
            (m->mux_extended ? !eco_can_mux_present(db, s, f->data) : mux != s->mux_value)) {
            states[i] = ECO_CAN_SIG_ABSENT;
            continue;
        }
        values[i] = raw_to_phys(s, raw, &finite);
        states[i] = !finite                  ? ECO_CAN_SIG_NAN
                    : in_range(s, values[i]) ? ECO_CAN_SIG_OK
                                             : ECO_CAN_SIG_RANGE;
    }
    return ECO_OK;
}
