/* exp_result: one finished run of an experiment as files of its own in the output
 * folder's runs/ subfolder, written the moment the run ends (each under a temporary
 * name, then renamed), so that a sweep killed at any point keeps every run it finished
 * and a later one (resume, merge of shards) can read them back exactly:
 *   runs/VARIANT.pP.rR.run          the metrics (every value exactly: %.17g), events
 *                                   and simulated seconds: the same bytes wherever and
 *                                   whenever the run ran
 *   runs/VARIANT.pP.rR.failed       instead, for a run that failed: why
 *   runs/VARIANT.pP.rR.trace.csv    what the run recorded, as rows of the folder's
 *   runs/VARIANT.pP.rR.states.csv   trace.csv, states.csv, samples.csv (no header)
 *   runs/VARIANT.pP.rR.samples.csv
 *   runs/VARIANT.pP.rR.pcap         its capture, when one is asked for
 * The .run (or .failed) file is written last: the others of a run exist once it does. */
#pragma once

#include <glib.h>
#include "exp_record.h"
#include "exp_run.h"
#include "experiment.h"

G_BEGIN_DECLS

typedef struct {
  double *values;          /* exp_metric_count() values; NaN where the file has none */
  ExpRunInfo info;
  char *failure;           /* a failed run: why (values NULL) */
} ExpResult;

void exp_result_clear(ExpResult *r);

/* Writes @len bytes of @text (-1: NUL-terminated) to @path under a temporary name,
 * then renames it: the file a reader finds is whole. SIM_ERROR_IO naming @path. */
gboolean exp_result_put(const char *path, const char *text, gssize len, GError **error);

/* "runs/VARIANT.pP.rR" for run @k of @e, relative to the output folder. */
char *exp_result_stem(const Experiment *e, const ExpRunKey *k);

/* Writes a finished run's files into @dir/runs/ (made if missing): what @record holds
 * (may be NULL), a capture when @pcap, then the .run file. */
gboolean exp_result_write(const char *dir, const Experiment *e, const ExpRunKey *k,
                          const double *values, const ExpRunInfo *info,
                          const ExpRecord *record, gboolean pcap, GError **error);
/* Writes the .failed file of run @k: @why, one line. */
gboolean exp_result_write_failure(const char *dir, const Experiment *e, const ExpRunKey *k,
                                  const char *why, GError **error);

typedef enum {
  EXP_RESULT_ABSENT,       /* not run yet (or killed while running) */
  EXP_RESULT_DONE,
  EXP_RESULT_FAILED,
} ExpResultState;

/* What the folder holds of run @k, without reading it. */
ExpResultState exp_result_state(const char *dir, const Experiment *e, const ExpRunKey *k);
/* Reads run @k's .run or .failed file into @out. FALSE with @error when it is absent or
 * unreadable (naming the file and line). */
gboolean exp_result_read(const char *dir, const Experiment *e, const ExpRunKey *k,
                         ExpResult *out, GError **error);
/* Appends the run's recorded rows of @kind ("trace", "states", "samples") to @out (none
 * when it recorded none). */
gboolean exp_result_append_rows(const char *dir, const Experiment *e, const ExpRunKey *k,
                                const char *kind, GString *out, GError **error);

G_END_DECLS
