/* main.c — the `necstgen` dispatcher: global flags, then one subcommand per file. */
#include <stdio.h>
#include <string.h>

#include <cblas.h>

#include "cli/commands.h"
#include "core/log.h"
#include "core/outfile.h"

/* OpenBLAS (pthreads build) starts its worker threads when it loads, and they spin on
 * sched_yield for a while waiting for work that never comes: necstgen runs its BLAS on
 * one thread. This stops them (exported by OpenBLAS's threaded builds, not declared in
 * its cblas.h; weak, so a serial build without it links too). */
int blas_thread_shutdown_(void) __attribute__((weak));

static const ng_command commands[] = {
    {"extract", "per-packet and per-flow feature tables (CSV) from captures", ng_cmd_extract},
    {"train", "learn the traffic of captures at three levels into one model file", ng_cmd_train},
    {"generate", "synthetic traffic from a model into a capture (pcap, pcapng, csv)", ng_cmd_generate},
    {"compare", "score synthetic captures against a real one (table, JSON, HTML)", ng_cmd_compare},
    {"inspect", "what a model learned, in words and numbers", ng_cmd_inspect},
    {"lora", "LoRaWAN gateway uplinks: train, generate, compare, convert", ng_cmd_lora},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *out)
{
    fprintf(out, "usage: necstgen [-q|-v] <command> [options]\n\ncommands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nRun 'necstgen <command> --help' for a command's options.\n");
}

int main(int argc, char **argv)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet")) {
            ng_log_set_level(NG_LOG_WARN);
        } else if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
            ng_log_set_level(NG_LOG_DEBUG);
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--version")) {
            printf("necstgen %s\n", NG_VERSION);
            return 0;
        } else {
            fprintf(stderr, "necstgen: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return 2;
    }
    openblas_set_num_threads(1);
    if (blas_thread_shutdown_) /* 1M packets: 1.11 -> 0.99 CPU s, the spinning gone */
        blas_thread_shutdown_();
    ng_outfile_install_signal_handlers();
    for (size_t c = 0; c < N_COMMANDS; c++)
        if (!strcmp(argv[i], commands[c].name))
            return commands[c].run(argc - i, argv + i);
    fprintf(stderr, "necstgen: unknown command '%s'\n", argv[i]);
    usage(stderr);
    return 2;
}
