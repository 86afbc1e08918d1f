/* libFuzzer harness: candump log lines. Every line through eco_can_log_parse_line; a line
 * that parses is formatted again (eco_can_log_format) and must parse back to the same entry.
 * The whole input is also read as a log file (eco_can_log_open / _next). */
#include "ecodrive/can.h"
#include "fuzz_util.h"

#include <stdlib.h>
#include <string.h>

static void same_entry(const eco_can_log_entry *a, const eco_can_log_entry *b)
{
    ECO_FUZZ_ASSERT(a->t_us == b->t_us);
    ECO_FUZZ_ASSERT(strcmp(a->iface, b->iface) == 0);
    ECO_FUZZ_ASSERT(a->dir == b->dir);
    ECO_FUZZ_ASSERT(a->frame.id == b->frame.id);
    ECO_FUZZ_ASSERT(a->frame.dlc == b->frame.dlc);
    ECO_FUZZ_ASSERT(a->frame.flags == b->frame.flags);
    ECO_FUZZ_ASSERT(memcmp(a->frame.data, b->frame.data, sizeof a->frame.data) == 0);
}

static void round_trip(const char *line)
{
    eco_can_log_entry e, back;
    if (eco_can_log_parse_line(line, &e) != ECO_OK)
        return;
    int fd = (e.frame.flags & ECO_CAN_FD) != 0;
    ECO_FUZZ_ASSERT(e.frame.dlc <= (fd ? ECO_CAN_MAX_DLEN : ECO_CAN_CLASSIC_DLEN));
    ECO_FUZZ_ASSERT(!fd || eco_can_fd_len_valid(e.frame.dlc));
    char buf[ECO_CAN_LOG_LINE_MAX];
    ECO_FUZZ_ASSERT(eco_can_log_format(&e, buf, sizeof buf) == ECO_OK);
    ECO_FUZZ_ASSERT(eco_can_log_parse_line(buf, &back) == ECO_OK);
    same_entry(&e, &back);
}

static void read_as_log(const uint8_t *data, size_t size)
{
    eco_can_log_reader r;
    eco_can_log_entry e;
    if (eco_can_log_open(&r, eco_fuzz_file(data, size)) != ECO_OK)
        abort();
    int rc;
    long lines = 0;
    while ((rc = eco_can_log_next(&r, &e)) == ECO_OK)
        ECO_FUZZ_ASSERT(++lines <= (long)size);
    ECO_FUZZ_ASSERT(rc == ECO_ENOENT || rc == ECO_EPARSE);
    eco_can_log_close(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = eco_fuzz_text(data, size);
    for (char *line = text, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        round_trip(line);
    }
    free(text);
    read_as_log(data, size);
    return 0;
}
