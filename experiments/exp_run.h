/* exp_run: one simulation run of an experiment: config -> topology -> apps -> run ->
 * metrics. Everything a run needs lives in objects it makes and frees itself (scheduler,
 * world, hosts, links, apps), so runs on different threads share nothing.
 *
 * A run reports every metric of the table exp_metric(0 .. exp_metric_count() - 1): the models' (models/metrics.h:
 * oracles, retransmissions, time per state), then the run's own, read from the apps,
 * links and scheduler (connections opened and completed, connect and completion times,
 * segments, events). */
#pragma once

#include <stdatomic.h>
#include <stdint.h>
#include <glib.h>
#include "exp_record.h"
#include "metrics.h"
#include "sim_config.h"

G_BEGIN_DECLS

/* The whole table, in report order: its length, and entry @i. */
guint exp_metric_count(void);
const MetricDef *exp_metric(guint i);
/* Index of metric @name in that table, or -1. */
int exp_metric_find(const char *name);

typedef struct {
  uint64_t events;        /* events fired */
  double sim_seconds;     /* simulated time at the end */
} ExpRunInfo;

/* Where a run is, for progress reports from another thread: updated every few tens of
 * thousands of events while the run goes on. */
typedef struct {
  _Atomic int64_t events;     /* fired so far */
  _Atomic int64_t sim_ns;     /* the simulated clock */
} ExpRunLive;

/* Runs @cfg (validated and checked by exp_config_check) as replication @replication,
 * with master seed [experiment] seed: the random streams are named by (seed,
 * replication, component) alone, so replication r of every variant and sweep point
 * draws the same numbers (common random numbers). Fills @values (exp_metric_count()
 * long) and @info. FALSE with @error only for what validation cannot see (an empirical
 * distribution file that changed since). */
gboolean exp_run_one(const SimConfig *cfg, uint64_t replication, double *values,
                     ExpRunInfo *info, GError **error);
/* The same, keeping @live up to date while it runs (may be NULL) and feeding @record
 * (exp_record.h; may be NULL) with what it asks for. */
gboolean exp_run_watched(const SimConfig *cfg, uint64_t replication, double *values,
                         ExpRunInfo *info, ExpRunLive *live, ExpRecord *record,
                         GError **error);

G_END_DECLS
