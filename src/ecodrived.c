/* ecodrived: the real-time eco-driving daemon on SocketCAN. */
#include <stdio.h>
#include <string.h>

static void usage(FILE *fp)
{
    fprintf(fp, "usage: ecodrived --iface IFACE [--vehicle FILE] [--dbc FILE] [--mapping FILE]\n"
                "                 [--weights FILE|PRESET] [--log FILE]\n"
                "       ecodrived --replay FILE.log [--realtime] [--out FILE.log]\n"
                "\n"
                "Reads engine and battery signals from CAN, runs the eco controller at 10 Hz and\n"
                "sends EcoSetpoint frames. (The CAN loop is not built yet: see issue 4.)\n");
}

int main(int argc, char **argv)
{
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        usage(stdout);
        return 0;
    }
    usage(stderr);
    fprintf(stderr, "ecodrived: not implemented yet\n");
    return 2;
}
