/* DBC parser: the shipped databases, what real files contain (skipped sections,
 * multi-line comments, attributes, 29-bit ids, multiplexing) and syntax errors that name
 * the line. */
#include "ecodrive/can.h"
#include "tmpfile_fixture.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DBC_DEFAULT  ECO_SOURCE_DIR "/models/ecodrive.dbc"
#define DBC_MOTOROLA ECO_SOURCE_DIR "/models/example_motorola.dbc"

static const eco_can_signal *sig(const eco_can_db *db, const char *name)
{
    int i;
    cr_assert_eq(eco_can_db_signal_find(db, name, &i), ECO_OK, "signal %s", name);
    return &db->signals[i];
}

static const eco_can_message *msg(const eco_can_db *db, const char *name)
{
    int i;
    cr_assert_eq(eco_can_db_message_find(db, name, &i), ECO_OK, "message %s", name);
    return &db->msgs[i];
}

Test(can_dbc, default_dbc_has_required_signals)
{
    static const char *const inputs[] = {
        "VehicleSpeed", "EngineSpeed", "EngineTorque", "AccelPedal", "BrakePedal", "Gear",
        "BattSOC",      "BattVoltage", "BattCurrent",  "SetSpeed",   "RoadGrade"};
    static const char *const setpoint[] = {"EcoThrottle", "EcoRegen", "EcoValid", "EcoCounter",
                                           "EcoCRC"};
    eco_can_db *db;
    size_t i;
    int e2e_inputs = 0;

    cr_assert_eq(eco_can_db_load(DBC_DEFAULT, &db), ECO_OK, "%s", eco_last_error());
    for (i = 0; i < sizeof inputs / sizeof *inputs; i++) {
        const eco_can_signal *s = sig(db, inputs[i]);
        const eco_can_message *m = &db->msgs[s->msg];
        cr_assert(m->cycle_time_ms >= 10 && m->cycle_time_ms <= 100, "%s cycle %d ms", inputs[i],
                  m->cycle_time_ms);
        cr_assert(s->comment[0] != '\0', "%s has no CM_", inputs[i]);
        cr_assert_eq(s->byte_order, ECO_CAN_INTEL);
    }
    for (i = 0; i < (size_t)db->n_msgs; i++)
        e2e_inputs += db->msgs[i].e2e_crc >= 0 && strcmp(db->msgs[i].name, "EcoSetpoint");
    cr_assert(e2e_inputs >= 1, "no input message declares a counter and a CRC");

    for (i = 0; i < sizeof setpoint / sizeof *setpoint; i++)
        cr_assert_str_eq(db->msgs[sig(db, setpoint[i])->msg].name, "EcoSetpoint");
    cr_assert_str_eq(sig(db, "EcoThrottle")->unit, "%");
    cr_assert_str_eq(sig(db, "EcoRegen")->unit, "%");
    cr_assert_eq(sig(db, "EcoCounter")->length_bits, 4);
    cr_assert_eq(msg(db, "EcoSetpoint")->e2e_counter, (int)(sig(db, "EcoCounter") - db->signals));
    cr_assert_eq(msg(db, "EcoSetpoint")->e2e_crc, (int)(sig(db, "EcoCRC") - db->signals));
    cr_assert_eq(msg(db, "EcoSetpoint")->e2e_data_id, 0x0A10);

    /* EcoStatus: frames received, stale, rejected, deadline overruns, solve time (us) */
    cr_assert_eq(msg(db, "EcoStatus")->n_signals, 5);
    cr_assert_str_eq(sig(db, "EcoSolveTime")->unit, "us");
    cr_assert_str_eq(db->msgs[sig(db, "EcoDeadlineOverruns")->msg].name, "EcoStatus");

    for (i = 0; i < (size_t)db->n_signals; i++)
        cr_assert(db->signals[i].comment[0], "%s has no CM_", db->signals[i].name);
    cr_assert_str_eq(eco_can_db_value_text(db, (int)(sig(db, "Gear") - db->signals), 0), "Reverse");
    cr_assert_null(eco_can_db_value_text(db, (int)(sig(db, "Gear") - db->signals), 5));
    /* the file comment spans three lines */
    cr_assert(strstr(db->comment, "setpoints and\nstatus") != NULL, "%s", db->comment);
    eco_can_db_free(db);
}

Test(can_dbc, motorola_dbc_ids_attributes_and_byte_order)
{
    eco_can_db *db;
    int i;

    cr_assert_eq(eco_can_db_load(DBC_MOTOROLA, &db), ECO_OK, "%s", eco_last_error());
    /* BO_ 2364540158 = 0x8CF004FE: bit 31 marks the 29-bit id 0x0CF004FE */
    cr_assert_eq(msg(db, "EEC1")->id, ECO_CAN_EFF_FLAG | 0x0CF004FEu);
    cr_assert_eq(msg(db, "TransGear")->id, 0x3A0u);
    cr_assert_eq(msg(db, "TransGear")->dlc, 3);
    cr_assert_eq(eco_can_db_message_by_id(db, ECO_CAN_EFF_FLAG | 0x18FEF1FEu, &i), ECO_OK);
    cr_assert_str_eq(db->msgs[i].name, "CCVS");
    /* the same number without the flag is a different (absent) frame */
    cr_assert_eq(eco_can_db_message_by_id(db, 0x18FEF1FEu, &i), ECO_ENOENT);
    for (i = 0; i < db->n_signals; i++)
        cr_assert_eq(db->signals[i].byte_order, ECO_CAN_MOTOROLA);

    /* E2E by name with the default data id (low 16 bits of the id) */
    cr_assert_eq(msg(db, "CCVS")->e2e_data_id, 0xF1FE);
    cr_assert_str_eq(db->signals[msg(db, "CCVS")->e2e_counter].name, "CcvsCounter");
    /* E2E by attributes, with an explicit data id */
    cr_assert_str_eq(db->signals[msg(db, "EcoCmd")->e2e_counter].name, "CmdAliveCnt");
    cr_assert_str_eq(db->signals[msg(db, "EcoCmd")->e2e_crc].name, "CmdChecksum");
    cr_assert_eq(msg(db, "EcoCmd")->e2e_data_id, 0x1234);
    /* no GenMsgCycleTime on BMS_Status: the BA_DEF_DEF_ default, 0 */
    cr_assert_eq(msg(db, "BMS_Status")->cycle_time_ms, 0);
    cr_assert_eq(msg(db, "EEC1")->cycle_time_ms, 10);
    cr_assert_str_eq(sig(db, "EngSpeed")->receivers, "ADVISOR,VCU");
    cr_assert_str_eq(sig(db, "EngSpeed")->unit, "rpm");
    cr_assert_float_eq(sig(db, "HvCurrent")->offset, -1600.0, 1e-12);
    cr_assert(sig(db, "EngTorqueAct")->is_signed);
    eco_can_db_free(db);
}

/* What real files hold: every section kind we skip, escaped quotes and multi-line
 * comments, attribute defaults, the Vector pseudo message, multiplexing. */
static const char real_file[] =
    "VERSION \"1.0 \\\"beta\\\"\"\n"                                      /* 1 */
    "\n"                                                                  /* 2 */
    "NS_ :\n"                                                             /* 3 */
    "\tNS_DESC_\n"                                                        /* 4 */
    "\tCM_\n"                                                             /* 5 */
    "\tBA_DEF_\n"                                                         /* 6 */
    "\n"                                                                  /* 7 */
    "BS_:\n"                                                              /* 8 */
    "BU_: ECU1 ECU2\n"                                                    /* 9 */
    "VAL_TABLE_ OnOff 1 \"On\" 0 \"Off\" ;\n"                             /* 10 */
    "BO_ 100 Plain: 8 ECU1\n"                                             /* 11 */
    " SG_ Speed : 0|16@1+ (0.01,0) [0|300] \"km/h\" ECU2,ECU3\n"          /* 12 */
    " SG_ Temp : 16|8@1- (1,40) [-88|167] \"degC\" ECU2\n"                /* 13 */
    "BO_ 2147484672 Ext: 8 ECU2\n"                                        /* 14 */
    " SG_ Mode M : 0|2@1+ (1,0) [0|3] \"\" ECU1\n"                        /* 15 */
    " SG_ A m0 : 8|8@1+ (1,0) [0|0] \"\" ECU1\n"                          /* 16 */
    " SG_ B m1 : 8|16@1+ (1,0) [0|0] \"\" ECU1\n"                         /* 17 */
    " SG_ F : 32|32@1- (1,0) [0|0] \"\" ECU1\n"                           /* 18 */
    "BO_ 3221225472 VECTOR__INDEPENDENT_SIG_MSG: 0 Vector__XXX\n"         /* 19 */
    " SG_ Orphan : 0|8@1+ (1,0) [0|0] \"\" Vector__XXX\n"                 /* 20 */
    "BO_TX_BU_ 100 : ECU1,ECU2;\n"                                        /* 21 */
    "EV_ EnvVar: 0 [0|100] \"\" 0 1 DUMMY_NODE_VECTOR0 Vector__XXX;\n"    /* 22 */
    "CM_ \"Network \\\"test\\\"\nsecond line\";\n"                        /* 23 */
    "CM_ BU_ ECU1 \"node\";\n"                                            /* 25 */
    "CM_ BO_ 100 \"plain message\";\n"                                    /* 26 */
    "CM_ SG_ 100 Speed \"Wheel speed.\nOver two lines.\";\n"              /* 27 */
    "BA_DEF_ BO_ \"GenMsgCycleTime\" INT 0 65535;\n"                      /* 29 */
    "BA_DEF_ BO_ \"GenMsgSendType\" ENUM \"Cyclic\",\"Event\";\n"         /* 30 */
    "BA_DEF_ \"BusType\" STRING ;\n"                                      /* 31 */
    "BA_DEF_REL_ BU_SG_REL_ \"X\" INT 0 1;\n"                             /* 32 */
    "BA_DEF_DEF_ \"GenMsgCycleTime\" 50;\n"                               /* 33 */
    "BA_DEF_DEF_ \"GenMsgSendType\" \"Cyclic\";\n"                        /* 34 */
    "BA_ \"BusType\" \"CAN\";\n"                                          /* 35 */
    "BA_ \"GenMsgCycleTime\" BO_ 100 20;\n"                               /* 36 */
    "BA_ \"GenMsgSendType\" BO_ 100 1;\n"                                 /* 37 */
    "VAL_ 2147484672 Mode 0 \"Idle\" 1 \"Run\" 2 \"Fault \\\"x\\\"\" ;\n" /* 38 */
    "VAL_ EnvVar 0 \"a\" ;\n"                                             /* 39 */
    "SIG_VALTYPE_ 2147484672 F : 1;\n"                                    /* 40 */
    "SIG_GROUP_ 100 Grp 1 : Speed Temp;\n"                                /* 41 */
    "SG_MUL_VAL_ 2147484672 A Mode 0-0;\n";                               /* 42 */

Test(can_dbc, real_file_sections)
{
    eco_can_db *db;
    const eco_can_message *m;
    unsigned long allocs = eco_alloc_count();

    cr_assert_eq(eco_can_db_parse(real_file, strlen(real_file), "real.dbc", &db), ECO_OK, "%s",
                 eco_last_error());
    cr_assert_eq(eco_alloc_count() - allocs, 1, "one allocation for the whole database");
    cr_assert_eq(db->n_msgs, 2, "the pseudo message is not a frame");
    cr_assert_eq(db->n_signals, 6);
    cr_assert_str_eq(db->comment, "Network \"test\"\nsecond line");
    m = msg(db, "Plain");
    cr_assert_str_eq(m->comment, "plain message");
    cr_assert_str_eq(m->transmitter, "ECU1");
    cr_assert_eq(m->cycle_time_ms, 20);
    cr_assert_eq(m->line, 11);
    cr_assert_str_eq(sig(db, "Speed")->comment, "Wheel speed.\nOver two lines.");
    cr_assert_str_eq(sig(db, "Speed")->receivers, "ECU2,ECU3");
    cr_assert_eq(sig(db, "Speed")->line, 12);
    cr_assert_float_eq(sig(db, "Temp")->offset, 40.0, 0);
    cr_assert(sig(db, "Temp")->has_range);
    cr_assert(!sig(db, "A")->has_range, "[0|0] means no range");

    m = msg(db, "Ext");
    cr_assert_eq(m->id, ECO_CAN_EFF_FLAG | 0x400u);
    cr_assert_eq(m->cycle_time_ms, 50, "default from BA_DEF_DEF_");
    cr_assert_str_eq(db->signals[m->mux_signal].name, "Mode");
    cr_assert_eq(sig(db, "A")->mux_role, ECO_CAN_MUX_DEPENDENT);
    cr_assert_eq(sig(db, "B")->mux_value, 1);
    cr_assert_eq(sig(db, "F")->value_type, ECO_CAN_VT_FLOAT32);
    cr_assert_str_eq(eco_can_db_value_text(db, m->mux_signal, 2), "Fault \"x\"");
    cr_assert_eq(m->e2e_crc, -1);
    eco_can_db_free(db);
}

Test(can_dbc, signal_lookup_qualified_and_ambiguous)
{
    static const char text[] = "BO_ 1 M1: 8 X\n SG_ S : 0|8@1+ (1,0) [0|0] \"\" X\n"
                               "BO_ 2 M2: 8 X\n SG_ S : 0|8@1+ (1,0) [0|0] \"\" X\n"
                               " SG_ T : 8|8@1+ (1,0) [0|0] \"\" X\n";
    eco_can_db *db;
    int i;
    cr_assert_eq(eco_can_db_parse(text, strlen(text), "amb.dbc", &db), ECO_OK);
    cr_assert_eq(eco_can_db_signal_find(db, "S", &i), ECO_EINVAL);
    cr_assert(strstr(eco_last_error(), "M1") && strstr(eco_last_error(), "M2"));
    cr_assert_eq(eco_can_db_signal_find(db, "M2.S", &i), ECO_OK);
    cr_assert_eq(i, 1);
    cr_assert_eq(eco_can_db_signal_find(db, "T", &i), ECO_OK);
    cr_assert_eq(eco_can_db_signal_find(db, "M1.T", &i), ECO_ENOENT);
    cr_assert_eq(eco_can_db_signal_find(db, "Nope", &i), ECO_ENOENT);
    cr_assert_eq(eco_can_db_message_by_id(db, 2, &i), ECO_OK);
    cr_assert_eq(i, 1);
    cr_assert_eq(eco_can_db_message_by_id(db, 3, &i), ECO_ENOENT);
    eco_can_db_free(db);
}

/* Each broken file, the line the error must name, and a word it must contain. */
static const struct {
    const char *text;
    int line;
    const char *word;
} broken[] = {
    {"BO_ 1 M: 8 X\n SG_ S : 0|8@1+ (1,0 [0|1] \"\" X\n", 2, "')'"},
    {"BO_ 1 M: 8 X\n SG_ S : 0|8@2+ (1,0) [0|1] \"\" X\n", 2, "byte order"},
    {"BO_ 1 M: 8 X\n SG_ S : 0|8@1 (1,0) [0|1] \"\" X\n", 2, "'+' or '-'"},
    {"BO_ 1 M: 8 X\n SG_ S : 0|8@1+ (1,0) [0|1] X\n", 2, "unit string"},
    {"\n SG_ S : 0|8@1+ (1,0) [0|1] \"\" X\n", 2, "before any BO_"},
    {"BO_ 1 M: 9 X\n", 1, "DLC"},
    {"BO_ 2048 M: 8 X\n", 1, "11-bit"},
    {"BO_ 1 M: 8 X\n SG_ S : 60|8@1+ (1,0) [0|1] \"\" X\n", 2, "do not fit"},
    {"BO_ 1 M: 2 X\n SG_ S : 7|16@0+ (1,0) [0|1] \"\" X\n SG_ T : 23|8@0+ (1,0) [0|1] \"\" X\n", 3,
     "do not fit"},
    {"BO_ 1 M: 8 X\n SG_ S : 0|8@1+ (1,0) [0|1] \"\" X\n SG_ S : 8|8@1+ (1,0) [0|1] \"\" X\n", 3,
     "twice"},
    {"BO_ 1 M: 8 X\nBO_ 1 N: 8 X\n", 2, "used by both"},
    {"BO_ 1 M: 8 X\n\n\nCM_ BO_ 1 \"never closed;\n", 4, "unterminated"},
    {"BO_ 1 M: 8 X\nBA_ \"GenMsgCycleTime\" BO_ 1 10\nBA_ \"X\" 1;\n", 3, "';'"},
    {"BO_ 1 M: 8 X\nBA_ \"GenMsgCycleTime\" BO_ 1 \"ten\";\n", 2, "GenMsgCycleTime"},
    {"BO_ 1 M: 8 X\nbogus statement\n", 2, "unknown statement"},
    /* issue 11: a typo in a keyword no longer hands the signals after it to the message before */
    {"BO_ 1 M: 8 X\n SG_ S : 0|8@1+ (1,0) [0|1] \"\" X\nB0_ 2 N: 8 X\n SG_ T : 0|8@1+ (1,0) [0|1] "
     "\"\" X\n",
     3, "unknown keyword 'B0_'"},
    {"BO_ 1 M: 8 X\nFUTURE_KEYWORD_ whatever 1 2 3\n", 2, "unknown keyword 'FUTURE_KEYWORD_'"},
    {"BO_ 1 M: 8 X\n SG_ S : 0|8@1+ (1,0) [5|1] \"\" X\n", 2, "empty"},
    {"BO_ 1 M: 8 X\n SG_ S : 0|8@1+ (0,0) [0|1] \"\" X\n", 2, "factor"},
    {"BO_ 1 M: 8 X\n SG_ S m1 : 0|8@1+ (1,0) [0|1] \"\" X\n", 1, "no switch"},
    {"BO_ 1 M: 8 X\n SG_ S : 0|16@1+ (1,0) [0|1] \"\" X\nSIG_VALTYPE_ 1 S : 1;\n", 3, "float"},
    {"BO_ 1 M: 8 X\nVAL_ 1 S 0 \"a\" 1 ;\n", 2, "description"},
    {"BO_ 1 M: 8 X\n SG_ S : 0|8@1+ (1,0) [0|1] \"\" X\n1 2 3\n", 3, "keyword"},
    {"BA_DEF_ BO_ \"X\" NUMBER 0 1;\n", 1, "attribute type"},
};

Test(can_dbc, syntax_errors_name_file_and_line)
{
    size_t i;
    for (i = 0; i < sizeof broken / sizeof *broken; i++) {
        char path[256], want[300];
        eco_can_db *db = (eco_can_db *)1;
        write_tmp(path, "can_dbc", broken[i].text);
        cr_assert_eq(eco_can_db_load(path, &db), ECO_EPARSE, "case %zu parsed", i);
        cr_assert_null(db);
        snprintf(want, sizeof want, "%s:%d: ", path, broken[i].line);
        cr_assert(strncmp(eco_last_error(), want, strlen(want)) == 0,
                  "case %zu: want '%s...', got '%s'", i, want, eco_last_error());
        cr_assert(strstr(eco_last_error(), broken[i].word) != NULL, "case %zu: '%s' not in '%s'", i,
                  broken[i].word, eco_last_error());
        unlink(path);
    }
}

/* The name rule applies in DBCs that define the EcoE2E attributes (the project's own). */
#define ECO_ATTRS "BA_DEF_ BO_ \"EcoE2ECounter\" STRING ;\nBA_DEF_ BO_ \"EcoE2ECRC\" STRING ;\n"

Test(can_dbc, e2e_declarations_checked)
{
    static const struct {
        const char *text;
        int rc;
        const char *word; /* in the error; for ECO_OK: "E2E" when the message gets E2E */
    } cases[] = {
        /* issue 11: by name, a CRC not on a byte boundary (a 4-bit OEM checksum) loads, without
         * E2E: the mapping's "e2e" may configure it */
        {"BO_ 1 M: 8 X\n SG_ MCounter : 0|4@1+ (1,0) [0|15] \"\" X\n"
         " SG_ MCRC : 4|8@1+ (1,0) [0|255] \"\" X\n" ECO_ATTRS,
         ECO_OK, NULL},
        /* issue 11: two counters load, without E2E */
        {"BO_ 1 M: 8 X\n SG_ ACounter : 0|4@1+ (1,0) [0|15] \"\" X\n"
         " SG_ BCounter : 4|4@1+ (1,0) [0|15] \"\" X\n SG_ MCRC : 56|8@1+ (1,0) [0|255] \"\" "
         "X\n" ECO_ATTRS,
         ECO_OK, NULL},
        /* attribute naming a missing signal */
        {"BO_ 1 M: 8 X\n SG_ Alive : 0|4@1+ (1,0) [0|15] \"\" X\n"
         "BA_ \"EcoE2ECounter\" BO_ 1 \"Alivee\";\n",
         ECO_EPARSE, "Alivee"},
        /* only one of the pair */
        {"BO_ 1 M: 8 X\n SG_ Alive : 0|4@1+ (1,0) [0|15] \"\" X\n"
         "BA_ \"EcoE2ECounter\" BO_ 1 \"Alive\";\n",
         ECO_EPARSE, "go together"},
        /* a Counter alone is no E2E declaration */
        {"BO_ 1 M: 8 X\n SG_ FrameCounter : 0|16@1+ (1,0) [0|0] \"\" X\n" ECO_ATTRS, ECO_OK, NULL},
        /* Motorola CRC on byte 7: start bit 63 */
        {"BO_ 1 M: 8 X\n SG_ MCounter : 3|4@0+ (1,0) [0|15] \"\" X\n"
         " SG_ MCRC : 63|8@0+ (1,0) [0|255] \"\" X\n" ECO_ATTRS,
         ECO_OK, "E2E"},
        /* the same pair in a DBC not written for ecodrive (an OEM "MsgCounter"/"MsgCRC"):
         * no E2E by name (issue 11: every frame was rejected) */
        {"BO_ 1 M: 8 X\n SG_ MsgCounter : 3|4@0+ (1,0) [0|15] \"\" X\n"
         " SG_ MsgCRC : 63|8@0+ (1,0) [0|255] \"\" X\n",
         ECO_OK, NULL},
        /* a pair declared by attribute must still have the profile's shape */
        {"BO_ 1 M: 8 X\n SG_ A : 0|4@1+ (1,0) [0|15] \"\" X\n SG_ C : 4|4@1+ (1,0) [0|15] \"\" "
         "X\n" ECO_ATTRS "BA_ \"EcoE2ECounter\" BO_ 1 \"A\";\nBA_ \"EcoE2ECRC\" BO_ 1 \"C\";\n",
         ECO_EPARSE, "whole unsigned byte"},
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof *cases; i++) {
        eco_can_db *db;
        int rc = eco_can_db_parse(cases[i].text, strlen(cases[i].text), "e2e.dbc", &db);
        cr_assert_eq(rc, cases[i].rc, "case %zu: %s", i, eco_last_error());
        if (rc == ECO_OK) {
            cr_assert_eq(db->msgs[0].e2e_crc >= 0, cases[i].word != NULL, "case %zu", i);
            eco_can_db_free(db);
        } else {
            cr_assert(strstr(eco_last_error(), cases[i].word), "case %zu: %s", i, eco_last_error());
        }
    }
}

Test(can_dbc, missing_file_and_empty_file)
{
    eco_can_db *db;
    cr_assert_eq(eco_can_db_load("nonexistent-dir/x.dbc", &db), ECO_ENOENT);
    cr_assert(strstr(eco_last_error(), "nonexistent-dir/x.dbc"));
    /* issue 11: a DBC without a message is refused, not read as an empty bus */
    static const char *const empty[] = {"", "VERSION \"\"\n\nNS_ :\n\tCM_\n\nBS_:\nBU_: A B\n"};
    for (size_t i = 0; i < 2; i++) {
        db = (eco_can_db *)1;
        cr_assert_eq(eco_can_db_parse(empty[i], strlen(empty[i]), "empty.dbc", &db), ECO_EPARSE);
        cr_assert_null(db);
        cr_assert(strstr(eco_last_error(), "empty.dbc:"), "%s", eco_last_error());
        cr_assert(strstr(eco_last_error(), "no message"), "%s", eco_last_error());
    }
}

/* Issue 11, parser strictness: a UTF-8 byte order mark is read past; UTF-16 (with its BOM,
 * either byte order, or without one) is refused by name. */
Test(can_dbc, encodings)
{
    static const char utf8[] = "\xEF\xBB\xBF"
                               "BO_ 1 M: 8 X\n SG_ S : 0|8@1+ (1,0) [0|255] \"\" X\n";
    static const char le[] = "\xFF\xFE"
                             "B\0O\0_\0 \0";
    static const char be[] = "\xFE\xFF\0B\0O\0_";
    static const char bare[] = "B\0O\0_\0 \0";
    eco_can_db *db;
    cr_assert_eq(eco_can_db_parse(utf8, sizeof utf8 - 1, "bom.dbc", &db), ECO_OK, "%s",
                 eco_last_error());
    cr_assert_eq(db->n_msgs, 1);
    cr_assert_str_eq(db->msgs[0].name, "M");
    eco_can_db_free(db);
    const struct {
        const char *text;
        size_t len;
    } utf16[] = {{le, sizeof le - 1}, {be, sizeof be - 1}, {bare, sizeof bare - 1}};
    for (size_t i = 0; i < 3; i++) {
        db = (eco_can_db *)1;
        cr_assert_eq(eco_can_db_parse(utf16[i].text, utf16[i].len, "wide.dbc", &db), ECO_EPARSE,
                     "case %zu", i);
        cr_assert_null(db);
        cr_assert(strstr(eco_last_error(), "wide.dbc:1: ") == eco_last_error(), "%s",
                  eco_last_error());
        cr_assert(strstr(eco_last_error(), "UTF-16"), "%s", eco_last_error());
    }
}

/* Issue 11, parser strictness: signals sharing a bit are refused, by the bit, unless they
 * are multiplexed apart. The bits are worked out by hand from the DBC's numbering: Intel
 * 0|8 covers byte 0; Intel 4|8 covers byte 0 bits 4..7 and byte 1 bits 0..3; Motorola 7|8
 * (MSB at byte 0 bit 7) covers byte 0; Motorola 15|4 covers byte 1 bits 7..4; Motorola
 * 3|8 covers byte 0 bits 3..0 and byte 1 bits 7..4. */
Test(can_dbc, overlapping_signals)
{
    static const struct {
        const char *text;
        const char *where; /* NULL: it loads */
    } cases[] = {
        {"BO_ 1 M: 8 X\n SG_ A : 0|8@1+ (1,0) [0|1] \"\" X\n SG_ B : 4|8@1+ (1,0) [0|1] \"\" X\n",
         ":3: message M: signals A and B overlap (byte 0, bit 4)"},
        {"BO_ 1 M: 8 X\n SG_ A : 0|8@1+ (1,0) [0|1] \"\" X\n SG_ B : 8|8@1+ (1,0) [0|1] \"\" X\n",
         NULL},
        {"BO_ 1 M: 8 X\n SG_ A : 15|4@0+ (1,0) [0|1] \"\" X\n SG_ B : 3|8@0+ (1,0) [0|1] \"\" X\n",
         ":3: message M: signals A and B overlap (byte 1, bit 4)"},
        {"BO_ 1 M: 8 X\n SG_ A : 7|8@0+ (1,0) [0|1] \"\" X\n SG_ B : 11|4@0+ (1,0) [0|1] \"\" X\n",
         NULL},
        /* multiplexed apart: both depend on the switch, for other values */
        {"BO_ 1 M: 8 X\n SG_ S M : 0|8@1+ (1,0) [0|1] \"\" X\n"
         " SG_ A m0 : 8|8@1+ (1,0) [0|1] \"\" X\n SG_ B m1 : 8|16@1+ (1,0) [0|1] \"\" X\n",
         NULL},
        /* the same value of the switch, or the switch itself: not apart */
        {"BO_ 1 M: 8 X\n SG_ S M : 0|8@1+ (1,0) [0|1] \"\" X\n"
         " SG_ A m1 : 8|8@1+ (1,0) [0|1] \"\" X\n SG_ B m1 : 12|8@1+ (1,0) [0|1] \"\" X\n",
         ":4: message M: signals A and B overlap (byte 1, bit 4)"},
        {"BO_ 1 M: 8 X\n SG_ S M : 0|8@1+ (1,0) [0|1] \"\" X\n"
         " SG_ A m1 : 6|8@1+ (1,0) [0|1] \"\" X\n",
         ":3: message M: signals S and A overlap (byte 0, bit 6)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        eco_can_db *db = NULL;
        int rc = eco_can_db_parse(cases[i].text, strlen(cases[i].text), "o.dbc", &db);
        if (!cases[i].where) {
            cr_assert_eq(rc, ECO_OK, "case %zu: %s", i, eco_last_error());
            eco_can_db_free(db);
            continue;
        }
        cr_assert_eq(rc, ECO_EPARSE, "case %zu loaded", i);
        cr_assert(strstr(eco_last_error(), cases[i].where), "case %zu: want '%s' in '%s'", i,
                  cases[i].where, eco_last_error());
    }
}

/* Issue 14 (found by fuzzing): "BO_ 1e19 M: 8" converted 1e19 to an integer before checking
 * its range, undefined behaviour that UBSan stops on (the sanitizer build of .ci/run runs
 * this test). Every integer of a DBC, far beyond its range either way, is refused by line
 * and named. */
Test(can_dbc, numbers_far_out_of_range_are_refused)
{
    static const struct {
        const char *text;
        int line;
        const char *word;
    } cases[] = {
        {"BO_ 1e19 M: 8 X\n", 1, "message id: 1e+19 is not an integer"},
        {"BO_ -1e19 M: 8 X\n", 1, "message id"},
        {"BO_ 1 M: 1e300 X\n", 1, "DLC"},
        {"BO_ 1 M: 8 X\n SG_ S : 1e19|8@1+ (1,0) [0|1] \"\" X\n", 2, "start bit"},
        {"BO_ 1 M: 8 X\n SG_ S : 0|-9.3e18@1+ (1,0) [0|1] \"\" X\n", 2, "length"},
        {"BO_ 1 M: 8 X\n SG_ S : 0|8@1+ (1,0) [0|1] \"\" X\nBA_ \"GenMsgCycleTime\" BO_ 1 "
         "1e19;\n",
         3, "GenMsgCycleTime"},
        {"BO_ 1 M: 8 X\n SG_ S : 0|8@1+ (1,0) [0|1] \"\" X\nVAL_ 1 S 1e19 \"a\" ;\n", 3,
         "VAL_ value"},
        {"BO_ 1 M: 8 X\n SG_ S : 0|8@1+ (1,0) [0|1] \"\" X\nSIG_VALTYPE_ 1 S : 1e19;\n", 3,
         "value type"},
        {"BA_DEF_DEF_ \"GenMsgCycleTime\" -1e19;\n", 1, "GenMsgCycleTime default"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char want[64];
        eco_can_db *db = (eco_can_db *)1;
        cr_assert_eq(eco_can_db_parse(cases[i].text, strlen(cases[i].text), "big.dbc", &db),
                     ECO_EPARSE, "case %zu parsed", i);
        cr_assert_null(db);
        snprintf(want, sizeof want, "big.dbc:%d: ", cases[i].line);
        cr_assert(strncmp(eco_last_error(), want, strlen(want)) == 0, "case %zu: '%s'", i,
                  eco_last_error());
        cr_assert(strstr(eco_last_error(), cases[i].word), "case %zu: '%s' lacks '%s'", i,
                  eco_last_error(), cases[i].word);
    }
}

/* Issue 11, extended multiplexing (SG_MUL_VAL_), decoded by hand. S0 (M, byte 0 bits 0..3)
 * is the top switch; S1 (m0M, bits 4..7) is present when S0 = 0 and is a switch itself;
 * A and B (byte 1) depend on S1 for 1 and for 2..3; C (byte 1) on S0 for 1. A and C share
 * their bits but are apart: A needs S0 = 0 (through S1), C needs S0 = 1. */
static const char ext_mux[] = "BO_ 100 Ext: 8 X\n"
                              " SG_ S0 M : 0|4@1+ (1,0) [0|15] \"\" X\n"
                              " SG_ S1 m0M : 4|4@1+ (1,0) [0|15] \"\" X\n"
                              " SG_ A m1 : 8|8@1+ (1,0) [0|255] \"\" X\n"
                              " SG_ B m2 : 8|8@1+ (1,0) [0|255] \"\" X\n"
                              " SG_ C m1 : 8|8@1+ (1,0) [0|255] \"\" X\n"
                              "SG_MUL_VAL_ 100 S1 S0 0-0;\n"
                              "SG_MUL_VAL_ 100 A S1 1-1;\n"
                              "SG_MUL_VAL_ 100 B S1 2 - 3;\n";

Test(can_dbc, extended_multiplexing_decoded_by_its_chain)
{
    static const struct {
        uint8_t b0, b1;
        int s1, a, b, c; /* the value, or -1: absent */
    } frames[] = {
        {0x10, 42, 1, 42, -1, -1}, /* S0 0, S1 1: A */
        {0x30, 7, 3, -1, 7, -1},   /* S0 0, S1 3: B (range 2..3) */
        {0x20, 9, 2, -1, 9, -1},   /* S0 0, S1 2: B */
        {0x11, 5, -1, -1, -1, 5},  /* S0 1: S1 absent, so A is too, though its bits read 1: C */
        {0x40, 8, 4, -1, -1, -1},  /* S0 0, S1 4: neither A nor B */
    };
    eco_can_db *db;
    int mi;
    cr_assert_eq(eco_can_db_parse(ext_mux, strlen(ext_mux), "ext.dbc", &db), ECO_OK, "%s",
                 eco_last_error());
    cr_assert_eq(eco_can_db_message_find(db, "Ext", &mi), ECO_OK);
    cr_assert(db->msgs[mi].mux_extended);
    for (size_t i = 0; i < sizeof frames / sizeof frames[0]; i++) {
        eco_can_frame f = {.id = 100, .dlc = 8, .data = {frames[i].b0, frames[i].b1}};
        double v[5];
        uint8_t st[5];
        cr_assert_eq(eco_can_message_decode(db, mi, &f, v, st), ECO_OK);
        const int want[5] = {frames[i].b0 & 15, frames[i].s1, frames[i].a, frames[i].b,
                             frames[i].c};
        for (int k = 0; k < 5; k++) {
            if (want[k] < 0) {
                cr_assert_eq(st[k], ECO_CAN_SIG_ABSENT, "frame %zu signal %d present", i, k);
                continue;
            }
            cr_assert_eq(st[k], ECO_CAN_SIG_OK, "frame %zu signal %d absent", i, k);
            cr_assert_float_eq(v[k], want[k], 1e-12, "frame %zu signal %d", i, k);
        }
    }
    eco_can_db_free(db);
}

Test(can_dbc, extended_multiplexing_errors)
{
    static const char head[] = "BO_ 100 Ext: 8 X\n"
                               " SG_ S0 M : 0|4@1+ (1,0) [0|15] \"\" X\n"
                               " SG_ S1 m0M : 4|4@1+ (1,0) [0|15] \"\" X\n"
                               " SG_ A m1 : 8|8@1+ (1,0) [0|255] \"\" X\n"
                               " SG_ P : 16|8@1+ (1,0) [0|255] \"\" X\n";
    static const struct {
        const char *tail;
        const char *word;
    } cases[] = {
        {"SG_MUL_VAL_ 100 A P 1-1;\n", "ext.dbc:4: signal A of Ext depends on P, which is not"},
        {"SG_MUL_VAL_ 100 P S0 1-1;\n", "ext.dbc:5: SG_MUL_VAL_ on signal P of Ext, which is not"},
        {"SG_MUL_VAL_ 101 A S1 1-1;\n", "ext.dbc:6: SG_MUL_VAL_ for message id 101"},
        {"SG_MUL_VAL_ 100 A Q 1-1;\n", "ext.dbc:6: SG_MUL_VAL_: message Ext has no signal Q"},
        {"SG_MUL_VAL_ 100 A S1 5-3;\n", "ext.dbc:6: multiplexer range 5-3 is empty"},
        {"SG_MUL_VAL_ 100 A S1 1-1;\nSG_MUL_VAL_ 100 A S1 2-2;\n",
         "ext.dbc:7: SG_MUL_VAL_ for signal A twice"},
        {" SG_ X m0M : 24|4@1+ (1,0) [0|15] \"\" X\n SG_ Y m0M : 28|4@1+ (1,0) [0|15] \"\" X\n"
         "SG_MUL_VAL_ 100 X Y 1-1;\nSG_MUL_VAL_ 100 Y X 1-1;\n",
         "ext.dbc:1: message Ext: its multiplexer switches depend on each other in a loop"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[1024];
        eco_can_db *db = (eco_can_db *)1;
        snprintf(text, sizeof text, "%s%s", head, cases[i].tail);
        cr_assert_eq(eco_can_db_parse(text, strlen(text), "ext.dbc", &db), ECO_EPARSE, "case %zu",
                     i);
        cr_assert_null(db);
        cr_assert(strstr(eco_last_error(), cases[i].word), "case %zu: want '%s' in '%s'", i,
                  cases[i].word, eco_last_error());
    }
}
