/* exp_mpi: an experiment's runs spread over the ranks of an MPI job (built with
 * -DSYNACK_MPI=ON): `mpirun -n R synack run FILE` writes the same folder as `synack run
 * FILE`. Every rank loads the experiment from the same arguments; rank 0 keeps the
 * output folder and hands run indices to ranks 1..R-1 one at a time, the next to
 * whichever rank ends first (it runs no simulation itself: -n J+1 for J workers). A
 * worker runs each run in a forked process of its own, as the local pool does, into a
 * private temporary folder, sends the files the run wrote to rank 0 and deletes them;
 * rank 0 writes them into DIR/runs/, the .run or .failed file last. The folder's other
 * files are made from runs/ alone (exp_folder), so the bytes do not depend on where the
 * runs ran.
 *
 * Messages (MPI_COMM_WORLD; integers are uint64 as MPI_UINT64_T):
 *   start     every rank, collective: MPI_Gather of a 64-byte digest of the resolved
 *             experiment and synack version; rank 0 checks they are equal and
 *             MPI_Bcast's the answer (1 go, 0 refuse)
 *   RUN       0 -> w  {run index, pcap}   run it
 *   ABANDON   0 -> w  {}                   stop the run in flight (a stop request)
 *   STOP      0 -> w  {}                   no more runs: leave exp_mpi_serve
 *   FILE      w -> 0  {name length, data length}, then NAME (the bytes of the name in
 *                     runs/), then DATA (the bytes, in chunks of at most 1 GiB)
 *   ENDED     w -> 0  {run index, outcome}  after the run's FILEs: EXP_MPI_DONE,
 *                     EXP_MPI_FAILED (a .failed file was sent) or EXP_MPI_ABANDONED
 *                     (nothing sent; the run stays to be run)
 * A worker that was stopped itself (SIGINT, SIGTERM) abandons its run and every later
 * one, and rank 0 then stops the whole batch. */
#pragma once

#include <glib.h>
#include "exp_runner.h"
#include "experiment.h"

G_BEGIN_DECLS

/* When this process was started by an MPI launcher (mpirun, mpiexec, srun with PMI or
 * PMIx), initialises MPI and sets *@rank and *@size; with one rank MPI is finalised at
 * once and the process goes on as without MPI. Not started by a launcher: *@rank 0,
 * *@size 1, MPI untouched. With several ranks every rank must call it with the
 * experiment it loaded from the same arguments (collective): FALSE with @error when the
 * ranks loaded different experiments or synack versions (the message is meant for
 * rank 0 to print). MPI is finalised when the process exits (after rank 0 has told the
 * workers to stop, if the pool did not). */
gboolean exp_mpi_init(int *argc, char ***argv, const Experiment *e, int *rank, int *size,
                      GError **error);

/* A rank > 0: runs what rank 0 hands out until it says stop. @stop as in
 * ExpRunnerOptions (this process's own stop request). Returns the exit status: 0, or 1
 * when a run could not be run or sent. */
int exp_mpi_serve(const Experiment *e, const volatile int *stop);

/* Rank 0's ExpRunPool (exp_runner.h): hands the runs @todo to ranks 1..R-1, writes what
 * they send into @dir/runs/, reports through opt->progress and opt->ended, honours
 * opt->stop, and at the end tells every worker to stop. FALSE with @error when MPI is
 * not running with several ranks or a file cannot be written. */
gboolean exp_mpi_pool(const Experiment *e, const ExpRunnerOptions *opt, const char *dir,
                      const GArray *runs, const GArray *todo, guint *ran, guint *failed,
                      gboolean *stopped, GError **error);

G_END_DECLS
