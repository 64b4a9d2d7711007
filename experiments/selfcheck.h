/* selfcheck: a built-in run that checks the engine on this machine: the random streams
 * give their pinned values, a hold-model run of the scheduler fires every event in
 * (time, scheduling order) the same way twice, and one TCP connection between two hosts
 * goes through the textbook handshake, close and TIME-WAIT. Used by `synack selfcheck`. */
#pragma once

#include <stdint.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  int64_t n;        /* events pending in the hold run */
  int64_t ops;      /* hold operations */
  uint64_t seed;
} ExpSelfcheckOptions;

/* Runs the checks, appending one key=value line per check to @report. Returns TRUE if
 * every check passed; a failed check is described in @report (not an error: the run
 * itself worked). */
gboolean exp_selfcheck_run(const ExpSelfcheckOptions *opt, GString *report);

G_END_DECLS
