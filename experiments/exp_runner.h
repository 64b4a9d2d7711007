/* exp_runner: executes the runs of an experiment and keeps its output folder.
 *
 * Each run executes in a worker process of its own (at most `jobs` at once): one
 * simulation per process, nothing shared, and a run that fails (an error, or an
 * assertion that aborts its process) is recorded with its reason while the others go
 * on. A run's results land in the folder's runs/ the moment it ends (exp_result.h), so
 * a sweep that is killed keeps every run it finished; `resume` continues it, running
 * only what is missing (and what failed), and refuses a folder whose experiment differs.
 * Raising [experiment] replications on resume adds the missing replications.
 *
 * The folder's other files are made from runs/ alone, in run order, once the runs are
 * over (also when stopped or when some failed, from what is there):
 *   config.resolved.ini  every key with its effective value (written first)
 *   runs.csv             one row per finished run: variant, point, the swept keys'
 *                        values, replication, seed, every reported metric
 *   failures.csv         the runs that failed and why (only when some did)
 *   metrics.csv          the reported metrics' names, units and meanings
 *   summary.csv          per variant, point and metric: n, mean, sd, 95 % CI, min, max
 *   differences.csv      per variant but the first, point and metric: the paired
 *                        differences from the first variant over replications (common
 *                        random numbers) with their 95 % CI
 *   trace.csv, states.csv, samples.csv, trace*.pcap   what the runs recorded
 *   verdict.txt          the hypothesis, the rule and the verdict (if [verdict] expect)
 *   manifest.json        version, commit, command line, seeds, times, host, each run
 * so the same experiment, seed and synack version give byte-identical files whatever
 * the number of jobs, whether it ran at once, was resumed, or ran as shards merged
 * afterwards (manifest.json aside). */
#pragma once

#include <glib.h>
#include "exp_run.h"
#include "experiment.h"

G_BEGIN_DECLS

typedef struct {
  guint done, failed, total;  /* runs finished (failed ones included), failed, to run */
  double wall_seconds;        /* since the first run started */
  guint64 events;             /* fired so far, by every run */
  double sim_seconds;         /* simulated so far, summed over runs */
  double eta_seconds;         /* estimated wall time left; < 0: unknown */
} ExpProgress;

/* One run that just ended. */
typedef struct {
  guint done, total;          /* as in ExpProgress, this run counted */
  const char *variant;
  uint64_t point, replication;
  double wall_seconds;
  const char *failure;        /* why it failed, or NULL */
} ExpRunEnded;

typedef struct ExpRunnerOptions ExpRunnerOptions;

/* What executes the runs @todo (indices into @runs) of @e into folder @dir: at the end
 * each has its files in @dir/runs/ (exp_result.h), except those a stop request left
 * out. Sets *@ran (ended, failed ones included), *@failed and *@stopped. FALSE with
 * @error only when it cannot work at all. exp_runner_local_pool is the default. */
typedef gboolean (*ExpRunPool)(const Experiment *e, const ExpRunnerOptions *opt,
                               const char *dir, const GArray *runs, const GArray *todo,
                               guint *ran, guint *failed, gboolean *stopped, GError **error);

struct ExpRunnerOptions {
  const char *outdir;         /* NULL: results/<name>-<UTC time> */
  guint jobs;                 /* worker processes; 0: one per core */
  char **argv;                /* the command line, for the manifest (NULL-terminated) */
  const char *pcap;           /* NULL, or where the traced runs' captures go instead of
                               * the folder (one run: this file; several: the variant,
                               * point and replication inserted before its extension) */
  gboolean resume;            /* outdir exists: continue it */
  guint shard, shards;        /* shards > 0: run only the runs whose index in the run list
                               * is shard - 1 modulo shards */
  const volatile int *stop;   /* when it becomes nonzero (a signal handler): start no
                               * more runs, stop those running (they stay to be run) */
  /* called on the calling thread a few times a second (may be NULL) */
  void (*progress)(const ExpProgress *p, void *user);
  /* called on the calling thread as each run ends (may be NULL) */
  void (*ended)(const ExpRunEnded *r, void *user);
  void *user;
  ExpRunPool pool;            /* NULL: exp_runner_local_pool */
};

typedef enum {
  EXP_RUNNER_OK = 0,
  EXP_RUNNER_FAILED = 1,      /* some runs failed or were stopped, or writing failed */
  EXP_RUNNER_BAD_OUTPUT = 2,  /* the folder exists (without resume), cannot be made, or
                               * does not fit the experiment being resumed */
} ExpRunnerStatus;

typedef struct {
  char *outdir;               /* the folder written */
  char *verdict;              /* "VERDICT name: SUPPORTED (figures)", or NULL */
  gboolean supported;
  guint runs, done, failed;   /* runs of this folder (its shard), finished, failed */
  guint ran;                  /* of those, run now (not found done in the folder) */
  gboolean stopped;           /* opt->stop ended it early */
  guint64 events;
  double wall_seconds;
} ExpRunnerResult;

void exp_runner_result_clear(ExpRunnerResult *r);

/* Runs @e into its folder as @opt says. EXP_RUNNER_FAILED with @error when a run
 * failed (the folder has the others, summed up), the run was stopped, or a file could
 * not be written; EXP_RUNNER_BAD_OUTPUT (nothing run or written) when the folder is
 * unusable. */
ExpRunnerStatus exp_runner_execute(const Experiment *e, const ExpRunnerOptions *opt,
                                   ExpRunnerResult *result, GError **error);

/* Worker processes on this machine, at most opt->jobs (0: one per core) at once. */
gboolean exp_runner_local_pool(const Experiment *e, const ExpRunnerOptions *opt,
                               const char *dir, const GArray *runs, const GArray *todo,
                               guint *ran, guint *failed, gboolean *stopped, GError **error);

/* Runs @k of @e in this process and writes its files into @dir/runs/ (a .failed file
 * when the run fails): what a worker does. @live may be NULL. FALSE when the run
 * failed (its reason in the .failed file and in @error). */
gboolean exp_runner_run_one(const Experiment *e, const ExpRunKey *k, const char *dir,
                            gboolean pcap, ExpRunLive *live, GError **error);
/* "SIGABRT: an assertion failed or the run aborted" ...: a signal that ended a run's
 * process, in words for failures.csv. */
const char *exp_runner_signal_words(int sig);
/* Whether @e's runs write captures (opt->pcap, or [trace] pcap in any variant). */
gboolean exp_runner_wants_pcap(const Experiment *e, const ExpRunnerOptions *opt);

/* Combines the folders @dirs (NULL-terminated; shards of one experiment: the same
 * config.resolved.ini and synack version) into the new folder @outdir, as if one run had
 * made it. @argv for its manifest. */
ExpRunnerStatus exp_runner_merge(const char *const *dirs, const char *outdir, char **argv,
                                 ExpRunnerResult *result, GError **error);

G_END_DECLS
