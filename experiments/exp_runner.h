/* exp_runner: executes every run of an experiment (on several threads; results land by
 * run index, so the output does not depend on the thread count) and writes its output
 * folder:
 *   config.resolved.ini  every key with its effective value
 *   runs.csv             one row per run: variant, replication, seed, every reported metric
 *   metrics.csv          the reported metrics' names, units and meanings
 *   summary.csv          per variant and metric: n, mean, sd, 95 % CI half-width, min, max
 *   manifest.json        version, commit, command line, seeds, times, host, events
 *   verdict.txt          the hypothesis, the rule and the verdict (if [verdict] expect)
 *   trace.csv, states.csv, samples.csv, trace*.pcap   what the runs recorded, when the
 *                        experiment asks (exp_record.h, docs/OUTPUTS.md)
 * The folder is written under a temporary name beside its final one and renamed only
 * when every file is complete, so a folder with the final name is always whole. The same
 * experiment, seed and synack version give byte-identical files, manifest.json aside. */
#pragma once

#include <glib.h>
#include "experiment.h"

G_BEGIN_DECLS

typedef struct {
  guint done, total;          /* runs finished, runs in all */
  double wall_seconds;        /* since the first run started */
  guint64 events;             /* fired so far, by every run */
  double sim_seconds;         /* simulated so far, summed over runs */
  double eta_seconds;         /* estimated wall time left; < 0: unknown */
} ExpProgress;

typedef struct {
  const char *outdir;         /* NULL: results/<name>-<UTC time> */
  guint jobs;                 /* threads; 0: one per core */
  char **argv;                /* the command line, for the manifest (NULL-terminated) */
  const char *pcap;           /* NULL, or where the traced runs' captures go instead of
                               * the folder (one run: this file; several: the variant and
                               * replication inserted before its extension) */
  /* called on the calling thread after each run finishes and a few times a second
   * between (may be NULL) */
  void (*progress)(const ExpProgress *p, void *user);
  void *user;
} ExpRunnerOptions;

typedef enum {
  EXP_RUNNER_OK = 0,
  EXP_RUNNER_FAILED = 1,      /* a run or writing the output failed */
  EXP_RUNNER_BAD_OUTPUT = 2,  /* the output folder exists or cannot be made */
} ExpRunnerStatus;

typedef struct {
  char *outdir;               /* the folder written */
  char *verdict;              /* "VERDICT name: SUPPORTED (figures)", or NULL */
  gboolean supported;
  guint64 events;
  double wall_seconds;
} ExpRunnerResult;

void exp_runner_result_clear(ExpRunnerResult *r);

/* Runs @e as @opt says. On anything but EXP_RUNNER_OK @error says why and no folder
 * with the final name is left behind. */
ExpRunnerStatus exp_runner_execute(const Experiment *e, const ExpRunnerOptions *opt,
                                   ExpRunnerResult *result, GError **error);

G_END_DECLS
