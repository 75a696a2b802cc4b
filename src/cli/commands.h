/* commands.h — the subcommands behind the `necstgen` dispatcher (one file each). */
#ifndef NG_CLI_COMMANDS_H
#define NG_CLI_COMMANDS_H

/* Each returns the process exit status: 0 success, 1 failure, 2 usage error. */
typedef int (*ng_command_fn)(int argc, char **argv);

typedef struct ng_command {
    const char *name;
    const char *summary;
    ng_command_fn run;
} ng_command;

int ng_cmd_extract(int argc, char **argv);
int ng_cmd_compare(int argc, char **argv);
int ng_cmd_generate(int argc, char **argv);
int ng_cmd_train(int argc, char **argv);
int ng_cmd_inspect(int argc, char **argv);
int ng_cmd_lora(int argc, char **argv);

#endif
