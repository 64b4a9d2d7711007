/* exp_record: what a run records beyond its metrics, when the experiment asks:
 *   a trace      per-connection events of the traced hosts ([trace]): segments sent,
 *                received, dropped, duplicated and held back, state changes, timer
 *                firings; written as trace.csv rows and, with [trace] pcap, as a pcap
 *                capture
 *   states       the number of connections in each TCP state, sampled every
 *                [metrics] states_every (states.csv)
 *   samples      per-connection connect and completion times, the first
 *                [metrics] samples of each (samples.csv)
 * docs/OUTPUTS.md describes the files. A record belongs to one run (one thread); what
 * it keeps is bounded by the experiment ([trace] max_events, [metrics] samples, and the
 * run's length over states_every), never by the number of hosts. */
#pragma once

#include <stdint.h>
#include <glib.h>
#include "app.h"
#include "net.h"
#include "sim_config.h"
#include "sim_log.h"

G_BEGIN_DECLS

typedef struct ExpRecord ExpRecord;

/* What run @replication of @cfg (a validated experiment config) records, or NULL when
 * it records nothing. */
ExpRecord *exp_record_new(const SimConfig *cfg, uint64_t replication);
void exp_record_free(ExpRecord *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ExpRecord, exp_record_free)

/* The log the run's world must use (its trace sink feeds @r), or NULL when @r traces
 * nothing. Owned by @r. */
SimLog *exp_record_log(ExpRecord *r);
/* Where the run's clients add their times, or NULL when @r keeps none. Owned by @r. */
AppTimeSamples *exp_record_samples(ExpRecord *r);
/* Starts sampling the states of @net's connections (a no-op when @r samples none), from
 * now; exp_record_finish, once the run has ended, writes the samples up to its end and
 * lets go of @net. */
void exp_record_start(ExpRecord *r, Net *net);
void exp_record_finish(ExpRecord *r);

gboolean exp_record_has_trace(const ExpRecord *r);
gboolean exp_record_has_states(const ExpRecord *r);
gboolean exp_record_has_samples(const ExpRecord *r);
/* Events recorded (the truncation mark aside). */
guint exp_record_trace_len(const ExpRecord *r);

/* CSV: the header lines, and the rows of one run appended to @out, each starting with
 * the variant's name, the sweep point and the replication. Nothing is appended when @r (which may be
 * NULL) did not record that kind. */
extern const char exp_record_trace_header[];
extern const char exp_record_states_header[];
extern const char exp_record_samples_header[];
void exp_record_trace_csv(const ExpRecord *r, const char *variant, uint64_t point,
                          uint64_t replication, GString *out);
void exp_record_states_csv(const ExpRecord *r, const char *variant, uint64_t point,
                           uint64_t replication, GString *out);
void exp_record_samples_csv(const ExpRecord *r, const char *variant, uint64_t point,
                            uint64_t replication, GString *out);
/* The traced traffic as a pcap file at @path: every segment a traced host sent (when
 * it sent it) and every segment a traced host received from an untraced one (when it
 * arrived), as a capture beside the traced hosts would see them. */
gboolean exp_record_pcap(const ExpRecord *r, const char *path, GError **error);

/* Appends one line per problem of [trace] hosts in @cfg (unknown names, hosts the
 * topology does not have), naming file, line, section and key. */
void exp_record_check(const SimConfig *cfg, GString *problems);

G_END_DECLS
