/* synack trace (cmd_trace.c): a traced run's connections listed, or one drawn as a
 * ladder diagram. Takes the command's argc/argv (argv[0] is the command name) and
 * returns the process exit status. */
#pragma once

int cmd_trace(int argc, char **argv);
