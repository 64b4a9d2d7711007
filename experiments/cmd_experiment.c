/* The commands that work on experiment files: run, merge, validate, keys, list. Each parses
 * its own options with GOptionContext; bad usage or an invalid file exits 2 with one
 * message on stderr, a failure while running exits 1, and a run whose verdict is
 * REFUTED still exits 0 (that is a result, not an error). */
#include "cmd_experiment.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd_plot.h"
#include "exp_config.h"
#include "exp_run.h"
#include "exp_runner.h"
#ifdef SYNACK_MPI
#include "exp_mpi.h"
#endif
#include "experiment.h"

#ifndef SYNACK_CONFIG_DIR
#define SYNACK_CONFIG_DIR "experiments/configs"
#endif

/* Where the shipped experiments are: $SYNACK_CONFIG_DIR, else the source tree's. */
static const char *
config_dir(void)
{
  const char *env = g_getenv("SYNACK_CONFIG_DIR");
  return env != NULL && env[0] != '\0' ? env : SYNACK_CONFIG_DIR;
}

/* FILE as given when it exists; else, for a bare NAME, the shipped NAME.ini. */
static char *
resolve_path(const char *arg)
{
  if (g_file_test(arg, G_FILE_TEST_EXISTS) || strchr(arg, '/') != NULL)
    return g_strdup(arg);
  g_autofree char *file = g_str_has_suffix(arg, ".ini") ? g_strdup(arg)
                                                         : g_strconcat(arg, ".ini", NULL);
  char *shipped = g_build_filename(config_dir(), file, NULL);
  if (g_file_test(shipped, G_FILE_TEST_EXISTS))
    return shipped;
  g_free(shipped);
  return g_strdup(arg);
}

static Experiment *
load_or_report(const char *cmd, const char *arg, char **overrides, char **sweeps)
{
  g_autofree char *path = resolve_path(arg);
  g_autoptr(GError) err = NULL;
  Experiment *e = experiment_load_swept(path, (const char *const *)overrides,
                                        (const char *const *)sweeps, &err);
  if (e == NULL)
    fprintf(stderr, "synack %s: %s is not a valid experiment:\n%s\n", cmd, path,
            err->message);
  return e;
}

/* "P points x V variants x R replications = N runs", the points only in a sweep. */
static void
print_run_count(const Experiment *e)
{
  guint np = e->points->len, nv = e->variants->len, nr = e->replications;
  guint runs = np * nv * nr;
  if (e->sweep != NULL)
    printf("%u point%s x ", np, np == 1 ? "" : "s");
  printf("%u variant%s x %u replication%s = %u run%s\n", nv, nv == 1 ? "" : "s", nr,
         nr == 1 ? "" : "s", runs, runs == 1 ? "" : "s");
}

/* synack run --dry-run: what would run, every config already checked. */
static void
print_plan(const Experiment *e)
{
  printf("%s (%s): dry run, nothing is run or written\nvariants:", e->name, e->path);
  for (guint v = 0; v < e->variants->len; v++)
    printf("%s %s", v > 0 ? "," : "", ((const ExpVariant *)e->variants->pdata[v])->name);
  printf("\n");
  for (guint p = 0; p < e->points->len; p++) {
    const ExpPoint *pt = g_ptr_array_index(e->points, p);
    printf("point %u: %s\n", p, pt->label[0] != '\0' ? pt->label : "(nothing swept)");
  }
  print_run_count(e);
}

/* ---- run ------------------------------------------------------------------------- */

typedef struct {
  gboolean tty, quiet;
  gint64 last;
} Progress;

/* On a terminal: one line, rewritten in place, once the run has taken 2 s. */
static void
show_progress(const ExpProgress *p, void *user)
{
  Progress *pr = user;
  gint64 now = g_get_monotonic_time();
  if (!pr->tty || p->wall_seconds < 2.0 || (now - pr->last < 500000 && p->done < p->total))
    return;
  pr->last = now;
  fprintf(stderr, "\rrun %u/%u", p->done, p->total);
  if (p->failed > 0)
    fprintf(stderr, " (%u failed)", p->failed);
  fprintf(stderr, "  simulated %.1f s  %.3g events/s", p->sim_seconds,
          p->wall_seconds > 0 ? (double)p->events / p->wall_seconds : 0.0);
  if (p->eta_seconds >= 0 && p->done < p->total)
    fprintf(stderr, "  ETA %.0f s", p->eta_seconds);
  fputs("   ", stderr);
  if (p->done == p->total)
    fputc('\n', stderr);
  fflush(stderr);
}

/* Elsewhere (a log, a batch job): one line per run as it ends. */
static void
show_ended(const ExpRunEnded *r, void *user)
{
  Progress *pr = user;
  if (pr->tty || pr->quiet)
    return;
  fprintf(stderr, "run %u/%u %s point %" G_GUINT64_FORMAT " replication %" G_GUINT64_FORMAT
          ": %s in %.2f s%s%s\n", r->done, r->total, r->variant, r->point, r->replication,
          r->failure ? "FAILED" : "done", r->wall_seconds, r->failure ? ": " : "",
          r->failure ? r->failure : "");
  fflush(stderr);
}

/* SIGINT and SIGTERM ask the runner to stop: the only state a signal handler may
 * touch, so the one file-scope variable of the program. */
static volatile sig_atomic_t stop_requested;

static void
on_stop_signal(int sig)
{
  (void)sig;
  stop_requested = 1;
}

static void
catch_stop_signals(void)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
}

/* "I/N" with 1 <= I <= N. */
static gboolean
parse_shard(const char *text, guint *shard, guint *shards)
{
  char *end;
  guint64 i = g_ascii_strtoull(text, &end, 10);
  if (end == text || *end != '/')
    return FALSE;
  const char *n_text = end + 1;
  guint64 n = g_ascii_strtoull(n_text, &end, 10);
  if (end == n_text || *end != '\0' || i < 1 || i > n || n > G_MAXUINT32)
    return FALSE;
  *shard = (guint)i;
  *shards = (guint)n;
  return TRUE;
}

static void
append_override(char ***overrides, char *assignment)
{
  guint n = *overrides ? g_strv_length(*overrides) : 0;
  *overrides = g_renew(char *, *overrides, n + 2);
  (*overrides)[n] = assignment;
  (*overrides)[n + 1] = NULL;
}

int
cmd_run(int argc, char **argv)
{
  g_autofree char *outdir = NULL, *resume = NULL, *shard_text = NULL;
  g_auto(GStrv) overrides = NULL, sweeps = NULL;
  gboolean quiet = FALSE, trace = FALSE, dry_run = FALSE;
  gint jobs = 0, replications = 0;
  g_autofree char *pcap = NULL;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &outdir,
      "write into DIR (default results/NAME-TIME); it must not exist", "DIR" },
    { "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &overrides,
      "override a key (repeatable): --set tcp.time_wait=30s", "SECTION.KEY=VALUE" },
    { "sweep", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sweeps,
      "sweep a key (repeatable; adds to [sweep] or replaces its key): a list, a range "
      "start:stop:step or log(from, to, count): --sweep tcp.time_wait=0s,30s,60s",
      "SECTION.KEY=VALUES" },
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run, "check every config, print the "
      "variants, the points and the run count, and stop: nothing is run or written", NULL },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs,
      "runs at once, each in a process of its own (default: one per core)", "N" },
    { "replications", 'n', 0, G_OPTION_ARG_INT, &replications,
      "replications of every variant and point ([experiment] replications); with "
      "--resume, raising it adds the missing ones", "N" },
    { "resume", 'r', 0, G_OPTION_ARG_FILENAME, &resume,
      "continue the output folder DIR: run only what it lacks (FILE may be left out: "
      "DIR/config.resolved.ini)", "DIR" },
    { "shard", 0, 0, G_OPTION_ARG_STRING, &shard_text,
      "run only the I-th of N disjoint slices of the runs (synack merge joins them)", "I/N" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "print only the verdict", NULL },
    { "trace", 't', 0, G_OPTION_ARG_NONE, &trace, "record the traced hosts' connections "
      "into trace.csv ([trace] says which; default client0, first replication)", NULL },
    { "pcap", 0, 0, G_OPTION_ARG_FILENAME, &pcap, "trace, and write the traced traffic "
      "as a pcap capture to FILE", "FILE" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr(GOptionContext) oc = g_option_context_new("[FILE|NAME] - run an experiment");
  g_option_context_add_main_entries(oc, entries, NULL);
  g_option_context_set_description(oc,
    "FILE is an experiment file; NAME a shipped experiment (synack list).\n"
    "Writes config.resolved.ini, then each run's results into runs/ as it ends, then\n"
    "runs.csv, summary.csv, differences.csv, metrics.csv, manifest.json and verdict.txt\n"
    "(and what the file records and draws) into the output folder, and prints the\n"
    "verdict; with --trace also trace.csv (synack trace DIR draws its ladder diagrams).\n"
    "SIGINT or SIGTERM stops it: finished runs are kept and summed up; --resume DIR\n"
    "runs the rest.\n"
    "Exit status: 0 done (whatever the verdict), 1 some runs failed or were stopped,\n"
    "or the output failed, 2 bad usage, an invalid file or an unusable output folder.\n");
  g_auto(GStrv) given = g_strdupv(argv);   /* as typed, for the manifest */
  g_autoptr(GError) err = NULL;
  if (!g_option_context_parse(oc, &argc, &argv, &err)) {
    fprintf(stderr, "synack run: %s\n", err->message);
    return 2;
  }
  if (argc > 2 || (argc < 2 && resume == NULL)) {
    fprintf(stderr, "synack run: %s (see --help)\n",
            argc < 2 ? "no experiment given" : "one experiment at a time");
    return 2;
  }
  if (jobs < 0 || replications < 0) {
    fprintf(stderr, "synack run: %s must be >= 1\n", jobs < 0 ? "--jobs" : "--replications");
    return 2;
  }
  if (resume != NULL && outdir != NULL) {
    fprintf(stderr, "synack run: --resume DIR writes into DIR: leave -o out\n");
    return 2;
  }
  guint shard = 0, shards = 0;
  if (shard_text != NULL && !parse_shard(shard_text, &shard, &shards)) {
    fprintf(stderr, "synack run: --shard: expected I/N with 1 <= I <= N, got '%s'\n",
            shard_text);
    return 2;
  }
  if (pcap != NULL) {    /* before running for minutes, not after */
    g_autofree char *parent = g_path_get_dirname(pcap);
    if (!g_file_test(parent, G_FILE_TEST_IS_DIR) || g_file_test(pcap, G_FILE_TEST_IS_DIR)) {
      fprintf(stderr, "synack run: --pcap %s: %s\n", pcap,
              g_file_test(pcap, G_FILE_TEST_IS_DIR) ? "is a folder, not a file"
                                                     : "its folder does not exist");
      return 2;
    }
  }
  if (replications > 0)   /* as if --set experiment.replications=N came last */
    append_override(&overrides, g_strdup_printf("experiment.replications=%d", replications));
  if (trace || pcap != NULL)
    append_override(&overrides, g_strdup("trace.enabled=true"));
  g_autofree char *file = argc == 2 ? g_strdup(argv[1])
                                    : g_build_filename(resume, "config.resolved.ini", NULL);
  g_autoptr(Experiment) e = load_or_report("run", file, overrides, sweeps);
  if (e == NULL)
    return 2;
  if (dry_run) {
    print_plan(e);
    return 0;
  }
  g_autoptr(GPtrArray) cl = g_ptr_array_new();
  g_ptr_array_add(cl, (gpointer) "synack");
  for (char **a = given; *a; a++)
    g_ptr_array_add(cl, *a);
  g_ptr_array_add(cl, NULL);
  Progress pr = { .tty = !quiet && isatty(STDERR_FILENO), .quiet = quiet };
  catch_stop_signals();
  ExpRunnerOptions opt = {
    .outdir = resume ? resume : outdir,
    .resume = resume != NULL,
    .shard = shard,
    .shards = shards,
    .jobs = (guint)jobs,
    .argv = (char **)cl->pdata,
    .pcap = pcap,
    .stop = (const volatile int *)&stop_requested,
    .progress = show_progress,
    .ended = show_ended,
    .user = &pr,
  };
#ifdef SYNACK_MPI
  /* under mpirun every rank gets here with the same arguments (exp_mpi.h): ranks > 0
   * run what rank 0 hands them and never touch the folder; one rank runs as without */
  int mpi_rank = 0, mpi_size = 1;
  if (!exp_mpi_init(&argc, &argv, e, &mpi_rank, &mpi_size, &err)) {
    if (mpi_rank == 0)
      fprintf(stderr, "synack run: %s\n", err->message);
    return 2;
  }
  if (mpi_rank > 0)
    return exp_mpi_serve(e, opt.stop);
  if (mpi_size > 1)
    opt.pool = exp_mpi_pool;
#endif
  ExpRunnerResult res;
  ExpRunnerStatus st = exp_runner_execute(e, &opt, &res, &err);
  if (st == EXP_RUNNER_BAD_OUTPUT || res.outdir == NULL) {
    fprintf(stderr, "synack run: %s\n", err->message);
    return (int)st;
  }
  if (res.verdict != NULL)
    printf("%s\n", res.verdict);
  /* the [plot.NAME] figures, drawn from the folder now summed up */
  int status = cmd_plot_after_run(e, res.outdir, quiet);
  if (!quiet)
    printf("%u run%s (%u now), %" G_GUINT64_FORMAT " events in %.2f s; results in %s\n",
           res.runs, res.runs == 1 ? "" : "s", res.ran, res.events, res.wall_seconds,
           res.outdir);
  if (st != EXP_RUNNER_OK) {
    fprintf(stderr, "synack run: %s\n", err->message);
    status = (int)st;
  }
  exp_runner_result_clear(&res);
  return status;
}

/* ---- merge ------------------------------------------------------------------------ */

int
cmd_merge(int argc, char **argv)
{
  g_autofree char *outdir = NULL;
  gboolean quiet = FALSE;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &outdir,
      "the merged folder (required); it must not exist", "DIR" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "print only the verdict", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr(GOptionContext) oc =
    g_option_context_new("-o OUT DIR... - join the output folders of shards into one");
  g_option_context_add_main_entries(oc, entries, NULL);
  g_option_context_set_description(oc,
    "Each DIR is the output folder of `synack run FILE --shard I/N` (or any folder of\n"
    "the same experiment and synack version); OUT gets every run of them, summed up\n"
    "as one run of the whole experiment would have made it, and its figures.\n"
    "Exit status: 0 done, 1 runs are missing or failed, 2 bad usage or folders that\n"
    "do not belong together.\n");
  g_auto(GStrv) given = g_strdupv(argv);
  g_autoptr(GError) err = NULL;
  if (!g_option_context_parse(oc, &argc, &argv, &err)) {
    fprintf(stderr, "synack merge: %s\n", err->message);
    return 2;
  }
  if (outdir == NULL || argc < 2) {
    fprintf(stderr, "synack merge: %s (see --help)\n",
            outdir == NULL ? "-o OUT is required" : "no folder given");
    return 2;
  }
  g_autoptr(GPtrArray) cl = g_ptr_array_new();
  g_ptr_array_add(cl, (gpointer) "synack");
  for (char **a = given; *a; a++)
    g_ptr_array_add(cl, *a);
  g_ptr_array_add(cl, NULL);
  ExpRunnerResult res;
  ExpRunnerStatus st = exp_runner_merge((const char *const *)argv + 1, outdir,
                                        (char **)cl->pdata, &res, &err);
  if (st == EXP_RUNNER_BAD_OUTPUT || res.outdir == NULL) {
    fprintf(stderr, "synack merge: %s\n", err->message);
    return st == EXP_RUNNER_OK ? 1 : (int)st;
  }
  if (res.verdict != NULL)
    printf("%s\n", res.verdict);
  g_autofree char *ini = g_build_filename(outdir, "config.resolved.ini", NULL);
  g_autoptr(Experiment) e = experiment_load(ini, NULL, NULL);
  int status = e ? cmd_plot_after_run(e, res.outdir, quiet) : 0;
  if (!quiet)
    printf("%u of %u runs merged from %d folders into %s\n", res.done, res.runs, argc - 1,
           res.outdir);
  if (st != EXP_RUNNER_OK) {
    fprintf(stderr, "synack merge: %s\n", err->message);
    status = (int)st;
  }
  exp_runner_result_clear(&res);
  return status;
}

/* ---- validate --------------------------------------------------------------------- */

int
cmd_validate(int argc, char **argv)
{
  g_auto(GStrv) overrides = NULL, sweeps = NULL;
  GOptionEntry entries[] = {
    { "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &overrides,
      "override a key (repeatable)", "SECTION.KEY=VALUE" },
    { "sweep", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sweeps,
      "sweep a key (repeatable), as synack run --sweep", "SECTION.KEY=VALUES" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr(GOptionContext) oc =
    g_option_context_new("FILE|NAME - check an experiment without running it");
  g_option_context_add_main_entries(oc, entries, NULL);
  g_option_context_set_description(oc, "Exit status: 0 valid, 2 invalid or bad usage.\n");
  g_autoptr(GError) err = NULL;
  if (!g_option_context_parse(oc, &argc, &argv, &err)) {
    fprintf(stderr, "synack validate: %s\n", err->message);
    return 2;
  }
  if (argc != 2) {
    fprintf(stderr, "synack validate: give one experiment (see --help)\n");
    return 2;
  }
  g_autoptr(Experiment) e = load_or_report("validate", argv[1], overrides, sweeps);
  if (e == NULL)
    return 2;
  printf("%s: valid: ", e->path);
  print_run_count(e);
  return 0;
}

/* ---- keys ------------------------------------------------------------------------- */

static void
print_metrics(gboolean markdown)
{
  if (markdown)
    printf("## Metrics\n\nWhat a run reports (runs.csv columns, names for [metrics] report "
           "and [verdict] expect).\n\n| metric | unit | meaning |\n|---|---|---|\n");
  for (guint i = 0; i < exp_metric_count(); i++) {
    const MetricDef *d = exp_metric(i);
    if (markdown)
      printf("| `%s` | %s | %s |\n", d->name, d->unit, d->doc);
    else
      printf("%-22s %-6s %s\n", d->name, d->unit, d->doc);
  }
}

/* @text with '|' escaped for a Markdown table cell. */
static char *
md_cell(const char *text)
{
  GString *out = g_string_new(NULL);
  for (const char *p = text; *p; p++) {
    if (*p == '|')
      g_string_append_c(out, '\\');
    g_string_append_c(out, *p);
  }
  return g_string_free(out, FALSE);
}

static void
print_key(const SimKeySpec *s, gboolean markdown)
{
  const char *type = s->type == SIM_KEY_ENUM ? s->choices : sim_key_type_name(s->type);
  const char *def = s->def ? s->def : (s->flags & SIM_KEY_REQUIRED) ? "(required)" : "(not set)";
  if (markdown) {
    g_autofree char *t = md_cell(type), *d = md_cell(s->doc);
    g_autofree char *dv = def[0] == '\0' ? g_strdup("(empty)")
                                         : g_strdup_printf("`%s`", def);
    printf("| `%s` | %s | %s | %s |\n", s->key, t, dv, d);
  } else
    printf("  %-20s %-24s %-12s %s\n", s->key, type, def, s->doc);
}

/* docs/CONFIG.md is this output with --markdown; a test keeps the two equal. */
int
cmd_keys(int argc, char **argv)
{
  gboolean markdown = FALSE;
  GOptionEntry entries[] = {
    { "markdown", 0, 0, G_OPTION_ARG_NONE, &markdown, "print as Markdown (docs/CONFIG.md)",
      NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr(GOptionContext) oc =
    g_option_context_new("[SECTION] - list the keys of experiment files (or: metrics)");
  g_option_context_add_main_entries(oc, entries, NULL);
  g_autoptr(GError) err = NULL;
  if (!g_option_context_parse(oc, &argc, &argv, &err)) {
    fprintf(stderr, "synack keys: %s\n", err->message);
    return 2;
  }
  if (argc > 2) {
    fprintf(stderr, "synack keys: at most one section (see --help)\n");
    return 2;
  }
  const char *only = argc == 2 ? argv[1] : NULL;
  if (only != NULL && strcmp(only, "metrics") == 0) {
    print_metrics(markdown);
    return 0;
  }
  g_autoptr(SimSchema) schema = exp_schema_new();
  if (markdown)
    printf("# Experiment file keys\n\nGenerated by `synack keys --markdown`; a test fails "
           "when this file and the program differ.\nDurations take units (`5ms`), sizes "
           "(`100B`, `64KiB`), rates (`10Mbps`); see README.md.\n");
  const char *section = NULL;
  gboolean found = FALSE;
  for (guint i = 0; i < sim_schema_size(schema); i++) {
    const SimKeySpec *s = sim_schema_nth(schema, i);
    if (only != NULL && strcmp(s->section, only) != 0)
      continue;
    found = TRUE;
    if (section == NULL || strcmp(section, s->section) != 0) {
      section = s->section;
      if (markdown)
        printf("\n## [%s]\n\n| key | type | default | meaning |\n|---|---|---|---|\n",
               section);
      else
        printf("[%s]\n", section);
    }
    print_key(s, markdown);
  }
  if (only == NULL && markdown) {
    printf("\n");
    print_metrics(TRUE);
  }
  if (!found) {
    fprintf(stderr, "synack keys: no section [%s] (synack keys lists them all)\n", only);
    return 2;
  }
  return 0;
}

/* ---- list ------------------------------------------------------------------------- */

static gint
compare_names(gconstpointer a, gconstpointer b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int
cmd_list(int argc, char **argv)
{
  g_autoptr(GOptionContext) oc = g_option_context_new("- list the shipped experiments");
  g_autoptr(GError) err = NULL;
  if (!g_option_context_parse(oc, &argc, &argv, &err) || argc > 1) {
    fprintf(stderr, "synack list: %s\n", err ? err->message : "takes no argument");
    return 2;
  }
  g_autoptr(GDir) dir = g_dir_open(config_dir(), 0, &err);
  if (dir == NULL) {
    fprintf(stderr, "synack list: %s\n", err->message);
    return 1;
  }
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
  const char *n;
  while ((n = g_dir_read_name(dir)) != NULL)
    if (g_str_has_suffix(n, ".ini"))
      g_ptr_array_add(names, g_strndup(n, strlen(n) - 4));
  g_ptr_array_sort(names, compare_names);
  for (guint i = 0; i < names->len; i++) {
    g_autofree char *file = g_strconcat(names->pdata[i], ".ini", NULL);
    g_autofree char *path = g_build_filename(config_dir(), file, NULL);
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autofree char *desc = NULL;
    if (g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, NULL))
      desc = g_key_file_get_string(kf, "experiment", "description", NULL);
    printf("%-18s %s\n", (char *)names->pdata[i], desc ? desc : "");
  }
  return 0;
}
