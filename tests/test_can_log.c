/* candump log format (as can-utils candump -l writes it and canplayer reads it) and the
 * clear-error paths of the SocketCAN layer that need no bus. */
#include "ecodrive/can.h"
#include "tmpfile_fixture.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static eco_can_log_entry entry(int64_t t_us, const char *iface, uint32_t id, int dlc,
                               const char *hex)
{
    eco_can_log_entry e;
    int i;
    memset(&e, 0, sizeof e);
    e.t_us = t_us;
    snprintf(e.iface, sizeof e.iface, "%s", iface);
    e.frame.id = id;
    e.frame.dlc = (uint8_t)dlc;
    for (i = 0; hex && hex[2 * i]; i++) {
        char h[3] = {hex[2 * i], hex[2 * i + 1], 0};
        e.frame.data[i] = (uint8_t)strtoul(h, NULL, 16);
    }
    return e;
}

Test(can_log, format_like_candump)
{
    /* candump.c: "(%010lu.%06lu) %*s %s" + lib.c sprint_canframe: "%03X#", "%08X#", "%02X"
     * per byte, "R"/"R%d" for remote frames */
    static const struct {
        eco_can_log_entry e;
        const char *line;
    } cases[] = {
        {{1700000000000123, "vcan0", 0, {0x123, 4, {0xDE, 0xAD, 0xBE, 0xEF}, 0}},
         "(1700000000.000123) vcan0 123#DEADBEEF\n"},
        {{1500000,
          "can0",
          0,
          {ECO_CAN_EFF_FLAG | 0x18FEF1FE, 8, {0x48, 0, 0x5A, 0, 0, 0, 7, 0x1C}, 0}},
         "(0000000001.500000) can0 18FEF1FE#48005A000000071C\n"},
        {{0, "vcan0", 0, {0x7FF, 0, {0}, 0}}, "(0000000000.000000) vcan0 7FF#\n"},
        {{42, "vcan0", 0, {0x00A, 1, {0x0f}, 0}}, "(0000000000.000042) vcan0 00A#0F\n"},
        {{0, "vcan0", 0, {0x100 | ECO_CAN_RTR_FLAG, 0, {0}, 0}}, "(0000000000.000000) vcan0 100#R\n"},
        {{0, "vcan0", 0, {0x100 | ECO_CAN_RTR_FLAG, 3, {0}, 0}}, "(0000000000.000000) vcan0 100#R3\n"},
        {{0, "vcan0", 0, {ECO_CAN_ERR_FLAG | 0x4, 8, {0, 0x08, 0, 0, 0, 0, 0, 0}, 0}},
         "(0000000000.000000) vcan0 20000004#0008000000000000\n"},
        {{0, "vcan0", 'T', {0x200, 1, {0x01}, 0}}, "(0000000000.000000) vcan0 200#01 T\n"},
        {{0, "vcan0", 0, {0x200, 3, {0xA1, 0, 0xFF}, ECO_CAN_FD | ECO_CAN_FD_BRS}},
         "(0000000000.000000) vcan0 200##1A100FF\n"},
        {{0, "vcan0", 0, {ECO_CAN_EFF_FLAG | 0x1ABCDEF0, 0, {0}, ECO_CAN_FD}},
         "(0000000000.000000) vcan0 1ABCDEF0##0\n"},
    };
    size_t i;
    char buf[96];
    for (i = 0; i < sizeof cases / sizeof *cases; i++) {
        cr_assert_eq(eco_can_log_format(&cases[i].e, buf, sizeof buf), ECO_OK);
        cr_assert_str_eq(buf, cases[i].line, "case %zu", i);
    }
    cr_assert_eq(eco_can_log_format(&cases[0].e, buf, 20), ECO_EINVAL, "buffer too small");
}

Test(can_log, parse_what_canplayer_accepts)
{
    eco_can_log_entry e;

    cr_assert_eq(eco_can_log_parse_line("(1700000000.000123) vcan0 123#DEADBEEF\n", &e), ECO_OK);
    cr_assert_eq(e.t_us, 1700000000000123);
    cr_assert_str_eq(e.iface, "vcan0");
    cr_assert_eq(e.frame.id, 0x123u);
    cr_assert_eq(e.frame.dlc, 4);
    cr_assert_eq(e.frame.data[3], 0xEF);
    cr_assert_eq(e.dir, 0);

    /* lower-case hex, '.' between bytes, several blanks (candump pads interface names) */
    cr_assert_eq(eco_can_log_parse_line("(1.5)   can1 18fef1fe#48.00.5a", &e), ECO_OK);
    cr_assert_eq(e.t_us, 1000005, "canplayer reads the digits after '.' as microseconds");
    cr_assert_eq(e.frame.id, ECO_CAN_EFF_FLAG | 0x18FEF1FEu);
    cr_assert_eq(e.frame.dlc, 3);
    cr_assert_eq(e.frame.data[2], 0x5A);

    cr_assert_eq(eco_can_log_parse_line("(0.000001) vcan0 100#r2\n", &e), ECO_OK);
    cr_assert_eq(e.frame.id, 0x100u | ECO_CAN_RTR_FLAG);
    cr_assert_eq(e.frame.dlc, 2);
    cr_assert_eq(eco_can_log_parse_line("(0.000001) vcan0 123# R\n", &e), ECO_OK, "no data");
    cr_assert_eq(e.frame.dlc, 0);
    cr_assert_eq(e.dir, 'R');
    cr_assert_eq(eco_can_log_parse_line("(0.000001) vcan0 20000004#0008000000000000", &e), ECO_OK);
    cr_assert_eq(e.frame.id, ECO_CAN_ERR_FLAG | 4u, "error frame, not extended");
    cr_assert_eq(eco_can_log_parse_line("(0.000001) vcan0 F0000004#00", &e), ECO_OK);
    cr_assert_eq(e.frame.id, ECO_CAN_ERR_FLAG | 0x10000004u, "flags above the class dropped");
    cr_assert_eq(eco_can_log_parse_line("(0.000001) vcan0 123#1122334455667788_C", &e), ECO_OK,
                 "raw DLC suffix of an 8-byte frame");
    cr_assert_eq(e.frame.dlc, 8);

    /* comments and CAN FD */
    cr_assert_eq(eco_can_log_parse_line("# recorded by hand\n", &e), ECO_ENOENT);
    cr_assert_eq(eco_can_log_parse_line("\n", &e), ECO_ENOENT);
    cr_assert_eq(eco_can_log_parse_line(" (1.0) vcan0 123#00\n", &e), ECO_ENOENT,
                 "canplayer skips lines not starting with '('");

    /* CAN FD: "##", the flags digit (BRS 1, ESI 2), up to 64 bytes (lib.c parse_canframe) */
    cr_assert_eq(eco_can_log_parse_line("(1.0) vcan0 123##1112233\n", &e), ECO_OK);
    cr_assert_eq(e.frame.flags, ECO_CAN_FD | ECO_CAN_FD_BRS);
    cr_assert_eq(e.frame.dlc, 3);
    cr_assert_eq(e.frame.data[2], 0x33);
    cr_assert_eq(eco_can_log_parse_line("(1.0) vcan0 18DB33F1##3.01.02.03.04.05.06.07.08.09", &e),
                 ECO_OK);
    cr_assert_eq(e.frame.id, ECO_CAN_EFF_FLAG | 0x18DB33F1u);
    cr_assert_eq(e.frame.flags, ECO_CAN_FD | ECO_CAN_FD_BRS | ECO_CAN_FD_ESI);
    cr_assert_eq(e.frame.dlc, 12, "9 bytes go out as the 12 of the next FD length");
    cr_assert_eq(e.frame.data[8], 0x09);
    cr_assert_eq(e.frame.data[9] | e.frame.data[10] | e.frame.data[11], 0, "padded with zeros");
    char line[200] = "(1.0) vcan0 7FF##0";
    for (int i = 0; i < 64; i++)
        snprintf(line + strlen(line), sizeof line - strlen(line), "%02X", i);
    cr_assert_eq(eco_can_log_parse_line(line, &e), ECO_OK);
    cr_assert_eq(e.frame.dlc, 64);
    cr_assert_eq(e.frame.data[63], 63);
    cr_assert_eq(e.frame.flags, ECO_CAN_FD);
}

Test(can_log, parse_errors_say_what)
{
    static const struct {
        const char *line;
        const char *word;
    } bad[] = {
        {"(1.x) vcan0 123#00", "timestamp"},
        {"(1.1234567) vcan0 123#00", "microseconds"},
        {"(1) vcan0 123#00", "timestamp"},
        {"(1.0)", "missing interface"},
        {"(1.0) vcan0", "missing frame"},
        {"(1.0) averyveryverylongname 123#00", "longer than 15"},
        {"(1.0) vcan0 12#00", "3- or 8-digit"},
        {"(1.0) vcan0 800#00", "7FF"},
        {"(1.0) vcan0 G23#00", "standard id"},
        {"(1.0) vcan0 9FFFFFFF#00", "bits above 28"},
        {"(1.0) vcan0 123#0", "two digits"},
        {"(1.0) vcan0 123#0G", "hex"},
        {"(1.0) vcan0 123#001122334455667788", "more than 8"},
        {"(1.0) vcan0 123##", "one hex digit of flags"},
        {"(1.0) vcan0 123##4", "one hex digit of flags"},
        {"(1.0) vcan0 123##X00", "one hex digit of flags"},
        {"(1.0) vcan0 20000004##0", "error frame"},
        {"(1.0) vcan0 123##0"
         "0001020304050607080910111213141516171819202122232425262728293031"
         "3233343536373839404142434445464748495051525354555657585960616263"
         "64",
         "more than 64"},
    };
    eco_can_log_entry e;
    size_t i;
    for (i = 0; i < sizeof bad / sizeof *bad; i++) {
        cr_assert_eq(eco_can_log_parse_line(bad[i].line, &e), ECO_EPARSE, "'%s'", bad[i].line);
        cr_assert(strstr(eco_last_error(), bad[i].word), "'%s': %s", bad[i].line, eco_last_error());
    }
}

Test(can_log, reader_skips_comments_reads_fd_and_names_lines)
{
    char path[256], want[300];
    eco_can_log_reader r;
    eco_can_log_entry e;
    write_tmp(path, "can_log",
              "# header comment\n"
              "(0000000001.000000) vcan0 100#D007C409A3FE057C\n"
              "(0000000001.010000) vcan0 123##0112233\n"
              "\n"
              "(0000000001.020000) vcan0 98FEF1FE#00\n"
              "(0000000001.030000) vcan0 101#E8\n");
    cr_assert_eq(eco_can_log_open(&r, path), ECO_OK);
    cr_assert_eq(eco_can_log_next(&r, &e), ECO_OK);
    cr_assert_eq(e.frame.id, 0x100u);
    cr_assert_eq(e.frame.data[7], 0x7C);
    cr_assert_eq(r.line, 2);
    cr_assert_eq(eco_can_log_next(&r, &e), ECO_OK);
    cr_assert(e.frame.id == 0x123u && e.frame.dlc == 3 && e.frame.flags == ECO_CAN_FD);
    cr_assert_eq(eco_can_log_next(&r, &e), ECO_EPARSE);
    snprintf(want, sizeof want, "%s:5: ", path);
    cr_assert(strncmp(eco_last_error(), want, strlen(want)) == 0, "%s", eco_last_error());
    cr_assert_eq(eco_can_log_next(&r, &e), ECO_OK, "the reader goes on after a bad line");
    cr_assert_eq(e.frame.id, 0x101u);
    cr_assert_eq(eco_can_log_next(&r, &e), ECO_ENOENT);
    eco_can_log_close(&r);
    eco_can_log_close(&r);
    unlink(path);
    cr_assert_eq(eco_can_log_open(&r, "nonexistent-dir/x.log"), ECO_ENOENT);
    cr_assert(strstr(eco_last_error(), "nonexistent-dir/x.log"));
}

Test(can_log, roundtrip_and_log2asc_accepts_it)
{
    eco_can_log_entry in[4], out;
    eco_can_log_reader r;
    char path[256], cmd[400], line[1024];
    FILE *fp;
    int i, found = 0;

    in[0] = entry(1700000000000123, "vcan0", 0x123, 4, "DEADBEEF");
    in[1] = entry(1700000000010000, "vcan0", ECO_CAN_EFF_FLAG | 0x18FF0A80, 8, "5DC7D8000000006B");
    in[2] = entry(1700000000020000, "vcan0", 0x7FF, 0, NULL);
    in[3] = entry(1700000000030000, "vcan0", 0x180, 64,
                  "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"
                  "202122232425262728292A2B2C2D2E2F303132333435363738393A3B3C3D3E3F");
    in[3].frame.flags = ECO_CAN_FD | ECO_CAN_FD_BRS;
    write_tmp(path, "can_log", "");
    fp = fopen(path, "w");
    cr_assert_not_null(fp);
    for (i = 0; i < 4; i++)
        cr_assert_eq(eco_can_log_write(fp, &in[i]), ECO_OK);
    fclose(fp);

    cr_assert_eq(eco_can_log_open(&r, path), ECO_OK);
    for (i = 0; i < 4; i++) {
        cr_assert_eq(eco_can_log_next(&r, &out), ECO_OK);
        cr_assert_eq(memcmp(&out.frame, &in[i].frame, sizeof out.frame), 0, "frame %d", i);
        cr_assert_eq(out.t_us, in[i].t_us);
    }
    eco_can_log_close(&r);

    /* can-utils log2asc parses logs with the same code as canplayer (lib.c
     * parse_canframe) and needs no CAN socket: our file must convert frame by frame. */
    if (system("command -v log2asc >/dev/null 2>&1") != 0) {
        unlink(path);
        cr_skip_test("log2asc (can-utils) not installed");
    }
    snprintf(cmd, sizeof cmd, "log2asc -I '%s' vcan0", path);
    fp = popen(cmd, "r");
    cr_assert_not_null(fp);
    while (fgets(line, sizeof line, fp)) {
        found += strstr(line, "123             Rx   d 4 DE AD BE EF") != NULL;
        found += strstr(line, "18FF0A80x       Rx   d 8 5D C7 D8 00 00 00 00 6B") != NULL;
        found += strstr(line, "7FF             Rx   d 0") != NULL;
        /* an FD line: BRS 1, ESI 0, DLC f, 64 bytes */
        found += strstr(line, "CANFD") && strstr(line, " 180 ") &&
                 strstr(line, " 1 0 f 64 00 01 02 03") && strstr(line, " 3D 3E 3F ");
    }
    cr_assert_eq(pclose(fp), 0);
    cr_assert_eq(found, 4, "log2asc did not convert all four frames");
    unlink(path);
}

Test(can_log, socket_errors_without_a_bus)
{
    eco_can_sock s;
    eco_can_frame f;
    int got = 0;

    cr_assert_eq(eco_can_sock_open(&s, "ecocan_nope0"), ECO_ENOENT);
    cr_assert(strstr(eco_last_error(), "ecocan_nope0") && strstr(eco_last_error(), "not exist"),
              "%s", eco_last_error());
    cr_assert_eq(s.fd, -1);
    cr_assert_eq(eco_can_sock_open(&s, "a_name_longer_than_15"), ECO_EINVAL);
    cr_assert_eq(eco_can_sock_open(&s, ""), ECO_EINVAL);
    /* the loopback device exists everywhere and is not CAN */
    cr_assert_eq(eco_can_sock_open(&s, "lo"), ECO_EINVAL);
    cr_assert(strstr(eco_last_error(), "lo") && strstr(eco_last_error(), "not a CAN"), "%s",
              eco_last_error());
    eco_can_sock_close(&s);
    eco_can_sock_close(&s);
    /* a closed socket reads and writes nothing, without crashing */
    cr_assert_eq(eco_can_sock_read(&s, &f, &got), ECO_EIO);
    cr_assert_eq(got, 0);
    f.id = 0x123;
    f.dlc = 9;
    f.flags = 0;
    cr_assert_eq(eco_can_sock_write(&s, &f), ECO_EINVAL, "9 bytes: not classic");
    f.flags = ECO_CAN_FD;
    cr_assert_eq(eco_can_sock_write(&s, &f), ECO_EINVAL, "9 bytes: not an FD length");
}
