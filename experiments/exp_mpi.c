/* exp_mpi: the runs of an experiment spread over the ranks of an MPI job; rank 0 keeps
 * the folder (exp_mpi.h). Only built with -DSYNACK_MPI=ON. */
#include "exp_mpi.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <mpi.h>

#include "exp_result.h"
#include "sim_error.h"
#include "sim_version.h"

enum {
  TAG_RUN = 1,
  TAG_ABANDON,
  TAG_STOP,
  TAG_FILE,
  TAG_NAME,
  TAG_DATA,
  TAG_ENDED,
};

enum { EXP_MPI_DONE = 0, EXP_MPI_FAILED = 1, EXP_MPI_ABANDONED = 2 };

#define DIGEST_LEN 64                 /* SHA-256 in hex */
#define CHUNK ((size_t)1 << 30)       /* bytes per DATA message: counts are ints */
#define POLL_US 1000                  /* between looks for a message or a child's end */

/* Whether rank 0 still owes the workers a STOP: MPI is process-wide state, and the exit
 * handler that finalises it must know. */
static gboolean workers_waiting;

static gboolean
started_by_launcher(void)
{
  static const char *const vars[] = { "OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK",
                                      "PMI_SIZE" };
  for (guint i = 0; i < G_N_ELEMENTS(vars); i++)
    if (g_getenv(vars[i]) != NULL)
      return TRUE;
  return FALSE;
}

static int
world_size(void)
{
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size;
}

static void
release_workers(void)
{
  if (!workers_waiting)
    return;
  workers_waiting = FALSE;
  for (int w = 1; w < world_size(); w++)
    MPI_Send(NULL, 0, MPI_BYTE, w, TAG_STOP, MPI_COMM_WORLD);
}

static void
finalize_at_exit(void)
{
  int up = 0, down = 0;
  MPI_Initialized(&up);
  MPI_Finalized(&down);
  if (!up || down)
    return;
  release_workers();
  MPI_Finalize();
}

/* What must be equal on every rank: the experiment as resolved, and the program. */
static char *
experiment_digest(const Experiment *e)
{
  g_autofree char *resolved = experiment_resolved(e);
  g_autofree char *text = g_strconcat(SYNACK_VERSION " " SYNACK_GIT_COMMIT "\n", resolved,
                                      NULL);
  return g_compute_checksum_for_string(G_CHECKSUM_SHA256, text, -1);
}

gboolean
exp_mpi_init(int *argc, char ***argv, const Experiment *e, int *rank, int *size,
             GError **error)
{
  g_return_val_if_fail(e != NULL && rank != NULL && size != NULL, FALSE);
  *rank = 0;
  *size = 1;
  int up = 0;
  MPI_Initialized(&up);
  if (!up && !started_by_launcher())
    return TRUE;
  if (!up && MPI_Init(argc, argv) != MPI_SUCCESS) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "MPI_Init failed");
    return FALSE;
  }
  MPI_Comm_rank(MPI_COMM_WORLD, rank);
  MPI_Comm_size(MPI_COMM_WORLD, size);
  if (*size == 1) {         /* alone: a local run, MPI no longer needed */
    MPI_Finalize();
    return TRUE;
  }
  atexit(finalize_at_exit);
  workers_waiting = *rank == 0;

  g_autofree char *mine = experiment_digest(e);
  g_autofree char *all = *rank == 0 ? g_malloc((gsize)*size * DIGEST_LEN) : NULL;
  MPI_Gather(mine, DIGEST_LEN, MPI_CHAR, all, DIGEST_LEN, MPI_CHAR, 0, MPI_COMM_WORLD);
  g_autoptr(GString) odd = g_string_new(NULL);
  if (*rank == 0)
    for (int r = 1; r < *size; r++)
      if (memcmp(all + (gsize)r * DIGEST_LEN, mine, DIGEST_LEN) != 0)
        g_string_append_printf(odd, "%s%d", odd->len ? ", " : "", r);
  int go = odd->len == 0;
  MPI_Bcast(&go, 1, MPI_INT, 0, MPI_COMM_WORLD);
  if (!go) {
    workers_waiting = FALSE;  /* they leave too */
    if (*rank == 0)
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "MPI rank%s %s loaded another "
                  "experiment than rank 0, or runs another synack build: give every rank "
                  "the same file and program", strchr(odd->str, ',') ? "s" : "", odd->str);
    else
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "the MPI ranks loaded different "
                  "experiments (rank 0 says which)");
    return FALSE;
  }
  return TRUE;
}

/* ---- a worker rank ---------------------------------------------------------------- */

static void
send_u64s(const guint64 *v, int n, int to, int tag)
{
  MPI_Send(v, n, MPI_UINT64_T, to, tag, MPI_COMM_WORLD);
}

/* Sends @len bytes to rank 0 as file @name of runs/ (FILE, NAME, DATA). */
static void
send_bytes(const char *name, const char *bytes, gsize len)
{
  guint64 head[2] = { strlen(name), len };
  send_u64s(head, 2, 0, TAG_FILE);
  MPI_Send(name, (int)head[0], MPI_CHAR, 0, TAG_NAME, MPI_COMM_WORLD);
  for (gsize at = 0; at < len; at += CHUNK)
    MPI_Send(bytes + at, (int)MIN(CHUNK, len - at), MPI_BYTE, 0, TAG_DATA, MPI_COMM_WORLD);
}

static gboolean
send_file(const char *from, const char *name)
{
  g_autofree char *path = g_build_filename(from, name, NULL);
  g_autofree char *bytes = NULL;
  gsize len = 0;
  if (!g_file_get_contents(path, &bytes, &len, NULL))
    return FALSE;
  send_bytes(name, bytes, len);
  return TRUE;
}

static gint
by_name(gconstpointer a, gconstpointer b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files in @runs_dir, sorted, the .run or .failed file last; removes the
 * half-written ones a killed run left ("." names). */
static GPtrArray *
list_results(const char *runs_dir)
{
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GDir) dh = g_dir_open(runs_dir, 0, NULL);
  const char *n;
  while (dh != NULL && (n = g_dir_read_name(dh)) != NULL) {
    if (n[0] == '.') {
      g_autofree char *path = g_build_filename(runs_dir, n, NULL);
      g_unlink(path);
    } else
      g_ptr_array_add(names, g_strdup(n));
  }
  g_ptr_array_sort(names, by_name);
  for (guint i = 0; i < names->len; i++) {
    const char *name = names->pdata[i];
    if (g_str_has_suffix(name, ".run") || g_str_has_suffix(name, ".failed")) {
      char *last = g_ptr_array_steal_index(names, i);
      g_ptr_array_add(names, last);
      break;
    }
  }
  return names;
}

static void
remove_results(const char *runs_dir, GPtrArray *names)
{
  for (guint i = 0; i < names->len; i++) {
    g_autofree char *path = g_build_filename(runs_dir, names->pdata[i], NULL);
    g_unlink(path);
  }
}

/* The child's side: runs @k into @tmp, never returns. */
static void G_GNUC_NORETURN
run_child(const Experiment *e, const ExpRunKey *k, const char *tmp, gboolean pcap)
{
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  _exit(exp_runner_run_one(e, k, tmp, pcap, NULL, NULL) ? 0 : 3);
}

/* Runs @k in a child process into @tmp/runs/ and sends what it wrote, then ENDED. */
static gboolean
serve_run(const Experiment *e, const ExpRunKey *k, guint64 run, gboolean pcap,
          const char *tmp, const volatile int *stop)
{
  g_autofree char *runs_dir = g_build_filename(tmp, "runs", NULL);
  gboolean abandoned = stop != NULL && *stop;
  int status = 0;
  pid_t pid = -1;
  if (!abandoned) {
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid == 0)
      run_child(e, k, tmp, pcap);
  }
  if (pid < 0 && !abandoned) {
    int err = errno;
    g_autofree char *why = g_strdup_printf("cannot start a worker process: %s",
                                           g_strerror(err));
    exp_result_write_failure(tmp, e, k, why, NULL);
  }
  while (pid > 0) {
    pid_t got = waitpid(pid, &status, WNOHANG);
    if (got == pid || (got < 0 && errno != EINTR))
      break;
    int asked = 0;
    MPI_Iprobe(0, TAG_ABANDON, MPI_COMM_WORLD, &asked, MPI_STATUS_IGNORE);
    if (asked)
      MPI_Recv(NULL, 0, MPI_BYTE, 0, TAG_ABANDON, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if ((asked || (stop != NULL && *stop)) && !abandoned) {
      abandoned = TRUE;
      kill(pid, SIGTERM);
    }
    g_usleep(POLL_US);
  }
  ExpResultState state = exp_result_state(tmp, e, k);
  g_autoptr(GPtrArray) names = list_results(runs_dir);
  guint64 ended[2] = { run, EXP_MPI_ABANDONED };
  gboolean ok = TRUE;
  if (state == EXP_RESULT_ABSENT && !(abandoned && (pid < 0 || WIFSIGNALED(status)))) {
    /* the process died without a word: said as the local pool says it */
    g_autofree char *why = WIFSIGNALED(status)
      ? g_strdup_printf("the run's process was killed by signal %d (%s)", WTERMSIG(status),
                        exp_runner_signal_words(WTERMSIG(status)))
      : g_strdup_printf("the run's process ended with status %d and no result",
                        WEXITSTATUS(status));
    exp_result_write_failure(tmp, e, k, why, NULL);
    g_ptr_array_unref(names);
    names = list_results(runs_dir);
    state = EXP_RESULT_FAILED;
  }
  if (state != EXP_RESULT_ABSENT) {
    for (guint i = 0; i < names->len && ok; i++)
      ok = send_file(runs_dir, names->pdata[i]);
    ended[1] = state == EXP_RESULT_DONE ? EXP_MPI_DONE : EXP_MPI_FAILED;
  }
  /* a file that could not be read back: the run stays to be run */
  send_u64s(ended, 2, 0, TAG_ENDED);
  remove_results(runs_dir, names);
  return ok;
}

int
exp_mpi_serve(const Experiment *e, const volatile int *stop)
{
  g_return_val_if_fail(e != NULL, 1);
  g_autoptr(GError) err = NULL;
  g_autofree char *tmp = g_dir_make_tmp("synack-mpi-XXXXXX", &err);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  g_autofree char *no_tmp = err ? g_strdup_printf("MPI rank %d has no temporary folder: %s\n",
                                                  rank, err->message) : NULL;
  g_autoptr(GArray) runs = experiment_runs(e);
  int status = 0;
  for (;;) {
    MPI_Status st = { .MPI_TAG = TAG_STOP };
    int any = 0;
    while (MPI_Iprobe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &any, &st) == MPI_SUCCESS && !any)
      g_usleep(POLL_US);
    if (st.MPI_TAG == TAG_RUN) {
      guint64 msg[2];
      MPI_Recv(msg, 2, MPI_UINT64_T, 0, TAG_RUN, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      guint64 ended[2] = { msg[0], EXP_MPI_ABANDONED };
      if (msg[0] >= runs->len) {
        status = 1;           /* not a run of this experiment: the batch stops */
        send_u64s(ended, 2, 0, TAG_ENDED);
        continue;
      }
      const ExpRunKey *k = &g_array_index(runs, ExpRunKey, msg[0]);
      if (tmp == NULL) {      /* cannot run here: the run fails, saying why */
        g_autofree char *stem = exp_result_stem(e, k);
        g_autofree char *name = g_strconcat(stem + strlen("runs/"), ".failed", NULL);
        send_bytes(name, no_tmp, strlen(no_tmp));
        ended[1] = EXP_MPI_FAILED;
        send_u64s(ended, 2, 0, TAG_ENDED);
        status = 1;
        continue;
      }
      if (!serve_run(e, k, msg[0], msg[1] != 0, tmp, stop))
        status = 1;
    } else {
      MPI_Recv(NULL, 0, MPI_BYTE, 0, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      if (st.MPI_TAG == TAG_STOP)
        break;                /* an ABANDON that crossed the run's end is dropped */
    }
  }
  if (tmp != NULL) {
    g_autofree char *runs_dir = g_build_filename(tmp, "runs", NULL);
    g_rmdir(runs_dir);
    g_rmdir(tmp);
  }
  return status;
}

/* ---- rank 0 ----------------------------------------------------------------------- */

typedef struct {
  const Experiment *e;
  const ExpRunnerOptions *opt;
  const char *dir;
  const GArray *runs;
  gint64 *busy;           /* per rank: the run it has, or -1 */
  gint64 *started;
  guint running, done, failed, total;
  double finished_sim;
  guint64 finished_events;
  gint64 t0;
  gboolean stopping;
  GError *write_error;    /* the first file that could not be written */
} Hub;

static void
hub_progress(Hub *h)
{
  if (h->opt->progress == NULL)
    return;
  ExpProgress pr = { .done = h->done, .failed = h->failed, .total = h->total,
                     .eta_seconds = -1 };
  pr.wall_seconds = (double)(g_get_monotonic_time() - h->t0) / 1e6;
  pr.events = h->finished_events;
  pr.sim_seconds = h->finished_sim;
  if (h->done > 0)
    pr.eta_seconds = pr.wall_seconds * (double)(h->total - h->done) / (double)h->done;
  h->opt->progress(&pr, h->opt->user);
}

static void
hub_stop(Hub *h)
{
  if (h->stopping)
    return;
  h->stopping = TRUE;
  for (int w = 1; w < world_size(); w++)
    if (h->busy[w] >= 0)
      MPI_Send(NULL, 0, MPI_BYTE, w, TAG_ABANDON, MPI_COMM_WORLD);
}

/* A FILE from rank @w: its name and bytes, written into runs/ (atomically). */
static void
hub_receive_file(Hub *h, int w)
{
  guint64 head[2];
  MPI_Recv(head, 2, MPI_UINT64_T, w, TAG_FILE, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  g_autofree char *name = g_malloc0(head[0] + 1);
  MPI_Recv(name, (int)head[0], MPI_CHAR, w, TAG_NAME, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  g_autofree char *bytes = g_malloc(MAX(head[1], 1));
  for (gsize at = 0; at < head[1]; at += CHUNK)
    MPI_Recv(bytes + at, (int)MIN(CHUNK, head[1] - at), MPI_BYTE, w, TAG_DATA,
             MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  if (h->write_error != NULL)
    return;
  g_autoptr(GError) err = NULL;
  g_autofree char *runs_dir = g_build_filename(h->dir, "runs", NULL);
  g_autofree char *path = g_build_filename(runs_dir, name, NULL);
  if (name[0] == '\0' || name[0] == '.' || strchr(name, '/') != NULL)
    g_set_error(&h->write_error, SIM_ERROR, SIM_ERROR_INVALID,
                "MPI rank %d sent a file named '%s'", w, name);
  else if (g_mkdir_with_parents(runs_dir, 0777) != 0 ||
           !g_file_set_contents(path, bytes, (gssize)head[1], &err))
    g_set_error(&h->write_error, SIM_ERROR, SIM_ERROR_IO, "cannot write '%s': %s", path,
                err ? err->message : g_strerror(errno));
  if (h->write_error != NULL)
    hub_stop(h);
}

/* ENDED from rank @w: its run is over, its files written. */
static void
hub_ended(Hub *h, int w)
{
  guint64 msg[2];
  MPI_Recv(msg, 2, MPI_UINT64_T, w, TAG_ENDED, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  g_assert((gint64)msg[0] == h->busy[w]);
  h->busy[w] = -1;
  h->running--;
  if (msg[1] == EXP_MPI_ABANDONED) {
    hub_stop(h);            /* a worker stopped, or could not run it: the batch stops */
    return;
  }
  const ExpRunKey *k = &g_array_index(h->runs, ExpRunKey, msg[0]);
  ExpResultState state = exp_result_state(h->dir, h->e, k);
  ExpResult r = { 0 };
  gboolean read = state != EXP_RESULT_ABSENT && exp_result_read(h->dir, h->e, k, &r, NULL);
  if (state == EXP_RESULT_ABSENT) {   /* its file could not be written: failed */
    exp_result_clear(&r);
    return;
  }
  h->done++;
  h->failed += state == EXP_RESULT_FAILED;
  if (read && state == EXP_RESULT_DONE) {
    h->finished_events += r.info.events;
    h->finished_sim += r.info.sim_seconds;
  }
  if (h->opt->ended != NULL) {
    ExpRunEnded ended = {
      .done = h->done, .total = h->total,
      .variant = ((const ExpVariant *)g_ptr_array_index(h->e->variants, k->variant))->name,
      .point = k->point, .replication = k->replication,
      .wall_seconds = (double)(g_get_monotonic_time() - h->started[w]) / 1e6,
      .failure = state == EXP_RESULT_FAILED ? (r.failure ? r.failure : "failed") : NULL,
    };
    h->opt->ended(&ended, h->opt->user);
  }
  exp_result_clear(&r);
}

gboolean
exp_mpi_pool(const Experiment *e, const ExpRunnerOptions *opt, const char *dir,
             const GArray *runs, const GArray *todo, guint *ran, guint *failed,
             gboolean *stopped, GError **error)
{
  int up = 0, down = 0, rank = 0;
  MPI_Initialized(&up);
  MPI_Finalized(&down);
  if (up && !down)
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (!up || down || rank != 0 || world_size() < 2) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "the MPI pool needs rank 0 of a job "
                "of two ranks or more (mpirun -n 2 or more)");
    return FALSE;
  }
  int size = world_size();
  Hub h = { e, opt, dir, runs, g_new(gint64, size), g_new0(gint64, size), 0, 0, 0,
            todo->len, 0, 0, g_get_monotonic_time(), FALSE, NULL };
  for (int w = 0; w < size; w++)
    h.busy[w] = -1;
  gboolean pcap = exp_runner_wants_pcap(e, opt);
  guint next = 0;
  gint64 last_report = 0;
  while (h.running > 0 || (next < todo->len && !h.stopping)) {
    if (opt->stop != NULL && *opt->stop)
      hub_stop(&h);
    for (int w = 1; w < size && !h.stopping && next < todo->len; w++)
      if (h.busy[w] < 0) {
        guint run = g_array_index(todo, guint, next++);
        g_autofree char *stem = exp_result_stem(e, &g_array_index(runs, ExpRunKey, run));
        g_autofree char *old = g_strdup_printf("%s/%s.failed", dir, stem);
        g_unlink(old);      /* a run that failed before is run again */
        guint64 msg[2] = { run, pcap };
        send_u64s(msg, 2, w, TAG_RUN);
        h.busy[w] = run;
        h.started[w] = g_get_monotonic_time();
        h.running++;
      }
    MPI_Status st;
    int any = 0;
    MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &any, &st);
    gboolean ended = FALSE;
    if (any && st.MPI_TAG == TAG_FILE)
      hub_receive_file(&h, st.MPI_SOURCE);
    else if (any && st.MPI_TAG == TAG_ENDED) {
      hub_ended(&h, st.MPI_SOURCE);
      ended = TRUE;
    } else if (any)           /* nothing else is sent to rank 0: drop it */
      MPI_Recv(NULL, 0, MPI_BYTE, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD,
               MPI_STATUS_IGNORE);
    gint64 now = g_get_monotonic_time();
    if (ended || now - last_report > 250000) {
      hub_progress(&h);
      last_report = now;
    }
    if (!any)
      g_usleep(POLL_US);
  }
  release_workers();
  hub_progress(&h);
  *ran = h.done;
  *failed = h.failed;
  *stopped = h.stopping && h.write_error == NULL;
  g_free(h.busy);
  g_free(h.started);
  if (h.write_error != NULL) {
    g_propagate_error(error, h.write_error);
    return FALSE;
  }
  return TRUE;
}
