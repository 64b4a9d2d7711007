/* sim_log: levelled messages and trace records, per run, formatted only when enabled. */
#include "sim_log.h"
#include "sim_error.h"

#include <stdio.h>
#include <string.h>

static const char *const level_names[] = { "off", "error", "warn", "info", "debug", "trace" };

void
sim_log_init(SimLog *log)
{
  g_return_if_fail(log != NULL);
  memset(log, 0, sizeof *log);
  log->level = SIM_LOG_OFF;
}

void
sim_log_set_sink(SimLog *log, SimLogLevel level, SimLogSink sink, void *ctx)
{
  g_return_if_fail(log != NULL && level <= SIM_LOG_TRACE);
  log->level = level;
  log->sink = sink;
  log->sink_ctx = ctx;
}

void
sim_log_set_trace(SimLog *log, SimTraceSink sink, void *ctx)
{
  g_return_if_fail(log != NULL);
  log->trace = sink;
  log->trace_ctx = ctx;
}

const char *
sim_log_level_name(SimLogLevel level)
{
  return level <= SIM_LOG_TRACE ? level_names[level] : "?";
}

gboolean
sim_log_level_parse(const char *text, SimLogLevel *out, GError **error)
{
  g_return_val_if_fail(out != NULL, FALSE);
  for (unsigned i = 0; i < G_N_ELEMENTS(level_names); i++) {
    if (text && g_ascii_strcasecmp(text, level_names[i]) == 0) {
      *out = (SimLogLevel)i;
      return TRUE;
    }
  }
  g_set_error(error, SIM_ERROR, SIM_ERROR_SYNTAX,
              "'%s' is not a log level: expected off, error, warn, info, debug or trace",
              text ? text : "");
  return FALSE;
}

void
sim_log_sink_stdio(void *file, SimLogLevel level, SimTime now, const char *domain,
                   const char *message)
{
  char t[SIM_TIME_FMT_LEN];
  fprintf((FILE *)file, "[%12s] %-5s %s: %s\n", sim_time_format(now, t, sizeof t),
          sim_log_level_name(level), domain ? domain : "-", message);
}

void
sim_log_emit(SimLog *log, SimLogLevel level, SimTime now, const char *domain, const char *fmt,
             ...)
{
  g_return_if_fail(log != NULL && fmt != NULL);
  if (!sim_log_enabled(log, level))
    return;
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *message = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  log->emitted++;
  log->sink(log->sink_ctx, level, now, domain, message);
}
