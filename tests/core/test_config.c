/* Tests for core/sim_config.c: loading INI text and overrides, validation against a
 * small schema with one key of each type, the exact wording and order of problems,
 * typed getters, origins, and the to_data round trip. */
#include "test_util.h"
#include "sim_config.h"
#include "sim_error.h"

static const SimKeySpec test_specs[] = {
  { "experiment", "name", SIM_KEY_STRING, NULL, "what the run is called", NULL,
    SIM_KEY_REQUIRED, 0, 0 },
  { "experiment", "seed", SIM_KEY_INT, "1", "master seed", NULL, 0, 0, 0 },
  { "experiment", "hosts", SIM_KEY_INT, "2", "number of hosts", NULL, SIM_KEY_HAS_RANGE,
    1, 64 },
  { "experiment", "trace", SIM_KEY_BOOL, "false", "write a trace", NULL, 0, 0, 0 },
  { "experiment", "warmup", SIM_KEY_DOUBLE, "0.1", "fraction of the run discarded", NULL,
    0, 0, 0 },
  { "tcp", "time_wait", SIM_KEY_DURATION, "60s", "TIME-WAIT duration", NULL,
    SIM_KEY_HAS_RANGE, 0, 240e9 },
  { "tcp", "clock_skew", SIM_KEY_DURATION, "0", "offset of the host clock", NULL,
    SIM_KEY_HAS_RANGE, -1e9, 1e9 },
  { "tcp", "isn", SIM_KEY_ENUM, "random", "initial sequence numbers",
    "random|clock|rfc6528|zero", 0, 0, 0 },
  { "tcp", "rcv_buf", SIM_KEY_SIZE, "64KiB", "receive buffer", NULL, 0, 0, 0 },
  { "app", "think", SIM_KEY_DIST, "exp(2)", "requests per session", NULL, 0, 0, 0 },
  { "app", "comment", SIM_KEY_STRING, NULL, "free text", NULL, 0, 0, 0 },
  { "link.*", "ends", SIM_KEY_STRING, NULL, "the two nodes it joins", NULL,
    SIM_KEY_REQUIRED, 0, 0 },
  { "link.*", "rate", SIM_KEY_RATE, "10Mbps", "bit rate", NULL, 0, 0, 0 },
  { "link.*", "loss", SIM_KEY_PROB, "0", "loss probability", NULL, 0, 0, 0 },
  { "link.*", "delay", SIM_KEY_DIST_DURATION, "const(1ms)", "one-way delay", NULL, 0, 0, 0 },
};

/* The smallest text that validates. */
#define MINIMAL "[experiment]\nname = x\n"

static SimSchema *
test_schema(void)
{
  SimSchema *schema = sim_schema_new();
  sim_schema_add(schema, test_specs, G_N_ELEMENTS(test_specs));
  return schema;
}


/* Loads @text as "t.ini", validates, and expects SIM_ERROR_INVALID containing @needle;
 * returns the message (owned) for further checks. */
static char *
invalid_message(const char *text, const char *needle)
{
  g_autoptr(SimSchema) schema = test_schema();
  g_autoptr(SimConfig) cfg = sim_config_new(schema);
  GError *err = NULL;
  CU_ASSERT_TRUE_FATAL(sim_config_load_data(cfg, text, "t.ini", &err));
  CU_ASSERT_FALSE(sim_config_validate(cfg, &err));
  CU_ASSERT_PTR_NOT_NULL_FATAL(err);
  char *message = g_strdup(err->message);
  TEST_ASSERT_ERROR(err, SIM_ERROR_INVALID, needle);
  return message;
}

static void
assert_invalid(const char *text, const char *needle)
{
  g_free(invalid_message(text, needle));
}

static gboolean
load_good(SimConfig *cfg)
{
  g_autofree char *path = test_data_path("config_good.ini");
  GError *err = NULL;
  gboolean ok = sim_config_load_file(cfg, path, &err);
  if (err != NULL) {
    fprintf(stderr, "\n  %s\n", err->message);
    g_error_free(err);
  }
  return ok;
}

static gboolean
validate_ok(SimConfig *cfg)
{
  GError *err = NULL;
  gboolean ok = sim_config_validate(cfg, &err);
  if (err != NULL) {
    fprintf(stderr, "\n  unexpected problems:\n%s\n", err->message);
    g_error_free(err);
  }
  return ok;
}

/* ---- loading and getters --------------------------------------------------------- */

static void
good_file_gives_typed_values(void)
{
  g_autoptr(SimSchema) schema = test_schema();
  g_autoptr(SimConfig) cfg = sim_config_new(schema);
  CU_ASSERT_TRUE_FATAL(load_good(cfg));
  CU_ASSERT_TRUE_FATAL(validate_ok(cfg));
  CU_ASSERT_STRING_EQUAL(sim_config_get_string(cfg, "experiment", "name"), "handshake storm");
  CU_ASSERT_EQUAL(sim_config_get_int(cfg, "experiment", "seed"), 42);
  CU_ASSERT_TRUE(sim_config_get_bool(cfg, "experiment", "trace"));
  CU_ASSERT_DOUBLE_EQUAL(sim_config_get_double(cfg, "experiment", "warmup"), 0.25, 0);
  CU_ASSERT_EQUAL(sim_config_get_duration(cfg, "tcp", "time_wait"), 30 * SIM_S);
  CU_ASSERT_STRING_EQUAL(sim_config_get_enum(cfg, "tcp", "isn"), "clock");
  CU_ASSERT_STRING_EQUAL(sim_config_get_string(cfg, "link.access", "ends"), "h1 r1");
  CU_ASSERT_EQUAL(sim_config_get_rate(cfg, "link.access", "rate"), 100000000);
  CU_ASSERT_DOUBLE_EQUAL(sim_config_get_prob(cfg, "link.access", "loss"), 0.01, 0);

  GError *err = NULL;
  g_autoptr(SimDist) delay = sim_config_get_dist(cfg, "link.access", "delay", &err);
  CU_ASSERT_PTR_NULL(err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(delay);
  CU_ASSERT_EQUAL(sim_dist_kind(delay), SIM_DIST_UNIFORM);
  CU_ASSERT_EQUAL(sim_dist_domain(delay), SIM_DIST_DURATION);
  CU_ASSERT_DOUBLE_EQUAL(sim_dist_mean(delay), 3e6, 1e-6);
  g_autoptr(SimDist) think = sim_config_get_dist(cfg, "app", "think", &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(think);
  CU_ASSERT_EQUAL(sim_dist_kind(think), SIM_DIST_EXP);
  CU_ASSERT_EQUAL(sim_dist_domain(think), SIM_DIST_NUMBER);
  CU_ASSERT_DOUBLE_EQUAL(sim_dist_mean(think), 0.5, 1e-12);
}

static void
absent_keys_give_defaults(void)
{
  g_autoptr(SimSchema) schema = test_schema();
  g_autoptr(SimConfig) cfg = sim_config_new(schema);
  CU_ASSERT_TRUE_FATAL(load_good(cfg));
  CU_ASSERT_TRUE_FATAL(validate_ok(cfg));
  CU_ASSERT_EQUAL(sim_config_get_int(cfg, "experiment", "hosts"), 2);
  CU_ASSERT_EQUAL(sim_config_get_duration(cfg, "tcp", "clock_skew"), 0);
  CU_ASSERT_EQUAL(sim_config_get_size(cfg, "tcp", "rcv_buf"), 64 * 1024);
  CU_ASSERT_EQUAL(sim_config_get_rate(cfg, "link.core", "rate"), 10000000);
  CU_ASSERT_DOUBLE_EQUAL(sim_config_get_prob(cfg, "link.core", "loss"), 0, 0);
  /* a family key of a section that is not there still has its default */
  CU_ASSERT_EQUAL(sim_config_get_rate(cfg, "link.absent", "rate"), 10000000);
  /* optional, no default */
  CU_ASSERT_PTR_NULL(sim_config_get_string(cfg, "app", "comment"));
  GError *err = NULL;
  g_autoptr(SimDist) delay = sim_config_get_dist(cfg, "link.core", "delay", &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(delay);
  CU_ASSERT_EQUAL(sim_dist_kind(delay), SIM_DIST_CONST);
  CU_ASSERT_DOUBLE_EQUAL(sim_dist_mean(delay), 1e6, 1e-6);
}

static void
origin_names_file_and_line_or_default(void)
{
  g_autoptr(SimSchema) schema = test_schema();
  g_autoptr(SimConfig) cfg = sim_config_new(schema);
  CU_ASSERT_TRUE_FATAL(load_good(cfg));
  CU_ASSERT_TRUE(g_str_has_suffix(sim_config_origin(cfg, "experiment", "name"),
                                  "/config_good.ini:5"));
  CU_ASSERT_TRUE(g_str_has_suffix(sim_config_origin(cfg, "tcp", "time_wait"),
                                  "/config_good.ini:11"));
  CU_ASSERT_TRUE(g_str_has_suffix(sim_config_origin(cfg, "link.core", "ends"),
                                  "/config_good.ini:21"));
  CU_ASSERT_STRING_EQUAL(sim_config_origin(cfg, "tcp", "rcv_buf"), "default");
}

static void
has_is_true_only_for_given_keys(void)
{
  g_autoptr(SimSchema) schema = test_schema();
  g_autoptr(SimConfig) cfg = sim_config_new(schema);
  CU_ASSERT_TRUE_FATAL(load_good(cfg));
  CU_ASSERT_TRUE(sim_config_has(cfg, "tcp", "time_wait"));
  CU_ASSERT_FALSE(sim_config_has(cfg, "tcp", "rcv_buf"));
  CU_ASSERT_FALSE(sim_config_has(cfg, "nosuch", "key"));
}

static void
load_data_names_the_text_in_origins(void)
{
  g_autoptr(SimSchema) schema = test_schema();
  g_autoptr(SimConfig) cfg = sim_config_new(schema);
  GError *err = NULL;
  CU_ASSERT_TRUE_FATAL(sim_config_load_data(cfg, "\n[experiment]\nname = inline\n",
                                            "inline.ini", &err));
  CU_ASSERT_TRUE_FATAL(validate_ok(cfg));
  CU_ASSERT_STRING_EQUAL(sim_config_get_string(cfg, "experiment", "name"), "inline");
  CU_ASSERT_STRING_EQUAL(sim_config_origin(cfg, "experiment", "name"), "inline.ini:3");
}

static void
values_are_trimmed_and_unescaped(void)
{
  g_autoptr(SimSchema) schema = test_schema();
  g_autoptr(SimConfig) cfg = sim_config_new(schema);
  GError *err = NULL;
  const char *text = "  [ experiment ]  \r\n"
                     "name   =   a\\tb\\\\c\\s   \r\n"
                     "seed=\t7\t\r\n"
                     "[app]\n"
                     "comment = \\s padded \\s\n";
  CU_ASSERT_TRUE_FATAL(sim_config_load_data(cfg, text, "t.ini", &err));
  CU_ASSERT_TRUE_FATAL(validate_ok(cfg));
  CU_ASSERT_STRING_EQUAL(sim_config_get_string(cfg, "experiment", "name"), "a\tb\\c ");
  CU_ASSERT_EQUAL(sim_config_get_int(cfg, "experiment", "seed"), 7);
  CU_ASSERT_STRING_EQUAL(sim_config_get_string(cfg, "app", "comment"), "  padded  ");
}

static void
repeated_section_merges_its_keys(void)
{
  g_autoptr(SimSchema) schema = test_schema();
  g_autoptr(SimConfig) cfg = sim_config_new(schema);
  GError *err = NULL;
  CU_ASSERT_TRUE_FATAL(sim_config_load_data(
    cfg, "[experiment]\nname = x\n[tcp]\nisn = zero\n[experiment]\nseed = 9\n", "t.ini",
    &err));
  CU_ASSERT_TRUE_FATAL(validate_ok(cfg));
  CU_ASSERT_STRING_EQUAL(sim_config_get_string(cfg, "experiment", "name"), "x");
  CU_ASSERT_EQUAL(sim_config_get_int(cfg, "experiment", "seed"), 9);
  g_auto(GStrv) names = sim_config_sections(cfg, NULL);
  CU_ASSERT_EQUAL_FATAL(g_strv_length(names), 2);
  CU_ASSERT_STRING_EQUAL(names[0], "experiment");
  CU_ASSERT_STRING_EQUAL(names[1], "tcp");
}

static void
later_file_wins_and_updates_origin(void)
{
  g_autoptr(SimSchema) schema = test_schema();
  g_autoptr(SimConfig) cfg = sim_config_new(schema);
  g_autofree char *later = test_data_path("config_later.ini");
  GError *err = NULL;
  CU_ASSERT_TRUE_FATAL(load_good(cfg));
  CU_ASSERT_TRUE_FATAL(sim_config_load_file(cfg, later, &err));
  CU_ASSERT_TRUE_FATAL(validate_ok(cfg));
  CU_ASSERT_EQUAL(sim_config_get_duration(cfg, "tcp", "time_wait"), 2 * SIM_MIN);
  CU_ASSERT_TRUE(g_str_has_suffix(sim_config_origin(cfg, "tcp", "time_wait"),
                                  "/config_later.ini:3"));
  /* untouched keys keep the first file's values */
  CU_ASSERT_STRING_EQUAL(sim_config_get_enum(cfg, "tcp", "isn"), "clock");
}

static void
empirical_file_is_found_next_to_the_config(void)
{
  g_autoptr(SimSchema) schema = test_schema();
  g_autoptr(SimConfig) cfg = sim_config_new(schema);
  g_autofree char *path = test_data_path("config_empirical.ini");
  GError *err = NULL;
  CU_ASSERT_TRUE_FATAL(sim_config_load_file(cfg, path, &err));
  CU_ASSERT_TRUE_FATAL(validate_ok(cfg));
  g_autoptr(SimDist) d = sim_config_get_dist(cfg, "link.lan", "delay", &err);
  CU_ASSERT_PTR_NULL(err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(d);
  CU_ASSERT_EQUAL(sim_dist_kind(d), SIM_DIST_EMPIRICAL);
  CU_ASSERT_DOUBLE_EQUAL(sim_dist_mean(d), (10e6 * 1 + 20e6 * 3) / 4, 1e-3);

  /* the same text without a file resolves against the current directory */
  g_autofree char *text = NULL;
  CU_ASSERT_TRUE_FATAL(g_file_get_contents(path, &text, NULL, NULL));
  g_autoptr(SimConfig) loose = sim_config_new(schema);
  CU_ASSERT_TRUE_FATAL(sim_config_load_data(loose, text, "loose.ini", &err));
  CU_ASSERT_FALSE(sim_config_validate(loose, &err));
  TEST_ASSERT_ERROR(err, SIM_ERROR_INVALID, "loose.ini:7: [link.lan] delay: ");
}

/* ---- overrides ------------------------------------------------------------------- */

static void
override_wins_over_file_value(void)
{
  g_autoptr(SimSchema) schema = test_schema();
  g_autoptr(SimConfig) cfg = sim_config_new(schema);
  GError *err = NULL;
  CU_ASSERT_TRUE_FATAL(load_good(cfg));
  CU_ASSERT_TRUE(sim_config_set_override(cfg, "tcp.time_wait=45s", &err));
  CU_ASSERT_TRUE(sim_config_set_override(cfg, " experiment.seed = 7 ", &err));
  CU_ASSERT_TRUE(sim_config_set_override(cfg, "experiment.seed=8", &err));
  CU_ASSERT_TRUE_FATAL(validate_ok(cfg));
  CU_ASSERT_EQUAL(sim_config_get_duration(cfg, "tcp", "time_wait"), 45 * SIM_S);
  CU_ASSERT_STRING_EQUAL(sim_config_origin(cfg, "tcp", "time_wait"), "--set tcp.time_wait=45s");
  /* later overrides win */
  CU_ASSERT_EQUAL(sim_config_get_int(cfg, "experiment", "seed"), 8);
  CU_ASSERT_STRING_EQUAL(sim_config_origin(cfg, "experiment", "seed"),
                         "--set experiment.seed=8");
}

static void
override_wins_over_file_loaded_after_it(void)
{
  g_autoptr(SimSchema) schema = test_schema();
  g_autoptr(SimConfig) cfg = sim_config_new(schema);
  GError *err = NULL;
  CU_ASSERT_TRUE(sim_config_set_override(cfg, "tcp.isn=zero", &err));
  CU_ASSERT_TRUE_FATAL(load_good(cfg));
  CU_ASSERT_TRUE_FATAL(validate_ok(cfg));
  CU_ASSERT_STRING_EQUAL(sim_config_get_enum(cfg, "tcp", "isn"), "zero");
  CU_ASSERT_STRING_EQUAL(sim_config_origin(cfg, "tcp", "isn"), "--set tcp.isn=zero");
  /* the section the override named first still lists in file order */
  g_auto(GStrv) names = sim_config_sections(cfg, NULL);
  CU_ASSERT_EQUAL_FATAL(g_strv_length(names), 5);
  CU_ASSERT_STRING_EQUAL(names[0], "experiment");
  CU_ASSERT_STRING_EQUAL(names[1], "tcp");
}

static void
override_section_may_contain_dots(void)
{
  g_autoptr(SimSchema) schema = test_schema();
  g_autoptr(SimConfig) cfg = sim_config_new(schema);
  GError *err = NULL;
  CU_ASSERT_TRUE_FATAL(load_good(cfg));
  CU_ASSERT_TRUE(sim_config_set_override(cfg, "link.access.rate=1Gbps", &err));
  CU_ASSERT_TRUE(sim_config_set_override(cfg, "link.backup.ends=h1 r2", &err));
  CU_ASSERT_TRUE_FATAL(validate_ok(cfg));
  CU_ASSERT_EQUAL(sim_config_get_rate(cfg, "link.access", "rate"), 1000000000);
  CU_ASSERT_STRING_EQUAL(sim_config_get_string(cfg, "link.backup", "ends"), "h1 r2");
  g_auto(GStrv) links = sim_config_sections(cfg, "link.");
  CU_ASSERT_EQUAL_FATAL(g_strv_length(links), 3);
  CU_ASSERT_STRING_EQUAL(links[2], "link.backup");
}

static void
override_bad_value_is_reported_with_set_prefix(void)
{
  g_autoptr(SimSchema) schema = test_schema();
  g_autoptr(SimConfig) cfg = sim_config_new(schema);
  GError *err = NULL;
  CU_ASSERT_TRUE_FATAL(load_good(cfg));
  CU_ASSERT_TRUE(sim_config_set_override(cfg, "tcp.time_wait=-1s", &err));
  CU_ASSERT_FALSE(sim_config_validate(cfg, &err));
  CU_ASSERT_PTR_NOT_NULL_FATAL(err);
  CU_ASSERT_STRING_EQUAL(err->message, "--set tcp.time_wait=-1s: [tcp] time_wait: '-1s' is "
                                       "negative: a duration here must be >= 0");
  g_clear_error(&err);
}

static void
override_unknown_section_and_key_are_reported(void)
{
  g_autoptr(SimSchema) schema = test_schema();
  g_autoptr(SimConfig) cfg = sim_config_new(schema);
  GError *err = NULL;
  CU_ASSERT_TRUE_FATAL(sim_config_load_data(cfg, MINIMAL, "t.ini", &err));
  CU_ASSERT_TRUE(sim_config_set_override(cfg, "tcp.time_wiat=1s", &err));
  CU_ASSERT_TRUE(sim_config_set_override(cfg, "lnik.access.rate=1Gbps", &err));
  CU_ASSERT_FALSE(sim_config_validate(cfg, &err));
  CU_ASSERT_PTR_NOT_NULL_FATAL(err);
  CU_ASSERT_STRING_EQUAL(err->message,
                         "--set tcp.time_wiat=1s: [tcp] time_wiat: unknown key; did you "
                         "mean 'time_wait'?\n"
                         "--set lnik.access.rate=1Gbps: [lnik.access]: unknown section; did "
                         "you mean [link.access]?");
  g_clear_error(&err);
}

static void
malformed_overrides_are_syntax_errors(void)
{
  g_autoptr(SimSchema) schema = test_schema();
  g_autoptr(SimConfig) cfg = sim_config_new(schema);
  GError *err = NULL;
  CU_ASSERT_FALSE(sim_config_set_override(cfg, "tcp.time_wait", &err));
  TEST_ASSERT_ERROR(err, SIM_ERROR_SYNTAX, "--set tcp.time_wait: expected section.key=value: "
                                           "no '='");
  CU_ASSERT_FALSE(sim_config_set_override(cfg, "time_wait=30s", &err));
  TEST_ASSERT_ERROR(err, SIM_ERROR_SYNTAX, "--set time_wait=30s: expected section.key=value: "
                                           "no '.'");
  CU_ASSERT_FALSE(sim_config_set_override(cfg, ".time_wait=30s", &err));
  TEST_ASSERT_ERROR(err, SIM_ERROR_SYNTAX, "--set .time_wait=30s: expected section.key=value: "
                                           "the section is empty");
  CU_ASSERT_FALSE(sim_config_set_override(cfg, "tcp. =30s", &err));
  TEST_ASSERT_ERROR(err, SIM_ERROR_SYNTAX, "--set tcp. =30s: expected section.key=value: "
                                           "the key is empty");
  /* the dot that counts is the last one before '=', not one inside the value */
  CU_ASSERT_FALSE(sim_config_set_override(cfg, "tcp=1.5ms", &err));
  TEST_ASSERT_ERROR(err, SIM_ERROR_SYNTAX, "no '.'");
  CU_ASSERT_FALSE(sim_config_set_override(cfg, "tc[p.isn=zero", &err));
  TEST_ASSERT_ERROR(err, SIM_ERROR_SYNTAX, "--set tc[p.isn=zero: ");
  /* nothing was recorded */
  g_auto(GStrv) names = sim_config_sections(cfg, NULL);
  CU_ASSERT_EQUAL(g_strv_length(names), 0);
}

/* ---- sections and to_data -------------------------------------------------------- */

static void
sections_with_prefix_in_file_order(void)
{
  g_autoptr(SimSchema) schema = test_schema();
  g_autoptr(SimConfig) cfg = sim_config_new(schema);
  CU_ASSERT_TRUE_FATAL(load_good(cfg));
  g_auto(GStrv) links = sim_config_sections(cfg, "link.");
  CU_ASSERT_EQUAL_FATAL(g_strv_length(links), 2);
  CU_ASSERT_STRING_EQUAL(links[0], "link.access");
  CU_ASSERT_STRING_EQUAL(links[1], "link.core");
  g_auto(GStrv) all = sim_config_sections(cfg, "");
  const char *expected[] = { "experiment", "tcp", "link.access", "link.core", "app" };
  CU_ASSERT_EQUAL_FATAL(g_strv_length(all), G_N_ELEMENTS(expected));
  for (size_t i = 0; i < G_N_ELEMENTS(expected); i++)
    CU_ASSERT_STRING_EQUAL(all[i], expected[i]);
  g_auto(GStrv) none = sim_config_sections(cfg, "variant.");
  CU_ASSERT_PTR_NOT_NULL_FATAL(none);
  CU_ASSERT_PTR_NULL(none[0]);
}

static char *
dist_text(const SimConfig *cfg, const char *section, const char *key)
{
  GError *err = NULL;
  g_autoptr(SimDist) d = sim_config_get_dist(cfg, section, key, &err);
  if (d == NULL) {
    g_clear_error(&err);
    return g_strdup("(none)");
  }
  return sim_dist_to_string(d);
}

/* Asserts that every key of the schema has the same value in @a and @b in @section. */
static void
assert_same_values(const SimConfig *a, const SimConfig *b, const char *section)
{
  for (size_t i = 0; i < G_N_ELEMENTS(test_specs); i++) {
    const SimKeySpec *s = &test_specs[i];
    gboolean family = g_str_has_suffix(s->section, ".*");
    if (family ? !g_str_has_prefix(section, "link.") : strcmp(s->section, section) != 0)
      continue;
    const char *k = s->key;
    switch (s->type) {
    case SIM_KEY_STRING: {
      const char *va = sim_config_get_string(a, section, k);
      const char *vb = sim_config_get_string(b, section, k);
      CU_ASSERT_TRUE(g_strcmp0(va, vb) == 0);
      break;
    }
    case SIM_KEY_ENUM:
      CU_ASSERT_STRING_EQUAL(sim_config_get_enum(a, section, k),
                             sim_config_get_enum(b, section, k));
      break;
    case SIM_KEY_INT:
      CU_ASSERT_EQUAL(sim_config_get_int(a, section, k), sim_config_get_int(b, section, k));
      break;
    case SIM_KEY_BOOL:
      CU_ASSERT_EQUAL(sim_config_get_bool(a, section, k), sim_config_get_bool(b, section, k));
      break;
    case SIM_KEY_DOUBLE:
      CU_ASSERT_EQUAL(sim_config_get_double(a, section, k),
                      sim_config_get_double(b, section, k));
      break;
    case SIM_KEY_PROB:
      CU_ASSERT_EQUAL(sim_config_get_prob(a, section, k), sim_config_get_prob(b, section, k));
      break;
    case SIM_KEY_DURATION:
      CU_ASSERT_EQUAL(sim_config_get_duration(a, section, k),
                      sim_config_get_duration(b, section, k));
      break;
    case SIM_KEY_RATE:
      CU_ASSERT_EQUAL(sim_config_get_rate(a, section, k), sim_config_get_rate(b, section, k));
      break;
    case SIM_KEY_SIZE:
      CU_ASSERT_EQUAL(sim_config_get_size(a, section, k), sim_config_get_size(b, section, k));
      break;
    case SIM_KEY_DIST:
    case SIM_KEY_DIST_DURATION: {
      g_autofree char *da = dist_text(a, section, k);
      g_autofree char *db = dist_text(b, section, k);
      CU_ASSERT_STRING_EQUAL(da, db);
      break;
    }
    }
  }
}

static void
to_data_round_trip_gives_same_values(void)
{
  g_autoptr(SimSchema) schema = test_schema();
  g_autoptr(SimConfig) cfg = sim_config_new(schema);
  GError *err = NULL;
  CU_ASSERT_TRUE_FATAL(load_good(cfg));
  /* values that need escaping to survive */
  CU_ASSERT_TRUE(sim_config_set_override(cfg, "app.comment=tab\there \\ back\nline", &err));
  CU_ASSERT_TRUE(sim_config_set_override(cfg, "tcp.clock_skew=-250ms", &err));
  CU_ASSERT_TRUE_FATAL(sim_config_load_data(cfg, "[app]\n", "extra.ini", &err));
  CU_ASSERT_TRUE_FATAL(validate_ok(cfg));

  g_autofree char *text = sim_config_to_data(cfg);
  g_autoptr(SimConfig) back = sim_config_new(schema);
  CU_ASSERT_TRUE_FATAL(sim_config_load_data(back, text, "roundtrip.ini", &err));
  CU_ASSERT_TRUE_FATAL(validate_ok(back));
  const char *sections[] = { "experiment", "tcp", "link.access", "link.core", "app" };
  for (size_t i = 0; i < G_N_ELEMENTS(sections); i++)
    assert_same_values(cfg, back, sections[i]);
  CU_ASSERT_STRING_EQUAL(sim_config_get_string(back, "app", "comment"),
                         "tab\there \\ back\nline");
  g_auto(GStrv) names = sim_config_sections(back, NULL);
  g_auto(GStrv) names0 = sim_config_sections(cfg, NULL);
  CU_ASSERT_TRUE(g_strv_equal((const char *const *)names, (const char *const *)names0));
  /* and the text is a fixed point */
  g_autofree char *again = sim_config_to_data(back);
  CU_ASSERT_STRING_EQUAL(again, text);
}

static void
to_data_lists_every_key_with_its_doc(void)
{
  g_autoptr(SimSchema) schema = test_schema();
  g_autoptr(SimConfig) cfg = sim_config_new(schema);
  GError *err = NULL;
  CU_ASSERT_TRUE_FATAL(sim_config_load_data(cfg, MINIMAL "[link.a]\nends = x y\n", "t.ini",
                                            &err));
  g_autofree char *text = sim_config_to_data(cfg);
  /* sections never given but without a wildcard are there, with defaults */
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n[tcp]\n# TIME-WAIT duration\ntime_wait = 60s\n"));
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n[app]\n"));
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "# master seed\nseed = 1\n"));
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "[link.a]\n# the two nodes it joins\nends = x y\n"));
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "# loss probability\nloss = 0\n"));
  CU_ASSERT_PTR_NULL(strstr(text, "[link.*]"));
  /* a key with no value and no default is shown, commented out */
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "# free text\n# comment ="));
}

/* ---- syntax errors at load ------------------------------------------------------- */

static void
syntax_error_names_file_and_line(void)
{
  g_autoptr(SimSchema) schema = test_schema();
  g_autoptr(SimConfig) cfg = sim_config_new(schema);
  GError *err = NULL;
  CU_ASSERT_FALSE(sim_config_load_data(cfg, "[experiment]\nname = x\n  oops  \n", "t.ini",
                                       &err));
  TEST_ASSERT_ERROR(err, SIM_ERROR_SYNTAX, "t.ini:3: expected 'key = value', a [section] "
                                           "header or a comment, got 'oops'");
  CU_ASSERT_FALSE(sim_config_load_data(cfg, "# c\n[tcp\n", "t.ini", &err));
  TEST_ASSERT_ERROR(err, SIM_ERROR_SYNTAX, "t.ini:2: expected");
  CU_ASSERT_FALSE(sim_config_load_data(cfg, "[]\n", "t.ini", &err));
  TEST_ASSERT_ERROR(err, SIM_ERROR_SYNTAX, "t.ini:1: expected");
  CU_ASSERT_FALSE(sim_config_load_data(cfg, "[tcp]\n = 5\n", "t.ini", &err));
  TEST_ASSERT_ERROR(err, SIM_ERROR_SYNTAX, "t.ini:2: expected");
  CU_ASSERT_FALSE(sim_config_load_data(cfg, "[tcp] # trailing\n", "t.ini", &err));
  TEST_ASSERT_ERROR(err, SIM_ERROR_SYNTAX, "t.ini:1: expected");
  CU_ASSERT_FALSE(sim_config_load_data(cfg, "[tcp]\nisn\xff = zero\n", "t.ini", &err));
  TEST_ASSERT_ERROR(err, SIM_ERROR_SYNTAX, "t.ini:2: the line is not valid UTF-8");
}

static void
key_before_any_section_is_error(void)
{
  g_autoptr(SimSchema) schema = test_schema();
  g_autoptr(SimConfig) cfg = sim_config_new(schema);
  GError *err = NULL;
  CU_ASSERT_FALSE(sim_config_load_data(cfg, "# header\nseed = 3\n[experiment]\n", "t.ini",
                                       &err));
  TEST_ASSERT_ERROR(err, SIM_ERROR_SYNTAX, "t.ini:2: key 'seed' comes before any [section]");
}

static void
duplicate_key_names_both_lines(void)
{
  g_autoptr(SimSchema) schema = test_schema();
  g_autoptr(SimConfig) cfg = sim_config_new(schema);
  GError *err = NULL;
  CU_ASSERT_FALSE(sim_config_load_data(cfg, "[tcp]\nisn = zero\n\nisn = clock\n", "t.ini",
                                       &err));
  TEST_ASSERT_ERROR(err, SIM_ERROR_SYNTAX,
                    "t.ini:4: [tcp] isn: key given twice (first at line 2)");
  /* also across two headers of the same section */
  CU_ASSERT_FALSE(sim_config_load_data(cfg, "[tcp]\nisn = zero\n[app]\n[tcp]\nisn = clock\n",
                                       "t.ini", &err));
  TEST_ASSERT_ERROR(err, SIM_ERROR_SYNTAX,
                    "t.ini:5: [tcp] isn: key given twice (first at line 2)");
}

static void
nonexistent_file_is_io_error_naming_path(void)
{
  g_autoptr(SimSchema) schema = test_schema();
  g_autoptr(SimConfig) cfg = sim_config_new(schema);
  g_autofree char *path = test_data_path("config_does_not_exist.ini");
  GError *err = NULL;
  CU_ASSERT_FALSE(sim_config_load_file(cfg, path, &err));
  TEST_ASSERT_ERROR(err, SIM_ERROR_IO, path);
}

static void
failed_load_leaves_config_unchanged(void)
{
  g_autoptr(SimSchema) schema = test_schema();
  g_autoptr(SimConfig) cfg = sim_config_new(schema);
  GError *err = NULL;
  CU_ASSERT_TRUE_FATAL(sim_config_load_data(cfg, MINIMAL "[tcp]\nisn = zero\n", "a.ini",
                                            &err));
  CU_ASSERT_FALSE(sim_config_load_data(cfg,
                                       "[tcp]\nisn = clock\ntime_wait = 1s\n[link.new]\n"
                                       "ends = a b\nbroken line\n",
                                       "b.ini", &err));
  TEST_ASSERT_ERROR(err, SIM_ERROR_SYNTAX, "b.ini:6:");
  CU_ASSERT_FALSE(sim_config_load_data(cfg, "[tcp]\nisn = clock\nisn = zero\n", "c.ini",
                                       &err));
  TEST_ASSERT_ERROR(err, SIM_ERROR_SYNTAX, "c.ini:3:");
  CU_ASSERT_TRUE_FATAL(validate_ok(cfg));
  CU_ASSERT_STRING_EQUAL(sim_config_get_enum(cfg, "tcp", "isn"), "zero");
  CU_ASSERT_STRING_EQUAL(sim_config_origin(cfg, "tcp", "isn"), "a.ini:4");
  CU_ASSERT_FALSE(sim_config_has(cfg, "tcp", "time_wait"));
  g_auto(GStrv) names = sim_config_sections(cfg, NULL);
  CU_ASSERT_EQUAL(g_strv_length(names), 2);
}

/* ---- validation: sections and keys ----------------------------------------------- */

static void
unknown_section_suggests_close_name(void)
{
  assert_invalid(MINIMAL "[tpc]\nisn = zero\n",
                 "t.ini:3: [tpc]: unknown section; did you mean [tcp]?");
}

static void
unknown_family_section_suggests_family(void)
{
  assert_invalid(MINIMAL "[lnik.access]\nends = a b\n",
                 "t.ini:3: [lnik.access]: unknown section; did you mean [link.access]?");
  /* a family member needs a name */
  assert_invalid(MINIMAL "[link]\n", "t.ini:3: [link]: unknown section; did you mean "
                                     "[link.NAME]?");
  assert_invalid(MINIMAL "[link.]\n", "t.ini:3: [link.]: unknown section; did you mean "
                                      "[link.NAME]?");
}

static void
unknown_section_without_close_match_has_no_suggestion(void)
{
  g_autofree char *msg = invalid_message(MINIMAL "[scheduler]\n",
                                         "t.ini:3: [scheduler]: unknown section");
  CU_ASSERT_PTR_NULL(strstr(msg, "did you mean"));
}

static void
unknown_key_suggests_close_key(void)
{
  assert_invalid(MINIMAL "[tcp]\ntime_wiat = 30s\n",
                 "t.ini:4: [tcp] time_wiat: unknown key; did you mean 'time_wait'?");
  /* in a family section, from the family's keys */
  assert_invalid(MINIMAL "[link.a]\nends = a b\nlos = 0.1\n",
                 "t.ini:5: [link.a] los: unknown key; did you mean 'loss'?");
}

static void
unknown_key_without_close_match_has_no_suggestion(void)
{
  g_autofree char *msg = invalid_message(MINIMAL "[tcp]\nbanana = 1\n",
                                         "t.ini:4: [tcp] banana: unknown key");
  CU_ASSERT_PTR_NULL(strstr(msg, "did you mean"));
}

static void
missing_required_key_names_section_header(void)
{
  assert_invalid("# no name\n[experiment]\nseed = 4\n",
                 "t.ini:2: [experiment] name: required key is missing");
  /* each member of a family */
  assert_invalid(MINIMAL "[link.a]\nrate = 1Gbps\n",
                 "t.ini:3: [link.a] ends: required key is missing");
}

static void
missing_required_section_names_file(void)
{
  g_autofree char *msg = invalid_message("[tcp]\nisn = zero\n",
                                         "t.ini: [experiment] name: required key is missing");
  CU_ASSERT_STRING_EQUAL(msg, "t.ini: [experiment] name: required key is missing");
}

static void
required_key_given_by_override_is_enough(void)
{
  g_autoptr(SimSchema) schema = test_schema();
  g_autoptr(SimConfig) cfg = sim_config_new(schema);
  GError *err = NULL;
  CU_ASSERT_TRUE(sim_config_set_override(cfg, "experiment.name=from the command line", &err));
  CU_ASSERT_TRUE_FATAL(validate_ok(cfg));
  CU_ASSERT_STRING_EQUAL(sim_config_get_string(cfg, "experiment", "name"),
                         "from the command line");
}

static void
invalid_escape_is_reported(void)
{
  assert_invalid("[experiment]\nname = C:\\path\n",
                 "t.ini:2: [experiment] name: 'C:\\path' is not a valid string: a "
                 "backslash must start one of the escapes \\s \\n \\t \\r \\\\");
  assert_invalid("[experiment]\nname = trailing\\\n", "'trailing\\' is not a valid string");
}

/* ---- validation: values ---------------------------------------------------------- */

static void
bad_int_is_reported(void)
{
  assert_invalid(MINIMAL "seed = 12x\n", "t.ini:3: [experiment] seed: '12x' is not an "
                                         "integer");
  assert_invalid(MINIMAL "seed = 99999999999999999999\n",
                 "'99999999999999999999' is not an integer: it does not fit in 64 bits");
  assert_invalid(MINIMAL "seed = 1.0\n", "'1.0' is not an integer");
}

static void
bad_bool_is_reported(void)
{
  assert_invalid(MINIMAL "trace = maybe\n",
                 "t.ini:3: [experiment] trace: 'maybe' is not a boolean: expected "
                 "true/false, yes/no, on/off or 1/0");
}

static void
bools_accept_every_spelling(void)
{
  static const struct { const char *text; gboolean value; } cases[] = {
    { "true", TRUE }, { "YES", TRUE }, { "On", TRUE }, { "1", TRUE },
    { "false", FALSE }, { "no", FALSE }, { "OFF", FALSE }, { "0", FALSE },
  };
  g_autoptr(SimSchema) schema = test_schema();
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(SimConfig) cfg = sim_config_new(schema);
    g_autofree char *text = g_strdup_printf(MINIMAL "trace = %s\n", cases[i].text);
    GError *err = NULL;
    CU_ASSERT_TRUE_FATAL(sim_config_load_data(cfg, text, "t.ini", &err));
    CU_ASSERT_TRUE_FATAL(validate_ok(cfg));
    CU_ASSERT_EQUAL(sim_config_get_bool(cfg, "experiment", "trace"), cases[i].value);
  }
}

static void
bad_double_is_reported(void)
{
  assert_invalid(MINIMAL "warmup = 1/4\n",
                 "t.ini:3: [experiment] warmup: '1/4' is not a number");
  assert_invalid(MINIMAL "warmup = inf\n", "'inf' is not a number");
  assert_invalid(MINIMAL "warmup =\n", "t.ini:3: [experiment] warmup: '' is not a number");
}

static void
duration_without_unit_is_reported(void)
{
  assert_invalid(MINIMAL "[tcp]\ntime_wait = 30\n",
                 "t.ini:4: [tcp] time_wait: '30' has no unit: a duration needs one of");
  assert_invalid(MINIMAL "[tcp]\ntime_wait = fast\n",
                 "t.ini:4: [tcp] time_wait: 'fast' is not a duration: ");
}

static void
negative_duration_is_reported(void)
{
  assert_invalid(MINIMAL "[tcp]\ntime_wait = -1s\n",
                 "t.ini:4: [tcp] time_wait: '-1s' is negative: a duration here must be >= 0");
}

static void
negative_duration_allowed_when_range_goes_below_zero(void)
{
  g_autoptr(SimSchema) schema = test_schema();
  g_autoptr(SimConfig) cfg = sim_config_new(schema);
  GError *err = NULL;
  CU_ASSERT_TRUE_FATAL(sim_config_load_data(cfg, MINIMAL "[tcp]\nclock_skew = -500ms\n",
                                            "t.ini", &err));
  CU_ASSERT_TRUE_FATAL(validate_ok(cfg));
  CU_ASSERT_EQUAL(sim_config_get_duration(cfg, "tcp", "clock_skew"), -500 * SIM_MS);
  /* but not past the bound */
  assert_invalid(MINIMAL "[tcp]\nclock_skew = -2s\n",
                 "t.ini:4: [tcp] clock_skew: '-2s' is out of range [-1s, 1s]");
}

static void
bad_rate_is_reported(void)
{
  assert_invalid(MINIMAL "[link.a]\nends = a b\nrate = 10Mbit\n",
                 "t.ini:5: [link.a] rate: '10Mbit' has unknown unit 'Mbit': a rate takes");
}

static void
bad_size_is_reported(void)
{
  assert_invalid(MINIMAL "[tcp]\nrcv_buf = lots\n",
                 "t.ini:4: [tcp] rcv_buf: 'lots' is not a size: ");
  assert_invalid(MINIMAL "[tcp]\nrcv_buf = -1KiB\n", "'-1KiB' is negative");
}

static void
probability_above_one_is_reported(void)
{
  assert_invalid(MINIMAL "[link.access]\nends = a b\nloss = 1.5\n",
                 "t.ini:5: [link.access] loss: '1.5' is out of range (expected a "
                 "probability in [0, 1])");
  assert_invalid(MINIMAL "[link.access]\nends = a b\nloss = -0.1\n",
                 "'-0.1' is out of range (expected a probability in [0, 1])");
  assert_invalid(MINIMAL "[link.access]\nends = a b\nloss = half\n",
                 "'half' is not a probability: expected a number in [0, 1]");
}

static void
unknown_distribution_is_reported(void)
{
  g_autofree char *msg = invalid_message(MINIMAL "[app]\nthink = gamma(2)\n",
                                         "t.ini:4: [app] think: 'gamma(2)' is not a "
                                         "distribution: ");
  /* the underlying reason is kept, without quoting the value twice */
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "gamma"));
  CU_ASSERT_PTR_NULL(strstr(msg, "distribution: 'gamma(2)'"));
}

static void
duration_distribution_needs_units(void)
{
  assert_invalid(MINIMAL "[link.a]\nends = a b\ndelay = exp(10)\n",
                 "t.ini:5: [link.a] delay: 'exp(10)' is not a duration distribution: ");
}

static void
enum_not_a_choice_suggests_close_one(void)
{
  assert_invalid(MINIMAL "[tcp]\nisn = clok\n",
                 "t.ini:4: [tcp] isn: 'clok' is not one of random, clock, rfc6528, zero; "
                 "did you mean 'clock'?");
  /* choices are case-sensitive */
  assert_invalid(MINIMAL "[tcp]\nisn = Zero\n", "'Zero' is not one of");
  g_autofree char *msg = invalid_message(MINIMAL "[tcp]\nisn = sequential\n",
                                         "'sequential' is not one of");
  CU_ASSERT_PTR_NULL(strstr(msg, "did you mean"));
}

static void
range_violation_names_bounds(void)
{
  assert_invalid(MINIMAL "hosts = 100\n",
                 "t.ini:3: [experiment] hosts: '100' is out of range [1, 64]");
  assert_invalid(MINIMAL "hosts = 0\n", "'0' is out of range [1, 64]");
  assert_invalid(MINIMAL "[tcp]\ntime_wait = 5min\n",
                 "t.ini:4: [tcp] time_wait: '5min' is out of range [0s, 4min]");
}

static void
range_bounds_are_inclusive(void)
{
  g_autoptr(SimSchema) schema = test_schema();
  g_autoptr(SimConfig) cfg = sim_config_new(schema);
  GError *err = NULL;
  CU_ASSERT_TRUE_FATAL(sim_config_load_data(cfg, MINIMAL "hosts = 64\n[tcp]\n"
                                                         "time_wait = 4min\n", "t.ini", &err));
  CU_ASSERT_TRUE_FATAL(validate_ok(cfg));
  CU_ASSERT_EQUAL(sim_config_get_int(cfg, "experiment", "hosts"), 64);
  CU_ASSERT_EQUAL(sim_config_get_duration(cfg, "tcp", "time_wait"), 4 * SIM_MIN);
}

static void
all_problems_reported_in_file_then_override_order(void)
{
  g_autoptr(SimSchema) schema = test_schema();
  g_autoptr(SimConfig) cfg = sim_config_new(schema);
  GError *err = NULL;
  /* given before the file on purpose: overrides are reported after it all the same */
  CU_ASSERT_TRUE(sim_config_set_override(cfg, "tcp.isn=clok", &err));
  CU_ASSERT_TRUE_FATAL(sim_config_load_data(cfg,
                                            "[experiment]\n"      /* 1 */
                                            "seed = x\n"          /* 2 */
                                            "[tpc]\n"             /* 3 */
                                            "a = 1\n"             /* 4 */
                                            "[tcp]\n"             /* 5 */
                                            "time_wiat = 1s\n"    /* 6 */
                                            "isn = zero\n"        /* 7: overridden */
                                            "[link.a]\n"          /* 8 */
                                            "ends = a b\n"        /* 9 */
                                            "loss = 2\n",         /* 10 */
                                            "m.ini", &err));
  CU_ASSERT_TRUE(sim_config_set_override(cfg, "experiment.hosts=0", &err));
  CU_ASSERT_FALSE(sim_config_validate(cfg, &err));
  CU_ASSERT_PTR_NOT_NULL_FATAL(err);
  CU_ASSERT_EQUAL(err->code, SIM_ERROR_INVALID);
  CU_ASSERT_STRING_EQUAL(err->message,
    "m.ini:1: [experiment] name: required key is missing\n"
    "m.ini:2: [experiment] seed: 'x' is not an integer\n"
    "m.ini:3: [tpc]: unknown section; did you mean [tcp]?\n"
    "m.ini:6: [tcp] time_wiat: unknown key; did you mean 'time_wait'?\n"
    "m.ini:10: [link.a] loss: '2' is out of range (expected a probability in [0, 1])\n"
    "--set tcp.isn=clok: [tcp] isn: 'clok' is not one of random, clock, rfc6528, zero; "
    "did you mean 'clock'?\n"
    "--set experiment.hosts=0: [experiment] hosts: '0' is out of range [1, 64]");
  g_clear_error(&err);
}

static void
problems_file_fixture_reports_each_line(void)
{
  g_autoptr(SimSchema) schema = test_schema();
  g_autoptr(SimConfig) cfg = sim_config_new(schema);
  g_autofree char *path = test_data_path("config_problems.ini");
  GError *err = NULL;
  CU_ASSERT_TRUE_FATAL(sim_config_load_file(cfg, path, &err));
  CU_ASSERT_FALSE(sim_config_validate(cfg, &err));
  CU_ASSERT_PTR_NOT_NULL_FATAL(err);
  g_auto(GStrv) lines = g_strsplit(err->message, "\n", -1);
  static const char *const expected[] = {
    "config_problems.ini:1: [experiment] name:", "config_problems.ini:2: [experiment] seed:",
    "config_problems.ini:3: [tpc]:", "config_problems.ini:6: [tcp] time_wiat:",
    "config_problems.ini:10: [link.a] loss:",
  };
  CU_ASSERT_EQUAL_FATAL(g_strv_length(lines), G_N_ELEMENTS(expected));
  for (size_t i = 0; i < G_N_ELEMENTS(expected); i++)
    CU_ASSERT_PTR_NOT_NULL(strstr(lines[i], expected[i]));
  g_clear_error(&err);
}

static void
validation_can_be_repeated_after_a_fix(void)
{
  g_autoptr(SimSchema) schema = test_schema();
  g_autoptr(SimConfig) cfg = sim_config_new(schema);
  GError *err = NULL;
  CU_ASSERT_TRUE_FATAL(sim_config_load_data(cfg, MINIMAL "[tcp]\ntime_wait = 1h\n", "t.ini",
                                            &err));
  CU_ASSERT_FALSE(sim_config_validate(cfg, &err));
  TEST_ASSERT_ERROR(err, SIM_ERROR_INVALID, "'1h' is out of range");
  CU_ASSERT_TRUE(sim_config_set_override(cfg, "tcp.time_wait=1min", &err));
  CU_ASSERT_TRUE_FATAL(validate_ok(cfg));
  CU_ASSERT_EQUAL(sim_config_get_duration(cfg, "tcp", "time_wait"), SIM_MIN);
}

/* ---- schema, suggestions, misuse ------------------------------------------------- */

static void
schema_lookup_matches_families(void)
{
  g_autoptr(SimSchema) schema = test_schema();
  CU_ASSERT_EQUAL(sim_schema_size(schema), G_N_ELEMENTS(test_specs));
  CU_ASSERT_PTR_EQUAL(sim_schema_nth(schema, 0), &test_specs[0]);
  const SimKeySpec *tw = sim_schema_lookup(schema, "tcp", "time_wait");
  CU_ASSERT_PTR_NOT_NULL_FATAL(tw);
  CU_ASSERT_EQUAL(tw->type, SIM_KEY_DURATION);
  const SimKeySpec *rate = sim_schema_lookup(schema, "link.access", "rate");
  CU_ASSERT_PTR_NOT_NULL_FATAL(rate);
  CU_ASSERT_STRING_EQUAL(rate->section, "link.*");
  CU_ASSERT_PTR_NOT_NULL(sim_schema_lookup(schema, "link.a.b", "rate"));
  CU_ASSERT_PTR_NULL(sim_schema_lookup(schema, "link.", "rate"));
  CU_ASSERT_PTR_NULL(sim_schema_lookup(schema, "link", "rate"));
  CU_ASSERT_PTR_NULL(sim_schema_lookup(schema, "tcp", "rate"));
  CU_ASSERT_PTR_NULL(sim_schema_lookup(schema, "link.access", "time_wait"));
}

static void
schema_duplicate_declaration_is_critical(void)
{
  g_autoptr(SimSchema) schema = test_schema();
  test_criticals_catch();
  sim_schema_add(schema, &test_specs[5], 1);    /* [tcp] time_wait */
  sim_schema_add(schema, &test_specs[12], 1);   /* [link.*] rate */
  CU_ASSERT_EQUAL(test_criticals_release(), 2);
  CU_ASSERT_EQUAL(sim_schema_size(schema), G_N_ELEMENTS(test_specs));
}

static void
bad_default_is_critical(void)
{
  static const SimKeySpec broken[] = {
    { "x", "n", SIM_KEY_INT, "ten", "a default that does not parse", NULL, 0, 0, 0 },
  };
  g_autoptr(SimSchema) schema = sim_schema_new();
  sim_schema_add(schema, broken, G_N_ELEMENTS(broken));
  g_autoptr(SimConfig) cfg = sim_config_new(schema);
  test_criticals_catch();
  gboolean ok = sim_config_validate(cfg, NULL);
  CU_ASSERT_EQUAL(test_criticals_release(), 1);
  CU_ASSERT_TRUE(ok);   /* the user's config is not at fault */
}

static void
getter_misuse_is_critical(void)
{
  g_autoptr(SimSchema) schema = test_schema();
  g_autoptr(SimConfig) cfg = sim_config_new(schema);
  GError *err = NULL;
  CU_ASSERT_TRUE_FATAL(sim_config_load_data(cfg, MINIMAL, "t.ini", &err));
  test_criticals_catch();
  int64_t before_validation = sim_config_get_int(cfg, "experiment", "seed");
  unsigned unvalidated = test_criticals_count();
  gboolean ok = sim_config_validate(cfg, NULL);
  int64_t wrong_type = sim_config_get_int(cfg, "tcp", "time_wait");
  int64_t unknown = sim_config_get_int(cfg, "tcp", "nosuch");
  unsigned criticals_seen = test_criticals_release();
  CU_ASSERT_EQUAL(before_validation, 0);
  CU_ASSERT_EQUAL(unvalidated, 1);
  CU_ASSERT_TRUE(ok);
  CU_ASSERT_EQUAL(wrong_type, 0);
  CU_ASSERT_EQUAL(unknown, 0);
  CU_ASSERT_EQUAL(criticals_seen, 3);
}

static void
suggest_picks_closest_within_threshold(void)
{
  const char *keys[] = { "time_wait", "isn", "rcv_buf" };
  CU_ASSERT_STRING_EQUAL(sim_suggest("time_wiat", keys, 3), "time_wait");
  CU_ASSERT_STRING_EQUAL(sim_suggest("rcvbuf", keys, 3), "rcv_buf");
  CU_ASSERT_STRING_EQUAL(sim_suggest("isn", keys, 3), "isn");
  CU_ASSERT_PTR_NULL(sim_suggest("banana", keys, 3));
  /* short words allow one edit: "ins" is one swap from "isn", "xyz" is not close */
  CU_ASSERT_STRING_EQUAL(sim_suggest("ins", keys, 3), "isn");
  CU_ASSERT_PTR_NULL(sim_suggest("xyz", keys, 3));
  /* the threshold is strlen/3: 9 letters allow 3 edits, not 4 */
  const char *far[] = { "abcdefghi" };
  CU_ASSERT_PTR_NOT_NULL(sim_suggest("abcdefXYZ", far, 1));
  CU_ASSERT_PTR_NULL(sim_suggest("abcdeWXYZ", far, 1));
  CU_ASSERT_PTR_NULL(sim_suggest("x", NULL, 0));
}

static void
suggest_tie_goes_to_first_candidate(void)
{
  const char *a[] = { "bat", "hat" };
  const char *b[] = { "hat", "bat" };
  CU_ASSERT_STRING_EQUAL(sim_suggest("cat", a, 2), "bat");
  CU_ASSERT_STRING_EQUAL(sim_suggest("cat", b, 2), "hat");
}

static void
key_type_names_are_readable(void)
{
  CU_ASSERT_STRING_EQUAL(sim_key_type_name(SIM_KEY_STRING), "string");
  CU_ASSERT_STRING_EQUAL(sim_key_type_name(SIM_KEY_INT), "integer");
  CU_ASSERT_STRING_EQUAL(sim_key_type_name(SIM_KEY_BOOL), "boolean");
  CU_ASSERT_STRING_EQUAL(sim_key_type_name(SIM_KEY_DOUBLE), "number");
  CU_ASSERT_STRING_EQUAL(sim_key_type_name(SIM_KEY_DURATION), "duration");
  CU_ASSERT_STRING_EQUAL(sim_key_type_name(SIM_KEY_RATE), "rate");
  CU_ASSERT_STRING_EQUAL(sim_key_type_name(SIM_KEY_SIZE), "size");
  CU_ASSERT_STRING_EQUAL(sim_key_type_name(SIM_KEY_PROB), "probability");
  CU_ASSERT_STRING_EQUAL(sim_key_type_name(SIM_KEY_DIST), "distribution");
  CU_ASSERT_STRING_EQUAL(sim_key_type_name(SIM_KEY_DIST_DURATION), "duration distribution");
  CU_ASSERT_STRING_EQUAL(sim_key_type_name(SIM_KEY_ENUM), "choice");
}

void test_config_register(void);
void
test_config_register(void)
{
  static const CU_TestInfo tests[] = {
    { "good_file_gives_typed_values", good_file_gives_typed_values },
    { "absent_keys_give_defaults", absent_keys_give_defaults },
    { "origin_names_file_and_line_or_default", origin_names_file_and_line_or_default },
    { "has_is_true_only_for_given_keys", has_is_true_only_for_given_keys },
    { "load_data_names_the_text_in_origins", load_data_names_the_text_in_origins },
    { "values_are_trimmed_and_unescaped", values_are_trimmed_and_unescaped },
    { "repeated_section_merges_its_keys", repeated_section_merges_its_keys },
    { "later_file_wins_and_updates_origin", later_file_wins_and_updates_origin },
    { "empirical_file_is_found_next_to_the_config",
      empirical_file_is_found_next_to_the_config },
    { "override_wins_over_file_value", override_wins_over_file_value },
    { "override_wins_over_file_loaded_after_it", override_wins_over_file_loaded_after_it },
    { "override_section_may_contain_dots", override_section_may_contain_dots },
    { "override_bad_value_is_reported_with_set_prefix",
      override_bad_value_is_reported_with_set_prefix },
    { "override_unknown_section_and_key_are_reported",
      override_unknown_section_and_key_are_reported },
    { "malformed_overrides_are_syntax_errors", malformed_overrides_are_syntax_errors },
    { "sections_with_prefix_in_file_order", sections_with_prefix_in_file_order },
    { "to_data_round_trip_gives_same_values", to_data_round_trip_gives_same_values },
    { "to_data_lists_every_key_with_its_doc", to_data_lists_every_key_with_its_doc },
    { "syntax_error_names_file_and_line", syntax_error_names_file_and_line },
    { "key_before_any_section_is_error", key_before_any_section_is_error },
    { "duplicate_key_names_both_lines", duplicate_key_names_both_lines },
    { "nonexistent_file_is_io_error_naming_path", nonexistent_file_is_io_error_naming_path },
    { "failed_load_leaves_config_unchanged", failed_load_leaves_config_unchanged },
    { "unknown_section_suggests_close_name", unknown_section_suggests_close_name },
    { "unknown_family_section_suggests_family", unknown_family_section_suggests_family },
    { "unknown_section_without_close_match_has_no_suggestion",
      unknown_section_without_close_match_has_no_suggestion },
    { "unknown_key_suggests_close_key", unknown_key_suggests_close_key },
    { "unknown_key_without_close_match_has_no_suggestion",
      unknown_key_without_close_match_has_no_suggestion },
    { "missing_required_key_names_section_header", missing_required_key_names_section_header },
    { "missing_required_section_names_file", missing_required_section_names_file },
    { "required_key_given_by_override_is_enough", required_key_given_by_override_is_enough },
    { "invalid_escape_is_reported", invalid_escape_is_reported },
    { "bad_int_is_reported", bad_int_is_reported },
    { "bad_bool_is_reported", bad_bool_is_reported },
    { "bools_accept_every_spelling", bools_accept_every_spelling },
    { "bad_double_is_reported", bad_double_is_reported },
    { "duration_without_unit_is_reported", duration_without_unit_is_reported },
    { "negative_duration_is_reported", negative_duration_is_reported },
    { "negative_duration_allowed_when_range_goes_below_zero",
      negative_duration_allowed_when_range_goes_below_zero },
    { "bad_rate_is_reported", bad_rate_is_reported },
    { "bad_size_is_reported", bad_size_is_reported },
    { "probability_above_one_is_reported", probability_above_one_is_reported },
    { "unknown_distribution_is_reported", unknown_distribution_is_reported },
    { "duration_distribution_needs_units", duration_distribution_needs_units },
    { "enum_not_a_choice_suggests_close_one", enum_not_a_choice_suggests_close_one },
    { "range_violation_names_bounds", range_violation_names_bounds },
    { "range_bounds_are_inclusive", range_bounds_are_inclusive },
    { "all_problems_reported_in_file_then_override_order",
      all_problems_reported_in_file_then_override_order },
    { "problems_file_fixture_reports_each_line", problems_file_fixture_reports_each_line },
    { "validation_can_be_repeated_after_a_fix", validation_can_be_repeated_after_a_fix },
    { "schema_lookup_matches_families", schema_lookup_matches_families },
    { "schema_duplicate_declaration_is_critical", schema_duplicate_declaration_is_critical },
    { "bad_default_is_critical", bad_default_is_critical },
    { "getter_misuse_is_critical", getter_misuse_is_critical },
    { "suggest_picks_closest_within_threshold", suggest_picks_closest_within_threshold },
    { "suggest_tie_goes_to_first_candidate", suggest_tie_goes_to_first_candidate },
    { "key_type_names_are_readable", key_type_names_are_readable },
    CU_TEST_INFO_NULL,
  };
  test_add_suite("config", tests);
}
