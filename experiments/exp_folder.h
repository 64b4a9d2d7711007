/* exp_folder: the files of an output folder that sum its runs up (exp_runner.h lists
 * them), made from the folder's runs/ alone, in run order: the same runs give the same
 * bytes however and wherever they ran. */
#pragma once

#include <glib.h>
#include "experiment.h"

G_BEGIN_DECLS

/* What the manifest says beyond the runs (the times are not part of any other file). */
typedef struct {
  char **argv;                /* the command line (NULL-terminated) or NULL */
  const char *pcap;           /* where captures go instead of the folder, or NULL */
  guint shard, shards;        /* 0 shards: the whole run list */
  GDateTime *start, *end;
  double wall_seconds;
  guint jobs;
} ExpFolderInfo;

typedef struct {
  guint runs, done, failed;   /* runs of the folder (its shard), finished, failed */
  guint64 events;             /* over the finished runs */
  char *verdict;              /* "VERDICT name: SUPPORTED (figures)" or NULL (no rule, or
                               * no finished run) */
  gboolean supported;
} ExpFolderSummary;

void exp_folder_summary_clear(ExpFolderSummary *s);

/* TRUE when run @index of @e's run list belongs to the folder of shard @shard of
 * @shards (shards 0: every run does). */
gboolean exp_folder_in_shard(guint index, guint shard, guint shards);

/* Writes every summing-up file of folder @dir of @e from its runs/ (those of its shard),
 * each atomically, and fills @summary. FALSE with @error when a file cannot be read or
 * written. */
gboolean exp_folder_write(const Experiment *e, const char *dir, const ExpFolderInfo *info,
                          ExpFolderSummary *summary, GError **error);

/* Lines "  [section] key: 'A' in the folder, 'B' here" for each key whose value differs
 * between two config.resolved.ini texts (comments aside), appended to @out; [experiment]
 * replications is left out when @ignore_replications. TRUE when they agree. */
gboolean exp_folder_compare_configs(const char *folder_text, const char *here_text,
                                    gboolean ignore_replications, GString *out);

G_END_DECLS
