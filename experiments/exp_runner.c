/* exp_runner: running an experiment's runs in worker processes into its output folder
 * (exp_runner.h). */
#include "exp_runner.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "exp_folder.h"
#include "exp_record.h"
#include "exp_result.h"
#include "exp_run.h"
#include "sim_error.h"
#include "sim_version.h"

void
exp_runner_result_clear(ExpRunnerResult *r)
{
  if (r == NULL)
    return;
  g_free(r->outdir);
  g_free(r->verdict);
  memset(r, 0, sizeof *r);
}

/* ---- the folder ------------------------------------------------------------------- */

static char *
default_outdir(const Experiment *e, GDateTime *now)
{
  g_autofree char *stamp = g_date_time_format(now, "%Y%m%d-%H%M%S");
  g_autofree char *base = g_strdup_printf("results/%s-%s", e->name, stamp);
  char *dir = g_strdup(base);
  for (guint i = 2; g_file_test(dir, G_FILE_TEST_EXISTS); i++) {
    g_free(dir);
    dir = g_strdup_printf("%s-%u", base, i);
  }
  return dir;
}

static gboolean
put(const char *dir, const char *name, const char *text, GError **error)
{
  g_autofree char *path = g_build_filename(dir, name, NULL);
  return exp_result_put(path, text, -1, error);
}

/* A new folder @dir holding @e's config.resolved.ini; nothing is left if it fails. */
static gboolean
folder_create(const Experiment *e, const char *dir, GError **error)
{
  GStatBuf st;
  if (g_lstat(dir, &st) == 0) {   /* a dangling symbolic link is in the way too */
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "output folder '%s' already exists: choose "
                "another (-o DIR), remove it, or continue it (--resume %s)", dir, dir);
    return FALSE;
  }
  g_autofree char *parent = g_path_get_dirname(dir);
  gboolean made_parent = g_mkdir_with_parents(parent, 0777) == 0;
  if (!made_parent || g_mkdir(dir, 0777) != 0) {
    int err = errno;
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "cannot make folder '%s': %s",
                made_parent ? dir : parent, g_strerror(err));
    return FALSE;
  }
  g_autofree char *resolved = experiment_resolved(e);
  if (!put(dir, "config.resolved.ini", resolved, error)) {
    g_rmdir(dir);
    return FALSE;
  }
  return TRUE;
}

/* Checks that folder @dir holds @e (replications may have grown), and records @e's
 * resolved config in it when they did. */
static gboolean
folder_resume(const Experiment *e, const char *dir, GError **error)
{
  g_autofree char *path = g_build_filename(dir, "config.resolved.ini", NULL);
  g_autofree char *there = NULL;
  if (!g_file_get_contents(path, &there, NULL, NULL)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "--resume %s: no %s: not the output folder "
                "of synack run", dir, path);
    return FALSE;
  }
  g_autofree char *here = experiment_resolved(e);
  g_autoptr(GString) diff = g_string_new(NULL);
  if (!exp_folder_compare_configs(there, here, TRUE, diff)) {
    g_string_truncate(diff, diff->len - 1);
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "--resume %s: the folder holds another "
                "experiment; it differs in:\n%s", dir, diff->str);
    return FALSE;
  }
  g_autoptr(GKeyFile) kf = g_key_file_new();
  g_key_file_load_from_data(kf, there, (gsize)-1, G_KEY_FILE_NONE, NULL);
  gint64 had = g_key_file_get_int64(kf, "experiment", "replications", NULL);
  if (had > (gint64)e->replications) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "--resume %s: the folder has %"
                G_GINT64_FORMAT " replications, more than %u: a folder's replications can "
                "grow, not shrink", dir, had, e->replications);
    return FALSE;
  }
  return had == (gint64)e->replications || put(dir, "config.resolved.ini", here, error);
}

/* ---- workers ---------------------------------------------------------------------- */

gboolean
exp_runner_run_one(const Experiment *e, const ExpRunKey *k, const char *dir, gboolean pcap,
                   ExpRunLive *live, GError **error)
{
  const SimConfig *cfg = experiment_config(e, k->variant, (guint)k->point);
  g_autofree double *values = g_new0(double, exp_metric_count());
  ExpRunInfo info = { 0 };
  g_autoptr(ExpRecord) rec = exp_record_new(cfg, k->replication);
  g_autoptr(GError) err = NULL;
  gboolean ok = exp_run_watched(cfg, k->replication, values, &info, live, rec, &err) &&
                exp_result_write(dir, e, k, values, &info, rec, pcap, &err);
  if (!ok) {
    exp_result_write_failure(dir, e, k, err->message, NULL);
    g_propagate_error(error, g_steal_pointer(&err));
  }
  return ok;
}

gboolean
exp_runner_wants_pcap(const Experiment *e, const ExpRunnerOptions *opt)
{
  gboolean pcap = opt->pcap != NULL;
  for (guint v = 0; v < e->variants->len && !pcap; v++)
    for (guint p = 0; p < e->points->len && !pcap; p++)
      pcap = sim_config_get_bool(experiment_config(e, v, p), "trace", "pcap");
  return pcap;
}

/* The child's side: runs @k, writes its files, never returns. */
static void G_GNUC_NORETURN
worker(const Experiment *e, const ExpRunKey *k, const char *dir, gboolean pcap,
       ExpRunLive *live)
{
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  _exit(exp_runner_run_one(e, k, dir, pcap, live, NULL) ? 0 : 3);
}

typedef struct {
  pid_t pid;              /* 0: free */
  guint run;              /* index into the run list */
  gint64 started;
} Slot;

typedef struct {
  const Experiment *e;
  const ExpRunnerOptions *opt;
  const char *dir;
  const GArray *runs;
  ExpRunLive *live;       /* shared with the workers: one per slot */
  Slot *slots;
  guint jobs, running, done, failed, total;
  double finished_sim;    /* simulated seconds of the runs ended so far */
  guint64 finished_events;
  gint64 t0;
  gboolean pcap;
} Pool;

const char *
exp_runner_signal_words(int sig)
{
  switch (sig) {
  case SIGABRT: return "SIGABRT: an assertion failed or the run aborted";
  case SIGSEGV: return "SIGSEGV: an invalid memory access";
  case SIGKILL: return "SIGKILL: killed, perhaps for want of memory";
  case SIGFPE:  return "SIGFPE: an arithmetic error";
  case SIGBUS:  return "SIGBUS: a bus error";
  default:      return g_strsignal(sig);
  }
}

/* Slot @s's worker ended with wait status @status. */
static void
reap(Pool *p, Slot *s, int status, gboolean stopping)
{
  const ExpRunKey *k = &g_array_index(p->runs, ExpRunKey, s->run);
  ExpRunLive *live = &p->live[s - p->slots];
  ExpResultState state = exp_result_state(p->dir, p->e, k);
  g_autofree char *why = NULL;
  if (WIFSIGNALED(status) && stopping && state == EXP_RESULT_ABSENT) {
    s->pid = 0;           /* stopped by us: left to run another time */
    p->running--;
    return;
  }
  if (state == EXP_RESULT_ABSENT) {
    why = WIFSIGNALED(status)
            ? g_strdup_printf("the run's process was killed by signal %d (%s)",
                              WTERMSIG(status), exp_runner_signal_words(WTERMSIG(status)))
            : g_strdup_printf("the run's process ended with status %d and no result",
                              WEXITSTATUS(status));
    g_autoptr(GError) err = NULL;
    exp_result_write_failure(p->dir, p->e, k, why, &err);
    state = EXP_RESULT_FAILED;
  } else if (state == EXP_RESULT_FAILED) {
    ExpResult r;
    if (exp_result_read(p->dir, p->e, k, &r, NULL))
      why = g_strdup(r.failure);
    exp_result_clear(&r);
  }
  p->done++;
  p->failed += state == EXP_RESULT_FAILED;
  p->finished_events += (guint64)atomic_load(&live->events);
  p->finished_sim += (double)atomic_load(&live->sim_ns) / SIM_S;
  s->pid = 0;
  p->running--;
  if (p->opt->ended != NULL) {
    ExpRunEnded ended = {
      .done = p->done, .total = p->total,
      .variant = ((const ExpVariant *)g_ptr_array_index(p->e->variants, k->variant))->name,
      .point = k->point, .replication = k->replication,
      .wall_seconds = (double)(g_get_monotonic_time() - s->started) / 1e6,
      .failure = state == EXP_RESULT_FAILED ? (why ? why : "failed") : NULL,
    };
    p->opt->ended(&ended, p->opt->user);
  }
}

static gboolean
start(Pool *p, Slot *s, guint run, GError **error)
{
  ExpRunLive *live = &p->live[s - p->slots];
  atomic_store(&live->events, 0);
  atomic_store(&live->sim_ns, 0);
  const ExpRunKey *k = &g_array_index(p->runs, ExpRunKey, run);
  g_autofree char *stem = exp_result_stem(p->e, k);
  g_autofree char *failed = g_strdup_printf("%s/%s.failed", p->dir, stem);
  g_unlink(failed);       /* a run that failed before is run again */
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) {
    int err = errno;
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "cannot start a worker process: %s",
                g_strerror(err));
    return FALSE;
  }
  if (pid == 0)
    worker(p->e, k, p->dir, p->pcap, live);
  s->pid = pid;
  s->run = run;
  s->started = g_get_monotonic_time();
  p->running++;
  return TRUE;
}

static void
report_progress(Pool *p)
{
  if (p->opt->progress == NULL)
    return;
  ExpProgress pr = { .done = p->done, .failed = p->failed, .total = p->total,
                     .eta_seconds = -1 };
  pr.wall_seconds = (double)(g_get_monotonic_time() - p->t0) / 1e6;
  pr.events = p->finished_events;
  pr.sim_seconds = p->finished_sim;
  for (guint j = 0; j < p->jobs; j++)
    if (p->slots[j].pid != 0) {
      pr.events += (guint64)atomic_load(&p->live[j].events);
      pr.sim_seconds += (double)atomic_load(&p->live[j].sim_ns) / SIM_S;
    }
  if (p->done > 0)
    pr.eta_seconds = pr.wall_seconds * (double)(p->total - p->done) / (double)p->done;
  p->opt->progress(&pr, p->opt->user);
}

gboolean
exp_runner_local_pool(const Experiment *e, const ExpRunnerOptions *opt, const char *dir,
                      const GArray *runs, const GArray *todo, guint *ran, guint *failed,
                      gboolean *stopped, GError **error)
{
  guint jobs = opt->jobs ? opt->jobs : g_get_num_processors();
  jobs = MAX(1u, MIN(jobs, todo->len));
  Pool p = { e, opt, dir, runs, NULL, NULL, jobs, 0, 0, 0, todo->len, 0, 0,
             g_get_monotonic_time(), exp_runner_wants_pcap(e, opt) };
  size_t bytes = sizeof(ExpRunLive) * jobs;
  p.live = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (p.live == MAP_FAILED) {
    int err = errno;
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "cannot share memory with the workers: %s",
                g_strerror(err));
    return FALSE;
  }
  p.slots = g_new0(Slot, jobs);
  /* workers' ends arrive as SIGCHLD, waited for with a timeout so that progress goes on
   * and a stop request (a handled signal interrupts the wait) is seen at once */
  sigset_t chld, old;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, &old);
  gboolean ok = TRUE, stopping = FALSE;
  guint next = 0;
  gint64 last_report = 0;
  while (p.running > 0 || (next < todo->len && !stopping && ok)) {
    if (!stopping && opt->stop != NULL && *opt->stop) {
      stopping = TRUE;
      for (guint j = 0; j < jobs; j++)
        if (p.slots[j].pid != 0)
          kill(p.slots[j].pid, SIGTERM);
    }
    for (guint j = 0; j < jobs && ok && !stopping && next < todo->len; j++)
      if (p.slots[j].pid == 0)
        ok = start(&p, &p.slots[j], g_array_index(todo, guint, next++), error);
    int status;
    pid_t pid;
    gboolean reaped = FALSE;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
      for (guint j = 0; j < jobs; j++)
        if (p.slots[j].pid == pid) {
          reap(&p, &p.slots[j], status, stopping);
          reaped = TRUE;
        }
    gint64 now = g_get_monotonic_time();
    if (reaped || now - last_report > 250000) {
      report_progress(&p);
      last_report = now;
    }
    if (!reaped && p.running > 0) {
      struct timespec wait = { 0, 100 * 1000 * 1000 };
      sigtimedwait(&chld, NULL, &wait);
    }
  }
  sigprocmask(SIG_SETMASK, &old, NULL);
  report_progress(&p);
  *ran = p.done;
  *failed = p.failed;
  *stopped = stopping;
  munmap(p.live, bytes);
  g_free(p.slots);
  return ok;
}

/* ---- the whole -------------------------------------------------------------------- */

static ExpRunnerStatus
finish(const Experiment *e, const char *dir, const ExpFolderInfo *info, guint ran,
       gboolean stopped, ExpRunnerResult *result, GError **error)
{
  ExpFolderSummary sum;
  if (!exp_folder_write(e, dir, info, &sum, error))
    return EXP_RUNNER_FAILED;
  result->outdir = g_strdup(dir);
  result->verdict = g_steal_pointer(&sum.verdict);
  result->supported = sum.supported;
  result->runs = sum.runs;
  result->done = sum.done;
  result->failed = sum.failed;
  result->ran = ran;
  result->stopped = stopped;
  result->events = sum.events;
  result->wall_seconds = info->wall_seconds;
  exp_folder_summary_clear(&sum);
  if (result->failed > 0) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%u of %u runs failed (%s/failures.csv "
                "says why); the others are summed up in %s", result->failed, result->runs,
                dir, dir);
    return EXP_RUNNER_FAILED;
  }
  if (result->done < result->runs) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s after %u of %u runs; what ran is "
                "summed up in %s; --resume %s runs the rest", stopped ? "stopped" : "ended",
                result->done, result->runs, dir, dir);
    return EXP_RUNNER_FAILED;
  }
  return EXP_RUNNER_OK;
}

ExpRunnerStatus
exp_runner_execute(const Experiment *e, const ExpRunnerOptions *opt, ExpRunnerResult *result,
                   GError **error)
{
  g_return_val_if_fail(e != NULL && opt != NULL && result != NULL, EXP_RUNNER_FAILED);
  g_return_val_if_fail(opt->shards == 0 || (opt->shard >= 1 && opt->shard <= opt->shards),
                       EXP_RUNNER_FAILED);
  memset(result, 0, sizeof *result);
  g_autoptr(GDateTime) start_time = g_date_time_new_now_utc();
  g_autofree char *dir = opt->outdir ? g_strdup(opt->outdir) : default_outdir(e, start_time);
  /* "DIR/" names DIR, not a folder inside it */
  for (size_t n = strlen(dir); n > 1 && dir[n - 1] == '/'; n--)
    dir[n - 1] = '\0';
  if (opt->resume ? !folder_resume(e, dir, error) : !folder_create(e, dir, error))
    return EXP_RUNNER_BAD_OUTPUT;
  /* a shard's folder remembers its slice (the file "shard": "I/N"), so that resuming it
   * without --shard runs that slice, and with another one is refused */
  guint shard = opt->shard, shards = opt->shards;
  g_autofree char *shard_path = g_build_filename(dir, "shard", NULL);
  g_autofree char *had = NULL;
  if (opt->resume && g_file_get_contents(shard_path, &had, NULL, NULL)) {
    guint i = 0, n = 0;
    if (sscanf(had, "%u/%u", &i, &n) != 2 || i < 1 || i > n ||
        (shards > 0 && (i != shard || n != shards))) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "--resume %s: the folder holds shard "
                  "%s of the runs, not %u/%u", dir, g_strchomp(had), shard, shards);
      return EXP_RUNNER_BAD_OUTPUT;
    }
    shard = i;
    shards = n;
  } else if (!opt->resume && shards > 0) {
    g_autofree char *text = g_strdup_printf("%u/%u\n", shards > 0 ? shard : 0, shards);
    if (!put(dir, "shard", text, error))
      return EXP_RUNNER_FAILED;
  }
  ExpRunnerOptions local = *opt;
  local.shard = shard;
  local.shards = shards;
  opt = &local;

  g_autoptr(GArray) runs = experiment_runs(e);
  g_autoptr(GArray) todo = g_array_new(FALSE, FALSE, sizeof(guint));
  for (guint i = 0; i < runs->len; i++)
    if (exp_folder_in_shard(i, opt->shard, opt->shards) &&
        exp_result_state(dir, e, &g_array_index(runs, ExpRunKey, i)) != EXP_RESULT_DONE)
      g_array_append_val(todo, i);
  gint64 t0 = g_get_monotonic_time();
  guint ran = 0, failed = 0;
  gboolean stopped = FALSE;
  ExpRunPool pool = opt->pool ? opt->pool : exp_runner_local_pool;
  if (todo->len > 0 && !pool(e, opt, dir, runs, todo, &ran, &failed, &stopped, error))
    return EXP_RUNNER_FAILED;
  g_autoptr(GDateTime) end_time = g_date_time_new_now_utc();
  guint jobs = opt->jobs ? opt->jobs : g_get_num_processors();
  ExpFolderInfo info = {
    .argv = opt->argv, .pcap = opt->pcap, .shard = opt->shard, .shards = opt->shards,
    .start = start_time, .end = end_time,
    .wall_seconds = (double)(g_get_monotonic_time() - t0) / 1e6,
    .jobs = MAX(1u, MIN(jobs, todo->len)),
  };
  return finish(e, dir, &info, ran, stopped, result, error);
}

/* ---- merging shards --------------------------------------------------------------- */

static gboolean
copy_file(const char *from, const char *to, GError **error)
{
  g_autofree char *bytes = NULL;
  gsize len = 0;
  g_autoptr(GError) err = NULL;
  if (!g_file_get_contents(from, &bytes, &len, &err) ||
      !g_file_set_contents(to, bytes, (gssize)len, &err)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "cannot copy '%s' to '%s': %s", from, to,
                err->message);
    return FALSE;
  }
  return TRUE;
}

/* The synack version a folder's manifest names, or NULL. */
static char *
folder_version(const char *dir)
{
  g_autofree char *path = g_build_filename(dir, "manifest.json", NULL);
  g_autofree char *text = NULL;
  if (!g_file_get_contents(path, &text, NULL, NULL))
    return NULL;
  const char *key = strstr(text, "\"synack_version\": \"");
  if (key == NULL)
    return NULL;
  key += strlen("\"synack_version\": \"");
  const char *end = strchr(key, '"');
  return end ? g_strndup(key, (gsize)(end - key)) : NULL;
}

ExpRunnerStatus
exp_runner_merge(const char *const *dirs, const char *outdir, char **argv,
                 ExpRunnerResult *result, GError **error)
{
  g_return_val_if_fail(dirs != NULL && dirs[0] != NULL && outdir != NULL && result != NULL,
                       EXP_RUNNER_FAILED);
  memset(result, 0, sizeof *result);
  g_autoptr(GDateTime) start_time = g_date_time_new_now_utc();
  g_autofree char *first_ini = g_build_filename(dirs[0], "config.resolved.ini", NULL);
  g_autofree char *first = NULL;
  if (!g_file_get_contents(first_ini, &first, NULL, NULL)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "%s: no config.resolved.ini: not the output "
                "folder of synack run", dirs[0]);
    return EXP_RUNNER_BAD_OUTPUT;
  }
  g_autofree char *version = folder_version(dirs[0]);
  for (const char *const *d = dirs + 1; *d; d++) {
    g_autofree char *ini = g_build_filename(*d, "config.resolved.ini", NULL);
    g_autofree char *text = NULL;
    if (!g_file_get_contents(ini, &text, NULL, NULL)) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "%s: no config.resolved.ini: not the "
                  "output folder of synack run", *d);
      return EXP_RUNNER_BAD_OUTPUT;
    }
    g_autoptr(GString) diff = g_string_new(NULL);
    if (!exp_folder_compare_configs(first, text, FALSE, diff)) {
      g_string_truncate(diff, diff->len - 1);
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s and %s hold different experiments "
                  "(\"in the folder\": %s):\n%s", dirs[0], *d, dirs[0], diff->str);
      return EXP_RUNNER_BAD_OUTPUT;
    }
    g_autofree char *v = folder_version(*d);
    if (g_strcmp0(v, version) != 0) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s was made by synack %s, %s by %s: "
                  "merge folders of one version", dirs[0], version ? version : "(unknown)",
                  *d, v ? v : "(unknown)");
      return EXP_RUNNER_BAD_OUTPUT;
    }
  }
  g_autoptr(Experiment) e = experiment_load(first_ini, NULL, error);
  if (e == NULL)
    return EXP_RUNNER_BAD_OUTPUT;
  if (!folder_create(e, outdir, error))
    return EXP_RUNNER_BAD_OUTPUT;
  g_autofree char *runs_dir = g_build_filename(outdir, "runs", NULL);
  g_mkdir_with_parents(runs_dir, 0777);
  for (const char *const *d = dirs; *d; d++) {
    g_autofree char *from_dir = g_build_filename(*d, "runs", NULL);
    g_autoptr(GDir) dh = g_dir_open(from_dir, 0, NULL);
    const char *name;
    while (dh != NULL && (name = g_dir_read_name(dh)) != NULL) {
      if (name[0] == '.')
        continue;           /* a file still being written when the shard stopped */
      g_autofree char *from = g_build_filename(from_dir, name, NULL);
      g_autofree char *to = g_build_filename(runs_dir, name, NULL);
      if (g_file_test(to, G_FILE_TEST_EXISTS)) {
        g_autofree char *a = NULL, *b = NULL;
        gsize la = 0, lb = 0;
        if (g_file_get_contents(from, &a, &la, NULL) && g_file_get_contents(to, &b, &lb, NULL) &&
            la == lb && memcmp(a, b, la) == 0)
          continue;         /* the same run in two folders, the same result */
        if (!g_str_has_suffix(name, ".run"))
          continue;         /* its .run decides */
        g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "run %s is in two folders with "
                    "different results (%s)", name, *d);
        return EXP_RUNNER_FAILED;
      }
      if (!copy_file(from, to, error))
        return EXP_RUNNER_FAILED;
    }
  }
  g_autoptr(GDateTime) end_time = g_date_time_new_now_utc();
  ExpFolderInfo info = { .argv = argv, .start = start_time, .end = end_time, .jobs = 0 };
  return finish(e, outdir, &info, 0, FALSE, result, error);
}
