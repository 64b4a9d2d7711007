/* Tests for core/sim_time.c: the unit constants, and the duration parse/format
 * wrappers over sim_units (whose grammar test_units.c covers in full). */
#include "test_util.h"
#include "sim_time.h"
#include "sim_error.h"

/* see test_units.c: TEST_ASSERT_ERROR expands correctly only with an argument "code" */
static void
expect_error(GError **err, int code, const char *needle)
{
  TEST_ASSERT_ERROR(*err, code, needle);
}

static void
constants_are_consistent_multiples_of_ns(void)
{
  CU_ASSERT_EQUAL(SIM_NS, 1);
  CU_ASSERT_EQUAL(SIM_US, 1000 * SIM_NS);
  CU_ASSERT_EQUAL(SIM_MS, 1000 * SIM_US);
  CU_ASSERT_EQUAL(SIM_S, 1000 * SIM_MS);
  CU_ASSERT_EQUAL(SIM_MIN, 60 * SIM_S);
  CU_ASSERT_EQUAL(SIM_H, 60 * SIM_MIN);
  CU_ASSERT_EQUAL(SIM_H, INT64_C(3600000000000));
  CU_ASSERT_EQUAL(SIM_TIME_MAX, INT64_MAX);
  CU_ASSERT_EQUAL(SIM_TIME_NEVER, INT64_MAX);
  /* the constants are SimTime, so products do not overflow int */
  CU_ASSERT_EQUAL(sizeof(SIM_S), sizeof(SimTime));
  CU_ASSERT(1000 * SIM_H > 0);
  CU_ASSERT(SIM_TIME_FMT_LEN >= sizeof "-9223372036854775.808us");
}

static void
parse_reads_durations_in_ns(void)
{
  static const struct {
    const char *text;
    SimTime want;
  } cases[] = {
    { "1.5ms", 1500 * SIM_US }, { "60s", SIM_MIN }, { "2min", 2 * SIM_MIN },
    { "250us", 250 * SIM_US },  { "1h", SIM_H },    { "0", 0 },
    { "7ns", 7 * SIM_NS },      { " 3 s ", 3 * SIM_S },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    GError *err = NULL;
    SimTime t = -1;
    CU_ASSERT_TRUE(sim_time_parse(cases[i].text, FALSE, &t, &err));
    CU_ASSERT_PTR_NULL(err);
    g_clear_error(&err);
    if (t != cases[i].want)
      fprintf(stderr, "\n  '%s' -> %" G_GINT64_FORMAT "\n", cases[i].text, t);
    CU_ASSERT_EQUAL(t, cases[i].want);
  }
}

static void
parse_accepts_negative_only_when_allowed(void)
{
  GError *err = NULL;
  SimTime t = 99;
  CU_ASSERT_FALSE(sim_time_parse("-5ms", FALSE, &t, &err));
  expect_error(&err, SIM_ERROR_RANGE, "negative");
  CU_ASSERT_EQUAL(t, 99);
  CU_ASSERT_TRUE(sim_time_parse("-5ms", TRUE, &t, &err));
  CU_ASSERT_EQUAL(t, -5 * SIM_MS);
}

static void
parse_reports_errors_of_the_duration_set(void)
{
  GError *err = NULL;
  SimTime t = 99;
  CU_ASSERT_FALSE(sim_time_parse("5 parsecs", FALSE, &t, &err));
  expect_error(&err, SIM_ERROR_UNIT, "a duration takes one of ns, us, ms, s, min, h");
  CU_ASSERT_FALSE(sim_time_parse("5KiB", FALSE, &t, &err));   /* a size is not a duration */
  expect_error(&err, SIM_ERROR_UNIT, "unknown unit 'KiB'");
  CU_ASSERT_FALSE(sim_time_parse("", FALSE, &t, &err));
  expect_error(&err, SIM_ERROR_SYNTAX, "not a duration");
  CU_ASSERT_FALSE(sim_time_parse("10", FALSE, &t, &err));
  expect_error(&err, SIM_ERROR_UNIT, "has no unit");
  CU_ASSERT_EQUAL(t, 99);
}

static void
format_zero_is_0s(void)
{
  char buf[SIM_TIME_FMT_LEN];
  CU_ASSERT_PTR_EQUAL(sim_time_format(0, buf, sizeof buf), buf);
  CU_ASSERT_STRING_EQUAL(buf, "0s");
}

static void
format_uses_largest_exact_unit(void)
{
  static const struct {
    SimTime t;
    const char *want;
  } cases[] = {
    { 1500 * SIM_US, "1.5ms" }, { 90 * SIM_S, "1.5min" }, { 100 * SIM_S, "100s" },
    { SIM_H, "1h" },            { 1, "1ns" },             { -SIM_S, "-1s" },
    { -1500 * SIM_US, "-1.5ms" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    char buf[SIM_TIME_FMT_LEN];
    sim_time_format(cases[i].t, buf, sizeof buf);
    if (strcmp(buf, cases[i].want) != 0)
      fprintf(stderr, "\n  %" G_GINT64_FORMAT " -> \"%s\", want \"%s\"\n", cases[i].t, buf,
              cases[i].want);
    CU_ASSERT_STRING_EQUAL(buf, cases[i].want);
  }
}

static void
format_respects_buffer_length(void)
{
  char buf[2];
  sim_time_format(0, buf, sizeof buf);
  CU_ASSERT_STRING_EQUAL(buf, "0");
  char small[4];
  sim_time_format(1500 * SIM_US, small, sizeof small);
  CU_ASSERT_STRING_EQUAL(small, "1.5");
}

static void
format_then_parse_gives_same_time(void)
{
  static const SimTime ts[] = { 0, 1, 999, 1001 * SIM_US, 61 * SIM_S, 25 * SIM_H,
                                SIM_TIME_NEVER, -7 * SIM_MIN, INT64_MIN };
  for (size_t i = 0; i < G_N_ELEMENTS(ts); i++) {
    char buf[SIM_TIME_FMT_LEN];
    GError *err = NULL;
    SimTime back = 12345;
    CU_ASSERT_TRUE(sim_time_parse(sim_time_format(ts[i], buf, sizeof buf), TRUE, &back, &err));
    g_clear_error(&err);
    CU_ASSERT_EQUAL(back, ts[i]);
  }
}

static void
to_s_converts_ns_to_seconds(void)
{
  CU_ASSERT_EQUAL(sim_time_to_s(0), 0.0);
  CU_ASSERT_EQUAL(sim_time_to_s(1500 * SIM_MS), 1.5);
  CU_ASSERT_EQUAL(sim_time_to_s(SIM_H), 3600.0);
  CU_ASSERT_DOUBLE_EQUAL(sim_time_to_s(-SIM_US), -1e-6, 1e-21);
  CU_ASSERT_DOUBLE_EQUAL(sim_time_to_s(1), 1e-9, 1e-24);
}

void test_time_register(void);
void
test_time_register(void)
{
  static const CU_TestInfo tests[] = {
    { "constants_are_consistent_multiples_of_ns", constants_are_consistent_multiples_of_ns },
    { "parse_reads_durations_in_ns", parse_reads_durations_in_ns },
    { "parse_accepts_negative_only_when_allowed", parse_accepts_negative_only_when_allowed },
    { "parse_reports_errors_of_the_duration_set", parse_reports_errors_of_the_duration_set },
    { "format_zero_is_0s", format_zero_is_0s },
    { "format_uses_largest_exact_unit", format_uses_largest_exact_unit },
    { "format_respects_buffer_length", format_respects_buffer_length },
    { "format_then_parse_gives_same_time", format_then_parse_gives_same_time },
    { "to_s_converts_ns_to_seconds", to_s_converts_ns_to_seconds },
    CU_TEST_INFO_NULL,
  };
  test_add_suite("time", tests);
}
