/* The CUnit runner for all of synack's suites. With no argument every suite runs; with
 * suite names as arguments only those run (ctest registers one test per suite).
 * Exit status is non-zero if any assertion failed or a named suite does not exist. */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "test_util.h"

#define SUITE(name) void test_##name##_register(void);
#include "suites.def"
#undef SUITE

static const struct {
  const char *name;
  TestRegisterFn fn;
} suites[] = {
#define SUITE(name) { #name, test_##name##_register },
#include "suites.def"
#undef SUITE
};

void
test_add_suite(const char *name, const CU_TestInfo *tests)
{
  CU_pSuite s = CU_add_suite(name, NULL, NULL);
  if (s == NULL) {
    fprintf(stderr, "cannot add suite %s: %s\n", name, CU_get_error_msg());
    exit(2);
  }
  for (const CU_TestInfo *t = tests; t->pName; t++)
    if (CU_add_test(s, t->pName, t->pTestFunc) == NULL) {
      fprintf(stderr, "cannot add test %s: %s\n", t->pName, CU_get_error_msg());
      exit(2);
    }
}

int
main(int argc, char **argv)
{
  if (CU_initialize_registry() != CUE_SUCCESS)
    return 2;
  size_t nsuites = sizeof suites / sizeof suites[0];
  for (int a = 1; a < argc; a++) {
    size_t i = 0;
    while (i < nsuites && strcmp(suites[i].name, argv[a]) != 0)
      i++;
    if (i == nsuites) {
      fprintf(stderr, "no such suite: %s\n", argv[a]);
      CU_cleanup_registry();
      return 2;
    }
  }
  for (size_t i = 0; i < nsuites; i++) {
    gboolean wanted = argc == 1;
    for (int a = 1; a < argc; a++)
      wanted |= strcmp(suites[i].name, argv[a]) == 0;
    if (wanted)
      suites[i].fn();
  }
  CU_basic_set_mode(CU_BRM_VERBOSE);
  CU_basic_run_tests();
  unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
  unsigned run = CU_get_number_of_tests_run();
  CU_cleanup_registry();
  if (run == 0) {
    fprintf(stderr, "no test ran\n");
    return 2;
  }
  return failed ? 1 : 0;
}
