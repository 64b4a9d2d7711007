/* synack: the command line. `synack COMMAND [OPTIONS]`; `synack --version`.
 * Commands grow with the project; each parses its own options with GOptionContext and
 * reports bad input on stderr with exit status 2. */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "cmd_experiment.h"
#include "cmd_plot.h"
#include "cmd_trace.h"
#include "pd_run.h"
#include "selfcheck.h"
#include "sim_version.h"

typedef struct {
  const char *name;
  const char *summary;
  int (*main)(int argc, char **argv);
} Command;

static int
cmd_selfcheck(int argc, char **argv)
{
  ExpSelfcheckOptions opt = { .n = 10000, .ops = 1000000, .seed = 1 };
  gint64 seed = 1;
  GOptionEntry entries[] = {
    { "n", 0, 0, G_OPTION_ARG_INT64, &opt.n, "events pending in the hold run (default 10000)", "N" },
    { "ops", 0, 0, G_OPTION_ARG_INT64, &opt.ops, "hold operations (default 1000000)", "M" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "random seed (default 1)", "S" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr(GOptionContext) oc = g_option_context_new("- check the engine on this machine");
  g_option_context_add_main_entries(oc, entries, NULL);
  g_autoptr(GError) err = NULL;
  if (!g_option_context_parse(oc, &argc, &argv, &err)) {
    fprintf(stderr, "synack selfcheck: %s\n", err->message);
    return 2;
  }
  if (argc > 1) {
    fprintf(stderr, "synack selfcheck: unexpected argument '%s'\n", argv[1]);
    return 2;
  }
  if (opt.n < 1 || opt.ops < 0) {
    fprintf(stderr, "synack selfcheck: --n must be >= 1 and --ops >= 0\n");
    return 2;
  }
  opt.seed = (uint64_t)seed;
  g_autoptr(GString) report = g_string_new(NULL);
  gboolean ok = exp_selfcheck_run(&opt, report);
  printf("synack %s self-check\n%s", SYNACK_VERSION, report->str);
  return ok ? 0 : 1;
}

/* Exit status: 0 when every script passes, 1 when one fails, 2 when one cannot be read,
 * parsed or understood (that is bad input, never a pass). */
static int
cmd_packetdrill(int argc, char **argv)
{
  gboolean quiet = FALSE, verbose = FALSE;
  GOptionEntry entries[] = {
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "print failures and the summary only", NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
      "log the model's state changes on stderr", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr(GOptionContext) oc =
    g_option_context_new("FILE.pkt... - run packetdrill scripts against the TCP model");
  g_option_context_add_main_entries(oc, entries, NULL);
  g_option_context_set_description(oc,
    "Each script drives one simulated host running the Linux profile; its peer is the\n"
    "script. A script marked `// Failure: TEXT` must fail with TEXT where it says.\n"
    "Exit status: 0 all pass, 1 some fail, 2 a script is unreadable or not understood.\n");
  g_autoptr(GError) err = NULL;
  if (!g_option_context_parse(oc, &argc, &argv, &err)) {
    fprintf(stderr, "synack packetdrill: %s\n", err->message);
    return 2;
  }
  if (argc < 2) {
    fprintf(stderr, "synack packetdrill: no script given (see --help)\n");
    return 2;
  }
  SimLog log;
  sim_log_init(&log);
  if (verbose)
    sim_log_set_sink(&log, SIM_LOG_DEBUG, sim_log_sink_stdio, stderr);
  int passed = 0, failed = 0, bad = 0;
  for (int i = 1; i < argc; i++) {
    g_autoptr(GError) e = NULL;
    g_autoptr(PdScript) script = pd_script_load(argv[i], &e);
    PdResult res;
    if (script == NULL || !pd_run(script, &log, &res, &e)) {
      fprintf(stderr, "ERROR %s: %s\n", argv[i], e->message);
      bad++;
      continue;
    }
    if (res.passed) {
      passed++;
      if (!quiet)
        printf("PASS %s%s\n", argv[i], res.negative ? " (fails as expected)" : "");
    } else {
      failed++;
      printf("FAIL %s\n  %s\n", argv[i], res.failure);
    }
    pd_result_clear(&res);
  }
  printf("%d passed, %d failed, %d not understood\n", passed, failed, bad);
  fflush(stdout);
  return bad ? 2 : failed ? 1 : 0;
}

static const Command commands[] = {
  { "run", "run an experiment file (or a shipped one: synack list)", cmd_run },
  { "merge", "join the output folders of shards into one", cmd_merge },
  { "validate", "check an experiment file without running it", cmd_validate },
  { "keys", "list the keys experiment files take, or the metrics", cmd_keys },
  { "list", "list the shipped experiments", cmd_list },
  { "plot", "re-make an output folder's figures", cmd_plot },
  { "trace", "print a connection's ladder diagram from a traced run", cmd_trace },
  { "selfcheck", "check the random streams and the scheduler on this machine", cmd_selfcheck },
  { "packetdrill", "run packetdrill scripts against the TCP model", cmd_packetdrill },
};

static void
usage(FILE *out)
{
  fprintf(out, "usage: synack COMMAND [OPTIONS]\n       synack --version\n\ncommands:\n");
  for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
    fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf(out, "\n`synack COMMAND --help` describes a command's options.\n");
}

int
main(int argc, char **argv)
{
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
    printf("synack %s\n", SYNACK_VERSION);
    return 0;
  }
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
      strcmp(argv[1], "help") == 0) {
    usage(stdout);
    return 0;
  }
  for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
    if (strcmp(argv[1], commands[i].name) == 0) {
      g_autofree char *prog = g_strdup_printf("synack %s", commands[i].name);
      g_set_prgname(prog);
      return commands[i].main(argc - 1, argv + 1);
    }
  fprintf(stderr, "synack: unknown command '%s'\n\n", argv[1]);
  usage(stderr);
  return 2;
}
