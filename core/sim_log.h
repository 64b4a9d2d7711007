/* sim_log: levelled log messages and structured trace records for one simulation run.
 * Both cost one predictable branch when off: the level is checked before any argument
 * is formatted or any record is built. A SimLog belongs to one run (no global logger);
 * where its output goes is the owner's choice of sink. Library code never prints. */
#pragma once

#include <stdint.h>
#include <stdarg.h>
#include <glib.h>
#include "sim_time.h"

G_BEGIN_DECLS

typedef enum {
  SIM_LOG_OFF = 0,
  SIM_LOG_ERROR,
  SIM_LOG_WARN,
  SIM_LOG_INFO,
  SIM_LOG_DEBUG,
  SIM_LOG_TRACE,
} SimLogLevel;

/* A structured trace record: what happened (@kind, a code the emitting model defines),
 * when, to which component, with up to four integer arguments and the object it is
 * about (@subject: a segment, a connection; NULL when none), lent for the duration of the
 * sink's call only. Models give the codes and subjects meaning; the core only carries
 * them to the sink. */
typedef struct {
  SimTime time;
  uint32_t component;
  uint32_t kind;
  int64_t arg[4];
  const void *subject;
} SimTraceRecord;

typedef void (*SimLogSink)(void *ctx, SimLogLevel level, SimTime now, const char *domain,
                           const char *message);
typedef void (*SimTraceSink)(void *ctx, const SimTraceRecord *rec);

typedef struct {
  SimLogLevel level;       /* messages above this level are dropped before formatting */
  SimLogSink sink;         /* NULL: messages are dropped */
  void *sink_ctx;
  SimTraceSink trace;      /* NULL: tracing is off */
  void *trace_ctx;
  uint64_t emitted;        /* messages that reached the sink */
  uint64_t traced;         /* trace records that reached the trace sink */
} SimLog;

/* Sets @log to level OFF with no sinks. */
void sim_log_init(SimLog *log);

void sim_log_set_sink(SimLog *log, SimLogLevel level, SimLogSink sink, void *ctx);
void sim_log_set_trace(SimLog *log, SimTraceSink sink, void *ctx);

/* Parses "off", "error", "warn", "info", "debug", "trace". */
gboolean sim_log_level_parse(const char *text, SimLogLevel *out, GError **error);
const char *sim_log_level_name(SimLogLevel level);

/* A sink that writes "[       1.5ms] warn  domain: message" lines to a FILE * ctx. */
void sim_log_sink_stdio(void *file, SimLogLevel level, SimTime now, const char *domain,
                        const char *message);

void sim_log_emit(SimLog *log, SimLogLevel level, SimTime now, const char *domain,
                  const char *fmt, ...) G_GNUC_PRINTF(5, 6);

static inline gboolean
sim_log_enabled(const SimLog *log, SimLogLevel level)
{
  return G_UNLIKELY(level != SIM_LOG_OFF && level <= log->level && log->sink != NULL);
}

static inline gboolean
sim_trace_enabled(const SimLog *log)
{
  return G_UNLIKELY(log->trace != NULL);
}

/* SIM_LOG(log, SIM_LOG_DEBUG, now, "tcp", "state %s", name): the arguments are not
 * evaluated unless the level is enabled. */
#define SIM_LOG(log, level, now, domain, ...)                        \
  do {                                                               \
    if (sim_log_enabled((log), (level)))                             \
      sim_log_emit((log), (level), (now), (domain), __VA_ARGS__);    \
  } while (0)

/* SIM_TRACE(log, now, component, kind, a0, a1, a2, a3): builds the record only when a
 * trace sink is set. SIM_TRACE_ON(log, now, component, kind, subject, a0, a1, a2, a3)
 * does the same for a record about @subject. */
#define SIM_TRACE_ON(log, now, component, kind, subject, a0, a1, a2, a3)              \
  do {                                                                                \
    if (sim_trace_enabled(log)) {                                                     \
      SimTraceRecord rec_ = { (now), (component), (kind), { (a0), (a1), (a2), (a3) },  \
                              (subject) };                                            \
      (log)->traced++;                                                                \
      (log)->trace((log)->trace_ctx, &rec_);                                          \
    }                                                                                 \
  } while (0)
#define SIM_TRACE(log, now, component, kind, a0, a1, a2, a3) \
  SIM_TRACE_ON(log, now, component, kind, NULL, a0, a1, a2, a3)

G_END_DECLS
