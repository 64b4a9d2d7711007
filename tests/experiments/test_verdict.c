/* Tests for experiments/exp_verdict.c: precedence of every grammar level, each operator,
 * references and their lookup, the figures text, IEEE corner cases, and the exact
 * message and column of every syntax error. */
#include "test_util.h"
#include "exp_verdict.h"

#include <math.h>

/* The figures of a made-up run, looked up by (variant, metric); variant NULL is a bare
 * metric. */
typedef struct {
  const char *variant;
  const char *metric;
  double value;
} Figure;

typedef struct {
  const Figure *rows;
  size_t n;
  unsigned calls;
} FigureTable;

static gboolean
table_lookup(const char *variant, const char *metric, double *value, void *user)
{
  FigureTable *t = user;
  t->calls++;
  for (size_t i = 0; i < t->n; i++)
    if (g_strcmp0(t->rows[i].variant, variant) == 0 && strcmp(t->rows[i].metric, metric) == 0) {
      *value = t->rows[i].value;
      return TRUE;
    }
  return FALSE;
}

static const Figure run[] = {
  { "two_way", "wasted_connections", 12.5 },
  { "three_way", "wasted_connections", 0 },
  { "two_way", "undefined", NAN },
  { "two_way", "big", 1234567 },
  { "two_way", "third", 1.0 / 3 },
  { "two_way", "huge", INFINITY },
  { "two_way", "minus_huge", -INFINITY },
  { NULL, "rtt", 0.25 },
  { NULL, "x", 1 },
  { "a", "x", 2 },
  { "b", "y", 3 },
};

static FigureTable
run_table(void)
{
  return (FigureTable){ run, G_N_ELEMENTS(run), 0 };
}

static ExpVerdict *
parse_ok(const char *text)
{
  GError *err = NULL;
  ExpVerdict *v = exp_verdict_parse(text, &err);
  if (err != NULL) {
    fprintf(stderr, "\n  \"%s\": unexpected error: %s\n", text, err->message);
    g_error_free(err);
  }
  return v;
}

/* Whether @text holds over run[]; fails the test if it does not parse or evaluate. */
static gboolean
holds(const char *text)
{
  g_autoptr(ExpVerdict) v = parse_ok(text);
  CU_ASSERT_PTR_NOT_NULL_FATAL(v);
  FigureTable t = run_table();
  GError *err = NULL;
  gboolean result = -1;
  gboolean ok = exp_verdict_eval(v, table_lookup, &t, &result, NULL, &err);
  if (err != NULL) {
    fprintf(stderr, "\n  \"%s\": unexpected error: %s\n", text, err->message);
    g_error_free(err);
  }
  CU_ASSERT_TRUE_FATAL(ok);
  return result;
}

#define ASSERT_HOLDS(text) CU_ASSERT_TRUE(holds(text))
#define ASSERT_FAILS(text) CU_ASSERT_FALSE(holds(text))

/* The figures text of @text over run[]; owned by the caller. */
static char *
figures_of(const char *text)
{
  g_autoptr(ExpVerdict) v = parse_ok(text);
  CU_ASSERT_PTR_NOT_NULL_FATAL(v);
  FigureTable t = run_table();
  GString *figures = g_string_new(NULL);
  gboolean result;
  CU_ASSERT_TRUE(exp_verdict_eval(v, table_lookup, &t, &result, figures, NULL));
  return g_string_free(figures, FALSE);
}

/* @text must not parse; the error has @code and exactly @message. */
static void
assert_parse_error(const char *text, int code, const char *message)
{
  GError *err = NULL;
  ExpVerdict *v = exp_verdict_parse(text, &err);
  CU_ASSERT_PTR_NULL(v);
  exp_verdict_free(v);
  CU_ASSERT_PTR_NOT_NULL_FATAL(err);
  CU_ASSERT_EQUAL(err->domain, SIM_ERROR);
  CU_ASSERT_EQUAL(err->code, code);
  if (strcmp(err->message, message) != 0) {
    fprintf(stderr, "\n  \"%s\":\n    got      \"%s\"\n    expected \"%s\"\n", text,
            err->message, message);
    CU_FAIL("error message differs");
  }
  g_error_free(err);
}

#define ASSERT_SYNTAX_ERROR(text, message) assert_parse_error(text, SIM_ERROR_SYNTAX, message)

static char *
repeat(const char *piece, int n)
{
  GString *s = g_string_new(NULL);
  for (int i = 0; i < n; i++)
    g_string_append(s, piece);
  return g_string_free(s, FALSE);
}

/* ---- precedence ---------------------------------------------------------------------- */

static void
product_binds_tighter_than_sum(void)
{
  ASSERT_HOLDS("1 + 2 * 3 == 7");
  ASSERT_FAILS("1 + 2 * 3 == 9");
  ASSERT_HOLDS("(1 + 2) * 3 == 9");
  ASSERT_HOLDS("7 - 6 / 2 == 4");
  ASSERT_FAILS("7 - 6 / 2 == 0.5");
}

static void
sum_and_product_associate_left(void)
{
  ASSERT_HOLDS("10 - 4 - 3 == 3");
  ASSERT_FAILS("10 - 4 - 3 == 9");
  ASSERT_HOLDS("8 / 4 / 2 == 1");
  ASSERT_FAILS("8 / 4 / 2 == 4");
  ASSERT_HOLDS("2 * 3 / 4 == 1.5");
}

static void
unary_minus_binds_tightest(void)
{
  ASSERT_HOLDS("-2 * 3 == -6");
  ASSERT_HOLDS("2 * -3 == -6");
  ASSERT_HOLDS("- - 2 == 2");
  ASSERT_HOLDS("1 - -1 == 2");
  ASSERT_HOLDS("-(1 + 2) == -3");
  ASSERT_HOLDS("-two_way.wasted_connections == -12.5");
}

static void
comparison_binds_looser_than_arithmetic(void)
{
  /* read as 1 + (1 == 1) it would be 2, which holds */
  ASSERT_FAILS("1 + 1 == 1");
  ASSERT_HOLDS("1 + 1 == 2");
  ASSERT_HOLDS("2 * 3 > 5");
  /* read as (2 > 1) * 0 it would be 0 */
  ASSERT_HOLDS("2 > 1 * 0");
}

static void
comparison_yields_one_or_zero(void)
{
  ASSERT_HOLDS("(2 > 1) + (3 > 1) == 2");
  ASSERT_HOLDS("(1 > 2) == 0");
  ASSERT_HOLDS("(5 != 4) * 7 == 7");
}

static void
and_binds_tighter_than_or(void)
{
  /* read as (1 or 1) and 0 it would fail */
  ASSERT_HOLDS("1 or 1 and 0");
  /* read as 0 and (0 or 1) it would fail */
  ASSERT_HOLDS("0 and 0 or 1");
  ASSERT_FAILS("0 and 1 or 0");
}

static void
not_binds_looser_than_comparison_tighter_than_and(void)
{
  /* not (1 > 2); read as (not 1) > 2 it would fail */
  ASSERT_HOLDS("not 1 > 2");
  /* not (0 + 1); read as (not 0) + 1 it would hold */
  ASSERT_FAILS("not 0 + 1");
  /* (not 1) and 0 fails either way, but (not 0) and 0 fails only if not binds above and:
   * read as not (0 and 0) it would hold */
  ASSERT_FAILS("not 0 and 0");
  /* (not 1) or 1 holds; read as not (1 or 1) it would fail */
  ASSERT_HOLDS("not 1 or 1");
  ASSERT_HOLDS("not not 3");
  ASSERT_FAILS("not not 0");
}

/* ---- operators ----------------------------------------------------------------------- */

static void
each_comparison_operator_is_true_and_false(void)
{
  static const struct {
    const char *text;
    gboolean holds;
  } cases[] = {
    { "1 < 2", TRUE },   { "2 < 2", FALSE },  { "3 < 2", FALSE },
    { "1 <= 2", TRUE },  { "2 <= 2", TRUE },  { "3 <= 2", FALSE },
    { "3 > 2", TRUE },   { "2 > 2", FALSE },  { "1 > 2", FALSE },
    { "3 >= 2", TRUE },  { "2 >= 2", TRUE },  { "1 >= 2", FALSE },
    { "2 == 2", TRUE },  { "1 == 2", FALSE },
    { "1 != 2", TRUE },  { "2 != 2", FALSE },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
    if (holds(cases[i].text) != cases[i].holds) {
      fprintf(stderr, "\n  \"%s\" should %s\n", cases[i].text,
              cases[i].holds ? "hold" : "not hold");
      CU_FAIL("comparison gave the wrong truth");
    }
}

static void
logic_treats_nonzero_as_true(void)
{
  ASSERT_HOLDS("2 and -1");
  ASSERT_HOLDS("0.5 or 0");
  ASSERT_FAILS("0 or 0");
  ASSERT_FAILS("not 0.0001");
  ASSERT_HOLDS("not 0");
  ASSERT_HOLDS("-3");
  ASSERT_FAILS("0");
  ASSERT_FAILS("1 - 1");
  /* and/or give 1 or 0, not an operand */
  ASSERT_HOLDS("(5 and 7) == 1");
  ASSERT_HOLDS("(0 or 7) == 1");
}

static void
symbol_synonyms_match_keywords(void)
{
  ASSERT_HOLDS("1 && 0 || 1");
  ASSERT_FAILS("1 && 0");
  ASSERT_HOLDS("0 || 1");
  ASSERT_HOLDS("!0 && !(1 > 2)");
  ASSERT_HOLDS("!!1");
  ASSERT_HOLDS("1 and 1 || 0 && 0");
  /* '!' followed by '=' is "not equal", '!' followed by anything else is "not" */
  ASSERT_FAILS("1 != 1");
  ASSERT_HOLDS("!1 != 1");
  ASSERT_HOLDS("! 0");
  /* the same precedence as the words: && above ||, ! above && */
  ASSERT_HOLDS("0 && 0 || 1");
  ASSERT_FAILS("!0 && 0");
}

/* ---- numbers and whitespace ---------------------------------------------------------- */

static void
numbers_take_fraction_and_exponent(void)
{
  ASSERT_HOLDS("1e3 == 1000");
  ASSERT_HOLDS("1E3 == 1000");
  ASSERT_HOLDS("2.5e-1 == 0.25");
  ASSERT_HOLDS("1e+2 == 100");
  ASSERT_HOLDS("1.5E2 == 150");
  ASSERT_HOLDS("0.5 == 1 / 2");
  ASSERT_HOLDS("007 == 7");
  ASSERT_HOLDS("1e-3 * 1000 == 1");
  ASSERT_HOLDS("1e308 > 0");
}

static void
whitespace_is_tolerated_anywhere_between_tokens(void)
{
  ASSERT_HOLDS("1+2*3==7");
  ASSERT_HOLDS("   1 + 2 * 3 == 7   ");
  ASSERT_HOLDS("\t(1\n+\r2)\f*\r\n3==9\n");
  ASSERT_HOLDS("two_way.wasted_connections>0&&three_way.wasted_connections==0");
  ASSERT_HOLDS("not(0)");
  ASSERT_HOLDS("!(0)");
  ASSERT_HOLDS("-(-1)==1");
}

/* ---- references ---------------------------------------------------------------------- */

static void
references_with_and_without_variant(void)
{
  g_autoptr(ExpVerdict) v =
    parse_ok("two_way.wasted_connections > 0 and three_way.wasted_connections == 0 and "
             "rtt < 1");
  CU_ASSERT_PTR_NOT_NULL_FATAL(v);
  CU_ASSERT_EQUAL_FATAL(exp_verdict_n_refs(v), 3);
  CU_ASSERT_STRING_EQUAL(exp_verdict_ref_variant(v, 0), "two_way");
  CU_ASSERT_STRING_EQUAL(exp_verdict_ref_metric(v, 0), "wasted_connections");
  CU_ASSERT_STRING_EQUAL(exp_verdict_ref_variant(v, 1), "three_way");
  CU_ASSERT_STRING_EQUAL(exp_verdict_ref_metric(v, 1), "wasted_connections");
  CU_ASSERT_PTR_NULL(exp_verdict_ref_variant(v, 2));
  CU_ASSERT_STRING_EQUAL(exp_verdict_ref_metric(v, 2), "rtt");

  FigureTable t = run_table();
  gboolean result = FALSE;
  GError *err = NULL;
  CU_ASSERT_TRUE(exp_verdict_eval(v, table_lookup, &t, &result, NULL, &err));
  CU_ASSERT_PTR_NULL(err);
  CU_ASSERT_TRUE(result);
  ASSERT_FAILS("two_way.wasted_connections == 0");
  ASSERT_HOLDS("two_way.wasted_connections == 12.5");
  ASSERT_HOLDS("rtt == 0.25");
}

static void
names_may_hold_digits_underscores_and_keyword_prefixes(void)
{
  g_autoptr(ExpVerdict) v = parse_ok("_v2.m_3 + andy + order.notice + A.B + nota > 0");
  CU_ASSERT_PTR_NOT_NULL_FATAL(v);
  CU_ASSERT_EQUAL_FATAL(exp_verdict_n_refs(v), 5);
  CU_ASSERT_STRING_EQUAL(exp_verdict_ref_variant(v, 0), "_v2");
  CU_ASSERT_STRING_EQUAL(exp_verdict_ref_metric(v, 0), "m_3");
  CU_ASSERT_STRING_EQUAL(exp_verdict_ref_metric(v, 1), "andy");
  CU_ASSERT_STRING_EQUAL(exp_verdict_ref_variant(v, 2), "order");
  CU_ASSERT_STRING_EQUAL(exp_verdict_ref_metric(v, 2), "notice");
  CU_ASSERT_STRING_EQUAL(exp_verdict_ref_variant(v, 3), "A");
  CU_ASSERT_STRING_EQUAL(exp_verdict_ref_metric(v, 4), "nota");
  /* keywords are case-sensitive: AND is a name, and here a trailing one */
  g_autoptr(ExpVerdict) upper = parse_ok("AND.OR + NOT");
  CU_ASSERT_PTR_NOT_NULL_FATAL(upper);
  CU_ASSERT_EQUAL(exp_verdict_n_refs(upper), 2);
}

static void
refs_are_listed_once_in_order_of_first_appearance(void)
{
  g_autoptr(ExpVerdict) v = parse_ok("b.y + a.x + b.y + x > 0 or (x and a.x) or b.y");
  CU_ASSERT_PTR_NOT_NULL_FATAL(v);
  CU_ASSERT_EQUAL_FATAL(exp_verdict_n_refs(v), 3);
  CU_ASSERT_STRING_EQUAL(exp_verdict_ref_variant(v, 0), "b");
  CU_ASSERT_STRING_EQUAL(exp_verdict_ref_metric(v, 0), "y");
  CU_ASSERT_STRING_EQUAL(exp_verdict_ref_variant(v, 1), "a");
  CU_ASSERT_STRING_EQUAL(exp_verdict_ref_metric(v, 1), "x");
  /* a bare metric is a reference of its own, even with the same metric name */
  CU_ASSERT_PTR_NULL(exp_verdict_ref_variant(v, 2));
  CU_ASSERT_STRING_EQUAL(exp_verdict_ref_metric(v, 2), "x");

  /* each is looked up once, and repeats take the same value */
  FigureTable t = run_table();
  gboolean result = FALSE;
  g_autoptr(GString) figures = g_string_new(NULL);
  CU_ASSERT_TRUE(exp_verdict_eval(v, table_lookup, &t, &result, figures, NULL));
  CU_ASSERT_EQUAL(t.calls, 3);
  CU_ASSERT_TRUE(result);
  CU_ASSERT_STRING_EQUAL(figures->str, "b.y = 3; a.x = 2; x = 1");
  ASSERT_HOLDS("b.y + a.x + b.y + x == 9");
}

static void
expression_without_references_has_none(void)
{
  g_autoptr(ExpVerdict) v = parse_ok("1 < 2");
  CU_ASSERT_PTR_NOT_NULL_FATAL(v);
  CU_ASSERT_EQUAL(exp_verdict_n_refs(v), 0);
  FigureTable t = run_table();
  gboolean result = FALSE;
  g_autoptr(GString) figures = g_string_new("before");
  CU_ASSERT_TRUE(exp_verdict_eval(v, table_lookup, &t, &result, figures, NULL));
  CU_ASSERT_EQUAL(t.calls, 0);
  CU_ASSERT_TRUE(result);
  CU_ASSERT_STRING_EQUAL(figures->str, "before");
}

static void
failed_lookup_names_the_reference(void)
{
  g_autoptr(ExpVerdict) v =
    parse_ok("two_way.wasted_connections > 0 and four_way.wasted_connections == 0");
  CU_ASSERT_PTR_NOT_NULL_FATAL(v);
  FigureTable t = run_table();
  gboolean result = 7;
  g_autoptr(GString) figures = g_string_new("kept");
  GError *err = NULL;
  CU_ASSERT_FALSE(exp_verdict_eval(v, table_lookup, &t, &result, figures, &err));
  CU_ASSERT_PTR_NOT_NULL_FATAL(err);
  CU_ASSERT_STRING_EQUAL(err->message, "no value for 'four_way.wasted_connections'");
  TEST_ASSERT_ERROR(err, SIM_ERROR_INVALID, "four_way");
  /* neither output is touched by a failure */
  CU_ASSERT_EQUAL(result, 7);
  CU_ASSERT_STRING_EQUAL(figures->str, "kept");

  g_autoptr(ExpVerdict) bare = parse_ok("rtt > 0 or nosuch > 1");
  CU_ASSERT_PTR_NOT_NULL_FATAL(bare);
  CU_ASSERT_FALSE(exp_verdict_eval(bare, table_lookup, &t, &result, NULL, &err));
  TEST_ASSERT_ERROR(err, SIM_ERROR_INVALID, "'nosuch'");
  /* a known metric under an unknown variant, and a variant's metric asked bare */
  g_autoptr(ExpVerdict) variant = parse_ok("three_way.rtt");
  CU_ASSERT_FALSE(exp_verdict_eval(variant, table_lookup, &t, &result, NULL, &err));
  TEST_ASSERT_ERROR(err, SIM_ERROR_INVALID, "'three_way.rtt'");
  g_autoptr(ExpVerdict) bare_of_variant = parse_ok("wasted_connections");
  CU_ASSERT_FALSE(exp_verdict_eval(bare_of_variant, table_lookup, &t, &result, NULL, &err));
  TEST_ASSERT_ERROR(err, SIM_ERROR_INVALID, "no value for 'wasted_connections'");
}

/* ---- figures ------------------------------------------------------------------------- */

static void
figures_text_is_exact(void)
{
  g_autofree char *header_example =
    figures_of("two_way.wasted_connections > 0 and three_way.wasted_connections == 0");
  CU_ASSERT_STRING_EQUAL(header_example,
                         "two_way.wasted_connections = 12.5; three_way.wasted_connections = 0");
  /* %.6g: six significant digits, exponent form past them */
  g_autofree char *g = figures_of("two_way.big + two_way.third + rtt > 0");
  CU_ASSERT_STRING_EQUAL(g, "two_way.big = 1.23457e+06; two_way.third = 0.333333; rtt = 0.25");
  g_autofree char *special = figures_of("two_way.undefined or two_way.huge or two_way.minus_huge");
  CU_ASSERT_STRING_EQUAL(special, "two_way.undefined = nan; two_way.huge = inf; "
                                  "two_way.minus_huge = -inf");
  g_autofree char *one = figures_of("rtt");
  CU_ASSERT_STRING_EQUAL(one, "rtt = 0.25");
}

/* A lookup that gives NaN with its sign bit set, and -0. */
static gboolean
signed_lookup(const char *variant, const char *metric, double *value, void *user)
{
  (void)variant, (void)user;
  *value = strcmp(metric, "nan") == 0 ? copysign(NAN, -1) : -0.0;
  return TRUE;
}

static void
figures_ignore_signs_of_nan_and_zero(void)
{
  g_autoptr(ExpVerdict) v = parse_ok("nan + zero");
  CU_ASSERT_PTR_NOT_NULL_FATAL(v);
  gboolean result;
  g_autoptr(GString) figures = g_string_new(NULL);
  CU_ASSERT_TRUE(exp_verdict_eval(v, signed_lookup, NULL, &result, figures, NULL));
  CU_ASSERT_STRING_EQUAL(figures->str, "nan = nan; zero = 0");
}

static void
figures_are_appended_and_optional(void)
{
  g_autoptr(ExpVerdict) v = parse_ok("rtt < 1 and two_way.wasted_connections > 1");
  CU_ASSERT_PTR_NOT_NULL_FATAL(v);
  FigureTable t = run_table();
  gboolean result = FALSE;
  g_autoptr(GString) figures = g_string_new("figures: ");
  CU_ASSERT_TRUE(exp_verdict_eval(v, table_lookup, &t, &result, figures, NULL));
  CU_ASSERT_STRING_EQUAL(figures->str, "figures: rtt = 0.25; two_way.wasted_connections = 12.5");
  result = FALSE;
  CU_ASSERT_TRUE(exp_verdict_eval(v, table_lookup, &t, &result, NULL, NULL));
  CU_ASSERT_TRUE(result);
}

/* ---- IEEE corner cases --------------------------------------------------------------- */

static void
nan_compares_false_except_not_equal(void)
{
  ASSERT_FAILS("two_way.undefined == two_way.undefined");
  ASSERT_HOLDS("two_way.undefined != two_way.undefined");
  ASSERT_FAILS("two_way.undefined < 1");
  ASSERT_FAILS("two_way.undefined <= 1");
  ASSERT_FAILS("two_way.undefined > 1");
  ASSERT_FAILS("two_way.undefined >= 1");
  ASSERT_HOLDS("two_way.undefined != 1");
  ASSERT_HOLDS("not (two_way.undefined > 0)");
  ASSERT_FAILS("two_way.undefined + 1 == two_way.undefined + 1");
}

static void
nan_alone_counts_as_false(void)
{
  /* a missing figure supports nothing: the header's rule, pinned here */
  ASSERT_FAILS("two_way.undefined");
  ASSERT_HOLDS("not two_way.undefined");
  ASSERT_FAILS("two_way.undefined and 1");
  ASSERT_HOLDS("two_way.undefined or 1");
  ASSERT_FAILS("0 / 0");
}

static void
division_by_zero_gives_inf_or_nan(void)
{
  ASSERT_HOLDS("1 / 0 > 1e308");
  ASSERT_HOLDS("-1 / 0 < -1e308");
  ASSERT_HOLDS("1 / 0 == 1 / 0");
  ASSERT_HOLDS("1 / (0 - 0) > 0");
  ASSERT_FAILS("0 / 0 == 0 / 0");
  ASSERT_HOLDS("0 / 0 != 0 / 0");
  ASSERT_HOLDS("two_way.wasted_connections / three_way.wasted_connections == two_way.huge");
  ASSERT_HOLDS("1 / two_way.huge == 0");
}

/* ---- syntax errors ------------------------------------------------------------------- */

static void
blank_text_is_an_empty_expression(void)
{
  ASSERT_SYNTAX_ERROR("", "empty expression");
  ASSERT_SYNTAX_ERROR(" \t\n ", "empty expression");
}

static void
missing_operand_names_column_and_previous_token(void)
{
  ASSERT_SYNTAX_ERROR("1 +", "column 4: expected a number, a name or '(' after '+'");
  /* the header's example */
  ASSERT_SYNTAX_ERROR("rtt_mean_ms >", "column 14: expected a number, a name or '(' after '>'");
  ASSERT_SYNTAX_ERROR("a.wasted > 0 and b.wasted > )",
                      "column 29: expected a number, a name or '(' after '>'");
  ASSERT_SYNTAX_ERROR("1 * / 2", "column 5: expected a number, a name or '(' after '*'");
  ASSERT_SYNTAX_ERROR("()", "column 2: expected a number, a name or '(' after '('");
  ASSERT_SYNTAX_ERROR("-", "column 2: expected a number, a name or '(' after '-'");
  ASSERT_SYNTAX_ERROR("not", "column 4: expected a number, a name or '(' after 'not'");
  ASSERT_SYNTAX_ERROR("a and", "column 6: expected a number, a name or '(' after 'and'");
  ASSERT_SYNTAX_ERROR("a ||   ", "column 8: expected a number, a name or '(' after '||'");
  /* keywords are not names */
  ASSERT_SYNTAX_ERROR("a > and", "column 5: expected a number, a name or '(' after '>'");
  /* "not" and "-" only where the grammar has them */
  ASSERT_SYNTAX_ERROR("1 + not 0", "column 5: expected a number, a name or '(' after '+'");
  ASSERT_SYNTAX_ERROR("-not 0", "column 2: expected a number, a name or '(' after '-'");
}

static void
bad_first_token_is_unexpected(void)
{
  ASSERT_SYNTAX_ERROR("* 3", "column 1: unexpected '*'; expected a number, a name or '('");
  ASSERT_SYNTAX_ERROR("+1", "column 1: unexpected '+'; expected a number, a name or '('");
  ASSERT_SYNTAX_ERROR("  )", "column 3: unexpected ')'; expected a number, a name or '('");
  ASSERT_SYNTAX_ERROR("and b", "column 1: unexpected 'and'; expected a number, a name or '('");
  ASSERT_SYNTAX_ERROR("or", "column 1: unexpected 'or'; expected a number, a name or '('");
}

static void
unclosed_parenthesis_names_its_column(void)
{
  ASSERT_SYNTAX_ERROR("(1 + 2", "column 7: expected ')' after '2' to close the '(' at column 1");
  ASSERT_SYNTAX_ERROR("1 * ((a + b) - c",
                      "column 17: expected ')' after 'c' to close the '(' at column 5");
  ASSERT_SYNTAX_ERROR("(a b)", "column 4: expected ')' after 'a' to close the '(' at column 1");
}

static void
trailing_tokens_are_unexpected_after_a_complete_expression(void)
{
  ASSERT_SYNTAX_ERROR("(1 + 2))", "column 8: unexpected ')' after a complete expression");
  ASSERT_SYNTAX_ERROR("1 2", "column 3: unexpected '2' after a complete expression");
  ASSERT_SYNTAX_ERROR("a > 0 b.c", "column 7: unexpected 'b.c' after a complete expression");
  ASSERT_SYNTAX_ERROR("a AND b", "column 3: unexpected 'AND' after a complete expression");
  ASSERT_SYNTAX_ERROR("x (1)", "column 3: unexpected '(' after a complete expression");
  ASSERT_SYNTAX_ERROR("1 !", "column 3: unexpected '!' after a complete expression");
}

static void
comparisons_do_not_chain(void)
{
  ASSERT_SYNTAX_ERROR("1 < 2 < 3", "column 7: unexpected '<' after a comparison; comparisons "
                                   "do not chain, join them with 'and'");
  ASSERT_SYNTAX_ERROR("(a == b != c)", "column 9: unexpected '!=' after a comparison; "
                                       "comparisons do not chain, join them with 'and'");
  ASSERT_HOLDS("(1 < 2) == 1");
}

static void
stray_characters_are_unexpected(void)
{
  ASSERT_SYNTAX_ERROR("1 $ 2", "column 3: unexpected '$'");
  ASSERT_SYNTAX_ERROR("a > 1 # comment", "column 7: unexpected '#'");
  ASSERT_SYNTAX_ERROR(".5 > 0", "column 1: unexpected '.'");
  ASSERT_SYNTAX_ERROR("a . b", "column 3: unexpected '.'");
  ASSERT_SYNTAX_ERROR("a = 1", "column 3: unexpected '='; did you mean '=='?");
  ASSERT_SYNTAX_ERROR("a => 1", "column 3: unexpected '='; did you mean '>='?");
  ASSERT_SYNTAX_ERROR("a =< 1", "column 3: unexpected '='; did you mean '<='?");
  ASSERT_SYNTAX_ERROR("a & b", "column 3: unexpected '&'; did you mean '&&'?");
  ASSERT_SYNTAX_ERROR("a | b", "column 3: unexpected '|'; did you mean '||'?");
  ASSERT_SYNTAX_ERROR("a > \xc3\xa9", "column 5: unexpected '\xc3\xa9'");
  ASSERT_SYNTAX_ERROR("a \x01", "column 3: unexpected character U+0001");
  ASSERT_SYNTAX_ERROR("a > \xff", "column 5: unexpected byte 0xff (not UTF-8)");
}

static void
malformed_references_are_rejected(void)
{
  ASSERT_SYNTAX_ERROR("a.b.c > 0",
                      "column 4: unexpected '.' after 'a.b'; a reference is VARIANT.METRIC or "
                      "METRIC");
  ASSERT_SYNTAX_ERROR("x > two_way.a.b", "column 14: unexpected '.' after 'two_way.a'; a "
                                         "reference is VARIANT.METRIC or METRIC");
  ASSERT_SYNTAX_ERROR("a. > 0", "column 3: expected a name after 'a.'");
  ASSERT_SYNTAX_ERROR("a.1 > 0", "column 3: expected a name after 'a.'");
  ASSERT_SYNTAX_ERROR("a.", "column 3: expected a name after 'a.'");
  ASSERT_SYNTAX_ERROR("a.and > 0", "column 3: 'and' is a keyword, not a name");
  ASSERT_SYNTAX_ERROR("x or not.y", "column 6: 'not' is a keyword, not a name");
}

static void
malformed_numbers_are_rejected(void)
{
  ASSERT_SYNTAX_ERROR("1. > 0", "column 3: expected a digit after '1.'");
  ASSERT_SYNTAX_ERROR("1e > 0", "column 3: expected a digit after '1e'");
  ASSERT_SYNTAX_ERROR("x > 1e+", "column 8: expected a digit after '1e+'");
  ASSERT_SYNTAX_ERROR("2.5E-x", "column 6: expected a digit after '2.5E-'");
  ASSERT_SYNTAX_ERROR("12abc", "column 3: unexpected 'a' after the number '12'");
  ASSERT_SYNTAX_ERROR("1.5.2", "column 4: unexpected '.' after the number '1.5'");
  ASSERT_SYNTAX_ERROR("0x10", "column 2: unexpected 'x' after the number '0'");
  ASSERT_SYNTAX_ERROR("1e3e3", "column 4: unexpected 'e' after the number '1e3'");
  assert_parse_error("x > 1e999", SIM_ERROR_RANGE, "column 5: the number '1e999' is too large");
}

/* ---- nesting ------------------------------------------------------------------------- */

static void
nesting_is_limited_to_64_levels(void)
{
  g_autofree char *open64 = repeat("(", 64), *close64 = repeat(")", 64);
  g_autofree char *deep64 = g_strconcat(open64, "1", close64, NULL);
  ASSERT_HOLDS(deep64);
  g_autofree char *deep65 = g_strconcat("(", deep64, ")", NULL);
  ASSERT_SYNTAX_ERROR(deep65, "column 65: expression nested deeper than 64 levels");

  g_autofree char *minus64 = repeat("-", 64);
  g_autofree char *minus_ok = g_strconcat(minus64, "1 == 1", NULL);
  ASSERT_HOLDS(minus_ok);
  g_autofree char *minus_deep = g_strconcat("-", minus64, "1", NULL);
  ASSERT_SYNTAX_ERROR(minus_deep, "column 65: expression nested deeper than 64 levels");

  g_autofree char *not64 = repeat("not ", 64);
  g_autofree char *not_ok = g_strconcat(not64, "1", NULL);
  ASSERT_HOLDS(not_ok);
  g_autofree char *not_deep = g_strconcat(not64, "!1", NULL);
  ASSERT_SYNTAX_ERROR(not_deep, "column 257: expression nested deeper than 64 levels");

  /* the three kinds add up */
  g_autofree char *mixed = repeat("-(!", 22);   /* 66 levels */
  g_autofree char *mixed_text = g_strconcat(mixed, "1", NULL);
  ASSERT_SYNTAX_ERROR(mixed_text, "column 65: expression nested deeper than 64 levels");

  /* a million-deep text fails cleanly instead of exhausting the stack */
  g_autofree char *huge = repeat("(", 1000000);
  ASSERT_SYNTAX_ERROR(huge, "column 65: expression nested deeper than 64 levels");
}

static void
long_flat_chains_are_not_nesting(void)
{
  /* 100000 terms: the parser loops and the evaluator keeps two values, whatever the
   * length */
  g_autofree char *ones = repeat("1 + ", 99999);
  g_autofree char *sum = g_strconcat(ones, "1 == 100000", NULL);
  ASSERT_HOLDS(sum);
  g_autofree char *ands = repeat("1 and ", 99999);
  g_autofree char *all = g_strconcat(ands, "0", NULL);
  ASSERT_FAILS(all);
}

/* ---- ownership and misuse ------------------------------------------------------------ */

static void
free_accepts_null(void)
{
  exp_verdict_free(NULL);
  CU_PASS("freeing nothing is allowed");
}

static void
misuse_is_critical(void)
{
  g_autoptr(ExpVerdict) v = parse_ok("a.x > 1");
  CU_ASSERT_PTR_NOT_NULL_FATAL(v);
  FigureTable t = run_table();
  gboolean result = 7;
  test_criticals_catch();
  ExpVerdict *null_text = exp_verdict_parse(NULL, NULL);
  gboolean no_lookup = exp_verdict_eval(v, NULL, &t, &result, NULL, NULL);
  gboolean no_holds = exp_verdict_eval(v, table_lookup, &t, NULL, NULL, NULL);
  gboolean no_verdict = exp_verdict_eval(NULL, table_lookup, &t, &result, NULL, NULL);
  const char *past_end = exp_verdict_ref_metric(v, 1);
  const char *past_end_variant = exp_verdict_ref_variant(v, 1);
  guint n_of_null = exp_verdict_n_refs(NULL);
  unsigned criticals = test_criticals_release();
  CU_ASSERT_PTR_NULL(null_text);
  CU_ASSERT_FALSE(no_lookup);
  CU_ASSERT_FALSE(no_holds);
  CU_ASSERT_FALSE(no_verdict);
  CU_ASSERT_PTR_NULL(past_end);
  CU_ASSERT_PTR_NULL(past_end_variant);
  CU_ASSERT_EQUAL(n_of_null, 0);
  CU_ASSERT_EQUAL(criticals, 7);
  CU_ASSERT_EQUAL(result, 7);
  CU_ASSERT_EQUAL(t.calls, 0);
}

void test_verdict_register(void);
void
test_verdict_register(void)
{
  static const CU_TestInfo tests[] = {
    { "product_binds_tighter_than_sum", product_binds_tighter_than_sum },
    { "sum_and_product_associate_left", sum_and_product_associate_left },
    { "unary_minus_binds_tightest", unary_minus_binds_tightest },
    { "comparison_binds_looser_than_arithmetic", comparison_binds_looser_than_arithmetic },
    { "comparison_yields_one_or_zero", comparison_yields_one_or_zero },
    { "and_binds_tighter_than_or", and_binds_tighter_than_or },
    { "not_binds_looser_than_comparison_tighter_than_and",
      not_binds_looser_than_comparison_tighter_than_and },
    { "each_comparison_operator_is_true_and_false", each_comparison_operator_is_true_and_false },
    { "logic_treats_nonzero_as_true", logic_treats_nonzero_as_true },
    { "symbol_synonyms_match_keywords", symbol_synonyms_match_keywords },
    { "numbers_take_fraction_and_exponent", numbers_take_fraction_and_exponent },
    { "whitespace_is_tolerated_anywhere_between_tokens",
      whitespace_is_tolerated_anywhere_between_tokens },
    { "references_with_and_without_variant", references_with_and_without_variant },
    { "names_may_hold_digits_underscores_and_keyword_prefixes",
      names_may_hold_digits_underscores_and_keyword_prefixes },
    { "refs_are_listed_once_in_order_of_first_appearance",
      refs_are_listed_once_in_order_of_first_appearance },
    { "expression_without_references_has_none", expression_without_references_has_none },
    { "failed_lookup_names_the_reference", failed_lookup_names_the_reference },
    { "figures_text_is_exact", figures_text_is_exact },
    { "figures_ignore_signs_of_nan_and_zero", figures_ignore_signs_of_nan_and_zero },
    { "figures_are_appended_and_optional", figures_are_appended_and_optional },
    { "nan_compares_false_except_not_equal", nan_compares_false_except_not_equal },
    { "nan_alone_counts_as_false", nan_alone_counts_as_false },
    { "division_by_zero_gives_inf_or_nan", division_by_zero_gives_inf_or_nan },
    { "blank_text_is_an_empty_expression", blank_text_is_an_empty_expression },
    { "missing_operand_names_column_and_previous_token",
      missing_operand_names_column_and_previous_token },
    { "bad_first_token_is_unexpected", bad_first_token_is_unexpected },
    { "unclosed_parenthesis_names_its_column", unclosed_parenthesis_names_its_column },
    { "trailing_tokens_are_unexpected_after_a_complete_expression",
      trailing_tokens_are_unexpected_after_a_complete_expression },
    { "comparisons_do_not_chain", comparisons_do_not_chain },
    { "stray_characters_are_unexpected", stray_characters_are_unexpected },
    { "malformed_references_are_rejected", malformed_references_are_rejected },
    { "malformed_numbers_are_rejected", malformed_numbers_are_rejected },
    { "nesting_is_limited_to_64_levels", nesting_is_limited_to_64_levels },
    { "long_flat_chains_are_not_nesting", long_flat_chains_are_not_nesting },
    { "free_accepts_null", free_accepts_null },
    { "misuse_is_critical", misuse_is_critical },
    CU_TEST_INFO_NULL,
  };
  test_add_suite("verdict", tests);
}
