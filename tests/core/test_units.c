/* Tests for core/sim_units.c: every unit of every set parses exactly, every error path
 * says what went wrong, printing picks the largest exact unit, and what is printed
 * parses back to the same integer for any int64. */
#include "test_util.h"
#include "sim_units.h"
#include "sim_error.h"
#include "sim_rng.h"

typedef struct {
  const char *text;
  int64_t want;
} ParseCase;

/* TEST_ASSERT_ERROR through a function whose parameter is called "code": the macro's
 * own parameter of that name also replaces the member in (err)->code, so it only
 * expands correctly when its argument is literally spelt "code". */
static void
expect_error(GError **err, int code, const char *needle)
{
  TEST_ASSERT_ERROR(*err, code, needle);
}

static void
assert_parses(const SimUnitSet *set, const ParseCase *cases, size_t n, gboolean allow_negative)
{
  for (size_t i = 0; i < n; i++) {
    GError *err = NULL;
    int64_t got = -12345;
    gboolean ok = sim_units_parse(set, cases[i].text, allow_negative, &got, &err);
    if (!ok || got != cases[i].want) {
      fprintf(stderr, "\n  '%s' -> %s %" G_GINT64_FORMAT ", want %" G_GINT64_FORMAT "\n",
              cases[i].text, ok ? "ok" : err->message, got, cases[i].want);
      CU_FAIL("parse gave the wrong value");
    }
    g_clear_error(&err);
  }
}

/* Fails with @code and @needle in the message, and leaves the output alone. */
static void
assert_rejects(const SimUnitSet *set, const char *text, gboolean allow_negative, int code,
               const char *needle)
{
  GError *err = NULL;
  int64_t out = 777;
  gboolean ok = sim_units_parse(set, text, allow_negative, &out, &err);
  if (ok)
    fprintf(stderr, "\n  '%s' was accepted as %" G_GINT64_FORMAT "\n", text, out);
  CU_ASSERT_FALSE(ok);
  CU_ASSERT_EQUAL(out, 777);
  expect_error(&err, code, needle);
}

static void
duration_parses_every_unit(void)
{
  static const ParseCase cases[] = {
    { "7ns", 7 },           { "250us", 250000 },          { "250µs", 250000 },
    { "1.5ms", 1500000 },   { "3s", 3000000000 },         { "2min", 120000000000 },
    { "1h", 3600000000000 }, { "0.25h", 900000000000 },
  };
  assert_parses(&sim_units_duration, cases, G_N_ELEMENTS(cases), FALSE);
}

static void
size_parses_every_unit(void)
{
  static const ParseCase cases[] = {
    { "3B", 3 },
    { "1KB", 1000 },
    { "1kB", 1000 },
    { "64KiB", 65536 },
    { "1.5KiB", 1536 },
    { "2MB", 2000000 },
    { "2MiB", 2097152 },
    { "1GB", 1000000000 },
    { "1GiB", 1073741824 },
    { "1TB", 1000000000000 },
    { "1TiB", 1099511627776 },
  };
  assert_parses(&sim_units_size, cases, G_N_ELEMENTS(cases), FALSE);
}

static void
rate_parses_every_unit(void)
{
  static const ParseCase cases[] = {
    { "5bps", 5 },           { "1Kbps", 1000 },       { "1kbps", 1000 },
    { "10Mbps", 10000000 },  { "2.5Gbps", 2500000000 }, { "1Tbps", 1000000000000 },
  };
  assert_parses(&sim_units_rate, cases, G_N_ELEMENTS(cases), FALSE);
}

static void
decimals_are_exact(void)
{
  static const ParseCase cases[] = {
    { "0.000001ms", 1 },
    { "1.000000001s", 1000000001 },
    { "0.001us", 1 },
    { "2.999999999s", 2999999999 },
    /* trailing zeros past the precision any unit needs are still exact */
    { "1.0000000000000000000000000000000ns", 1 },
    { "0.5KiB", 512 },
    { "0.0009765625KiB", 1 },
  };
  assert_parses(&sim_units_duration, cases, 5, FALSE);
  assert_parses(&sim_units_size, cases + 5, 2, FALSE);
}

static void
leading_and_trailing_blanks_are_ignored(void)
{
  static const ParseCase cases[] = {
    { "  5ms", 5000000 }, { "5ms  ", 5000000 }, { "\t5ms\n", 5000000 },
    { "5 ms", 5000000 },  { " 5\tms ", 5000000 },
  };
  assert_parses(&sim_units_duration, cases, G_N_ELEMENTS(cases), FALSE);
}

static void
bare_zero_needs_no_unit(void)
{
  static const ParseCase cases[] = {
    { "0", 0 }, { " 0 ", 0 }, { "0.0", 0 }, { "-0", 0 }, { "+0", 0 }, { "0ms", 0 },
  };
  assert_parses(&sim_units_duration, cases, G_N_ELEMENTS(cases), FALSE);
  assert_parses(&sim_units_size, cases, 1, FALSE);
  assert_parses(&sim_units_rate, cases, 1, FALSE);
}

static void
leading_or_trailing_point_is_accepted(void)
{
  /* as in C's strtod: ".5" and "5." are numbers; "." alone is not */
  static const ParseCase cases[] = { { ".5ms", 500000 }, { "5.ms", 5000000 } };
  assert_parses(&sim_units_duration, cases, G_N_ELEMENTS(cases), FALSE);
  assert_rejects(&sim_units_duration, ".ms", FALSE, SIM_ERROR_SYNTAX, "not a duration");
}

static void
int64_boundaries_parse(void)
{
  static const ParseCase pos[] = {
    { "9223372036854775807ns", INT64_MAX },
    { "9223372036.854775807s", INT64_MAX },
  };
  static const ParseCase neg[] = {
    { "-9223372036854775807ns", -INT64_MAX },
    { "-9223372036854775808ns", INT64_MIN },
  };
  assert_parses(&sim_units_duration, pos, G_N_ELEMENTS(pos), FALSE);
  assert_parses(&sim_units_duration, neg, G_N_ELEMENTS(neg), TRUE);
}

static void
negative_is_accepted_only_when_allowed(void)
{
  static const ParseCase cases[] = { { "-5ms", -5000000 }, { "-1.5us", -1500 },
                                     { "+5ms", 5000000 } };
  assert_parses(&sim_units_duration, cases, G_N_ELEMENTS(cases), TRUE);
  assert_rejects(&sim_units_duration, "-5ms", FALSE, SIM_ERROR_RANGE, "negative");
  assert_rejects(&sim_units_duration, "-9223372036854775808ns", FALSE, SIM_ERROR_RANGE,
                 "negative");
  GError *err = NULL;
  int64_t out = 1;
  CU_ASSERT_FALSE(sim_size_parse("-1KB", &out, &err));
  expect_error(&err, SIM_ERROR_RANGE, "negative");
  CU_ASSERT_FALSE(sim_rate_parse("-1Mbps", &out, &err));
  expect_error(&err, SIM_ERROR_RANGE, "negative");
  CU_ASSERT_EQUAL(out, 1);
}

static void
not_a_number_is_a_syntax_error(void)
{
  assert_rejects(&sim_units_duration, "", FALSE, SIM_ERROR_SYNTAX, "not a duration");
  assert_rejects(&sim_units_duration, "   ", FALSE, SIM_ERROR_SYNTAX, "not a duration");
  assert_rejects(&sim_units_duration, "abc", FALSE, SIM_ERROR_SYNTAX, "'abc'");
  assert_rejects(&sim_units_duration, "ms", FALSE, SIM_ERROR_SYNTAX, "number followed by");
  assert_rejects(&sim_units_duration, "-ms", TRUE, SIM_ERROR_SYNTAX, "not a duration");
  assert_rejects(&sim_units_size, "KiB", FALSE, SIM_ERROR_SYNTAX, "not a size");
  assert_rejects(&sim_units_rate, "fast", FALSE, SIM_ERROR_SYNTAX, "not a rate");
}

static void
missing_unit_is_a_unit_error(void)
{
  assert_rejects(&sim_units_duration, "10", FALSE, SIM_ERROR_UNIT, "has no unit");
  assert_rejects(&sim_units_duration, "0.5", FALSE, SIM_ERROR_UNIT, "ns, us, ms, s, min, h");
  assert_rejects(&sim_units_size, "1500", FALSE, SIM_ERROR_UNIT, "has no unit");
}

static void
unknown_unit_is_a_unit_error_listing_units(void)
{
  assert_rejects(&sim_units_duration, "10xs", FALSE, SIM_ERROR_UNIT, "unknown unit 'xs'");
  assert_rejects(&sim_units_duration, "10xs", FALSE, SIM_ERROR_UNIT, "ns, us, ms, s, min, h");
  /* units are case-sensitive: "MS" is not "ms" */
  assert_rejects(&sim_units_duration, "10MS", FALSE, SIM_ERROR_UNIT, "unknown unit 'MS'");
  assert_rejects(&sim_units_size, "10kib", FALSE, SIM_ERROR_UNIT,
                 "B, KB, KiB, MB, MiB, GB, GiB, TB, TiB");
  assert_rejects(&sim_units_rate, "10 Mbit", FALSE, SIM_ERROR_UNIT,
                 "bps, Kbps, Mbps, Gbps, Tbps");
  /* a unit of another set is unknown here */
  assert_rejects(&sim_units_rate, "10ms", FALSE, SIM_ERROR_UNIT, "unknown unit 'ms'");
}

static void
fraction_of_base_unit_is_a_range_error(void)
{
  assert_rejects(&sim_units_duration, "1.5ns", FALSE, SIM_ERROR_RANGE, "whole number of ns");
  assert_rejects(&sim_units_duration, "0.0001us", FALSE, SIM_ERROR_RANGE, "whole number");
  assert_rejects(&sim_units_size, "0.5B", FALSE, SIM_ERROR_RANGE, "whole number of B");
  assert_rejects(&sim_units_size, "1.0001KiB", FALSE, SIM_ERROR_RANGE, "whole number of B");
  assert_rejects(&sim_units_duration, "1.0000000000000000000000000001s", FALSE,
                 SIM_ERROR_RANGE, "more decimals");
}

static void
overflow_is_a_range_error(void)
{
  assert_rejects(&sim_units_duration, "10000000000h", FALSE, SIM_ERROR_RANGE, "too large");
  assert_rejects(&sim_units_duration, "9223372036854775808ns", FALSE, SIM_ERROR_RANGE,
                 "too large");
  assert_rejects(&sim_units_duration, "9223372036.854775808s", FALSE, SIM_ERROR_RANGE,
                 "too large");
  assert_rejects(&sim_units_duration, "-9223372036854775809ns", TRUE, SIM_ERROR_RANGE,
                 "too large");
  assert_rejects(&sim_units_duration, "99999999999999999999999999999999999999999ns", FALSE,
                 SIM_ERROR_RANGE, "too large");
  assert_rejects(&sim_units_size, "8388608TiB", FALSE, SIM_ERROR_RANGE, "too large");
}

static void
trailing_junk_is_a_syntax_error(void)
{
  assert_rejects(&sim_units_duration, "5ms x", FALSE, SIM_ERROR_SYNTAX,
                 "unexpected text after the unit");
  assert_rejects(&sim_units_duration, "5 ms 3", FALSE, SIM_ERROR_SYNTAX, "after the unit");
  assert_rejects(&sim_units_duration, "1.2.3ms", FALSE, SIM_ERROR_UNIT, "unknown unit");
}

typedef struct {
  const SimUnitSet *set;
  int64_t value;
  const char *want;
} FormatCase;

static void
format_uses_largest_exact_unit(void)
{
  static const FormatCase cases[] = {
    { &sim_units_duration, 1500000, "1.5ms" },
    { &sim_units_duration, 90000000000, "1.5min" },
    { &sim_units_duration, 100000000000, "100s" },
    { &sim_units_duration, 7200000000000, "2h" },
    { &sim_units_duration, 5400000000000, "1.5h" },
    { &sim_units_duration, 1, "1ns" },
    { &sim_units_duration, 999, "999ns" },
    { &sim_units_duration, 1234, "1.234us" },
    { &sim_units_duration, 12345, "12.345us" },
    /* at most three decimals: 1.000001ms would need six */
    { &sim_units_duration, 1000001, "1000.001us" },
    { &sim_units_duration, 0, "0ns" },
    { &sim_units_duration, -1500000, "-1.5ms" },
    { &sim_units_duration, -1, "-1ns" },
    { &sim_units_duration, INT64_MAX, "9223372036854775.807us" },
    { &sim_units_duration, INT64_MIN, "-9223372036854775.808us" },
    { &sim_units_size, INT64_MAX, "9223372036854775.807KB" },
    { &sim_units_size, 1536, "1.5KiB" },
    { &sim_units_size, 2000, "2KB" },
    { &sim_units_size, 1, "1B" },
    { &sim_units_size, 0, "0B" },
    { &sim_units_size, 1048576, "1MiB" },
    { &sim_units_size, 1500000000, "1.5GB" },
    { &sim_units_rate, 2500000000, "2.5Gbps" },
    { &sim_units_rate, 10000000, "10Mbps" },
    { &sim_units_rate, 1500, "1.5Kbps" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    char buf[SIM_UNITS_FMT_LEN];
    const char *got = sim_units_format(cases[i].set, cases[i].value, buf, sizeof buf);
    CU_ASSERT_PTR_EQUAL(got, buf);
    if (strcmp(got, cases[i].want) != 0) {
      fprintf(stderr, "\n  %" G_GINT64_FORMAT " -> \"%s\", want \"%s\"\n", cases[i].value,
              got, cases[i].want);
      CU_FAIL("format chose the wrong text");
    }
  }
}

static void
format_truncates_to_buffer(void)
{
  char buf[4];
  sim_units_format(&sim_units_duration, 1500000, buf, sizeof buf);
  CU_ASSERT_STRING_EQUAL(buf, "1.5");
}

/* A value of varied magnitude: random bits shifted down by a random amount, or a
 * multiple of a unit fraction (which exercises the decimal forms). */
static int64_t
random_value(SimRng *r, const SimUnitSet *set, gboolean allow_negative)
{
  int64_t v;
  if (sim_rng_bernoulli(r, 0.5)) {
    v = (int64_t)(sim_rng_next(r) >> (1 + sim_rng_below(r, 63)));
  } else {
    size_t nunits = 0;
    while (set->units[nunits].name)
      nunits++;
    int64_t mult = set->units[sim_rng_below(r, nunits)].mult;
    static const int64_t divs[] = { 1, 2, 4, 8, 10, 100, 1000, 1024 };
    int64_t step = mult / divs[sim_rng_below(r, G_N_ELEMENTS(divs))];
    if (step == 0)
      step = 1;
    v = (int64_t)sim_rng_below(r, 100000) * step;
  }
  if (allow_negative && sim_rng_bernoulli(r, 0.5))
    v = -v;
  return v;
}

static void
assert_round_trips(const SimUnitSet *set, gboolean allow_negative, uint64_t seed)
{
  SimRng r;
  sim_rng_seed(&r, seed);
  int failures = 0;
  for (int i = 0; i < 100000; i++) {
    int64_t v = random_value(&r, set, allow_negative);
    if (i == 0)
      v = allow_negative ? INT64_MIN : INT64_MAX;
    char buf[SIM_UNITS_FMT_LEN];
    sim_units_format(set, v, buf, sizeof buf);
    GError *err = NULL;
    int64_t back = 0;
    gboolean ok = sim_units_parse(set, buf, allow_negative, &back, &err);
    if ((!ok || back != v) && failures++ < 5)
      fprintf(stderr, "\n  %" G_GINT64_FORMAT " -> \"%s\" -> %s %" G_GINT64_FORMAT "\n", v,
              buf, ok ? "ok" : err->message, back);
    g_clear_error(&err);
  }
  CU_ASSERT_EQUAL(failures, 0);
}

static void
format_then_parse_round_trips_durations(void)
{
  assert_round_trips(&sim_units_duration, TRUE, 101);
}

static void
format_then_parse_round_trips_sizes(void)
{
  assert_round_trips(&sim_units_size, FALSE, 102);
  assert_round_trips(&sim_units_size, TRUE, 103);
}

static void
format_then_parse_round_trips_rates(void)
{
  assert_round_trips(&sim_units_rate, FALSE, 104);
}

static void
size_and_rate_wrappers_use_their_sets(void)
{
  GError *err = NULL;
  int64_t v = 0;
  CU_ASSERT_TRUE(sim_size_parse("64KiB", &v, &err));
  CU_ASSERT_EQUAL(v, 65536);
  CU_ASSERT_TRUE(sim_rate_parse("2.5Gbps", &v, &err));
  CU_ASSERT_EQUAL(v, 2500000000);
  CU_ASSERT_FALSE(sim_size_parse("10Mbps", &v, &err));
  expect_error(&err, SIM_ERROR_UNIT, "a size takes one of");
  CU_ASSERT_FALSE(sim_rate_parse("10MB", &v, &err));
  expect_error(&err, SIM_ERROR_UNIT, "a rate takes one of");
  CU_ASSERT_EQUAL(v, 2500000000);
}

void test_units_register(void);
void
test_units_register(void)
{
  static const CU_TestInfo tests[] = {
    { "duration_parses_every_unit", duration_parses_every_unit },
    { "size_parses_every_unit", size_parses_every_unit },
    { "rate_parses_every_unit", rate_parses_every_unit },
    { "decimals_are_exact", decimals_are_exact },
    { "leading_and_trailing_blanks_are_ignored", leading_and_trailing_blanks_are_ignored },
    { "bare_zero_needs_no_unit", bare_zero_needs_no_unit },
    { "leading_or_trailing_point_is_accepted", leading_or_trailing_point_is_accepted },
    { "int64_boundaries_parse", int64_boundaries_parse },
    { "negative_is_accepted_only_when_allowed", negative_is_accepted_only_when_allowed },
    { "not_a_number_is_a_syntax_error", not_a_number_is_a_syntax_error },
    { "missing_unit_is_a_unit_error", missing_unit_is_a_unit_error },
    { "unknown_unit_is_a_unit_error_listing_units", unknown_unit_is_a_unit_error_listing_units },
    { "fraction_of_base_unit_is_a_range_error", fraction_of_base_unit_is_a_range_error },
    { "overflow_is_a_range_error", overflow_is_a_range_error },
    { "trailing_junk_is_a_syntax_error", trailing_junk_is_a_syntax_error },
    { "format_uses_largest_exact_unit", format_uses_largest_exact_unit },
    { "format_truncates_to_buffer", format_truncates_to_buffer },
    { "format_then_parse_round_trips_durations", format_then_parse_round_trips_durations },
    { "format_then_parse_round_trips_sizes", format_then_parse_round_trips_sizes },
    { "format_then_parse_round_trips_rates", format_then_parse_round_trips_rates },
    { "size_and_rate_wrappers_use_their_sets", size_and_rate_wrappers_use_their_sets },
    CU_TEST_INFO_NULL,
  };
  test_add_suite("units", tests);
}
