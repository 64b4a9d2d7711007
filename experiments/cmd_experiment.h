/* The synack commands on experiment files (cmd_experiment.c): each takes the command's
 * argc/argv (argv[0] is the command name) and returns the process exit status. */
#pragma once

int cmd_run(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_keys(int argc, char **argv);
int cmd_list(int argc, char **argv);
