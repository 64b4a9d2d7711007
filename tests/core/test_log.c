/* Tests for core/sim_log.c: a disabled level or an unset trace sink costs no argument
 * evaluation and no sink call; enabled ones deliver exactly what was logged; level
 * names parse; the stdio sink writes the documented line. */
#include "test_util.h"
#include "sim_log.h"
#include "sim_error.h"

#include <stdio.h>
#include <stdlib.h>

/* see test_units.c: TEST_ASSERT_ERROR expands correctly only with an argument "code" */
static void
expect_error(GError **err, int code, const char *needle)
{
  TEST_ASSERT_ERROR(*err, code, needle);
}

/* What the capturing sinks saw. */
typedef struct {
  int calls;
  SimLogLevel level;
  SimTime now;
  char domain[32];
  char message[128];
  int trace_calls;
  SimTraceRecord rec;
} Capture;

static void
capture_sink(void *ctx, SimLogLevel level, SimTime now, const char *domain,
             const char *message)
{
  Capture *c = ctx;
  c->calls++;
  c->level = level;
  c->now = now;
  g_strlcpy(c->domain, domain ? domain : "(null)", sizeof c->domain);
  g_strlcpy(c->message, message, sizeof c->message);
}

static void
capture_trace(void *ctx, const SimTraceRecord *rec)
{
  Capture *c = ctx;
  c->trace_calls++;
  c->rec = *rec;
}

/* An argument with a side effect: proves whether the macro evaluated it. */
static int evaluations;

static int
counted(int v)
{
  evaluations++;
  return v;
}

static void
init_is_off_with_no_sinks(void)
{
  SimLog log;
  memset(&log, 0xa5, sizeof log);
  sim_log_init(&log);
  CU_ASSERT_EQUAL(log.level, SIM_LOG_OFF);
  CU_ASSERT_PTR_NULL(log.sink);
  CU_ASSERT_PTR_NULL(log.trace);
  CU_ASSERT_EQUAL(log.emitted, 0);
  CU_ASSERT_EQUAL(log.traced, 0);
  CU_ASSERT_FALSE(sim_log_enabled(&log, SIM_LOG_ERROR));
  CU_ASSERT_FALSE(sim_trace_enabled(&log));
}

static void
disabled_level_neither_formats_nor_calls_sink(void)
{
  SimLog log;
  Capture c = { 0 };
  sim_log_init(&log);
  sim_log_set_sink(&log, SIM_LOG_WARN, capture_sink, &c);
  evaluations = 0;
  SIM_LOG(&log, SIM_LOG_INFO, 5 * SIM_MS, "tcp", "x=%d", counted(1));
  SIM_LOG(&log, SIM_LOG_DEBUG, 5 * SIM_MS, "tcp", "x=%d", counted(2));
  SIM_LOG(&log, SIM_LOG_TRACE, 5 * SIM_MS, "tcp", "x=%d", counted(3));
  CU_ASSERT_EQUAL(evaluations, 0);
  CU_ASSERT_EQUAL(c.calls, 0);
  CU_ASSERT_EQUAL(log.emitted, 0);
}

static void
enabled_level_formats_and_delivers_message(void)
{
  SimLog log;
  Capture c = { 0 };
  sim_log_init(&log);
  sim_log_set_sink(&log, SIM_LOG_WARN, capture_sink, &c);
  evaluations = 0;
  SIM_LOG(&log, SIM_LOG_WARN, 1500 * SIM_US, "tcp", "rto %d after %s", counted(3), "SYN");
  CU_ASSERT_EQUAL(evaluations, 1);
  CU_ASSERT_EQUAL(c.calls, 1);
  CU_ASSERT_EQUAL(c.level, SIM_LOG_WARN);
  CU_ASSERT_EQUAL(c.now, 1500 * SIM_US);
  CU_ASSERT_STRING_EQUAL(c.domain, "tcp");
  CU_ASSERT_STRING_EQUAL(c.message, "rto 3 after SYN");
  /* a more severe level is enabled too */
  SIM_LOG(&log, SIM_LOG_ERROR, 2 * SIM_MS, "link", "%d%%", counted(50));
  CU_ASSERT_EQUAL(evaluations, 2);
  CU_ASSERT_EQUAL(c.calls, 2);
  CU_ASSERT_EQUAL(c.level, SIM_LOG_ERROR);
  CU_ASSERT_STRING_EQUAL(c.message, "50%");
  CU_ASSERT_EQUAL(log.emitted, 2);
}

static void
enabled_level_without_sink_drops_message(void)
{
  SimLog log;
  sim_log_init(&log);
  sim_log_set_sink(&log, SIM_LOG_TRACE, NULL, NULL);
  evaluations = 0;
  SIM_LOG(&log, SIM_LOG_ERROR, 0, "tcp", "x=%d", counted(1));
  CU_ASSERT_EQUAL(evaluations, 0);
  CU_ASSERT_EQUAL(log.emitted, 0);
}

static void
emit_checks_level_itself(void)
{
  /* a direct call (not through SIM_LOG) must still respect the level */
  SimLog log;
  Capture c = { 0 };
  sim_log_init(&log);
  sim_log_set_sink(&log, SIM_LOG_INFO, capture_sink, &c);
  sim_log_emit(&log, SIM_LOG_DEBUG, 0, "x", "dropped");
  CU_ASSERT_EQUAL(c.calls, 0);
  CU_ASSERT_EQUAL(log.emitted, 0);
  sim_log_emit(&log, SIM_LOG_INFO, 0, NULL, "kept %s", "too");
  CU_ASSERT_EQUAL(c.calls, 1);
  CU_ASSERT_STRING_EQUAL(c.message, "kept too");
  CU_ASSERT_STRING_EQUAL(c.domain, "(null)");
  CU_ASSERT_EQUAL(log.emitted, 1);
}

static void
lowering_level_to_off_silences_everything(void)
{
  SimLog log;
  Capture c = { 0 };
  sim_log_init(&log);
  sim_log_set_sink(&log, SIM_LOG_TRACE, capture_sink, &c);
  SIM_LOG(&log, SIM_LOG_TRACE, 0, "x", "on");
  CU_ASSERT_EQUAL(c.calls, 1);
  sim_log_set_sink(&log, SIM_LOG_OFF, capture_sink, &c);
  for (SimLogLevel l = SIM_LOG_ERROR; l <= SIM_LOG_TRACE; l++)
    SIM_LOG(&log, l, 0, "x", "off");
  CU_ASSERT_EQUAL(c.calls, 1);
  CU_ASSERT_EQUAL(log.emitted, 1);
}

static void
trace_without_sink_builds_nothing(void)
{
  SimLog log;
  sim_log_init(&log);
  sim_log_set_sink(&log, SIM_LOG_TRACE, NULL, NULL);   /* message level has no say */
  evaluations = 0;
  SIM_TRACE(&log, counted(1), counted(2), counted(3), counted(4), counted(5), counted(6),
            counted(7));
  CU_ASSERT_EQUAL(evaluations, 0);
  CU_ASSERT_EQUAL(log.traced, 0);
}

static void
trace_with_sink_delivers_record_fields(void)
{
  SimLog log;
  Capture c = { 0 };
  sim_log_init(&log);   /* messages off: tracing does not depend on the level */
  sim_log_set_trace(&log, capture_trace, &c);
  evaluations = 0;
  SIM_TRACE(&log, 42 * SIM_US + 7, 9u, 0xfeedu, (int64_t)counted(-1), INT64_MAX, INT64_MIN,
            (int64_t)0);
  CU_ASSERT_EQUAL(evaluations, 1);
  CU_ASSERT_EQUAL(c.trace_calls, 1);
  CU_ASSERT_EQUAL(log.traced, 1);
  CU_ASSERT_EQUAL(c.rec.time, 42 * SIM_US + 7);
  CU_ASSERT_EQUAL(c.rec.component, 9u);
  CU_ASSERT_EQUAL(c.rec.kind, 0xfeedu);
  CU_ASSERT_EQUAL(c.rec.arg[0], -1);
  CU_ASSERT_EQUAL(c.rec.arg[1], INT64_MAX);
  CU_ASSERT_EQUAL(c.rec.arg[2], INT64_MIN);
  CU_ASSERT_EQUAL(c.rec.arg[3], 0);
  CU_ASSERT_EQUAL(log.emitted, 0);

  SIM_TRACE(&log, 1, 2, 3, 4, 5, 6, 7);
  CU_ASSERT_EQUAL(log.traced, 2);
  CU_ASSERT_EQUAL(c.rec.arg[3], 7);
  sim_log_set_trace(&log, NULL, NULL);
  SIM_TRACE(&log, 1, 2, 3, 4, 5, 6, counted(7));
  CU_ASSERT_EQUAL(log.traced, 2);
  CU_ASSERT_EQUAL(c.trace_calls, 2);
  CU_ASSERT_EQUAL(evaluations, 1);
}

static void
level_parse_accepts_every_name_in_any_case(void)
{
  static const struct {
    const char *text;
    SimLogLevel want;
  } cases[] = {
    { "off", SIM_LOG_OFF },     { "error", SIM_LOG_ERROR }, { "warn", SIM_LOG_WARN },
    { "info", SIM_LOG_INFO },   { "debug", SIM_LOG_DEBUG }, { "trace", SIM_LOG_TRACE },
    { "OFF", SIM_LOG_OFF },     { "Error", SIM_LOG_ERROR }, { "WaRn", SIM_LOG_WARN },
    { "INFO", SIM_LOG_INFO },   { "dEBUG", SIM_LOG_DEBUG }, { "Trace", SIM_LOG_TRACE },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    GError *err = NULL;
    SimLogLevel got = (SimLogLevel)99;
    CU_ASSERT_TRUE(sim_log_level_parse(cases[i].text, &got, &err));
    CU_ASSERT_PTR_NULL(err);
    g_clear_error(&err);
    CU_ASSERT_EQUAL(got, cases[i].want);
  }
}

static void
level_name_round_trips_through_parse(void)
{
  for (SimLogLevel l = SIM_LOG_OFF; l <= SIM_LOG_TRACE; l++) {
    SimLogLevel back = (SimLogLevel)99;
    CU_ASSERT_TRUE(sim_log_level_parse(sim_log_level_name(l), &back, NULL));
    CU_ASSERT_EQUAL(back, l);
  }
  CU_ASSERT_STRING_EQUAL(sim_log_level_name(SIM_LOG_WARN), "warn");
  CU_ASSERT_STRING_EQUAL(sim_log_level_name((SimLogLevel)99), "?");
}

static void
level_parse_rejects_unknown_name(void)
{
  static const char *const bad[] = { "verbose", "", "warning", " info", "3" };
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    GError *err = NULL;
    SimLogLevel got = SIM_LOG_DEBUG;
    CU_ASSERT_FALSE(sim_log_level_parse(bad[i], &got, &err));
    CU_ASSERT_EQUAL(got, SIM_LOG_DEBUG);
    expect_error(&err, SIM_ERROR_SYNTAX, "is not a log level");
  }
  GError *err = NULL;
  SimLogLevel got = SIM_LOG_INFO;
  CU_ASSERT_FALSE(sim_log_level_parse("verbose", &got, &err));
  expect_error(&err, SIM_ERROR_SYNTAX, "off, error, warn, info, debug or trace");
  CU_ASSERT_FALSE(sim_log_level_parse(NULL, &got, &err));
  expect_error(&err, SIM_ERROR_SYNTAX, "not a log level");
  CU_ASSERT_EQUAL(got, SIM_LOG_INFO);
}

static void
stdio_sink_writes_time_level_domain_message(void)
{
  char *text = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&text, &size);
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  SimLog log;
  sim_log_init(&log);
  sim_log_set_sink(&log, SIM_LOG_DEBUG, sim_log_sink_stdio, f);
  SIM_LOG(&log, SIM_LOG_WARN, 1500 * SIM_US, "tcp", "rto %d", 3);
  SIM_LOG(&log, SIM_LOG_DEBUG, 0, NULL, "start");
  SIM_LOG(&log, SIM_LOG_TRACE, 0, "tcp", "not written");
  fclose(f);
  /* the time right-aligned in 12 columns, the level left-aligned in 5 */
  CU_ASSERT_STRING_EQUAL(text, "[       1.5ms] warn  tcp: rto 3\n"
                               "[          0s] debug -: start\n");
  free(text);
}

void test_log_register(void);
void
test_log_register(void)
{
  static const CU_TestInfo tests[] = {
    { "init_is_off_with_no_sinks", init_is_off_with_no_sinks },
    { "disabled_level_neither_formats_nor_calls_sink",
      disabled_level_neither_formats_nor_calls_sink },
    { "enabled_level_formats_and_delivers_message", enabled_level_formats_and_delivers_message },
    { "enabled_level_without_sink_drops_message", enabled_level_without_sink_drops_message },
    { "emit_checks_level_itself", emit_checks_level_itself },
    { "lowering_level_to_off_silences_everything", lowering_level_to_off_silences_everything },
    { "trace_without_sink_builds_nothing", trace_without_sink_builds_nothing },
    { "trace_with_sink_delivers_record_fields", trace_with_sink_delivers_record_fields },
    { "level_parse_accepts_every_name_in_any_case", level_parse_accepts_every_name_in_any_case },
    { "level_name_round_trips_through_parse", level_name_round_trips_through_parse },
    { "level_parse_rejects_unknown_name", level_parse_rejects_unknown_name },
    { "stdio_sink_writes_time_level_domain_message",
      stdio_sink_writes_time_level_domain_message },
    CU_TEST_INFO_NULL,
  };
  test_add_suite("log", tests);
}
